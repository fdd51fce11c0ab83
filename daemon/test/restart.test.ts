/**
 * Crash safety with real processes: the CLI daemon is killed with SIGKILL while a create is in
 * flight, restarted, and must end with exactly one post per target and a clean database.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPostFast, startPostSider } from '../../emulators/src/index';
import { PostFastClient } from '../src/api/postfast';
import { PostSiderClient } from '../src/api/postsider';
import { sampleMp4, samplePng } from '../src/demo/media';
import { SEMI_SPACE_MIB, heapCapArgs } from '../src/commands/run-heap';
import { openDb } from '../src/state/db';
import { buildCli, drop, tempDir, until as waitUntil } from './helpers';

let cli: string;
let cleanup = () => {};
let ps: Awaited<ReturnType<typeof startPostSider>>;
let pf: Awaited<ReturnType<typeof startPostFast>>;

beforeAll(async () => {
	({ cli, cleanup } = buildCli());
	ps = await startPostSider({});
	pf = await startPostFast({});
}, 120_000);

// The emulators' clocks only move when told: let the last test's rate windows pass.
afterEach(() => {
	ps.clock.advance(6 * 60_000);
	pf.clock.advance(6 * 60_000);
});

afterAll(async () => {
	cleanup();
	await ps?.close();
	await pf?.close();
});

function daemon(configPath: string): ChildProcess {
	return spawn(process.execPath, [cli, '--config', configPath, 'run'], { stdio: 'ignore' });
}

const until = <T>(fn: () => T | undefined | false, ms = 30_000) => waitUntil(fn, ms);

function targetStates(stateDir: string): string[] {
	const file = join(stateDir, 'postspool.sqlite');
	if (!existsSync(file)) return [];
	const db = new Database(file, { readonly: true, fileMustExist: true });
	try {
		return (
			db.prepare('SELECT state FROM targets ORDER BY id').all() as Array<{ state: string }>
		).map((r) => r.state);
	} catch {
		return [];
	} finally {
		db.close();
	}
}

function receipts(dir: string): string[] {
	const out: string[] = [];
	const walk = (d: string) => {
		if (!existsSync(d)) return;
		for (const e of readdirSync(d, { withFileTypes: true })) {
			if (e.isDirectory()) walk(join(d, e.name));
			else if (e.name === 'receipt.json') out.push(join(d, e.name));
		}
	};
	walk(dir);
	return out;
}

/** A drop folder and config for both emulators, with alias `x` (PostSider) and `fb` (PostFast). */
async function crashSetup(prefix: string) {
	const ints = await new PostSiderClient({
		baseUrl: ps.baseUrl,
		apiKey: ps.apiKey,
	}).listIntegrations();
	const acc = await new PostFastClient({ baseUrl: pf.baseUrl, apiKey: pf.apiKey }).listAccounts();
	if (!ints.ok || !acc.ok) throw new Error('emulators did not answer');
	const channel = ints.value.find((i) => i.identifier === 'x' && !i.disabled)!;
	const account = acc.value.find(
		(a) =>
			a.connectionStatus !== 'DISABLED' &&
			['INSTAGRAM', 'FACEBOOK', 'THREADS'].includes(a.platform),
	)!;
	const home = tempDir(prefix);
	writeFileSync(join(home, 'ps.key'), ps.apiKey, { mode: 0o600 });
	writeFileSync(join(home, 'pf.key'), pf.apiKey, { mode: 0o600 });
	const folder = join(home, 'drop');
	const stateDir = join(home, 'state');
	const configPath = join(home, 'config.jsonc');
	writeFileSync(
		configPath,
		JSON.stringify({
			version: 1,
			stateDir,
			keys: {
				sider: {
					service: 'postsider',
					baseUrl: ps.baseUrl,
					apiKey: { file: join(home, 'ps.key') },
				},
				fast: { service: 'postfast', baseUrl: pf.baseUrl, apiKey: { file: join(home, 'pf.key') } },
			},
			accounts: {
				x: { key: 'sider', id: channel.id, platform: 'x' },
				fb: { key: 'fast', id: account.id, platform: account.platform.toLowerCase() },
			},
			folders: [{ path: folder, defaults: { version: 1 } }],
			stableMs: 0,
			backoffMs: 50,
			backoffCapMs: 200,
		}),
		{ mode: 0o600 },
	);
	return { home, channel, account, folder, stateDir, configPath, inbox: join(folder, 'inbox') };
}

describe('restart mid-pipeline', () => {
	it('SIGKILL while both creates are in flight: after a restart, exactly one post per target', async () => {
		const { account, folder, stateDir, configPath } = await crashSetup('postspool-crash-');
		// Both creates hang long enough to be killed in flight; the servers still process them.
		ps.faults.add({ method: 'POST', path: /\/posts$/, kind: 'latency', delayMs: 1500, times: 1 });
		pf.faults.add({
			method: 'POST',
			path: '/social-posts',
			kind: 'latency',
			delayMs: 1500,
			times: 1,
		});
		const first = daemon(configPath);
		const inbox = join(folder, 'inbox');
		await until(() => existsSync(inbox));
		drop(join(inbox, 'crash.png'), samplePng(40, 40, [42, 42, 42]));
		drop(join(inbox, 'crash.png.json'), {
			text: 'survives a kill -9',
			targets: ['x', 'fb'],
			when: new Date(Date.now() + 86_400_000).toISOString(),
		});
		await until(() => {
			const s = targetStates(stateDir);
			return s.length === 2 && s.every((x) => x === 'submitting');
		});
		first.kill('SIGKILL');
		await new Promise((r) => first.on('exit', r));
		await new Promise((r) => setTimeout(r, 2000)); // the servers finish the creates they received
		const second = daemon(configPath);
		try {
			const [receipt] = await until(() => {
				const r = receipts(join(folder, 'done'));
				return r.length > 0 && r;
			});
			const body = JSON.parse(readFileSync(receipt, 'utf8'));
			expect(body.targets.map((t: { state: string }) => t.state)).toEqual([
				'confirmed',
				'confirmed',
			]);
		} finally {
			second.kill('SIGTERM');
			await new Promise((r) => second.on('exit', r));
		}
		const psPosts = await new PostSiderClient({ baseUrl: ps.baseUrl, apiKey: ps.apiKey }).listPosts(
			{
				startDate: new Date().toISOString(),
				endDate: new Date(Date.now() + 3 * 86_400_000).toISOString(),
			},
		);
		expect(
			psPosts.ok &&
				psPosts.value.posts.filter((p) => p.content.includes('survives a kill -9')).length,
		).toBe(1);
		const pfPosts = await new PostFastClient({ baseUrl: pf.baseUrl, apiKey: pf.apiKey }).listPosts({
			socialMediaIds: [account.id],
			limit: 50,
		});
		expect(
			pfPosts.ok && pfPosts.value.data.filter((p) => p.content === 'survives a kill -9').length,
		).toBe(1);
		const db = new Database(join(stateDir, 'postspool.sqlite'), { readonly: true });
		expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
		db.close();
	});
});

/** Async: the emulators run in this process, so a blocking spawnSync would starve them. */
function cliRun(args: string[]): Promise<{ status: number | null; stdout: string }> {
	return new Promise((resolve) => {
		const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
		let stdout = '';
		child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
		child.on('exit', (status) => resolve({ status, stdout }));
	});
}

describe('accounts and doctor against the emulators', () => {
	it('lists channels with their aliases, and doctor checks each key and the clock skew', async () => {
		const { home, channel, configPath } = await crashSetup('postspool-doctor-');
		const accounts = await cliRun(['--config', configPath, 'accounts', '--json']);
		expect(accounts.status).toBe(0);
		const list = JSON.parse(accounts.stdout) as Array<{
			key: string;
			id: string;
			aliases: string[];
		}>;
		expect(list.find((a) => a.id === channel.id)).toMatchObject({
			key: 'sider',
			aliases: ['x'],
		});
		expect(list.some((a) => a.key === 'fast')).toBe(true);
		expect(accounts.stdout).not.toContain(ps.apiKey);
		const doctor = await cliRun(['--config', configPath, 'doctor', '--json']);
		const report = JSON.parse(doctor.stdout) as {
			checks: Array<{ check: string; ok: boolean; detail: string }>;
		};
		const byName = Object.fromEntries(report.checks.map((c) => [c.check, c]));
		expect(byName['key sider']).toMatchObject({ ok: true });
		expect(byName['key fast']).toMatchObject({ ok: true });
		expect(byName['clock skew vs sider']?.detail).toMatch(/^-?\d+ s$/);
		// A wrong key is named, with what to do.
		writeFileSync(join(home, 'pf.key'), 'wrong', { mode: 0o600 });
		const bad = await cliRun(['--config', configPath, 'doctor', '--json']);
		expect(bad.status).toBe(1);
		const fast = (
			JSON.parse(bad.stdout) as { checks: Array<{ check: string; ok: boolean; fix?: string }> }
		).checks.find((c) => c.check === 'key fast');
		expect(fast).toMatchObject({ ok: false, fix: expect.stringMatching(/wrong or revoked/) });
	});
	it('doctor flags an alias on a disabled channel (PostSider disabled, PostFast DISABLED) and one on no channel, each with the fix', async () => {
		const { configPath, channel, account } = await crashSetup('postspool-doctor-off-');
		const ints = await new PostSiderClient({
			baseUrl: ps.baseUrl,
			apiKey: ps.apiKey,
		}).listIntegrations();
		const acc = await new PostFastClient({ baseUrl: pf.baseUrl, apiKey: pf.apiKey }).listAccounts();
		if (!ints.ok || !acc.ok) throw new Error('emulators did not answer');
		const offPs = ints.value.find((i) => i.disabled);
		const offPf = acc.value.find((a) => a.connectionStatus === 'DISABLED');
		if (!offPs || !offPf) throw new Error('the emulators have no disabled channel to test with');
		const config = JSON.parse(readFileSync(configPath, 'utf8'));
		config.accounts = {
			...config.accounts,
			'ps-off': { key: 'sider', id: offPs.id, platform: offPs.identifier },
			'pf-off': { key: 'fast', id: offPf.id, platform: offPf.platform.toLowerCase() },
			'ps-gone': { key: 'sider', id: 'no-such-channel', platform: 'x' },
		};
		config.folders[0].defaults = { version: 1, targets: ['x', 'ghost'] };
		writeFileSync(configPath, JSON.stringify(config), { mode: 0o600 });
		const doctor = await cliRun(['--config', configPath, 'doctor', '--json']);
		expect(doctor.status).toBe(1);
		const checks = (
			JSON.parse(doctor.stdout) as {
				checks: Array<{ check: string; ok: boolean; detail: string; fix?: string }>;
			}
		).checks;
		const byName = Object.fromEntries(checks.map((c) => [c.check, c]));
		expect(byName['alias x']).toMatchObject({ ok: true, detail: `x channel ${channel.id}` });
		expect(byName['alias fb']).toMatchObject({
			ok: true,
			detail: expect.stringContaining(account.id),
		});
		expect(byName['alias ps-off']).toMatchObject({
			ok: false,
			detail: `its ${offPs.identifier} channel ${offPs.id} is disabled in PostSider: every post to it would fail`,
			fix: 'enable or reconnect the channel in PostSider, or remove "ps-off" from the targets that name it',
		});
		expect(byName['alias pf-off']).toMatchObject({
			ok: false,
			detail: expect.stringMatching(/is disabled in PostFast/),
			fix: expect.stringMatching(/enable or reconnect the channel in PostFast/),
		});
		expect(byName['alias ps-gone']).toMatchObject({
			ok: false,
			detail: 'PostSider (key "sider") has no channel with the id "no-such-channel"',
			fix: expect.stringMatching(/postspool accounts/),
		});
		expect(byName[`folder ${config.folders[0].path} defaults`]).toMatchObject({
			ok: false,
			detail:
				'folders.0.defaults.targets names "ghost", which is not an account alias in the config',
			fix: expect.stringMatching(/add "ghost" under "accounts"/),
		});
	});
});

describe('repeated SIGKILL at random points', () => {
	it('8 kills while 6 posts for both services go through: no post lost, none duplicated', async () => {
		const { account, folder, stateDir, configPath } = await crashSetup('postspool-crash-');
		// Every create is slowed a little so kills land before, during and after it.
		ps.faults.add({ method: 'POST', path: /\/posts$/, kind: 'latency', delayMs: 150 });
		pf.faults.add({ method: 'POST', path: '/social-posts', kind: 'latency', delayMs: 150 });
		const inbox = join(folder, 'inbox');
		const tag = `kill-${Date.now()}`;
		let first = true;
		try {
			for (let round = 0; round < 8; round++) {
				const child = daemon(configPath);
				if (first) {
					await until(() => existsSync(inbox));
					for (let n = 0; n < 6; n++) {
						drop(join(inbox, `k${n}.png`), samplePng(12, 12, [n * 30, 7, 7]));
						drop(join(inbox, `k${n}.png.json`), {
							text: `${tag} ${n}`,
							targets: [n % 2 ? 'x' : 'fb'],
							when: new Date(Date.now() + 86_400_000).toISOString(),
						});
					}
					first = false;
				}
				await new Promise((r) => setTimeout(r, 150 + Math.floor(Math.random() * 500)));
				child.kill('SIGKILL');
				await new Promise((r) => child.on('exit', r));
			}
			const last = daemon(configPath);
			try {
				await until(() => receipts(join(folder, 'done')).length >= 6 && true, 60_000);
			} finally {
				last.kill('SIGTERM');
				await new Promise((r) => last.on('exit', r));
			}
		} finally {
			ps.faults.clear();
			pf.faults.clear();
		}
		const range = {
			startDate: new Date(Date.now() - 86_400_000).toISOString(),
			endDate: new Date(Date.now() + 3 * 86_400_000).toISOString(),
		};
		const psPosts = await new PostSiderClient({ baseUrl: ps.baseUrl, apiKey: ps.apiKey }).listPosts(
			range,
		);
		const pfPosts = await new PostFastClient({ baseUrl: pf.baseUrl, apiKey: pf.apiKey }).listPosts({
			socialMediaIds: [account.id],
			limit: 50,
		});
		if (!psPosts.ok || !pfPosts.ok) throw new Error('list failed');
		for (let n = 0; n < 6; n++) {
			const text = `${tag} ${n}`;
			const count =
				n % 2
					? psPosts.value.posts.filter((p) => p.content.includes(text)).length
					: pfPosts.value.data.filter((p) => p.content === text).length;
			expect(count, text).toBe(1);
		}
		const db = new Database(join(stateDir, 'postspool.sqlite'), { readonly: true });
		expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
		expect(
			(
				db.prepare(`SELECT COUNT(*) n FROM targets WHERE state = 'confirmed'`).get() as {
					n: number;
				}
			).n,
		).toBe(6);
		db.close();
	}, 120_000);
});

describe('run on a terminal', () => {
	it('prints readable lines and upload progress, and --once exits 0 when all is posted', async () => {
		const { inbox, configPath, folder } = await crashSetup('postspool-tty-');
		mkdirSync(inbox, { recursive: true });
		drop(join(inbox, 'film.mp4'), sampleMp4(3 * 1024 * 1024));
		drop(join(inbox, 'film.mp4.json'), {
			text: 'on a tty',
			targets: ['x'],
			when: new Date(Date.now() + 86_400_000).toISOString(),
		});
		const command = [process.execPath, cli, '--config', configPath, 'run', '--once']
			.map((a) => `'${a}'`)
			.join(' ');
		// script(1) gives the daemon a pseudo-terminal, as when a user runs it by hand.
		const child = spawn('script', ['-qec', command, '/dev/null'], {
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let out = '';
		child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
		const code = await new Promise((r) => child.on('exit', r));
		expect(code).toBe(0);
		// The live upload line (drawn in place, cleared before each log line).
		expect(out).toMatch(/↑ 1 upload {2}film\.mp4 100% 3\.0\/3\.0 MB/);
		expect(out).toMatch(/info .*queued film\.mp4/);
		expect(out).not.toMatch(/^\{"time"/m);
		expect(receipts(join(folder, 'done'))).toHaveLength(1);
	}, 60_000);
});

describe('state database of a long-running daemon', () => {
	it('reuses one compiled statement per SQL text; an open iterator never shares its statement', () => {
		const db = openDb(tempDir());
		try {
			const sql = 'SELECT id FROM items WHERE state = ?';
			const a = db.prepare(sql);
			expect(db.prepare(sql)).toBe(a);
			db.prepare(`INSERT INTO events (at, level, message) VALUES (1, 'info', 'a')`).run();
			db.prepare(`INSERT INTO events (at, level, message) VALUES (2, 'info', 'b')`).run();
			const list = 'SELECT message FROM events ORDER BY id';
			const seen: string[] = [];
			for (const row of db.prepare<[], { message: string }>(list).iterate()) {
				// The same SQL while the first iteration is open: a separate statement, not "busy".
				seen.push(
					row.message,
					...db
						.prepare<[], { message: string }>(list)
						.all()
						.map((r) => r.message),
				);
			}
			expect(seen).toEqual(['a', 'a', 'b', 'b', 'a', 'b']);
			// Dynamic SQL is bounded: old texts fall out, recent ones stay cached.
			for (let i = 0; i < 500; i++) db.prepare(`SELECT ${i} AS n`).get();
			expect(db.prepare('SELECT 499 AS n')).toBe(db.prepare('SELECT 499 AS n'));
		} finally {
			db.close();
		}
	});
});

describe('postspool run caps the young generation', () => {
	const argv = ['/usr/bin/node', '/opt/postspool/cli.js', '--config', 'c.jsonc', 'run'];
	it('re-executes `run` once with --max-semi-space-size, keeping node options and arguments', () => {
		expect(heapCapArgs(argv, ['--enable-source-maps'], {})).toEqual([
			'/usr/bin/node',
			'--enable-source-maps',
			`--max-semi-space-size=${SEMI_SPACE_MIB}`,
			'/opt/postspool/cli.js',
			'--config',
			'c.jsonc',
			'run',
		]);
	});
	it('leaves other commands, a user-chosen size and the opt-out alone (so it never loops)', () => {
		expect(heapCapArgs(['/usr/bin/node', 'cli.js', 'status'], [], {})).toBeUndefined();
		expect(heapCapArgs(argv, ['--max-semi-space-size=16'], {})).toBeUndefined();
		expect(heapCapArgs(argv, [], { NODE_OPTIONS: '--max_semi_space_size=2' })).toBeUndefined();
		expect(heapCapArgs(argv, [], { POSTSPOOL_NO_HEAP_CAP: '1' })).toBeUndefined();
	});
});
