/**
 * Forecasting: when a queue of call sequences could be sent, by simulating the limiter forward from
 * the stored logs (used by `plan` and `queue ls` through planner.ts).
 */
import type { BudgetLedger } from './ledger';
import type { BudgetRule } from './limits';
import type { CallSpec, Need } from './types';
import { accountFits, earliestFit, insertSorted } from './window';

/**
 * Send times for a queue of call sequences, by simulating the limiter forward from the current
 * logs: walking the queue in order, each sequence is placed at the earliest time every window it
 * touches allows, given the ones placed before it (a post held by its account's cap does not hold
 * up posts to other accounts). In-flight calls are assumed answered after `assumedLatencyMs`,
 * planned ones likewise. `gating` names the budget that set the time when it is not "now".
 */
export function forecast(
	ledger: BudgetLedger,
	keyId: string,
	sequences: CallSpec[][],
): Array<{ at: number; gating?: string }> {
	const now = ledger.opts.now();
	const latency = ledger.opts.assumedLatencyMs;
	const frozen = ledger.frozenUntil(keyId);
	const logs = new Map<string, { hits: number[]; cap: number; rule: BudgetRule }>();
	const logFor = (need: Need) => {
		let entry = logs.get(need.bucket);
		if (!entry) {
			const W = ledger.windowOf(need.rule);
			const log = ledger.loadLog(
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
					: ledger.capacity(keyId, need.rule, need.bucket, log, now, need.units);
			entry = { hits, cap, rule: need.rule };
			logs.set(need.bucket, entry);
		}
		return entry;
	};
	const out: Array<{ at: number; gating?: string }> = [];
	const start = frozen ? frozen.until : now;
	const frozenGating = frozen ? `key frozen after a 429 (${frozen.reason})` : undefined;
	for (const calls of sequences) {
		const needs = ledger.needsFor(keyId, calls);
		let at = start;
		let gating: string | undefined = frozenGating;
		// Iterate to a fixed point: moving later for one window never makes another fit worse.
		for (let round = 0; round < 4; round++) {
			let moved = false;
			for (const need of needs) {
				const entry = logFor(need);
				const W = ledger.windowOf(need.rule);
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
						ledger.tailOf(need.rule, keyId, need.bucket),
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
				insertSorted(entry.hits, need.rule.partition === 'account' ? (anchor ?? at) : at + latency),
			);
		}
	}
	return out;
}

/**
 * When `calls` could be sent if `queuedAhead` (sequences, or a count of sequences like `calls`)
 * goes first, and which budget decides it.
 */
export function forecastOne(
	ledger: BudgetLedger,

	keyId: string,
	calls: CallSpec[],
	queuedAhead: CallSpec[][] | number = [],
): { at: number; gating?: string } {
	const ahead =
		typeof queuedAhead === 'number'
			? Array.from({ length: queuedAhead }, () => calls)
			: queuedAhead;
	const planned = forecast(ledger, keyId, [...ahead, calls]);
	return planned[planned.length - 1];
}
