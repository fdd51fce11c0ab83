/**
 * The dashboard's pages over a running daemon and both emulators, in process: real folders, real
 * SQLite, real HTTP. Posts go in through the real intake (dropped files); Retry and Cancel from a
 * page change state exactly as `postspool retry` / `cancel` do; SSE says when something changed.
 */
import { existsSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostFast, startPostSider } from '../../../emulators/src/index';
import { PostSiderClient } from '../../src/api/postsider';
import { cancelCommand } from '../../src/commands/cancel';
import { retryCommand } from '../../src/commands/retry';
import { loadConfig } from '../../src/config/load';
import { dashboardToken, loginCode } from '../../src/dashboard/auth';
import { escapeHtml } from '../../src/dashboard/html';
import { type Dashboard, startDashboard } from '../../src/dashboard/server';
import { Daemon } from '../../src/daemon';
import { samplePng } from '../../src/demo/media';
import { silentLogger } from '../../src/log';
import { openDb } from '../../src/state/db';
import { Store } from '../../src/state/store';
import { drop, tempDir, until } from '../helpers';
import { call, signIn } from './client';

let ps: Awaited<ReturnType<typeof startPostSider>>;
let pf: Awaited<ReturnType<typeof startPostFast>>;
let daemon: Daemon;
let dash: Dashboard;
let store: Store;
let inbox: string;
let folder: string;
let configPath: string;
let session: { cookie: string; csrf: string };

const future = (h = 3) => new Date(Date.now() + h * 3_600_000).toISOString();
const creates = () => ps.requests.filter((r) => r.method === 'POST' && /\/posts$/.test(r.path));
const page = async (path: string) => {
	const r = await call(dash.url, path, { headers: { Cookie: session.cookie } });
	expect(r.status, path).toBe(200);
	return r.body;
};
const act = (action: 'retry' | 'cancel', item: string) =>
	call(dash.url, `/actions/${action}`, {
		form: { item, _csrf: session.csrf, back: '/problems' },
		headers: { Cookie: session.cookie, Origin: dash.url.replace(/\/$/, '') },
	});
const itemNamed = (name: string) => store.items().find((i) => i.name === name);
/** Silences a command's output (the CLI's own functions, called in process). */
async function quietly<T>(fn: () => T | Promise<T>): Promise<T> {
	const write = process.stdout.write;
	process.stdout.write = (() => true) as typeof process.stdout.write;
	try {
		return await fn();
	} finally {
		process.stdout.write = write;
	}
}

beforeAll(async () => {
	ps = await startPostSider({});
	pf = await startPostFast({});
	const ints = await new PostSiderClient({
		baseUrl: ps.baseUrl,
		apiKey: ps.apiKey,
	}).listIntegrations();
	if (!ints.ok) throw new Error(ints.error.message);
	const x = ints.value.find((i) => !i.disabled && i.identifier === 'x')!.id;
	const home = tempDir('postspool-dash-');
	writeFileSync(join(home, 'ps.key'), ps.apiKey, { mode: 0o600 });
	writeFileSync(join(home, 'pf.key'), pf.apiKey, { mode: 0o600 });
	folder = join(home, 'drop');
	inbox = join(folder, 'inbox');
	configPath = join(home, 'config.jsonc');
	writeFileSync(
		configPath,
		JSON.stringify({
			version: 1,
			stateDir: join(home, 'state'),
			keys: {
				sider: {
					service: 'postsider',
					baseUrl: ps.baseUrl,
					apiKey: { file: join(home, 'ps.key') },
				},
				fast: { service: 'postfast', baseUrl: pf.baseUrl, apiKey: { file: join(home, 'pf.key') } },
			},
			accounts: { 'ps-x': { key: 'sider', id: x, platform: 'x' } },
			folders: [{ path: folder, defaults: { version: 1 } }],
			stableMs: 0,
			backoffMs: 50,
			backoffCapMs: 200,
			dashboard: { port: 0 },
			tracking: { enabled: false },
		}),
		{ mode: 0o600 },
	);
	const loaded = loadConfig(configPath);
	daemon = new Daemon({ loaded, log: silentLogger });
	await daemon.start();
	dash = await startDashboard({ loaded, log: silentLogger, budgets: daemon.budgetsView });
	store = new Store(openDb(loaded.stateDir));
	session = await signIn(dash.url, loginCode(dashboardToken(loaded.stateDir), dash.instance));
}, 60_000);

afterAll(async () => {
	store?.db.close();
	await dash?.close();
	await daemon?.stop(2000);
	await ps?.close();
	await pf?.close();
});

/** The first 'change' event on /events after `trigger` ran. */
function nextChange(trigger: () => void): Promise<number> {
	return new Promise((resolve, reject) => {
		const started = Date.now();
		const req = request(
			{
				host: '127.0.0.1',
				port: new URL(dash.url).port,
				path: '/events',
				headers: { Host: new URL(dash.url).host, Cookie: session.cookie },
			},
			(res) => {
				expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
				let first = true;
				res.on('data', (chunk: Buffer) => {
					if (first) {
						first = false;
						trigger();
					}
					if (chunk.toString().includes('event: change')) {
						req.destroy();
						resolve(Date.now() - started);
					}
				});
			},
		);
		req.on('error', (err) => (err.message.includes('aborted') ? undefined : reject(err)));
		req.setTimeout(15_000, () => reject(new Error('no change event in 15 s')));
		req.end();
	});
}

describe('dashboard pages against a running daemon', () => {
	it('Schedule: a dropped post shows on its day with account, time, state and its image (told over SSE)', async () => {
		const when = future();
		const png = samplePng(64, 48, [200, 40, 40]);
		await nextChange(() => {
			drop(join(inbox, 'launch.png'), png);
			drop(join(inbox, 'launch.png.json'), { text: 'Launch', targets: ['ps-x'], when });
		});
		const item = await until(() => {
			const i = itemNamed('launch.png');
			return i?.state === 'done' ? i : undefined;
		});
		const day = await page(`/?view=day&date=${when.slice(0, 10)}`);
		expect(day).toContain('launch.png');
		expect(day).toContain('ps-x');
		expect(day).toContain(`<time datetime="${new Date(Date.parse(when)).toISOString()}">`);
		expect(day).toContain('scheduled');
		const src = `/media/${item.id}/0`;
		expect(day).toContain(`src="${src}"`);
		const img = await call(dash.url, src, { headers: { Cookie: session.cookie } });
		expect(img.status).toBe(200);
		expect(img.headers['content-type']).toBe('image/png');
		expect(Buffer.from(img.body, 'latin1').length).toBeGreaterThan(0);
		// Read like intake reads media: a file swapped for a link (or a malformed path) gets no bytes.
		const file = join(item.final_dir!, 'launch.png');
		renameSync(file, `${file}.orig`);
		symlinkSync(`${file}.orig`, file);
		expect((await call(dash.url, src, { headers: { Cookie: session.cookie } })).status).toBe(404);
		rmSync(file);
		renameSync(`${file}.orig`, file);
		for (const bad of [`/media/${item.id}/1`, '/media/%E0%A4%A/0', `/media/..%2F${item.id}/0`])
			expect((await call(dash.url, bad, { headers: { Cookie: session.cookie } })).status, bad).toBe(
				404,
			);
		// The week view holds it too; the week before does not.
		expect(await page(`/?date=${when.slice(0, 10)}`)).toContain('launch.png');
		const before = new Date(Date.parse(when) - 7 * 86_400_000).toISOString().slice(0, 10);
		expect(await page(`/?date=${before}`)).not.toContain('launch.png');
	});

	it('Schedule: an asap post shows on today, once sent, in the style of a post gone out', async () => {
		drop(join(inbox, 'now.png'), samplePng(16, 16, [5, 6, 7]));
		drop(join(inbox, 'now.png.json'), { text: 'now', targets: ['ps-x'], when: 'asap' });
		const item = await until(() => {
			const i = itemNamed('now.png');
			return i?.state === 'done' ? i : undefined;
		});
		const t = store.targets(item.id)[0];
		const day = await page(`/?view=day&date=${new Date().toISOString().slice(0, 10)}`);
		const entry = day.slice(day.indexOf('now.png') - 1500, day.indexOf('now.png'));
		expect(day).toContain('now.png');
		expect(entry).toContain('class="entry published"');
		expect(entry).toContain(
			`<time datetime="${new Date(t.publish_at ?? t.updated_at).toISOString()}">`,
		);
	});

	it('Queue: a sidecar waiting for its media says so', async () => {
		drop(join(inbox, 'later.mp4.json'), { text: 'later', targets: ['ps-x'], when: future() });
		const body = await page('/queue');
		expect(body).toContain('later.mp4');
		expect(body).toContain('waits for its media file later.mp4');
		expect(body).toContain('No upload in progress.');
	});

	it('Queue: a change in what waits in the inboxes is told over SSE (no database change with it)', async () => {
		const version = store.db.pragma('data_version', { simple: true });
		await nextChange(() =>
			drop(join(inbox, 'soon.mp4.json'), { text: 'soon', targets: ['ps-x'], when: future() }),
		);
		expect(await page('/queue')).toContain('waits for its media file soon.mp4');
		// Nothing was committed: the event came from the inbox check.
		expect(store.db.pragma('data_version', { simple: true })).toBe(version);
	});

	it("Problems: posts refused at intake show with error.json's message and fix, and how to drop them again", async () => {
		drop(join(inbox, 'who.png'), samplePng(8, 8, [9, 9, 9]));
		drop(join(inbox, 'who.png.json'), { text: 'who', targets: ['nobody'], when: future() });
		drop(join(inbox, 'old.png'), samplePng(8, 8, [7, 7, 7]));
		drop(join(inbox, 'old.png.json'), {
			text: 'old',
			targets: ['ps-x'],
			when: '2020-01-01T00:00:00Z',
		});
		await until(() =>
			['who.png', 'old.png'].every((n) => existsSync(join(folder, 'failed', n, 'error.json'))),
		);
		const body = await page('/problems');
		expect(body).toContain('Refused at intake');
		for (const n of ['who.png', 'old.png']) {
			const error = JSON.parse(readFileSync(join(folder, 'failed', n, 'error.json'), 'utf8'));
			expect(body).toContain(`<h3>${n}</h3>`);
			expect(body).toContain(escapeHtml(error.errors[0].message));
			if (error.errors[0].fix) expect(body).toContain(`Fix: ${escapeHtml(error.errors[0].fix)}`);
		}
		expect(body).toContain('nobody');
		expect(body).toContain(escapeHtml(inbox));
		// Never items: no Retry for them (the CLI has none either).
		expect(store.items().some((i) => i.name === 'who.png' || i.name === 'old.png')).toBe(false);
	});

	it('Problems: a failed post with its message and fix; Retry sends it again like `postspool retry`', async () => {
		ps.faults.add({
			method: 'POST',
			path: /\/posts$/,
			kind: 'status',
			status: 400,
			times: 2,
			body: { message: 'content is not allowed here', statusCode: 400 },
		});
		for (const name of ['a.png', 'b.png']) {
			drop(join(inbox, name), samplePng(20, 20, [name === 'a.png' ? 1 : 2, 3, 4]));
			drop(join(inbox, `${name}.json`), { text: name, targets: ['ps-x'], when: future(5) });
		}
		const [a, b] = await until(() => {
			const both = ['a.png', 'b.png'].map(itemNamed);
			return both.every((i) => i?.state === 'failed') ? both.map((i) => i!) : undefined;
		});
		const body = await page('/problems');
		for (const i of [a, b]) expect(body).toContain(i.id);
		expect(body).toContain('content is not allowed here');
		expect(body).toMatch(/class="fix">Fix: /);
		expect(body).toContain(`name="item" value="${a.id}"`);
		const sent = creates().length;
		// a from the page, b from the command line: the same result.
		const r = await act('retry', a.id);
		expect(r.status).toBe(303);
		expect(r.headers.location).toBe('/problems');
		expect(await quietly(() => retryCommand({ config: configPath }, b.id))).toBe(0);
		await until(() => ['a.png', 'b.png'].every((n) => itemNamed(n)?.state === 'done'));
		expect(creates().length - sent).toBe(2);
		const ta = store.targets(a.id)[0];
		const tb = store.targets(b.id)[0];
		for (const k of ['state', 'attempts', 'generation', 'error'] as const)
			expect(ta[k]).toEqual(tb[k]);
		expect(ta.state).toBe('confirmed');
		expect(existsSync(join(folder, 'failed', 'a.png'))).toBe(false);
		// The flash says what happened, once.
		const after = await page('/problems');
		expect(after).toContain(`re-queued 1 target(s) of ${a.id}`);
		// Focus goes to it (not to BODY): focusable, autofocus, and the script focuses it.
		expect(after).toMatch(
			/<p\s+class="flash ok"\s+role="alert"\s+id="flash"\s+tabindex="-1"\s+autofocus\s*>/,
		);
		const js = await call(dash.url, '/assets/dashboard.js', {});
		expect(js.body).toContain("document.getElementById('flash')");
		expect(js.body).toMatch(/flash\.focus\(\)/);
		expect(await page('/problems')).not.toContain('re-queued');
	});

	it('Cancel from the page does what `postspool cancel` does', async () => {
		ps.faults.add({ method: 'POST', path: /\/posts$/, kind: 'status', status: 400, times: 2 });
		for (const name of ['c.png', 'd.png']) {
			drop(join(inbox, name), samplePng(21, 21, [name === 'c.png' ? 5 : 6, 3, 4]));
			drop(join(inbox, `${name}.json`), { text: name, targets: ['ps-x'], when: future(6) });
		}
		const [c, d] = await until(() => {
			const both = ['c.png', 'd.png'].map(itemNamed);
			return both.every((i) => i?.state === 'failed') ? both.map((i) => i!) : undefined;
		});
		expect((await act('cancel', c.id)).status).toBe(303);
		expect(await quietly(() => cancelCommand({ config: configPath }, d.id))).toBe(0);
		const [ic, id] = [store.item(c.id)!, store.item(d.id)!];
		expect(ic.state).toBe(id.state);
		expect(store.targets(c.id)[0].state).toBe('cancelled');
		expect(store.targets(d.id)[0].state).toBe('cancelled');
		expect(ic.final_dir?.replace('c.png', 'X')).toBe(id.final_dir?.replace('d.png', 'X'));
		const events = store.db
			.prepare<[], { payload: string }>(
				`SELECT payload FROM notify_events WHERE type = 'cancelled'`,
			)
			.all()
			.map((e) => (JSON.parse(e.payload) as { item: string }).item);
		expect(events).toEqual(expect.arrayContaining([c.id, d.id]));
		expect(await page('/problems')).not.toContain(`value="${c.id}"`);
	});

	it('Budgets: every window of a key with used, reserved, free and next free, and the 24-hour chart with 429s', async () => {
		ps.faults.add({
			method: 'POST',
			path: /\/upload$/,
			kind: 'status',
			status: 429,
			times: 1,
			body: { message: 'ThrottlerException: Too Many Requests', statusCode: 429 },
			headers: { 'retry-after': '1' },
		});
		drop(join(inbox, 'e.png'), samplePng(22, 22, [7, 3, 4]));
		drop(join(inbox, 'e.png.json'), { text: 'e', targets: ['ps-x'], when: future(7) });
		await until(() => itemNamed('e.png')?.state === 'done', 30_000);
		const body = await page('/budgets');
		const windows = daemon.budgetsView.status('sider');
		expect(windows.length).toBeGreaterThan(0);
		for (const w of windows) {
			expect(body).toContain(
				w.label.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#39;'),
			);
			expect(body).toContain(
				`${w.used} used, ${w.inFlight} reserved, ${w.remaining} free of ${w.effectiveLimit}`,
			);
		}
		expect(body).toMatch(/<svg\s+class="bar"/);
		expect(body).toMatch(
			/Calls per hour over the last 24 hours for sider: [1-9]\d* calls, 1 answered 429/,
		);
		expect(body).toContain('class="r429"');
		expect(body).toContain('answered 429');
	});

	it('Published: links to the live posts, newest first', async () => {
		const item = itemNamed('launch.png')!;
		const t = store.targets(item.id)[0];
		store.db
			.prepare(
				`INSERT INTO outcomes (target_id, item_id, key_name, service, account_id, remote_id, publish_at, state, url, published_at, next_check_at, updated_at)
				 VALUES (?, ?, 'sider', 'postsider', ?, ?, ?, 'published', ?, ?, 0, ?)`,
			)
			.run(
				t.id,
				item.id,
				t.account_id,
				t.remote_id,
				t.publish_at,
				'https://x.example/status/1',
				Date.now(),
				Date.now(),
			);
		const body = await page('/published');
		expect(body).toContain('launch.png');
		expect(body).toContain('href="https://x.example/status/1"');
	});

	it('Retry at a new time from the page does what `retry --at` / `retry --now` do', async () => {
		ps.faults.add({
			method: 'POST',
			path: /\/posts$/,
			kind: 'status',
			status: 400,
			times: 3,
			body: { message: 'not now', statusCode: 400 },
		});
		const names = ['late-1.png', 'late-2.png', 'late-3.png'];
		for (const [k, name] of names.entries()) {
			drop(join(inbox, name), samplePng(12, 12, [k, 8, 9]));
			drop(join(inbox, `${name}.json`), { text: name, targets: ['ps-x'], when: future(5) });
		}
		const [c, d, e] = await until(() => {
			const all = names.map(itemNamed);
			return all.every((i) => i?.state === 'failed') ? all.map((i) => i!) : undefined;
		});
		const body = await page('/problems');
		expect(body).toContain('Retry at a new time');
		expect(body).toContain(`id="at-${c.id}"`);
		const retry = (item: string, form: Record<string, string>) =>
			call(dash.url, '/actions/retry', {
				form: { item, _csrf: session.csrf, back: '/problems', ...form },
				headers: { Cookie: session.cookie, Origin: dash.url.replace(/\/$/, '') },
			});
		// A time the CLI refuses is refused with the CLI's message, nothing re-queued.
		expect((await retry(c.id, { when: 'at', at: 'tomorrowish' })).status).toBe(303);
		expect(itemNamed('late-1.png')!.state).toBe('failed');
		expect(await page('/problems')).toMatch(/class="flash bad"/);
		// --at from the page (c) and the command line (d): the same new time.
		const at = future(7);
		expect((await retry(c.id, { when: 'at', at })).status).toBe(303);
		expect(await quietly(() => retryCommand({ config: configPath, at }, d.id))).toBe(0);
		// --now from the page (e).
		expect((await retry(e.id, { when: 'now' })).status).toBe(303);
		await until(() => names.every((n) => itemNamed(n)?.state === 'done'));
		const when = (id: string) => JSON.parse(store.item(id)!.post).when;
		expect(when(c.id)).toEqual({ kind: 'at', at: Date.parse(at) });
		expect(when(c.id)).toEqual(when(d.id));
		expect(store.targets(c.id)[0].publish_at).toBe(store.targets(d.id)[0].publish_at);
		expect(when(e.id)).toEqual({ kind: 'asap' });
	});
});
