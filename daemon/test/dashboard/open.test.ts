/**
 * `postspool open` against a real dashboard with a stub browser opener (an `xdg-open` first on PATH
 * that records its argv): the login code is on no process's command line (any local user can read
 * /proc/<pid>/cmdline), it sits in a 0600 page in the state directory, and that page signs in.
 */
import {
	chmodSync,
	existsSync,
	mkdtempSync,
	readFileSync,
	readdirSync,
	statSync,
	writeFileSync,
} from 'node:fs';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCommand } from '../../src/commands/open';
import { loginCode, sweepOpenPages, writeOpenPage } from '../../src/dashboard/auth';
import { type Dashboard, startDashboard } from '../../src/dashboard/server';
import { createLogger } from '../../src/log';
import { acquireLock } from '../../src/state/lock';
import { type Env, makeEnv } from '../helpers';
import { call } from './client';

let env: Env;
let dash: Dashboard;

beforeAll(async () => {
	env = makeEnv({ dashboard: { port: 0 } });
	dash = await startDashboard({
		loaded: env.loaded,
		log: createLogger({ stream: new PassThrough(), pretty: false }),
	});
});

afterAll(async () => {
	await dash?.close();
});

const readToken = () => readFileSync(join(env.loaded.stateDir, 'dashboard-token'), 'utf8').trim();

/** Every process's command line we can read, as text. */
function allCommandLines(): string[] {
	const out: string[] = [];
	for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
		try {
			out.push(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '));
		} catch {
			/* gone */
		}
	}
	return out;
}

describe.runIf(process.platform === 'linux')('postspool open', () => {
	it('gives the browser a 0600 page, not the code: no argv holds it, and the page signs in once', async () => {
		const bin = mkdtempSync(join(tmpdir(), 'postspool-browser-'));
		const record = join(bin, 'argv.txt');
		// The stub stays alive a moment so its own argv can be checked too.
		writeFileSync(
			join(bin, 'xdg-open'),
			`#!/bin/sh\nprintf '%s\\n' "$@" > "${record}.tmp" && mv "${record}.tmp" "${record}"\nsleep 3\n`,
		);
		chmodSync(join(bin, 'xdg-open'), 0o755);
		const path = process.env.PATH;
		process.env.PATH = `${bin}:${path}`;
		const release = acquireLock(env.loaded.stateDir);
		const write = process.stdout.write;
		process.stdout.write = (() => true) as typeof process.stdout.write;
		try {
			expect(await openCommand({ config: env.configPath })).toBe(0);
		} finally {
			process.stdout.write = write;
			process.env.PATH = path;
			release();
		}
		for (let i = 0; i < 100 && !existsSync(record); i++)
			await new Promise((r) => setTimeout(r, 50));
		const argv = readFileSync(record, 'utf8').trim().split('\n');
		expect(argv).toHaveLength(1);
		const file = argv[0];
		expect(file.startsWith(join(env.loaded.stateDir, 'dashboard-open-'))).toBe(true);
		expect(statSync(file).mode & 0o777).toBe(0o600);
		const page = readFileSync(file, 'utf8');
		const code = /name="secret" value="([^"]+)"/.exec(page)?.[1] ?? '';
		expect(code).toMatch(/^\d{13}\.[0-9a-f]{64}$/);
		expect(page).toContain(`action="${dash.url}login"`);
		// While the opener runs: the code is on no command line, the file's path is.
		const lines = allCommandLines();
		expect(lines.some((l) => l.includes(file))).toBe(true);
		expect(lines.filter((l) => l.includes(code))).toEqual([]);

		// The page's POST, as a browser sends it from a file:// document.
		const r = await call(dash.url, '/login', {
			form: { secret: code },
			headers: { Origin: 'null' },
		});
		expect(r.status).toBe(200);
		const cookie = String(r.headers['set-cookie']).split(';')[0];
		expect(cookie).toMatch(/^postspool_session=/);
		expect(r.body).toContain('url=/');
		expect((await call(dash.url, '/', { headers: { Cookie: cookie } })).status).toBe(200);
		// Spent, and its page is gone.
		expect(existsSync(file)).toBe(false);
		const again = await call(dash.url, '/login', {
			form: { secret: code },
			headers: { Origin: 'null' },
		});
		expect(again.status).toBe(401);
	});

	it.runIf(existsSync('/usr/bin/chromium'))(
		'signs a real browser in from the page (Chromium opens the file; the code is accepted from file://)',
		async () => {
			// Chromium dumps the page it has at a load event: the sign-in file itself when the dump
			// comes before the form's POST (a loaded machine), so a few tries, each with a fresh code.
			let title = '';
			for (let i = 0; i < 4 && !/Schedule|Signed in/.test(title); i++) {
				const file = writeOpenPage(
					env.loaded.stateDir,
					dash.url,
					loginCode(readToken(), dash.instance),
				);
				const dom = await new Promise<string>((resolve, reject) =>
					execFile(
						'/usr/bin/chromium',
						[
							'--headless',
							'--no-sandbox',
							'--disable-gpu',
							`--user-data-dir=${mkdtempSync(join(tmpdir(), 'postspool-chromium-'))}`,
							'--timeout=8000',
							'--dump-dom',
							`file://${file}`,
						],
						{ encoding: 'utf8', timeout: 90_000 },
						(err, out) => (err ? reject(err) : resolve(out)),
					),
				);
				title = /<title>([^<]*)<\/title>/.exec(dom)?.[1] ?? '';
				// Never refused: the code from a file:// page (Origin: null) is accepted.
				expect(dom).not.toContain('That code or token is not valid');
				if (/Schedule|Signed in/.test(title)) expect(existsSync(file)).toBe(false);
				await new Promise((r) => setTimeout(r, 5));
			}
			// Signed in: the "Signed in" page, or the Schedule once its refresh has run.
			expect(title).toMatch(/Schedule|Signed in/);
		},
		120_000,
	);

	it('lets Origin: null through only to /login, and only with a one-time code', async () => {
		const token = readFileSync(join(env.loaded.stateDir, 'dashboard-token'), 'utf8').trim();
		const withToken = await call(dash.url, '/login', {
			form: { secret: token },
			headers: { Origin: 'null' },
		});
		expect(withToken.status).toBe(401);
		expect(withToken.headers['set-cookie']).toBeUndefined();
		const action = await call(dash.url, '/actions/retry', {
			form: { item: 'x', _csrf: 'x' },
			headers: { Origin: 'null' },
		});
		expect(action.status).toBe(403);
		const foreign = await call(dash.url, '/login', {
			form: { secret: loginCode(token, dash.instance) },
			headers: { Origin: 'http://evil.example' },
		});
		expect(foreign.status).toBe(403);
	});

	it('sweeps sign-in pages older than a code lives', () => {
		const stale = join(env.loaded.stateDir, `dashboard-open-${'a'.repeat(32)}.html`);
		writeFileSync(stale, 'x', { mode: 0o600 });
		sweepOpenPages(env.loaded.stateDir, undefined, Date.now() + 10_000);
		expect(existsSync(stale)).toBe(true);
		sweepOpenPages(env.loaded.stateDir, undefined, Date.now() + 61_000);
		expect(existsSync(stale)).toBe(false);
	});
});
