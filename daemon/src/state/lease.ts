/**
 * One drop folder, one daemon. The state-dir lock (lock.ts) stops two daemons sharing a database;
 * this lease stops two daemons with different state dirs — two configs on one machine, or two
 * machines on a network share — from ingesting the same inbox and posting everything twice.
 *
 * The lease is `<folder>/.postspool-lease.json` (host, pid, state dir, heartbeat), created
 * atomically (written aside, then hard-linked into place: link fails when the name exists, also on
 * NFS) and rewritten every HEARTBEAT_MS. A lease is stale, and taken over, when its holder is on
 * this host and its pid is gone, or when its heartbeat is older than STALE_MS (another host; the
 * clocks must agree within that). Documented in daemon/README.md ("One folder, one daemon").
 */
import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { LockError } from './lock';

export const LEASE_FILE = '.postspool-lease.json';
/** How often the holder rewrites its heartbeat. */
export const HEARTBEAT_MS = 10_000;
/** A heartbeat older than this is a holder that stopped (crashed, powered off, disconnected). */
export const STALE_MS = 120_000;

export interface LeaseRecord {
	host: string;
	pid: number;
	stateDir: string;
	startedAt: string;
	heartbeatAt: string;
	/** Tells this holder's lease from a successor's. */
	token: string;
}

export function leasePath(folder: string): string {
	return join(folder, LEASE_FILE);
}

export function readLease(folder: string): LeaseRecord | undefined {
	try {
		const value = JSON.parse(readFileSync(leasePath(folder), 'utf8')) as LeaseRecord;
		return typeof value?.token === 'string' ? value : undefined;
	} catch {
		return undefined;
	}
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (err) {
		return (err as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** Why a lease no longer holds, or undefined while its holder is live. */
export function staleReason(
	lease: LeaseRecord,
	now: number,
	host = hostname(),
): string | undefined {
	if (lease.host === host && !alive(lease.pid)) return `its process ${lease.pid} is gone`;
	const age = now - Date.parse(lease.heartbeatAt);
	if (!(age <= STALE_MS)) return `its last heartbeat was ${Math.round(age / 1000)} s ago`;
	return undefined;
}

function describe(lease: LeaseRecord): string {
	return `pid ${lease.pid} on host ${lease.host}, state directory ${lease.stateDir}, last heartbeat ${lease.heartbeatAt}`;
}

export interface Lease {
	readonly folder: string;
	/**
	 * Rewrites the heartbeat; false when the lease was taken over meanwhile (stop working then).
	 * Throws when the write fails (a full disk), leaving no temporary file behind.
	 */
	heartbeat(): boolean;
	release(): void;
}

function removeQuietly(path: string): void {
	try {
		unlinkSync(path);
	} catch {
		/* never written, or already gone */
	}
}

/** Writes a lease record to `path`; on failure (a full disk) removes the partial file and throws. */
function writeOrRemove(path: string, record: LeaseRecord): void {
	try {
		writeFileSync(path, `${JSON.stringify(record)}\n`, { mode: 0o600 });
	} catch (err) {
		removeQuietly(path);
		throw err;
	}
}

/** Writes `record` beside the lease and links it into place; false when a lease exists. */
function create(folder: string, record: LeaseRecord): boolean {
	const aside = join(folder, `.postspool-lease.${record.token}.tmp`);
	writeOrRemove(aside, record);
	try {
		linkSync(aside, leasePath(folder));
		return true;
	} catch (err) {
		if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
		throw err;
	} finally {
		unlinkSync(aside);
	}
}

/**
 * Takes the lease of `folder` for this process, taking over a stale one (reported through
 * `onTakeover`). Throws LockError naming the holder when another daemon holds it.
 */
export function acquireLease(
	folder: string,
	stateDir: string,
	opts: { now?(): number; onTakeover?(message: string): void } = {},
): Lease {
	const now = opts.now ?? Date.now;
	const token = randomBytes(8).toString('hex');
	const record = (): LeaseRecord => ({
		host: hostname(),
		pid: process.pid,
		stateDir,
		startedAt,
		heartbeatAt: new Date(now()).toISOString(),
		token,
	});
	const startedAt = new Date(now()).toISOString();
	for (let attempt = 0; attempt < 3; attempt++) {
		if (create(folder, record())) return held(folder, token, record);
		const holder = readLease(folder);
		if (!holder) {
			// Unreadable (being written, or garbage): a live holder rewrites it within a heartbeat.
			throw new LockError(
				`The drop folder ${folder} has a lease file (${LEASE_FILE}) that cannot be read; if no other postspool daemon uses this folder, delete that file and start again.`,
			);
		}
		const stale = staleReason(holder, now());
		if (!stale)
			throw new LockError(
				`Another postspool daemon already works on the drop folder ${folder} (${describe(holder)}). Two daemons on one folder would post everything twice: stop that one first, or give this one another folder. If that daemon is gone for good, its lease is taken over once its heartbeat is ${STALE_MS / 1000} s old (or delete ${leasePath(folder)}).`,
			);
		// Move the stale lease aside under a unique name; only one taker can move that file.
		const aside = join(folder, `.postspool-lease.${token}.stale`);
		try {
			renameSync(leasePath(folder), aside);
		} catch {
			continue; // another taker moved it first: look again
		}
		const moved = (() => {
			try {
				return JSON.parse(readFileSync(aside, 'utf8')) as LeaseRecord;
			} catch {
				return undefined;
			}
		})();
		if (moved?.token !== holder.token) {
			// We moved a successor's fresh lease: put it back and look again.
			try {
				linkSync(aside, leasePath(folder));
			} catch {
				/* a third daemon holds it now */
			}
			unlinkSync(aside);
			continue;
		}
		unlinkSync(aside);
		opts.onTakeover?.(
			`took over the lease of the drop folder ${folder} from ${describe(holder)}: ${stale}`,
		);
	}
	throw new LockError(
		`Could not take the lease of the drop folder ${folder}; another daemon is starting on it. Try again.`,
	);
}

function held(folder: string, token: string, record: () => LeaseRecord): Lease {
	const path = leasePath(folder);
	return {
		folder,
		heartbeat() {
			if (readLease(folder)?.token !== token) return false;
			const next = join(folder, `.postspool-lease.${token}.tmp`);
			writeOrRemove(next, record());
			try {
				renameSync(next, path);
			} catch (err) {
				removeQuietly(next);
				throw err;
			}
			return true;
		},
		release() {
			try {
				if (readLease(folder)?.token === token) unlinkSync(path);
			} catch {
				/* already gone */
			}
		},
	};
}
