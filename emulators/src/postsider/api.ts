/**
 * The PostSider `/public/v1` routes (postsider-api.md §3) with the server's processing order
 * (§2.8): body parser (100 kB JSON, 400/413) → request id → auth (401) → hourly throttler (B,
 * mutating) → per-minute limiter (A) → validation (E3) → per-channel checks (E4) → idempotency →
 * the handler. Error bodies follow the catalogue of §2.6 byte for byte where it gives the bytes.
 */
import { createHash, randomUUID } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';

import {
	ALL_PROVIDER_IDENTIFIERS,
	ANALYTICS_PROVIDERS,
	FIND_SLOT_FALLBACK_MINUTES,
	IDEMPOTENCY_MESSAGES,
	NOTIFICATIONS_PAGE_SIZE,
	POSTSIDER_API_PREFIX,
	POSTSIDER_ENDPOINTS,
	POSTSIDER_JSON_BODY_LIMIT_BYTES,
	POSTSIDER_MESSAGES,
	POSTSIDER_REQUEST_ID_PATTERN,
	PROVIDER_RULES,
	STATUS_CHANGE_VALUES,
	isIsoDateString,
	isSupportedProvider,
	isValidIdempotencyKey,
	parsePostSiderDate,
	imageSize,
	sniffMediaType,
	validateCreatePost,
	type ChannelInfo,
	type SniffedType,
	type EndpointDef,
	type PostSiderEndpointName,
} from '../../../contract/postsider';
import { Router, type RequestContext } from '../common';
import type { PostSiderLimiters } from './limiters';
import { cuid, type Channel, type Org, type PostRecord, type PostSiderStore } from './store';
import {
	fetchToFile,
	receiveMultipart,
	storedPath,
	validateUploaded,
	validateUploadFromUrl,
	type ReceivedFile,
} from './upload';

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

/** Security headers main.ts sets on every response (§2.5). */
export const SECURITY_HEADERS: Record<string, string> = {
	'X-Content-Type-Options': 'nosniff',
	'X-XSS-Protection': '0',
	'Referrer-Policy': 'strict-origin-when-cross-origin',
	'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
	'Content-Security-Policy': "default-src 'self'",
};

const e2 = (message: string, status = 400, error = 'Bad Request') => ({
	message,
	error,
	statusCode: status,
});
const e3 = (messages: string[]) => ({ message: messages, error: 'Bad Request', statusCode: 400 });
const E7 = { statusCode: 500, message: 'Internal server error' };

type Authed = RequestContext & { org: Org; body: Record<string, unknown> };
type AuthedHandler = (ctx: Authed) => void | Promise<void>;

function stripInternal(channel: Channel) {
	return {
		id: channel.id,
		name: channel.name,
		identifier: channel.providerIdentifier,
		picture: channel.picture,
		disabled: channel.disabled,
		profile: channel.profile,
	};
}

function tagRows(store: PostSiderStore, post: PostRecord) {
	return post.tagIds
		.map((id) => store.tags.get(id))
		.filter((t) => t !== undefined)
		.map((tag) => ({ tag }));
}

/** A full post row as `GET /posts/:id` shows it (image parsed, `url` and `type` added). */
function fullRow(post: PostRecord) {
	const { tagIds: _tags, image, ...row } = post;
	const parsed = (JSON.parse(image) as Array<Record<string, unknown>>).map((m) => ({
		...m,
		url: m.path,
		type: 'image',
	}));
	return {
		id: row.id,
		state: row.state,
		publishDate: row.publishDate,
		organizationId: row.organizationId,
		integrationId: row.integrationId,
		content: row.content,
		delay: row.delay,
		group: row.group,
		title: row.title,
		description: row.description,
		parentPostId: row.parentPostId,
		releaseId: row.releaseId,
		releaseURL: row.releaseURL,
		settings: row.settings,
		image: parsed,
		submittedForOrderId: row.submittedForOrderId,
		submittedForOrganizationId: row.submittedForOrganizationId,
		approvedSubmitForOrder: row.approvedSubmitForOrder,
		creationMethod: row.creationMethod,
		lastMessageId: row.lastMessageId,
		intervalInDays: row.intervalInDays,
		error: row.error,
		evergreen: row.evergreen,
		lastRecycledAt: row.lastRecycledAt,
		firstComment: row.firstComment,
		shareToken: row.shareToken,
		createdAt: row.createdAt,
		updatedAt: row.updatedAt,
		deletedAt: row.deletedAt,
	};
}

/** Minutes east of UTC for `timeZone` at `ms` (DST-aware, via Intl). */
function tzOffsetMinutes(timeZone: string, ms: number): number {
	try {
		const parts = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit',
		}).formatToParts(new Date(ms));
		const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
		const asUtc = Date.UTC(
			get('year'),
			get('month') - 1,
			get('day'),
			get('hour'),
			get('minute'),
			get('second'),
		);
		return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
	} catch {
		return 0;
	}
}

/** Deterministic canned numbers from a seed string. */
function seeded(seed: string): () => number {
	let h = createHash('sha256').update(seed).digest().readUInt32BE(0);
	return () => {
		h = (h * 1_103_515_245 + 12_345) >>> 0;
		return h / 0x1_0000_0000;
	};
}

function cannedAnalytics(seed: string, days: number, now: number) {
	const rand = seeded(seed);
	return ['Impressions', 'Likes', 'Comments'].map((label, i) => {
		const base = [5000, 200, 20][i];
		const data = [];
		for (let d = days - 1; d >= 0; d--) {
			data.push({
				total: String(Math.round(base * (0.8 + rand() * 0.4))),
				date: new Date(now - d * 86_400_000).toISOString().slice(0, 10),
			});
		}
		return { label, data, percentageChange: Math.round((rand() - 0.4) * 20) };
	});
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
 * `If-None-Match` matches it (§2.5).
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

export function postsiderRouter(
	store: PostSiderStore,
	limiters: PostSiderLimiters,
	now: () => number,
	opts: ApiOptions,
): Router {
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
			const verified = (() => {
				try {
					return (
						JSON.parse(c.additionalSettings) as Array<{ title?: string; value?: unknown }>
					).some((s) => s.title === 'Verified' && s.value === true);
				} catch {
					return false;
				}
			})();
			return { id: c.id, identifier: c.providerIdentifier, name: c.name, verified };
		};

	// ----- posts -------------------------------------------------------------------------------

	route('createPost', (ctx) => {
		const check = validateCreatePost(
			ctx.body,
			lookup(ctx.org),
			(path) => storedImageSize(ctx.org, path),
			{
				restrictUploadDomain: opts.restrictUploadDomain,
			},
		);
		if (!check.ok) {
			if (check.shape === 'E2') return ctx.json(400, e2(check.message));
			if (check.shape === 'E3') return ctx.json(400, e3(check.messages));
			return ctx.json(400, {
				statusCode: 400,
				provider: check.provider,
				name: check.name,
				message: check.message,
			});
		}
		// Step 5: idempotency, only after validation (rejected requests do not consume the key).
		const key = ctx.req.headers['idempotency-key'];
		let idemKey: string | undefined;
		if (typeof key === 'string') {
			if (!isValidIdempotencyKey(key))
				return ctx.json(409, e2(IDEMPOTENCY_MESSAGES.invalid, 409, 'Conflict'));
			const hash = createHash('sha256').update(JSON.stringify(ctx.body)).digest('hex');
			idemKey = `${ctx.org.id}|${key}`;
			const row = store.idempotency.get(idemKey);
			if (row) {
				if (row.hash !== hash)
					return ctx.json(409, e2(IDEMPOTENCY_MESSAGES.mismatch, 409, 'Conflict'));
				if (row.status === 'processing')
					return ctx.json(409, e2(IDEMPOTENCY_MESSAGES.processing, 409, 'Conflict'));
				return ctx.json(201, row.response);
			}
			store.idempotency.set(idemKey, { orgId: ctx.org.id, key, hash, status: 'processing' });
		}
		try {
			const req = check.request;
			const minute = Math.floor(now() / 60_000) * 60_000;
			const publishMs = req.type === 'now' ? minute : parsePostSiderDate(req.date);
			const labels = new Set((req.tags ?? []).map((t) => (t as { label?: unknown }).label));
			const tagIds = [...store.tags.values()]
				.filter((t) => t.orgId === ctx.org.id && t.deletedAt === null && labels.has(t.name))
				.map((t) => t.id);
			const out: Array<{ postId: string; integration: string }> = [];
			for (const entry of req.posts) {
				const group = randomUUID();
				let parent: string | null = null;
				let first: string | undefined;
				const stamp = iso();
				for (const [i, item] of entry.value.entries()) {
					const existing = item.id ? store.post(ctx.org.id, item.id) : undefined;
					const state =
						req.type === 'draft'
							? 'DRAFT'
							: req.type === 'update' && existing
								? existing.state
								: 'QUEUE';
					const row: PostRecord = {
						id: existing?.id ?? (item.id && !store.posts.has(item.id) ? item.id : cuid()),
						state,
						publishDate: iso(publishMs),
						organizationId: ctx.org.id,
						integrationId: entry.channel.id,
						content: item.content,
						delay: item.delay ?? 0,
						group,
						title: null,
						description: null,
						parentPostId: parent,
						releaseId: null,
						releaseURL: null,
						settings: JSON.stringify(entry.settings),
						image: JSON.stringify(item.image),
						submittedForOrderId: null,
						submittedForOrganizationId: null,
						approvedSubmitForOrder: 'NO',
						creationMethod: req.creationMethod ?? 'API',
						lastMessageId: null,
						intervalInDays: i === 0 && req.inter ? req.inter : null,
						error: null,
						evergreen: false,
						lastRecycledAt: null,
						firstComment: i === 0 ? (entry.firstComment ?? null) : null,
						shareToken: null,
						createdAt: existing?.createdAt ?? stamp,
						updatedAt: stamp,
						deletedAt: null,
						tagIds: i === 0 ? tagIds : [],
					};
					store.posts.set(row.id, row);
					parent = row.id;
					first ??= row.id;
				}
				// `posts[].group`: the old group's rows are soft-deleted after the new ones exist.
				if (entry.group) store.softDeleteGroup(ctx.org.id, entry.group);
				out.push({ postId: first!, integration: entry.channel.id });
			}
			if (idemKey) {
				const row = store.idempotency.get(idemKey)!;
				row.status = 'completed';
				row.response = out;
			}
			return ctx.json(201, out);
		} catch (error) {
			if (idemKey) store.idempotency.delete(idemKey);
			throw error;
		}
	});

	route('listPosts', (ctx) => {
		const startDate = ctx.query.get('startDate');
		const endDate = ctx.query.get('endDate');
		const messages: string[] = [];
		if (!isIsoDateString(startDate))
			messages.push('startDate must be a valid ISO 8601 date string');
		if (!isIsoDateString(endDate)) messages.push('endDate must be a valid ISO 8601 date string');
		if (messages.length) return ctx.json(400, e3(messages));
		const start = parsePostSiderDate(startDate!);
		const end = parsePostSiderDate(endDate!);
		const customer = ctx.query.get('customer');
		const posts = [];
		for (const post of store.posts.values()) {
			if (
				post.organizationId !== ctx.org.id ||
				post.deletedAt !== null ||
				post.parentPostId !== null
			)
				continue;
			const channel = store.channels.get(post.integrationId);
			if (!channel || channel.deletedAt !== null) continue;
			if (customer && channel.customerId !== customer) continue;
			const at = Date.parse(post.publishDate);
			const item = {
				id: post.id,
				content: post.content,
				publishDate: post.publishDate,
				releaseURL: post.releaseURL,
				releaseId: post.releaseId,
				state: post.state,
				intervalInDays: post.intervalInDays,
				group: post.group,
				creationMethod: post.creationMethod,
				tags: tagRows(store, post),
				integration: {
					id: channel.id,
					providerIdentifier: channel.providerIdentifier,
					name: channel.name,
					picture: channel.picture,
				},
			};
			if (post.intervalInDays) {
				// Recurring: one item per interval from the first date up to endDate (at most 365).
				const step = post.intervalInDays * 86_400_000;
				for (let t = at, n = 0; t <= end && n < 365; t += step, n++) {
					posts.push({ ...item, publishDate: iso(t), actualDate: post.publishDate });
				}
			} else if (at >= start && at <= end) posts.push(item);
		}
		ctx.json(200, { posts });
	});

	route('getPost', (ctx) => {
		const post = store.post(ctx.org.id, ctx.params.id);
		if (!post) return ctx.json(400, e2(POSTSIDER_MESSAGES.postNotFound));
		const channel = store.channels.get(post.integrationId)!;
		const chain = store.chain(post).map(fullRow);
		const rows = chain.map((row, i) =>
			i === 0
				? { ...row, childrenPost: [], tags: tagRows(store, post), integration: channel }
				: { ...row, childrenPost: [] },
		);
		ctx.json(200, {
			group: post.group,
			integrationPicture: channel.picture,
			integration: channel.id,
			settings: JSON.parse(post.settings) as unknown,
			posts: rows,
		});
	});

	route('missingContent', (ctx) => {
		const post = store.post(ctx.org.id, ctx.params.id);
		const channel = post && store.channels.get(post.integrationId);
		if (!post || post.releaseId !== 'missing' || channel?.providerIdentifier !== 'tiktok')
			return ctx.json(200, []);
		const rand = seeded(post.id);
		ctx.json(
			200,
			[0, 1, 2].map(() => {
				const id = String(7_300_000_000_000_000_000 + Math.floor(rand() * 1e15));
				return { id, url: `https://tiktok.postsider.invalid/cover/${id}.jpeg` };
			}),
		);
	});

	route('changeStatus', (ctx) => {
		const status = ctx.body.status;
		if (
			typeof status !== 'string' ||
			!(STATUS_CHANGE_VALUES as readonly string[]).includes(status)
		) {
			return ctx.json(400, e3(['status must be one of the following values: draft, schedule']));
		}
		const post = store.posts.get(ctx.params.id); // this lookup does not filter soft-deleted rows
		if (!post || post.organizationId !== ctx.org.id)
			return ctx.json(400, e2(POSTSIDER_MESSAGES.postNotFound));
		if (post.state === 'PUBLISHED')
			return ctx.json(400, e2(POSTSIDER_MESSAGES.cannotChangePublished));
		if (post.state === 'APPROVAL')
			return ctx.json(400, e2(POSTSIDER_MESSAGES.cannotChangeApproval));
		const state = status === 'draft' ? 'DRAFT' : 'QUEUE';
		for (const row of store.chain(post)) {
			row.state = state;
			row.error = null;
			row.updatedAt = iso();
		}
		ctx.json(200, { id: post.id, state });
	});

	route('setReleaseId', (ctx) => {
		const post = store.post(ctx.org.id, ctx.params.id);
		if (!post || post.releaseId !== 'missing' || typeof ctx.body.releaseId !== 'string')
			return ctx.json(500, E7);
		post.releaseId = ctx.body.releaseId;
		post.updatedAt = iso();
		const { tagIds: _t, ...row } = post;
		ctx.json(200, row);
	});

	route('deletePost', (ctx) => {
		const post = store.post(ctx.org.id, ctx.params.id);
		if (!post) return ctx.json(400, e2(POSTSIDER_MESSAGES.postNotFound));
		store.softDeleteGroup(ctx.org.id, post.group);
		ctx.json(200, { success: true });
	});

	route('deleteGroup', (ctx) => {
		store.softDeleteGroup(ctx.org.id, ctx.params.group);
		ctx.json(200, { success: true });
	});

	route('requestApproval', (ctx) => {
		const post = store.post(ctx.org.id, ctx.params.id);
		if (!post) return ctx.json(404, e2(POSTSIDER_MESSAGES.postNotFound, 404, 'Not Found'));
		if (post.parentPostId !== null)
			return ctx.json(400, e2(POSTSIDER_MESSAGES.onlyMainPostApproval));
		if (post.state !== 'DRAFT') return ctx.json(400, e2(POSTSIDER_MESSAGES.onlyDraftApproval));
		post.state = 'APPROVAL';
		post.updatedAt = iso();
		const approval = {
			id: randomUUID(),
			postId: post.id,
			organizationId: ctx.org.id,
			status: 'PENDING' as const,
			note: null,
			requestedAt: iso(),
			resolvedAt: null,
		};
		store.approvals.set(post.id, approval);
		ctx.json(201, approval);
	});

	route('approvalStatus', (ctx) => {
		const approval = store.approvals.get(ctx.params.id);
		if (!approval || approval.organizationId !== ctx.org.id)
			return ctx.json(200, { status: 'NONE' });
		ctx.json(200, {
			status: approval.status,
			note: approval.note,
			requestedAt: approval.requestedAt,
			resolvedAt: approval.resolvedAt,
		});
	});

	// ----- channels, slots, groups ---------------------------------------------------------------

	route('findSlot', (ctx) => {
		const channel = store.channel(ctx.org.id, ctx.params.id);
		let slots: Array<{ time: number; days?: number[] }> = [];
		try {
			slots = channel ? (JSON.parse(channel.postingTimes) as typeof slots) : [];
		} catch {
			slots = [];
		}
		const tz = channel?.timezone ?? 'UTC';
		if (!channel || slots.length === 0)
			slots = FIND_SLOT_FALLBACK_MINUTES.map((time) => ({ time }));
		const current = now();
		const taken = new Set(
			[...store.posts.values()]
				.filter((p) => channel && p.integrationId === channel.id && p.deletedAt === null)
				.map((p) => Math.floor(Date.parse(p.publishDate) / 60_000)),
		);
		// Today 00:00 in the channel's zone, then day by day for a year.
		const offset = tzOffsetMinutes(tz, current) * 60_000;
		const localMidnight = Math.floor((current + offset) / 86_400_000) * 86_400_000;
		for (let day = 0; day < 365; day++) {
			const localDay = localMidnight + day * 86_400_000;
			const weekday = new Date(localDay).getUTCDay();
			const candidates = slots
				.filter((s) => !s.days || s.days.includes(weekday))
				.map((s) => {
					const local = localDay + s.time * 60_000;
					return local - tzOffsetMinutes(tz, local - offset) * 60_000;
				})
				.filter((t) => t > current && !taken.has(Math.floor(t / 60_000)))
				.sort((x, y) => x - y);
			if (candidates.length > 0)
				return ctx.json(200, { date: iso(candidates[0]).slice(0, 16) + ':00' });
		}
		ctx.json(400, e2(POSTSIDER_MESSAGES.noFreeSlot));
	});

	route('listChannels', (ctx) => {
		const group = ctx.query.get('group');
		const list = store
			.activeChannels(ctx.org.id)
			.filter((c) => !group || c.customerId === group)
			.map((c) => {
				const customer = c.customerId ? store.customers.get(c.customerId) : undefined;
				return {
					...stripInternal(c),
					...(customer ? { customer: { id: customer.id, name: customer.name } } : {}),
				};
			});
		ctx.json(200, list);
	});

	route('listGroups', (ctx) => {
		ctx.json(
			200,
			[...store.customers.values()]
				.filter((c) => c.orgId === ctx.org.id && c.deletedAt === null)
				.map((c) => ({ id: c.id, name: c.name })),
		);
	});

	route('connectChannel', (ctx) => {
		const provider = ctx.params.integration;
		if (!(ALL_PROVIDER_IDENTIFIERS as readonly string[]).includes(provider))
			return ctx.json(400, { msg: POSTSIDER_MESSAGES.integrationNotAllowed });
		const state = randomUUID().replace(/-/g, '');
		ctx.json(200, {
			url: `https://oauth.postsider.invalid/${provider}/authorize?state=${state}${ctx.query.get('refresh') ? '&refresh=' + encodeURIComponent(ctx.query.get('refresh')!) : ''}`,
		});
	});

	route('deleteChannel', (ctx) => {
		const channel = store.channel(ctx.org.id, ctx.params.id);
		if (!channel) return ctx.json(500, E7);
		for (const post of store.posts.values()) {
			if (post.integrationId === channel.id && post.deletedAt === null) post.deletedAt = iso();
		}
		channel.deletedAt = iso();
		channel.updatedAt = channel.deletedAt;
		ctx.json(200, channel);
	});

	// §3.17 agency overview: counts per state over the last `days`, per customer.
	const overview = (ctx: Authed, customerId?: string) => {
		const raw = ctx.query.get('days');
		const days = raw === null ? 30 : Number(raw);
		const messages: string[] = [];
		if (!Number.isInteger(days)) messages.push('days must be an integer number');
		if (!(days >= 1)) messages.push('days must not be less than 1');
		if (days > 365) messages.push('days must not be greater than 365');
		if (messages.length) return ctx.json(400, e3(messages));
		const since = now() - days * 86_400_000;
		const channels = store
			.activeChannels(ctx.org.id)
			.filter((c) => !customerId || c.customerId === customerId);
		const counts = (list: Channel[]) => {
			const ids = new Set(list.map((c) => c.id));
			const posts = [...store.posts.values()].filter(
				(p) =>
					ids.has(p.integrationId) &&
					p.deletedAt === null &&
					p.parentPostId === null &&
					Date.parse(p.publishDate) >= since,
			);
			const n = (state: string) => posts.filter((p) => p.state === state).length;
			return {
				channels: list.length,
				posts: posts.length,
				published: n('PUBLISHED'),
				scheduled: n('QUEUE'),
				drafts: n('DRAFT'),
				errors: n('ERROR'),
			};
		};
		const customers = [...store.customers.values()].filter(
			(c) => c.orgId === ctx.org.id && c.deletedAt === null && (!customerId || c.id === customerId),
		);
		const clients: Array<
			{ customer: { id: string; name: string } | null } & ReturnType<typeof counts>
		> = customers.map((c) => ({
			customer: { id: c.id, name: c.name },
			...counts(channels.filter((ch) => ch.customerId === c.id)),
		}));
		// Channels without a customer form their own entry in the org-wide overview.
		if (!customerId)
			clients.push({ customer: null, ...counts(channels.filter((ch) => ch.customerId === null)) });
		ctx.json(200, { generatedAt: iso(), windowDays: days, summary: counts(channels), clients });
	};
	route('overview', (ctx) => overview(ctx));
	route('customerReport', (ctx) => {
		const customer = store.customers.get(ctx.params.customerId);
		if (!customer || customer.orgId !== ctx.org.id || customer.deletedAt !== null)
			return ctx.json(400, e2('Customer not found'));
		overview(ctx, customer.id);
	});

	route('isConnected', (ctx) => {
		ctx.json(200, { connected: store.activeChannels(ctx.org.id).some((c) => !c.disabled) });
	});

	route('integrationSettings', (ctx) => {
		const channel = store.channel(ctx.org.id, ctx.params.id);
		if (!channel || channel.deletedAt !== null)
			return ctx.json(404, { msg: POSTSIDER_MESSAGES.integrationSettingsNotFound });
		const provider = channel.providerIdentifier;
		if (!isSupportedProvider(provider))
			return ctx.json(200, {
				output: { rules: '', maxLength: 0, settings: 'No additional settings required', tools: [] },
			});
		const rules = PROVIDER_RULES[provider];
		const properties: Record<string, unknown> = {};
		for (const f of rules.fields) {
			properties[f.name] =
				f.kind === 'enum'
					? { type: 'string', enum: f.values }
					: f.kind === 'boolean'
						? { type: 'boolean' }
						: f.kind === 'tags' || f.kind === 'labels'
							? { type: 'array' }
							: f.kind === 'media'
								? { type: 'object' }
								: { type: 'string' };
		}
		const settings =
			rules.fields.length === 0
				? 'No additional settings required'
				: {
						type: 'object',
						properties,
						required: rules.fields.filter((f) => f.required).map((f) => f.name),
					};
		const tools =
			provider === 'pinterest'
				? [{ methodName: 'boards', description: 'List the boards of the account', dataSchema: [] }]
				: [];
		ctx.json(200, {
			output: { rules: rules.media.summary, maxLength: rules.maxLength, settings, tools },
		});
	});

	route('integrationTrigger', (ctx) => {
		const channel = store.channel(ctx.org.id, ctx.params.id);
		if (!channel || channel.deletedAt !== null)
			return ctx.json(404, { msg: 'Integration not found' });
		if (channel.providerIdentifier === 'pinterest' && ctx.body.methodName === 'boards') {
			return ctx.json(201, {
				output: [
					{ id: '1000000000000001', name: 'Demo board' },
					{ id: '1000000000000002', name: 'Product shots' },
				],
			});
		}
		ctx.json(404, { msg: 'Tool not found' });
	});

	// ----- analytics, notifications -------------------------------------------------------------

	route('channelAnalytics', (ctx) => {
		const channel = store.channel(ctx.org.id, ctx.params.integration);
		if (!channel || channel.deletedAt !== null) return ctx.json(500, E7);
		if (!(ANALYTICS_PROVIDERS as readonly string[]).includes(channel.providerIdentifier))
			return ctx.json(200, { unsupported: true });
		const days = Number(ctx.query.get('date'));
		if (!ctx.query.get('date') || !Number.isInteger(days) || days <= 0) return ctx.json(200, []);
		ctx.json(200, cannedAnalytics(`${channel.id}:${days}`, Math.min(days, 365), now()));
	});

	route('postAnalytics', (ctx) => {
		const post = store.post(ctx.org.id, ctx.params.postId);
		if (!post || !post.releaseId) return ctx.json(200, []);
		if (post.releaseId === 'missing') return ctx.json(200, { missing: true });
		const channel = store.channels.get(post.integrationId);
		if (
			!channel ||
			!(ANALYTICS_PROVIDERS as readonly string[]).includes(channel.providerIdentifier)
		)
			return ctx.json(200, []);
		const raw = Number(ctx.query.get('date'));
		const days = Number.isFinite(raw) && raw > 0 ? Math.floor(raw) : 7;
		ctx.json(200, cannedAnalytics(`${post.id}:${days}`, Math.min(days, 365), now()));
	});

	route('listNotifications', (ctx) => {
		const raw = ctx.query.get('page');
		const page = raw === null ? 0 : parseInt(raw, 10);
		const messages: string[] = [];
		if (!(page >= 0)) messages.push('page must not be less than 0');
		if (!Number.isFinite(page))
			messages.push('page must be a number conforming to the specified constraints');
		if (messages.length) return ctx.json(400, e3(messages));
		const all = store.notifications.filter((n) => n.orgId === ctx.org.id).reverse();
		const skip = page * NOTIFICATIONS_PAGE_SIZE;
		const slice = all.slice(skip, skip + NOTIFICATIONS_PAGE_SIZE).map(({ orgId: _o, ...n }) => ({
			id: n.id,
			content: n.content,
			link: n.link,
			createdAt: n.createdAt,
		}));
		ctx.json(200, {
			notifications: slice,
			total: all.length,
			page,
			limit: NOTIFICATIONS_PAGE_SIZE,
			hasMore: skip + slice.length < all.length,
		});
	});

	// ----- uploads -----------------------------------------------------------------------------

	const storeMedia = (org: Org, received: ReceivedFile, type: SniffedType) => {
		const { name, path } = storedPath(opts.origin(), type, now());
		const media = {
			id: randomUUID(),
			name,
			originalName: null,
			path,
			thumbnail: null,
			alt: null,
			type: type.kind,
			fileSize: 0,
			width: null,
			height: null,
		};
		store.media.set(media.id, {
			...media,
			orgId: org.id,
			file: received.file,
			mime: type.mime,
			bytes: received.size,
		});
		return media;
	};

	route(
		'upload',
		async (ctx) => {
			const received = await receiveMultipart(ctx.req, opts.uploadDir, opts.maxUploadBytes);
			ctx.entry.bodyBytes = Number(ctx.req.headers['content-length']) || undefined;
			if (received === undefined) return ctx.json(400, { msg: 'No file provided' });
			if ('status' in received) return ctx.json(received.status, received.body);
			const checked = validateUploaded(received);
			if (!checked.ok) return ctx.json(checked.answer.status, checked.answer.body);
			ctx.json(201, storeMedia(ctx.org, received, checked.type));
		},
		false,
	);

	route('uploadFromUrl', async (ctx) => {
		const messages = validateUploadFromUrl(ctx.body, opts.uploadFromUrlAllow);
		if (messages.length) return ctx.json(400, e3(messages));
		let result: Awaited<ReturnType<typeof fetchToFile>>;
		try {
			result = await fetchToFile(String(ctx.body.url), opts.uploadDir);
		} catch {
			return ctx.json(500, E7); // PostSider does not catch fetch failures or timeouts
		}
		if (!result.ok) return ctx.json(result.answer.status, result.answer.body);
		// No per-type caps and no content scan here: fetchToFile already checked the sniffed type.
		ctx.json(201, storeMedia(ctx.org, result.received, sniffMediaType(result.received.head)!));
	});

	// ----- no auth: stored files, OpenAPI ------------------------------------------------------

	router.add('GET', '/uploads/:kind/:y/:m/:d/:name', async (ctx) => {
		const media = [...store.media.values()].find(
			(m) => m.name === ctx.params.name && m.type === ctx.params.kind,
		);
		if (!media)
			return ctx.json(404, {
				message: `Cannot GET ${ctx.path}`,
				error: 'Not Found',
				statusCode: 404,
			});
		const info = await stat(media.file);
		ctx.res.writeHead(200, {
			...ctx.headers,
			'Content-Type': media.mime,
			'Content-Length': String(info.size),
		});
		ctx.entry.status = 200;
		createReadStream(media.file).pipe(ctx.res);
	});

	router.add('GET', `${POSTSIDER_API_PREFIX}/openapi.json`, (ctx) => {
		const paths: Record<string, Record<string, unknown>> = {};
		for (const [name, def] of Object.entries(POSTSIDER_ENDPOINTS) as Array<[string, EndpointDef]>) {
			const p = POSTSIDER_API_PREFIX + def.path.replace(/:([A-Za-z]+)/g, '{$1}');
			paths[p] ??= {};
			paths[p][def.method.toLowerCase()] = {
				operationId: name,
				summary: def.description,
				responses: { [def.status]: { description: 'OK' } },
			};
		}
		ctx.json(200, {
			openapi: '3.0.0',
			info: { title: 'PostSider Public API', version: '1.0' },
			components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
			paths,
		});
	});

	return router;
}
