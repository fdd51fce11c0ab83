/**
 * A start that fails part way gives back what it took (issue 10): the state-directory lock, the
 * drop-folder leases already held and the database. The next start — in the same process, as the
 * demo and the tests do, or by `postspool run` again — then works without a "pid <own pid>
 * already uses the state directory" or a lease left on the good folder.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load';
import { Daemon } from '../src/daemon';
import { silentLogger } from '../src/log';
import { LEASE_FILE } from '../src/state/lease';
import { lockPath } from '../src/state/lock';
import { makeEnv } from './helpers';

/** The test config with a second drop folder at `second`. */
function withSecondFolder(second: string) {
	const env = makeEnv();
	const loaded = loadConfig(env.configPath);
	loaded.config.folders.push({ ...loaded.config.folders[0], path: second });
	return { env, loaded };
}

describe('a start that fails releases its lock and leases', () => {
	it('a folder that cannot be made (a file is in its way): no lock, no lease; the next start works', async () => {
		const home = makeEnv().home;
		const blocker = join(home, 'blocker');
		writeFileSync(blocker, 'a file where a folder should be');
		const { env, loaded } = withSecondFolder(join(blocker, 'drop'));
		const first = new Daemon({ loaded, log: silentLogger });
		await expect(first.start()).rejects.toThrow(/ENOTDIR|not a directory/);
		expect(existsSync(lockPath(loaded.stateDir))).toBe(false);
		expect(existsSync(join(env.folder, LEASE_FILE))).toBe(false);
		// The folder is fixed: the same config starts in the same process.
		rmSync(blocker);
		const second = new Daemon({ loaded, log: silentLogger });
		await second.start();
		expect(existsSync(lockPath(loaded.stateDir))).toBe(true);
		expect(existsSync(join(env.folder, LEASE_FILE))).toBe(true);
		expect(existsSync(join(blocker, 'drop', LEASE_FILE))).toBe(true);
		await second.stop(0);
		expect(existsSync(lockPath(loaded.stateDir))).toBe(false);
		expect(existsSync(join(env.folder, LEASE_FILE))).toBe(false);
	});

	it('the second folder leased by another daemon: the first folder’s lease is given back too', async () => {
		const other = join(makeEnv().home, 'shared');
		mkdirSync(other, { recursive: true });
		const lease = {
			host: `${hostname()}-elsewhere`,
			pid: 4242,
			stateDir: '/elsewhere/state',
			startedAt: new Date().toISOString(),
			heartbeatAt: new Date().toISOString(),
			token: 'abcdef0123456789',
		};
		writeFileSync(join(other, LEASE_FILE), JSON.stringify(lease));
		const { env, loaded } = withSecondFolder(other);
		const first = new Daemon({ loaded, log: silentLogger });
		await expect(first.start()).rejects.toThrow(
			/Another postspool daemon already works on the drop folder/,
		);
		expect(existsSync(lockPath(loaded.stateDir))).toBe(false);
		expect(existsSync(join(env.folder, LEASE_FILE))).toBe(false);
		// The other daemon's lease is untouched.
		expect(existsSync(join(other, LEASE_FILE))).toBe(true);
		// Without the shared folder, this config starts at once.
		loaded.config.folders.pop();
		const second = new Daemon({ loaded, log: silentLogger });
		await second.start();
		await second.stop(0);
	});
});

describe('a stop always ends', () => {
	it('a watcher close and a scan that never settle do not keep stop() from releasing the lock and lease', async () => {
		// Seen once in CI: a daemon never logged "postspool stopped" after SIGTERM while its drop
		// folder had swapped links thousands of times (test/faults/swap-race.test.ts).
		const env = makeEnv();
		const loaded = loadConfig(env.configPath);
		const daemon = new Daemon({ loaded, log: silentLogger });
		await daemon.start();
		const parts = daemon as unknown as {
			watcher?: { close(): Promise<void> };
			intake?: { stop(): Promise<void> };
		};
		const never = () => new Promise<void>(() => undefined);
		if (parts.watcher) parts.watcher.close = never;
		if (parts.intake) parts.intake.stop = never;
		await daemon.stop(0);
		expect(existsSync(lockPath(loaded.stateDir))).toBe(false);
		expect(existsSync(join(env.folder, LEASE_FILE))).toBe(false);
	}, 20_000);
});
