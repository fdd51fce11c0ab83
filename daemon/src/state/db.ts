/**
 * The daemon's durable state: one SQLite file (WAL, synchronous=FULL) holding every item (a dropped
 * post), every target of it (one account on one service) and the budget logs. Each state change is
 * committed before the side effect it announces (docs/daemon.md, Outbox design).
 */
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { migrateBudgetTables } from './budget-tables';
import { migrateNotifyTables } from './notify-tables';
import { migrateOutcomeTables } from './outcome-tables';

export type Db = Database.Database;

/** Ordered migrations; `PRAGMA user_version` records how many have run. */
const MIGRATIONS: string[] = [
	`CREATE TABLE items (
		id TEXT PRIMARY KEY,
		identity TEXT NOT NULL UNIQUE,
		name TEXT NOT NULL,
		folder TEXT NOT NULL,
		work_dir TEXT NOT NULL,
		state TEXT NOT NULL,
		post TEXT NOT NULL,
		final_dir TEXT,
		error TEXT,
		created_at INTEGER NOT NULL,
		updated_at INTEGER NOT NULL
	);
	CREATE INDEX items_state ON items (state);
	CREATE TABLE targets (
		id INTEGER PRIMARY KEY,
		item_id TEXT NOT NULL REFERENCES items (id),
		idx INTEGER NOT NULL,
		label TEXT NOT NULL,
		key_name TEXT NOT NULL,
		service TEXT NOT NULL,
		account_id TEXT NOT NULL,
		platform TEXT NOT NULL,
		state TEXT NOT NULL,
		attempts INTEGER NOT NULL DEFAULT 0,
		generation INTEGER NOT NULL DEFAULT 0,
		next_attempt_at INTEGER NOT NULL DEFAULT 0,
		lease_owner TEXT,
		lease_until INTEGER,
		publish_at INTEGER,
		media TEXT,
		request TEXT,
		remote_id TEXT,
		error TEXT,
		gating TEXT,
		updated_at INTEGER NOT NULL,
		UNIQUE (item_id, idx)
	);
	CREATE INDEX targets_due ON targets (state, next_attempt_at);
	CREATE TABLE events (
		id INTEGER PRIMARY KEY,
		at INTEGER NOT NULL,
		item_id TEXT,
		target_id INTEGER,
		level TEXT NOT NULL,
		message TEXT NOT NULL
	);
	CREATE INDEX events_item ON events (item_id);`,
	`ALTER TABLE targets ADD COLUMN solo INTEGER NOT NULL DEFAULT 0;`,
];

/** Distinct SQL texts kept prepared; dynamic ones (`IN (?, ?, …)`, patch columns) fall out LRU. */
const STATEMENT_CACHE = 200;

/**
 * Makes `db.prepare` return one compiled statement per SQL text instead of a new one per call.
 * Each better-sqlite3 statement holds ~9 KB of native SQLite memory that V8 does not see, so it is
 * only freed when a GC happens to collect its small JS wrapper: the store prepares per call, and
 * ingesting 10,000 posts left ~80,000 of them alive (hundreds of MiB of RSS). A statement busy in
 * an open `.iterate()` is never handed out twice: a nested caller gets its own.
 * Callers must not change a statement's modes (`pluck`, `raw`, `expand`, `bind`): it is shared.
 */
export function cacheStatements(db: Db): Db {
	const cache = new Map<string, Database.Statement>();
	const prepare = db.prepare.bind(db);
	db.prepare = ((sql: string) => {
		let stmt = cache.get(sql);
		if (stmt) {
			if (stmt.busy) return prepare(sql);
			// Most recently used last, so the first key is the one to evict.
			cache.delete(sql);
		} else {
			stmt = prepare(sql);
			if (cache.size >= STATEMENT_CACHE) cache.delete(cache.keys().next().value!);
		}
		cache.set(sql, stmt);
		return stmt;
	}) as Db['prepare'];
	return db;
}

/** The state database cannot be used as it is (damaged, or not a database): path and remedy. */
export class StateDbError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'StateDbError';
	}
}

/** Owner-only mode for a path the daemon owns (best effort: a file of another user stays as it is). */
export function tighten(path: string, mode: number): void {
	if (process.platform === 'win32') return;
	try {
		chmodSync(path, mode);
	} catch {
		/* not ours to change */
	}
}

export const dbPath = (stateDir: string) => join(stateDir, 'postspool.sqlite');

/** What to do with a damaged state database (daemon/README.md, "A damaged database"). */
export function damagedDbMessage(path: string, what: string): string {
	return `the state database ${path} is damaged (${what}). Stop postspool, move it aside (mv "${path}" "${path}.broken"; also its -wal and -shm files), then start again: a new database is created, and posts found in .processing/ without a record are set aside in failed/ for review, so nothing is posted twice`;
}

const DAMAGED = /^SQLITE_(CORRUPT|NOTADB)/;

export function openDb(stateDir: string): Db {
	mkdirSync(stateDir, { recursive: true, mode: 0o700 });
	const path = dbPath(stateDir);
	try {
		return openAndMigrate(path);
	} catch (err) {
		const code = (err as { code?: string }).code ?? '';
		if (DAMAGED.test(code))
			throw new StateDbError(damagedDbMessage(path, `${code}: ${(err as Error).message}`));
		throw err;
	}
}

function openAndMigrate(path: string): Db {
	const db = cacheStatements(new Database(path));
	// Owner-only, whatever the umask: it holds every post's text and the queue. The -wal and -shm
	// files SQLite creates take the database file's mode.
	tighten(path, 0o600);
	db.pragma('journal_mode = WAL');
	// FULL: a transition is on disk before the HTTP call it announces.
	db.pragma('synchronous = FULL');
	db.pragma('busy_timeout = 5000');
	// better-sqlite3 builds SQLite with a 16 MB page cache per connection; our statements are small
	// indexed lookups, and one pass over a long history (startup recovery) would otherwise leave
	// the whole 16 MB resident. SQLite's own default, 2 MB, keeps the hot pages.
	db.pragma('cache_size = -2000');
	db.pragma('foreign_keys = ON');
	migrate(db);
	return db;
}

export function migrate(db: Db): void {
	const current = db.pragma('user_version', { simple: true }) as number;
	for (let v = current; v < MIGRATIONS.length; v++) {
		db.transaction(() => {
			db.exec(MIGRATIONS[v]);
			db.pragma(`user_version = ${v + 1}`);
		}).immediate();
	}
	// The dashboard's calendar: the posts scheduled in a week, without reading the whole history.
	db.exec(
		'CREATE INDEX IF NOT EXISTS targets_publish_at ON targets (publish_at) WHERE publish_at IS NOT NULL',
	);
	// …and the asap posts (no publish time) by when they went out.
	db.exec(
		'CREATE INDEX IF NOT EXISTS targets_asap_sent ON targets (updated_at) WHERE publish_at IS NULL',
	);
	migrateBudgetTables(db);
	migrateOutcomeTables(db);
	migrateNotifyTables(db);
}
