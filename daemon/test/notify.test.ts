/**
 * Notifications: webhook events signed with HMAC-SHA256, stored in SQLite and retried through an
 * outage of the receiver until each is delivered once; desktop notifications for failures through
 * an injected command; `postspool events` reading the same store.
 */
import { createHmac } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../src/cli';
import { eventsCommand } from '../src/commands/events';
import { statusCommand } from '../src/commands/status';
import { emitFromCli } from '../src/notify/cli-emit';
import { webhookBacklog } from '../src/notify/outbox';
import { refusedForGood, webhookBackoff } from '../src/notify/webhook';
import { ConfigError, loadConfig } from '../src/config/load';
import { NotifyConfig } from '../src/config/schema';
import { Daemon } from '../src/daemon';
import { silentLogger } from '../src/log';
import { desktopCommand } from '../src/notify/desktop';
import { Notifier } from '../src/notify/notifier';
import { openDb } from '../src/state/db';
import { drop, inFuture, makeEnv, tempDir, until as waitUntil } from './helpers';

interface Received {
	headers: Record<string, string | string[] | undefined>;
	body: string;
}

/** A receiver that answers `status()` (503 while "down"), or is closed altogether. */
async function receiver(port = 0, status: () => number = () => 200) {
	const got: Received[] = [];
	const state = { hits: 0 };
	const server: Server = createServer((req, res) => {
		let body = '';
		req.on('data', (c) => (body += c));
		req.on('end', () => {
			state.hits++;
			const code = status();
			if (code < 300) got.push({ headers: req.headers, body });
			res.writeHead(code).end();
		});
	});
	await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
	return {
		got,
		state,
		port: (server.address() as AddressInfo).port,
		close: () => new Promise<void>((r) => server.close(() => r())),
	};
}

const until = <T>(fn: () => T | undefined | false, ms = 20_000) => waitUntil(fn, ms, 25);

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
	for (const c of cleanups.splice(0).reverse()) await c();
});

describe('webhook', () => {
	it('delivers every event once, signed, through an outage of the receiver, without holding the caller', async () => {
		// First up but failing (503), then gone (connection refused), then back on the same port.
		let r = await receiver(0, () => 503);
		const port = r.port;
		const db = openDb(tempDir('postspool-notify-'));
		cleanups.push(() => db.close());
		const config = NotifyConfig.parse({
			webhook: { url: `http://127.0.0.1:${port}/hook`, retryMs: 40, timeoutMs: 2000 },
			desktop: { on: 'off' },
		});
		const n = new Notifier({ db, config, secret: 's3cret', log: silentLogger, now: Date.now });
		cleanups.push(() => n.stop());
		n.start();

		const started = Date.now();
		const a = n.emit({ type: 'queued', item: 'i1', name: 'a.png' });
		await until(() => r.state.hits >= 2);
		await r.close();
		const b = n.emit({ type: 'published', item: 'i1', name: 'a.png', url: 'https://x/1' });
		const c = n.emit({
			type: 'publish-failed',
			item: 'i2',
			name: 'b.png',
			reason: 'token expired',
		});
		// emit only stores: it returned at once, and the undelivered events wait in SQLite.
		expect(Date.now() - started).toBeLessThan(1000);
		expect(n.outbox.pendingCount()).toBeGreaterThanOrEqual(2);
		await new Promise((res) => setTimeout(res, 300));
		expect(r.got).toHaveLength(0);
		expect(n.outbox.pendingCount()).toBe(3);

		r = await receiver(port);
		cleanups.push(() => r.close());
		await until(() => r.got.length >= 3);
		await new Promise((res) => setTimeout(res, 200));
		const bodies = r.got.map((g) => JSON.parse(g.body));
		expect(bodies.map((x) => x.id)).toEqual([a.id, b.id, c.id]);
		expect(bodies.map((x) => x.type)).toEqual(['queued', 'published', 'publish-failed']);
		expect(bodies[2].reason).toBe('token expired');
		for (const g of r.got) {
			const expected = `sha256=${createHmac('sha256', 's3cret').update(g.body).digest('hex')}`;
			expect(g.headers['x-postspool-signature']).toBe(expected);
			expect(g.headers['x-postspool-event']).toBe(JSON.parse(g.body).type);
		}
		expect(n.outbox.pendingCount()).toBe(0);
		// The failed attempts are on record.
		const attempts = db
			.prepare<[], { attempts: number }>('SELECT attempts FROM notify_events ORDER BY id')
			.all()
			.map((x) => x.attempts);
		expect(attempts[0]).toBeGreaterThanOrEqual(3);
	});

	it('a restarted daemon delivers what an earlier run left undelivered', async () => {
		const dir = tempDir('postspool-notify-');
		const config = NotifyConfig.parse({
			webhook: { url: 'http://127.0.0.1:9/nothing-listens', retryMs: 20, timeoutMs: 500 },
			desktop: { on: 'off' },
		});
		let db = openDb(dir);
		const first = new Notifier({ db, config, log: silentLogger, now: Date.now });
		first.emit({ type: 'failed', name: 'x.json', reason: 'bad sidecar' });
		await first.stop();
		db.close();

		const r = await receiver();
		cleanups.push(() => r.close());
		db = openDb(dir);
		cleanups.push(() => db.close());
		const second = new Notifier({
			db,
			config: { ...config, webhook: { ...config.webhook!, url: `http://127.0.0.1:${r.port}/` } },
			log: silentLogger,
			now: Date.now,
		});
		cleanups.push(() => second.stop());
		second.start();
		await until(() => r.got.length === 1);
		expect(JSON.parse(r.got[0].body)).toMatchObject({
			type: 'failed',
			name: 'x.json',
			reason: 'bad sidecar',
		});
		// Unsigned without a secret.
		expect(r.got[0].headers['x-postspool-signature']).toBeUndefined();
	});
});

describe('webhook queue (outside tester findings)', () => {
	/** Runs a command in process and returns its exit code and what it printed. */
	async function cli(fn: () => number | Promise<number>): Promise<{ code: number; out: string }> {
		let out = '';
		const write = process.stdout.write.bind(process.stdout);
		process.stdout.write = ((chunk: string) => {
			out += chunk;
			return true;
		}) as typeof process.stdout.write;
		try {
			return { code: await fn(), out };
		} finally {
			process.stdout.write = write;
		}
	}

	it('a 410 for one event parks it with a message and delivers the rest; status shows the backlog and the parked one; --redeliver sends it again', async () => {
		let gone = true;
		const r = await receiver(0, () => 200);
		cleanups.push(() => r.close());
		// The receiver refuses the event named "gone" (410) until it is fixed.
		const refusing = createServer((req, res) => {
			let body = '';
			req.on('data', (c) => (body += c));
			req.on('end', () => {
				const code = gone && body.includes('"gone.png"') ? 410 : 200;
				if (code === 200) r.got.push({ headers: req.headers, body });
				res.writeHead(code).end();
			});
		});
		await new Promise<void>((ok) => refusing.listen(0, '127.0.0.1', ok));
		cleanups.push(() => new Promise<void>((ok) => refusing.close(() => ok())));
		const port = (refusing.address() as AddressInfo).port;
		const env = makeEnv({
			notify: {
				webhook: { url: `http://127.0.0.1:${port}/hook`, retryMs: 40, timeoutMs: 2000 },
				desktop: { on: 'off' },
			},
		});
		const db = openDb(env.loaded.stateDir);
		cleanups.push(() => db.close());
		const logs: string[] = [];
		const n = new Notifier({
			db,
			config: env.loaded.config.notify,
			log: { log: (_level, msg) => logs.push(msg) },
			now: Date.now,
		});
		cleanups.push(() => n.stop());
		n.start();
		n.emit({ type: 'queued', name: 'first.png' });
		const parked = n.emit({ type: 'failed', name: 'gone.png', reason: 'x' });
		n.emit({ type: 'published', name: 'after.png' });
		await until(() => r.got.length === 2);
		expect(r.got.map((g) => JSON.parse(g.body).name)).toEqual(['first.png', 'after.png']);
		expect(logs.join('\n')).toMatch(
			new RegExp(
				`event ${parked.id} \\(failed\\) parked: the receiver answered 410.*events --redeliver`,
			),
		);
		const status = JSON.parse(
			(await cli(() => statusCommand({ config: env.configPath, json: true }))).out,
		);
		expect(status.webhook).toMatchObject({
			pending: 0,
			parked: 1,
			lastParked: { id: parked.id, error: 'the receiver answered 410' },
		});
		expect((await cli(() => statusCommand({ config: env.configPath }))).out).toMatch(
			/webhook: 0 event\(s\) waiting; 1 parked \(the receiver refused them: the receiver answered 410; "postspool events --redeliver"/,
		);

		gone = false;
		const redo = await cli(() => eventsCommand({ config: env.configPath, redeliver: true }));
		expect(redo.out).toMatch(/^1 parked event\(s\) back in the webhook's queue/);
		// The running notifier picks it up by itself (no new event needed).
		await until(() => r.got.length === 3);
		expect(JSON.parse(r.got[2].body).id).toBe(parked.id);
	});

	it('status shows the backlog while the receiver is down: count, oldest, attempts, last error, next try', async () => {
		const down = await receiver(0, () => 503);
		cleanups.push(() => down.close());
		const env = makeEnv({
			notify: {
				webhook: { url: `http://127.0.0.1:${down.port}/hook`, retryMs: 40, timeoutMs: 2000 },
				desktop: { on: 'off' },
			},
		});
		const db = openDb(env.loaded.stateDir);
		cleanups.push(() => db.close());
		const n = new Notifier({
			db,
			config: env.loaded.config.notify,
			log: silentLogger,
			now: Date.now,
		});
		cleanups.push(() => n.stop());
		n.start();
		const first = n.emit({ type: 'failed', name: 'a.png' });
		n.emit({ type: 'failed', name: 'b.png' });
		// Two attempts on record (the receiver's count runs ahead of the daemon's write).
		await until(() => (webhookBacklog(db).oldest?.attempts ?? 0) >= 2);
		const status = JSON.parse(
			(await cli(() => statusCommand({ config: env.configPath, json: true }))).out,
		);
		expect(status.webhook).toMatchObject({
			pending: 2,
			parked: 0,
			oldest: { id: first.id, type: 'failed', lastError: 'the receiver answered 503' },
		});
		expect(status.webhook.oldest.attempts).toBeGreaterThanOrEqual(2);
		expect((await cli(() => statusCommand({ config: env.configPath }))).out).toMatch(
			/webhook: 2 event\(s\) waiting; oldest \d+ \(failed\) since .*last: the receiver answered 503, next try /,
		);
	});

	it('the backoff doubles from retryMs and never waits more than 5 minutes', () => {
		expect(webhookBackoff(0, 5000)).toBe(5000);
		expect(webhookBackoff(3, 5000)).toBe(40_000);
		fc.assert(
			fc.property(fc.nat(10_000), fc.integer({ min: 10, max: 600_000 }), (attempts, retryMs) => {
				const wait = webhookBackoff(attempts, retryMs);
				expect(wait).toBeLessThanOrEqual(5 * 60_000);
				expect(wait).toBeLessThanOrEqual(webhookBackoff(attempts + 1, retryMs));
			}),
		);
		// Which answers park an event and which hold the queue.
		expect([400, 401, 403, 404, 410, 413, 422].every(refusedForGood)).toBe(true);
		expect([408, 425, 429, 500, 502, 503, 200].some(refusedForGood)).toBe(false);
	});

	it('a cancelled event a CLI command could not deliver goes out from the running daemon within seconds, without another event', async () => {
		let up = false;
		const r = await receiver(0, () => (up ? 200 : 503));
		cleanups.push(() => r.close());
		const env = makeEnv({
			notify: {
				webhook: { url: `http://127.0.0.1:${r.port}/hook`, retryMs: 40, timeoutMs: 2000 },
				desktop: { on: 'off' },
			},
		});
		const db = openDb(env.loaded.stateDir);
		cleanups.push(() => db.close());
		const daemonSide = new Notifier({
			db,
			config: env.loaded.config.notify,
			log: silentLogger,
			now: Date.now,
		});
		cleanups.push(() => daemonSide.stop());
		daemonSide.start();
		// "postspool cancel" in another process: its own connection, its one delivery attempt fails.
		const cliDb = openDb(env.loaded.stateDir);
		await emitFromCli(env.loaded, cliDb, [{ type: 'cancelled', item: 'i1', name: 'oops.png' }]);
		cliDb.close();
		expect(r.state.hits).toBeGreaterThanOrEqual(1); // refused (503): nothing delivered yet
		expect(r.got).toHaveLength(0);
		up = true;
		await until(() => r.got.length >= 1, 5000);
		expect(JSON.parse(r.got[0].body)).toMatchObject({ type: 'cancelled', name: 'oops.png' });
	});
});

describe('desktop notifications', () => {
	it('picks the platform command, and none on Linux without a graphical session', () => {
		expect(
			desktopCommand('t', 'm', { platform: 'linux', env: { PATH: '/usr/bin' } }),
		).toBeUndefined();
		expect(desktopCommand('t', 'm', { platform: 'darwin', env: {} })?.[0]).toBe('osascript');
		expect(desktopCommand('t', 'm', { platform: 'win32', env: {} })?.[0]).toBe('powershell.exe');
		expect(desktopCommand('t', 'm', { command: ['my-notifier', '--x'] })).toEqual([
			'my-notifier',
			'--x',
			't',
			'm',
		]);
	});

	it('never from a test: POSTSPOOL_DESKTOP=off (set by the test configs) turns the built-in ones off, even in a desktop session with the default config', async () => {
		// A desktop session whose notify-send only leaves a mark.
		const home = tempDir('postspool-desktop-off-');
		const bin = join(home, 'bin');
		const mark = join(home, 'shown');
		mkdirSync(bin);
		writeFileSync(join(bin, 'notify-send'), `#!/bin/sh\necho "$@" >> ${JSON.stringify(mark)}\n`, {
			mode: 0o755,
		});
		const session = { DISPLAY: ':0', PATH: `${bin}:${process.env.PATH}` };
		expect(desktopCommand('t', 'm', { platform: 'linux', env: session })?.[0]).toBe('notify-send');
		expect(
			desktopCommand('t', 'm', {
				platform: 'linux',
				env: { ...session, POSTSPOOL_DESKTOP: 'off' },
			}),
		).toBeUndefined();
		// A configured command is the user's own choice (and how tests observe): it still runs.
		expect(
			desktopCommand('t', 'm', { command: ['x'], env: { ...session, POSTSPOOL_DESKTOP: 'off' } }),
		).toEqual(['x', 't', 'm']);
		// The test run itself carries the switch (vitest configs), so a daemon under test with the
		// default desktop config, in that desktop session, shows nothing.
		expect(process.env.POSTSPOOL_DESKTOP).toBe('off');
		const env = makeEnv();
		expect(env.loaded.config.notify.desktop.on).toBe('failures');
		const d = new Daemon({
			loaded: env.loaded,
			log: silentLogger,
			once: true,
			env: { ...process.env, ...session },
		});
		cleanups.push(() => d.stop(1000));
		await d.start();
		drop(join(env.inbox, 'broken.json'), {
			version: 1,
			text: 'hi',
			targets: ['nope'],
			when: inFuture(),
		});
		const db = openDb(env.loaded.stateDir);
		cleanups.push(() => db.close());
		await until(() =>
			new Notifier({
				db,
				config: env.loaded.config.notify,
				log: silentLogger,
				now: Date.now,
			}).outbox
				.since(0)
				.some((e) => e.type === 'failed'),
		);
		await new Promise((r) => setTimeout(r, 500));
		expect(existsSync(mark)).toBe(false);
	});

	it('the daemon shows failures (not successes) and stores every event for "postspool events"', async () => {
		const home = tempDir('postspool-desktop-');
		const log = join(home, 'shown.jsonl');
		const script = join(home, 'notifier.js');
		writeFileSync(
			script,
			`require('fs').appendFileSync(${JSON.stringify(log)}, JSON.stringify(process.argv.slice(2)) + '\\n');`,
		);
		const env = makeEnv({
			notify: { desktop: { on: 'failures', command: [process.execPath, script] } },
		});
		const d = new Daemon({ loaded: env.loaded, log: silentLogger, once: true });
		cleanups.push(() => d.stop(1000));
		await d.start();
		drop(join(env.inbox, 'fine.json'), {
			version: 1,
			text: 'ok',
			targets: ['acme-x'],
			when: inFuture(),
		});
		drop(join(env.inbox, 'broken.json'), {
			version: 1,
			text: 'hi',
			targets: ['no-such-alias'],
			when: inFuture(),
		});
		await until(() => existsSync(log) && readFileSync(log, 'utf8').includes('broken'));
		const shown = readFileSync(log, 'utf8')
			.trim()
			.split('\n')
			.map((l) => JSON.parse(l));
		expect(shown).toHaveLength(1);
		expect(shown[0][0]).toBe('postspool: broken failed');
		expect(shown[0][1]).toMatch(/no-such-alias/);

		let out = '';
		const write = process.stdout.write.bind(process.stdout);
		process.stdout.write = ((chunk: string) => {
			out += chunk;
			return true;
		}) as typeof process.stdout.write;
		try {
			await eventsCommand({ config: env.configPath, json: true });
		} finally {
			process.stdout.write = write;
		}
		const events = out
			.trim()
			.split('\n')
			.map((l) => JSON.parse(l));
		expect(events.map((e) => e.type).sort()).toEqual(['failed', 'queued']);
		const failed = events.find((e) => e.type === 'failed');
		expect(failed.folder).toContain(join(env.folder, 'failed'));
		expect(events.find((e) => e.type === 'queued')).toMatchObject({
			name: 'fine',
			item: expect.any(String),
		});
		// --follow prints new events as they are stored, one JSON line each.
		out = '';
		process.stdout.write = ((chunk: string) => {
			out += chunk;
			return true;
		}) as typeof process.stdout.write;
		const stopFollow = new AbortController();
		let following: Promise<number>;
		try {
			following = eventsCommand({
				config: env.configPath,
				json: true,
				follow: true,
				last: '0',
				intervalMs: 20,
				signal: stopFollow.signal,
			});
			await new Promise((r) => setTimeout(r, 100));
			drop(join(env.inbox, 'broken2.json'), {
				version: 1,
				text: 'x',
				targets: ['nope'],
				when: inFuture(),
			});
			await until(() => out.includes('broken2'));
			stopFollow.abort();
			expect(await following).toBe(0);
		} finally {
			process.stdout.write = write;
		}
		const followed = out
			.trim()
			.split('\n')
			.map((l) => JSON.parse(l));
		expect(followed).toEqual([expect.objectContaining({ type: 'failed', name: 'broken2' })]);
		// Only the failures reached the desktop.
		await until(() => readFileSync(log, 'utf8').includes('broken2'));
		expect(readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(2);
	});
});

/** Runs the CLI in process; returns the exit code and what it wrote. */
async function runCli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
	let out = '';
	let err = '';
	const o = process.stdout.write.bind(process.stdout);
	const e = process.stderr.write.bind(process.stderr);
	process.stdout.write = ((c: string) => ((out += c), true)) as typeof process.stdout.write;
	process.stderr.write = ((c: string) => ((err += c), true)) as typeof process.stderr.write;
	const saved = process.exitCode;
	process.exitCode = 0;
	try {
		await main(['node', 'postspool', ...argv]);
		const code = Number(process.exitCode ?? 0);
		return { code, out, err };
	} finally {
		process.stdout.write = o;
		process.stderr.write = e;
		process.exitCode = saved;
	}
}

describe('webhook config', () => {
	it('doctor checks the webhook secret like a key; run stops with a config error naming it (exit 2, no stack)', async () => {
		const home = tempDir('postspool-secret-');
		const secret = join(home, 'hook.secret');
		writeFileSync(secret, 'shh', { mode: 0o600 });
		const env = makeEnv({
			notify: { webhook: { url: 'http://127.0.0.1:9/hook', secret: { file: secret } } },
		});
		const doctorOk = await runCli(['doctor', '--json', '--config', env.configPath]);
		const okCheck = JSON.parse(doctorOk.out).checks.find(
			(c: { check: string }) => c.check === 'webhook secret',
		);
		expect(okCheck).toMatchObject({ ok: true });

		for (const broken of ['group-readable', 'missing'] as const) {
			if (broken === 'group-readable') chmodSync(secret, 0o644);
			else rmSync(secret);
			const doctor = await runCli(['doctor', '--json', '--config', env.configPath]);
			expect(doctor.code).toBe(1);
			const check = JSON.parse(doctor.out).checks.find(
				(c: { check: string }) => c.check === 'webhook secret',
			);
			expect(check.ok).toBe(false);
			expect(check.detail).toMatch(
				broken === 'missing'
					? /webhook secret.*does not exist\. Write the webhook secret into it/i
					: /webhook secret.*readable by group or others.*chmod 600/i,
			);
			expect(check.detail).not.toMatch(/API key/);

			const run = await runCli(['run', '--once', '--config', env.configPath]);
			expect([broken, run.code, run.err]).toEqual([broken, 2, expect.any(String)]);
			expect(run.err).toMatch(/^postspool: Webhook secret \(notify\.webhook\.secret\)/);
			expect(run.err).not.toMatch(/API key|\n\s+at /);
		}
	});

	it('refuses a webhook URL that is not http(s)', () => {
		for (const url of ['ftp://example.com/hook', 'file:///tmp/hook', 'javascript:alert(1)']) {
			expect(NotifyConfig.safeParse({ webhook: { url } }).success).toBe(false);
			const env = makeEnv({ notify: { webhook: { url: 'http://127.0.0.1:9/hook' } } });
			const text = readFileSync(env.configPath, 'utf8').replace('http://127.0.0.1:9/hook', url);
			writeFileSync(env.configPath, text, { mode: 0o600 });
			let error: unknown;
			try {
				loadConfig(env.configPath);
			} catch (e) {
				error = e;
			}
			expect(error).toBeInstanceOf(ConfigError);
			expect((error as Error).message).toMatch(
				/notify\.webhook\.url: must be an http:\/\/ or https:\/\/ URL/,
			);
		}
		expect(
			NotifyConfig.safeParse({ webhook: { url: 'https://n8n.example.com/webhook/x' } }).success,
		).toBe(true);
	});
});
