/**
 * Finding 7 (issue 10): the environment fails under the daemon. A full disk under the state
 * directory pauses intake and work (one log line) and resumes when space returns, instead of an
 * uncaught SQLITE_FULL killing the daemon; a damaged database gives its path and the remedy (no
 * stack trace) and `doctor` finds it with quick_check; posts left in .processing/ without a
 * database record (the database lost while stopped) are recovered without a duplicate
 * (lost-database.test.ts).
 */
import { spawnSync } from 'node:child_process';
import {
	closeSync,
	existsSync,
	mkdirSync,
	openSync,
	readdirSync,
	renameSync,
	rmSync,
	statSync,
	writeFileSync,
	writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAEMON_BIN, DaemonRig, marker, postsiderChannel, waitFor } from './lib/daemon';
import { type Emulator, countMarkers, followRealTime, loadEmulators } from './lib/emulators';

/** Mounts a small tmpfs at `dir` (root only); false where that is not allowed. */
function mountSmall(dir: string, size: string): boolean {
	mkdirSync(dir, { recursive: true });
	return spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]).status === 0;
}

/** Writes zeros to `path` until the file system is full. */
function fill(path: string): void {
	const fd = openSync(path, 'w');
	const block = Buffer.alloc(64 * 1024);
	try {
		for (;;) writeSync(fd, block);
	} catch (err) {
		if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
	} finally {
		closeSync(fd);
	}
}

const future = () => new Date(Date.now() + 3 * 86_400_000).toISOString();

describe('the environment: disk full, a damaged database, a lost database', () => {
	let ps: Emulator;
	let stopClock = () => {};
	let channel: { id: string; platform: string };
	const rigs: DaemonRig[] = [];
	const mounts: string[] = [];
	const rigFor = (o: Partial<ConstructorParameters<typeof DaemonRig>[0]> = {}) => {
		const rig = new DaemonRig({
			ps,
			psApiLimit: 100_000,
			accounts: { 'ps-li': { key: 'ps', ...channel } },
			stableMs: 100,
			rescanMs: 1000,
			...o,
		});
		rigs.push(rig);
		return rig;
	};

	beforeAll(async () => {
		const loaded = await loadEmulators();
		if (!loaded.ok) throw new Error(loaded.reason);
		ps = await loaded.mod.startPostSider({ apiLimit: 100_000 });
		stopClock = followRealTime(ps);
		channel = await postsiderChannel(ps, 'linkedin');
	});
	afterAll(async () => {
		stopClock();
		for (const r of rigs) await r.kill9();
		for (const m of mounts) spawnSync('umount', ['-l', m]);
		await ps?.close();
	});

	it('a full disk under the state directory pauses the daemon (logged once) and it resumes when space returns', async (ctx) => {
		const rig = rigFor();
		if (!mountSmall(rig.stateDir, '3m')) ctx.skip(); // needs root (CI runs as root)
		mounts.push(rig.stateDir);
		const markers: string[] = [];
		const drop = (name: string) => {
			const m = marker();
			markers.push(m);
			rig.dropPost(name, { version: 1, text: `disk ${m}`, targets: ['ps-li'], when: future() });
		};
		drop('before-full');
		rig.start();
		await waitFor(
			() => rig.doneNames().includes('before-full'),
			30_000,
			() => rig.logText().slice(-1500),
		);
		const filler = join(rig.stateDir, 'filler');
		fill(filler);
		for (let k = 0; k < 6; k++) drop(`while-full-${k}`);
		await waitFor(
			() => /the disk is full/.test(rig.logText()),
			30_000,
			() => `no disk-full line; log: ${rig.logText().slice(-2000)}`,
		);
		await new Promise((r) => setTimeout(r, 3000));
		expect(rig.running, `the daemon died; log: ${rig.logText().slice(-2000)}`).toBe(true);
		expect(rig.logText().match(/the disk is full/g)).toHaveLength(1);
		rmSync(filler);
		await waitFor(
			() => [0, 1, 2, 3, 4, 5].every((k) => rig.doneNames().includes(`while-full-${k}`)),
			60_000,
			() => `not resumed: done ${rig.doneNames().join(', ')}; log: ${rig.logText().slice(-2000)}`,
		);
		expect(rig.logText()).toMatch(/disk space is back: intake and work resume/);
		const counts = countMarkers(ps, markers);
		for (const m of markers) expect(counts.get(m), m).toBe(1);
		expect(rig.integrityCheck()).toBe('ok');
		await rig.stop();
	});

	it('a full disk under the drop folder: a refused post gets its error.json once space returns, never a failed/ folder without one', async (ctx) => {
		const rig = rigFor();
		if (!mountSmall(rig.drop, '2m')) ctx.skip(); // needs root (CI runs as root)
		mounts.push(rig.drop);
		mkdirSync(rig.inbox, { recursive: true });
		// Refused at intake (an alias the config does not have): its error.json is all it gets.
		// Written under hidden names first: they appear (a rename needs no space) once the disk is full.
		const sidecar = JSON.stringify({
			version: 1,
			text: 'nobody',
			targets: ['nobody'],
			when: future(),
		});
		writeFileSync(join(rig.inbox, '.refused-full.json.tmp'), sidecar);
		mkdirSync(join(rig.inbox, '.refused-full-folder.partial'));
		writeFileSync(join(rig.inbox, '.refused-full-folder.partial', 'post.json'), sidecar);
		rig.start();
		await waitFor(
			() => existsSync(join(rig.drop, '.postspool-lease.json')),
			30_000,
			() => rig.logText().slice(-1500),
		);
		const filler = join(rig.drop, 'filler');
		fill(filler);
		renameSync(join(rig.inbox, '.refused-full.json.tmp'), join(rig.inbox, 'refused-full.json'));
		renameSync(
			join(rig.inbox, '.refused-full-folder.partial'),
			join(rig.inbox, 'refused-full-folder'),
		);
		await waitFor(
			() => /the disk is full/.test(rig.logText()),
			30_000,
			() => `no disk-full line; log: ${rig.logText().slice(-2000)}`,
		);
		await new Promise((r) => setTimeout(r, 2000));
		// Nothing in failed/ without the file that says why: the posts wait in the inbox.
		const failed = join(rig.drop, 'failed');
		const folders = existsSync(failed) ? readdirSync(failed) : [];
		for (const f of folders)
			expect(existsSync(join(failed, f, 'error.json')), `failed/${f} has no error.json`).toBe(true);
		rmSync(filler);
		await waitFor(
			() => rig.errorFiles().length === 2,
			30_000,
			() =>
				`no error.json after space returned: ${JSON.stringify(rig.errorFiles())}; log: ${rig.logText().slice(-2000)}`,
		);
		for (const e of rig.errorFiles()) expect(JSON.stringify(e.body.errors)).toMatch(/nobody/);
		expect(existsSync(join(failed, 'refused-full', 'refused-full.json'))).toBe(true);
		expect(existsSync(join(failed, 'refused-full-folder', 'post.json'))).toBe(true);
		expect(rig.inboxEntries()).toEqual([]);
		expect(rig.running).toBe(true);
		await rig.stop();
	});

	it('a full disk under the drop folder: the lease heartbeat does not kill the daemon, no lease temp file stays, work goes on once space returns', async (ctx) => {
		const rig = rigFor();
		if (!mountSmall(rig.drop, '2m')) ctx.skip(); // needs root (CI runs as root)
		mounts.push(rig.drop);
		mkdirSync(rig.inbox, { recursive: true });
		rig.start();
		await waitFor(
			() => existsSync(join(rig.drop, '.postspool-lease.json')),
			30_000,
			() => rig.logText().slice(-1500),
		);
		const filler = join(rig.drop, 'filler');
		fill(filler);
		// Past one heartbeat (every 10 s): before, its ENOSPC was uncaught and killed the daemon.
		await new Promise((r) => setTimeout(r, 12_000));
		expect(rig.running, `the daemon died; log: ${rig.logText().slice(-2000)}`).toBe(true);
		expect(rig.logText()).not.toMatch(/\n\s+at /);
		expect(readdirSync(rig.drop).filter((n) => n.endsWith('.tmp'))).toEqual([]);
		rmSync(filler);
		const m = marker();
		rig.dropPost('after-full', {
			version: 1,
			text: `drop disk ${m}`,
			targets: ['ps-li'],
			when: future(),
		});
		await waitFor(
			() => rig.doneNames().includes('after-full'),
			60_000,
			() => `not posted after space returned; log: ${rig.logText().slice(-2000)}`,
		);
		expect(countMarkers(ps, [m]).get(m)).toBe(1);
		await rig.stop();
	});

	it('a damaged database: run exits with its path and the remedy (no stack trace); doctor finds it with quick_check', async () => {
		const rig = rigFor();
		rig.dropPost('seed', {
			version: 1,
			text: `seed ${marker()}`,
			targets: ['ps-li'],
			when: future(),
		});
		rig.start();
		await waitFor(
			() => rig.doneNames().includes('seed'),
			30_000,
			() => rig.logText().slice(-1500),
		);
		await rig.stop();
		const db = join(rig.stateDir, 'postspool.sqlite');
		// Damage a page in the middle (the header stays valid: only a check finds it).
		const fd = openSync(db, 'r+');
		const size = statSync(db).size;
		writeSync(
			fd,
			Buffer.alloc(4096, 0xa5),
			0,
			4096,
			Math.max(4096, Math.floor(size / 8192) * 4096),
		);
		closeSync(fd);
		const doctor = spawnSync(process.execPath, [DAEMON_BIN, '--config', rig.configPath, 'doctor'], {
			encoding: 'utf8',
			env: rig.env,
		});
		expect(doctor.status).not.toBe(0);
		expect(doctor.stdout).toMatch(
			new RegExp(
				`FAIL database: the state database ${db.replace(/[/.]/g, '\\$&')} is damaged \\((quick_check|SQLITE_CORRUPT)`,
			),
		);
		// Now the header too: the file is no database at all.
		const fd2 = openSync(db, 'r+');
		writeSync(fd2, Buffer.alloc(100, 0x5a), 0, 100, 0);
		closeSync(fd2);
		const run = spawnSync(process.execPath, [DAEMON_BIN, '--config', rig.configPath, 'run'], {
			encoding: 'utf8',
			env: rig.env,
			timeout: 30_000,
		});
		expect(run.status).toBe(1);
		expect(run.stderr).toContain(`the state database ${db} is damaged (SQLITE_NOTADB`);
		expect(run.stderr).toContain(`mv "${db}" "${db}.broken"`);
		expect(run.stderr).not.toMatch(/^\s+at /m);
	});

	it('the database lost while stopped: a post in .processing/ whose creates had failed is recovered and posted once', async () => {
		const rig = rigFor();
		// Every create fails with 500, so the post waits in .processing/ for its next attempt.
		ps.faults.add({
			method: 'POST',
			path: /\/posts$/,
			kind: 'status',
			status: 500,
			body: { msg: 'down' },
			times: 1000,
		});
		const m = marker();
		rig.dropPost('orphan', { version: 1, text: `orphan ${m}`, targets: ['ps-li'], when: future() });
		rig.start();
		const processing = join(rig.drop, '.processing');
		await waitFor(
			() => existsSync(processing) && readdirSync(processing).length === 1,
			30_000,
			() => rig.logText().slice(-1500),
		);
		await rig.stop();
		for (const f of readdirSync(rig.stateDir))
			if (f.startsWith('postspool.sqlite')) rmSync(join(rig.stateDir, f));
		ps.faults.clear();
		rig.start();
		// Recovered (intake/recover.ts): created under the post's own Idempotency-Key, once.
		await waitFor(
			() => rig.doneNames().includes('orphan'),
			30_000,
			() => rig.logText().slice(-1500),
		);
		expect(countMarkers(ps, [m]).get(m)).toBe(1);
		expect(readdirSync(processing)).toEqual([]);
		expect(rig.logText()).toMatch(/recovered orphan from \.processing\//);
		await rig.stop();
	});
	it('a zero-length database beside a drop folder with history: the daemon starts, and its log says the database is new but the folder has posted before', async () => {
		const rig = rigFor();
		const m = marker();
		rig.dropPost('posted-once', {
			version: 1,
			text: `history ${m}`,
			targets: ['ps-li'],
			when: future(),
		});
		rig.start();
		await waitFor(
			() => rig.doneNames().includes('posted-once'),
			30_000,
			() => rig.logText().slice(-1500),
		);
		await rig.stop();
		expect(rig.logText()).not.toMatch(/is new, but the drop folder/);
		for (const f of readdirSync(rig.stateDir))
			if (f.startsWith('postspool.sqlite-')) rmSync(join(rig.stateDir, f));
		writeFileSync(join(rig.stateDir, 'postspool.sqlite'), '');
		rig.start();
		await waitFor(
			() => /is new, but the drop folder/.test(rig.logText()),
			30_000,
			() => `no fresh-database warning; log: ${rig.logText().slice(-1500)}`,
		);
		expect(rig.logText()).toMatch(
			/the state database \S+postspool\.sqlite is new, but the drop folder \S+ already has a history \(1 in done\/\)/,
		);
		expect(rig.running).toBe(true);
		await rig.stop();
	});
	it('run on a full disk at start: one line saying the disk is full, exit 1, no stack trace', async (ctx) => {
		const rig = rigFor();
		if (!mountSmall(rig.stateDir, '1m')) ctx.skip(); // needs root (CI runs as root)
		mounts.push(rig.stateDir);
		fill(join(rig.stateDir, 'filler'));
		const code = await rig.start().exited;
		expect(code).toBe(1);
		expect(rig.logText()).toMatch(
			/"error": "the disk is full \(.*\); free space under the state directory/, // run --json: one JSON object
		);
		expect(rig.logText()).not.toMatch(/\n\s+at /);
	});
});
