/**
 * Publish tracking against both emulators' publishers: the daemon follows accepted posts to
 * published (URL, time) or publish-failed (the service's reason), one list call per key and range,
 * not before the publish time; a post the service failed to publish lands in failed/ with
 * error.json and the retry command, as a post we failed to send does.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPostFast, startPostSider } from '../../emulators/src/index';
import { PostFastClient } from '../src/api/postfast';
import { PostSiderClient } from '../src/api/postsider';
import { cancelCommand } from '../src/commands/cancel';
import { historyCommand } from '../src/commands/history';
import { statusCommand } from '../src/commands/status';
import { loadConfig } from '../src/config/load';
import { Daemon } from '../src/daemon';
import { silentLogger } from '../src/log';
import { retryItem } from '../src/pipeline/retry-cancel';
import { Outbox } from '../src/notify/outbox';
import { openDb } from '../src/state/db';
import { Store } from '../src/state/store';
import { drop, tempDir, until } from './helpers';

const T0 = Date.parse('2027-03-01T09:00:00Z');
let ps: Awaited<ReturnType<typeof startPostSider>>;
let pf: Awaited<ReturnType<typeof startPostFast>>;
let channel: string;
let account: { id: string; platform: string };

beforeAll(async () => {
	ps = await startPostSider({ now: T0 });
	pf = await startPostFast({ now: T0 });
	const ints = await new PostSiderClient({
		baseUrl: ps.baseUrl,
		apiKey: ps.apiKey,
	}).listIntegrations();
	if (!ints.ok) throw new Error(ints.error.message);
	channel = ints.value.find((i) => !i.disabled && i.identifier === 'linkedin')!.id;
	const acc = await new PostFastClient({ baseUrl: pf.baseUrl, apiKey: pf.apiKey }).listAccounts();
	if (!acc.ok) throw new Error(acc.error.message);
	const a = acc.value.find((x) => x.connectionStatus !== 'DISABLED' && x.platform === 'LINKEDIN')!;
	account = { id: a.id, platform: 'linkedin' };
}, 60_000);

afterAll(async () => {
	await ps?.close();
	await pf?.close();
});

let running: Daemon | undefined;
afterEach(async () => {
	await running?.stop(2000);
	running = undefined;
});

/** Both emulator clocks move together; the daemon reads the same time. */
const now = () => ps.clock.now();
function advance(ms: number) {
	ps.clock.advance(ms);
	pf.clock.set(ps.clock.now());
}

function setup(extra: Record<string, unknown> = {}) {
	const home = tempDir('postspool-outcomes-');
	writeFileSync(join(home, 'ps.key'), ps.apiKey, { mode: 0o600 });
	writeFileSync(join(home, 'pf.key'), pf.apiKey, { mode: 0o600 });
	const folder = join(home, 'drop');
	const configPath = join(home, 'config.jsonc');
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
			accounts: {
				'ps-li': { key: 'sider', id: channel, platform: 'linkedin' },
				'pf-li': { key: 'fast', id: account.id, platform: account.platform },
			},
			folders: [{ path: folder, defaults: { version: 1 } }],
			stableMs: 0,
			backoffMs: 50,
			backoffCapMs: 200,
			...extra,
		}),
		{ mode: 0o600 },
	);
	return { home, folder, inbox: join(folder, 'inbox'), configPath, stateDir: join(home, 'state') };
}

async function start(configPath: string): Promise<Daemon> {
	running = new Daemon({ loaded: loadConfig(configPath), log: silentLogger, now });
	await running.start();
	return running;
}

/** Every file named `file` under `dir`. */
function find(dir: string, file: string): string[] {
	const out: string[] = [];
	const walk = (d: string) => {
		if (!existsSync(d)) return;
		for (const e of readdirSync(d, { withFileTypes: true })) {
			if (e.isDirectory()) walk(join(d, e.name));
			else if (e.name === file) out.push(join(d, e.name));
		}
	};
	walk(dir);
	return out;
}
const readJson = (p: string) => JSON.parse(readFileSync(p, 'utf8'));
const lists = () => ({
	ps: ps.requests.filter((r) => r.method === 'GET' && /\/posts(\?|$)/.test(r.path)).length,
	pf: pf.requests.filter((r) => r.method === 'GET' && /\/social-posts(\?|$)/.test(r.path)).length,
});
function targets(stateDir: string) {
	const db = openDb(stateDir);
	try {
		const store = new Store(db);
		return store
			.items()
			.flatMap((i) => store.targets(i.id).map((t) => ({ name: i.name, item: i, t })));
	} finally {
		db.close();
	}
}

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

describe('publish tracking', () => {
	it('follows posts on both publishers to published (URL, time) or publish-failed (reason, failed/, retry)', async () => {
		const env = setup();
		const when = new Date(now() + 10 * 60_000).toISOString();
		const posts = {
			'ps-ok': { text: 'tracked fine', targets: ['ps-li'], when },
			'ps-bad': { text: 'tracked [fail]', targets: ['ps-li'], when },
			'pf-ok': { text: 'tracked fine', targets: ['pf-li'], when },
			'pf-bad': { text: 'tracked [fail]', targets: ['pf-li'], when },
		};
		const d = await start(env.configPath);
		for (const [name, sidecar] of Object.entries(posts))
			drop(join(env.inbox, `${name}.json`), sidecar);
		await until(() => find(join(env.folder, 'done'), 'receipt.json').length === 4);
		const before = lists();
		// Accepted, not yet due: the tracker makes no call before the publish time.
		d.trackNow();
		await new Promise((r) => setTimeout(r, 300));
		expect(lists()).toEqual(before);
		expect(targets(env.stateDir).every((x) => x.t.state === 'confirmed')).toBe(true);

		advance(11 * 60_000);
		d.trackNow();
		await until(() => find(join(env.folder, 'failed'), 'error.json').length === 2);
		await until(() =>
			targets(env.stateDir).every(
				(x) => x.t.state === 'published' || x.t.state === 'publish-failed',
			),
		);
		// One list call per key covered its posts.
		expect(lists()).toEqual({ ps: before.ps + 1, pf: before.pf + 1 });

		const byName = Object.fromEntries(targets(env.stateDir).map((x) => [x.name, x]));
		expect(byName['ps-ok'].t.state).toBe('published');
		expect(byName['pf-ok'].t.state).toBe('published');
		expect(byName['ps-bad'].t.state).toBe('publish-failed');
		expect(byName['pf-bad'].t.state).toBe('publish-failed');
		expect(byName['ps-bad'].item.state).toBe('failed');

		const receipts = find(join(env.folder, 'done'), 'receipt.json').map(readJson);
		expect(receipts).toHaveLength(2);
		const psReceipt = receipts.find((r) => r.targets[0].service === 'postsider');
		expect(psReceipt.targets[0]).toMatchObject({
			state: 'published',
			url: expect.stringMatching(/^https:\/\//),
			publishedAt: when,
		});
		expect(receipts.find((r) => r.targets[0].service === 'postfast').targets[0]).toMatchObject({
			state: 'published',
			publishedAt: when,
		});

		const errors = find(join(env.folder, 'failed'), 'error.json').map((p) => ({
			p,
			e: readJson(p),
		}));
		for (const { p, e } of errors) {
			expect(e.state).toBe('failed');
			expect(e.errors[0].state).toBe('publish-failed');
			expect(e.errors[0].message).toMatch(/could not publish it on linkedin: .*(refused|fail)/i);
			expect(e.retry).toContain(`postspool retry ${e.item}`);
			// The receipt beside it says the same, and the folder left done/.
			expect(readJson(join(p, '..', 'receipt.json')).targets[0].state).toBe('publish-failed');
			expect(p).toContain(join(env.folder, 'failed'));
		}
		expect(find(join(env.folder, 'failed'), 'ps-bad.json')).toHaveLength(1);

		// status lists the service's refusal among the last errors, with the retry command.
		const status = JSON.parse(
			(await cli(() => statusCommand({ config: env.configPath, json: true }))).out,
		);
		expect(status.queue.targets).toMatchObject({ published: 2, 'publish-failed': 2 });
		expect(
			status.lastErrors.filter((e: { message: string }) => /could not publish/.test(e.message)),
		).toHaveLength(2);
		expect(status.lastErrors[0].message).toMatch(/postspool retry /);

		// history: every post with account, service, id, times, state and URL; filters narrow it.
		const all = JSON.parse(
			(await cli(() => historyCommand({ config: env.configPath, json: true }))).out,
		);
		expect(all).toHaveLength(4);
		expect(all.find((r: { name: string }) => r.name === 'ps-ok')).toMatchObject({
			account: 'ps-li',
			platform: 'linkedin',
			service: 'postsider',
			state: 'published',
			scheduledAt: when,
			publishedAt: when,
			url: expect.stringMatching(/^https:\/\//),
		});
		const failedRows = JSON.parse(
			(
				await cli(() =>
					historyCommand({ config: env.configPath, json: true, state: 'publish-failed' }),
				)
			).out,
		);
		expect(failedRows.map((r: { name: string }) => r.name).sort()).toEqual(['pf-bad', 'ps-bad']);
		expect(failedRows[0].error).toMatch(/could not publish/);
		const fast = JSON.parse(
			(await cli(() => historyCommand({ config: env.configPath, json: true, account: 'pf-li' })))
				.out,
		);
		expect(fast.map((r: { service: string }) => r.service)).toEqual(['postfast', 'postfast']);
		const later = JSON.parse(
			(
				await cli(() =>
					historyCommand({
						config: env.configPath,
						json: true,
						since: new Date(Date.parse(when) + 1000).toISOString(),
					}),
				)
			).out,
		);
		expect(later).toEqual([]);
		const text = (await cli(() => historyCommand({ config: env.configPath, state: 'published' })))
			.out;
		expect(text).toContain('published');
		expect(text).toContain('ps-li (linkedin, postsider) ps-ok');
		expect(() => historyCommand({ config: env.configPath, state: 'sent' })).toThrow(
			/is not a state; use one of/,
		);
	});

	it('retry of a post the service failed to publish creates a new post and follows it again', async () => {
		const env = setup();
		const when = new Date(now() + 10 * 60_000).toISOString();
		const d = await start(env.configPath);
		drop(join(env.inbox, 'again.json'), {
			text: 'retry me [fail]',
			targets: ['ps-li'],
			when,
			late: 'post-now',
		});
		await until(() => find(join(env.folder, 'done'), 'receipt.json').length === 1);
		advance(11 * 60_000);
		d.trackNow();
		await until(() => find(join(env.folder, 'failed'), 'error.json').length === 1);
		const first = targets(env.stateDir)[0].t.remote_id;
		await d.stop(2000);
		running = undefined;

		const db = openDb(env.stateDir);
		const store = new Store(db);
		const item = store.items()[0];
		const r = retryItem(store, item.id);
		db.close();
		expect(r).toMatchObject({ ok: true, targets: 1 });
		// The old time is past: the sidecar's time is moved by the daemon's "late" rule; either way a new post.
		const d2 = await start(env.configPath);
		await until(() => {
			const t = targets(env.stateDir)[0].t;
			return t.remote_id && t.remote_id !== first && t.state !== 'pending' ? t : undefined;
		});
		expect(d2).toBeDefined();
	});

	it('retry of a publish-failed post whose time passed says so with the ways out; an edited "when" in failed/ or --at/--now sends it for the new time', async () => {
		const env = setup();
		const when = new Date(now() + 10 * 60_000).toISOString();
		const d = await start(env.configPath);
		for (const name of ['edited', 'given', 'asap'])
			drop(join(env.inbox, `${name}.json`), { text: `${name} [fail]`, targets: ['ps-li'], when });
		await until(() => find(join(env.folder, 'done'), 'receipt.json').length === 3);
		advance(11 * 60_000);
		// The tracker's small share of the budgets takes the three failures in turns.
		await until(
			() => {
				advance(5 * 60_000);
				d.trackNow();
				return find(join(env.folder, 'failed'), 'error.json').length === 3;
			},
			20_000,
			200,
		);
		await d.stop(2000);
		running = undefined;

		const db = openDb(env.stateDir);
		const store = new Store(db);
		const byName = (n: string) => store.items().find((i) => i.name === n)!;
		// The stored time passed and nothing new was given: refused, saying exactly that and how.
		const edited = byName('edited');
		const sidecar = join(edited.final_dir!, 'edited.json');
		const refused = retryItem(store, edited.id, { now: now() });
		expect(refused.ok).toBe(false);
		expect(refused.message).toContain(`the time ${when} has passed`);
		expect(refused.message).toContain(`postspool retry ${edited.id} --at `);
		expect(refused.message).toContain(`postspool retry ${edited.id} --now`);
		expect(refused.message).toContain(`edit "when" (or set "late": "post-now") in ${sidecar}`);
		expect(byName('edited').state).toBe('failed');
		expect(existsSync(sidecar)).toBe(true);
		// A time in the past given on the command line is refused the same way.
		expect(retryItem(store, edited.id, { now: now(), time: { when: when } }).message).toMatch(
			/has passed \(--at /,
		);
		expect(retryItem(store, edited.id, { now: now(), time: { when: 'tomorrow' } })).toMatchObject({
			ok: false,
			message: expect.stringMatching(/is not a time postspool reads: .*ISO time WITH an offset/),
		});

		// The user edits "when" in failed/: retry picks it up and says where the time came from.
		const newWhen = new Date(now() + 30 * 60_000).toISOString();
		writeFileSync(sidecar, JSON.stringify({ ...readJson(sidecar), when: newWhen }));
		const r1 = retryItem(store, edited.id, { now: now() });
		expect(r1).toMatchObject({ ok: true, targets: 1 });
		expect(r1.message).toContain(`"when" in ${sidecar}`);
		const at = new Date(now() + 45 * 60_000).toISOString();
		expect(retryItem(store, byName('given').id, { now: now(), time: { when: at } })).toMatchObject({
			ok: true,
			message: expect.stringContaining(`--at ${at}`),
		});
		expect(
			retryItem(store, byName('asap').id, { now: now(), time: { when: 'asap' } }),
		).toMatchObject({ ok: true, message: expect.stringContaining('--now') });
		db.close();

		await start(env.configPath);
		const sent = await until(() => {
			const all = targets(env.stateDir);
			return all.every((x) => x.t.state === 'confirmed') ? all : undefined;
		});
		const scheduled = Object.fromEntries(sent.map((x) => [x.name, x.t.publish_at]));
		expect(new Date(scheduled.edited!).toISOString()).toBe(newWhen);
		expect(new Date(scheduled.given!).toISOString()).toBe(at);
		// PostSider has the new posts at those times.
		const got = await new PostSiderClient({ baseUrl: ps.baseUrl, apiKey: ps.apiKey }).getPost(
			sent.find((x) => x.name === 'edited')!.t.remote_id!,
		);
		if (!got.ok) throw new Error(got.error.message);
		expect(Date.parse(got.value.posts[0].publishDate)).toBe(Date.parse(newWhen));
	});
});

describe('cancel --remote', () => {
	it('spells out the consequence first, then deletes the scheduled posts on both services and files the folder as .cancelled', async () => {
		// The CLI runs on the wall clock: emulators whose clocks stand at it.
		const saved = { ps, pf };
		ps = await startPostSider({ now: Date.now() });
		pf = await startPostFast({ now: Date.now() });
		try {
			const ints = await new PostSiderClient({
				baseUrl: ps.baseUrl,
				apiKey: ps.apiKey,
			}).listIntegrations();
			if (!ints.ok) throw new Error(ints.error.message);
			channel = ints.value.find((i) => !i.disabled && i.identifier === 'linkedin')!.id;
			const acc = await new PostFastClient({
				baseUrl: pf.baseUrl,
				apiKey: pf.apiKey,
			}).listAccounts();
			if (!acc.ok) throw new Error(acc.error.message);
			account = {
				id: acc.value.find((x) => x.connectionStatus !== 'DISABLED' && x.platform === 'LINKEDIN')!
					.id,
				platform: 'linkedin',
			};
			const env = setup();
			running = new Daemon({ loaded: loadConfig(env.configPath), log: silentLogger, once: true });
			await running.start();
			drop(join(env.inbox, 'oops.json'), {
				text: 'scheduled by mistake',
				targets: ['ps-li', 'pf-li'],
				when: new Date(Date.now() + 2 * 86_400_000).toISOString(),
			});
			await running.idle();
			await running.stop(2000);
			running = undefined;
			const [{ item }] = targets(env.stateDir);
			const psId = targets(env.stateDir).find((x) => x.t.service === 'postsider')!.t.remote_id!;
			const pfId = targets(env.stateDir).find((x) => x.t.service === 'postfast')!.t.remote_id!;
			expect(ps.store.posts.get(psId)?.deletedAt).toBeNull();
			expect(pf.store.posts.has(pfId)).toBe(true);

			// Without --remote: nothing is deleted; the consequence and the command are printed; exit 1.
			const plain = await cli(() => cancelCommand({ config: env.configPath }, item.id));
			expect(plain.code).toBe(1);
			expect(plain.out).toContain(`PostSider post ${psId}`);
			expect(plain.out).toContain(`PostFast post ${pfId}`);
			expect(plain.out).toContain(`postspool cancel ${item.id} --remote`);
			expect(plain.out).toMatch(/cannot be undone/);
			expect(ps.store.posts.get(psId)?.deletedAt).toBeNull();
			expect(pf.store.posts.has(pfId)).toBe(true);

			const remote = await cli(() =>
				cancelCommand({ config: env.configPath, json: true, remote: true }, item.id),
			);
			expect(remote.code).toBe(0);
			const result = JSON.parse(remote.out);
			expect(result.state).toBe('cancelled');
			expect(result.remote.map((r: { ok: boolean }) => r.ok)).toEqual([true, true]);
			// Gone on both services.
			expect(ps.store.posts.get(psId)?.deletedAt).not.toBeNull();
			expect(pf.store.posts.has(pfId)).toBe(false);
			// Filed under a name that says so, with the receipt rewritten.
			expect(result.folder).toMatch(/done\/\d{4}-\d{2}\/oops\.cancelled$/);
			const receipt = readJson(join(result.folder, 'receipt.json'));
			expect(receipt.state).toBe('cancelled');
			for (const t of receipt.targets) {
				expect(t.state).toBe('cancelled');
				expect(t.error.message).toMatch(
					/deleted on (PostSider|PostFast) .* by "postspool cancel --remote"/,
				);
			}
			// A second time: nothing left to take back.
			const again = await cli(() => cancelCommand({ config: env.configPath }, item.id));
			expect(again.code).toBe(0);
		} finally {
			await ps.close();
			await pf.close();
			({ ps, pf } = saved);
		}
	});
});

/** Emulators whose clocks stand at the wall clock (the CLI runs on it), with ids for the config. */
async function wallClock<T>(fn: () => Promise<T>): Promise<T> {
	const saved = { ps, pf, channel, account };
	ps = await startPostSider({ now: Date.now() });
	pf = await startPostFast({ now: Date.now() });
	try {
		const ints = await new PostSiderClient({
			baseUrl: ps.baseUrl,
			apiKey: ps.apiKey,
		}).listIntegrations();
		if (!ints.ok) throw new Error(ints.error.message);
		channel = ints.value.find((i) => !i.disabled && i.identifier === 'linkedin')!.id;
		const acc = await new PostFastClient({ baseUrl: pf.baseUrl, apiKey: pf.apiKey }).listAccounts();
		if (!acc.ok) throw new Error(acc.error.message);
		account = {
			id: acc.value.find((x) => x.connectionStatus !== 'DISABLED' && x.platform === 'LINKEDIN')!.id,
			platform: 'linkedin',
		};
		return await fn();
	} finally {
		await running?.stop(2000);
		running = undefined;
		await ps.close();
		await pf.close();
		({ ps, pf, channel, account } = saved);
	}
}

function events(stateDir: string) {
	const db = openDb(stateDir);
	try {
		return new Outbox(db).since(0);
	} finally {
		db.close();
	}
}

describe('cancel of a published post', () => {
	it('--remote reads the state on both services and refuses a post published since, deleting nothing; once the daemon knows, cancel says so and exits 1', async () => {
		await wallClock(async () => {
			const env = setup();
			running = new Daemon({ loaded: loadConfig(env.configPath), log: silentLogger, once: true });
			await running.start();
			drop(join(env.inbox, 'live.json'), {
				text: 'goes out soon',
				targets: ['ps-li', 'pf-li'],
				when: new Date(Date.now() + 10 * 60_000).toISOString(),
			});
			await running.idle();
			await running.stop(2000);
			running = undefined;
			const [{ item }] = targets(env.stateDir);
			const psId = targets(env.stateDir).find((x) => x.t.service === 'postsider')!.t.remote_id!;
			const pfId = targets(env.stateDir).find((x) => x.t.service === 'postfast')!.t.remote_id!;
			// The services publish it; the daemon has not looked yet (its targets are still confirmed).
			ps.clock.advance(11 * 60_000);
			pf.clock.set(ps.clock.now());
			expect(ps.store.posts.get(psId)?.state).toBe('PUBLISHED');
			expect(targets(env.stateDir).every((x) => x.t.state === 'confirmed')).toBe(true);

			const remote = await cli(() =>
				cancelCommand({ config: env.configPath, remote: true }, item.id),
			);
			expect(remote.code).toBe(1);
			expect(remote.out).toContain(
				`PostSider post ${psId} is already published, delete it on the platform`,
			);
			expect(remote.out).toContain(
				`PostFast post ${pfId} is already published, delete it on the platform`,
			);
			expect(remote.out).not.toMatch(/deleted$/m);
			expect(ps.store.posts.get(psId)?.deletedAt).toBeNull();
			expect(pf.store.posts.has(pfId)).toBe(true);
			expect(targets(env.stateDir).every((x) => x.t.state === 'confirmed')).toBe(true);
			expect(events(env.stateDir).filter((e) => e.type === 'cancelled')).toEqual([]);

			// The daemon's tracker learns it is published; cancel then refuses without calling anything.
			running = new Daemon({
				loaded: loadConfig(env.configPath),
				log: silentLogger,
				now: () => ps.clock.now(),
			});
			await running.start();
			running.trackNow();
			await until(() => targets(env.stateDir).every((x) => x.t.state === 'published'));
			await running.stop(2000);
			running = undefined;
			const calls = ps.requests.length + pf.requests.length;
			for (const remoteFlag of [false, true]) {
				const r = await cli(() =>
					cancelCommand({ config: env.configPath, remote: remoteFlag }, item.id),
				);
				expect(r.code).toBe(1);
				expect(r.out).not.toMatch(/cancelled 0 target/);
				expect(r.out).toMatch(
					/is already published on ps-li, pf-li and cannot be unscheduled: delete it on the platform/,
				);
			}
			expect(ps.requests.length + pf.requests.length).toBe(calls);
			expect(ps.store.posts.get(psId)?.deletedAt).toBeNull();
			expect(pf.store.posts.has(pfId)).toBe(true);
		});
	});
});

describe('cancelled events', () => {
	it('a local cancel of a publish-failed post and a remote cancel each emit "cancelled" (webhook + events); the receipt says cancelled', async () => {
		const got: Array<{ type: string; item?: string; postId?: string }> = [];
		const server = createServer((req, res) => {
			let body = '';
			req.on('data', (c) => (body += c));
			req.on('end', () => {
				got.push(JSON.parse(body));
				res.writeHead(200).end();
			});
		});
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
		try {
			await wallClock(async () => {
				const env = setup({
					notify: {
						webhook: {
							url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
							events: ['cancelled'],
						},
						desktop: { on: 'off' },
					},
				});
				running = new Daemon({
					loaded: loadConfig(env.configPath),
					log: silentLogger,
					now: () => ps.clock.now(),
				});
				await running.start();
				drop(join(env.inbox, 'bad.json'), {
					text: 'will fail [fail]',
					targets: ['ps-li'],
					when: new Date(Date.now() + 10 * 60_000).toISOString(),
				});
				drop(join(env.inbox, 'later.json'), {
					text: 'take me back',
					targets: ['pf-li'],
					when: new Date(Date.now() + 2 * 86_400_000).toISOString(),
				});
				await until(() => find(join(env.folder, 'done'), 'receipt.json').length === 2);
				ps.clock.advance(11 * 60_000);
				pf.clock.set(ps.clock.now());
				running.trackNow();
				await until(() => find(join(env.folder, 'failed'), 'error.json').length === 1);
				await running.stop(2000);
				running = undefined;
				const bad = targets(env.stateDir).find((x) => x.name.startsWith('bad'))!;
				const later = targets(env.stateDir).find((x) => x.name.startsWith('later'))!;
				expect(bad.t.state).toBe('publish-failed');

				const local = await cli(() =>
					cancelCommand({ config: env.configPath, json: true }, bad.item.id),
				);
				expect(local.code).toBe(0);
				const after = targets(env.stateDir).find((x) => x.name.startsWith('bad'))!;
				expect(after.item.state).toBe('cancelled');
				const receipt = readJson(join(after.item.final_dir!, 'receipt.json'));
				expect(receipt.state).toBe('cancelled');
				expect(receipt.targets[0].state).toBe('cancelled');

				const remote = await cli(() =>
					cancelCommand({ config: env.configPath, json: true, remote: true }, later.item.id),
				);
				expect(remote.code).toBe(0);

				const stored = events(env.stateDir).filter((e) => e.type === 'cancelled');
				expect(stored.map((e) => e.item)).toEqual([bad.item.id, later.item.id]);
				expect(stored[1]).toMatchObject({ service: 'postfast', postId: later.t.remote_id });
				// Delivered by the command itself: no daemon runs.
				expect(got.map((e) => [e.type, e.item])).toEqual([
					['cancelled', bad.item.id],
					['cancelled', later.item.id],
				]);
			});
		} finally {
			await new Promise<void>((r) => server.close(() => r()));
		}
	});
});
