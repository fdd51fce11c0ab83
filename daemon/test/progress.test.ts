/**
 * The registry of uploads in flight (pipeline/progress.ts): its throttle on a fake clock, then the
 * daemon's real uploads to both emulators: every upload appears, its bytes grow to its total, and
 * it leaves the registry when it ends, whether it succeeded or failed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startPostFast, startPostSider } from '../../emulators/src/index';
import { PostFastClient } from '../src/api/postfast';
import { PostSiderClient } from '../src/api/postsider';
import { loadConfig } from '../src/config/load';
import { Daemon } from '../src/daemon';
import { sampleMp4, samplePng } from '../src/demo/media';
import { silentLogger } from '../src/log';
import {
	PROGRESS_THROTTLE_MS,
	UploadProgress,
	type UploadInFlight,
	uploadProgress,
} from '../src/pipeline/progress';
import { openDb } from '../src/state/db';
import { Store } from '../src/state/store';
import { drop, tempDir } from './helpers';

const start = {
	itemId: 'item-1',
	name: 'clip',
	target: 'acme-x',
	service: 'postsider' as const,
	file: 'clip.mp4',
	total: 1000,
};

describe('UploadProgress', () => {
	afterEach(() => {
		vi.useRealTimers();
	});

	it('emits at once on start and end, and at most once per 100 ms while bytes move, the last bytes included', () => {
		vi.useFakeTimers();
		const registry = new UploadProgress();
		const seen: UploadInFlight[][] = [];
		registry.on('change', () => seen.push(registry.snapshot()));
		const h = registry.begin(start);
		expect(seen).toEqual([[expect.objectContaining({ ...start, sent: 0 })]]);
		for (let sent = 1; sent <= 500; sent++) h.update(sent, 1200);
		expect(seen).toHaveLength(1); // the burst is held back…
		vi.advanceTimersByTime(PROGRESS_THROTTLE_MS);
		expect(seen).toHaveLength(2); // …and shown once, with its last bytes and the exact total
		expect(seen[1][0]).toMatchObject({ sent: 500, total: 1200 });
		vi.advanceTimersByTime(10 * PROGRESS_THROTTLE_MS);
		expect(seen).toHaveLength(2); // nothing new, nothing emitted
		h.update(600, 1200); // after a quiet spell: shown at once
		expect(seen).toHaveLength(3);
		h.update(700, 1200);
		h.update(1200, 1200); // the last byte: shown at once
		expect(seen).toHaveLength(4);
		expect(seen[3][0]).toMatchObject({ sent: 1200, total: 1200 });
		h.update(1100, 1200);
		h.end();
		expect(seen).toHaveLength(5); // the end is not throttled, and cancels the pending event
		expect(seen[4]).toEqual([]);
		h.end();
		h.update(800, 1200); // late calls of a finished upload change nothing
		vi.advanceTimersByTime(PROGRESS_THROTTLE_MS);
		expect(seen).toHaveLength(5);
		expect(registry.snapshot()).toEqual([]);
	});

	it('keeps two uploads of the same file apart, and a throwing listener fails no upload', async () => {
		const registry = new UploadProgress();
		registry.on('change', () => {
			throw new Error('a display bug');
		});
		const a = registry.begin(start);
		const b = registry.begin({ ...start, target: 'acme-x2' });
		a.update(10, 1000);
		const snap = registry.snapshot();
		expect(snap.map((u) => [u.target, u.sent])).toEqual([
			['acme-x', 10],
			['acme-x2', 0],
		]);
		expect(snap[0].id).not.toBe(snap[1].id);
		snap[0].sent = 999; // a copy: the registry is not changed through it
		expect(registry.snapshot()[0].sent).toBe(10);
		b.end();
		await expect(
			registry.track(start, async () => {
				throw new Error('upload failed');
			}),
		).rejects.toThrow('upload failed');
		expect(registry.snapshot().map((u) => u.target)).toEqual(['acme-x']);
		a.end();
		expect(registry.snapshot()).toEqual([]);
	});
});

describe('uploadProgress in the daemon, against the emulators', () => {
	type Emu = Awaited<ReturnType<typeof startPostSider>>;
	let ps: Emu;
	let pf: Awaited<ReturnType<typeof startPostFast>>;
	let channel: string;
	let account: { id: string; platform: string };
	let running: Daemon | undefined;

	beforeAll(async () => {
		ps = await startPostSider({});
		pf = await startPostFast({});
		const ints = await new PostSiderClient({
			baseUrl: ps.baseUrl,
			apiKey: ps.apiKey,
		}).listIntegrations();
		if (!ints.ok) throw new Error(ints.error.message);
		channel = ints.value.find((i) => i.identifier === 'x' && !i.disabled)!.id;
		const acc = await new PostFastClient({ baseUrl: pf.baseUrl, apiKey: pf.apiKey }).listAccounts();
		if (!acc.ok) throw new Error(acc.error.message);
		const a = acc.value.find((x) => x.connectionStatus !== 'DISABLED' && x.platform === 'BLUESKY')!;
		account = { id: a.id, platform: 'bluesky' };
	}, 60_000);

	afterAll(async () => {
		await ps?.close();
		await pf?.close();
	});

	afterEach(async () => {
		ps.faults.clear();
		pf.faults.clear();
		await running?.stop(2000);
		running = undefined;
	});

	function setup() {
		const home = tempDir('postspool-progress-');
		writeFileSync(join(home, 'ps.key'), ps.apiKey, { mode: 0o600 });
		writeFileSync(join(home, 'pf.key'), pf.apiKey, { mode: 0o600 });
		const folder = join(home, 'drop');
		const config = {
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
				'ps-x': { key: 'sider', id: channel, platform: 'x' },
				'pf-b': { key: 'fast', id: account.id, platform: account.platform },
			},
			folders: [{ path: folder, defaults: { version: 1 } }],
			stableMs: 0,
			rescanMs: 60_000,
			backoffMs: 50,
			backoffCapMs: 200,
			maxAttempts: 4,
		};
		const configPath = join(home, 'config.jsonc');
		writeFileSync(configPath, JSON.stringify(config), { mode: 0o600 });
		return { inbox: join(folder, 'inbox'), configPath, stateDir: config.stateDir };
	}

	/** Runs the daemon until its queue is empty, recording every snapshot the registry announces. */
	async function runRecording(
		configPath: string,
		dropFiles: () => void,
	): Promise<UploadInFlight[][]> {
		const seen: UploadInFlight[][] = [];
		const listener = () => seen.push(uploadProgress.snapshot());
		uploadProgress.on('change', listener);
		try {
			running = new Daemon({ loaded: loadConfig(configPath), log: silentLogger, once: true });
			await running.start();
			dropFiles();
			await running.idle();
		} finally {
			uploadProgress.off('change', listener);
		}
		return seen;
	}

	/** Every upload's successive states, by id. */
	function byUpload(seen: UploadInFlight[][]): Map<number, UploadInFlight[]> {
		const out = new Map<number, UploadInFlight[]>();
		for (const snap of seen) for (const u of snap) out.set(u.id, [...(out.get(u.id) ?? []), u]);
		return out;
	}

	it('a PostSider multipart upload and a PostFast S3 PUT: each grows to its total and is gone at the end', async () => {
		const env = setup();
		// The emulator reads nothing for a while: the 12 MB body stalls part-way, as on a slow line.
		ps.faults.add({ method: 'POST', path: '/public/v1/upload', kind: 'latency', delayMs: 1000 });
		const video = sampleMp4(12 * 1024 * 1024);
		const image = samplePng(64, 64, [9, 9, 9]);
		const seen = await runRecording(env.configPath, () => {
			drop(join(env.inbox, 'clip.mp4'), video);
			drop(join(env.inbox, 'clip.json'), { text: 'clip', targets: ['ps-x'], when: 'next-slot' });
			drop(join(env.inbox, 'pic.png'), image);
			drop(join(env.inbox, 'pic.json'), {
				text: 'pic',
				targets: ['pf-b'],
				when: new Date(Date.now() + 86_400_000).toISOString(),
			});
		});
		expect(uploadProgress.snapshot()).toEqual([]);
		expect(seen.at(-1)).toEqual([]);

		const store = new Store(openDb(env.stateDir));
		const items = store.db.prepare('SELECT id, name FROM items').all() as Array<{
			id: string;
			name: string;
		}>;
		store.db.close();
		expect(items.map((i) => i.name).sort()).toEqual(['clip', 'pic']);
		const uploads = [...byUpload(seen).values()];
		expect(uploads).toHaveLength(2);
		const clip = uploads.find((u) => u[0].file === 'clip.mp4')!;
		const pic = uploads.find((u) => u[0].file === 'pic.png')!;
		expect(clip[0]).toMatchObject({
			itemId: items.find((i) => i.name === 'clip')!.id,
			name: 'clip',
			target: 'ps-x',
			service: 'postsider',
			sent: 0,
		});
		expect(pic[0]).toMatchObject({
			itemId: items.find((i) => i.name === 'pic')!.id,
			name: 'pic',
			target: 'pf-b',
			service: 'postfast',
			sent: 0,
		});
		for (const states of [clip, pic]) {
			const sent = states.map((u) => u.sent);
			expect(sent).toEqual([...sent].sort((a, b) => a - b)); // never goes back
			expect(states.at(-1)!.sent).toBe(states.at(-1)!.total);
		}
		// The multipart body is the file plus its framing; the S3 PUT is the file itself.
		expect(clip.at(-1)!.total).toBeGreaterThan(video.length);
		expect(clip.at(-1)!.total).toBeLessThan(video.length + 1024);
		expect(pic.at(-1)!.total).toBe(image.length);
		// The stalled body was seen part-way.
		expect(clip.some((u) => u.sent > 0 && u.sent < u.total)).toBe(true);
		// Names and numbers only: no key, no signed URL.
		const text = JSON.stringify(seen);
		for (const secret of [ps.apiKey, pf.apiKey, 'X-Amz', 'http'])
			expect(text).not.toContain(secret);
	});

	it('an upload that fails leaves the registry; its retry is a new entry that completes', async () => {
		const env = setup();
		// The first upload's connection is cut: a network error, retried after the backoff.
		ps.faults.add({ method: 'POST', path: '/public/v1/upload', kind: 'reset', times: 1 });
		const seen = await runRecording(env.configPath, () => {
			drop(join(env.inbox, 'cut.mp4'), sampleMp4(2 * 1024 * 1024, 3));
			drop(join(env.inbox, 'cut.json'), { text: 'cut', targets: ['ps-x'], when: 'next-slot' });
		});
		const uploads = [...byUpload(seen).entries()];
		expect(uploads).toHaveLength(2);
		const [[failedId, failed], [, retried]] = uploads;
		expect(failed[0]).toMatchObject({ file: 'cut.mp4', sent: 0 });
		// Gone once it failed: the snapshot after its last one no longer holds it.
		const afterFail = seen.findIndex(
			(snap, i) =>
				i > 0 && !snap.some((u) => u.id === failedId) && seen[i - 1].some((u) => u.id === failedId),
		);
		expect(afterFail).toBeGreaterThan(0);
		expect(seen.slice(afterFail).some((snap) => snap.some((u) => u.id === failedId))).toBe(false);
		expect(retried.at(-1)!.sent).toBe(retried.at(-1)!.total);
		expect(uploadProgress.snapshot()).toEqual([]);
	});
});
