/** What every page reads: the config, the dashboard's own database connection, budgets, progress. */
import type { Budgets } from '../budget/budgets';
import type { LoadedConfig } from '../config/load';
import type { Db } from '../state/db';
import type { Store } from '../state/store';

/** An upload in progress (the shape of `uploadProgress.snapshot()`). */
export interface UploadProgress {
	itemId: string;
	name: string;
	service: 'postsider' | 'postfast';
	file: string;
	sent: number;
	total: number;
	startedAt: number;
}

export interface PageContext {
	loaded: LoadedConfig;
	db: Db;
	store: Store;
	/** Budgets to read from (never to reserve with): the daemon's own, or the state alone's. */
	budgets(): Budgets;
	uploads(): UploadProgress[];
	now: number;
	csrf: string;
	query: URLSearchParams;
}
