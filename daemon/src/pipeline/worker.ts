/**
 * The worker loop for one target: lease → budget reservation (the whole call sequence) → upload
 * media → create → receipt. Each step commits its state before its side effect:
 *
 * - media references are stored after each upload, so a retry never re-uploads what is done;
 * - the create body is stored with the transition to `submitting` before it is sent;
 * - a create whose outcome is unknown (timeout, reset, 5xx) becomes `unknown` and is never resent
 *   blindly: PostSider resends the stored body under the same Idempotency-Key (the server replays);
 *   PostFast first looks for the post with `GET /social-posts`, and only resends when it is absent;
 *   when neither is possible the target is parked as `needs-review` with instructions.
 *
 * Retries: 5xx and network errors back off exponentially with full jitter and use an attempt; a
 * 429 waits for its Retry-After and never uses one; other 4xx fail the target with the service's
 * reason. Targets are independent: one failing never holds back another.
 */
import { join } from 'node:path';
import type { ApiError, ApiResult } from '../api/http';
import type { PostFastClient, PostFastCreateBody } from '../api/postfast';
import type { PostSiderClient } from '../api/postsider';
import type { Budgets, CallSpec, ReserveResult } from '../budget/budgets';
import { observationOf } from '../budget/budgets';
import { alignedPrefix, batchUploadUrlRequests, stableJson } from '../budget/planner';
import {
	MAX_POSTS_PER_REQUEST,
	existingPostsQuery,
	findExisting,
} from '../../../contract/postfast';
import { isRetryable } from '../../../contract/errors';
import { ConfigError } from '../config/load';
import type { Platform } from '../config/schema';
import type { PostRecord } from '../intake/ingest';
import type { Logger } from '../log';
import type { ItemRow, Store, TargetRow } from '../state/store';
import { LIVE, TransitionError } from '../state/store';
import {
	POSTFAST_PLATFORM,
	type UploadedMedia,
	idempotencyKey,
	postfastBody,
	postsiderBody,
} from './requests';

export interface ClientSet {
	postsider(keyName: string): PostSiderClient;
	postfast(keyName: string): PostFastClient;
	/** Image URLs per PostFast upload-URL request for this key's profile. */
	imagesPerRequest(keyName: string): number;
}

export interface WorkerOptions {
	store: Store;
	budgets: Budgets;
	clients: ClientSet;
	log: Logger;
	owner: string;
	maxAttempts: number;
	now?(): number;
	leaseMs?: number;
	/** Upload progress (bytes) per file. */
	onProgress?(info: { item: string; file: string; sent: number; total: number }): void;
	/** Called when a target settles; the item may be ready to finalize. */
	onSettled?(itemId: string): void;
	/** Backoff base and cap (ms). */
	backoff?: { baseMs: number; capMs: number };
	random?(): number;
}

/** What a stored `request` column holds. */
interface StoredRequest {
	body: unknown;
	idempotencyKey?: string;
	publishAt?: number;
	/** PostFast: this target's entry in `body.posts` (a batched create holds several). */
	index?: number;
}

/** The request-wide part of a PostFast create; only posts that agree on it share a request. */
function requestWide(body: PostFastCreateBody): Omit<PostFastCreateBody, 'posts'> {
	const { posts: _posts, ...wide } = body;
	return wide;
}

const PF_WINDOW_MS = 2 * 60_000;

/** A PostFast time closer than this counts as passed (it would arrive in the past). */
const PF_MIN_LEAD_MS = 30_000;

/** Shortest re-park: a target is never due again at once (no busy loop over a budget). */
const MIN_REPARK_MS = 1_000;

type Refused = Extract<ReserveResult, { ok: false }>;

const URL_ENDPOINT = 'POST /file/get-signed-upload-urls';

/** Refusals a smaller PostFast batch may not meet (see postfastBatch). */
const SHRINKS: Refused['reason'][] = ['account-cap', 'impossible', 'probe', 'window'];
const WAITS: Refused['reason'][] = ['window', 'frozen', 'in-flight'];

/** A PostFast target in a batch (see postfastBatch), with what its turn still needs. */
interface Member {
	t: TargetRow;
	item: ItemRow;
	post: PostRecord;
	/** The request-wide fields as stable JSON: only equal groups share a create. */
	group: string;
	/** Uploaded media by position in the post (empty: not yet). */
	media: Array<{ key: string; kind: 'image' | 'video' } | null>;
	/** Files still to upload. */
	todo: Array<{ index: number; contentType: string }>;
	/** Publish time (epoch ms); undefined for a draft or a post sent as soon as it can be. */
	at?: number;
}

export class Worker {
	private readonly now: () => number;
	private readonly leaseMs: number;

	constructor(private readonly o: WorkerOptions) {
		this.now = o.now ?? Date.now;
		this.leaseMs = o.leaseMs ?? 5 * 60_000;
	}

	/** Claims and works one due target. Returns false when nothing is due. */
	async runOne(exclude: ReadonlySet<number> = new Set()): Promise<boolean> {
		const t = this.o.store.claim(this.o.owner, this.leaseMs, exclude);
		if (!t) return false;
		await this.work(t);
		return true;
	}

	async work(claimed: TargetRow): Promise<void> {
		const { store, log } = this.o;
		const item = store.item(claimed.item_id)!;
		const post = JSON.parse(item.post) as PostRecord;
		let t = claimed;
		try {
			// A target found in `submitting` was being sent by a worker that died: outcome unknown.
			if (t.state === 'submitting')
				t = store.transition(t, 'unknown', {
					error: JSON.stringify({ message: 'the daemon stopped while this create was in flight' }),
				});
			if (t.state === 'unknown') t = await this.resolveUnknown(item, t);
			if (t.service === 'postfast') {
				if (t.state === 'pending' || t.state === 'uploading' || t.state === 'ready')
					t = await this.postfastBatch(item, post, t);
			} else if (t.state === 'pending' || t.state === 'uploading')
				t = await this.advance(item, post, t);
		} catch (err) {
			if (err instanceof TransitionError) {
				log.log('warn', err.message, { item: item.id });
				return;
			}
			// Steps commit as they go: continue from the state the database holds now.
			const current = store.target(t.id);
			if (!current || current.lease_owner !== this.o.owner) return;
			t = current;
			if (err instanceof ConfigError) {
				// The key could not be read (unset variable, missing or too-open file): nothing was sent.
				try {
					t = this.fail(item, t, {
						message: err.message,
						fix: 'Fix the key as the message says, then run "postspool retry".',
						path: `$.targets.${t.idx}`,
					});
					this.o.onSettled?.(item.id);
				} catch {
					/* moved meanwhile */
				}
				return;
			}
			log.log(
				'error',
				`unexpected error on ${item.name} → ${t.label}: ${(err as Error).stack ?? err}`,
				{ item: item.id },
			);
			try {
				store.transition(t, t.state, {
					next_attempt_at: this.now() + 60_000,
					releaseLease: true,
					error: JSON.stringify({ message: String((err as Error).message) }),
				});
			} catch {
				/* someone else moved it */
			}
			return;
		} finally {
			// Yield to the event loop before the caller claims more: a target that settles or re-parks
			// without I/O must not starve timers and sockets. (At the end, not the start: a batch
			// leader gathers its followers before the caller leases them.)
			await new Promise<void>((resolve) => setImmediate(resolve));
		}
		if (!LIVE.includes(t.state)) this.o.onSettled?.(item.id);
	}

	// ------------------------------------------------------------------ normal path

	/** PostSider: find-slot, uploads and create of one post, reserved as one sequence. */
	private async advance(item: ItemRow, post: PostRecord, t: TargetRow): Promise<TargetRow> {
		const { store, budgets } = this.o;
		const calls = this.sequence(post, t);
		const reserved = budgets.reserve(t.key_name, calls.specs);
		if (!reserved.ok) {
			if (reserved.reason === 'account-cap') return this.overCap(item, post, t, reserved);
			if (reserved.notBefore === Infinity) {
				return this.fail(item, t, {
					message: `this post can never fit the budget: ${reserved.gating}`,
					fix: 'Lower the number of media files or check the budget overrides in the config.',
				});
			}
			this.parkOthers(t, reserved);
			return store.transition(t, t.state, {
				next_attempt_at: reserved.notBefore,
				gating: reserved.gating,
				releaseLease: true,
			});
		}
		const r = reserved.reservation;
		let callIndex = 0;
		const call = async <T>(fn: () => Promise<ApiResult<T>>): Promise<ApiResult<T>> => {
			const result = await fn();
			budgets.record(r, callIndex++, observationOf(result));
			store.extendLease(t.id, this.o.owner, this.leaseMs);
			return result;
		};
		try {
			if (t.gating) t = store.transition(t, t.state, { gating: null });
			// 1. Publish time (next-slot asks PostSider for the channel's next free slot).
			let publishAt = t.publish_at ?? undefined;
			if (calls.findSlot) {
				const slot = await call(() => this.o.clients.postsider(t.key_name).findSlot(t.account_id));
				if (!slot.ok) return this.onFailure(item, t, slot.error);
				publishAt = Date.parse(slot.value.date);
				t = store.transition(t, t.state, { publish_at: publishAt });
			}
			// 2. Media.
			const uploaded = await this.upload(item, post, t, call);
			if (!uploaded.ok) return uploaded.target;
			t = uploaded.target;
			// 3. The create body, committed before it is sent.
			const stored = this.buildRequest(item, post, t, uploaded.media, publishAt);
			if ('late' in stored) {
				budgets.release(r);
				return stored.late;
			}
			t = store.transition(t, 'submitting', {
				request: JSON.stringify(stored),
				publish_at: stored.publishAt ?? null,
			});
			return await this.send(t, stored, call, item);
		} finally {
			budgets.release(r);
		}
	}

	/**
	 * When a window every post of the key needs (its create's, or one all calls count in) is full, or
	 * the key is frozen, the key's other waiting posts wait too, parked in one statement: each would
	 * otherwise be picked up and refused in turn every time a slot frees. When the full window is the
	 * upload one, the posts with media wait.
	 */
	private parkOthers(t: TargetRow, refused: Refused): void {
		const ps = t.service === 'postsider';
		const create: CallSpec = {
			service: t.service,
			endpoint: ps ? 'POST /posts' : 'POST /social-posts',
		};
		const upload: CallSpec = { service: t.service, endpoint: ps ? 'POST /upload' : URL_ENDPOINT };
		const full = (call: CallSpec) =>
			refused.bucket !== undefined &&
			this.o.budgets.bucketsOf(t.key_name, [call]).includes(refused.bucket);
		const everyPost = refused.reason === 'frozen' || (refused.reason === 'window' && full(create));
		const mediaPosts = !everyPost && refused.reason === 'window' && full(upload);
		if (everyPost || mediaPosts)
			this.o.store.parkKey(
				t.key_name,
				t.service,
				Math.max(refused.notBefore, this.now() + MIN_REPARK_MS),
				refused.gating,
				t.id,
				mediaPosts,
			);
	}

	/**
	 * A post whose account is full (its fair-use cap) at the post's fixed publish time: waiting does
	 * not help. "late": "skip" skips it, "post-now" moves it to the earliest time that fits, and
	 * otherwise it fails with the account and cap named.
	 */
	private overCap(item: ItemRow, post: PostRecord, t: TargetRow, refused: Refused): TargetRow {
		const policy = post.sidecar.late;
		const earliest = refused.publishNotBefore;
		if (policy === 'skip')
			return this.settle(item, t, 'skipped', {
				message: `skipped: ${refused.gating} ("late": "skip")`,
			});
		if (policy === 'post-now' && earliest !== undefined && Number.isFinite(earliest)) {
			const at = Math.max(earliest, this.now() + PF_WINDOW_MS);
			this.o.log.log(
				'warn',
				`${item.name} → ${t.label}: ${refused.gating}; moved to ${new Date(at).toISOString()} ("late": "post-now")`,
				{ item: item.id },
			);
			const next: Parameters<Store['transition']>[2] = {
				publish_at: at,
				next_attempt_at: this.now() + MIN_REPARK_MS,
				gating: refused.gating,
				releaseLease: true,
			};
			if (t.state === 'ready' && t.request) {
				const req = JSON.parse(t.request) as StoredRequest;
				const body = req.body as PostFastCreateBody;
				const index = req.index ?? 0;
				const posts = body.posts.map((p, i) =>
					i === index ? { ...p, scheduledAt: new Date(at).toISOString() } : p,
				);
				next.request = JSON.stringify({ ...req, body: { ...body, posts }, publishAt: at });
			}
			return this.o.store.transition(t, t.state, next);
		}
		return this.fail(item, t, {
			message: `this post exceeds the daily cap of its account at its publish time: ${refused.gating}`,
			fix: `Move "when" of ${t.label} to ${earliest !== undefined && Number.isFinite(earliest) ? `${new Date(earliest).toISOString()} or later` : 'another day'} (or spread these posts over more days), or set "late": "post-now" (send at the earliest time that fits) or "late": "skip" in the sidecar, then drop the post again.`,
			path: '$.when',
		});
	}

	/** PostSider: the budgeted calls of this target's remaining work, reserved as one sequence. */
	private sequence(post: PostRecord, t: TargetRow): { specs: CallSpec[]; findSlot: boolean } {
		const done = t.media ? (JSON.parse(t.media) as UploadedMedia).items.length : 0;
		const findSlot = post.when.kind === 'next-slot' && t.publish_at == null && !post.sidecar.draft;
		const specs: CallSpec[] = [
			...(findSlot ? [{ service: 'postsider' as const, endpoint: 'GET /find-slot/:id' }] : []),
			...post.media
				.slice(done)
				.map(() => ({ service: 'postsider' as const, endpoint: 'POST /upload' })),
			{ service: 'postsider', endpoint: 'POST /posts' },
		];
		return { specs, findSlot };
	}

	/** PostSider: one multipart upload per file, each stored as it lands. */
	private async upload(
		item: ItemRow,
		post: PostRecord,
		t: TargetRow,
		call: <T>(fn: () => Promise<ApiResult<T>>) => Promise<ApiResult<T>>,
	): Promise<
		{ ok: true; target: TargetRow; media: UploadedMedia } | { ok: false; target: TargetRow }
	> {
		const { store, clients } = this.o;
		const items = t.media
			? (JSON.parse(t.media) as { items: Array<{ id: string; path: string }> }).items
			: [];
		if (items.length >= post.media.length)
			return { ok: true, target: t, media: { service: 'postsider', items } };
		if (t.state === 'pending') t = store.transition(t, 'uploading');
		const client = clients.postsider(t.key_name);
		for (let i = items.length; i < post.media.length; i++) {
			const m = post.media[i];
			const res = await call(() =>
				client.uploadFile(join(item.work_dir, m.name), {
					onProgress: (sent, total) =>
						this.o.onProgress?.({ item: item.name, file: m.name, sent, total }),
				}),
			);
			if (!res.ok)
				return { ok: false, target: this.onFailure(item, t, res.error, `uploading ${m.name}`) };
			items.push({ id: res.value.id, path: res.value.path });
			t = store.transition(t, 'uploading', {
				media: JSON.stringify({ service: 'postsider', items }),
			});
		}
		return { ok: true, target: t, media: { service: 'postsider', items } };
	}

	private buildRequest(
		item: ItemRow,
		post: PostRecord,
		t: TargetRow,
		media: UploadedMedia,
		publishAt: number | undefined,
	): StoredRequest | { late: TargetRow } {
		const now = this.now();
		let at = publishAt ?? (post.when.kind === 'at' ? post.when.at : undefined);
		// Budgets can delay a post past its time: apply the sidecar's policy again.
		if (
			at !== undefined &&
			!post.sidecar.draft &&
			at <= now + (t.service === 'postfast' ? PF_MIN_LEAD_MS : 0)
		) {
			if (post.sidecar.late !== 'post-now') return { late: this.missedTime(item, post, t, at) };
			at = undefined;
		}
		if (t.service === 'postsider') {
			const date = new Date(at ?? now).toISOString();
			const body = postsiderBody(
				post,
				t.idx,
				media.items as Array<{ id: string; path: string }>,
				date,
			);
			return {
				body,
				idempotencyKey: idempotencyKey(item.identity, t.idx, t.generation),
				publishAt: at,
			};
		}
		const scheduled = post.sidecar.draft
			? undefined
			: new Date(at ?? now + PF_WINDOW_MS / 2).toISOString();
		return {
			body: postfastBody(
				post,
				t.idx,
				media.items as Array<{ key: string; kind: 'image' | 'video' }>,
				scheduled,
			),
			publishAt: scheduled ? Date.parse(scheduled) : undefined,
		};
	}

	/** One create of one target (PostSider, or a PostFast resend after reconciliation). */
	private async send(
		t: TargetRow,
		stored: StoredRequest,
		call: <T>(fn: () => Promise<ApiResult<T>>) => Promise<ApiResult<T>>,
		item: ItemRow,
	): Promise<TargetRow> {
		if (t.service === 'postsider') {
			const res = await call(() =>
				this.o.clients
					.postsider(t.key_name)
					.createPosts(stored.body as never, { idempotencyKey: stored.idempotencyKey! }),
			);
			if (res.ok) return this.settle(item, t, 'confirmed', undefined, res.value[0]?.postId);
			return this.onCreateFailure(item, t, res.error);
		}
		const res = await call(() =>
			this.o.clients.postfast(t.key_name).createPosts(stored.body as never),
		);
		if (res.ok) return this.settle(item, t, 'confirmed', undefined, res.value.postIds[0]);
		return this.onCreateFailure(item, t, res.error);
	}

	// ------------------------------------------------------------------ PostFast: one create request

	/**
	 * PostFast's scarce budgets are per day and per request: 75 creates of up to 15 posts, 150
	 * upload-URL requests of up to 4 image URLs. So its unit of work is one create request, not one
	 * post: the leader gathers other due posts of its key that share its request-wide fields (up to
	 * 15, cut where their images fill whole URL requests), reserves the whole sequence (the URL
	 * requests, images of several posts sharing one, and the create), uploads, then sends one create.
	 * Each post keeps its own state throughout: one failing never holds back the others.
	 */
	private async postfastBatch(
		item: ItemRow,
		post: PostRecord,
		leader: TargetRow,
	): Promise<TargetRow> {
		const { store, budgets } = this.o;
		const client = this.o.clients.postfast(leader.key_name); // reads the key: fails before any state moves
		const first = this.member(item, post, leader);
		if (this.isLate(first)) return this.missedTime(item, post, first.t, first.at!);
		const imagesPerRequest = this.o.clients.imagesPerRequest(leader.key_name);
		let members = [first];
		if (!leader.solo) {
			const picked = new Map<number, Member>();
			const leased = store.claimBatch(leader, this.o.owner, this.leaseMs, (candidates) => {
				const batch = [first];
				for (const c of candidates) {
					if (batch.length >= MAX_POSTS_PER_REQUEST) break;
					const ci = c.item_id === item.id ? item : store.item(c.item_id);
					if (!ci) continue;
					const m = this.member(ci, JSON.parse(ci.post) as PostRecord, c);
					// A late post is left for its own turn as leader, where its "late" policy applies.
					if (m.group === first.group && !this.isLate(m)) batch.push(m);
				}
				const n = alignedPrefix(
					batch.map((m) => m.todo.filter((f) => f.contentType.startsWith('image/')).length),
					imagesPerRequest,
				);
				for (const m of batch.slice(1, n)) picked.set(m.t.id, m);
				return [...picked.values()].map((m) => m.t);
			});
			members = [first, ...leased.map((t) => ({ ...picked.get(t.id)!, t }))];
		}
		/** Members put back to wait (or due again at once); the leader's row is returned instead. */
		const putBack = (ms: Member[], wait?: { at: number; gating: string }) => {
			store.unlease(
				ms.filter((m) => m !== first).map((m) => m.t.id),
				this.o.owner,
				wait,
			);
			for (const m of ms) if (m !== first) m.t = { ...m.t, lease_owner: null };
			if (ms.includes(first) && wait)
				first.t = store.transition(first.t, first.t.state, {
					next_attempt_at: wait.at,
					gating: wait.gating,
					releaseLease: true,
				});
		};

		// 1. Reserve the whole sequence. Fewer posts when that is what fits now: an account's cap, a
		// window with room for fewer upload-URL requests, or a burst that should read the rate headers
		// first. Only a smaller batch with fewer URL requests can fit a window the full one did not.
		const callsFor = (batch: Member[]) => {
			const files = batch.flatMap((m) => m.todo.map((f) => ({ ...f, m })));
			const urlRequests = batchUploadUrlRequests(files, imagesPerRequest);
			const specs: CallSpec[] = [
				...urlRequests.map(() => ({ service: 'postfast' as const, endpoint: URL_ENDPOINT })),
				this.createSpec(batch),
			];
			return { urlRequests, specs };
		};
		const reserveFor = (n: number, calls = callsFor(members.slice(0, n))) => ({
			...calls,
			result: budgets.reserve(leader.key_name, calls.specs, { probe: n > 1 }),
		});
		let n = members.length;
		let plan = reserveFor(n);
		// The earliest time a batch that waits for a window (not a smaller one) fits.
		let wait: Refused | undefined;
		const waits = (r: ReserveResult) =>
			!r.ok && WAITS.includes(r.reason) && r.notBefore < (wait?.notBefore ?? Infinity);
		if (waits(plan.result)) wait = plan.result as Refused;
		while (!plan.result.ok && n > 1 && SHRINKS.includes(plan.result.reason)) {
			const before = plan;
			const calls = callsFor(members.slice(0, --n));
			if (
				before.result.ok === false &&
				before.result.reason === 'window' &&
				calls.urlRequests.length >= before.urlRequests.length
			)
				continue;
			plan = reserveFor(n, calls);
			if (waits(plan.result)) wait = plan.result as Refused;
		}
		if (plan.result.ok) {
			putBack(members.slice(n));
			members = members.slice(0, n);
		} else {
			const refused = plan.result;
			if (n === 1 && refused.reason === 'account-cap') {
				putBack(members.slice(1));
				return this.overCap(item, post, first.t, refused);
			}
			if (n === 1 && refused.notBefore === Infinity) {
				putBack(members.slice(1));
				return this.fail(item, first.t, {
					message: `this post can never fit the budget: ${refused.gating}`,
					fix: 'Lower the number of media files or check the budget overrides in the config.',
				});
			}
			// Always a time in the future: never a busy loop over a budget.
			const until = wait ?? refused;
			this.parkOthers(leader, until);
			putBack(members, {
				at: Math.max(until.notBefore, this.now() + MIN_REPARK_MS),
				gating: until.gating,
			});
			return first.t;
		}
		const r = plan.result.reservation;
		const live = new Set(members);
		try {
			// 2. Upload: each URL request serves files of one or more posts; each file is stored as it lands.
			for (const [i, request] of plan.urlRequests.entries()) {
				const files = request.items.filter((f) => live.has(f.m));
				if (files.length === 0) continue;
				const urls = await client.getUploadUrls(request.contentType, files.length);
				budgets.record(r, i, observationOf(urls));
				for (const m of live) store.extendLease(m.t.id, this.o.owner, this.leaseMs);
				if (!urls.ok) {
					for (const m of new Set(files.map((f) => f.m))) {
						m.t = this.onFailure(m.item, m.t, urls.error, 'requesting upload URLs');
						live.delete(m);
					}
					// 429, 5xx or no answer: the next request would meet the same. The rest wait their turn.
					if (isRetryable(urls.error)) break;
					continue;
				}
				for (const [j, f] of files.entries()) {
					const m = f.m;
					if (!live.has(m)) continue; // an earlier file of its post failed
					const file = m.post.media[f.index];
					if (m.t.state === 'pending') m.t = store.transition(m.t, 'uploading');
					const put = await client.putToS3(
						urls.value[j].signedUrl,
						join(m.item.work_dir, file.name),
						request.contentType,
						(sent, total) =>
							this.o.onProgress?.({ item: m.item.name, file: file.name, sent, total }),
					);
					if (!put.ok) {
						m.t = this.onFailure(m.item, m.t, put.error, `uploading ${file.name} to storage`);
						live.delete(m);
						continue;
					}
					m.media[f.index] = { key: urls.value[j].key, kind: file.kind };
					m.t = store.transition(m.t, 'uploading', {
						media: JSON.stringify({ service: 'postfast', items: m.media }),
					});
				}
			}
			// 3. Each post's part of the create, stored before it is sent.
			for (const m of live) {
				if (m.t.state === 'ready') continue;
				if (m.post.media.some((_, k) => !m.media[k])) {
					live.delete(m); // the URL requests stopped early: its turn comes again
					putBack([m]);
					continue;
				}
				const stored = this.buildRequest(
					m.item,
					m.post,
					m.t,
					{
						service: 'postfast',
						items: m.media as Array<{ key: string; kind: 'image' | 'video' }>,
					},
					m.t.publish_at ?? undefined,
				);
				if ('late' in stored) {
					m.t = stored.late;
					live.delete(m);
					continue;
				}
				m.t = store.transition(m.t, 'ready', {
					request: JSON.stringify({ ...stored, index: 0 }),
					publish_at: stored.publishAt ?? null,
				});
			}
			// 4. The create slot goes to exactly the posts that are ready: given back and taken again
			// in one synchronous step, so no other work can take it in between.
			budgets.release(r);
			if (live.size > 0) await this.createBatch(client, [...live], putBack);
		} finally {
			budgets.release(r);
			putBack(members.filter((m) => m.t.lease_owner === this.o.owner && m !== first));
			for (const m of members)
				if (m !== first && !LIVE.includes(m.t.state)) this.o.onSettled?.(m.item.id);
		}
		return first.t;
	}

	/** Sends the ready members' posts as one create; each settles on its own answer. */
	private async createBatch(
		client: PostFastClient,
		members: Member[],
		putBack: (ms: Member[], wait?: { at: number; gating: string }) => void,
	): Promise<void> {
		const { store, budgets, log } = this.o;
		const now = this.now();
		const wide = requestWide(
			(JSON.parse(members[0].t.request!) as StoredRequest).body as PostFastCreateBody,
		);
		const parts = members.map((m) => {
			const own = JSON.parse(m.t.request!) as StoredRequest;
			const part = (own.body as PostFastCreateBody).posts[own.index ?? 0];
			// Held past its time with "late": "post-now" (a late post of another policy never joins).
			return part.scheduledAt && Date.parse(part.scheduledAt) <= now + PF_MIN_LEAD_MS
				? { ...part, scheduledAt: new Date(now + PF_WINDOW_MS / 2).toISOString() }
				: part;
		});
		const reserved = budgets.reserve(members[0].t.key_name, [this.createSpec(members, parts)]);
		if (!reserved.ok) {
			// An account cap or a window too small for all: each goes alone, where its own policy applies.
			if (reserved.reason === 'account-cap' || reserved.notBefore === Infinity) {
				for (const m of members)
					m.t = store.transition(m.t, 'ready', { solo: 1, releaseLease: true });
				return;
			}
			putBack(members, {
				at: Math.max(reserved.notBefore, now + MIN_REPARK_MS),
				gating: reserved.gating,
			});
			return;
		}
		const r = reserved.reservation;
		try {
			const body: PostFastCreateBody = { ...wide, posts: parts };
			store.db.transaction(() => {
				members.forEach((m, i) => {
					const own = JSON.parse(m.t.request!) as StoredRequest;
					m.t = store.transition(m.t, 'submitting', {
						request: JSON.stringify({
							body,
							index: i,
							publishAt: parts[i].scheduledAt ? Date.parse(parts[i].scheduledAt!) : own.publishAt,
						}),
						publish_at: parts[i].scheduledAt ? Date.parse(parts[i].scheduledAt!) : null,
						gating: null,
					});
				});
			})();
			if (members.length > 1)
				log.log('info', `sending ${members.length} PostFast posts in one create`, {
					key: members[0].t.key_name,
				});
			const res = await client.createPosts(body);
			budgets.record(r, 0, observationOf(res));
			const split = !res.ok && res.error.kind === 'validation' && members.length > 1;
			members.forEach((m, i) => {
				if (res.ok) m.t = this.settle(m.item, m.t, 'confirmed', undefined, res.value.postIds[i]);
				// One post may be the culprit: each goes alone so the refusal names it.
				else if (split) m.t = store.transition(m.t, 'ready', { solo: 1, releaseLease: true });
				else m.t = this.onCreateFailure(m.item, m.t, res.error);
			});
			if (split && !res.ok)
				log.log(
					'warn',
					`PostFast refused a batch of ${members.length} (${res.error.message}); sending them one by one`,
					{ key: members[0].t.key_name },
				);
		} finally {
			budgets.release(r);
		}
	}

	/** A PostFast target as a batch member: what is left to upload, its request-wide group, its time. */
	private member(item: ItemRow, post: PostRecord, t: TargetRow): Member {
		const stored =
			t.state === 'ready' && t.request ? (JSON.parse(t.request) as StoredRequest) : undefined;
		// By position; earlier versions stored them in order without gaps, which reads the same.
		const media: Member['media'] =
			stored || !t.media ? [] : (JSON.parse(t.media) as { items: Member['media'] }).items;
		const todo = stored
			? []
			: post.media
					.map((m, index) => ({ index, contentType: m.mime }))
					.filter((f) => !media[f.index]);
		const body = stored
			? (stored.body as PostFastCreateBody)
			: postfastBody(post, t.idx, [], undefined);
		const storedAt = stored ? body.posts[stored.index ?? 0].scheduledAt : undefined;
		const at = post.sidecar.draft
			? undefined
			: stored
				? storedAt && Date.parse(storedAt)
				: (t.publish_at ?? (post.when.kind === 'at' ? post.when.at : undefined));
		return {
			t,
			item,
			post,
			group: stableJson(requestWide(body)),
			media,
			todo,
			at: at || undefined,
		};
	}

	/** Held by the budgets past its time, under a policy other than "post-now". */
	private isLate(m: Member): boolean {
		return (
			m.at !== undefined &&
			m.at <= this.now() + PF_MIN_LEAD_MS &&
			m.post.sidecar.late !== 'post-now'
		);
	}

	/** The budgets held a post past its time, under "late": "skip" or the default "fail". */
	private missedTime(item: ItemRow, post: PostRecord, t: TargetRow, at: number): TargetRow {
		if (post.sidecar.late === 'skip')
			return this.settle(item, t, 'skipped', {
				message: 'skipped: the time passed before the budgets allowed sending ("late": "skip")',
			});
		return this.fail(item, t, {
			message: `the time ${new Date(at).toISOString()} passed before the budgets allowed sending`,
			fix: 'Set a later "when", or "late": "post-now", and run "postspool retry <id>".',
			path: '$.when',
		});
	}

	/** The create call of a batch, with each post for the per-account caps. */
	private createSpec(members: Member[], parts?: PostFastCreateBody['posts']): CallSpec {
		const accounts = members[0].post.sidecar.draft
			? []
			: members.map((m, i) => {
					const at = parts?.[i]?.scheduledAt ? Date.parse(parts[i].scheduledAt!) : m.at;
					return {
						id: m.t.account_id,
						platform: POSTFAST_PLATFORM[m.t.platform as Platform] ?? m.t.platform.toUpperCase(),
						...(at !== undefined && at > this.now() + PF_MIN_LEAD_MS ? { publishAt: at } : {}),
					};
				});
		return { service: 'postfast', endpoint: 'POST /social-posts', accounts };
	}

	// ------------------------------------------------------------------ unknown outcomes

	private async resolveUnknown(item: ItemRow, t: TargetRow): Promise<TargetRow> {
		const { store, budgets, log } = this.o;
		const stored = t.request ? (JSON.parse(t.request) as StoredRequest) : undefined;
		if (!stored) return this.park(item, t, 'the request of this create was not recorded');
		if (t.service === 'postsider') {
			// Same body, same key: the server replays the stored answer if the first send got through.
			log.log('info', `resending ${item.name} → ${t.label} under the same Idempotency-Key`, {
				item: item.id,
			});
			return this.resend(item, t, stored);
		}
		// PostFast: look for the post before any resend.
		const body = stored.body as {
			posts: Array<{ content: string; socialMediaId: string; scheduledAt?: string }>;
			status: string;
		};
		const reserved = budgets.reserve(t.key_name, [
			{ service: 'postfast', endpoint: 'GET /social-posts' },
		]);
		if (!reserved.ok)
			return store.transition(t, 'unknown', {
				next_attempt_at: reserved.notBefore,
				gating: reserved.gating,
				releaseLease: true,
			});
		const r = reserved.reservation;
		let solo: StoredRequest;
		try {
			const p = body.posts[stored.index ?? 0];
			const res = await this.o.clients
				.postfast(t.key_name)
				.listPosts({ ...existingPostsQuery([p]), limit: 50 });
			budgets.record(r, 0, observationOf(res));
			if (!res.ok) {
				if (
					res.error.kind === 'rate-limited' ||
					res.error.kind === 'server' ||
					res.error.kind === 'network'
				) {
					return store.transition(t, 'unknown', {
						next_attempt_at: this.now() + (res.error.retryAfterMs ?? this.backoff(t.attempts)),
						releaseLease: true,
					});
				}
				return this.park(
					item,
					t,
					`PostFast could not be asked whether the post exists (${res.error.status} ${res.error.message})`,
				);
			}
			const [match] = findExisting(res.value.data, [p]);
			if (match) {
				log.log(
					'info',
					`found ${item.name} → ${t.label} already created on PostFast; not resending`,
					{ item: item.id, postId: match.id },
				);
				return this.settle(item, t, 'confirmed', undefined, match.id);
			}
			if (res.value.pageInfo.hasNextPage)
				return this.park(
					item,
					t,
					'PostFast lists more posts at that time than one page; the daemon cannot be sure the post is absent',
				);
			log.log('info', `${item.name} → ${t.label} is not on PostFast; sending it again`, {
				item: item.id,
			});
			// Alone: the other posts of a batched request have their own reconciliation.
			solo = {
				body: { ...requestWide(stored.body as PostFastCreateBody), posts: [p] },
				publishAt: stored.publishAt,
				index: 0,
			};
		} finally {
			budgets.release(r);
		}
		return this.resend(item, t, solo);
	}

	/** Sends a stored create again, under its own reservation (the create has its own windows). */
	private async resend(item: ItemRow, t: TargetRow, stored: StoredRequest): Promise<TargetRow> {
		const { store, budgets } = this.o;
		const endpoint = t.service === 'postsider' ? 'POST /posts' : 'POST /social-posts';
		const reserved = budgets.reserve(t.key_name, [{ service: t.service, endpoint }]);
		if (!reserved.ok) {
			return store.transition(t, t.state, {
				next_attempt_at: reserved.notBefore,
				gating: reserved.gating,
				releaseLease: true,
			});
		}
		const r = reserved.reservation;
		try {
			t = store.transition(t, 'submitting', { gating: null, request: JSON.stringify(stored) });
			return await this.send(
				t,
				stored,
				async (fn) => {
					const res = await fn();
					budgets.record(r, 0, observationOf(res));
					return res;
				},
				item,
			);
		} finally {
			budgets.release(r);
		}
	}

	// ------------------------------------------------------------------ outcomes

	private backoff(attempts: number): number {
		const { baseMs, capMs } = this.o.backoff ?? { baseMs: 2_000, capMs: 10 * 60_000 };
		const ceiling = Math.min(capMs, baseMs * 2 ** attempts);
		return Math.max(250, Math.floor((this.o.random ?? Math.random)() * ceiling));
	}

	/** A failure before the create was sent: nothing was posted, so retrying is always safe. */
	private onFailure(item: ItemRow, t: TargetRow, error: ApiError, during?: string): TargetRow {
		const where = during ? ` while ${during}` : '';
		if (error.kind === 'rate-limited') {
			this.rateLimited(item, t, error);
			// A 429 never uses an attempt; the budgets froze the key until its Retry-After.
			return this.o.store.transition(t, t.state, {
				next_attempt_at: this.now() + (error.retryAfterMs ?? 60_000),
				gating: `429 from ${error.service}${where}`,
				releaseLease: true,
			});
		}
		if (error.kind === 'server' || error.kind === 'network')
			return this.retryLater(item, t, error, where, t.state);
		return this.fail(item, t, describe(error, t, where));
	}

	/** A failure of the create call itself. */
	private onCreateFailure(item: ItemRow, t: TargetRow, error: ApiError): TargetRow {
		if (error.kind === 'rate-limited') {
			this.rateLimited(item, t, error);
			// Refused before processing: nothing was created. PostFast posts wait, ready, for the next batch.
			return this.o.store.transition(t, t.service === 'postfast' ? 'ready' : 'pending', {
				next_attempt_at: this.now() + (error.retryAfterMs ?? 60_000),
				gating: `429 from ${error.service} on create`,
				releaseLease: true,
			});
		}
		if (error.kind === 'server' || error.kind === 'network')
			return this.retryLater(item, t, error, ' on create', 'unknown');
		if (error.kind === 'conflict' && t.service === 'postsider') {
			// The first send may still be in progress on the server: ask again later. A key stuck in
			// "processing" for good (the server crashed mid-create) ends parked after maxAttempts.
			if (/already processing/i.test(error.message))
				return this.retryLater(item, t, error, ' on create', 'unknown');
			return this.park(
				item,
				t,
				`PostSider answered 409 (${error.message}) for this post's Idempotency-Key: an earlier send may still be stuck`,
			);
		}
		return this.fail(item, t, describe(error, t, ''));
	}

	private rateLimited(item: ItemRow, t: TargetRow, error: ApiError): void {
		const wait = Math.round((error.retryAfterMs ?? 60_000) / 1000);
		this.o.log.log(
			'warn',
			`${item.name} → ${t.label}: ${error.service} answered 429; waiting ${wait} s (no attempt used)`,
			{
				item: item.id,
				windows: error.rateLimitWindows,
			},
		);
	}

	private retryLater(
		item: ItemRow,
		t: TargetRow,
		error: ApiError,
		where: string,
		to: 'pending' | 'uploading' | 'unknown' | TargetRow['state'],
	): TargetRow {
		const attempts = t.attempts + 1;
		const message = `${error.service} ${error.status ? `answered ${error.status}` : 'did not answer'}${where}: ${error.message}`;
		if (attempts >= this.o.maxAttempts) {
			if (to === 'unknown')
				return this.park(
					item,
					t,
					`${message} — ${attempts} attempts, the outcome of the last create is unknown`,
				);
			return this.fail(item, t, {
				message: `${message} (gave up after ${attempts} attempts)`,
				fix: `Check the service status, then run "postspool retry ${item.id}".`,
				service: error.service,
				status: error.status,
			});
		}
		const delay = error.retryAfterMs ?? this.backoff(attempts);
		this.o.store.event(
			item.id,
			t.id,
			'warn',
			`${t.label}: ${message}; attempt ${attempts} of ${this.o.maxAttempts}, next in ${Math.round(delay / 1000)} s`,
		);
		this.o.log.log(
			'warn',
			`${item.name} → ${t.label}: ${message}; retry in ${Math.round(delay / 1000)} s`,
			{ item: item.id, attempts },
		);
		return this.o.store.transition(t, to as TargetRow['state'], {
			attempts,
			next_attempt_at: this.now() + delay,
			error: JSON.stringify({ message, service: error.service, status: error.status }),
			releaseLease: true,
		});
	}

	private fail(item: ItemRow, t: TargetRow, error: TargetError): TargetRow {
		this.o.store.event(item.id, t.id, 'error', `${item.name} → ${t.label}: ${error.message}`);
		this.o.log.log('error', `${item.name} → ${t.label} failed: ${error.message}`, {
			item: item.id,
			fix: error.fix,
		});
		return this.settle(item, t, 'failed', error);
	}

	private park(item: ItemRow, t: TargetRow, reason: string): TargetRow {
		const error: TargetError = {
			message: `${reason}. The daemon will not resend on its own, to avoid a duplicate post.`,
			fix: `Look in ${t.service === 'postsider' ? 'PostSider' : 'PostFast'} for a post to ${t.label}${t.publish_at ? ` at ${new Date(t.publish_at).toISOString()}` : ''}. If it is there, run "postspool cancel ${item.id}" (it stays posted); if it is not, run "postspool retry ${item.id}" to send it again.`,
		};
		this.o.store.event(
			item.id,
			t.id,
			'error',
			`${item.name} → ${t.label}: needs review: ${reason}`,
		);
		this.o.log.log('error', `${item.name} → ${t.label} needs review: ${reason}`, { item: item.id });
		return this.settle(item, t, 'needs-review', error);
	}

	private settle(
		item: ItemRow,
		t: TargetRow,
		to: 'confirmed' | 'failed' | 'needs-review' | 'skipped',
		error?: TargetError,
		remoteId?: string,
	): TargetRow {
		const next = this.o.store.transition(t, to, {
			error: error ? JSON.stringify(error) : null,
			...(remoteId ? { remote_id: remoteId } : {}),
			releaseLease: true,
		});
		if (to === 'confirmed')
			this.o.log.log('info', `${item.name} → ${t.label}: created`, {
				item: item.id,
				postId: remoteId,
			});
		return next;
	}
}

export interface TargetError {
	message: string;
	fix?: string;
	path?: string;
	service?: string;
	status?: number;
}

/** The service's reason, and what to do about it. */
export function describe(
	error: ApiError,
	t: Pick<TargetRow, 'label' | 'key_name' | 'idx'>,
	where: string,
): TargetError {
	const service = error.service === 'postsider' ? 'PostSider' : 'PostFast';
	const base = { service: error.service, status: error.status, path: `$.targets.${t.idx}` };
	const msg = `${service} refused${where} (${error.status}): ${error.message}`;
	switch (error.kind) {
		case 'auth':
			return {
				...base,
				message: msg,
				fix: `The API key "${t.key_name}" is missing, wrong or revoked. Fix it in the config, check with "postspool doctor", then "postspool retry".`,
			};
		case 'payment':
			return {
				...base,
				message: msg,
				fix: `Your ${service} plan does not allow this post. Upgrade the plan or wait for the quota to reset, then "postspool retry".`,
			};
		case 'not-found':
			return {
				...base,
				message: msg,
				fix: `Check the account id of "${t.label}" ("postspool accounts" lists them).`,
			};
		case 'too-large':
			return { ...base, message: msg, fix: 'Compress the media file and drop the post again.' };
		default:
			return {
				...base,
				message: msg,
				fix: `Fix the sidecar (${error.fieldPaths.length > 0 ? `the service named ${error.fieldPaths.join(', ')}` : 'see the message'}) and drop the post again; or fix the account and run "postspool retry".`,
			};
	}
}
