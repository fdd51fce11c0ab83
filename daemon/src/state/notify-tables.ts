/**
 * The notification outbox's table in the daemon's database (the outbox itself is notify/outbox.ts).
 * Idempotent: run by the state migrations and by every `Outbox` on its database.
 */
import type BetterSqlite3 from 'better-sqlite3';

export function migrateNotifyTables(db: BetterSqlite3.Database): void {
	db.exec(`
		CREATE TABLE IF NOT EXISTS notify_events (
			id INTEGER PRIMARY KEY,
			type TEXT NOT NULL,
			at INTEGER NOT NULL,
			payload TEXT NOT NULL,
			webhook TEXT NOT NULL,
			attempts INTEGER NOT NULL DEFAULT 0,
			next_at INTEGER NOT NULL DEFAULT 0,
			last_error TEXT,
			delivered_at INTEGER
		);
		CREATE INDEX IF NOT EXISTS notify_events_webhook ON notify_events (webhook, next_at);
	`);
}
