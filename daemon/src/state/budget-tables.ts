/**
 * The budget logs' tables in the daemon's database (the budgets' arithmetic is in budget/). Idempotent:
 * run by the state migrations and by every `Budgets` on its database.
 */
import type BetterSqlite3 from 'better-sqlite3';

const SCHEMA_VERSION = 1;

export function migrateBudgetTables(db: BetterSqlite3.Database): void {
	db.exec(`
			CREATE TABLE IF NOT EXISTS budget_events (
				id INTEGER PRIMARY KEY,
				key_id TEXT NOT NULL,
				bucket TEXT NOT NULL,
				-- response-arrival time of a finished call; NULL while the call is in flight.
				-- For per-account caps: the post's anchor (publish time, or send time).
				at INTEGER,
				kind TEXT NOT NULL CHECK (kind IN ('pending', 'hit', 'external')),
				reservation TEXT,
				call_index INTEGER,
				-- 1 when 'at' is a fixed publish time rather than the send/receive time
				fixed_anchor INTEGER NOT NULL DEFAULT 0
			);
			CREATE INDEX IF NOT EXISTS budget_events_bucket ON budget_events (key_id, bucket, at);
			CREATE INDEX IF NOT EXISTS budget_events_reservation ON budget_events (reservation, call_index);
			CREATE TABLE IF NOT EXISTS budget_freezes (
				key_id TEXT PRIMARY KEY,
				until INTEGER NOT NULL,
				reason TEXT NOT NULL,
				set_at INTEGER NOT NULL
			);
			CREATE TABLE IF NOT EXISTS budget_learned (
				key_id TEXT NOT NULL,
				bucket TEXT NOT NULL,
				limit_value INTEGER,
				observed_at INTEGER NOT NULL,
				PRIMARY KEY (key_id, bucket)
			);
			-- Every 429 a key met (the freeze keeps only the latest): the dashboard's 24-hour chart.
			CREATE TABLE IF NOT EXISTS budget_rejections (
				id INTEGER PRIMARY KEY,
				key_id TEXT NOT NULL,
				at INTEGER NOT NULL,
				reason TEXT NOT NULL
			);
			CREATE INDEX IF NOT EXISTS budget_rejections_key ON budget_rejections (key_id, at);
			CREATE TABLE IF NOT EXISTS budget_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
			INSERT OR IGNORE INTO budget_meta (name, value) VALUES ('schema_version', '${SCHEMA_VERSION}');
		`);
}
