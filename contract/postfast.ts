/**
 * The PostFast public REST API, defined once (postfast-api.md, postfast-vendor-doc.txt).
 *
 * Used by the n8n node, the daemon and the emulator alike: endpoints, payload types, the rate
 * limits of each profile, the controls catalogue, media rules and the request checks a client can
 * make before sending. No runtime dependencies and no process/timers/fs (n8n community lint).
 *
 * Profiles (shared/README.md "Decisions"): `vendor` is the vendor page (postfast-vendor-doc.txt,
 * the default contract); `current` is the newest vendor reference (postfast-api.md §3.6 "current").
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
