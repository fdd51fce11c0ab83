/** In-process entry points of both emulators (tests, benchmarks, the demo). */
export {
	startPostSider,
	DEMO_KEYS,
	type PostSiderEmulator,
	type PostSiderOptions,
} from './postsider';
export { startPostFast } from './postfast';
export {
	createClock,
	keyFingerprint,
	type Clock,
	type FaultSpec,
	type LoggedRequest,
} from './common';
