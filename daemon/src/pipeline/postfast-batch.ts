/**
 * PostFast: one create request carries a batch of posts (see batch-rule.ts). The leader gathers its
 * batch, reserves the whole sequence (shrinking it to what fits now), uploads every file through
 * shared upload-URL requests, then sends one create. Each post keeps its own state throughout:
 * one failing never holds back the others.
 */
import { join } from 'node:path';
import type { PostFastClient, PostFastCreateBody } from '../api/postfast';
import type { Reservation, ReserveResult } from '../budget/types';
import { observationOf } from '../budget/types';
import { isRetryable } from '../../../contract/errors';
import type { PostRecord } from '../item';
import type { ItemRow, TargetRow } from '../state/store';
import { LIVE } from '../state/store';
import {
	type Batchable,
	PF_MIN_LEAD_MS,
	PF_WINDOW_MS,
	type StoredRequest,
	createCall,
	isLate,
	pickBatch,
	postfastCalls,
	postfastWork,
	requestWide,
} from './batch-rule';
import { CreateRequests } from './create-request';
import { uploadProgress } from './progress';
import { MIN_REPARK_MS, type Refused } from './turn-end';

/** Refusals a smaller PostFast batch may not meet (see postfastBatch). */
const SHRINKS: Refused['reason'][] = ['account-cap', 'impossible', 'probe', 'window'];
const WAITS: Refused['reason'][] = ['window', 'frozen', 'in-flight'];

/** A PostFast target in a batch, with what its turn still needs. */
interface Member extends Batchable {
	t: TargetRow;
	item: ItemRow;
}

/** Puts members back to wait (until `wait.at`, or due again at once). */
type PutBack = (ms: Member[], wait?: { at: number; gating: string }) => void;

type UrlRequest = ReturnType<typeof postfastCalls<Member>>['urlRequests'][number];

export class PostFastBatch extends CreateRequests {
	/**
	 * PostFast's scarce budgets are per day and per request: 75 creates of up to 15 posts, 150
	 * upload-URL requests of up to 4 image URLs. So its unit of work is one create request, not one
	 * post: the leader gathers other due posts of its key that share its request-wide fields (up to
	 * 15, cut where their images fill whole URL requests), reserves the whole sequence (the URL
	 * requests, images of several posts sharing one, and the create), uploads, then sends one create.
	 * Each post keeps its own state throughout: one failing never holds back the others.
	 */
	async postfastBatch(item: ItemRow, post: PostRecord, leader: TargetRow): Promise<TargetRow> {
		const { budgets } = this.o;
		const client = this.o.clients.postfast(leader.key_name); // reads the key: fails before any state moves
		const first = this.member(item, post, leader);
		if (isLate(first.work, post, this.now()))
			return this.missedTime(item, post, first.t, first.work.at!);
		const imagesPerRequest = this.o.clients.imagesPerRequest(leader.key_name);
		const gathered = leader.solo ? [first] : this.gather(first, imagesPerRequest);
		const putBack: PutBack = (ms, wait) => this.putBack(first, ms, wait);

		// 1. Reserve the whole sequence, for as many posts as fit now.
		const { n, plan, wait } = this.reserveShrinking(gathered, imagesPerRequest);
		if (!plan.result.ok) {
			const refused = plan.result;
			if (n === 1 && refused.reason === 'account-cap') {
				putBack(gathered.slice(1));
				return this.overCap(item, post, first.t, refused);
			}
			if (n === 1 && refused.notBefore === Infinity) {
				putBack(gathered.slice(1));
				return this.fail(item, first.t, {
					message: `this post can never fit the budget: ${refused.gating}`,
					fix: 'Lower the number of media files or check the budget overrides in the config.',
				});
			}
			// Always a time in the future: never a busy loop over a budget.
			const until = wait ?? refused;
			this.parkOthers(leader, until);
			putBack(gathered, {
				at: Math.max(until.notBefore, this.now() + MIN_REPARK_MS),
				gating: until.gating,
			});
			return first.t;
		}
		putBack(gathered.slice(n));
		const members = gathered.slice(0, n);
		const r = plan.result.reservation;
		const live = new Set(members);
		try {
			// 2. Upload: each URL request serves files of one or more posts.
			await this.upload(client, plan.urlRequests, r, live);
			// 3. Each post's part of the create, stored before it is sent.
			this.storeParts(live, putBack);
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

	/** Leases the posts that go with `first` (batch-rule.ts `pickBatch`), in one transaction. */
	private gather(first: Member, imagesPerRequest: number): Member[] {
		const { store } = this.o;
		const picked = new Map<number, Member>();
		const leased = store.claimBatch(first.t, this.o.owner, this.leaseMs, (candidates) => {
			const others = candidates.flatMap((c) => {
				const ci = c.item_id === first.item.id ? first.item : store.item(c.item_id);
				return ci ? [this.member(ci, JSON.parse(ci.post) as PostRecord, c)] : [];
			});
			const batch = pickBatch(first, others, imagesPerRequest, this.now());
			for (const m of batch.slice(1)) picked.set(m.t.id, m);
			return [...picked.values()].map((m) => m.t);
		});
		return [first, ...leased.map((t) => ({ ...picked.get(t.id)!, t }))];
	}

	/** Members put back to wait (or due again at once); the leader's row is returned instead. */
	private putBack(first: Member, ms: Member[], wait?: { at: number; gating: string }): void {
		const { store } = this.o;
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
	}

	/**
	 * Reserves the batch's whole sequence, with fewer posts when that is what fits now: an account's
	 * cap, a window with room for fewer upload-URL requests, or a burst that should read the rate
	 * headers first. Only a smaller batch with fewer URL requests can fit a window the full one did
	 * not. `wait`: the earliest time a batch that waits for a window (not a smaller one) fits.
	 */
	private reserveShrinking(members: Member[], imagesPerRequest: number) {
		const key = members[0].t.key_name;
		const callsFor = (n: number) =>
			postfastCalls(members.slice(0, n), imagesPerRequest, this.now());
		const reserveFor = (n: number, calls = callsFor(n)) => ({
			...calls,
			result: this.o.budgets.reserve(key, calls.specs, { probe: n > 1 }),
		});
		let n = members.length;
		let plan = reserveFor(n);
		let wait: Refused | undefined;
		const waits = (r: ReserveResult) =>
			!r.ok && WAITS.includes(r.reason) && r.notBefore < (wait?.notBefore ?? Infinity);
		if (waits(plan.result)) wait = plan.result as Refused;
		while (!plan.result.ok && n > 1 && SHRINKS.includes(plan.result.reason)) {
			const before = plan;
			const calls = callsFor(--n);
			if (
				before.result.ok === false &&
				before.result.reason === 'window' &&
				calls.urlRequests.length >= before.urlRequests.length
			)
				continue;
			plan = reserveFor(n, calls);
			if (waits(plan.result)) wait = plan.result as Refused;
		}
		return { n, plan, wait };
	}

	/** Uploads every file of the live members; each file is stored as it lands. */
	private async upload(
		client: PostFastClient,
		urlRequests: UrlRequest[],
		r: Reservation,
		live: Set<Member>,
	): Promise<void> {
		const { store, budgets } = this.o;
		for (const [i, request] of urlRequests.entries()) {
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
				const put = await uploadProgress.track(
					{ itemId: m.item.id, name: m.item.name, target: m.t.label, service: 'postfast', file: file.name, total: file.size },
					(onProgress) =>
						client.putToS3(
							urls.value[j].signedUrl,
							join(m.item.work_dir, file.name),
							request.contentType,
							onProgress,
							file,
						),
				);
				if (!put.ok) {
					m.t = this.onFailure(m.item, m.t, put.error, `uploading ${file.name} to storage`);
					live.delete(m);
					continue;
				}
				m.work.media[f.index] = { key: urls.value[j].key, kind: file.kind };
				m.t = store.transition(m.t, 'uploading', {
					media: JSON.stringify({ service: 'postfast', items: m.work.media }),
				});
			}
		}
	}

	/** Stores each live member's part of the create (state `ready`); the others leave the batch. */
	private storeParts(live: Set<Member>, putBack: PutBack): void {
		for (const m of live) {
			if (m.t.state === 'ready') continue;
			if (m.post.media.some((_, k) => !m.work.media[k])) {
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
					items: m.work.media as Array<{ key: string; kind: 'image' | 'video' }>,
				},
				m.t.publish_at ?? undefined,
			);
			if ('late' in stored) {
				m.t = stored.late;
				live.delete(m);
				continue;
			}
			m.t = this.o.store.transition(m.t, 'ready', {
				request: JSON.stringify({ ...stored, index: 0 }),
				publish_at: stored.publishAt ?? null,
			});
		}
	}

	/** Sends the ready members' posts as one create; each settles on its own answer. */
	protected async createBatch(
		client: PostFastClient,
		members: Member[],
		putBack: PutBack,
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
		const reserved = budgets.reserve(members[0].t.key_name, [
			createCall(
				members.map((m, i) => ({
					...m,
					at: parts[i].scheduledAt ? Date.parse(parts[i].scheduledAt!) : m.work.at,
				})),
				now,
			),
		]);
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

	/** A PostFast target as a batch member. */
	protected member(item: ItemRow, post: PostRecord, t: TargetRow): Member {
		return { t, item, post, work: postfastWork(post, t) };
	}
}
