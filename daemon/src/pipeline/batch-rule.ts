/**
 * The one rule for which API calls a target's remaining work takes and which PostFast posts share a
 * create request. The worker sends exactly what this says; `plan` and `queue ls` place the same
 * calls in the budgets for their ETAs (`sendOrder`), so an estimate is always for a batch the worker
 * would send.
 *
 * PostFast's scarce budgets are per day and per request (75 creates of up to 15 posts, 150
 * upload-URL requests of up to 4 image URLs), so its unit of work is one create request: a leader
 * takes the following posts of its key that agree on the request-wide fields (status, approval,
 * controls), up to 15, cut where their images fill whole upload-URL requests. A PostSider post is one
 * sequence on its own: find-slot when it still needs a time, one upload per file left, the create.
 */
import {
	batchGroupKey,
	MAX_IMAGE_URLS_PER_REQUEST,
	MAX_POSTS_PER_REQUEST,
	MIN_SCHEDULE_LEAD_MS,
	POSTFAST_DEFAULT_PROFILE,
} from '../../../contract/postfast';

/** The default profile's image URLs per upload-URL request, when the caller has no key's table. */
export const DEFAULT_IMAGES_PER_REQUEST = MAX_IMAGE_URLS_PER_REQUEST[POSTFAST_DEFAULT_PROFILE];
import { POSTFAST_ENDPOINTS, type PostFastCreateBody } from '../api/postfast';
import { POSTSIDER_ENDPOINTS } from '../api/postsider';
import type { CallSpec } from '../budget/types';
import type { PostRecord } from '../item';
import { lengthDependsOnChannel } from '../../../contract/postsider/providers';
import { POSTSIDER_PROVIDER_OF, postfastPlatform } from '../platforms';
import type { TargetRow } from '../state/store';
import { postfastBody, textOf } from './requests';

/** PostFast: a post sent as soon as it can be is scheduled this far ahead (half of it). */
export const PF_WINDOW_MS = 2 * 60_000;

/** A PostFast time closer than this is too soon to send (contract/postfast `scheduleTooSoon`). */
export const PF_MIN_LEAD_MS = MIN_SCHEDULE_LEAD_MS;

export const PF_URL_ENDPOINT = POSTFAST_ENDPOINTS.uploadUrls;
export const PF_CREATE_ENDPOINT = POSTFAST_ENDPOINTS.createPosts;

/** What a stored `request` column holds. */
export interface StoredRequest {
	body: unknown;
	idempotencyKey?: string;
	publishAt?: number;
	/** PostFast: this target's entry in `body.posts` (a batched create holds several). */
	index?: number;
	/**
	 * PostFast, a post recovered from .processing/ without its database row (intake/recover.ts): the
	 * body only says what to look for (no media); absent on the service, the post is uploaded and
	 * created as usual instead of this body being sent.
	 */
	lookupOnly?: boolean;
}

/** The request-wide part of a PostFast create; only posts that agree on it share a request. */
export function requestWide(body: PostFastCreateBody): Omit<PostFastCreateBody, 'posts'> {
	const { posts: _posts, ...wide } = body;
	return wide;
}

/** The part of a target row the rule reads. */
export type TargetProgress = Pick<
	TargetRow,
	'idx' | 'state' | 'request' | 'media' | 'publish_at' | 'account_id' | 'platform'
>;

/** A PostFast target's remaining work: what is left to upload, its request-wide group, its time. */
export interface PostFastWork {
	/** The request-wide fields' batch group (contract `batchGroupKey`): only equal groups share a create. */
	group: string;
	/** Uploaded media by position in the post (empty: not yet). */
	media: Array<{ key: string; kind: 'image' | 'video' } | null>;
	/** Files still to upload. */
	todo: Array<{ index: number; contentType: string }>;
	/** Publish time (epoch ms); undefined for a draft or a post sent as soon as it can be. */
	at?: number;
}

export function postfastWork(post: PostRecord, t: TargetProgress): PostFastWork {
	const stored =
		t.state === 'ready' && t.request ? (JSON.parse(t.request) as StoredRequest) : undefined;
	// By position; earlier versions stored them in order without gaps, which reads the same.
	const media: PostFastWork['media'] =
		stored || !t.media ? [] : (JSON.parse(t.media) as { items: PostFastWork['media'] }).items;
	const todo = stored
		? []
		: post.media.map((m, index) => ({ index, contentType: m.mime })).filter((f) => !media[f.index]);
	const body = stored
		? (stored.body as PostFastCreateBody)
		: postfastBody(post, t.idx, [], undefined);
	const storedAt = stored ? body.posts[stored.index ?? 0].scheduledAt : undefined;
	const at = post.sidecar.draft
		? undefined
		: stored
			? storedAt && Date.parse(storedAt)
			: (t.publish_at ?? (post.when.kind === 'at' ? post.when.at : undefined));
	return { group: batchGroupKey(body), media, todo, at: at || undefined };
}

/** Held by the budgets past its time, under a policy other than "post-now". */
export function isLate(work: Pick<PostFastWork, 'at'>, post: PostRecord, now: number): boolean {
	return (
		work.at !== undefined && work.at <= now + PF_MIN_LEAD_MS && post.sidecar.late !== 'post-now'
	);
}

/** A PostFast post as a batch member: its work, its post, its account. */
export interface Batchable {
	work: PostFastWork;
	post: PostRecord;
	t: TargetProgress;
}

/**
 * The posts that go with `first` in one create, in queue order (first included): the candidates of
 * the same request-wide group that are not late (a late post waits for its own turn as leader,
 * where its "late" policy applies), up to 15 posts, cut to the longest prefix whose images fill
 * whole upload-URL requests.
 */
export function pickBatch<M extends Batchable>(
	first: M,
	candidates: Iterable<M>,
	imagesPerRequest: number,
	now: number,
): M[] {
	const batch = [first];
	for (const c of candidates) {
		if (batch.length >= MAX_POSTS_PER_REQUEST) break;
		if (c.work.group === first.work.group && !isLate(c.work, c.post, now)) batch.push(c);
	}
	const n = alignedPrefix(
		batch.map((m) => m.work.todo.filter((f) => f.contentType.startsWith('image/')).length),
		imagesPerRequest,
	);
	return batch.slice(0, n);
}

/**
 * The create call of a batch, with each post for the per-account caps: none for drafts; a post
 * counts at its publish time when that is far enough ahead, else at send time.
 */
export function createCall(
	batch: Array<Pick<Batchable, 'post' | 't'> & { at?: number }>,
	now: number,
): CallSpec {
	const accounts = batch[0].post.sidecar.draft
		? []
		: batch.map((m) => ({
				id: m.t.account_id,
				platform: postfastPlatform(m.t.platform),
				...(m.at !== undefined && m.at > now + PF_MIN_LEAD_MS ? { publishAt: m.at } : {}),
			}));
	return { service: 'postfast', endpoint: PF_CREATE_ENDPOINT, accounts };
}

/**
 * A batch's whole sequence, reserved together so scarce upload URLs are never spent without a
 * create slot to use them: the upload-URL requests (images of several posts sharing one), then the
 * create.
 */
export function postfastCalls<M extends Batchable>(
	batch: M[],
	imagesPerRequest: number,
	now: number,
) {
	const files = batch.flatMap((m) => m.work.todo.map((f) => ({ ...f, m })));
	const urlRequests = batchUploadUrlRequests(files, imagesPerRequest);
	const specs: CallSpec[] = [
		...urlRequests.map((): CallSpec => ({ service: 'postfast', endpoint: PF_URL_ENDPOINT })),
		createCall(
			batch.map((m) => ({ ...m, at: m.work.at })),
			now,
		),
	];
	return { urlRequests, specs };
}

/** PostSider: the calls of this target's remaining work, reserved as one sequence. */
export function postsiderCalls(
	post: PostRecord,
	t: Pick<TargetRow, 'media' | 'publish_at' | 'platform'>,
): { specs: CallSpec[]; findSlot: boolean; askLimit: boolean } {
	const done = t.media ? (JSON.parse(t.media) as { items: unknown[] }).items.length : 0;
	const findSlot = post.when.kind === 'next-slot' && t.publish_at == null && !post.sidecar.draft;
	// X's limit depends on the account (280, or 4000 verified): ask the server when the text is
	// between the two and files are still to upload (a refused post then costs no uploads).
	const provider = POSTSIDER_PROVIDER_OF[t.platform as keyof typeof POSTSIDER_PROVIDER_OF];
	const askLimit =
		!post.sidecar.draft &&
		done < post.media.length &&
		provider !== undefined &&
		lengthDependsOnChannel(provider, textOf(post, t.platform as Parameters<typeof textOf>[1]));
	const specs: CallSpec[] = [
		...(findSlot
			? [{ service: 'postsider' as const, endpoint: POSTSIDER_ENDPOINTS.findSlot }]
			: []),
		...(askLimit
			? [{ service: 'postsider' as const, endpoint: POSTSIDER_ENDPOINTS.integrationSettings }]
			: []),
		...post.media
			.slice(done)
			.map((): CallSpec => ({ service: 'postsider', endpoint: POSTSIDER_ENDPOINTS.upload })),
		{ service: 'postsider', endpoint: POSTSIDER_ENDPOINTS.createPosts },
	];
	return { specs, findSlot, askLimit };
}

/**
 * The longest prefix of a batch (at least one post) whose images fill whole upload-URL requests:
 * 15 posts of 1 image need 4 requests (4+4+4+3) where 12 need 3 (4+4+4), so when the 150 URL
 * requests a day are the scarce budget, 12 per create carries 600 posts a day instead of 555.
 * All of them when no prefix does or none has images.
 */
export function alignedPrefix(
	imagesPerPost: number[],
	imagesPerRequest = DEFAULT_IMAGES_PER_REQUEST,
): number {
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
	imagesPerRequest = DEFAULT_IMAGES_PER_REQUEST,
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

/** A target waiting in a key's queue, as `sendOrder` reads it. */
export interface QueuedTarget extends Batchable {
	ref: string;
	service: 'postsider' | 'postfast';
	/** Marked to go alone (a refused batch is retried post by post). */
	solo?: boolean;
}

/**
 * The requests a key's queue turns into, in the order the worker sends them: each PostSider target
 * is one sequence; each PostFast leader takes its batch (`pickBatch`) from the posts behind it.
 * `caps` (PostFast platform → posts a day per account) cut a batch where one account would exceed
 * its cap: the budgets refuse such a batch and the worker shrinks it to the same prefix.
 */
export function sendOrder(
	queue: QueuedTarget[],
	opts: { imagesPerRequest: number; caps: Record<string, number>; now: number },
): Array<{ refs: string[]; calls: CallSpec[] }> {
	const out: Array<{ refs: string[]; calls: CallSpec[] }> = [];
	const taken = new Set<QueuedTarget>();
	for (const [i, first] of queue.entries()) {
		if (taken.has(first)) continue;
		taken.add(first);
		if (first.service === 'postsider') {
			out.push({ refs: [first.ref], calls: postsiderCalls(first.post, first.t).specs });
			continue;
		}
		const rest = first.solo
			? []
			: queue.slice(i + 1).filter((q) => q.service === 'postfast' && !q.solo && !taken.has(q));
		let batch = pickBatch(first, rest, opts.imagesPerRequest, opts.now);
		const perAccount = new Map<string, number>();
		const within = batch.findIndex((m) => {
			const count = (perAccount.get(m.t.account_id) ?? 0) + 1;
			perAccount.set(m.t.account_id, count);
			return count > (opts.caps[postfastPlatform(m.t.platform)] ?? Infinity);
		});
		if (within >= 0) batch = batch.slice(0, Math.max(1, within));
		for (const m of batch) taken.add(m);
		out.push({
			refs: batch.map((m) => m.ref),
			calls: postfastCalls(batch, opts.imagesPerRequest, opts.now).specs,
		});
	}
	return out;
}
