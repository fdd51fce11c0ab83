/** The CLI as users run it: spawned with node, real files, real signals. */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../src/state/db';
import { Store } from '../src/state/store';
import { buildCli, drop, makeEnv, tempDir } from './helpers';

let cli: string;
let cleanup = () => {};

beforeAll(() => {
	({ cli, cleanup } = buildCli());
}, 120_000);

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
	const r = spawnSync(process.execPath, [cli, ...args], {
		encoding: 'utf8',
		env: { ...process.env, ...env },
		timeout: 30_000,
	});
	return { code: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
}

function waitFor(child: ChildProcess, text: RegExp, ms = 15_000): Promise<string> {
	return new Promise((resolve, reject) => {
		let seen = '';
		const timer = setTimeout(
			() => reject(new Error(`timed out waiting for ${text}; got: ${seen}`)),
			ms,
		);
		child.stdout!.on('data', (d: Buffer) => {
			seen += d.toString();
			if (text.test(seen)) {
				clearTimeout(timer);
				resolve(seen);
			}
		});
	});
}

describe('postspool CLI', () => {
	it('init writes an owner-only commented config and the drop folder; refuses to overwrite', () => {
		const dir = tempDir();
		const config = join(dir, 'cfg', 'config.jsonc');
		const r = run(['--config', config, 'init', '--folder', join(dir, 'drop'), '--json']);
		expect(r.code).toBe(0);
		expect(r.json()).toMatchObject({ config, inbox: join(dir, 'drop', 'inbox') });
		expect(statSync(config).mode & 0o777).toBe(0o600);
		expect(readFileSync(config, 'utf8')).toMatch(/^\/\/ postspool configuration/);
		expect(existsSync(join(dir, 'drop', 'inbox'))).toBe(true);
		const again = run(['--config', config, 'init']);
		expect(again.code).toBe(1);
		expect(again.stderr).toMatch(/already exists .* --force/);
	});

	it('a broken config exits 2 and names the JSON path', () => {
		const dir = tempDir();
		const config = join(dir, 'c.jsonc');
		writeFileSync(config, '{ "version": 1, "keys": {}, "folders": [], }');
		const r = run(['--config', config, 'status', '--json']);
		expect(r.code).toBe(2);
		expect(r.json().details.issues).toContainEqual({
			path: '$.folders',
			message: 'add at least one entry to "folders"',
		});
	});

	it('plan exits 2 on invalid posts and lists every problem with its path; 0 when all are valid', () => {
		const env = makeEnv();
		drop(join(env.inbox, 'bad.json'), { version: 1, text: 'b', targets: ['ghost'], when: 'asap' });
		const bad = run(['--config', env.configPath, 'plan', '--json']);
		expect(bad.code).toBe(2);
		expect(bad.json().posts[0]).toMatchObject({
			name: 'bad',
			valid: false,
			errors: [{ path: '$.targets.0' }],
		});
		// plan never moves anything
		expect(existsSync(join(env.inbox, 'bad.json'))).toBe(true);
		const good = makeEnv();
		drop(join(good.inbox, 'ok.json'), {
			version: 1,
			text: 'fine',
			targets: ['acme-x', 'acme-bsky'],
			when: new Date(Date.now() + 3_600_000).toISOString(),
		});
		const ok = run(['--config', good.configPath, 'plan', '--json']);
		expect(ok.code).toBe(0);
		const targets = ok.json().posts[0].targets;
		expect(targets.map((t: { target: string }) => t.target)).toEqual(['acme-x', 'acme-bsky']);
		for (const t of targets) expect(Date.parse(t.eta)).toBeGreaterThan(0);
	});

	it('check refuses a FIFO and a link named .csv by their kind: no hang, the link target is never read', () => {
		const env = makeEnv();
		const fifo = join(env.inbox, 'pipe.csv');
		spawnSync('mkfifo', [fifo]);
		const secret = join(env.home, 'secret.txt');
		writeFileSync(secret, 'root:x:0:0:SECRET-FIRST-LINE\n');
		const link = join(env.inbox, 'link.csv');
		symlinkSync(secret, link);
		const p = run(['--config', env.configPath, 'check', fifo]);
		expect(p.code).toBe(2);
		expect(p.stderr).toMatch(/is a named pipe \(FIFO\), not a regular file/);
		const l = run(['--config', env.configPath, 'check', link]);
		expect(l.code).toBe(2);
		expect(l.stderr).toMatch(/is a symbolic link; postspool does not follow links/);
		expect(l.stdout + l.stderr).not.toContain('SECRET-FIRST-LINE');
	});

	it('plan gives PostFast posts the ETAs of batched creates: 150 text posts fit one day (75 creates of up to 15)', () => {
		const env = makeEnv();
		const at = new Date(Date.now() + 3 * 86_400_000).toISOString();
		for (let i = 0; i < 150; i++)
			drop(join(env.inbox, `t${i}.json`), {
				version: 1,
				text: `t${i}`,
				targets: ['acme-bsky'],
				when: at,
			});
		const r = run(['--config', env.configPath, 'plan', '--json']);
		expect(r.code).toBe(0);
		const etas = r
			.json()
			.posts.map((p: { targets: Array<{ eta: string }> }) => Date.parse(p.targets[0].eta));
		expect(etas).toHaveLength(150);
		// One create per post would need two days of the 75-a-day create window.
		expect(Math.max(...etas) - Date.now()).toBeLessThan(3_600_000);
	});

	it('queue ls gives each waiting target its ETA behind the ones ahead (PostSider 60 creates an hour; PostFast 15 per create)', () => {
		const env = makeEnv();
		const store = new Store(openDb(env.loaded.stateDir));
		for (let i = 0; i < 150; i++) {
			const target =
				i < 100
					? {
							label: 'acme-x',
							key_name: 'sider',
							service: 'postsider' as const,
							account_id: 'ch-x',
							platform: 'x',
						}
					: {
							label: 'acme-bsky',
							key_name: 'fast',
							service: 'postfast' as const,
							account_id: 'pf-a',
							platform: 'bluesky',
						};
			const id = `q${String(i).padStart(3, '0')}`;
			// The item as intake records it (the batch rule reads the target's request-wide fields).
			const post = JSON.stringify({
				name: id,
				kind: 'file',
				media: [],
				when: { kind: 'asap' },
				sidecar: { version: 1, text: id },
				targets: [
					{
						label: target.label,
						keyName: target.key_name,
						service: target.service,
						accountId: target.account_id,
						platform: target.platform,
					},
				],
				droppedAt: Date.now(),
			});
			store.insertItem(
				{
					id,
					identity: id.padEnd(64, '0'),
					name: id,
					folder: env.folder,
					work_dir: env.folder,
					post,
				},
				[target],
			);
		}
		store.db.close();
		const r = run(['--config', env.configPath, 'queue', 'ls', '--json']);
		expect(r.code).toBe(0);
		const etas = (r.json() as Array<{ name: string; targets: Array<{ eta: string }> }>).map(
			(i) => ({ name: i.name, in: Date.parse(i.targets[0].eta) - Date.now() }),
		);
		const sider = etas.filter((e) => e.name < 'q100').map((e) => e.in);
		const fast = etas.filter((e) => e.name >= 'q100').map((e) => e.in);
		expect(sider).toHaveLength(100);
		// 100 creates at 60 an hour: the last ones an hour or more out, the first ones now.
		expect(Math.min(...sider)).toBeLessThan(60_000);
		expect(Math.max(...sider)).toBeGreaterThan(3_600_000);
		// 50 PostFast posts are 4 creates: all go now.
		expect(Math.max(...fast)).toBeLessThan(60_000);
	});

	it('status exits 3 when no daemon runs', () => {
		const env = makeEnv();
		const r = run(['--config', env.configPath, 'status', '--json']);
		expect(r.code).toBe(3);
		expect(r.json()).toMatchObject({ running: false, queue: { items: {}, targets: {} } });
	});

	it('run holds the state-dir lock, a second run is refused, SIGTERM exits 0 and frees the lock', async () => {
		const env = makeEnv();
		const child = spawn(process.execPath, [cli, '--config', env.configPath, 'run'], {
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		try {
			const out = await waitFor(child, /postspool started/);
			expect(() =>
				out
					.split('\n')
					.filter(Boolean)
					.map((l) => JSON.parse(l)),
			).not.toThrow(); // JSON lines off a TTY
			const second = run(['--config', env.configPath, 'run']);
			expect(second.code).toBe(1);
			expect(second.stderr).toMatch(/Another postspool daemon \(pid \d+\)/);
			const status = run(['--config', env.configPath, 'status', '--json']);
			expect(status.code).toBe(0);
			expect(status.json()).toMatchObject({ running: true, pid: child.pid });
		} finally {
			child.kill('SIGTERM');
		}
		const code = await new Promise((r) => child.on('exit', r));
		expect(code).toBe(0);
		expect(existsSync(join(env.loaded.stateDir, 'daemon.lock'))).toBe(false);
	});

	it('a key file readable by others is refused with the chmod fix', () => {
		const env = makeEnv();
		chmodSync(join(env.home, 'ps.key'), 0o644);
		const r = run(['--config', env.configPath, 'doctor', '--json']);
		expect(r.code).toBe(1);
		const check = r.json().checks.find((c: { check: string }) => c.check === 'key sider');
		expect(check.ok).toBe(false);
		expect(check.detail).toMatch(/readable by group or others .*chmod 600/);
		expect(r.stdout).not.toMatch(/ps-test-key|pf-test-key/);
	});

	it('a key from an unset environment variable is named', () => {
		const env = makeEnv(
			{ accounts: {} },
			{ sider: { service: 'postsider', apiKey: { env: 'POSTSPOOL_TEST_UNSET' } } },
		);
		const r = run(['--config', env.configPath, 'doctor', '--json'], { POSTSPOOL_TEST_UNSET: '' });
		expect(r.json().checks.find((c: { check: string }) => c.check === 'key sider').detail).toMatch(
			/POSTSPOOL_TEST_UNSET is not set/,
		);
	});

	it.each(['linux', 'darwin', 'win32'])(
		'install-service --print writes a %s unit with absolute paths',
		(platform) => {
			const env = makeEnv();
			const r = run([
				'--config',
				env.configPath,
				'install-service',
				'--platform',
				platform,
				'--print',
				'--json',
			]);
			expect(r.code).toBe(0);
			const plan = r.json();
			expect(plan.written).toBe(false);
			expect(plan.content).toContain(process.execPath);
			expect(plan.content).toContain(cli);
			if (platform === 'linux')
				expect(plan.content).toMatch(/Restart=on-failure[\s\S]*WantedBy=default.target/);
			if (platform === 'darwin')
				expect(plan.content).toMatch(
					/<key>KeepAlive<\/key><dict><key>SuccessfulExit<\/key><false\/>/,
				);
			if (platform === 'win32') expect(plan.content).toMatch(/<LogonTrigger>/);
		},
	);
});

afterAll(() => cleanup());
