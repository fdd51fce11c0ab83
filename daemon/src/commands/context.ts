/** What every command shares: config loading, output in --json or words, exit codes, state access. */
import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Budgets } from '../budget/budgets';
import { ConfigError, type LoadedConfig, loadConfig } from '../config/load';
import { escapeControl } from '../log';
import { createBudgets } from '../daemon';
import { type Db, openDb } from '../state/db';
import { lockHolder } from '../state/lock';
import { Store } from '../state/store';

/** Documented in daemon/README.md. */
export const EXIT = { ok: 0, error: 1, validation: 2, notRunning: 3 } as const;

export class CliError extends Error {
	constructor(
		message: string,
		readonly exitCode: number = EXIT.error,
		readonly details?: unknown,
	) {
		super(message);
	}
}

export interface GlobalOpts {
	config?: string;
	json?: boolean;
}

export function print(opts: GlobalOpts, value: unknown, human: () => string): void {
	// Human output names files from the drop folder: their control characters are shown escaped.
	process.stdout.write(
		opts.json ? `${JSON.stringify(value, null, 2)}\n` : `${escapeControl(human(), '\n\t')}\n`,
	);
}

export function load(opts: GlobalOpts): LoadedConfig {
	try {
		return loadConfig(opts.config);
	} catch (err) {
		if (err instanceof ConfigError)
			throw new CliError(err.message, EXIT.validation, { issues: err.issues });
		throw err;
	}
}

export interface StateAccess {
	db: Db;
	store: Store;
	/** Budgets over the live DB when no daemon runs, else over an in-memory snapshot (read-only use). */
	budgets: Budgets;
	running: number | undefined;
	live: boolean;
	close(): void;
}

/**
 * Opens the state. While a daemon runs, budget computations use a snapshot copy: constructing
 * Budgets on the live file would settle the daemon's in-flight reservations.
 */
export function openState(loaded: LoadedConfig): StateAccess {
	const running = lockHolder(loaded.stateDir);
	const db = openDb(loaded.stateDir);
	const store = new Store(db);
	let budgetDb: Db = db;
	if (running !== undefined) {
		const image = db.serialize();
		// A WAL file's header (bytes 18-19 = 2) cannot be opened in memory: mark it rollback-journal.
		image[18] = 1;
		image[19] = 1;
		budgetDb = new Database(image);
	}
	const budgets = createBudgets(budgetDb, loaded.config, Date.now);
	return {
		db,
		store,
		budgets,
		running,
		live: running === undefined,
		close() {
			if (budgetDb !== db) budgetDb.close();
			db.close();
		},
	};
}

export function statusSnapshot(stateDir: string): Record<string, unknown> | undefined {
	const p = join(stateDir, 'status.json');
	if (!existsSync(p)) return undefined;
	try {
		return JSON.parse(readFileSync(p, 'utf8'));
	} catch {
		return undefined;
	}
}

export function when(ms: number | null | undefined): string {
	if (ms == null || ms === 0) return 'now';
	if (!Number.isFinite(ms)) return 'never';
	const d = ms - Date.now();
	if (d <= 0) return 'now';
	if (d < 90_000) return `in ${Math.round(d / 1000)} s`;
	if (d < 90 * 60_000) return `in ${Math.round(d / 60_000)} min`;
	return new Date(ms).toISOString().replace('.000Z', 'Z');
}
