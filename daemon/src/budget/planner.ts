/**
 * The planner: gives every request of a backlog (the batches `pipeline/batch-rule.ts` forms) a
 * send time (ETA) and the budget that gates it (daemon-anchors.md §4.4 point 4).
 */
import type { Budgets, CallSpec } from './budgets';

/** Deterministic JSON (sorted keys) so equal controls group together whatever their key order. */
export function stableJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
	if (value && typeof value === 'object') {
		const entries = Object.entries(value as Record<string, unknown>)
			.filter(([, v]) => v !== undefined)
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
	}
	return JSON.stringify(value) ?? 'null';
}

export interface PlannedItem<T> {
	item: T;
	/** Earliest send time (epoch ms); Infinity when the item can never fit as given. */
	at: number;
	/** The budget that set `at`, when one did. */
	gating?: string;
}

/**
 * ETAs for a backlog in queue order: each job's call sequence is placed as early as every window
 * allows, never before the job ahead of it. A backlog beyond a day's budget spreads over days.
 */
export function planBacklog<T>(
	budgets: Budgets,
	keyId: string,
	jobs: Array<{ item: T; calls: CallSpec[] }>,
): Array<PlannedItem<T>> {
	const planned = budgets.plan(
		keyId,
		jobs.map((j) => j.calls),
	);
	return jobs.map((job, i) => ({
		item: job.item,
		at: planned[i].at,
		...(planned[i].gating ? { gating: planned[i].gating } : {}),
	}));
}
