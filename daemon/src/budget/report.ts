/** Reporting: every budget of a key, used, in flight, remaining and next free (`postspool status`). */
import type { BudgetLedger } from './ledger';
import { type BudgetRule, KNOWN_ENDPOINTS, type Service } from './limits';
import type { WindowStatus } from './types';
import { earliestAccountFit, earliestFit } from './window';

/** Every budget of a key: used, in flight, remaining and next-free time per window. */
export function status(ledger: BudgetLedger, keyId: string, service?: Service): WindowStatus[] {
	const now = ledger.opts.now();
	const frozen = ledger.frozenUntil(keyId);
	const withEvents = new Set(ledger.stmt.buckets.all(keyId).map((r) => r.bucket));
	const services: Service[] = service
		? [service]
		: (['postsider', 'postfast'] as Service[]).filter((s) =>
				[...withEvents].some((b) => b.startsWith(`${s}:`)),
			);
	const out: WindowStatus[] = [];
	for (const s of services) {
		for (const endpoint of KNOWN_ENDPOINTS[s]) {
			for (const need of ledger.needsFor(keyId, [{ service: s, endpoint }])) {
				if (out.some((o) => o.bucket === need.bucket)) continue;
				const explicit = need.rule.partition === 'shared' || need.rule.endpoints !== undefined;
				if (!explicit && !withEvents.has(need.bucket)) continue;
				out.push(describe(ledger, keyId, need.rule, need.bucket, now, frozen?.until, endpoint));
			}
		}
		for (const bucket of withEvents) {
			const [ruleId, account] = bucket.split('@');
			const rule = ledger
				.table(keyId)
				.rules.find((r) => r.id === ruleId && r.partition === 'account');
			if (rule && rule.service === s)
				out.push(describe(ledger, keyId, rule, bucket, now, frozen?.until, undefined, account));
		}
	}
	return out;
}

export function describe(
	ledger: BudgetLedger,

	keyId: string,
	rule: BudgetRule,
	bucket: string,
	now: number,
	frozenUntil: number | undefined,
	endpoint?: string,
	account?: string,
): WindowStatus {
	const W = ledger.windowOf(rule);
	const log = ledger.loadLog(keyId, bucket, W, now);
	const used = log.hits.filter((h) => h > now - W && h <= now).length;
	const cap =
		rule.partition === 'account' ? rule.limit : ledger.capacity(keyId, rule, bucket, log, now);
	let nextFreeAt: number;
	if (rule.partition === 'account') nextFreeAt = earliestAccountFit(log.hits, rule.limit, W, now);
	else {
		const fit = earliestFit(log, cap, W, 1, now, ledger.tailOf(rule, keyId, bucket));
		nextFreeAt =
			fit.kind === 'at'
				? fit.at
				: fit.kind === 'in-flight'
					? now + ledger.opts.inFlightRetryMs
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
