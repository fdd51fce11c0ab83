/**
 * Persisted multi-window rate budgets per API key (daemon-anchors.md §4.4), in the daemon's SQLite
 * database. The daemon owns the database file and calls `Budgets.migrate(db)`.
 *
 * Life of a call: `reserve` (every window the call touches, for a whole multi-call sequence, in one
 * transaction) → send → `record` (the hit is anchored at response arrival; rate headers teach us
 * about other clients of the key; a 429 freezes the key) — or `release` for calls never sent.
 */
import { randomUUID } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import type { ApiResult } from '../api/http';
import { type HeaderBag, getHeader, retryAfterFromHeaders } from '../../../contract/errors';
import { type BudgetRule, KNOWN_ENDPOINTS, type LimitTable, type Service } from './limits';
import {
	type LogState,
	accountFits,
	activeAt,
	earliestAccountFit,
	earliestFit,
	insertSorted,
} from './window';

type Db = BetterSqlite3.Database;

export interface CallSpec {
	service: Service;
	/** Endpoint id as the clients name it (`POST /social-posts`, `DELETE /posts/:id`). */
	endpoint: string;
	/**
	 * Posts this call publishes, for per-account caps (one entry per post). `publishAt` (epoch ms)
	 * anchors the post at its scheduled time; without it the post counts at send time.
	 */
	accounts?: Array<{ id: string; platform: string; publishAt?: number }>;
}

export interface Reservation {
	id: string;
	keyId: string;
	calls: CallSpec[];
	reservedAt: number;
}

export type ReserveResult =
	| { ok: true; reservation: Reservation }
	| {
			ok: false;
			/** Ask again at this time (epoch ms; Infinity when the calls can never fit as given). */
			notBefore: number;
			/** The budget that holds the call back, in words. */
			gating: string;
			/**
			 * `probe`: the calls fit, but as a burst in the paced tail of a window whose rate headers
			 * were last read long ago; send fewer calls first (their answer shows what any other client
			 * of the key spent meanwhile). Only asked for with `{ probe: true }`.
			 */
			reason: 'window' | 'frozen' | 'in-flight' | 'account-cap' | 'impossible' | 'probe';
			/** For `window`: the log that holds the calls back (see `bucketsOf`). */
			bucket?: string;
			/** For `account-cap` with fixed publish times: the earliest publish time that fits. */
			publishNotBefore?: number;
	  };

export interface Observation {
	receivedAt: number;
	/** HTTP status; 0 when no response arrived (count it at the moment the client gave up). */
	status: number;
	headers: HeaderBag;
	/** From the normalised error, when the caller has it (includes PostSider's body `retryAfter`). */
	retryAfterMs?: number;
}

/** What `record` needs from a client result: `budgets.record(r, i, observationOf(result))`. */
export function observationOf(result: ApiResult<unknown>): Observation {
	if (result.ok)
		return { receivedAt: result.receivedAt, status: result.status, headers: result.headers };
	return {
		receivedAt: result.receivedAt,
		status: result.error.status,
		headers: result.headers,
		...(result.error.retryAfterMs !== undefined ? { retryAfterMs: result.error.retryAfterMs } : {}),
	};
}

export interface WindowStatus {
	/** Database id of the log: rule id, plus `@endpoint` or `@account` for partitioned rules. */
	bucket: string;
	rule: string;
	label: string;
	service: Service;
	endpoint?: string;
	account?: string;
	limit: number;
	/** Limit in force after learned values, reserves and headroom. */
	effectiveLimit: number;
	windowMs: number;
	/** Answered calls inside the window (ours plus other clients' seen through headers). */
	used: number;
	/** Calls reserved but not answered yet. */
	inFlight: number;
	/** Of `used`, hits learned from headers: another client shares the key. */
	external: number;
	remaining: number;
	/** When the next call fits (now if it fits now). */
	nextFreeAt: number;
	frozenUntil?: number;
}

export interface BudgetsOptions {
	now(): number;
	limits: LimitTable;
	/** Per-key tables (a key on another PostFast profile or PostSider API_LIMIT). */
	limitsForKey?(keyId: string): LimitTable | undefined;
	/** Milliseconds added to every window. Default 0: receive-anchoring is exact (§4.3). */
	marginMs?: number;
	/** Slots held back in every window. Default 0. */
	marginSlots?: number;
	/**
	 * Tail pacing of long windows, so that another client of the key (the n8n node, a script) still
	 * finds room and is noticed through the rate headers before the window is spent: a window of at
	 * least `minWindowMs` is used freely up to `tailFraction` of its capacity, and the rest is spread
	 * over the last (1 − tailFraction) of the window, when the headers have shown what the other
	 * client spends. Alone on the key, the whole window is still spent within its length.
	 * `false` turns it off. Default { tailFraction: 0.76, minWindowMs: 1 h }: room for a client spending up
	 * to 24% of a window.
	 */
	pacing?: { tailFraction: number; minWindowMs: number } | false;
	/** Default freeze after a 429 without any Retry-After. Default 60 s. */
	freezeFallbackMs?: number;
	/** In the planner: assumed time from send to response. Default 1 s. */
	assumedLatencyMs?: number;
	/** When in-flight calls hold a window: how long to wait before asking again. Default 1 s. */
	inFlightRetryMs?: number;
	/**
	 * Settle calls a previous process left in flight as answered now (default true). Only the process
	 * that sends the calls may do this: pass false for read-only views of a live database, or they
	 * would anchor a running daemon's in-flight calls too early.
	 */
	recoverInFlight?: boolean;
}

interface Need {
	rule: BudgetRule;
	bucket: string;
	/** Calls (API windows) or posts (account caps). */
	units: number;
	/** Account caps: the post's anchor per unit (undefined = send time). */
	anchors: Array<number | undefined>;
	callIndexes: number[];
}

const SCHEMA_VERSION = 1;

/** The log a call counts in: one per rule, or per endpoint for rules kept per endpoint. */
/** How long a share learned from a 429 of an unreported window holds. */
const HIDDEN_LEARNED_MS = 86_400_000;

function bucketOf(rule: BudgetRule, endpoint: string): string {
	if (rule.partition !== 'endpoint' || rule.endpoints?.length === 1) return rule.id;
	return `${rule.id}@${endpoint}`;
}

export class Budgets {
	/** Creates the limiter's tables in the daemon's database (idempotent). */
	static migrate(db: Db): void {
		db.exec(`
			CREATE TABLE IF NOT EXISTS budget_events (
				id INTEGER PRIMARY KEY,
				key_id TEXT NOT NULL,
				bucket TEXT NOT NULL,
				-- response-arrival time of a finished call; NULL while the call is in flight.
				-- For per-account caps: the post's anchor (publish time, or send time).
				at INTEGER,
				kind TEXT NOT NULL CHECK (kind IN ('pending', 'hit', 'external')),
				reservation TEXT,
				call_index INTEGER,
				-- 1 when 'at' is a fixed publish time rather than the send/receive time
				fixed_anchor INTEGER NOT NULL DEFAULT 0
			);
			CREATE INDEX IF NOT EXISTS budget_events_bucket ON budget_events (key_id, bucket, at);
			CREATE INDEX IF NOT EXISTS budget_events_reservation ON budget_events (reservation, call_index);
			CREATE TABLE IF NOT EXISTS budget_freezes (
				key_id TEXT PRIMARY KEY,
				until INTEGER NOT NULL,
				reason TEXT NOT NULL,
				set_at INTEGER NOT NULL
			);
			CREATE TABLE IF NOT EXISTS budget_learned (
				key_id TEXT NOT NULL,
				bucket TEXT NOT NULL,
				limit_value INTEGER,
				observed_at INTEGER NOT NULL,
				PRIMARY KEY (key_id, bucket)
			);
			CREATE TABLE IF NOT EXISTS budget_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
			INSERT OR IGNORE INTO budget_meta (name, value) VALUES ('schema_version', '${SCHEMA_VERSION}');
		`);
	}

	private readonly db: Db;
	private readonly opts: Required<
		Omit<BudgetsOptions, 'limitsForKey' | 'pacing' | 'recoverInFlight'>
	> &
		Pick<BudgetsOptions, 'limitsForKey' | 'pacing'>;
	private readonly stmt: ReturnType<Budgets['prepare']>;
	private recordsSincePrune = 0;

	constructor(db: Db, opts: BudgetsOptions) {
		this.db = db;
		this.opts = {
			marginMs: 0,
			marginSlots: 0,
			freezeFallbackMs: 60_000,
			assumedLatencyMs: 1_000,
			inFlightRetryMs: 1_000,
			...opts,
			pacing:
				opts.pacing === undefined ? { tailFraction: 0.76, minWindowMs: 3_600_000 } : opts.pacing,
		};
		Budgets.migrate(db);
		this.stmt = this.prepare();
		// Calls left in flight by a previous process may have reached the server at any time up to
		// now: count them as answered now, the latest (so safest) anchor.
		if (opts.recoverInFlight !== false) this.stmt.recoverPending.run(this.opts.now());
	}

	private prepare() {
		const db = this.db;
		return {
			recoverPending: db.prepare(
				`UPDATE budget_events SET at = COALESCE(CASE WHEN fixed_anchor = 1 THEN at END, ?), kind = 'hit', reservation = NULL WHERE kind = 'pending'`,
			),
			load: db.prepare<[string, string, number], { at: number | null; kind: string }>(
				`SELECT at, kind FROM budget_events WHERE key_id = ? AND bucket = ? AND (at IS NULL OR at > ?) ORDER BY at`,
			),
			insert: db.prepare(
				`INSERT INTO budget_events (key_id, bucket, at, kind, reservation, call_index, fixed_anchor) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			),
			pendingOf: db.prepare<
				[string, number],
				{ id: number; bucket: string; at: number | null; fixed_anchor: number }
			>(
				`SELECT id, bucket, at, fixed_anchor FROM budget_events WHERE reservation = ? AND call_index = ? AND kind = 'pending'`,
			),
			finish: db.prepare(
				`UPDATE budget_events SET at = ?, kind = 'hit', reservation = NULL WHERE id = ?`,
			),
			remove: db.prepare(`DELETE FROM budget_events WHERE id = ?`),
			release: db.prepare(`DELETE FROM budget_events WHERE reservation = ? AND kind = 'pending'`),
			freezeGet: db.prepare<[string], { until: number; reason: string }>(
				`SELECT until, reason FROM budget_freezes WHERE key_id = ?`,
			),
			freezeSet: db.prepare(
				`INSERT INTO budget_freezes (key_id, until, reason, set_at) VALUES (?, ?, ?, ?)
				 ON CONFLICT (key_id) DO UPDATE SET until = excluded.until, reason = excluded.reason, set_at = excluded.set_at
				 WHERE excluded.until > budget_freezes.until`,
			),
			learnedGet: db.prepare<[string, string], { limit_value: number | null; observed_at: number }>(
				`SELECT limit_value, observed_at FROM budget_learned WHERE key_id = ? AND bucket = ?`,
			),
			learnedDelete: db.prepare(`DELETE FROM budget_learned WHERE key_id = ? AND bucket = ?`),
			learnedSet: db.prepare(
				`INSERT INTO budget_learned (key_id, bucket, limit_value, observed_at) VALUES (?, ?, ?, ?)
				 ON CONFLICT (key_id, bucket) DO UPDATE SET
				   limit_value = CASE WHEN excluded.limit_value IS NULL THEN budget_learned.limit_value
				                      WHEN budget_learned.limit_value IS NULL THEN excluded.limit_value
				                      ELSE MIN(budget_learned.limit_value, excluded.limit_value) END,
				   observed_at = MAX(budget_learned.observed_at, excluded.observed_at)`,
			),
			buckets: db.prepare<[string], { bucket: string }>(
				`SELECT DISTINCT bucket FROM budget_events WHERE key_id = ?`,
			),
			prune: db.prepare(`DELETE FROM budget_events WHERE kind != 'pending' AND at < ?`),
		};
	}

	// ---------------------------------------------------------------- rules and buckets

	private table(keyId: string): LimitTable {
		return this.opts.limitsForKey?.(keyId) ?? this.opts.limits;
	}

	private windowOf(rule: BudgetRule): number {
		return rule.partition === 'account' ? rule.windowMs : rule.windowMs + this.opts.marginMs;
	}

	/** The rules one call touches. */
	private rulesFor(keyId: string, call: CallSpec): BudgetRule[] {
		const method = call.endpoint.split(' ')[0];
		const rules = this.table(keyId).rules.filter(
			(r) =>
				r.service === call.service &&
				(!r.endpoints || r.endpoints.includes(call.endpoint)) &&
				!r.excludeEndpoints?.includes(call.endpoint) &&
				(!r.methods || r.methods.includes(method)),
		);
		if (rules.length === 0 && !KNOWN_ENDPOINTS[call.service].includes(call.endpoint)) {
			throw new Error(
				`Budgets: no rate rule covers ${call.service} "${call.endpoint}"; name endpoints as the API clients do (e.g. "POST /social-posts").`,
			);
		}
		return rules;
	}

	/**
	 * The tail-pacing fraction for a rule, if it is paced. Not once a 429 taught our share of a window
	 * the server never reports: the share already leaves the other client its part, and pacing
	 * would only leave slots unused.
	 */
	private tailOf(rule: BudgetRule, keyId?: string, bucket?: string): number | undefined {
		const pacing = this.opts.pacing;
		if (!pacing || rule.partition === 'account' || rule.windowMs < pacing.minWindowMs)
			return undefined;
		if (
			rule.header === undefined &&
			keyId &&
			bucket &&
			this.hiddenShare(keyId, bucket) !== undefined
		)
			return undefined;
		return pacing.tailFraction;
	}

	/** Our share of an unreported window, learned from its 429; it holds for a day (learnHidden). */
	private hiddenShare(keyId: string, bucket: string, now = this.opts.now()): number | undefined {
		const learned = this.stmt.learnedGet.get(keyId, bucket);
		return learned?.limit_value != null && now - learned.observed_at <= HIDDEN_LEARNED_MS
			? learned.limit_value
			: undefined;
	}

	private needsFor(keyId: string, calls: CallSpec[]): Need[] {
		const needs = new Map<string, Need>();
		calls.forEach((call, index) => {
			for (const rule of this.rulesFor(keyId, call)) {
				if (rule.partition === 'account') {
					const platforms = (rule.platforms ?? []).map((p) => p.toUpperCase());
					for (const a of call.accounts ?? []) {
						if (platforms.length > 0 && !platforms.includes(a.platform.toUpperCase())) continue;
						const bucket = `${rule.id}@${a.id}`;
						const need = needs.get(bucket) ?? {
							rule,
							bucket,
							units: 0,
							anchors: [],
							callIndexes: [],
						};
						need.units++;
						need.anchors.push(a.publishAt);
						need.callIndexes.push(index);
						needs.set(bucket, need);
					}
					continue;
				}
				const bucket = bucketOf(rule, call.endpoint);
				const need = needs.get(bucket) ?? { rule, bucket, units: 0, anchors: [], callIndexes: [] };
				need.units++;
				need.anchors.push(undefined);
				need.callIndexes.push(index);
				needs.set(bucket, need);
			}
		});
		return [...needs.values()];
	}

	private isAccountBucket(keyId: string, bucket: string): boolean {
		const ruleId = bucket.split('@')[0];
		return this.table(keyId).rules.some((r) => r.id === ruleId && r.partition === 'account');
	}

	private loadLog(
		keyId: string,
		bucket: string,
		windowMs: number,
		now: number,
	): LogState & { external: number } {
		const rows = this.stmt.load.all(keyId, bucket, now - windowMs);
		const state = { hits: [] as number[], inFlight: 0, external: 0 };
		for (const row of rows) {
			if (row.at === null) state.inFlight++;
			else state.hits.push(row.at);
			if (row.kind === 'external') state.external++;
		}
		return state;
	}

	/** The capacity in force: published limit, lowered by learned limits, reserves and headroom. */
	private capacity(
		keyId: string,
		rule: BudgetRule,
		bucket: string,
		log: LogState & { external: number },
		now: number,
		units = 1,
	): number {
		let limit = rule.limit;
		const learned = rule.header !== undefined ? this.stmt.learnedGet.get(keyId, bucket) : undefined;
		const learnedLimit =
			rule.header !== undefined ? learned?.limit_value : this.hiddenShare(keyId, bucket, now);
		if (learnedLimit != null) limit = Math.min(limit, learnedLimit);
		limit -= (rule.reserve ?? 0) + (rule.partition === 'account' ? 0 : this.opts.marginSlots);
		if (log.external > 0 && learned) {
			// Another client spends this window (§4.4 point 5). Keep room for what it has sent since we
			// last looked and will send until the window starts to free up, at the rate it showed
			// between the start of our log and our last look (at least a quarter window, so a burst
			// seen at once is not taken for a storm), plus one. Never below `units`: a full window
			// then waits for its hits to leave.
			const W = this.windowOf(rule);
			const oldest = log.hits.find((h) => h + W > now) ?? now;
			const rate = log.external / Math.max(learned.observed_at - oldest, W / 4);
			const horizon = Math.max(0, now - learned.observed_at) + Math.max(0, oldest + W - now);
			// The other client's calls arrive at random: its expected count plus two standard
			// deviations (Poisson), plus one.
			const expected = rate * horizon;
			const headroom = Math.ceil(expected + 2 * Math.sqrt(expected)) + 1;
			limit = Math.max(limit - headroom, Math.min(limit, units));
		}
		return limit;
	}

	// ---------------------------------------------------------------- reserve / record / release

	/**
	 * Reserves a slot in every window the calls touch, as one transaction. The calls may then be
	 * sent one after another (their slots stay held until `record`), or given back with `release`.
	 */
	reserve(keyId: string, calls: CallSpec[], opts: { probe?: boolean } = {}): ReserveResult {
		return this.db
			.transaction((): ReserveResult => {
				const now = this.opts.now();
				const frozen = this.stmt.freezeGet.get(keyId);
				let notBefore = now;
				let gating = '';
				let bucket: string | undefined;
				let reason: 'window' | 'frozen' | 'in-flight' = 'window';
				if (frozen && frozen.until > now) {
					notBefore = frozen.until;
					gating = `key frozen after a 429 (${frozen.reason})`;
					reason = 'frozen';
				}
				const needs = this.needsFor(keyId, calls);
				const plans: Array<{ need: Need; anchors: number[] }> = [];
				for (const need of needs) {
					const W = this.windowOf(need.rule);
					if (need.rule.partition === 'account') {
						if (need.units > need.rule.limit) {
							return {
								ok: false,
								notBefore: Number.POSITIVE_INFINITY,
								gating: `${need.rule.label}: one request carries ${need.units} posts for account ${need.bucket.split('@')[1]}; split them over several requests`,
								reason: 'impossible',
							};
						}
						const fixed = need.anchors.filter((a): a is number => a !== undefined);
						const lower = Math.min(now, ...fixed) - W;
						const posts = this.loadLog(keyId, need.bucket, W, lower).hits;
						const anchors: number[] = [];
						for (const a of need.anchors) {
							if (a !== undefined) {
								if (!accountFits(posts, need.rule.limit, W, a)) {
									return {
										ok: false,
										notBefore: now,
										gating: `${need.rule.label}: account ${need.bucket.split('@')[1]} is full at the requested publish time`,
										reason: 'account-cap',
										publishNotBefore: earliestAccountFit(posts, need.rule.limit, W, a),
									};
								}
								insertSorted(posts, a);
								anchors.push(a);
							} else {
								const at = earliestAccountFit(posts, need.rule.limit, W, now);
								if (at > notBefore) {
									notBefore = at;
									gating = `${need.rule.label}: account ${need.bucket.split('@')[1]}`;
									reason = 'window';
								}
								insertSorted(posts, Math.max(at, now));
								anchors.push(Number.NaN);
							}
						}
						plans.push({ need, anchors });
						continue;
					}
					const log = this.loadLog(keyId, need.bucket, W, now);
					const cap = this.capacity(keyId, need.rule, need.bucket, log, now, need.units);
					const fit = earliestFit(
						log,
						cap,
						W,
						need.units,
						now,
						this.tailOf(need.rule, keyId, need.bucket),
					);
					if (fit.kind === 'impossible') {
						return {
							ok: false,
							notBefore: Number.POSITIVE_INFINITY,
							gating: `${need.rule.label}: ${need.units} calls can never fit a window of ${Math.max(0, cap)}; split the work into smaller sequences`,
							reason: 'impossible',
						};
					}
					if (fit.kind === 'in-flight') {
						const at = now + this.opts.inFlightRetryMs;
						if (at > notBefore) {
							notBefore = at;
							gating = `${need.rule.label}: waiting for ${log.inFlight} call(s) in flight`;
							reason = 'in-flight';
						}
					} else if (fit.at > notBefore) {
						notBefore = fit.at;
						gating = need.rule.label;
						reason = 'window';
						bucket = need.bucket;
					} else if (opts.probe && this.staleTailBurst(keyId, need, log, cap, fit.at)) {
						return {
							ok: false,
							notBefore: now,
							gating: `${need.rule.label}: ${need.units} calls at once in the paced tail; fewer first, to read what other clients spent`,
							reason: 'probe',
						};
					}
					plans.push({ need, anchors: [] });
				}
				if (notBefore > now)
					return {
						ok: false,
						notBefore,
						gating,
						reason,
						...(reason === 'window' ? { bucket } : {}),
					};

				const reservation: Reservation = { id: randomUUID(), keyId, calls, reservedAt: now };
				for (const { need, anchors } of plans) {
					need.callIndexes.forEach((callIndex, i) => {
						if (need.rule.partition === 'account') {
							const fixed = !Number.isNaN(anchors[i]);
							this.stmt.insert.run(
								keyId,
								need.bucket,
								fixed ? anchors[i] : now,
								'pending',
								reservation.id,
								callIndex,
								fixed ? 1 : 0,
							);
						} else {
							this.stmt.insert.run(
								keyId,
								need.bucket,
								null,
								'pending',
								reservation.id,
								callIndex,
								0,
							);
						}
					});
				}
				return { ok: true, reservation };
			})
			.immediate();
	}

	/**
	 * A burst of several calls into the paced tail of a learnable window (§4.4 point 5) whose rate
	 * headers were last read more than a quarter of the tail ago: another client may have spent the
	 * tail meanwhile, unseen.
	 */
	private staleTailBurst(
		keyId: string,
		need: Need,
		log: LogState,
		cap: number,
		at: number,
	): boolean {
		const tail = this.tailOf(need.rule, keyId, need.bucket);
		if (need.units < 2 || tail === undefined || need.rule.header === undefined) return false;
		const W = this.windowOf(need.rule);
		const active = log.inFlight + activeAt(log.hits, W, at);
		if (active + need.units <= Math.floor(cap * tail)) return false;
		const seen = this.stmt.learnedGet.get(keyId, need.bucket)?.observed_at;
		return seen === undefined || at - seen > (W * (1 - tail)) / 4;
	}

	/** The logs (windows) these calls count in, account caps aside. */
	bucketsOf(keyId: string, calls: CallSpec[]): string[] {
		return this.needsFor(keyId, calls)
			.filter((n) => n.rule.partition !== 'account')
			.map((n) => n.bucket);
	}

	/**
	 * Records the answer (or the give-up) of call `callIndex` of a reservation: the hit is anchored at
	 * `receivedAt`; rate headers lower local capacity when another client shares the key; a 429
	 * freezes the key until its Retry-After.
	 */
	record(reservation: Reservation, callIndex: number, observation: Observation): void {
		this.db.transaction(() => {
			const { keyId } = reservation;
			const call = reservation.calls[callIndex];
			if (!call)
				throw new Error(`Budgets.record: reservation ${reservation.id} has no call ${callIndex}.`);
			const status = observation.status;
			for (const row of this.stmt.pendingOf.all(reservation.id, callIndex)) {
				if (this.isAccountBucket(keyId, row.bucket)) {
					// A refused create published nothing; anything else may have.
					if (status >= 400 && status < 500) this.stmt.remove.run(row.id);
					else
						this.stmt.finish.run(row.fixed_anchor === 1 ? row.at : observation.receivedAt, row.id);
				} else {
					this.stmt.finish.run(observation.receivedAt, row.id);
				}
			}
			this.learn(keyId, call, observation);
			if (status === 429) this.freeze(keyId, call, observation);
			if (++this.recordsSincePrune >= 200) this.prune();
		})();
	}

	/** Counts a call made without a reservation (a doctor check, a one-off) as answered. */
	recordUnreserved(keyId: string, call: CallSpec, observation: Observation): void {
		this.db.transaction(() => {
			for (const need of this.needsFor(keyId, [call])) {
				for (const anchor of need.anchors) {
					this.stmt.insert.run(
						keyId,
						need.bucket,
						anchor ?? observation.receivedAt,
						'hit',
						null,
						null,
						anchor === undefined ? 0 : 1,
					);
				}
			}
			this.learn(keyId, call, observation);
			if (observation.status === 429) this.freeze(keyId, call, observation);
		})();
	}

	/** Gives back the slots of calls that were never sent. Calls already sent must be `record`ed first. */
	release(reservation: Reservation): void {
		this.stmt.release.run(reservation.id);
	}

	/** The key's freeze, if one is in force. */
	frozenUntil(keyId: string): { until: number; reason: string } | undefined {
		const frozen = this.stmt.freezeGet.get(keyId);
		return frozen && frozen.until > this.opts.now() ? frozen : undefined;
	}

	private learn(keyId: string, call: CallSpec, observation: Observation): void {
		if (observation.status === 0) return;
		const now = observation.receivedAt;
		for (const [suffix, rule] of this.headerRules(keyId, call)) {
			const name = suffix === '' ? '' : `-${suffix}`;
			const limitRaw = getHeader(observation.headers, `x-ratelimit-limit${name}`);
			const remainingRaw = getHeader(observation.headers, `x-ratelimit-remaining${name}`);
			if (remainingRaw === undefined) continue;
			const remaining = Number(remainingRaw);
			const serverLimit = limitRaw === undefined ? rule.limit : Number(limitRaw);
			if (!Number.isFinite(remaining) || !Number.isFinite(serverLimit)) continue;
			const bucket = bucketOf(rule, call.endpoint);
			// Only ever downwards: a server limit below ours wins; a higher one is ignored.
			this.stmt.learnedSet.run(keyId, bucket, serverLimit < rule.limit ? serverLimit : null, now);
			const serverUsed = serverLimit - remaining;
			const log = this.loadLog(keyId, bucket, this.windowOf(rule), now);
			// In-flight calls may already be counted by the server: comparing without them would
			// mistake our own calls for another client's.
			const localUsed = log.hits.length + log.inFlight;
			for (let i = localUsed; i < serverUsed; i++) {
				this.stmt.insert.run(keyId, bucket, now, 'external', null, null, 0);
			}
		}
	}

	/**
	 * The rule each rate-header suffix describes for this call: the endpoint's own rule for that
	 * window when it has one (its header carries the endpoint's value), else the default one.
	 */
	private headerRules(keyId: string, call: CallSpec): Map<string, BudgetRule> {
		const byHeader = new Map<string, BudgetRule>();
		for (const rule of this.rulesFor(keyId, call)) {
			if (rule.header === undefined || rule.partition === 'account') continue;
			const current = byHeader.get(rule.header);
			if (!current || (rule.endpoints && !current.endpoints)) byHeader.set(rule.header, rule);
		}
		return byHeader;
	}

	private freeze(keyId: string, call: CallSpec, observation: Observation): void {
		const retry = retryAfterFromHeaders(observation.headers);
		const ms = Math.max(retry.ms ?? 0, observation.retryAfterMs ?? 0) || this.opts.freezeFallbackMs;
		// One more second: the server rounds its seconds up, our clock may lag its clock.
		const until = observation.receivedAt + ms + 1_000;
		const byHeader = this.headerRules(keyId, call);
		let named: BudgetRule[];
		if (retry.windows.length > 0) named = retry.windows.flatMap((w) => byHeader.get(w) ?? []);
		else if (getHeader(observation.headers, 'x-ratelimit-remaining') !== undefined)
			named = byHeader.has('') ? [byHeader.get('')!] : [];
		else {
			// PostSider's hourly throttler answers 429 without X-RateLimit-* headers (postsider-api.md §4.3),
			// blocking the handler for its whole window from the breach: only a Retry-After that long
			// says the window is full. A short one (a proxy, a brief overload) only freezes the key.
			named = this.rulesFor(keyId, call).filter(
				(r) => r.header === undefined && r.partition !== 'account' && ms >= r.windowMs / 2,
			);
		}
		const reason = `${call.service} ${call.endpoint} answered 429${
			retry.windows.length > 0 ? ` (window ${retry.windows.join(', ')})` : ''
		}`;
		this.stmt.freezeSet.run(keyId, until, reason, observation.receivedAt);
		// The server says the window is spent: fill the local log so it agrees after the freeze.
		for (const rule of named) {
			const bucket = bucketOf(rule, call.endpoint);
			const log = this.loadLog(keyId, bucket, this.windowOf(rule), observation.receivedAt);
			if (rule.header === undefined) this.learnHidden(keyId, rule, bucket, log, observation);
			for (let i = log.hits.length + log.inFlight; i < rule.limit; i++) {
				this.stmt.insert.run(keyId, bucket, observation.receivedAt, 'external', null, null, 0);
			}
		}
	}

	/**
	 * A 429 from a window the server never reports is the only sign that another client spends it.
	 * The server counted `limit` where we counted `ours`; the rest is the other client's, sent over
	 * the part of the window our log covers. From now on keep to what its pace leaves, less one (at
	 * exactly the limit, the other client's next call would break the window and block it for both),
	 * for a day: a later 429 lowers it again, and after a day without one the whole window is ours
	 * to try again.
	 */
	private learnHidden(
		keyId: string,
		rule: BudgetRule,
		bucket: string,
		log: LogState & { external: number },
		observation: Observation,
	): void {
		const W = this.windowOf(rule);
		// Our calls the server let through: the refused one is already in the log; calls reserved
		// but not sent yet (the rest of its sequence) never reached it.
		const ours = log.hits.length - log.external - 1;
		const other = Math.max(0, rule.limit - ours);
		const covered = Math.max(
			W / 4,
			observation.receivedAt - (log.hits[0] ?? observation.receivedAt),
		);
		const perWindow = Math.ceil((other * W) / Math.min(W, covered));
		const share = Math.max(1, rule.limit - perWindow - 1);
		const prev = this.stmt.learnedGet.get(keyId, bucket);
		if (prev && observation.receivedAt - prev.observed_at > HIDDEN_LEARNED_MS)
			this.stmt.learnedDelete.run(keyId, bucket);
		this.stmt.learnedSet.run(keyId, bucket, share, observation.receivedAt);
	}

	private prune(): void {
		this.recordsSincePrune = 0;
		// Per-key tables may differ; no window is longer than a day in either service.
		let longest = 86_400_000;
		for (const r of this.opts.limits.rules) longest = Math.max(longest, r.windowMs);
		this.stmt.prune.run(this.opts.now() - longest - this.opts.marginMs - 1);
	}

	// ---------------------------------------------------------------- status and planning

	/** Every budget of a key: used, in flight, remaining and next-free time per window. */
	status(keyId: string, service?: Service): WindowStatus[] {
		const now = this.opts.now();
		const frozen = this.frozenUntil(keyId);
		const withEvents = new Set(this.stmt.buckets.all(keyId).map((r) => r.bucket));
		const services: Service[] = service
			? [service]
			: (['postsider', 'postfast'] as Service[]).filter((s) =>
					[...withEvents].some((b) => b.startsWith(`${s}:`)),
				);
		const out: WindowStatus[] = [];
		for (const s of services) {
			for (const endpoint of KNOWN_ENDPOINTS[s]) {
				for (const need of this.needsFor(keyId, [{ service: s, endpoint }])) {
					if (out.some((o) => o.bucket === need.bucket)) continue;
					const explicit = need.rule.partition === 'shared' || need.rule.endpoints !== undefined;
					if (!explicit && !withEvents.has(need.bucket)) continue;
					out.push(this.describe(keyId, need.rule, need.bucket, now, frozen?.until, endpoint));
				}
			}
			for (const bucket of withEvents) {
				const [ruleId, account] = bucket.split('@');
				const rule = this.table(keyId).rules.find(
					(r) => r.id === ruleId && r.partition === 'account',
				);
				if (rule && rule.service === s)
					out.push(this.describe(keyId, rule, bucket, now, frozen?.until, undefined, account));
			}
		}
		return out;
	}

	private describe(
		keyId: string,
		rule: BudgetRule,
		bucket: string,
		now: number,
		frozenUntil: number | undefined,
		endpoint?: string,
		account?: string,
	): WindowStatus {
		const W = this.windowOf(rule);
		const log = this.loadLog(keyId, bucket, W, now);
		const used = log.hits.filter((h) => h > now - W && h <= now).length;
		const cap =
			rule.partition === 'account' ? rule.limit : this.capacity(keyId, rule, bucket, log, now);
		let nextFreeAt: number;
		if (rule.partition === 'account') nextFreeAt = earliestAccountFit(log.hits, rule.limit, W, now);
		else {
			const fit = earliestFit(log, cap, W, 1, now, this.tailOf(rule, keyId, bucket));
			nextFreeAt =
				fit.kind === 'at'
					? fit.at
					: fit.kind === 'in-flight'
						? now + this.opts.inFlightRetryMs
						: Number.POSITIVE_INFINITY;
		}
		if (frozenUntil !== undefined) nextFreeAt = Math.max(nextFreeAt, frozenUntil);
		return {
			bucket,
			rule: rule.id,
			label: rule.label,
			service: rule.service,
			...(rule.partition === 'endpoint' && endpoint ? { endpoint } : {}),
			...(account ? { account } : {}),
			limit: rule.limit,
			effectiveLimit: cap,
			windowMs: rule.windowMs,
			used,
			inFlight: log.inFlight,
			external: log.external,
			remaining: Math.max(0, cap - used - log.inFlight),
			nextFreeAt,
			...(frozenUntil !== undefined ? { frozenUntil } : {}),
		};
	}

	/**
	 * Send times for a queue of call sequences, by simulating the limiter forward from the current
	 * logs: walking the queue in order, each sequence is placed at the earliest time every window it
	 * touches allows, given the ones placed before it (a post held by its account's cap does not hold
	 * up posts to other accounts). In-flight calls are assumed answered after `assumedLatencyMs`,
	 * planned ones likewise. `gating` names the budget that set the time when it is not "now".
	 */
	plan(keyId: string, sequences: CallSpec[][]): Array<{ at: number; gating?: string }> {
		const now = this.opts.now();
		const latency = this.opts.assumedLatencyMs;
		const frozen = this.frozenUntil(keyId);
		const logs = new Map<string, { hits: number[]; cap: number; rule: BudgetRule }>();
		const logFor = (need: Need) => {
			let entry = logs.get(need.bucket);
			if (!entry) {
				const W = this.windowOf(need.rule);
				const log = this.loadLog(
					keyId,
					need.bucket,
					W,
					now - (need.rule.partition === 'account' ? W : 0),
				);
				const hits = [...log.hits];
				for (let i = 0; i < log.inFlight; i++) insertSorted(hits, now + latency);
				const cap =
					need.rule.partition === 'account'
						? need.rule.limit
						: this.capacity(keyId, need.rule, need.bucket, log, now, need.units);
				entry = { hits, cap, rule: need.rule };
				logs.set(need.bucket, entry);
			}
			return entry;
		};
		const out: Array<{ at: number; gating?: string }> = [];
		const start = frozen ? frozen.until : now;
		const frozenGating = frozen ? `key frozen after a 429 (${frozen.reason})` : undefined;
		for (const calls of sequences) {
			const needs = this.needsFor(keyId, calls);
			let at = start;
			let gating: string | undefined = frozenGating;
			// Iterate to a fixed point: moving later for one window never makes another fit worse.
			for (let round = 0; round < 4; round++) {
				let moved = false;
				for (const need of needs) {
					const entry = logFor(need);
					const W = this.windowOf(need.rule);
					let t: number;
					if (need.rule.partition === 'account') {
						// All the sequence's posts for this account go in one request: they must fit together.
						const sendAnchored = need.anchors.filter((a) => a === undefined).length;
						t = need.units > entry.cap ? Number.POSITIVE_INFINITY : at;
						while (Number.isFinite(t) && sendAnchored > 0) {
							const trial = [...entry.hits];
							let fits = true;
							for (let i = 0; i < sendAnchored && fits; i++) {
								fits = accountFits(trial, entry.cap, W, t);
								insertSorted(trial, t);
							}
							if (fits) break;
							// Room only comes back when a post leaves the window.
							const next = entry.hits.map((h) => h + W).filter((c) => c > t);
							t = next.length > 0 ? Math.min(...next) : Number.POSITIVE_INFINITY;
						}
					} else {
						const fit = earliestFit(
							{ hits: entry.hits, inFlight: 0 },
							entry.cap,
							W,
							need.units,
							at,
							this.tailOf(need.rule, keyId, need.bucket),
						);
						t = fit.kind === 'at' ? fit.at : Number.POSITIVE_INFINITY;
					}
					if (t > at) {
						at = t;
						gating = need.rule.label;
						moved = true;
					}
				}
				if (!moved) break;
			}
			out.push({ at, ...(gating ? { gating } : {}) });
			if (!Number.isFinite(at)) continue;
			for (const need of needs) {
				const entry = logFor(need);
				need.anchors.forEach((anchor) =>
					insertSorted(
						entry.hits,
						need.rule.partition === 'account' ? (anchor ?? at) : at + latency,
					),
				);
			}
		}
		return out;
	}

	/**
	 * When `calls` could be sent if `queuedAhead` (sequences, or a count of sequences like `calls`)
	 * goes first, and which budget decides it.
	 */
	eta(
		keyId: string,
		calls: CallSpec[],
		queuedAhead: CallSpec[][] | number = [],
	): { at: number; gating?: string } {
		const ahead =
			typeof queuedAhead === 'number'
				? Array.from({ length: queuedAhead }, () => calls)
				: queuedAhead;
		const planned = this.plan(keyId, [...ahead, calls]);
		return planned[planned.length - 1];
	}
}
