/**
 * `startPostFast(opts)`: the PostFast emulator on 127.0.0.1 — the API listener (`baseUrl`) and a
 * separate S3 listener (`s3Origin`) that the signed upload URLs point at, so a client that leaks
 * `pf-api-key` to S3 shows up in the request log. Admin surface under `/__admin/` on the API port.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
	FAIR_USE_DAILY_PUBLISHES,
	POSTFAST_DEFAULT_PROFILE,
	POSTFAST_PROFILES,
	type PostFastLimitProfile,
	type PostFastProfile,
} from '../../../contract/postfast';
import {
	applyFault,
	createClock,
	logEntry,
	startEmulatorServer,
	type Clock,
	type FaultSpec,
	type LoggedRequest,
} from '../common';
import { notFound, postfastRouter } from './api';
import { S3Bucket } from './s3';
import { PostFastStore, type Account, type Post } from './store';
import { Throttler } from './throttler';

export interface PostFastOptions {
	/** Limit profile and vendor facts: `vendor` (default, the vendor page) or `current` (docs/postfast-api.md, Limits by profile). */
	profile?: PostFastProfile;
	/** Override single limits, e.g. `{ endpoints: { 'POST /social-posts': { daily: 5 } } }` for a quick test. */
	limits?: Partial<Pick<PostFastLimitProfile, 'defaults' | 'endpoints'>>;
	/** Ports (0 = random). */
	port?: number;
	s3Port?: number;
	/** `manual` (default): the clock moves only when told; `real`: wall time plus an offset. */
	clock?: 'manual' | 'real';
	/** Start time of the clock (default: now). */
	now?: number;
	/** docs/postfast-api.md, Error bodies: status for an absent or unknown key (default 403; an empty header is always 401). */
	missingKeyStatus?: 401 | 403;
	/** Serve only the four endpoints of the vendor page (default false: every endpoint of docs/postfast-api.md, Endpoints). */
	vendorPageOnly?: boolean;
	/** Signed URL lifetime in seconds (default 300, the stricter of the documented 300/900). */
	signedUrlExpiresIn?: number;
	/** `strict` (default): Content-Type is a signed header; `host`: the SDK default (any Content-Type). */
	signedHeaders?: 'strict' | 'host';
	/** `strict` (default): create checks uploaded objects (`media.invalidMedia`); `off`: keys are trusted. */
	mediaCheck?: 'strict' | 'off';
	/** JSON body limit in bytes (default 102400, Express' default; over it → 413). */
	bodyLimit?: number;
	/** Which due posts the publisher fails (default: content containing `[fail]`). */
	failWhen?: (post: Post, account: Account | undefined) => string | undefined;
	/**
	 * Fair-use publishes per account per UTC day (docs/postfast-api.md, Creating posts): `enforce` (default) fails the posts over
	 * the profile's caps (vendor: X 5) as `lastError.code: FAIR_USE_LIMIT`; `off` publishes them all.
	 */
	fairUse?: 'enforce' | 'off';
}

export type { Account, Clock, FaultSpec, LoggedRequest, Post };

const BUCKET = 'postfast-media';

export async function startPostFast(opts: PostFastOptions = {}) {
	const profileName = opts.profile ?? POSTFAST_DEFAULT_PROFILE;
	const base = POSTFAST_PROFILES[profileName];
	const profile: PostFastLimitProfile = {
		...base,
		defaults: { ...base.defaults, ...(opts.limits?.defaults ?? {}) },
		endpoints: { ...base.endpoints, ...(opts.limits?.endpoints ?? {}) },
	};
	const clock = createClock(opts.clock ?? 'manual', opts.now ?? Date.now());
	const store = new PostFastStore(() => clock.now(), {
		failWhen: opts.failWhen,
		dailyCaps: opts.fairUse === 'off' ? {} : FAIR_USE_DAILY_PUBLISHES[profileName],
	});
	clock.onChange(() => store.publishDue());
	const throttler = new Throttler(profile, clock);

	// The S3 listener comes first: signed URLs need its origin.
	const s3Server = createServer();
	const s3Port = await new Promise<number>((resolve, reject) => {
		s3Server.once('error', reject);
		s3Server.listen(opts.s3Port ?? 0, '127.0.0.1', () =>
			resolve((s3Server.address() as AddressInfo).port),
		);
	});
	const s3Origin = `http://127.0.0.1:${s3Port}`;
	const s3 = new S3Bucket({
		origin: s3Origin,
		bucket: BUCKET,
		clock,
		dir: join(tmpdir(), `postspool-postfast-s3-${process.pid}-${randomBytes(4).toString('hex')}`),
		expiresIn: opts.signedUrlExpiresIn ?? 300,
		signedHeaders: opts.signedHeaders ?? 'strict',
	});
	await s3.init();

	const router = postfastRouter({
		store,
		throttler,
		s3,
		clock,
		opts: {
			profile: profileName,
			missingKeyStatus: opts.missingKeyStatus ?? 403,
			vendorPageOnly: opts.vendorPageOnly ?? false,
			mediaCheck: opts.mediaCheck ?? 'strict',
			bodyLimit: opts.bodyLimit ?? 102_400,
		},
	});

	const resetState = () => {
		store.seed();
		throttler.reset();
		s3.clear();
	};
	const state = () => ({
		profile: profileName,
		now: clock.now(),
		s3Origin,
		workspaces: store.workspaces,
		accounts: [...store.accounts.values()],
		posts: [...store.posts.values()],
		uploads: [...store.issuedKeys.values()].map((k) => ({
			...k,
			object: s3.objects.get(k.key) ?? null,
		})),
		throttler: throttler.snapshot(),
	});
	const server = await startEmulatorServer({
		port: opts.port,
		clock,
		router,
		admin: {
			state,
			reset: resetState,
			extra(method, path, _body, ctx) {
				if (method !== 'POST' || path !== '/__admin/tick') return false;
				ctx.json(200, { moved: store.publishDue() });
				return true;
			},
		},
		beforeRequest: () => store.publishDue(),
		notFound,
		faultBody: { statusCode: 500, message: 'Internal server error' },
	});
	const { faults } = server;
	/** One log for both listeners; S3 entries carry `service: 's3'`. */
	const requests: Array<LoggedRequest & { service?: 's3' }> = server.requests;

	// S3 requests share the API's request log and faults, so a test sees (and breaks) the whole upload flow.
	const hanging = new Set<ServerResponse>();
	s3Server.on('request', (req, res) => {
		const url = new URL(req.url ?? '/', s3Origin);
		const entry = Object.assign(logEntry(req, url, clock.now()), { service: 's3' as const });
		requests.push(entry);
		void (async () => {
			const fault = faults.take(req.method ?? 'GET', url.pathname);
			if (fault) {
				const answered = await applyFault(fault, req, res, hanging);
				if (answered !== undefined) {
					entry.status = answered;
					return;
				}
			}
			entry.status = await s3.handle(req, res);
		})().catch(() => {
			if (!res.headersSent) res.writeHead(500).end();
			else res.destroy();
		});
	});

	const [demo] = store.workspaces;
	return {
		profile: profileName,
		limits: profile,
		origin: server.origin,
		/** PostFast has no path prefix: the base URL is the origin. */
		baseUrl: server.origin,
		s3Origin,
		bucket: BUCKET,
		apiKey: demo.apiKey,
		/** Every demo workspace and its key (two, to prove isolation). */
		apiKeys: store.workspaces.map((w) => ({ workspaceId: w.id, name: w.name, apiKey: w.apiKey })),
		clock,
		faults,
		requests,
		store,
		/** Uploaded objects by key (bytes live in a temp dir). */
		objects: s3.objects,
		throttler,
		/** Runs the publisher now (it also runs before every API call and on every clock move). */
		async tick(): Promise<number> {
			return store.publishDue();
		},
		/** Back to the seeded state: posts, uploads, rate windows, faults and the request log are cleared (not the clock). */
		reset(): void {
			resetState();
			faults.clear();
			requests.length = 0;
		},
		async close(): Promise<void> {
			for (const res of hanging) res.destroy();
			await server.close();
			await new Promise<void>((resolve) => {
				s3Server.close(() => resolve());
				s3Server.closeAllConnections();
			});
			await s3.destroy();
		},
	};
}

export type PostFastEmulator = Awaited<ReturnType<typeof startPostFast>>;
