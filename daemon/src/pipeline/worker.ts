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
import type { Budgets, CallSpec, Reservation, ReserveResult } from '../budget/budgets';
import { observationOf } from '../budget/budgets';
import { batchUploadUrlRequests, stableJson } from '../budget/planner';
import { MAX_POSTS_PER_REQUEST } from '../../../contract/postfast';
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

/** Shortest re-park: a target is never due again at once (no busy loop over a budget). */
const MIN_REPARK_MS = 1_000;

type Refused = Extract<ReserveResult, { ok: false }>;

export class Worker {
	private readonly now: () => number;
	private readonly leaseMs: number;
	/**
	 * PostFast create slots reserved with a target's uploads (target id → reservation): handed to
	 * its create, released and re-reserved for the batch without an await in between.
	 */
	private readonly held = new Map<number, Reservation>();

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
			if (t.state === 'unknown') t = await this.resolveUnknown(item, post, t);
			if (t.state === 'pending' || t.state === 'uploading') t = await this.advance(item, post, t);
			if (t.state === 'ready') t = await this.sendBatch(item, t);
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
			const held = this.held.get(claimed.id);
			if (held) {
				this.held.delete(claimed.id);
				this.o.budgets.release(held);
			}
			// Yield to the event loop before the caller claims more: a target that settles or re-parks
			// without I/O must not starve timers and sockets. (At the end, not the start: a batch
			// leader gathers its followers before the caller leases them.)
			await new Promise<void>((resolve) => setImmediate(resolve));
		}
		if (!LIVE.includes(t.state)) this.o.onSettled?.(item.id);
	}

	// ------------------------------------------------------------------ normal path

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
				if (!slot.ok) return this.onFailure(item, t, slot.error, r);
				publishAt = Date.parse(slot.value.date);
				t = store.transition(t, t.state, { publish_at: publishAt });
			}
			// 2. Media.
			const uploaded = await this.upload(item, post, t, call, r);
			if (!uploaded.ok) return uploaded.target;
			t = uploaded.target;
			// 3. The create body, committed before it is sent.
			const stored = this.buildRequest(item, post, t, uploaded.media, publishAt);
			if ('late' in stored) {
				budgets.release(r);
				return stored.late;
			}
			if (t.service === 'postfast') {
				// The create slot reserved with the uploads goes on to the create (sendBatch).
				this.held.set(t.id, r);
				return store.transition(t, 'ready', {
					request: JSON.stringify({ ...stored, index: 0 }),
					publish_at: stored.publishAt ?? null,
				});
			}
			t = store.transition(t, 'submitting', {
				request: JSON.stringify(stored),
				publish_at: stored.publishAt ?? null,
			});
			return await this.send(item, post, t, stored, call, r);
		} finally {
			if (this.held.get(t.id) !== r) budgets.release(r);
		}
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

	/** The budgeted calls of this target's remaining work, reserved as one sequence. */
	private sequence(
		post: PostRecord,
		t: TargetRow,
	): {
		specs: CallSpec[];
		findSlot: boolean;
		urlBatches: Array<{ contentType: string; items: number[] }>;
	} {
		const done = t.media ? (JSON.parse(t.media) as UploadedMedia).items.length : 0;
		const remaining = post.media
			.slice(done)
			.map((m, i) => ({ contentType: m.mime, index: done + i }));
		if (t.service === 'postsider') {
			const findSlot =
				post.when.kind === 'next-slot' && t.publish_at == null && !post.sidecar.draft;
			const specs: CallSpec[] = [
				...(findSlot ? [{ service: 'postsider' as const, endpoint: 'GET /find-slot/:id' }] : []),
				...remaining.map(() => ({ service: 'postsider' as const, endpoint: 'POST /upload' })),
				{ service: 'postsider', endpoint: 'POST /posts' },
			];
			return { specs, findSlot, urlBatches: [] };
		}
		const batches = batchUploadUrlRequests(remaining, this.o.clients.imagesPerRequest(t.key_name));
		// The create is reserved with the uploads (no upload starts unless its create can be sent);
		// its slot is handed to the create, which may batch it with other ready posts (sendBatch).
		const at = t.publish_at ?? (post.when.kind === 'at' ? post.when.at : undefined);
		const specs: CallSpec[] = [
			...batches.map(() => ({
				service: 'postfast' as const,
				endpoint: 'POST /file/get-signed-upload-urls',
			})),
			{
				service: 'postfast',
				endpoint: 'POST /social-posts',
				accounts: post.sidecar.draft
					? []
					: [
							{
								id: t.account_id,
								platform: POSTFAST_PLATFORM[t.platform as Platform] ?? t.platform.toUpperCase(),
								...(at !== undefined ? { publishAt: at } : {}),
							},
						],
			},
		];
		return {
			specs,
			findSlot: false,
			urlBatches: batches.map((b) => ({
				contentType: b.contentType,
				items: b.items.map((x) => x.index),
			})),
		};
	}

	private async upload(
		item: ItemRow,
		post: PostRecord,
		t: TargetRow,
		call: <T>(fn: () => Promise<ApiResult<T>>) => Promise<ApiResult<T>>,
		r: Reservation,
	): Promise<
		{ ok: true; target: TargetRow; media: UploadedMedia } | { ok: false; target: TargetRow }
	> {
		const { store, clients } = this.o;
		let media: UploadedMedia = t.media ? JSON.parse(t.media) : { service: t.service, items: [] };
		if (media.items.length >= post.media.length) return { ok: true, target: t, media };
		if (t.state === 'pending') t = store.transition(t, 'uploading');
		const progress = (file: string) => (sent: number, total: number) =>
			this.o.onProgress?.({ item: item.name, file, sent, total });
		if (media.service === 'postsider') {
			const client = clients.postsider(t.key_name);
			for (let i = media.items.length; i < post.media.length; i++) {
				const m = post.media[i];
				const res = await call(() =>
					client.uploadFile(join(item.work_dir, m.name), { onProgress: progress(m.name) }),
				);
				if (!res.ok)
					return {
						ok: false,
						target: this.onFailure(item, t, res.error, r, `uploading ${m.name}`),
					};
				media = {
					service: 'postsider',
					items: [...media.items, { id: res.value.id, path: res.value.path }],
				};
				t = store.transition(t, 'uploading', { media: JSON.stringify(media) });
			}
			return { ok: true, target: t, media };
		}
		const client = clients.postfast(t.key_name);
		const { urlBatches } = this.sequence(post, t);
		for (const batch of urlBatches) {
			const urls = await call(() => client.getUploadUrls(batch.contentType, batch.items.length));
			if (!urls.ok)
				return {
					ok: false,
					target: this.onFailure(item, t, urls.error, r, 'requesting upload URLs'),
				};
			for (const [j, index] of batch.items.entries()) {
				const m = post.media[index];
				const put = await client.putToS3(
					urls.value[j].signedUrl,
					join(item.work_dir, m.name),
					batch.contentType,
					progress(m.name),
				);
				if (!put.ok)
					return {
						ok: false,
						target: this.onFailure(item, t, put.error, r, `uploading ${m.name} to storage`),
					};
				media = {
					service: 'postfast',
					items: [
						...(media.items as Array<{ key: string; kind: 'image' | 'video' }>),
						{ key: urls.value[j].key, kind: m.kind },
					],
				};
				t = store.transition(t, 'uploading', { media: JSON.stringify(media) });
			}
		}
		return { ok: true, target: t, media };
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
			at <= now + (t.service === 'postfast' ? 30_000 : 0)
		) {
			if (post.sidecar.late === 'skip')
				return {
					late: this.settle(item, t, 'skipped', {
						message: 'skipped: the time passed before the budgets allowed sending ("late": "skip")',
					}),
				};
			if (post.sidecar.late !== 'post-now') {
				return {
					late: this.fail(item, t, {
						message: `the time ${new Date(at).toISOString()} passed before the budgets allowed sending`,
						fix: 'Set a later "when", or "late": "post-now", and run "postspool retry <id>".',
						path: '$.when',
					}),
				};
			}
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

	private async send(
		item: ItemRow,
		_post: PostRecord,
		t: TargetRow,
		stored: StoredRequest,
		call: <T>(fn: () => Promise<ApiResult<T>>) => Promise<ApiResult<T>>,
		r: Reservation,
	): Promise<TargetRow> {
		if (t.service === 'postsider') {
			const res = await call(() =>
				this.o.clients
					.postsider(t.key_name)
					.createPosts(stored.body as never, { idempotencyKey: stored.idempotencyKey! }),
			);
			if (res.ok) return this.settle(item, t, 'confirmed', undefined, res.value[0]?.postId);
			return this.onCreateFailure(item, t, res.error, r);
		}
		const res = await call(() =>
			this.o.clients.postfast(t.key_name).createPosts(stored.body as never),
		);
		if (res.ok) return this.settle(item, t, 'confirmed', undefined, res.value.postIds[0]);
		return this.onCreateFailure(item, t, res.error, r);
	}

	// ------------------------------------------------------------------ PostFast batched creates

	/**
	 * Sends `leader` with the other ready PostFast posts of its key that share its request-wide
	 * fields (status, approval, controls), up to the per-request maximum, in one create. Each post
	 * keeps its own state: the request is stored in every target with its index before sending.
	 */
	private async sendBatch(item: ItemRow, leader: TargetRow): Promise<TargetRow> {
		const { store, budgets, log } = this.o;
		const client = this.o.clients.postfast(leader.key_name); // reads the key: fails before any state moves
		let leaderReq = JSON.parse(leader.request!) as StoredRequest;
		// Budgets may have held the post past its time: the sidecar's "late" policy decides.
		const now = this.now();
		const isLate = (r: StoredRequest) => {
			const at = (r.body as PostFastCreateBody).posts[r.index ?? 0].scheduledAt;
			return at !== undefined && Date.parse(at) <= now + 30_000;
		};
		if (isLate(leaderReq)) {
			const policy = (JSON.parse(item.post) as PostRecord).sidecar.late;
			if (policy === 'skip') {
				return this.settle(item, leader, 'skipped', {
					message: 'skipped: the time passed before the budgets allowed sending ("late": "skip")',
				});
			}
			if (policy !== 'post-now') {
				return this.fail(item, leader, {
					message: 'the scheduled time passed while the post waited for the PostFast create budget',
					fix: 'Set a later "when", or "late": "post-now", and run "postspool retry <id>".',
					path: '$.when',
				});
			}
			const body = leaderReq.body as PostFastCreateBody;
			const index = leaderReq.index ?? 0;
			const posts = body.posts.map((p, i) =>
				i === index ? { ...p, scheduledAt: new Date(now + 60_000).toISOString() } : p,
			);
			leaderReq = { ...leaderReq, body: { ...body, posts }, publishAt: now + 60_000 };
			leader = store.transition(leader, 'ready', {
				request: JSON.stringify(leaderReq),
				publish_at: now + 60_000,
			});
		}
		const wide = stableJson(requestWide(leaderReq.body as PostFastCreateBody));
		const others = leader.solo
			? []
			: store.claimBatch(leader, this.o.owner, this.leaseMs, MAX_POSTS_PER_REQUEST - 1, (t) => {
					const r = t.request ? (JSON.parse(t.request) as StoredRequest) : undefined;
					// A late post is left for its own turn as leader, where its policy applies.
					return (
						!!r && !isLate(r) && stableJson(requestWide(r.body as PostFastCreateBody)) === wide
					);
				});
		let members = [leader, ...others];
		const parts = members.map((m) => {
			const r = JSON.parse(m.request!) as StoredRequest;
			return (r.body as PostFastCreateBody).posts[r.index ?? 0];
		});
		const accounts =
			leaderReq.body && (leaderReq.body as PostFastCreateBody).status === 'DRAFT'
				? []
				: members.map((m, i) => ({
						id: m.account_id,
						platform: POSTFAST_PLATFORM[m.platform as Platform] ?? m.platform.toUpperCase(),
						...(parts[i].scheduledAt ? { publishAt: Date.parse(parts[i].scheduledAt!) } : {}),
					}));
		// The leader's create slot, reserved with its uploads, is given back and taken again for the
		// batch in one synchronous step: no other work can take it in between.
		const held = this.held.get(leader.id);
		if (held) {
			this.held.delete(leader.id);
			budgets.release(held);
		}
		const reserveFor = (n: number) =>
			budgets.reserve(leader.key_name, [
				{ service: 'postfast', endpoint: 'POST /social-posts', accounts: accounts.slice(0, n) },
			]);
		let reserved = reserveFor(members.length);
		// An account cap full for the whole batch: send as many as fit, the rest go back to wait.
		if (!reserved.ok && reserved.reason === 'account-cap' && accounts.length > 1) {
			for (let n = members.length - 1; n >= 1 && !reserved.ok; n--) {
				const attempt = reserveFor(n);
				if (attempt.ok || attempt.reason === 'account-cap') reserved = attempt;
				else break;
				if (attempt.ok) {
					for (const m of members.slice(n)) store.transition(m, 'ready', { releaseLease: true });
					members = members.slice(0, n);
					parts.length = n;
				}
			}
		}
		if (!reserved.ok) {
			if (reserved.reason === 'account-cap' && members.length === 1)
				return this.overCap(item, JSON.parse(item.post) as PostRecord, leader, reserved);
			if (reserved.notBefore === Infinity && members.length === 1) {
				return this.fail(item, leader, {
					message: `this post can never fit the budget: ${reserved.gating}`,
					fix: 'Check the budget overrides (accountDailyCaps) in the config.',
				});
			}
			// A batch too big for an account cap: the others go back, the leader goes alone next time.
			// Anything else waits, always until a time in the future (never a busy loop).
			const solo = reserved.notBefore === Infinity || reserved.reason === 'account-cap';
			const later = {
				next_attempt_at: Math.max(reserved.notBefore, this.now() + MIN_REPARK_MS),
				gating: reserved.gating,
			};
			for (const m of members.slice(1))
				store.transition(m, 'ready', { releaseLease: true, ...(solo ? {} : later) });
			return store.transition(leader, 'ready', {
				releaseLease: true,
				...(solo ? { solo: 1 } : later),
			});
		}
		const r = reserved.reservation;
		try {
			const body: PostFastCreateBody = {
				...requestWide(leaderReq.body as PostFastCreateBody),
				posts: parts,
			};
			const sent = store.db.transaction(() =>
				members.map((m, i) => {
					const own = JSON.parse(m.request!) as StoredRequest;
					return store.transition(m, 'submitting', {
						request: JSON.stringify({ body, index: i, publishAt: own.publishAt }),
						gating: null,
					});
				}),
			)();
			if (members.length > 1)
				log.log('info', `sending ${members.length} PostFast posts in one create`, {
					key: leader.key_name,
				});
			const res = await client.createPosts(body);
			budgets.record(r, 0, observationOf(res));
			const itemOf = (m: TargetRow) => (m.item_id === item.id ? item : store.item(m.item_id)!);
			let leaderNow = sent[0];
			sent.forEach((m, i) => {
				let next: TargetRow;
				if (res.ok) next = this.settle(itemOf(m), m, 'confirmed', undefined, res.value.postIds[i]);
				else if (res.error.kind === 'validation' && members.length > 1) {
					// One post may be the culprit: each goes alone so the refusal names it.
					next = store.transition(m, 'ready', { solo: 1, releaseLease: true });
				} else next = this.onCreateFailure(itemOf(m), m, res.error, r);
				if (i === 0) leaderNow = next;
				else if (!LIVE.includes(next.state)) this.o.onSettled?.(m.item_id);
			});
			if (!res.ok && res.error.kind === 'validation' && members.length > 1) {
				log.log(
					'warn',
					`PostFast refused a batch of ${members.length} (${res.error.message}); sending them one by one`,
					{ key: leader.key_name },
				);
			}
			return leaderNow;
		} finally {
			budgets.release(r);
		}
	}

	// ------------------------------------------------------------------ unknown outcomes

	private async resolveUnknown(item: ItemRow, post: PostRecord, t: TargetRow): Promise<TargetRow> {
		const { store, budgets, log } = this.o;
		const stored = t.request ? (JSON.parse(t.request) as StoredRequest) : undefined;
		if (!stored) return this.park(item, t, 'the request of this create was not recorded');
		if (t.service === 'postsider') {
			// Same body, same key: the server replays the stored answer if the first send got through.
			log.log('info', `resending ${item.name} → ${t.label} under the same Idempotency-Key`, {
				item: item.id,
			});
			return this.resend(item, post, t, stored);
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
			const filters = p.scheduledAt
				? { socialMediaIds: [p.socialMediaId], from: p.scheduledAt, to: p.scheduledAt, limit: 50 }
				: { socialMediaIds: [p.socialMediaId], statuses: ['DRAFT'], limit: 50 };
			const res = await this.o.clients.postfast(t.key_name).listPosts(filters);
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
			const match = res.value.data.find(
				(x) =>
					x.content === p.content &&
					x.socialMediaId === p.socialMediaId &&
					(!p.scheduledAt ||
						(x.scheduledAt && Date.parse(x.scheduledAt) === Date.parse(p.scheduledAt))),
			);
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
		return this.resend(item, post, t, solo);
	}

	/** Sends a stored create again, under its own reservation (the create has its own windows). */
	private async resend(
		item: ItemRow,
		post: PostRecord,
		t: TargetRow,
		stored: StoredRequest,
	): Promise<TargetRow> {
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
				item,
				post,
				t,
				stored,
				async (fn) => {
					const res = await fn();
					budgets.record(r, 0, observationOf(res));
					return res;
				},
				r,
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
	private onFailure(
		item: ItemRow,
		t: TargetRow,
		error: ApiError,
		r: Reservation,
		during?: string,
	): TargetRow {
		this.o.budgets.release(r);
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
	private onCreateFailure(item: ItemRow, t: TargetRow, error: ApiError, r: Reservation): TargetRow {
		this.o.budgets.release(r);
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
