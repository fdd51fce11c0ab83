/**
 * Publish tracking: follows every accepted post until the service reports it published (URL, time)
 * or failed (its reason). Cheap by construction:
 * - one list call covers every due post of a key (PostSider: `GET /posts` over a date range,
 *   docs/postsider-api.md "Posts"; PostFast: `GET /social-posts` filtered by up to 50 ids,
 *   docs/postfast-api.md "Posts"); only a PostSider post in ERROR costs one more call (its reason),
 *   made right after the list call that saw it, budgets permitting;
 * - a post is first looked at just after its publish time, then backing off (1 min doubling to 6 h);
 * - the tracker spends at most `share` of every window its calls count in (its own log), and every
 *   call still goes through the key's budgets, so posting keeps the rest and no call meets a 429.
 */
import type { ApiResult } from '../api/http';
import { POSTFAST_ENDPOINTS } from '../api/postfast';
import { POSTSIDER_ENDPOINTS } from '../api/postsider';
import type { Budgets } from '../budget/budgets';
import { type CallSpec, observationOf } from '../budget/types';
import type { LimitTable, Service } from '../budget/limits';
import type { Logger } from '../log';
import type { TargetError } from '../item';
import type { ClientSet } from '../pipeline/worker';
import type { Store } from '../state/store';
import { type OutcomeRow, OutcomeStore } from './store';
import { refileItem } from './refile';

/** Default share of each rate window publish tracking may use. */
export const DEFAULT_TRACKING_SHARE = 0.05;
/** A PostSider range call covers posts due within this span of the earliest one. */
const RANGE_MS = 86_400_000;
/** PostFast's page maximum: ids per list call. */
const PF_IDS_PER_CALL = 50;

export interface OutcomeEvent {
	type: 'published' | 'publish-failed';
	item: string;
	name: string;
	target: string;
	service: Service;
	account: string;
	postId: string;
	url?: string;
	publishedAt?: string;
	reason?: string;
	folder?: string;
}

export interface TrackerOptions {
	store: Store;
	budgets: Budgets;
	clients: ClientSet;
	limitsFor(keyName: string): LimitTable | undefined;
	log: Logger;
	now(): number;
	/** Share of each window the tracker may spend (default 5%). */
	share?: number;
	/** First look this long after the publish time (default 30 s). */
	firstCheckMs?: number;
	onOutcome?(event: OutcomeEvent): void;
}

export class Tracker {
	readonly outcomes: OutcomeStore;
	private readonly share: number;
	/** Per key: do not call before this time (budget or share). */
	private readonly waitUntil = new Map<string, number>();

	constructor(private readonly o: TrackerOptions) {
		this.outcomes = new OutcomeStore(o.store.db, o.now, o.firstCheckMs);
		this.share = o.share ?? DEFAULT_TRACKING_SHARE;
	}

	/** Looks at every due post it may look at now; returns when to run again (or undefined: nothing tracked). */
	async tick(): Promise<number | undefined> {
		this.outcomes.enroll();
		const now = this.o.now();
		this.outcomes.prunePolls(now - 2 * 86_400_000);
		for (const key of this.outcomes.dueKeys()) {
			if ((this.waitUntil.get(key) ?? 0) > now) continue;
			// A few calls per tick per key at most; the share gate stops it sooner.
			for (let i = 0; i < 5; i++) {
				const rows = this.outcomes.due(key, 200);
				if (rows.length === 0) break;
				const done = await this.poll(key, rows);
				if (!done) break;
			}
		}
		return this.nextAt();
	}

	/** When the tracker has something to do next (newly accepted posts are enrolled first). */
	nextAt(): number | undefined {
		this.outcomes.enroll();
		const next = this.outcomes.nextCheckAt();
		if (next === undefined) return undefined;
		const now = this.o.now();
		const keys = this.outcomes.dueKeys();
		if (keys.length === 0) return next;
		// Keys due now but held back: the earliest time one of them may call.
		const held = Math.min(...keys.map((k) => this.waitUntil.get(k) ?? now));
		return Math.max(now, held);
	}

	/** One list call for a key's due posts. False when the share or the budget holds the key back. */
	private async poll(key: string, due: OutcomeRow[]): Promise<boolean> {
		const service = due[0].service;
		if (service === 'postsider') {
			const from = due[0].publish_at;
			const batch = due.filter((r) => r.publish_at <= from + RANGE_MS);
			const until = Math.max(...batch.map((r) => r.publish_at));
			const res = await this.call(key, service, POSTSIDER_ENDPOINTS.listPosts, () =>
				this.o.clients.postsider(key).listPosts({
					startDate: new Date(from - 60_000).toISOString(),
					endDate: new Date(until + 60_000).toISOString(),
				}),
			);
			if (res === 'held') return false;
			if (!res.ok) return this.failedCall(key, batch, res.error.message);
			const byId = new Map(res.value.posts.map((p) => [p.id, p]));
			const failed: OutcomeRow[] = [];
			for (const row of batch) {
				const p = byId.get(row.remote_id);
				if (p?.state === 'PUBLISHED')
					this.settle(row, 'published', {
						url: p.releaseURL,
						publishedAt: Date.parse(p.publishDate) || this.o.now(),
					});
				else if (p?.state === 'ERROR') failed.push(row);
				// Absent, QUEUE, APPROVAL, DRAFT: not final yet (back off).
				else this.outcomes.notYet(row);
			}
			// The list has no reason; the post itself does (its answer holds tokens: only `error` is
			// read). One call per failed post, outside the share (the list call already paid for the
			// look), so a busy share can never keep an ERROR post from being settled.
			for (const row of failed) {
				const one = await this.call(
					key,
					service,
					POSTSIDER_ENDPOINTS.getPost,
					() => this.o.clients.postsider(key).getPost(row.remote_id),
					{ share: false },
				);
				if (one === 'held') {
					// The key's budget is full: the post is known failed, its reason waits a back-off step.
					this.outcomes.notYet(row);
					continue;
				}
				const reason = one.ok
					? one.value.posts.find((x) => x.id === row.remote_id)?.error
					: undefined;
				this.settle(row, 'publish-failed', {
					reason: reason || 'PostSider reports the post as ERROR without a reason',
				});
			}
			return true;
		}
		const batch = due.slice(0, PF_IDS_PER_CALL);
		const res = await this.call(key, service, POSTFAST_ENDPOINTS.listPosts, () =>
			this.o.clients
				.postfast(key)
				.listPosts({ ids: batch.map((r) => r.remote_id), limit: PF_IDS_PER_CALL }),
		);
		if (res === 'held') return false;
		if (!res.ok) return this.failedCall(key, batch, res.error.message);
		const byId = new Map(res.value.data.map((p) => [p.id, p]));
		for (const row of batch) {
			const p = byId.get(row.remote_id);
			if (!p || p.status === 'SCHEDULED' || p.status === 'DRAFT') this.outcomes.notYet(row);
			else if (p.status === 'PUBLISHED')
				this.settle(row, 'published', {
					url: null,
					publishedAt: (p.publishedAt && Date.parse(p.publishedAt)) || this.o.now(),
				});
			else
				this.settle(row, 'publish-failed', {
					reason: p.lastError
						? `${p.lastError.message}${p.lastError.code ? ` (${p.lastError.code})` : ''}`
						: 'PostFast reports the post as FAILED without a reason',
				});
		}
		return true;
	}

	/** A list call that failed: its posts wait their next back-off step (the budgets handled a 429). */
	private failedCall(key: string, rows: OutcomeRow[], message: string): boolean {
		for (const r of rows) this.outcomes.notYet(r);
		this.o.log.log('warn', `publish tracking: ${key}: ${message}; trying again later`);
		return false;
	}

	/** Within the tracker's share and the key's budgets, sends one call; 'held' when it must wait. */
	private async call<T>(
		key: string,
		service: Service,
		endpoint: string,
		send: () => Promise<ApiResult<T>>,
		opts: { share: boolean } = { share: true },
	): Promise<ApiResult<T> | 'held'> {
		const now = this.o.now();
		const shareAt = opts.share ? this.shareFreeAt(key, service, endpoint, now) : now;
		if (shareAt > now) {
			this.waitUntil.set(key, shareAt);
			return 'held';
		}
		const spec: CallSpec = { service, endpoint };
		const r = this.o.budgets.reserve(key, [spec]);
		if (!r.ok) {
			this.waitUntil.set(key, Number.isFinite(r.notBefore) ? r.notBefore : now + 3_600_000);
			return 'held';
		}
		let result: ApiResult<T>;
		try {
			result = await send();
		} catch (err) {
			this.o.budgets.release(r.reservation);
			throw err;
		}
		this.o.budgets.record(r.reservation, 0, observationOf(result));
		this.outcomes.recordPoll(key);
		return result;
	}

	/** When the tracker's own calls leave room in every window this call counts in. */
	private shareFreeAt(key: string, service: Service, endpoint: string, now: number): number {
		const rules = (this.o.limitsFor(key)?.rules ?? []).filter(
			(r) =>
				r.service === service &&
				r.partition !== 'account' &&
				(!r.endpoints || r.endpoints.includes(endpoint)) &&
				!r.excludeEndpoints?.includes(endpoint) &&
				(!r.methods || r.methods.includes('GET')),
		);
		let at = now;
		for (const rule of rules) {
			const allowed = Math.max(1, Math.floor(rule.limit * this.share));
			const polls = this.outcomes.polls(key, now - rule.windowMs);
			if (polls.length >= allowed)
				at = Math.max(at, polls[polls.length - allowed] + rule.windowMs + 1);
		}
		return at;
	}

	private settle(
		row: OutcomeRow,
		state: 'published' | 'publish-failed',
		details: { url?: string | null; publishedAt?: number; reason?: string },
	): void {
		const { store, log } = this.o;
		const item = store.item(row.item_id);
		const target = store.target(row.target_id);
		if (!item || !target) return;
		const service = row.service === 'postsider' ? 'PostSider' : 'PostFast';
		const error: TargetError | undefined =
			state === 'publish-failed'
				? {
						message: `${service} accepted the post (id ${row.remote_id}) but could not publish it on ${target.platform}: ${details.reason}`,
						fix: `Fix what ${service} names (the account's connection, the content), then run "postspool retry ${item.id}": a new post is created for this target.`,
						service: row.service,
						path: `$.targets.${target.idx}`,
					}
				: undefined;
		const moved = store.db
			.transaction(() => {
				if (
					!store.force(
						row.target_id,
						['confirmed'],
						state,
						error ? { error: JSON.stringify(error) } : {},
					)
				)
					return false;
				this.outcomes.settle(row.target_id, state, {
					url: details.url,
					publishedAt: details.publishedAt,
					reason: details.reason,
				});
				store.event(
					item.id,
					target.id,
					state === 'published' ? 'info' : 'error',
					state === 'published'
						? `${item.name} → ${target.label}: published${details.url ? ` at ${details.url}` : ''}`
						: `${item.name} → ${target.label}: ${error!.message} — ${error!.fix}`,
				);
				return true;
			})
			.immediate();
		if (!moved) {
			// Cancelled or re-sent meanwhile: nothing to follow any more.
			this.outcomes.forget(row.target_id);
			return;
		}
		const folder = refileItem(store, item.id, this.o.now());
		log.log(
			state === 'published' ? 'info' : 'error',
			state === 'published'
				? `${item.name} → ${target.label}: published${details.url ? ` (${details.url})` : ''}`
				: `${item.name} → ${target.label}: publish failed: ${details.reason}`,
			{ item: item.id, postId: row.remote_id, ...(folder ? { folder } : {}) },
		);
		this.o.onOutcome?.({
			type: state,
			item: item.id,
			name: item.name,
			target: target.label,
			service: row.service,
			account: row.account_id,
			postId: row.remote_id,
			...(details.url ? { url: details.url } : {}),
			...(details.publishedAt ? { publishedAt: new Date(details.publishedAt).toISOString() } : {}),
			...(details.reason ? { reason: details.reason } : {}),
			...(folder ? { folder } : {}),
		});
	}
}
