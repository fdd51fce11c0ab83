/**
 * The planner: turns a backlog into as few API calls as the per-request maxima allow, and gives
 * every item a send time (ETA) and the budget that gates it (daemon-anchors.md §4.4 point 4).
 */
import { POSTFAST_ENDPOINTS } from '../api/postfast';
import { POSTSIDER_ENDPOINTS } from '../api/postsider';
import type { Budgets, CallSpec } from './budgets';

/** Deterministic JSON (sorted keys) so equal controls group together whatever their key order. */
export function stableJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
	if (value && typeof value === 'object') {
		const entries = Object.entries(value as Record<string, unknown>)
			.filter(([, v]) => v !== undefined)
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
	}
	return JSON.stringify(value) ?? 'null';
}

export interface PostFastCreateItem {
	accountId: string;
	platform: string;
	/** Request-wide fields: only posts that agree on all three can share a create request. */
	status?: 'DRAFT' | 'SCHEDULED';
	approvalStatus?: 'APPROVED' | 'PENDING_APPROVAL';
	controls?: Record<string, unknown>;
}

/**
 * Groups PostFast posts into create requests: same request-wide controls (status, approvalStatus,
 * controls), at most `maxPerRequest` posts each, and at most `accountCaps[platform]` posts of one
 * account per request (a request that cannot fit an account's daily cap would wait a whole day).
 * Order is kept inside each group; groups come in order of their first item.
 */
export function batchPostFastCreates<T extends PostFastCreateItem>(
	items: T[],
	maxPerRequest = 15,
	accountCaps: Record<string, number> = {},
): Array<{ groupKey: string; items: T[] }> {
	const open = new Map<string, { groupKey: string; items: T[] }>();
	const batches: Array<{ groupKey: string; items: T[] }> = [];
	for (const item of items) {
		const groupKey = stableJson({
			status: item.status ?? 'SCHEDULED',
			approvalStatus: item.approvalStatus ?? 'APPROVED',
			controls: item.controls ?? {},
		});
		let batch = open.get(groupKey);
		const cap = accountCaps[item.platform.toUpperCase()];
		const sameAccount = batch
			? batch.items.filter((i) => i.accountId === item.accountId).length
			: 0;
		if (
			!batch ||
			batch.items.length >= maxPerRequest ||
			(cap !== undefined && sameAccount >= cap)
		) {
			batch = { groupKey, items: [] };
			open.set(groupKey, batch);
			batches.push(batch);
		}
		batch.items.push(item);
	}
	return batches;
}

/**
 * How many posts to put in one create so that its images fill whole upload-URL requests: 15 posts
 * of 1 image need 4 requests (4+4+4+3) where 12 need 3 (4+4+4), so when the 150 URL requests a
 * day are the scarce budget, 12 per create carries 600 posts a day instead of 555. Returns the
 * largest count ≤ `maxPerCreate` whose image total is a multiple of `imagesPerRequest`, or
 * `maxPerCreate` when none is.
 */
export function alignedPostsPerCreate(
	imagesPerPost: number,
	imagesPerRequest = 4,
	maxPerCreate = 15,
): number {
	if (imagesPerPost <= 0) return maxPerCreate;
	for (let n = maxPerCreate; n >= 1; n--)
		if ((n * imagesPerPost) % imagesPerRequest === 0) return n;
	return maxPerCreate;
}

/**
 * The same for a batch of posts in queue order: the longest prefix (at least one post) whose images
 * fill whole upload-URL requests, or all of them when no prefix does or none has images.
 */
export function alignedPrefix(imagesPerPost: number[], imagesPerRequest = 4): number {
	let total = 0;
	let best = 0;
	imagesPerPost.forEach((n, i) => {
		total += n;
		if (total % imagesPerRequest === 0) best = i + 1;
	});
	return total === 0 || best === 0 ? imagesPerPost.length : best;
}

/**
 * Groups files into upload-URL requests: images of one content type share a request up to
 * `imagesPerRequest` (vendor page 4, current 8); video, documents and captions get one each.
 */
export function batchUploadUrlRequests<T extends { contentType: string }>(
	files: T[],
	imagesPerRequest = 4,
): Array<{ contentType: string; items: T[] }> {
	const batches: Array<{ contentType: string; items: T[] }> = [];
	const open = new Map<string, { contentType: string; items: T[] }>();
	for (const file of files) {
		const max = file.contentType.startsWith('image/') ? imagesPerRequest : 1;
		let batch = open.get(file.contentType);
		if (!batch || batch.items.length >= max) {
			batch = { contentType: file.contentType, items: [] };
			open.set(file.contentType, batch);
			batches.push(batch);
		}
		batch.items.push(file);
	}
	return batches;
}

/**
 * The calls of one PostFast create request with its uploads, reserved together so scarce upload
 * URLs are never spent without a create slot to use them (§4.4 point 3).
 */
export function postfastSequence(opts: {
	/** Content types of the media, one entry per file. */
	media?: string[];
	imagesPerRequest?: number;
	posts: Array<{ accountId: string; platform: string; publishAt?: number }>;
}): CallSpec[] {
	const urlRequests = batchUploadUrlRequests(
		(opts.media ?? []).map((contentType) => ({ contentType })),
		opts.imagesPerRequest,
	);
	return [
		...urlRequests.map(
			(): CallSpec => ({ service: 'postfast', endpoint: POSTFAST_ENDPOINTS.uploadUrls }),
		),
		{
			service: 'postfast',
			endpoint: POSTFAST_ENDPOINTS.createPosts,
			accounts: opts.posts.map((p) => ({
				id: p.accountId,
				platform: p.platform,
				publishAt: p.publishAt,
			})),
		},
	];
}

/** The calls of one PostSider post: one multipart upload per file, then the create. */
export function postsiderSequence(opts: { files?: number }): CallSpec[] {
	return [
		...Array.from(
			{ length: opts.files ?? 0 },
			(): CallSpec => ({ service: 'postsider', endpoint: POSTSIDER_ENDPOINTS.upload }),
		),
		{ service: 'postsider', endpoint: POSTSIDER_ENDPOINTS.createPosts },
	];
}

export interface PlannedItem<T> {
	item: T;
	/** Earliest send time (epoch ms); Infinity when the item can never fit as given. */
	at: number;
	/** The budget that set `at`, when one did. */
	gating?: string;
}

/**
 * ETAs for a backlog in queue order: each job's call sequence is placed as early as every window
 * allows, never before the job ahead of it. A backlog beyond a day's budget spreads over days.
 */
export function planBacklog<T>(
	budgets: Budgets,
	keyId: string,
	jobs: Array<{ item: T; calls: CallSpec[] }>,
): Array<PlannedItem<T>> {
	const planned = budgets.plan(
		keyId,
		jobs.map((j) => j.calls),
	);
	return jobs.map((job, i) => ({
		item: job.item,
		at: planned[i].at,
		...(planned[i].gating ? { gating: planned[i].gating } : {}),
	}));
}
