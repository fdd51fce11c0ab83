/**
 * The pipeline every PostSider route shares (docs/postsider-api.md, Processing order): body parser (100 kB JSON,
 * 400/413) → request id → auth (401/402) → hourly throttler (B, mutating) → plan quotas →
 * per-minute limiter (A) → the handler; plus compression, ETags and the error body helpers of (docs/postsider-api.md, Error bodies).
 * The routes themselves live in `routes/*.ts`, one file per concern.
 */
import { createHash, randomUUID } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

import {
	POSTSIDER_API_PREFIX,
	POSTSIDER_ENDPOINTS,
	POSTSIDER_JSON_BODY_LIMIT_BYTES,
	POSTSIDER_MESSAGES,
	POSTSIDER_REQUEST_ID_PATTERN,
	imageSize,
	isSupportedProvider,
	maxLengthFor,
	type ChannelInfo,
	type EndpointDef,
	type PostSiderEndpointName,
} from '../../../contract/postsider';
import { Router, type RequestContext } from '../common';
import type { PostSiderLimiters } from './limiters';
import type { Org, PostSiderStore } from './store';

export interface ApiOptions {
	origin: () => string;
	uploadDir: string;
	/** multer's cap in bytes (`MAX_UPLOAD_MB`, default 512 MB). */
	maxUploadBytes: number;
	/** Replaces the "public HTTPS address" rule of upload-from-url (the real one refuses loopback). */
	uploadFromUrlAllow?: (url: string) => boolean;
	/** Cloud billing (off by default, as self-hosted without POLAR_ACCESS_TOKEN). */
	billing?: BillingOptions;
	/** `RESTRICT_UPLOAD_DOMAINS`: media paths in posts must contain this domain (off by default). */
	restrictUploadDomain?: string;
	/** gzip answers of 1 kB or more when the client accepts it, as `compression()` does (default true). */
	compression?: boolean;
	/** Cloud trial on X: this many X posts, then 402 (the server's `reserveTrialXPosts`; off by default). */
	trialXPosts?: number;
}

export interface BillingOptions {
	/** `NONE`: no subscription (401); `FREE`: no public API (402); others pass. */
	plan: 'NONE' | 'FREE' | 'STANDARD' | 'TEAM' | 'PRO' | 'ULTIMATE';
	/** Posts per month (PS-PRICE: STANDARD 400, the others 1,000,000). */
	postsPerMonth?: number;
	/** Channels allowed (default 5 on STANDARD, 1,000,000 otherwise). */
	channels?: number;
	frontendUrl?: string;
}

/** Security headers main.ts sets on every response (docs/postsider-api.md, Response headers). */
export const SECURITY_HEADERS: Record<string, string> = {
	'X-Content-Type-Options': 'nosniff',
	'X-XSS-Protection': '0',
	'Referrer-Policy': 'strict-origin-when-cross-origin',
	'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
	'Content-Security-Policy': "default-src 'self'",
};

export const e2 = (message: string, status = 400, error = 'Bad Request') => ({
	message,
	error,
	statusCode: status,
});
export const e3 = (messages: string[]) => ({
	message: messages,
	error: 'Bad Request',
	statusCode: 400,
});
export const E7 = { statusCode: 500, message: 'Internal server error' };

export type Authed = RequestContext & { org: Org; body: Record<string, unknown> };
export type AuthedHandler = (ctx: Authed) => void | Promise<void>;

/** What every routes file gets. */
export interface Kit {
	router: Router;
	store: PostSiderStore;
	now: () => number;
	iso: (ms?: number) => string;
	opts: ApiOptions;
	/** Registers a documented route behind the shared pipeline; `json` false for multipart `/upload`. */
	route: (name: PostSiderEndpointName, handler: AuthedHandler, json?: boolean) => void;
	lookup: (org: Org) => (id: string) => ChannelInfo | undefined;
	storedImageSize: (org: Org, path: string) => { width: number; height: number } | undefined;
}

/** Deterministic canned numbers from a seed string. */
export function seeded(seed: string): () => number {
	let h = createHash('sha256').update(seed).digest().readUInt32BE(0);
	return () => {
		h = (h * 1_103_515_245 + 12_345) >>> 0;
		return h / 0x1_0000_0000;
	};
}

/** `compression()`: gzip when the client accepts it and the body reaches the 1 kB threshold. */
function withCompression(ctx: RequestContext): void {
	const accepts = /\bgzip\b/i.test(String(ctx.req.headers['accept-encoding'] ?? ''));
	const send = ctx.send.bind(ctx);
	ctx.send = (status, body, headers) => {
		const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
		if (!accepts || bytes.length < 1024)
			return send(status, bytes, { ...headers, Vary: 'Accept-Encoding' });
		send(status, gzipSync(bytes), {
			...headers,
			Vary: 'Accept-Encoding',
			'Content-Encoding': 'gzip',
		});
	};
}

/**
 * Express answers GETs with a weak ETag (`W/"<length hex>-<sha1 base64, 27 chars>"`) and a 304 when
 * `If-None-Match` matches it (docs/postsider-api.md, Response headers).
 */
function withEtag(ctx: RequestContext): void {
	const send = ctx.send.bind(ctx);
	ctx.send = (status, body, headers) => {
		if (status !== 200) return send(status, body, headers);
		const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
		const tag = `W/"${bytes.length.toString(16)}-${createHash('sha1').update(bytes).digest('base64').slice(0, 27)}"`;
		const match = String(ctx.req.headers['if-none-match'] ?? '')
			.split(',')
			.map((t) => t.trim().replace(/^W\//, ''));
		if (match.includes(tag.replace(/^W\//, ''))) {
			ctx.res.writeHead(304, { ...ctx.headers, ETag: tag });
			ctx.res.end();
			ctx.entry.status = 304;
			return;
		}
		send(status, bytes, { ...headers, ETag: tag });
	};
}

export function createKit(
	store: PostSiderStore,
	limiters: PostSiderLimiters,
	now: () => number,
	opts: ApiOptions,
): Kit {
	const router = new Router();
	const iso = (ms = now()) => new Date(ms).toISOString();

	/** The pipeline every documented route shares; `json` false for multipart `/upload`. */
	const route = (name: PostSiderEndpointName, handler: AuthedHandler, json = true) => {
		const def: EndpointDef = POSTSIDER_ENDPOINTS[name];
		router.add(def.method, POSTSIDER_API_PREFIX + def.path, async (ctx) => {
			if (opts.compression !== false) withCompression(ctx);
			// 1. Body parser first: 413/400 even without a key.
			let body: Record<string, unknown> = {};
			const type = String(ctx.req.headers['content-type'] ?? '');
			if (json && /^application\/(.+\+)?json/i.test(type)) {
				const raw = await ctx.readBody(POSTSIDER_JSON_BODY_LIMIT_BYTES);
				if (raw === 'too-large')
					return ctx.json(413, { statusCode: 413, message: POSTSIDER_MESSAGES.tooLarge });
				if (raw.length > 0) {
					try {
						const parsed = JSON.parse(raw.toString('utf8')) as unknown;
						if (typeof parsed !== 'object' || parsed === null)
							throw new SyntaxError(
								`Unexpected token '${raw.toString('utf8').trim()[0]}', "${raw.toString('utf8').slice(0, 10)}" is not valid JSON`,
							);
						body = parsed as Record<string, unknown>;
					} catch (error) {
						return ctx.json(400, e2((error as Error).message));
					}
				}
			} else if (json) {
				await ctx.readBody(POSTSIDER_JSON_BODY_LIMIT_BYTES);
			}
			// 2. Request id, set before auth so 401s carry it.
			const rid = String(ctx.req.headers['x-request-id'] ?? '');
			ctx.headers['X-Request-Id'] = POSTSIDER_REQUEST_ID_PATTERN.test(rid) ? rid : randomUUID();
			// 3. Auth: the raw header value is the key.
			const key = ctx.req.headers.authorization;
			if (!key) return ctx.json(401, { msg: POSTSIDER_MESSAGES.noApiKey });
			const org = store.orgByKey(key);
			if (!org)
				return ctx.json(401, {
					msg: key.startsWith('pos_')
						? POSTSIDER_MESSAGES.invalidOAuthToken
						: POSTSIDER_MESSAGES.invalidApiKey,
				});
			const billing = opts.billing;
			if (billing?.plan === 'NONE') return ctx.json(401, { msg: 'No subscription found' });
			if (billing?.plan === 'FREE')
				return ctx.json(402, { msg: 'Public API is not available on this plan' });
			// 4. Hourly throttler (B) on mutating handlers, then plan quotas, then the per-minute limiter (A).
			if ('throttlerBucket' in def && def.throttlerBucket) {
				const b = limiters.hourlyCheck(org.id, def.throttlerBucket);
				if (!b.ok) return ctx.json(429, b.body, b.headers);
				Object.assign(ctx.headers, b.headers);
			}
			if (billing) {
				const quota = quotaExceeded(org, name, billing, ctx.query.get('refresh'));
				if (quota)
					return ctx.json(402, {
						statusCode: 402,
						message: quota,
						url: `${billing.frontendUrl ?? 'https://platform.postsider.com'}/billing`,
					});
			}
			const a = limiters.minuteCheck(org.id);
			Object.assign(ctx.headers, a.headers);
			if (!a.ok) return ctx.json(429, a.body);
			if (ctx.method === 'GET') withEtag(ctx);
			await handler(Object.assign(ctx, { org, body }));
		});
	};

	/** PoliciesGuard (`@CheckPolicies`) on create and connect: the E5 text, or undefined. */
	const quotaExceeded = (
		org: Org,
		name: PostSiderEndpointName,
		billing: BillingOptions,
		refresh: string | null,
	): string | undefined => {
		const standard = billing.plan === 'STANDARD';
		if (name === 'createPost') {
			const limit = billing.postsPerMonth ?? (standard ? 400 : 1_000_000);
			const month = iso().slice(0, 7);
			const used = [...store.posts.values()].filter(
				(p) =>
					p.organizationId === org.id && p.parentPostId === null && p.createdAt.startsWith(month),
			).length;
			if (used >= limit)
				return 'You have reached the maximum number of posts for your subscription. Please upgrade your subscription to add more posts.';
		}
		if (name === 'connectChannel' && !refresh) {
			const limit = billing.channels ?? (standard ? 5 : 1_000_000);
			if (store.activeChannels(org.id).length >= limit)
				return 'You have reached the maximum number of channels for your subscription. Please upgrade your subscription to add more channels.';
		}
		return undefined;
	};

	/** Pinterest measures images by downloading them; here only files stored by this emulator can be measured. */
	const storedImageSize = (org: Org, path: string) => {
		const media = [...store.media.values()].find(
			(m) => m.orgId === org.id && m.path === path.split('?')[0],
		);
		if (!media || media.type !== 'image') return undefined;
		const head = Buffer.alloc(64 * 1024);
		const fd = openSync(media.file, 'r');
		try {
			return imageSize(head.subarray(0, readSync(fd, head, 0, head.length, 0)));
		} finally {
			closeSync(fd);
		}
	};

	const lookup =
		(org: Org) =>
		(id: string): ChannelInfo | undefined => {
			const c = store.channel(org.id, id);
			if (!c) return undefined;
			// The server's own rule: X's `maxLength(additionalSettings)` (a truthy `Verified` gives 4000).
			const maxLength = isSupportedProvider(c.providerIdentifier)
				? maxLengthFor(c.providerIdentifier, c.additionalSettings)
				: undefined;
			return { id: c.id, identifier: c.providerIdentifier, name: c.name, maxLength };
		};

	return { router, store, now, iso, opts, route, lookup, storedImageSize };
}
