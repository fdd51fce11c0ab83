/**
 * The PostFast public REST API, defined once (docs/postfast-api.md, Profiles).
 *
 * Used by the n8n node, the daemon and the emulator alike: endpoints, payload types, the rate
 * limits of each profile, the controls catalogue, media rules and the request checks a client can
 * make before sending. No runtime dependencies and no process/timers/fs (n8n community lint).
 *
 * Profiles (docs/README.md, Decisions): `vendor` is the vendor page (docs/postfast-api.md, Profiles,
 * the default contract); `current` is the newest vendor reference (docs/postfast-api.md, Limits by profile "current").
 */

export * from './postfast/basics';
export * from './postfast/media';
export * from './postfast/endpoints';
export * from './postfast/types';
export * from './postfast/errors';
export * from './postfast/limits';
export * from './postfast/controls';
export * from './postfast/checks';
export * from './postfast/s3';
export * from './postfast/reconcile';
export * from './postfast/batching';
