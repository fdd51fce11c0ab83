/** Intake against real folders and a real SQLite file: every sidecar convention and rejection. */
import {
	chmodSync,
	existsSync,
	lstatSync,
	mkdirSync,
	readFileSync,
	readdirSync,
	readlinkSync,
	renameSync,
	rmdirSync,
	symlinkSync,
	utimesSync,
	writeFileSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleMp4, samplePng } from '../src/demo/media';
import { Intake, NAMED_MEDIA_WAIT_MS } from '../src/intake/ingest';
import { planCommand } from '../src/commands/plan';
import type { PostRecord } from '../src/item';
import { cancelItem } from '../src/pipeline/retry-cancel';
import { StabilityTracker, isIgnoredName } from '../src/intake/scan';
import { silentLogger } from '../src/log';
import { unreadableMessage } from '../src/sidecar/media';
import { drop, inFuture, makeEnv, openStore } from './helpers';

function setup(extra: Record<string, unknown> = {}) {
	const env = makeEnv(extra);
	const store = openStore(env);
	const intake = new Intake({ config: env.loaded.config, store, log: silentLogger });
	return { env, store, intake };
}

/** A command's exit code and what it printed. */
async function cli(fn: () => Promise<number>): Promise<{ code: number; out: string }> {
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

const errorOf = (folder: string, name: string) =>
	JSON.parse(readFileSync(join(folder, 'failed', name, 'error.json'), 'utf8'));

describe('intake', () => {
	it('queues clip.png + clip.png.json and moves both to .processing/<id>/', async () => {
		const { env, store, intake } = setup();
		drop(join(env.inbox, 'clip.png'), samplePng());
		drop(join(env.inbox, 'clip.png.json'), {
			version: 1,
			text: 'hi',
			targets: ['acme-x', 'acme-ig'],
			when: inFuture(),
		});
		await intake.scan();
		const [item] = store.items();
		expect(item.name).toBe('clip.png');
		expect(readdirSync(item.work_dir).sort()).toEqual(['clip.png', 'clip.png.json']);
		expect(readdirSync(env.inbox)).toEqual([]);
		expect(store.targets(item.id).map((t) => [t.service, t.state])).toEqual([
			['postsider', 'pending'],
			['postfast', 'pending'],
		]);
		const post = JSON.parse(item.post) as PostRecord;
		expect(post.media[0]).toMatchObject({ name: 'clip.png', mime: 'image/png' });
	});

	it('a crash after the commit and the folder, before the files moved: the next scan finishes the move (not a duplicate)', async () => {
		const { env, store, intake } = setup();
		drop(join(env.inbox, 'clip.png'), samplePng());
		drop(join(env.inbox, 'clip.png.json'), {
			version: 1,
			text: 'hi',
			targets: ['acme-x'],
			when: inFuture(),
		});
		await intake.scan();
		const [item] = store.items();
		// Put the files back as the kill left them: row committed, .processing/<id>/ made, empty.
		for (const f of ['clip.png', 'clip.png.json'])
			renameSync(join(item.work_dir, f), join(env.inbox, f));
		await intake.scan();
		expect(readdirSync(item.work_dir).sort()).toEqual(['clip.png', 'clip.png.json']);
		expect(readdirSync(env.inbox)).toEqual([]);
		expect(existsSync(join(env.folder, 'done', 'duplicates'))).toBe(false);
		expect(store.items()).toHaveLength(1);
	});

	it('accepts clip.json for clip.mp4, and text-only note.json', async () => {
		const { env, store, intake } = setup();
		drop(join(env.inbox, 'clip.mp4'), sampleMp4(4096));
		drop(join(env.inbox, 'clip.json'), {
			version: 1,
			text: 'video',
			targets: ['acme-x'],
			when: inFuture(),
		});
		drop(join(env.inbox, 'note.json'), {
			version: 1,
			text: 'just words',
			targets: ['acme-x'],
			when: 'asap',
		});
		await intake.scan();
		const byName = Object.fromEntries(
			store.items().map((i) => [i.name, JSON.parse(i.post) as PostRecord]),
		);
		expect(byName.clip.media.map((m) => m.name)).toEqual(['clip.mp4']);
		expect(byName.note.media).toEqual([]);
	});

	it('rejects an ambiguous stem with error.json instead of guessing', async () => {
		const { env, store, intake } = setup();
		drop(join(env.inbox, 'clip.mp4'), sampleMp4(2048));
		drop(join(env.inbox, 'clip.png'), samplePng());
		drop(join(env.inbox, 'clip.json'), {
			version: 1,
			text: 'x',
			targets: ['acme-x'],
			when: inFuture(),
		});
		await intake.scan();
		expect(store.items()).toEqual([]);
		const err = errorOf(env.folder, 'clip');
		expect(err.errors[0].message).toMatch(/could belong to clip.mp4, clip.png/);
		// The media moved with it, never deleted.
		expect(readdirSync(join(env.folder, 'failed', 'clip')).sort()).toEqual([
			'clip.json',
			'clip.mp4',
			'clip.png',
			'error.json',
		]);
	});

	it('folder posts: natural order by default, "media" order when given', async () => {
		const { env, store, intake } = setup();
		const a = join(env.inbox, 'carousel');
		mkdirSync(a);
		for (const n of ['10.png', '2.png', '1.png'])
			drop(join(a, n), samplePng(8, 8, [Number.parseInt(n, 10) * 20, 0, 0]));
		drop(join(a, 'post.json'), { version: 1, text: 'c', targets: ['acme-ig'], when: inFuture() });
		const b = join(env.inbox, 'ordered');
		mkdirSync(b);
		drop(join(b, 'x.png'), samplePng(8, 8, [1, 2, 3]));
		drop(join(b, 'y.png'), samplePng(8, 8, [3, 2, 1]));
		drop(join(b, 'post.json'), {
			version: 1,
			text: 'o',
			targets: ['acme-ig'],
			when: inFuture(),
			media: ['y.png', 'x.png'],
		});
		await intake.scan();
		const byName = Object.fromEntries(
			store.items().map((i) => [i.name, JSON.parse(i.post) as PostRecord]),
		);
		expect(byName.carousel.media.map((m) => m.name)).toEqual(['1.png', '2.png', '10.png']);
		expect(byName.ordered.media.map((m) => m.name)).toEqual(['y.png', 'x.png']);
	});

	it('folder posts without "media": a FIFO or directory named like media, or a stray file, refuses the post', async () => {
		const { env, store, intake } = setup();
		const cases: Record<string, (dir: string) => void> = {
			car3: (d) => execFileSync('mkfifo', [join(d, '2.png')]),
			car6: (d) => mkdirSync(join(d, '2.png')),
			car7: (d) => writeFileSync(join(d, 'notes.txt'), 'hello'),
		};
		for (const [name, add] of Object.entries(cases)) {
			const dir = join(env.inbox, name);
			mkdirSync(dir);
			drop(join(dir, '1.png'), samplePng());
			add(dir);
			// Ignored names stay ignored (they never refuse a post).
			writeFileSync(join(dir, '.DS_Store'), 'x');
			drop(join(dir, 'post.json'), {
				version: 1,
				text: 'c',
				targets: ['acme-ig'],
				when: inFuture(),
			});
		}
		await intake.scan();
		expect(store.items()).toEqual([]);
		expect(errorOf(env.folder, 'car3').errors[0].message).toMatch(
			/"2\.png" is a named pipe \(FIFO\)/,
		);
		expect(errorOf(env.folder, 'car6').errors[0].message).toMatch(/"2\.png" is a folder/);
		expect(errorOf(env.folder, 'car7').errors[0].message).toMatch(
			/"notes\.txt", which postspool does not post/,
		);
		expect(existsSync(join(env.folder, 'failed', 'car3', '2.png'))).toBe(true);
	});

	it('a FIFO or a link named .csv is refused to failed/ with error.json, like such a sidecar', async () => {
		const { env, store, intake } = setup();
		execFileSync('mkfifo', [join(env.inbox, 'pipe.csv')]);
		writeFileSync(join(env.home, 'real.csv'), `text,targets,when\nhi,acme-x,${inFuture()}\n`);
		symlinkSync(join(env.home, 'real.csv'), join(env.inbox, 'link.csv'));
		await intake.scan();
		expect(store.items()).toEqual([]);
		expect(errorOf(env.folder, 'pipe.csv').errors[0].message).toMatch(
			/CSV batch "pipe\.csv" is a named pipe \(FIFO\), not a regular file/,
		);
		expect(errorOf(env.folder, 'link.csv').errors[0].message).toMatch(
			/"link\.csv" \(a link to .*real\.csv\) is a symbolic link/,
		);
		expect(lstatSync(join(env.folder, 'failed', 'link.csv', 'link.csv')).isSymbolicLink()).toBe(
			true,
		);
		expect(readdirSync(env.inbox)).toEqual([]);
	});

	it('waits for post.json before a folder is a post', async () => {
		const { env, store, intake } = setup();
		const a = join(env.inbox, 'later');
		mkdirSync(a);
		drop(join(a, '1.png'), samplePng());
		await intake.scan();
		expect(store.items()).toEqual([]);
		expect(existsSync(join(a, '1.png'))).toBe(true);
	});

	it('deep-merges _defaults.json files outermost first', async () => {
		const { env, store, intake } = setup();
		drop(join(env.inbox, '_defaults.json'), {
			version: 1,
			targets: ['acme-x'],
			when: inFuture(),
			postsider: { tags: ['outer'], shortLink: true },
		});
		const sub = join(env.inbox, 'campaign');
		mkdirSync(sub);
		drop(join(sub, '_defaults.json'), { postsider: { tags: ['inner'] } });
		drop(join(sub, 'a.png'), samplePng());
		drop(join(sub, 'a.png.json'), { text: 'merged' });
		await intake.scan();
		const post = JSON.parse(store.items()[0].post) as PostRecord;
		expect(post.sidecar.postsider).toEqual({ tags: ['inner'], shortLink: true });
		expect(post.targets.map((t) => t.label)).toEqual(['acme-x']);
	});

	it('ignores temp, partial and system names', async () => {
		const { env, store, intake } = setup();
		for (const n of [
			'a.png.part',
			'b.crdownload',
			'.hidden.json',
			'~$c.json',
			'Thumbs.db',
			'd.json.tmp',
		])
			writeFileSync(join(env.inbox, n), '{}');
		await intake.scan();
		expect(store.items()).toEqual([]);
		expect(readdirSync(env.inbox).length).toBe(6);
		expect(existsSync(join(env.folder, 'failed'))).toBe(false);
		expect(isIgnoredName('x.swp')).toBe(true);
		expect(isIgnoredName('x.png')).toBe(false);
	});

	it('holds a file back until size and mtime stop changing', async () => {
		let now = 1_000_000;
		const tracker = new StabilityTracker(2000, () => now);
		const { env } = setup();
		const p = join(env.inbox, 'growing.mp4');
		writeFileSync(p, 'a');
		expect(tracker.stable([p])).toBe(false);
		now += 2500;
		writeFileSync(p, 'ab');
		utimesSync(p, new Date(), new Date(Date.now() + 5000));
		expect(tracker.stable([p])).toBe(false);
		now += 1000;
		expect(tracker.stable([p])).toBe(false);
		now += 1500;
		expect(tracker.stable([p])).toBe(true);
	});

	it('does not ingest media changed after its sidecar until it is stable (stableMs)', async () => {
		const { env, store } = setup();
		const intake = new Intake({
			config: { ...env.loaded.config, stableMs: 400 },
			store,
			log: silentLogger,
		});
		drop(join(env.inbox, 'v.mp4.json'), {
			version: 1,
			text: 'v',
			targets: ['acme-x'],
			when: inFuture(),
		});
		drop(join(env.inbox, 'v.mp4'), sampleMp4(2048));
		// Still being written after the sidecar appeared (or found mid-copy at startup).
		const later = new Date(Date.now() + 1000);
		utimesSync(join(env.inbox, 'v.mp4'), later, later);
		const wait = await intake.scan();
		expect(store.items()).toEqual([]);
		expect(wait).toBeGreaterThan(0);
		await new Promise((r) => setTimeout(r, 450));
		await intake.scan();
		expect(store.items().length).toBe(1);
	});

	it('a post committed just before a crash whose files never left the inbox is moved by the first scan after a restart, stableMs or not', async () => {
		// Found by the 200-kill fault run: the restarted daemon's first scan held the files for
		// stableMs, a worker claimed the committed target meanwhile and failed it "file does not exist".
		const { env, store, intake } = setup();
		drop(join(env.inbox, 'crash.png'), samplePng(8, 8, [9, 9, 9]));
		drop(join(env.inbox, 'crash.png.json'), {
			version: 1,
			text: 'crash',
			targets: ['acme-x'],
			when: inFuture(),
		});
		await intake.scan();
		const [item] = store.items();
		// The crash: the row is committed, the files are back in the inbox, the work folder is gone.
		for (const f of readdirSync(item.work_dir))
			renameSync(join(item.work_dir, f), join(env.inbox, f));
		rmdirSync(item.work_dir);
		const now = new Date();
		for (const f of readdirSync(env.inbox)) utimesSync(join(env.inbox, f), now, now);
		const restarted = new Intake({
			config: { ...env.loaded.config, stableMs: 60_000 },
			store,
			log: silentLogger,
		});
		await restarted.scan();
		expect(readdirSync(env.inbox)).toEqual([]);
		expect(readdirSync(item.work_dir).sort()).toEqual(['crash.png', 'crash.png.json']);
		expect(store.items()).toHaveLength(1);
		// A new post dropped now still waits for stableMs.
		drop(join(env.inbox, 'fresh.json'), {
			version: 1,
			text: 'fresh',
			targets: ['acme-x'],
			when: inFuture(),
		});
		expect(await restarted.scan()).toBeGreaterThan(0);
		expect(store.items()).toHaveLength(1);
	});

	it('media named in "media" that arrives late waits until unchanged for stableMs; the final bytes are posted', async () => {
		const { env, store } = setup();
		const intake = new Intake({
			config: { ...env.loaded.config, stableMs: 400 },
			store,
			log: silentLogger,
		});
		drop(join(env.inbox, 'waitD.json'), {
			version: 1,
			text: 'd',
			targets: ['acme-x'],
			when: inFuture(),
			media: ['lateD.png'],
		});
		const earlier = new Date(Date.now() - 5000);
		utimesSync(join(env.inbox, 'waitD.json'), earlier, earlier);
		expect(await intake.scan()).toBeGreaterThan(0); // the sidecar waits for its media
		drop(join(env.inbox, 'lateD.png'), samplePng(8, 8, [1, 2, 3]));
		expect(await intake.scan()).toBeGreaterThan(0); // just arrived: not stable yet
		expect(store.items()).toEqual([]);
		await new Promise((r) => setTimeout(r, 200));
		const final = samplePng(12, 12, [200, 100, 50]);
		drop(join(env.inbox, 'lateD.png'), final); // rewritten within stableMs
		await new Promise((r) => setTimeout(r, 250));
		// The first version would be stable by now; the final one is not.
		expect(await intake.scan()).toBeGreaterThan(0);
		expect(store.items()).toEqual([]);
		await new Promise((r) => setTimeout(r, 450));
		await intake.scan();
		const [item] = store.items();
		expect(item.name).toBe('waitD');
		expect(readFileSync(join(item.work_dir, 'lateD.png'))).toEqual(final);
		expect(readdirSync(env.inbox)).toEqual([]);
	});

	it('waits for stability even when the sidecar was written after the media (a writer may still pause mid-file)', async () => {
		const { env, store } = setup();
		const intake = new Intake({
			config: { ...env.loaded.config, stableMs: 300 },
			store,
			log: silentLogger,
		});
		drop(join(env.inbox, 'w.mp4'), sampleMp4(2048));
		const earlier = new Date(Date.now() - 5000);
		utimesSync(join(env.inbox, 'w.mp4'), earlier, earlier);
		drop(join(env.inbox, 'w.mp4.json'), {
			version: 1,
			text: 'w',
			targets: ['acme-x'],
			when: inFuture(),
		});
		const wait = await intake.scan();
		expect(store.items()).toEqual([]);
		expect(wait).toBeGreaterThan(0);
		await new Promise((r) => setTimeout(r, 350));
		await intake.scan();
		expect(store.items().map((i) => i.name)).toEqual(['w.mp4']);
	});

	it('each "when" error has its own fix: only a time that has passed is told to set a later time', async () => {
		const { env, intake } = setup();
		const when = {
			impossible: '2027-02-30T10:00:00+01:00',
			nooffset: '2027-02-01T10:00:00',
			past: '2020-01-01T10:00:00Z',
		};
		for (const [name, w] of Object.entries(when))
			drop(join(env.inbox, `${name}.json`), {
				version: 1,
				text: name,
				targets: ['acme-x'],
				when: w,
			});
		await intake.scan();
		const [impossible] = errorOf(env.folder, 'impossible').errors;
		expect(impossible.path).toBe('$.when');
		expect(impossible.message).toMatch(/a day the calendar does not have.*write a real date/);
		expect(JSON.stringify(impossible)).not.toMatch(/later time/);
		const [nooffset] = errorOf(env.folder, 'nooffset').errors;
		expect(nooffset.message).toMatch(/has no offset.*add one/);
		expect(JSON.stringify(nooffset)).not.toMatch(/later time/);
		const [past] = errorOf(env.folder, 'past').errors;
		expect(past).toMatchObject({ path: '$.when', message: expect.stringMatching(/in the past/) });
		expect(past.fix).toMatch(/Set "when" to a later time/);
	});

	it('a re-drop of the same content under another name is a duplicate, never a second post', async () => {
		const { env, store, intake } = setup();
		const png = samplePng(16, 16, [9, 9, 9]);
		const sidecar = { version: 1, text: 'same', targets: ['acme-x'], when: '2031-01-01T09:00:00Z' };
		drop(join(env.inbox, 'one.png'), png);
		drop(join(env.inbox, 'one.png.json'), sidecar);
		await intake.scan();
		drop(join(env.inbox, 'renamed.png'), png);
		drop(join(env.inbox, 'renamed.png.json'), sidecar);
		await intake.scan();
		expect(store.items().length).toBe(1);
		const dup = JSON.parse(
			readFileSync(
				join(env.folder, 'done', 'duplicates', 'renamed.png', 'duplicate-of.json'),
				'utf8',
			),
		);
		expect(dup.item).toBe(store.items()[0].id);
		expect(existsSync(join(env.folder, 'done', 'duplicates', 'renamed.png', 'renamed.png'))).toBe(
			true,
		);
	});

	it('finishes the move of an item committed before a crash (same identity, no second item)', async () => {
		const { env, store, intake } = setup();
		drop(join(env.inbox, 'c.png'), samplePng(8, 8, [4, 4, 4]));
		drop(join(env.inbox, 'c.png.json'), {
			version: 1,
			text: 'c',
			targets: ['acme-x'],
			when: inFuture(),
		});
		await intake.scan();
		const item = store.items()[0];
		// Simulate the crash: put the files back in the inbox as if the rename never happened.
		for (const f of readdirSync(item.work_dir))
			renameSync(join(item.work_dir, f), join(env.inbox, f));
		rmdirSync(item.work_dir);
		await intake.scan();
		expect(store.items().length).toBe(1);
		expect(readdirSync(item.work_dir).sort()).toEqual(['c.png', 'c.png.json']);
	});

	it('JSON cut short is waited for while it is young (a paused writer), refused once it is not', async () => {
		const { env, store, intake } = setup();
		const path = join(env.inbox, 'cut.json');
		drop(path, '{"version": 1, "text": ');
		const wait = await intake.scan();
		// stableMs 0 here: the grace is its 5 s floor.
		expect(wait).toBeGreaterThan(4000);
		expect(wait).toBeLessThanOrEqual(5000);
		expect(readdirSync(env.inbox)).toEqual(['cut.json']);
		expect(store.items()).toEqual([]);
		const old = (Date.now() - 6000) / 1000;
		utimesSync(path, old, old);
		await intake.scan();
		const err = errorOf(env.folder, 'cut');
		expect(err.errors[0].message).toMatch(/not valid JSON \(the file ends too early\)/);
	});

	it('a media file cut short is waited for while it is young (a paused writer), queued once complete, refused once old', async () => {
		const { env, store, intake } = setup();
		const png = samplePng();
		const path = join(env.inbox, 'slow.png');
		drop(path, png.subarray(0, 100));
		drop(join(env.inbox, 'slow.png.json'), {
			version: 1,
			text: 's',
			targets: ['acme-x'],
			when: inFuture(),
		});
		const wait = await intake.scan();
		// stableMs 0 here: the grace is its 5 s floor.
		expect(wait).toBeGreaterThan(4000);
		expect(wait).toBeLessThanOrEqual(5000);
		expect(readdirSync(env.inbox).sort()).toEqual(['slow.png', 'slow.png.json']);
		expect(existsSync(join(env.folder, 'failed'))).toBe(false);
		// The writer resumes: the whole file is queued.
		writeFileSync(path, png);
		await intake.scan();
		expect(store.items()).toHaveLength(1);
		// A cut file that has not changed for the grace is refused.
		const cut = join(env.inbox, 'cut.png');
		drop(cut, png.subarray(0, 100));
		drop(join(env.inbox, 'cut.png.json'), {
			version: 1,
			text: 'c',
			targets: ['acme-x'],
			when: inFuture(),
		});
		const old = (Date.now() - 6000) / 1000;
		utimesSync(cut, old, old);
		await intake.scan();
		expect(errorOf(env.folder, 'cut.png').errors[0].message).toMatch(/"cut\.png" is incomplete/);
	});

	it('a sidecar waits for the media its "media" list names (synced folders deliver it first), refused after NAMED_MEDIA_WAIT_MS', async () => {
		const { env, store, intake } = setup();
		const sidecar = join(env.inbox, 'm.json');
		drop(sidecar, {
			version: 1,
			text: 'm',
			targets: ['acme-x'],
			when: inFuture(),
			media: ['later.png'],
		});
		const wait = await intake.scan();
		expect(wait).toBeGreaterThan(0);
		expect(wait).toBeLessThanOrEqual(60_000);
		expect(readdirSync(env.inbox)).toEqual(['m.json']);
		expect(existsSync(join(env.folder, 'failed'))).toBe(false);
		// plan says it waits (not refused).
		const planned = await cli(() => planCommand({ config: env.configPath, json: true }));
		expect(planned.code).toBe(0);
		expect(JSON.parse(planned.out).waiting).toContainEqual(
			expect.objectContaining({
				path: 'm.json',
				reason: expect.stringMatching(/waiting for "later\.png" named in "media"/),
			}),
		);
		drop(join(env.inbox, 'later.png'), samplePng());
		await intake.scan();
		expect(store.items()).toHaveLength(1);
		expect(readdirSync(env.inbox)).toEqual([]);
		// A sidecar unchanged for longer than the bound is refused.
		const old = join(env.inbox, 'old.json');
		drop(old, {
			version: 1,
			text: 'o',
			targets: ['acme-x'],
			when: inFuture(),
			media: ['never.png'],
		});
		const t = (Date.now() - NAMED_MEDIA_WAIT_MS - 1000) / 1000;
		utimesSync(old, t, t);
		await intake.scan();
		expect(errorOf(env.folder, 'old').errors[0]).toMatchObject({
			path: '$.media.0',
			message: expect.stringMatching(/"never\.png" is not in the inbox \(waited 15 minutes/),
		});
	});

	it.each([
		['../secret.txt', 'the inbox', 'outside the inbox'],
		['/etc/hostname', 'the inbox', 'outside the inbox'],
		['sub/a.png', 'the inbox', 'into a sub-folder of the inbox'],
	])(
		'"media": "%s" is refused at once as a path that is not allowed',
		async (name, where, what) => {
			const { env, store, intake } = setup();
			writeFileSync(join(env.home, 'secret.txt'), 'not for posting');
			drop(join(env.inbox, 'p.json'), {
				version: 1,
				text: 'p',
				targets: ['acme-x'],
				when: inFuture(),
				media: [name],
			});
			await intake.scan(); // a fresh sidecar: not waited for like a missing file
			expect(store.items()).toEqual([]);
			const [e] = errorOf(env.folder, 'p').errors;
			expect(e.path).toBe('$.media.0');
			expect(e.message).toContain(
				`is a path ${what}, which is not allowed; name a file in ${where}`,
			);
			expect(e.message).not.toMatch(/waited/);
		},
	);

	it.each([
		['bad JSON', 'broken.json', '{"version": 1, "text": ]', '$', /not valid JSON \(at line 1/],
		[
			'past time',
			'late.json',
			{ version: 1, text: 'l', targets: ['acme-x'], when: '2020-01-01T00:00:00Z' },
			'$.when',
			/in the past/,
		],
		[
			'unknown alias',
			'who.json',
			{ version: 1, text: 'w', targets: ['ghost'], when: 'asap' },
			'$.targets.0',
			/not an account alias/,
		],
	])('%s → failed/ with error.json naming %s', async (_label, file, content, path, message) => {
		const { env, store, intake } = setup();
		drop(join(env.inbox, file), content as string | object);
		await intake.scan();
		expect(store.items()).toEqual([]);
		const err = errorOf(env.folder, file.replace(/\.json$/, ''));
		expect(err.errors[0].path).toBe(path);
		expect(err.errors[0].message).toMatch(message);
	});

	it('checks media by content and per platform before any API call', async () => {
		const { env, store, intake } = setup();
		drop(join(env.inbox, 'fake.png'), 'this is text, not a PNG');
		drop(join(env.inbox, 'fake.png.json'), {
			version: 1,
			text: 'f',
			targets: ['acme-x'],
			when: inFuture(),
		});
		drop(join(env.inbox, 'yt.png'), samplePng());
		drop(join(env.inbox, 'yt.png.json'), {
			version: 1,
			text: 'y',
			targets: ['acme-x', 'acme-yt'],
			when: inFuture(),
		});
		await intake.scan();
		expect(store.items()).toEqual([]);
		expect(errorOf(env.folder, 'fake.png').errors[0].message).toMatch(/not a JPEG, PNG/);
		const yt = errorOf(env.folder, 'yt.png').errors[0];
		expect(yt).toMatchObject({ path: '$.targets.1', target: 'acme-yt' });
		expect(yt.message).toMatch(/youtube needs a video/);
	});

	it('late: skip settles the targets as skipped; late: post-now sends as soon as possible', async () => {
		const { env, store, intake } = setup();
		drop(join(env.inbox, 's.json'), {
			version: 1,
			text: 's',
			targets: ['acme-x'],
			when: '2020-01-01T00:00:00Z',
			late: 'skip',
		});
		drop(join(env.inbox, 'n.json'), {
			version: 1,
			text: 'n',
			targets: ['acme-x'],
			when: '2020-01-01T00:00:00Z',
			late: 'post-now',
		});
		await intake.scan();
		const byName = Object.fromEntries(store.items().map((i) => [i.name, i]));
		expect(store.targets(byName.s.id)[0].state).toBe('skipped');
		expect((JSON.parse(byName.n.post) as PostRecord).when).toEqual({ kind: 'asap' });
	});
	it('a burst of 1,000 sidecars is queued completely, once each; a second scan adds nothing', async () => {
		const { env, store, intake } = setup();
		for (let n = 0; n < 1000; n++) {
			writeFileSync(
				join(env.inbox, `burst-${n}.json`),
				JSON.stringify({ version: 1, text: `burst ${n}`, targets: ['acme-x'], when: 'asap' }),
			);
		}
		await intake.scan();
		await intake.scan();
		const items = store.items();
		expect(items).toHaveLength(1000);
		expect(new Set(items.map((i) => i.name)).size).toBe(1000);
		expect(readdirSync(env.inbox)).toEqual([]);
	}, 120_000);
	it('a stopping daemon ends its scan between two posts; the next scan takes the rest, once each', async () => {
		const env = makeEnv();
		const store = openStore(env);
		for (let n = 0; n < 50; n++)
			drop(join(env.inbox, `stop-${n}.json`), {
				version: 1,
				text: `stop ${n}`,
				targets: ['acme-x'],
				when: 'asap',
			});
		let stopped: Promise<void> | undefined;
		const first: Intake = new Intake({
			config: env.loaded.config,
			store,
			log: silentLogger,
			onQueued: () => {
				if (store.items().length === 3) stopped = first.stop();
			},
		});
		await first.scan();
		await stopped;
		expect(store.items()).toHaveLength(3);
		expect(readdirSync(env.inbox)).toHaveLength(47);
		expect(await first.scan()).toBeUndefined();
		expect(store.items()).toHaveLength(3);
		await new Intake({ config: env.loaded.config, store, log: silentLogger }).scan();
		const items = store.items();
		expect(items).toHaveLength(50);
		expect(new Set(items.map((i) => i.name)).size).toBe(50);
		expect(readdirSync(env.inbox)).toEqual([]);
	});

	it('refuses, for PostSider, media whose first 4 KB trip its dangerous-content scan', async () => {
		const { env, store, intake } = setup();
		const png = samplePng(8, 8, [1, 2, 3]);
		drop(
			join(env.inbox, 'trap.png'),
			Buffer.concat([png.subarray(0, 33), Buffer.from('<%'), png.subarray(33)]),
		);
		drop(join(env.inbox, 'trap.png.json'), {
			version: 1,
			text: 't',
			targets: ['acme-x'],
			when: inFuture(),
		});
		await intake.scan();
		expect(store.items()).toEqual([]);
		expect(errorOf(env.folder, 'trap.png').errors[0]).toMatchObject({
			path: '$.targets.0',
			message: expect.stringMatching(/Re-export or re-encode/),
		});
	});
	it('refuses text longer than the PostSider provider takes, naming the text path', async () => {
		const env = makeEnv({ accounts: { bsky: { key: 'sider', id: 'b1', platform: 'bluesky' } } });
		const store = openStore(env);
		const intake = new Intake({ config: env.loaded.config, store, log: silentLogger });
		drop(join(env.inbox, 'long.json'), {
			version: 1,
			// 240 characters as typed; PostSider counts & as &amp; (5): 320.
			text: { default: 'ok', bluesky: 'Tom & Jerry '.repeat(20) },
			targets: ['bsky'],
			when: inFuture(),
		});
		await intake.scan();
		expect(errorOf(env.folder, 'long').errors[0]).toMatchObject({
			path: '$.text.bluesky',
			message: expect.stringMatching(
				/too long as PostSider counts it: 320 of 300 for Bluesky: & counts 5/,
			),
		});
	});
	it('refuses a PostSider text with an HTML table, whose count cannot be checked ahead', async () => {
		const env = makeEnv({ accounts: { bsky: { key: 'sider', id: 'b1', platform: 'bluesky' } } });
		const store = openStore(env);
		const intake = new Intake({ config: env.loaded.config, store, log: silentLogger });
		drop(join(env.inbox, 'table.json'), {
			version: 1,
			text: { default: 'ok', bluesky: '<table><tr><td>short</td></tr></table>' },
			targets: ['bsky'],
			when: inFuture(),
		});
		await intake.scan();
		expect(store.items()).toEqual([]);
		expect(errorOf(env.folder, 'table').errors[0]).toMatchObject({
			path: '$.text.bluesky',
			message: expect.stringMatching(/has an HTML table \(<table>\).*remove the table tags/),
		});
	});
	it('cancel stops targets not yet created and files the item under done/ as cancelled', async () => {
		const { env, store, intake } = setup();
		drop(join(env.inbox, 'c.png'), samplePng(8, 8, [77, 1, 1]));
		drop(join(env.inbox, 'c.png.json'), {
			version: 1,
			text: 'never mind',
			targets: ['acme-x', 'acme-ig'],
			when: inFuture(),
		});
		await intake.scan();
		const [item] = store.items();
		expect(cancelItem(store, item.id.slice(0, 6), Date.now())).toMatchObject({
			ok: true,
			message: expect.stringMatching(/cancelled 2 target/),
		});
		const after = store.item(item.id)!;
		expect(after.state).toBe('cancelled');
		expect(after.final_dir).toMatch(/done\/\d{4}-\d{2}\/c\.png$/);
		expect(readdirSync(after.final_dir!).sort()).toEqual(['c.png', 'c.png.json', 'receipt.json']);
		expect(cancelItem(store, 'nope', Date.now())).toMatchObject({
			ok: false,
			message: expect.stringMatching(/queue ls/),
		});
	});
	it('cancel of a target in state unknown says what happens and when unless a request is in flight', async () => {
		const { env, store, intake } = setup();
		drop(join(env.inbox, 'u.json'), {
			version: 1,
			text: 'unsure',
			targets: ['acme-x'],
			when: inFuture(),
		});
		await intake.scan();
		const [item] = store.items();
		const [t] = store.targets(item.id);
		const next = Date.now() + 120_000;
		expect(store.force(t.id, ['pending'], 'unknown', { next_attempt_at: next })).toBe(true);
		const waiting = cancelItem(store, item.id, Date.now());
		expect(waiting.ok).toBe(false);
		expect(waiting.message).toContain('is not being sent right now');
		expect(waiting.message).toContain(`At ${new Date(next).toISOString()} the daemon`);
		expect(waiting.message).toContain(`"postspool cancel --remote ${item.id}"`);
		// A worker holds its lease: the request is in flight.
		store.db
			.prepare('UPDATE targets SET lease_owner = ?, lease_until = ? WHERE id = ?')
			.run('w', Date.now() + 60_000, t.id);
		expect(cancelItem(store, item.id, Date.now()).message).toMatch(/is being created right now/);
	});
	describe('symbolic links are refused, never followed or moved through', () => {
		const sidecar = () => ({ version: 1, text: 'l', targets: ['acme-x'], when: inFuture() });

		it('a folder post with a media link pointing outside the drop folder', async () => {
			const { env, store, intake } = setup();
			const outside = join(env.folder, '..', 'outside.png');
			writeFileSync(outside, samplePng());
			mkdirSync(join(env.inbox, 'album'));
			symlinkSync(outside, join(env.inbox, 'album', 'linked.png'));
			drop(join(env.inbox, 'album', 'post.json'), sidecar());
			await intake.scan();
			expect(store.items()).toEqual([]);
			const msg = errorOf(env.folder, 'album').errors[0].message;
			expect(msg).toMatch(/"linked\.png" \(a link to .*outside\.png\) is a symbolic link/);
			expect(msg).toMatch(/Copy the real file into the folder/);
			// The link itself moved to failed/; its target stayed where it was.
			const moved = join(env.folder, 'failed', 'album', 'linked.png');
			expect(lstatSync(moved).isSymbolicLink()).toBe(true);
			expect(readlinkSync(moved)).toBe(outside);
			expect(readFileSync(outside)).toEqual(samplePng());
		});

		it('a single-file post whose media is a link, even to a file inside the inbox', async () => {
			const { env, store, intake } = setup();
			drop(join(env.inbox, 'real.bin'), samplePng());
			symlinkSync(join(env.inbox, 'real.bin'), join(env.inbox, 'clip.png'));
			drop(join(env.inbox, 'clip.png.json'), sidecar());
			await intake.scan();
			expect(store.items()).toEqual([]);
			expect(errorOf(env.folder, 'clip.png').errors[0].message).toMatch(
				/"clip\.png" \(a link to .*real\.bin\) is a symbolic link/,
			);
			expect(existsSync(join(env.inbox, 'real.bin'))).toBe(true);
		});

		it('a dangling media link and a linked folder', async () => {
			const { env, store, intake } = setup();
			symlinkSync('/nonexistent/file.png', join(env.inbox, 'gone.png'));
			drop(join(env.inbox, 'gone.png.json'), sidecar());
			const elsewhere = join(env.folder, '..', 'elsewhere');
			mkdirSync(elsewhere);
			drop(join(elsewhere, 'post.json'), sidecar());
			drop(join(elsewhere, '1.png'), samplePng());
			symlinkSync(elsewhere, join(env.inbox, 'linked-album'));
			await intake.scan();
			expect(store.items()).toEqual([]);
			expect(errorOf(env.folder, 'gone.png').errors[0].message).toMatch(
				/"gone\.png" \(a link to \/nonexistent\/file\.png\) is a symbolic link/,
			);
			expect(errorOf(env.folder, 'linked-album').errors[0].message).toMatch(/symbolic link/);
			// Only the link moved (into failed/linked-album/): the folder it pointed at is untouched.
			expect(
				lstatSync(join(env.folder, 'failed', 'linked-album', 'linked-album')).isSymbolicLink(),
			).toBe(true);
			expect(readdirSync(elsewhere).sort()).toEqual(['1.png', 'post.json']);
		});

		it('a linked sidecar is not read', async () => {
			const { env, store, intake } = setup();
			const outside = join(env.folder, '..', 'elsewhere.json');
			writeFileSync(outside, JSON.stringify(sidecar()));
			symlinkSync(outside, join(env.inbox, 'note.json'));
			await intake.scan();
			expect(store.items()).toEqual([]);
			expect(errorOf(env.folder, 'note').errors[0].message).toMatch(
				/"note\.json" \(a link to .*elsewhere\.json\) is a symbolic link/,
			);
			expect(existsSync(outside)).toBe(true);
		});

		it('a link named in "media" of a single-file post', async () => {
			const { env, store, intake } = setup();
			const outside = join(env.folder, '..', 'far.png');
			writeFileSync(outside, samplePng());
			symlinkSync(outside, join(env.inbox, 'far.png'));
			drop(join(env.inbox, 'note.json'), { ...sidecar(), media: ['far.png'] });
			await intake.scan();
			expect(store.items()).toEqual([]);
			expect(errorOf(env.folder, 'note').errors[0]).toMatchObject({
				path: '$.media.0',
				message: expect.stringMatching(
					/"far\.png" is a symbolic link to .*far\.png; .*Copy the real file/,
				),
			});
		});
	});

	describe('unreadable files get an error.json about permissions, not content', () => {
		it('names the permission problem and the fix for EACCES/EPERM, the OS reason otherwise', () => {
			const eacces = Object.assign(new Error('EACCES: permission denied, open'), {
				code: 'EACCES',
			});
			expect(unreadableMessage('media file', 'a.png', eacces)).toMatch(
				/media file "a\.png" is not readable .*EACCES: permission denied.*chmod 644 "a\.png".*chown/,
			);
			const eio = Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
			expect(unreadableMessage('sidecar', 'b.json', eio)).toMatch(
				/cannot read sidecar "b\.json" \(EIO: /,
			);
		});

		// As root every file is readable; the fault suite (test/faults/unreadable.test.ts) runs this as nobody.
		it.skipIf(process.getuid?.() === 0)(
			'mode 000 media and sidecar are refused, not retried',
			async () => {
				const { env, store, intake } = setup();
				drop(join(env.inbox, 'locked.png'), samplePng());
				drop(join(env.inbox, 'locked.png.json'), {
					version: 1,
					text: 'l',
					targets: ['acme-x'],
					when: inFuture(),
				});
				chmodSync(join(env.inbox, 'locked.png'), 0o000);
				drop(join(env.inbox, 'secret.json'), {
					version: 1,
					text: 's',
					targets: ['acme-x'],
					when: inFuture(),
				});
				chmodSync(join(env.inbox, 'secret.json'), 0o000);
				await intake.scan();
				expect(store.items()).toEqual([]);
				expect(errorOf(env.folder, 'locked.png').errors[0].message).toMatch(
					/media file "locked\.png" is not readable .*EACCES.*chmod/,
				);
				const side = errorOf(env.folder, 'secret').errors[0].message;
				expect(side).toMatch(/sidecar "secret\.json" is not readable .*EACCES.*chmod/);
				expect(side).not.toMatch(/not valid JSON/);
				expect(readdirSync(env.inbox)).toEqual([]);
			},
		);
	});
});
