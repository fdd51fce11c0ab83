/**
 * The budgets' stored logs and the rules over them: which windows a call counts in, how full each
 * log is, and the capacity in force (published limit, lowered by what was learned from headers and
 * 429s, reserves and headroom for another client). The other files of budget/ build on this;
 * `Budgets` (budgets.ts) is the API the daemon uses.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { migrateBudgetTables } from '../state/budget-tables';
import { type BudgetRule, KNOWN_ENDPOINTS, type LimitTable } from './limits';
import type { BudgetsOptions, CallSpec, Need } from './types';
import { type LogState, activeAt } from './window';

type Db = BetterSqlite3.Database;

/** How long a share learned from a 429 of an unreported window holds. */
export const HIDDEN_LEARNED_MS = 86_400_000;

/** The log a call counts in: one per rule, or per endpoint for rules kept per endpoint. */
export function bucketOf(rule: BudgetRule, endpoint: string): string {
	if (rule.partition !== 'endpoint' || rule.endpoints?.length === 1) return rule.id;
	return `${rule.id}@${endpoint}`;
}

/** The prepared statements over the budget tables (state/budget-tables.ts). */
function prepare(db: Db) {
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
		pruneRejections: db.prepare(`DELETE FROM budget_rejections WHERE at < ?`),
		rejection: db.prepare(`INSERT INTO budget_rejections (key_id, at, reason) VALUES (?, ?, ?)`),
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

export class BudgetLedger {
	readonly db: Db;
	readonly opts: Required<Omit<BudgetsOptions, 'limitsForKey' | 'pacing' | 'recoverInFlight'>> &
		Pick<BudgetsOptions, 'limitsForKey' | 'pacing'>;
	readonly stmt: ReturnType<typeof prepare>;
	recordsSincePrune = 0;

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
		migrateBudgetTables(db);
		this.stmt = prepare(db);
		// Calls left in flight by a previous process may have reached the server at any time up to
		// now: count them as answered now, the latest (so safest) anchor.
		if (opts.recoverInFlight !== false) this.stmt.recoverPending.run(this.opts.now());
	}

	table(keyId: string): LimitTable {
		return this.opts.limitsForKey?.(keyId) ?? this.opts.limits;
	}

	windowOf(rule: BudgetRule): number {
		return rule.partition === 'account' ? rule.windowMs : rule.windowMs + this.opts.marginMs;
	}

	/** The rules one call touches. */
	rulesFor(keyId: string, call: CallSpec): BudgetRule[] {
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
	tailOf(rule: BudgetRule, keyId?: string, bucket?: string): number | undefined {
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
	hiddenShare(keyId: string, bucket: string, now = this.opts.now()): number | undefined {
		const learned = this.stmt.learnedGet.get(keyId, bucket);
		return learned?.limit_value != null && now - learned.observed_at <= HIDDEN_LEARNED_MS
			? learned.limit_value
			: undefined;
	}

	needsFor(keyId: string, calls: CallSpec[]): Need[] {
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

	isAccountBucket(keyId: string, bucket: string): boolean {
		const ruleId = bucket.split('@')[0];
		return this.table(keyId).rules.some((r) => r.id === ruleId && r.partition === 'account');
	}

	loadLog(
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
	capacity(
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
			// Another client spends this window (docs/daemon.md, Learning from headers). Keep room for what it has sent since we
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

	/**
	 * A burst of several calls into the paced tail of a learnable window (docs/daemon.md, Learning from headers) whose rate
	 * headers were last read more than a quarter of the tail ago: another client may have spent the
	 * tail meanwhile, unseen.
	 */
	staleTailBurst(keyId: string, need: Need, log: LogState, cap: number, at: number): boolean {
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

	/** The key's freeze, if one is in force. */
	frozenUntil(keyId: string): { until: number; reason: string } | undefined {
		const frozen = this.stmt.freezeGet.get(keyId);
		return frozen && frozen.until > this.opts.now() ? frozen : undefined;
	}

	prune(): void {
		this.recordsSincePrune = 0;
		// Per-key tables may differ; no window is longer than a day in either service.
		let longest = 86_400_000;
		for (const r of this.opts.limits.rules) longest = Math.max(longest, r.windowMs);
		this.stmt.prune.run(this.opts.now() - longest - this.opts.marginMs - 1);
		// The dashboard charts the last 24 hours of 429s.
		this.stmt.pruneRejections.run(this.opts.now() - 2 * 86_400_000);
	}
}
