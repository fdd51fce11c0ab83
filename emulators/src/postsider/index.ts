/**
 * `startPostSider(opts)`: the PostSider emulator on 127.0.0.1 (docs/postsider-api.md). The API lives
 * under `/public/v1` (`baseUrl`), stored uploads under `/uploads/…`, test control under `/__admin/`.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
	POSTSIDER_API_PREFIX,
	POSTSIDER_DEFAULT_API_LIMIT,
	UPLOAD_MULTER_MAX_BYTES,
} from '../../../contract/postsider';
import {
	createClock,
	startEmulatorServer,
	type Clock,
	type ClockMode,
	type FaultSpec,
	type LoggedRequest,
} from '../common';
import { postsiderRouter, SECURITY_HEADERS, type BillingOptions } from './api';
import { PostSiderLimiters } from './limiters';
import { DEMO_KEYS, PostSiderStore, type Channel, type PostRecord } from './store';

export interface PostSiderOptions {
	/** `API_LIMIT`: Limiter A per minute (default 60) and, as in the source, Limiter B per hour. */
	apiLimit?: number;
	/** Limiter B per handler per hour (default: `apiLimit`, the stricter reading; 9999 = API_LIMIT unset). */
	hourlyLimit?: number;
	/**
	 * The server with `API_LIMIT` unset: Limiter A 60 per minute, Limiter B 9999 per hour (its code
	 * defaults). Off by default (then both use `apiLimit`, as the shipped .env.example sets it).
	 */
	apiLimitUnset?: boolean;
	/**
	 * Cloud trial organisation: after this many X posts (the server uses 20), creating another X post
	 * answers 402 "Your trial includes usage limits. Choose a plan to continue." Off by default.
	 */
	trialXPosts?: number;
	/**
	 * upload-from-url: which URLs count as public. The real server refuses http, loopback and private
	 * addresses and resolves DNS; tests pass e.g. `(url) => url.startsWith('http://127.0.0.1:')`.
	 */
	uploadFromUrlAllow?: (url: string) => boolean;
	/** multer's cap in MB (`MAX_UPLOAD_MB`, default 512) → 413 "File too large". */
	maxUploadMb?: number;
	port?: number;
	/** `manual` (default in-process): time moves only when told; `real`: wall time plus an offset. */
	clock?: ClockMode;
	/** Start of the clock (default: now). */
	now?: number;
	/** Cloud billing checks (401/402); off by default, like a self-hosted server. */
	billing?: BillingOptions;
	/** `RESTRICT_UPLOAD_DOMAINS`: media paths in posts must contain this domain; `true` = this emulator's host. */
	restrictUploadDomain?: string | true;
	/** gzip large answers when the client accepts it, like the real server (default true). */
	compression?: boolean;
	/** Which due posts fail to publish (default: content containing `[fail]`). */
	failWhen?: (post: PostRecord, channel: Channel) => string | undefined;
}

export { DEMO_KEYS };
export type { BillingOptions, Channel, FaultSpec, LoggedRequest, PostRecord };

export async function startPostSider(opts: PostSiderOptions = {}) {
	const clock: Clock = createClock(opts.clock ?? 'manual', opts.now ?? Date.now());
	const apiLimit = opts.apiLimitUnset
		? POSTSIDER_DEFAULT_API_LIMIT
		: (opts.apiLimit ?? POSTSIDER_DEFAULT_API_LIMIT);
	const store = new PostSiderStore(() => clock.now(), { failWhen: opts.failWhen });
	const hourlyLimit = opts.apiLimitUnset ? 9999 : (opts.hourlyLimit ?? apiLimit);
	const limiters = new PostSiderLimiters(() => clock.now(), apiLimit, hourlyLimit);
	const uploadDir = join(
		tmpdir(),
		`postspool-postsider-${process.pid}-${randomBytes(4).toString('hex')}`,
	);
	await mkdir(uploadDir, { recursive: true });
	clock.onChange(() => store.publishDue());

	let origin = '';
	const router = postsiderRouter(store, limiters, () => clock.now(), {
		origin: () => origin,
		uploadDir,
		maxUploadBytes:
			opts.maxUploadMb !== undefined ? opts.maxUploadMb * 1024 * 1024 : UPLOAD_MULTER_MAX_BYTES,
		uploadFromUrlAllow: opts.uploadFromUrlAllow,
		billing: opts.billing,
		compression: opts.compression,
		trialXPosts: opts.trialXPosts,
		get restrictUploadDomain() {
			return opts.restrictUploadDomain === true ? new URL(origin).host : opts.restrictUploadDomain;
		},
	});

	/** Returns what Limiter A has left in the current window afterwards. */
	const spendMinuteBudget = (count: number, orgId = 'org-demo'): number => {
		let remaining = 0;
		for (let i = 0; i < count; i++)
			remaining = Number(limiters.minuteCheck(orgId).headers['X-RateLimit-Remaining']);
		return remaining;
	};

	const reset = () => {
		store.seed();
		limiters.reset();
	};

	const state = () => ({
		now: clock.now(),
		apiLimit: limiters.apiLimit,
		hourlyLimit: limiters.hourlyLimit,
		orgs: store.orgs.map((o) => ({ id: o.id, name: o.name })),
		channels: [...store.channels.values()],
		customers: [...store.customers.values()],
		posts: [...store.posts.values()],
		media: [...store.media.values()].map(({ file: _f, ...m }) => m),
		notifications: store.notifications,
		idempotency: [...store.idempotency.values()],
		approvals: [...store.approvals.values()],
		limiters: limiters.snapshot(),
	});

	const server = await startEmulatorServer({
		port: opts.port,
		clock,
		router,
		beforeRequest: () => store.publishDue(),
		faultBody: { statusCode: 500, message: 'Internal server error' },
		admin: {
			state,
			reset,
			extra(method, path, body, ctx) {
				if (method === 'POST' && path === '/__admin/tick') {
					ctx.json(200, { moved: store.publishDue() });
					return true;
				}
				// Other traffic of the org (the dashboard, other keys) spends Limiter A's budget too (docs/postsider-api.md, Per-minute limiter).
				if (method === 'POST' && path === '/__admin/traffic') {
					const count = typeof body.count === 'number' ? body.count : 1;
					const orgId = typeof body.orgId === 'string' ? body.orgId : 'org-demo';
					ctx.json(200, { remaining: spendMinuteBudget(count, orgId) });
					return true;
				}
				// Resolve an approval as a reviewer would in the dashboard.
				const m = /^\/__admin\/approvals\/([^/]+)$/.exec(path);
				if (method === 'POST' && m) {
					const approval = store.approvals.get(m[1]);
					const post = store.posts.get(m[1]);
					if (!approval || !post) {
						ctx.json(404, { message: `No approval for post ${m[1]}` });
						return true;
					}
					approval.status = body.status === 'REJECTED' ? 'REJECTED' : 'APPROVED';
					approval.note = typeof body.note === 'string' ? body.note : null;
					approval.resolvedAt = new Date(clock.now()).toISOString();
					post.state = approval.status === 'APPROVED' ? 'QUEUE' : 'DRAFT';
					ctx.json(200, approval);
					return true;
				}
				return false;
			},
		},
		notFound: (ctx) => {
			ctx.req.resume();
			ctx.json(404, {
				message: `Cannot ${ctx.method} ${ctx.req.url ?? ctx.path}`,
				error: 'Not Found',
				statusCode: 404,
			});
		},
	});
	origin = server.origin;
	// Security headers go on every answer, 404s and faults aside.
	server.server.prependListener('request', (_req, res) => {
		for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
	});
	// A background tick so posts publish in `real` clock mode without requests (never keeps the process up).
	const ticker = setInterval(() => store.publishDue(), 1000);
	ticker.unref();

	return {
		origin,
		baseUrl: origin + POSTSIDER_API_PREFIX,
		/** The demo organisation's legacy 64-hex key. */
		apiKey: DEMO_KEYS.legacy,
		/** Every demo key with its organisation (two orgs, to prove isolation). */
		apiKeys: [
			{ orgId: 'org-demo', name: 'Demo Organisation', kind: 'legacy', apiKey: DEMO_KEYS.legacy },
			{ orgId: 'org-demo', name: 'Demo Organisation', kind: 'ps_', apiKey: DEMO_KEYS.selfService },
			{ orgId: 'org-other', name: 'Other Organisation', kind: 'ps_', apiKey: DEMO_KEYS.otherOrg },
		],
		apiLimit,
		clock,
		faults: server.faults,
		requests: server.requests,
		store,
		limiters,
		/** Runs the publisher now (it also runs before every API request and on every clock move). */
		tick(): number {
			return store.publishDue();
		},
		/** Simulates the org's other traffic (dashboard, other keys): `count` requests against Limiter A. */
		spendMinuteBudget,
		reset(): void {
			reset();
			server.faults.clear();
			server.requests.length = 0;
		},
		async close(): Promise<void> {
			clearInterval(ticker);
			await server.close();
			await rm(uploadDir, { recursive: true, force: true });
		},
	};
}

export type PostSiderEmulator = Awaited<ReturnType<typeof startPostSider>>;
