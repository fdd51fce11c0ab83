/** Shared emulator infrastructure (used by the PostSider and PostFast emulators). */
export { createClock, type Clock, type ClockMode } from './clock';
export { Faults, applyFault, type FaultKind, type FaultSpec } from './faults';
export {
	BODY_LOG_CAP,
	KEY_HEADERS,
	keyFingerprint,
	logBody,
	logEntry,
	type LoggedRequest,
} from './log';
export {
	Router,
	adminRefusal,
	makeContext,
	startEmulatorServer,
	type AdminHooks,
	type EmulatorServer,
	type EmulatorServerOptions,
	type Handler,
	type RequestContext,
} from './http';
