/**
 * One daemon per state directory: an exclusive lock file holding the owner's pid. A lock left by a
 * process that no longer exists (kill -9) is taken over.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export class LockError extends Error {}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (err) {
		return (err as NodeJS.ErrnoException).code === 'EPERM';
	}
}

export function lockPath(stateDir: string): string {
	return join(stateDir, 'daemon.lock');
}

/** The pid of a running daemon on this state dir, if any. */
export function lockHolder(stateDir: string): number | undefined {
	try {
		const pid = Number(readFileSync(lockPath(stateDir), 'utf8').trim());
		return pid > 0 && alive(pid) ? pid : undefined;
	} catch {
		return undefined;
	}
}

export function acquireLock(stateDir: string): () => void {
	const path = lockPath(stateDir);
	for (let attempt = 0; attempt < 2; attempt++) {
		try {
			const fd = openSync(path, 'wx', 0o600);
			writeSync(fd, `${process.pid}\n`);
			closeSync(fd);
			return () => {
				try {
					if (readFileSync(path, 'utf8').trim() === String(process.pid)) unlinkSync(path);
				} catch {
					/* already gone */
				}
			};
		} catch (err) {
			if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
			const holder = lockHolder(stateDir);
			if (holder !== undefined) {
				throw new LockError(
					`Another postspool daemon (pid ${holder}) already uses the state directory ${stateDir}. Stop it first, or give this one another "stateDir".`,
				);
			}
			// Stale lock from a crashed process.
			try {
				unlinkSync(path);
			} catch {
				/* raced with another starter; the next openSync decides */
			}
		}
	}
	throw new LockError(`Could not take the lock ${path}; another daemon is starting. Try again.`);
}
