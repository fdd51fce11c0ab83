/**
 * Publish tracking's tables in the daemon's database (the tracking itself is outcomes/), their row
 * type and the one read a receipt needs (`outcomeFields`): journey/ writes receipts and outcomes/
 * refiles through journey/, so what both read lives down here, not in outcomes/.
 * Idempotent: run by the state migrations and by every `OutcomeStore` on its database.
 */
import type BetterSqlite3 from 'better-sqlite3';

/** `tracking`: waiting for the service's final state; `gave-up`: it never reported one. */
export type OutcomeState = 'tracking' | 'published' | 'publish-failed' | 'gave-up' | 'draft';

export interface OutcomeRow {
	target_id: number;
	item_id: string;
	key_name: string;
	service: 'postsider' | 'postfast';
	account_id: string;
	remote_id: string;
	publish_at: number;
	state: OutcomeState;
	url: string | null;
	published_at: number | null;
	reason: string | null;
	checks: number;
	next_check_at: number;
	updated_at: number;
}

export function migrateOutcomeTables(db: BetterSqlite3.Database): void {
	db.exec(`
		CREATE TABLE IF NOT EXISTS outcomes (
			target_id INTEGER PRIMARY KEY REFERENCES targets (id),
			item_id TEXT NOT NULL,
			key_name TEXT NOT NULL,
			service TEXT NOT NULL,
			account_id TEXT NOT NULL,
			remote_id TEXT NOT NULL,
			publish_at INTEGER NOT NULL,
			state TEXT NOT NULL,
			url TEXT,
			published_at INTEGER,
			reason TEXT,
			checks INTEGER NOT NULL DEFAULT 0,
			next_check_at INTEGER NOT NULL,
			updated_at INTEGER NOT NULL
		);
		CREATE INDEX IF NOT EXISTS outcomes_due ON outcomes (state, next_check_at);
		-- The dashboard's Published page: newest first, paged by (published_at, target_id).
		CREATE INDEX IF NOT EXISTS outcomes_published ON outcomes (published_at, target_id)
			WHERE published_at IS NOT NULL;
		-- The tracker's own calls, so it keeps to its share of each window across restarts.
		CREATE TABLE IF NOT EXISTS outcome_polls (
			id INTEGER PRIMARY KEY,
			key_name TEXT NOT NULL,
			at INTEGER NOT NULL
		);
		CREATE INDEX IF NOT EXISTS outcome_polls_key ON outcome_polls (key_name, at);
	`);
}

/** The outcome fields a receipt, `history` and `queue ls` show for one target. */
export function outcomeFields(
	db: BetterSqlite3.Database,
	targetId: number,
): { url?: string; publishedAt?: string; publishError?: string; tracking?: OutcomeState } {
	const o = db
		.prepare<[number], OutcomeRow>(`SELECT * FROM outcomes WHERE target_id = ?`)
		.get(targetId);
	if (!o) return {};
	return {
		tracking: o.state,
		...(o.url ? { url: o.url } : {}),
		...(o.published_at ? { publishedAt: new Date(o.published_at).toISOString() } : {}),
		...(o.reason ? { publishError: o.reason } : {}),
	};
}
