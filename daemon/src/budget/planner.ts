/**
 * The planner: gives every request of a backlog (the batches `pipeline/batch-rule.ts` forms) a
 * send time (ETA) and the budget that gates it (docs/daemon.md, Planner and ETAs).
 */
import type { Budgets } from './budgets';
import type { CallSpec } from './types';

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
