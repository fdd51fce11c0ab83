/**
 * Learning from responses: rate headers lower the local capacity when another client shares the key
 * (only ever downwards), and a 429 freezes the key until its Retry-After and fills the window it
 * names — or, for a window the server never reports, teaches our share of it for a day.
 */
import { getHeader, retryAfterFromHeaders } from '../../../contract/errors';
import { type BudgetLedger, HIDDEN_LEARNED_MS, bucketOf } from './ledger';
import type { BudgetRule } from './limits';
import type { CallSpec, Observation } from './types';
import type { LogState } from './window';

export function learn(
	ledger: BudgetLedger,
	keyId: string,
	call: CallSpec,
	observation: Observation,
): void {
	if (observation.status === 0) return;
	const now = observation.receivedAt;
	for (const [suffix, rule] of headerRules(ledger, keyId, call)) {
		const name = suffix === '' ? '' : `-${suffix}`;
		const limitRaw = getHeader(observation.headers, `x-ratelimit-limit${name}`);
		const remainingRaw = getHeader(observation.headers, `x-ratelimit-remaining${name}`);
		if (remainingRaw === undefined) continue;
		const remaining = Number(remainingRaw);
		const serverLimit = limitRaw === undefined ? rule.limit : Number(limitRaw);
		if (!Number.isFinite(remaining) || !Number.isFinite(serverLimit)) continue;
		const bucket = bucketOf(rule, call.endpoint);
		// Only ever downwards: a server limit below ours wins; a higher one is ignored.
		ledger.stmt.learnedSet.run(keyId, bucket, serverLimit < rule.limit ? serverLimit : null, now);
		const serverUsed = serverLimit - remaining;
		const log = ledger.loadLog(keyId, bucket, ledger.windowOf(rule), now);
		// In-flight calls may already be counted by the server: comparing without them would
		// mistake our own calls for another client's.
		const localUsed = log.hits.length + log.inFlight;
		for (let i = localUsed; i < serverUsed; i++) {
			ledger.stmt.insert.run(keyId, bucket, now, 'external', null, null, 0);
		}
	}
}

/**
 * The rule each rate-header suffix describes for this call: the endpoint's own rule for that
 * window when it has one (its header carries the endpoint's value), else the default one.
 */
export function headerRules(
	ledger: BudgetLedger,
	keyId: string,
	call: CallSpec,
): Map<string, BudgetRule> {
	const byHeader = new Map<string, BudgetRule>();
	for (const rule of ledger.rulesFor(keyId, call)) {
		if (rule.header === undefined || rule.partition === 'account') continue;
		const current = byHeader.get(rule.header);
		if (!current || (rule.endpoints && !current.endpoints)) byHeader.set(rule.header, rule);
	}
	return byHeader;
}

export function freeze(
	ledger: BudgetLedger,
	keyId: string,
	call: CallSpec,
	observation: Observation,
): void {
	const retry = retryAfterFromHeaders(observation.headers);
	const ms = Math.max(retry.ms ?? 0, observation.retryAfterMs ?? 0) || ledger.opts.freezeFallbackMs;
	// One more second: the server rounds its seconds up, our clock may lag its clock.
	const until = observation.receivedAt + ms + 1_000;
	const byHeader = headerRules(ledger, keyId, call);
	let named: BudgetRule[];
	if (retry.windows.length > 0) named = retry.windows.flatMap((w) => byHeader.get(w) ?? []);
	else if (getHeader(observation.headers, 'x-ratelimit-remaining') !== undefined)
		named = byHeader.has('') ? [byHeader.get('')!] : [];
	else {
		// PostSider's hourly throttler answers 429 without X-RateLimit-* headers (docs/postsider-api.md, How the limiters combine),
		// blocking the handler for its whole window from the breach: only a Retry-After that long
		// says the window is full. A short one (a proxy, a brief overload) only freezes the key.
		named = ledger
			.rulesFor(keyId, call)
			.filter((r) => r.header === undefined && r.partition !== 'account' && ms >= r.windowMs / 2);
	}
	const reason = `${call.service} ${call.endpoint} answered 429${
		retry.windows.length > 0 ? ` (window ${retry.windows.join(', ')})` : ''
	}`;
	ledger.stmt.freezeSet.run(keyId, until, reason, observation.receivedAt);
	ledger.stmt.rejection.run(keyId, observation.receivedAt, reason);
	// The server says the window is spent: fill the local log so it agrees after the freeze.
	for (const rule of named) {
		const bucket = bucketOf(rule, call.endpoint);
		const log = ledger.loadLog(keyId, bucket, ledger.windowOf(rule), observation.receivedAt);
		if (rule.header === undefined) learnHidden(ledger, keyId, rule, bucket, log, observation);
		for (let i = log.hits.length + log.inFlight; i < rule.limit; i++) {
			ledger.stmt.insert.run(keyId, bucket, observation.receivedAt, 'external', null, null, 0);
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
export function learnHidden(
	ledger: BudgetLedger,

	keyId: string,
	rule: BudgetRule,
	bucket: string,
	log: LogState & { external: number },
	observation: Observation,
): void {
	const W = ledger.windowOf(rule);
	// Our calls the server let through: the refused one is already in the log; calls reserved
	// but not sent yet (the rest of its sequence) never reached it.
	const ours = log.hits.length - log.external - 1;
	const other = Math.max(0, rule.limit - ours);
	const covered = Math.max(W / 4, observation.receivedAt - (log.hits[0] ?? observation.receivedAt));
	const perWindow = Math.ceil((other * W) / Math.min(W, covered));
	const share = Math.max(1, rule.limit - perWindow - 1);
	const prev = ledger.stmt.learnedGet.get(keyId, bucket);
	if (prev && observation.receivedAt - prev.observed_at > HIDDEN_LEARNED_MS)
		ledger.stmt.learnedDelete.run(keyId, bucket);
	ledger.stmt.learnedSet.run(keyId, bucket, share, observation.receivedAt);
}
