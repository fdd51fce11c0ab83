/**
 * `plan` and `queue ls` explain every file still in an inbox (what it waits for) and never crash
 * on any input (issue 10, "every item ends"): examples for each reason, and a fast-check property
 * over generated inbox contents — names with control characters, nested folders, FIFOs, links (to
 * a large tree, to a sibling, dangling), empty files, broken JSON.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planCommand } from '../src/commands/plan';
import { queueLsCommand } from '../src/commands/queue';
import { samplePng } from '../src/demo/media';
import { inboxWaiting } from '../src/dashboard/waiting';
import { explainInbox } from '../src/intake/waiting';
import { LEASE_FILE } from '../src/state/lease';
import { inFuture, makeEnv } from './helpers';

/** Runs a command in-process, capturing what it prints. */
async function capture(fn: () => number | Promise<number>): Promise<{ code: number; out: string }> {
	const write = process.stdout.write.bind(process.stdout);
	let out = '';
	process.stdout.write = ((chunk: string | Uint8Array) => {
		out += String(chunk);
		return true;
	}) as typeof process.stdout.write;
	try {
		return { code: await fn(), out };
	} finally {
		process.stdout.write = write;
	}
}

const old = (path: string) => utimesSync(path, 1_700_000_000, 1_700_000_000);

describe('what every file in an inbox waits for', () => {
	it('a sidecar whose "media" names a missing file: plan, queue ls and the dashboard give the one explanation', async () => {
		const env = makeEnv();
		writeFileSync(
			join(env.inbox, 'waiter.json'),
			JSON.stringify({
				version: 1,
				text: 'w',
				targets: ['acme-x'],
				when: inFuture(),
				media: ['later.png'],
			}),
		);
		const expected =
			/post "waiter": waiting for "later\.png" named in "media"; refused with error\.json if still missing in 1[45] min/;
		const plan = await capture(() => planCommand({ config: env.configPath }));
		expect(plan.out).toMatch(new RegExp(`WAIT waiter\\.json: ${expected.source}`));
		const queue = await capture(() => queueLsCommand({ config: env.configPath }));
		expect(queue.out).toMatch(new RegExp(`WAIT waiter\\.json: ${expected.source}`));
		expect(queue.out).not.toMatch(/ready/);
		const [dash] = inboxWaiting(env.loaded.config, Date.now());
		expect(dash).toMatchObject({ name: 'waiter', reason: expect.stringMatching(expected) });
		// Once the file is there, the post is ready again.
		writeFileSync(join(env.inbox, 'later.png'), samplePng());
		old(join(env.inbox, 'later.png'));
		old(join(env.inbox, 'waiter.json'));
		const after = explainInbox(env.inbox, { stableMs: 1000 });
		expect(after.map((w) => w.reason)).toEqual([
			'post "waiter": ready, taken by the next scan',
			'post "waiter": ready, taken by the next scan',
		]);
	});

	it('explains each case in words', () => {
		const env = makeEnv();
		const i = env.inbox;
		const put = (name: string, data: string | Buffer = '', age = true) => {
			mkdirSync(dirname(join(i, name)), { recursive: true });
			writeFileSync(join(i, name), data);
			if (age) old(join(i, name));
		};
		put(
			'ready.json',
			JSON.stringify({ version: 1, text: 'hi', targets: ['acme-x'], when: inFuture() }),
		);
		put('fresh.json', '{"version": 1', false);
		put('lonely.png', samplePng());
		put('car/1.png', samplePng());
		put('clip.mp4.json', '{}');
		put('.hidden.png');
		put('photo.png.part');
		put('notes.txt', 'hello');
		put('_defaults.json', '{}');
		put('big/_defaults.json', 'x'.repeat(300 * 1024));
		put('big/post-a.json', '{}');
		mkdirSync(join(i, 'empty'));
		symlinkSync('/usr', join(i, 'usr-link'));
		expect(spawnSync('mkfifo', [join(i, 'pipe.json')]).status).toBe(0);
		const by = Object.fromEntries(
			explainInbox(i, { stableMs: 2000, folder: env.folder }).map((w) => [w.path, w.reason]),
		);
		expect(by['ready.json']).toBe('post "ready": ready, taken by the next scan');
		expect(by['fresh.json']).toMatch(
			/^post "fresh": being written \(fresh\.json changed less than 2000 ms ago\)/,
		);
		expect(by['lonely.png']).toBe(
			'a media file waiting for its sidecar ("lonely.png.json" or "lonely.json")',
		);
		expect(by['car/1.png']).toBe(
			'a media file waiting for this folder\'s post.json (a folder with post.json is one post), or for its own sidecar ("1.png.json")',
		);
		expect(by['clip.mp4.json']).toBe('a sidecar waiting for its media file "clip.mp4"');
		expect(by['.hidden.png']).toMatch(/^ignored: a hidden, temporary or partial name/);
		expect(by['photo.png.part']).toMatch(/^ignored: /);
		expect(by['notes.txt']).toMatch(/^not a post: /);
		expect(by['_defaults.json']).toBe('defaults for the posts in this folder');
		expect(by['big/_defaults.json']).toMatch(/over the 262144-byte cap/);
		expect(by['big/post-a.json']).toBe('post "post-a": ready, taken by the next scan');
		expect(by.empty).toMatch(/^an empty folder/);
		expect(by['usr-link']).toMatch(/^post "usr-link": will be refused .*symbolic link/);
		expect(by['pipe.json']).toMatch(/^post "pipe": /);
	});

	it('says when another daemon holds the drop folder', () => {
		const env = makeEnv();
		writeFileSync(
			join(env.folder, LEASE_FILE),
			JSON.stringify({
				host: 'elsewhere',
				pid: 7,
				stateDir: '/other/state',
				startedAt: new Date().toISOString(),
				heartbeatAt: new Date().toISOString(),
				token: '0123456789abcdef',
			}),
		);
		const [first] = explainInbox(env.inbox, {
			stableMs: 0,
			folder: env.folder,
			ownStateDir: env.loaded.stateDir,
		});
		expect(first).toEqual({
			path: '.',
			reason: expect.stringMatching(
				/^the drop folder's lease is held by another daemon \(pid 7 on elsewhere, state directory \/other\/state\)/,
			),
		});
	});

	it('plan --json lists them as data, queue ls prints them; neither crashes on any inbox (property)', async () => {
		const env = makeEnv();
		const name = fc
			.tuple(
				fc.string({
					minLength: 1,
					maxLength: 6,
					unit: fc.constantFrom('a', 'b', '.', ' ', '\x1b', '\n', '\t', 'é', '~', '$', '-', '\x07'),
				}),
				fc.constantFrom('', '.json', '.png', '.mp4', '.csv', '.tmp', '.png.json', '_defaults.json'),
			)
			.map(([a, b]) => a + b)
			.filter((n) => n !== '.' && n !== '..');
		const content = fc.constantFrom<string | Buffer>(
			'',
			'{',
			'{"version":1,"text":"x","targets":["acme-x"]}',
			`{"version":1,"text":"x","targets":["acme-x"],"when":"${inFuture()}"}`,
			'[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]',
			'\ufeff{"version":1}',
			samplePng(),
			'a,b\n1,2\n',
		);
		const entry = fc.record({
			path: fc.array(name, { minLength: 1, maxLength: 3 }),
			kind: fc.constantFrom('file', 'dir', 'fifo', 'link-usr', 'link-sibling', 'link-dangling'),
			content,
			aged: fc.boolean(),
		});
		await fc.assert(
			fc.asyncProperty(fc.array(entry, { maxLength: 12 }), async (entries) => {
				rmSync(env.inbox, { recursive: true, force: true });
				mkdirSync(env.inbox);
				const made: string[] = [];
				for (const e of entries) {
					const p = join(env.inbox, ...e.path);
					try {
						mkdirSync(dirname(p), { recursive: true });
						if (e.kind === 'file') writeFileSync(p, e.content, { flag: 'wx' });
						else if (e.kind === 'dir') mkdirSync(p);
						else if (e.kind === 'fifo') {
							if (spawnSync('mkfifo', [p]).status !== 0) continue;
						} else
							symlinkSync(
								e.kind === 'link-usr' ? '/usr' : e.kind === 'link-sibling' ? '.' : '/nonexistent/x',
								p,
							);
						if (e.aged && e.kind !== 'fifo' && !e.kind.startsWith('link')) old(p);
						made.push(join(...e.path));
					} catch {
						// A name already taken (as a file or folder) or a parent that is a file: skip.
					}
				}
				const explained = explainInbox(env.inbox, { stableMs: 1000 });
				const paths = new Set(explained.map((w) => w.path));
				// Each file made is explained itself, or goes with an explained folder above it.
				for (const m of made) {
					const parts = m.split('/');
					const covered = parts.some((_, k) => paths.has(parts.slice(0, k + 1).join('/')));
					expect(
						covered,
						`${JSON.stringify(m)} is not explained: ${JSON.stringify(explained)}`,
					).toBe(true);
				}
				for (const w of explained) expect(w.reason.length).toBeGreaterThan(0);
				const plan = await capture(() => planCommand({ config: env.configPath, json: true }));
				expect([0, 2]).toContain(plan.code);
				const report = JSON.parse(plan.out) as { waiting: unknown[] };
				expect(report.waiting).toHaveLength(explained.length);
				const human = await capture(() => planCommand({ config: env.configPath }));
				expect(human.out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
				const queue = await capture(() => queueLsCommand({ config: env.configPath }));
				expect(queue.code).toBe(0);
				expect(queue.out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
				if (explained.length > 0) expect(queue.out).toContain('In the inboxes:');
			}),
			{ numRuns: 40 },
		);
	}, 120_000);
});
