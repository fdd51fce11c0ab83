/**
 * The daemon end to end against both emulators, in process: real folders, real SQLite, real HTTP.
 * Success for both services, each failure path and its error.json, retries (5xx uses an attempt,
 * 429 does not), target independence, and exactly-once when a create's outcome is unknown.
 */
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPostFast, startPostSider } from '../../emulators/src/index';
import { PostFastClient } from '../src/api/postfast';
import { PostSiderClient } from '../src/api/postsider';
import { loadConfig } from '../src/config/load';
import { Daemon } from '../src/daemon';
import { sampleMp4, samplePng } from '../src/demo/media';
import { createLogger, silentLogger } from '../src/log';
import { retryItem } from '../src/pipeline/retry-cancel';
import { openDb } from '../src/state/db';
import { Store } from '../src/state/store';
import { drop, tempDir, until } from './helpers';

type Emu = Awaited<ReturnType<typeof startPostSider>>;
let ps: Emu;
let pf: Awaited<ReturnType<typeof startPostFast>>;
let channels: { x: string; other: string };
let accounts: { a: string; b: string; aPlatform: string; bPlatform: string };

const PLATFORM: Record<string, string> = {
	INSTAGRAM: 'instagram',
	FACEBOOK: 'facebook',
	X: 'x',
	LINKEDIN: 'linkedin',
	THREADS: 'threads',
	BLUESKY: 'bluesky',
	TIKTOK: 'tiktok',
	YOUTUBE: 'youtube',
	PINTEREST: 'pinterest',
	TELEGRAM: 'telegram',
};

beforeAll(async () => {
	ps = await startPostSider({});
	pf = await startPostFast({});
	const ints = await new PostSiderClient({
		baseUrl: ps.baseUrl,
		apiKey: ps.apiKey,
	}).listIntegrations();
	if (!ints.ok) throw new Error(ints.error.message);
	const live = ints.value.filter((i) => !i.disabled);
	channels = {
		x: live.find((i) => i.identifier === 'x')!.id,
		other: (
			live.find((i) => ['linkedin', 'threads', 'bluesky', 'facebook'].includes(i.identifier)) ??
			live[1]
		).id,
	};
	const acc = await new PostFastClient({ baseUrl: pf.baseUrl, apiKey: pf.apiKey }).listAccounts();
	if (!acc.ok) throw new Error(acc.error.message);
	// Accounts whose platforms take an image post without extra controls.
	const easy = acc.value.filter(
		(a) =>
			a.connectionStatus !== 'DISABLED' &&
			['INSTAGRAM', 'FACEBOOK', 'THREADS', 'BLUESKY', 'X', 'LINKEDIN'].includes(a.platform),
	);
	accounts = {
		a: easy[0].id,
		b: easy[1].id,
		aPlatform: PLATFORM[easy[0].platform],
		bPlatform: PLATFORM[easy[1].platform],
	};
}, 60_000);

afterAll(async () => {
	await ps?.close();
	await pf?.close();
});

let running: Daemon | undefined;
afterEach(async () => {
	ps.faults.clear();
	pf.faults.clear();
	// The emulators' clocks only move when told: let every rate window of the last test pass
	// (minute and 5-minute windows; the hourly ones hold far more than these tests send).
	ps.clock.advance(6 * 60_000);
	pf.clock.advance(6 * 60_000);
	await running?.stop(2000);
	running = undefined;
});

function setup(extra: Record<string, unknown> = {}) {
	const home = tempDir('postspool-pipe-');
	writeFileSync(join(home, 'ps.key'), ps.apiKey, { mode: 0o600 });
	writeFileSync(join(home, 'pf.key'), pf.apiKey, { mode: 0o600 });
	const folder = join(home, 'drop');
	const config = {
		version: 1,
		stateDir: join(home, 'state'),
		keys: {
			sider: { service: 'postsider', baseUrl: ps.baseUrl, apiKey: { file: join(home, 'ps.key') } },
			fast: { service: 'postfast', baseUrl: pf.baseUrl, apiKey: { file: join(home, 'pf.key') } },
		},
		accounts: {
			'ps-x': { key: 'sider', id: channels.x, platform: 'x' },
			'pf-a': { key: 'fast', id: accounts.a, platform: accounts.aPlatform },
			'pf-b': { key: 'fast', id: accounts.b, platform: accounts.bPlatform },
		},
		folders: [{ path: folder, defaults: { version: 1 } }],
		stableMs: 0,
		rescanMs: 60_000,
		backoffMs: 50,
		backoffCapMs: 200,
		maxAttempts: 4,
		...extra,
	};
	const configPath = join(home, 'config.jsonc');
	writeFileSync(configPath, JSON.stringify(config), { mode: 0o600 });
	return { home, folder, inbox: join(folder, 'inbox'), configPath };
}

/** The same config with a 1 s request timeout (to lose answers on purpose). */
function setupTimeout(configPath: string): string {
	const c = JSON.parse(readFileSync(configPath, 'utf8'));
	writeFileSync(configPath, JSON.stringify({ ...c, requestTimeoutMs: 1000 }), { mode: 0o600 });
	return configPath;
}

async function start(configPath: string): Promise<Daemon> {
	running = new Daemon({
		loaded: loadConfig(configPath),
		log: process.env.POSTSPOOL_TEST_LOG
			? createLogger({ pretty: true, stream: process.stderr })
			: silentLogger,
		once: true,
	});
	await running.start();
	return running;
}

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
const future = (h = 24) => new Date(Date.now() + h * 3_600_000).toISOString();
const creates = (emu: Emu | typeof pf, path: string) =>
	emu.requests.filter((r) => r.method === 'POST' && r.path.endsWith(path));

describe('pipeline against the emulators', () => {
	it('posts one image to PostSider and PostFast and files a receipt under done/YYYY-MM/', async () => {
		const env = setup();
		const d = await start(env.configPath);
		const before = { ps: creates(ps, '/posts').length, pf: creates(pf, '/social-posts').length };
		drop(join(env.inbox, 'launch.png'), samplePng(100, 100, [1, 2, 3]));
		drop(join(env.inbox, 'launch.png.json'), {
			text: { default: 'Launch', x: 'Launch on X' },
			targets: ['ps-x', 'pf-a'],
			when: future(),
		});
		await d.idle();
		const [receiptPath] = find(join(env.folder, 'done'), 'receipt.json');
		expect(receiptPath).toMatch(/done\/\d{4}-\d{2}\/launch\.png\/receipt\.json$/);
		const receipt = readJson(receiptPath);
		expect(receipt.state).toBe('done');
		expect(receipt.targets.map((t: { state: string }) => t.state)).toEqual([
			'confirmed',
			'confirmed',
		]);
		for (const t of receipt.targets) expect(t.postId).toEqual(expect.any(String));
		expect(existsSync(join(receiptPath, '..', 'launch.png'))).toBe(true);
		expect(creates(ps, '/posts').length - before.ps).toBe(1);
		expect(creates(pf, '/social-posts').length - before.pf).toBe(1);
		// PostSider got an Idempotency-Key derived from the identity; PostFast's S3 PUT carried no key.
		const psCreate = creates(ps, '/posts').at(-1)!;
		expect(String(psCreate.headers['idempotency-key'])).toMatch(/^postspool\.[0-9a-f]{40}\.0$/);
		expect(JSON.stringify(readFileSync(receiptPath, 'utf8'))).not.toContain(ps.apiKey);
	});

	it('posts a folder carousel to PostFast in media order and a video to PostSider at the next slot', async () => {
		const env = setup();
		const d = await start(env.configPath);
		const dir = join(env.inbox, 'album');
		require('node:fs').mkdirSync(dir, { recursive: true });
		drop(join(dir, 'b.png'), samplePng(20, 20, [5, 5, 5]));
		drop(join(dir, 'a.png'), samplePng(20, 20, [6, 6, 6]));
		drop(join(dir, 'post.json'), {
			text: 'album',
			targets: ['pf-a'],
			when: { local: future().slice(0, 10) + ' 10:00', tz: 'Europe/Berlin' },
			media: ['b.png', 'a.png'],
		});
		drop(join(env.inbox, 'clip.mp4'), sampleMp4(128 * 1024));
		drop(join(env.inbox, 'clip.json'), { text: 'clip', targets: ['ps-x'], when: 'next-slot' });
		await d.idle();
		const receipts = find(join(env.folder, 'done'), 'receipt.json').map(readJson);
		expect(receipts.map((r) => r.state).sort()).toEqual(['done', 'done']);
		const clip = receipts.find((r) => r.name === 'clip');
		expect(Date.parse(clip.targets[0].publishAt)).toBeGreaterThan(Date.now());
		const pfCreate = creates(pf, '/social-posts').at(-1)!;
		expect(
			(pfCreate.body as { posts: Array<{ mediaItems: unknown[] }> }).posts[0].mediaItems,
		).toHaveLength(2);
	});

	it('a 4xx fails only its target: error.json names it and says how to fix it; the other target is created', async () => {
		const env = setup();
		const d = await start(env.configPath);
		// A refusal only the server makes (the text fits every check before upload).
		ps.faults.add({
			method: 'POST',
			path: '/public/v1/posts',
			kind: 'status',
			status: 400,
			body: {
				statusCode: 400,
				provider: 'x',
				name: 'Demo X',
				message: 'post is too long, please fix it',
			},
			times: 1,
		});
		drop(join(env.inbox, 'long.json'), {
			text: { default: 'short enough', x: 'x'.repeat(200) },
			targets: ['ps-x', 'pf-a'],
			when: future(),
			postfast: { controls: {} },
		});
		drop(join(env.inbox, 'long.png'), samplePng(30, 30, [7, 7, 7]));
		await d.idle();
		const [errPath] = find(join(env.folder, 'failed'), 'error.json');
		const err = readJson(errPath);
		expect(err.state).toBe('failed');
		expect(err.errors).toHaveLength(1);
		expect(err.errors[0]).toMatchObject({
			target: 'ps-x',
			path: '$.targets.0',
			service: 'postsider',
			status: 400,
		});
		expect(err.errors[0].message).toMatch(/too long/);
		expect(err.errors[0].fix).toMatch(/Fix the sidecar/);
		expect(err.succeeded).toEqual([{ target: 'pf-a', postId: expect.any(String) }]);
		expect(existsSync(join(errPath, '..', 'long.png'))).toBe(true);
	});

	it('an X text over 280 fails before any upload unless the server says the account is verified', async () => {
		const x = ps.store.channels.get(channels.x)!;
		const saved = x.additionalSettings;
		const run = async (name: string) => {
			const env = setup();
			const d = await start(env.configPath);
			const uploads = creates(ps, '/upload').length;
			drop(join(env.inbox, `${name}.json`), {
				text: 'a'.repeat(300),
				targets: ['ps-x'],
				when: future(),
			});
			drop(join(env.inbox, `${name}.png`), samplePng(20, 20, [1, 2, 3]));
			await d.idle();
			await d.stop(2000);
			return { env, uploads: creates(ps, '/upload').length - uploads };
		};
		try {
			// The demo X account is not verified: GET /integration-settings/:id says 280.
			const refused = await run('unverified');
			const [errPath] = find(join(refused.env.folder, 'failed'), 'error.json');
			const err = readJson(errPath);
			expect(err.errors[0]).toMatchObject({ target: 'ps-x', service: 'postsider' });
			expect(err.errors[0].message).toMatch(
				/too long as PostSider counts it for this account: 300 of 280 for X: twitter-text weighted length 300/,
			);
			expect(refused.uploads).toBe(0);
			// Marked Verified, as the server decides: 4000, so the same post is uploaded and created.
			x.additionalSettings = JSON.stringify([{ title: 'Verified', value: true }]);
			const accepted = await run('verified');
			expect(find(join(accepted.env.folder, 'done'), 'receipt.json')).toHaveLength(1);
			expect(accepted.uploads).toBe(1);
		} finally {
			x.additionalSettings = saved;
		}
	});

	it('a wrong key fails with the key named, and nothing crashes', async () => {
		const env = setup();
		writeFileSync(join(env.home, 'pf.key'), 'not-a-valid-key', { mode: 0o600 });
		const d = await start(env.configPath);
		drop(join(env.inbox, 'k.png'), samplePng(12, 12, [8, 8, 8]));
		drop(join(env.inbox, 'k.png.json'), { text: 'k', targets: ['pf-a'], when: future() });
		await d.idle();
		const err = readJson(find(join(env.folder, 'failed'), 'error.json')[0]);
		expect(err.errors[0].fix).toMatch(/API key "fast" is missing, wrong or revoked/);
		expect(JSON.stringify(err)).not.toContain('not-a-valid-key');
	});

	it('retries a 5xx with backoff (one attempt used) and a 429 without using an attempt', async () => {
		const env = setup();
		ps.faults.add({ method: 'POST', path: /\/upload$/, kind: 'status', status: 503, times: 1 });
		pf.faults.add({
			method: 'POST',
			path: '/social-posts',
			kind: 'status',
			status: 429,
			times: 1,
			body: { message: 'ThrottlerException: Too Many Requests', statusCode: 429 },
			headers: { 'retry-after': '1' },
		} as never);
		const d = await start(env.configPath);
		drop(join(env.inbox, 'r.png'), samplePng(14, 14, [9, 9, 9]));
		drop(join(env.inbox, 'r.png.json'), { text: 'r', targets: ['ps-x', 'pf-a'], when: future() });
		await d.idle();
		const receipt = readJson(find(join(env.folder, 'done'), 'receipt.json')[0]);
		const byTarget = Object.fromEntries(
			receipt.targets.map((t: { target: string }) => [t.target, t]),
		);
		expect(byTarget['ps-x']).toMatchObject({ state: 'confirmed', attempts: 1 });
		expect(byTarget['pf-a']).toMatchObject({ state: 'confirmed', attempts: 0 });
	});

	it('PostSider: a create whose answer is lost is resent under the same Idempotency-Key — one post', async () => {
		const env = setup();
		// The server creates the post, but its answer trickles out slower than the client waits.
		ps.faults.add({ method: 'POST', path: /\/posts$/, kind: 'slow-body', delayMs: 3000, times: 1 });
		const d = await start(setupTimeout(env.configPath));
		const before = ps.requests.length;
		drop(join(env.inbox, 'u.json'), {
			text: 'unknown outcome on PostSider',
			targets: ['ps-x'],
			when: future(),
		});
		await d.idle();
		const sent = ps.requests
			.slice(before)
			.filter((r) => r.method === 'POST' && r.path.endsWith('/posts'));
		expect(sent.length).toBe(2);
		expect(sent[0].headers['idempotency-key']).toBe(sent[1].headers['idempotency-key']);
		const receipt = readJson(find(join(env.folder, 'done'), 'receipt.json')[0]);
		expect(receipt.targets[0].state).toBe('confirmed');
		const list = await new PostSiderClient({ baseUrl: ps.baseUrl, apiKey: ps.apiKey }).listPosts({
			startDate: new Date(Date.now()).toISOString(),
			endDate: future(48),
		});
		expect(
			list.ok &&
				list.value.posts.filter((p) => p.content.includes('unknown outcome on PostSider')).length,
		).toBe(1);
	});

	it('PostFast: a create whose answer is lost is reconciled with GET /social-posts — never resent blindly', async () => {
		const env = setup();
		pf.faults.add({
			method: 'POST',
			path: '/social-posts',
			kind: 'slow-body',
			delayMs: 3000,
			times: 1,
		});
		const d = await start(setupTimeout(env.configPath));
		const before = pf.requests.length;
		drop(join(env.inbox, 'v.json'), {
			text: 'unknown outcome on PostFast',
			targets: ['pf-b'],
			when: future(),
			postfast: {},
		});
		drop(join(env.inbox, 'v.png'), samplePng(15, 15, [10, 10, 10]));
		await d.idle();
		const log = pf.requests.slice(before).map((r) => `${r.method} ${r.path.split('?')[0]}`);
		const createIdx = log.indexOf('POST /social-posts');
		expect(createIdx).toBeGreaterThanOrEqual(0);
		expect(log.slice(createIdx + 1)).toContain('GET /social-posts');
		expect(log.filter((l) => l === 'POST /social-posts').length).toBe(1);
		const receipt = readJson(find(join(env.folder, 'done'), 'receipt.json')[0]);
		expect(receipt.targets[0]).toMatchObject({ state: 'confirmed', postId: expect.any(String) });
	});
	it('retry after fixing the cause: only the failed target is sent again, from failed/ back to done/', async () => {
		const env = setup();
		writeFileSync(join(env.home, 'pf.key'), 'wrong-key', { mode: 0o600 });
		const d = await start(env.configPath);
		drop(join(env.inbox, 'fixme.png'), samplePng(13, 13, [11, 11, 11]));
		drop(join(env.inbox, 'fixme.png.json'), { text: 'fix me', targets: ['pf-a'], when: future() });
		await d.idle();
		expect(find(join(env.folder, 'failed'), 'error.json')).toHaveLength(1);
		await d.stop();
		running = undefined;
		writeFileSync(join(env.home, 'pf.key'), pf.apiKey, { mode: 0o600 });
		const store = new Store(openDb(loadConfig(env.configPath).stateDir));
		const [item] = store.items();
		expect(retryItem(store, item.id)).toMatchObject({ ok: true, targets: 1 });
		store.db.close();
		expect(find(join(env.folder, 'failed'), 'error.json')).toHaveLength(0);
		const again = await start(env.configPath);
		await again.idle();
		const receipt = readJson(find(join(env.folder, 'done'), 'receipt.json')[0]);
		expect(receipt).toMatchObject({ name: 'fixme.png', state: 'done' });
		expect(existsSync(join(env.folder, 'failed', 'fixme.png'))).toBe(false);
	});

	it('parks a PostFast create as needs-review when its outcome cannot be reconciled', async () => {
		const env = setup();
		pf.faults.add({
			method: 'POST',
			path: '/social-posts',
			kind: 'slow-body',
			delayMs: 3000,
			times: 1,
		});
		pf.faults.add({
			method: 'GET',
			path: '/social-posts',
			kind: 'status',
			status: 404,
			times: 5,
			body: { message: 'Cannot GET /social-posts', error: 'Not Found', statusCode: 404 },
		});
		const d = await start(setupTimeout(env.configPath));
		drop(join(env.inbox, 'unsure.png'), samplePng(17, 17, [12, 12, 12]));
		drop(join(env.inbox, 'unsure.png.json'), {
			text: 'cannot tell',
			targets: ['pf-a'],
			when: future(),
		});
		await d.idle();
		const err = readJson(find(join(env.folder, 'failed'), 'error.json')[0]);
		expect(err.state).toBe('needs-review');
		expect(err.errors[0].message).toMatch(/will not resend on its own/);
		expect(err.errors[0].fix).toMatch(/postspool cancel .*postspool retry/s);
		expect(
			pf.requests.filter(
				(r) =>
					r.method === 'POST' &&
					r.path === '/social-posts' &&
					(r.body as { posts?: Array<{ content: string }> } | undefined)?.posts?.[0]?.content ===
						'cannot tell',
			),
		).toHaveLength(1);
	});
	it('stays inside a small PostSider budget on the emulator clock: defers instead of drawing a 429', async () => {
		const small = await startPostSider({ apiLimit: 4 });
		try {
			const env = setup();
			const c = JSON.parse(readFileSync(env.configPath, 'utf8'));
			c.keys.sider = { ...c.keys.sider, baseUrl: small.baseUrl, apiLimit: 4 };
			writeFileSync(join(env.home, 'ps.key'), small.apiKey, { mode: 0o600 });
			const ints = await new PostSiderClient({
				baseUrl: small.baseUrl,
				apiKey: small.apiKey,
			}).listIntegrations();
			if (!ints.ok) throw new Error(ints.error.message);
			c.accounts['ps-x'].id = ints.value.find((i) => i.identifier === 'x' && !i.disabled)!.id;
			writeFileSync(env.configPath, JSON.stringify(c), { mode: 0o600 });
			small.clock.advance(61_000); // that lookup is outside the daemon's budget: let its window pass
			// One clock for the emulator's windows and the daemon's budgets; it only moves when told.
			const d = new Daemon({
				loaded: loadConfig(env.configPath),
				log: silentLogger,
				once: true,
				now: () => small.clock.now(),
			});
			running = d;
			await d.start();
			const when = new Date(small.clock.now() + 86_400_000).toISOString();
			for (const n of [1, 2, 3]) {
				drop(join(env.inbox, `b${n}.png`), samplePng(10, 10, [n, 0, 0]));
				drop(join(env.inbox, `b${n}.png.json`), { text: `budget ${n}`, targets: ['ps-x'], when });
			}
			const posts = () =>
				small.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/posts'));
			await until(() => posts().length >= 2);
			await new Promise((r) => setTimeout(r, 500));
			// 3 × (upload + create) = 6 > 4 per minute: the third post waits for the window.
			expect(posts()).toHaveLength(2);
			expect(small.requests.filter((r) => r.status === 429)).toEqual([]);
			small.clock.advance(61_000);
			d.pump();
			await d.idle();
			expect(posts()).toHaveLength(3);
			expect(small.requests.filter((r) => r.status === 429)).toEqual([]);
			expect(find(join(env.folder, 'done'), 'receipt.json')).toHaveLength(3);
		} finally {
			await running?.stop(2000);
			running = undefined;
			await small.close();
		}
	});
	it('batches ready PostFast posts into one create request, each keeping its own outcome', async () => {
		const env = setup();
		// The first create is refused for 2 s; meanwhile the other posts get ready and go together.
		pf.faults.add({
			method: 'POST',
			path: '/social-posts',
			kind: 'status',
			status: 429,
			times: 1,
			headers: { 'retry-after': '2' },
			body: { message: 'ThrottlerException: Too Many Requests', statusCode: 429 },
		});
		const d = await start(env.configPath);
		const before = pf.requests.length;
		const when = future(30);
		for (const n of [1, 2, 3, 4]) {
			drop(join(env.inbox, `p${n}.png`), samplePng(9, 9, [n, n, 200]));
			drop(join(env.inbox, `p${n}.png.json`), {
				text: `batched ${n}`,
				targets: [n % 2 ? 'pf-a' : 'pf-b'],
				when,
			});
		}
		await d.idle();
		const creates = pf.requests
			.slice(before)
			.filter((r) => r.method === 'POST' && r.path === '/social-posts' && r.status === 201);
		const sizes = creates.map((r) => (r.body as { posts: unknown[] }).posts.length);
		expect(Math.max(...sizes)).toBeGreaterThanOrEqual(2);
		expect(sizes.reduce((a, b) => a + b, 0)).toBe(4);
		const receipts = find(join(env.folder, 'done'), 'receipt.json').map(readJson);
		expect(receipts).toHaveLength(4);
		const ids = receipts.map((r) => r.targets[0].postId);
		expect(new Set(ids).size).toBe(4);
		const list = await new PostFastClient({ baseUrl: pf.baseUrl, apiKey: pf.apiKey }).listPosts({
			socialMediaIds: [accounts.a, accounts.b],
			limit: 50,
		});
		for (const n of [1, 2, 3, 4])
			expect(list.ok && list.value.data.filter((p) => p.content === `batched ${n}`)).toHaveLength(
				1,
			);
	});
	it('PostSider 409 "already processing" is asked again later, then parked as needs-review, never sent with a new key', async () => {
		const env = setup();
		ps.faults.add({
			method: 'POST',
			path: /\/posts$/,
			kind: 'status',
			status: 409,
			body: {
				message: 'A request with this Idempotency-Key is already processing',
				error: 'Conflict',
				statusCode: 409,
			},
		});
		const d = await start(env.configPath);
		const before = ps.requests.length;
		drop(join(env.inbox, 'stuck.json'), { text: 'stuck key', targets: ['ps-x'], when: future() });
		await d.idle();
		const sent = ps.requests
			.slice(before)
			.filter((r) => r.method === 'POST' && r.path.endsWith('/posts'));
		expect(sent).toHaveLength(4); // maxAttempts
		expect(new Set(sent.map((r) => r.headers['idempotency-key'])).size).toBe(1);
		const err = readJson(find(join(env.folder, 'failed'), 'error.json')[0]);
		expect(err).toMatchObject({
			state: 'needs-review',
			errors: [{ target: 'ps-x', state: 'needs-review' }],
		});
	});
	it('without watcher events, the periodic rescan still finds a dropped post', async () => {
		const env = setup({ watch: false, rescanMs: 1000 });
		const d = await start(env.configPath);
		drop(join(env.inbox, 'quiet.png'), samplePng(11, 11, [20, 20, 20]));
		drop(join(env.inbox, 'quiet.png.json'), {
			text: 'found by the rescan',
			targets: ['pf-a'],
			when: future(),
		});
		await until(() => find(join(env.folder, 'done'), 'receipt.json').length === 1, 10_000);
		void d;
	});
	it('a key file that went missing fails the target with the file named, nothing sent', async () => {
		const env = setup();
		rmSync(join(env.home, 'pf.key'));
		const d = await start(env.configPath);
		const before = pf.requests.length;
		drop(join(env.inbox, 'nokey.png'), samplePng(10, 10, [40, 40, 40]));
		drop(join(env.inbox, 'nokey.png.json'), { text: 'no key', targets: ['pf-a'], when: future() });
		await d.idle();
		const err = readJson(find(join(env.folder, 'failed'), 'error.json')[0]);
		expect(err.errors[0].message).toMatch(/Key "fast": the key file .*pf\.key does not exist/);
		expect(pf.requests.length).toBe(before);
	});
	it('a PostFast post held by the budget past its time follows its "late" policy', async () => {
		const env = setup();
		let now = pf.clock.now(); // one clock for the daemon and PostFast's "must be in the future" check
		pf.faults.add({
			method: 'POST',
			path: '/social-posts',
			kind: 'status',
			status: 429,
			times: 1,
			headers: { 'retry-after': '1' },
			body: { message: 'ThrottlerException: Too Many Requests', statusCode: 429 },
		});
		const d = new Daemon({
			loaded: loadConfig(env.configPath),
			log: silentLogger,
			once: true,
			now: () => now,
		});
		running = d;
		await d.start();
		const when = new Date(now + 10 * 60_000).toISOString();
		const policies = { fail: undefined, skip: 'skip', now: 'post-now' } as const;
		for (const [name, late] of Object.entries(policies)) {
			drop(join(env.inbox, `${name}.png`), samplePng(9, 9, [name.length, 50, 50]));
			drop(join(env.inbox, `${name}.png.json`), {
				text: `late ${name}`,
				targets: ['pf-a'],
				when,
				...(late ? { late } : {}),
			});
		}
		await until(() =>
			pf.requests.some(
				(r) => r.method === 'POST' && r.path === '/social-posts' && r.status === 429,
			),
		);
		// All three must be ingested (their sidecars checked against "now") before time jumps.
		await until(() => readdirSync(env.inbox).length === 0);
		now += 20 * 60_000; // the budget held them past their time
		d.pump();
		await d.idle();
		const outcome = (name: string) => {
			const [done] = find(join(env.folder, 'done'), 'receipt.json')
				.map(readJson)
				.filter((r) => r.name === `${name}.png`);
			const [failed] = find(join(env.folder, 'failed'), 'receipt.json')
				.map(readJson)
				.filter((r) => r.name === `${name}.png`);
			return (done ?? failed).targets[0];
		};
		expect(outcome('fail')).toMatchObject({ state: 'failed', error: { path: '$.when' } });
		expect(outcome('skip')).toMatchObject({ state: 'skipped' });
		expect(outcome('now')).toMatchObject({ state: 'confirmed' });
		expect(Date.parse(outcome('now').publishAt)).toBeGreaterThan(now);
	});

	it('posts over an account cap at their fixed time fail promptly, before any upload, and other work goes on', async () => {
		// A cap of 2 posts a day for account a's platform; 5 posts at one time (one batch would hold
		// them all), then a PostSider post. Virtual clock: the daemon reads PostFast's clock.
		// A new day on the emulators: the earlier tests spent part of the key's daily create window.
		pf.clock.advance(25 * 3_600_000);
		ps.clock.advance(25 * 3_600_000);
		const env = setup({
			budgets: { fast: { accountDailyCaps: { [accounts.aPlatform.toUpperCase()]: 2 } } },
		});
		const d = new Daemon({
			loaded: loadConfig(env.configPath),
			log: silentLogger,
			once: true,
			now: () => pf.clock.now(),
		});
		running = d;
		await d.start();
		const before = pf.requests.length;
		const psBefore = ps.requests.length;
		const when = new Date(pf.clock.now() + 48 * 3_600_000).toISOString();
		for (const n of [1, 2, 3, 4, 5]) {
			drop(join(env.inbox, `cap${n}.png`), samplePng(9, 9, [n, 100, n]));
			drop(join(env.inbox, `cap${n}.png.json`), { text: `capped ${n}`, targets: ['pf-a'], when });
		}
		drop(join(env.inbox, 'after.json'), {
			text: 'after the cap',
			targets: ['ps-x'],
			when: future(50),
		});
		const started = Date.now();
		// The virtual clocks move with real time (a wait the daemon chooses must be able to pass).
		const tick = setInterval(() => {
			pf.clock.advance(100);
			ps.clock.advance(100);
		}, 100);
		await d.idle().finally(() => clearInterval(tick));
		expect(Date.now() - started).toBeLessThan(15_000);
		const log = pf.requests.slice(before);
		const created = log
			.filter((r) => r.method === 'POST' && r.path === '/social-posts' && r.status === 201)
			.reduce((n, r) => n + (r.body as { posts: unknown[] }).posts.length, 0);
		expect(created).toBe(2);
		// No upload for a post whose create can never be sent: only the 2 created posts' images got
		// upload URLs (in one request or two, depending on how intake timed the batch).
		const urlsAsked = log
			.filter((r) => r.method === 'POST' && r.path.includes('signed-upload-urls') && r.status < 300)
			.reduce((n, r) => n + (r.body as { count: number }).count, 0);
		expect(urlsAsked).toBe(2);
		const errors = find(join(env.folder, 'failed'), 'error.json').map(readJson);
		expect(errors).toHaveLength(3);
		for (const e of errors) {
			expect(e.errors[0].message).toMatch(/exceeds the daily cap/);
			expect(e.errors[0].message).toContain('(2 per 24 h');
			expect(e.errors[0].message).toContain(accounts.a);
			expect(e.errors[0].fix).toMatch(/Move "when".*"late"/);
		}
		// Every target settled: nothing left re-parking (a busy loop would never let idle() resolve).
		const store = new Store(openDb(loadConfig(env.configPath).stateDir));
		expect(store.liveTargets()).toHaveLength(0);
		const psCreates = ps.requests
			.slice(psBefore)
			.filter((r) => r.method === 'POST' && r.path.endsWith('/posts') && r.status < 300);
		expect(psCreates).toHaveLength(1);
		// "late": "post-now": the post moves to the earliest time its account has room for.
		drop(join(env.inbox, 'capnow.png'), samplePng(9, 9, [9, 9, 100]));
		drop(join(env.inbox, 'capnow.png.json'), {
			text: 'capped, then moved',
			targets: ['pf-a'],
			when,
			late: 'post-now',
		});
		const tick2 = setInterval(() => {
			pf.clock.advance(100);
			ps.clock.advance(100);
		}, 100);
		await until(() =>
			find(join(env.folder, 'done'), 'receipt.json')
				.map(readJson)
				.find((r) => r.name === 'capnow.png'),
		).finally(() => clearInterval(tick2));
		const [moved] = find(join(env.folder, 'done'), 'receipt.json')
			.map(readJson)
			.filter((r) => r.name === 'capnow.png');
		expect(moved.targets[0]).toMatchObject({ state: 'confirmed' });
		expect(Date.parse(moved.targets[0].publishAt)).toBeGreaterThan(Date.parse(when));
	});
});
