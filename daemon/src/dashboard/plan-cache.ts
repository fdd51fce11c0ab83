/**
 * The queued posts' ETAs (commands/eta.ts's planEtas, the ETAs of `queue ls`), planned once per
 * state change instead of on every request: with 1,000 posts queued a plan took 0.4–0.8 s, and the
 * Schedule, the Queue page and each SSE re-fetch asked for one. The state changed when SQLite's
 * `data_version` moved (the daemon's commits) or this process committed (`changed()`); a plan is
 * also re-made after MAX_AGE_MS, as budget windows free up with the clock.
 */
import type { Budgets } from '../budget/budgets';
import { planEtas, queuedTargets } from '../commands/eta';
import type { Config } from '../config/schema';
import type { Db } from '../state/db';
import type { Store } from '../state/store';

export type Etas = ReturnType<typeof planEtas>;

const MAX_AGE_MS = 15_000;

export class PlanCache {
	/** How many plans were made (the test's view of "cheap"). */
	computed = 0;
	private local = 0;
	private key = '';
	private at = 0;
	private etas: Etas = new Map();

	constructor(
		private readonly db: Db,
		private readonly store: Store,
		private readonly config: Config,
	) {}

	/** This process changed the state (an action from a page). */
	changed(): void {
		this.local++;
	}

	get(budgets: () => Budgets, now: number): Etas {
		const key = `${this.db.pragma('data_version', { simple: true })}:${this.local}`;
		if (key !== this.key || now - this.at > MAX_AGE_MS || now < this.at) {
			this.etas = planEtas(budgets(), this.config, queuedTargets(this.store), now);
			this.computed++;
			this.key = key;
			this.at = now;
		}
		return this.etas;
	}
}
