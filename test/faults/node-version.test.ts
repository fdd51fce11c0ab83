/**
 * Finding 10 (issue 10): an unsupported Node is refused in one clear line before anything native
 * loads (better-sqlite3 built for Node 24 segfaults on Node 20), `npm run demo` stops with its
 * daemon's error instead of waiting forever, and the committed bin answers `--version`.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { supportedNode } from '../../daemon/src/node-version';
import { DaemonRig, ROOT } from './lib/daemon';

/** An older Node on this machine (Debian's /usr/bin/node), if there is one below the minimum. */
function oldNode(): string | undefined {
	for (const candidate of ['/usr/bin/node', '/usr/local/bin/node']) {
		try {
			const v = execFileSync(candidate, ['--version'], { encoding: 'utf8' }).trim();
			if (!supportedNode(v)) return candidate;
		} catch {
			/* not installed */
		}
	}
	return undefined;
}

const BIN = join(ROOT, 'daemon/bin/postspool.js');

describe('an unsupported Node, the demo, the bin', () => {
	it.skipIf(!oldNode())(
		'postspool run on Node < 22.22 exits 1 with one line naming both versions (no segfault)',
		() => {
			const rig = new DaemonRig({ stableMs: 100 });
			const r = spawnSync(oldNode()!, [BIN, 'run', '--config', rig.configPath], {
				encoding: 'utf8',
				timeout: 30_000,
			});
			expect(r.signal).toBeNull();
			expect(r.status).toBe(1);
			const lines = r.stderr.trim().split('\n');
			expect(lines).toHaveLength(1);
			expect(lines[0]).toMatch(
				/^postspool: Node 2\d\.\d+\.\d+ is not supported; postspool needs Node 22\.22\.0 or newer/,
			);
		},
	);

	it("npm run demo stops with its daemon's exit instead of waiting when the daemon dies", async () => {
		const demo = spawn(process.execPath, [join(ROOT, 'daemon/dist/daemon/src/demo.js')], {
			stdio: ['ignore', 'pipe', 'pipe'],
			env: { ...process.env, NO_COLOR: '1' },
		});
		let out = '';
		demo.stdout!.on('data', (d: Buffer) => (out += d.toString()));
		demo.stderr!.on('data', (d: Buffer) => (out += d.toString()));
		const exited = new Promise<number | null>((r) => demo.once('exit', (c) => r(c)));
		// Kill the demo's daemon child as soon as it exists.
		const started = Date.now();
		let killed = false;
		while (!killed && Date.now() - started < 30_000 && demo.exitCode === null) {
			const ps = spawnSync('ps', ['-o', 'pid=', '--ppid', String(demo.pid)], { encoding: 'utf8' });
			for (const pid of ps.stdout
				.split('\n')
				.map((s) => Number(s.trim()))
				.filter((n) => n > 0)) {
				process.kill(pid, 'SIGKILL');
				killed = true;
			}
			await new Promise((r) => setTimeout(r, 50));
		}
		expect(killed).toBe(true);
		const t0 = Date.now();
		const code = await Promise.race([
			exited,
			new Promise<'hung'>((r) => setTimeout(() => r('hung'), 20_000)),
		]);
		if (code === 'hung') demo.kill('SIGKILL');
		expect(code).toBe(1);
		expect(Date.now() - t0).toBeLessThan(20_000);
		expect(out).toMatch(/demo FAILED: the daemon exited \(SIGKILL\)/);
	}, 60_000);

	it('the committed bin is executable and prints the package version with --version', () => {
		const pkg = JSON.parse(readFileSync(join(ROOT, 'daemon/package.json'), 'utf8')) as {
			version: string;
			bin: Record<string, string>;
		};
		expect(join(ROOT, 'daemon', pkg.bin.postspool)).toBe(BIN);
		expect(statSync(BIN).mode & 0o111).not.toBe(0);
		const tracked = execFileSync('git', ['ls-files', '-s', 'daemon/bin/postspool.js'], {
			cwd: ROOT,
			encoding: 'utf8',
		});
		expect(tracked).toMatch(/^100755 /);
		const r = spawnSync(BIN, ['--version'], {
			encoding: 'utf8',
			env: {
				...process.env,
				PATH: `${process.execPath.replace(/\/node$/, '')}:${process.env.PATH}`,
			},
		});
		expect(r.status).toBe(0);
		expect(r.stdout.trim()).toBe(pkg.version);
	});
});
