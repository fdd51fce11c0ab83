/** What every page reads: the config, the dashboard's own database connection, budgets, progress. */
import type { Budgets } from '../budget/budgets';
import type { LoadedConfig } from '../config/load';
import type { Db } from '../state/db';
import type { UploadInFlight } from '../pipeline/progress';
import type { Store } from '../state/store';
import type { Etas } from './plan-cache';

export interface PageContext {
	loaded: LoadedConfig;
	db: Db;
	store: Store;
	/** Budgets to read from (never to reserve with): the daemon's own, or the state alone's. */
	budgets(): Budgets;
	uploads(): UploadInFlight[];
	/** The queued posts' ETAs, as `queue ls` plans them (cached per state change). */
	etas(): Etas;
	now: number;
	csrf: string;
	query: URLSearchParams;
}
