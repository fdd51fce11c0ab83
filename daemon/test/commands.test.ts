/**
 * The reading and item-naming commands as a user meets them (outside tester findings): history's
 * date filters take a date as a whole day, `cancel`/`retry` refuse an id prefix that names several
 * items (with the candidates), `check` refuses what it cannot check and prints one JSON document.
 * Real SQLite state and real folders; the commands run in process.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cancelCommand } from '../src/commands/cancel';
import { checkCommand } from '../src/commands/check';
import { planCommand } from '../src/commands/plan';
import { historyCommand, parseWhen } from '../src/commands/history';
import { retryCommand } from '../src/commands/retry';
import { openDb } from '../src/state/db';
import { Store } from '../src/state/store';
import { inFuture, makeEnv } from './helpers';

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

/** Items with given ids, each one target confirmed for `publishAt`. */
function seed(
	env: ReturnType<typeof makeEnv>,
	items: Array<{ id: string; publishAt: number; state?: string; draft?: boolean }>,
) {
	const db = openDb(env.loaded.stateDir);
	const store = new Store(db);
	for (const it of items) {
		store.insertItem(
			{
				id: it.id,
				identity: `identity-${it.id}`,
				name: `post-${it.id}`,
				folder: env.folder,
				work_dir: join(env.folder, '.processing', it.id),
				post: JSON.stringify({
					name: `post-${it.id}`,
					kind: 'file',
					sidecar: { version: 1, text: 'x', targets: ['acme-x'], when: 'asap', draft: !!it.draft },
					targets: [],
					when: { kind: 'asap' },
					media: [],
					droppedAt: 0,
				}),
			},
			[
				{
					label: 'acme-x',
					key_name: 'sider',
					service: 'postsider',
					account_id: 'ch-x',
					platform: 'x',
					state: (it.state ?? 'confirmed') as never,
				},
			],
		);
		db.prepare(`UPDATE targets SET publish_at = ?, remote_id = ? WHERE item_id = ?`).run(
			it.publishAt,
			`remote-${it.id}`,
			it.id,
		);
	}
	db.close();
}

describe('history', () => {
	it('--until 2026-12-07 includes that whole day; --since a date starts at its midnight; an impossible date is refused', async () => {
		const env = makeEnv();
		const day = Date.parse('2026-12-07T00:00:00Z');
		seed(env, [
			{ id: 'a1', publishAt: day - 1 },
			{ id: 'a2', publishAt: day },
			{ id: 'a3', publishAt: day + 15 * 3_600_000 },
			{ id: 'a4', publishAt: day + 86_400_000 - 1 },
			{ id: 'a5', publishAt: day + 86_400_000 },
		]);
		const ids = async (o: Record<string, string>) =>
			(
				JSON.parse(
					(await cli(() => historyCommand({ config: env.configPath, json: true, ...o }))).out,
				) as Array<{ item: string }>
			)
				.map((r) => r.item)
				.sort();
		expect(await ids({ until: '2026-12-07' })).toEqual(['a1', 'a2', 'a3', 'a4']);
		expect(await ids({ since: '2026-12-07', until: '2026-12-07' })).toEqual(['a2', 'a3', 'a4']);
		expect(await ids({ since: '2026-12-08' })).toEqual(['a5']);
		// A full time stays an instant.
		expect(await ids({ until: '2026-12-07T15:00:00Z' })).toEqual(['a1', 'a2', 'a3']);
		expect(() => historyCommand({ config: env.configPath, until: '2026-02-30' })).toThrow(
			/"2026-02-30" is not a day on the calendar/,
		);
	});

	it('a date as --since/--until takes exactly the instants of that UTC day', () => {
		fc.assert(
			fc.property(
				fc.date({
					min: new Date('2000-01-01T00:00:00Z'),
					max: new Date('2099-12-31T23:59:59Z'),
					noInvalidDate: true,
				}),
				(d) => {
					const at = d.getTime();
					const iso = d.toISOString().slice(0, 10);
					expect(parseWhen(iso, '--since', 0, 'start')).toBeLessThanOrEqual(at);
					expect(parseWhen(iso, '--until', 0, 'end')).toBeGreaterThan(at);
					expect(parseWhen(iso, '--until', 0, 'end') - parseWhen(iso, '--since', 0, 'start')).toBe(
						86_400_000,
					);
				},
			),
		);
	});

	it('a time without an offset is refused with the fix (never read in the local zone); --since after --until is refused', () => {
		const env = makeEnv();
		for (const v of [
			'2026-12-07T09:00',
			'2026-12-07T09:00:00',
			'2026-12-07 09:00',
			'2026-12-07T09:00:00.000',
		]) {
			expect(() => historyCommand({ config: env.configPath, since: v })).toThrow(
				/--since ".*" has no offset, so it could mean any time zone; add one: "2026-12-07T09:00[^"]*Z"/,
			);
			expect(() => historyCommand({ config: env.configPath, until: v })).toThrow(
				/--until .* has no offset/,
			);
		}
		// With an offset the instant is the same whatever the machine's zone.
		expect(parseWhen('2026-12-07T09:00:00+13:00', '--since')).toBe(
			Date.parse('2026-12-06T20:00:00Z'),
		);
		expect(parseWhen('2026-12-07T09:00:00z', '--since')).toBe(Date.parse('2026-12-07T09:00:00Z'));
		expect(() =>
			historyCommand({ config: env.configPath, since: '2026-12-08', until: '2026-12-07' }),
		).toThrow(
			/--since "2026-12-08" is not before --until "2026-12-07", so no post could match; swap them/,
		);
		expect(() =>
			historyCommand({
				config: env.configPath,
				since: '2026-12-07T10:00:00Z',
				until: '2026-12-07T09:00:00Z',
			}),
		).toThrow(/is not before --until/);
	});

	it('a PostFast target recovered without its database record shows its scheduled time (from the look-up request), not "-"', async () => {
		const env = makeEnv();
		const at = Date.parse('2027-03-01T09:00:00Z');
		seed(env, [{ id: 'r1', publishAt: at }]);
		const db = openDb(env.loaded.stateDir);
		db.prepare(`UPDATE targets SET publish_at = NULL, request = ? WHERE item_id = 'r1'`).run(
			JSON.stringify({ body: {}, publishAt: at, index: 0, lookupOnly: true }),
		);
		db.close();
		const rows = JSON.parse(
			(await cli(() => historyCommand({ config: env.configPath, json: true }))).out,
		);
		expect(rows[0].scheduledAt).toBe('2027-03-01T09:00:00.000Z');
		expect((await cli(() => historyCommand({ config: env.configPath }))).out).toContain(
			'2027-03-01T09:00:00Z',
		);
		const since = JSON.parse(
			(await cli(() => historyCommand({ config: env.configPath, json: true, since: '2027-03-01' })))
				.out,
		);
		expect(since).toHaveLength(1);
	});

	it('a draft the service accepted shows as "draft", not "confirmed"; --state filters by it', async () => {
		const env = makeEnv();
		seed(env, [
			{ id: 'd1', publishAt: Date.now(), draft: true },
			{ id: 'c1', publishAt: Date.now() },
		]);
		const rows = JSON.parse(
			(await cli(() => historyCommand({ config: env.configPath, json: true }))).out,
		) as Array<{ item: string; state: string }>;
		expect(Object.fromEntries(rows.map((r) => [r.item, r.state]))).toEqual({
			d1: 'draft',
			c1: 'confirmed',
		});
		const confirmed = JSON.parse(
			(await cli(() => historyCommand({ config: env.configPath, json: true, state: 'confirmed' })))
				.out,
		) as Array<{ item: string }>;
		expect(confirmed.map((r) => r.item)).toEqual(['c1']);
		const drafts = JSON.parse(
			(await cli(() => historyCommand({ config: env.configPath, json: true, state: 'draft' }))).out,
		) as Array<{ item: string }>;
		expect(drafts.map((r) => r.item)).toEqual(['d1']);
		expect((await cli(() => historyCommand({ config: env.configPath }))).out).toMatch(
			/draft\s+acme-x \(x, postsider\) post-d1/,
		);
	});
});

describe('naming an item', () => {
	it('cancel 9 / retry 9 when "9" starts several ids: refused with the candidates, nothing changed', async () => {
		const env = makeEnv();
		seed(env, [
			{ id: '9a1b2c3d4e5f', publishAt: Date.parse(inFuture()), state: 'pending' },
			{ id: '9f0e1d2c3b4a', publishAt: Date.parse(inFuture()), state: 'failed' },
			{ id: '1234567890ab', publishAt: Date.parse(inFuture()), state: 'pending' },
		]);
		const cancel = await cli(() => cancelCommand({ config: env.configPath }, '9'));
		expect(cancel.code).toBe(1);
		expect(cancel.out).toMatch(/"9" is the start of 2 item ids, so it names none of them/);
		expect(cancel.out).toMatch(/not by a row number/);
		expect(cancel.out).toContain('9a1b2c3d4e5f');
		expect(cancel.out).toContain('9f0e1d2c3b4a');
		const retry = await cli(() => retryCommand({ config: env.configPath }, '9'));
		expect(retry.code).toBe(1);
		expect(retry.out).toMatch(/"9" is the start of 2 item ids/);
		const db = openDb(env.loaded.stateDir);
		const store = new Store(db);
		expect(store.targets('9a1b2c3d4e5f')[0].state).toBe('pending');
		expect(store.targets('9f0e1d2c3b4a')[0].state).toBe('failed');
		db.close();
		// A number that starts no id says ids are not row numbers; a unique prefix still works.
		expect((await cli(() => cancelCommand({ config: env.configPath }, '7'))).out).toMatch(
			/no item "7" \(items are named by id, not by a row number\)/,
		);
		const one = await cli(() => cancelCommand({ config: env.configPath }, '9a'));
		expect(one).toMatchObject({ code: 0, out: expect.stringMatching(/cancelled 1 target/) });
	});
});

describe('check', () => {
	it('refuses a path it cannot check, and prints one JSON document for a folder with sidecars and CSVs', async () => {
		const env = makeEnv();
		writeFileSync(join(env.home, 'notes.txt'), 'hello');
		await expect(
			checkCommand({ config: env.configPath }, join(env.home, 'notes.txt')),
		).rejects.toThrow(
			/is not something postspool posts from: give a sidecar \(\.json\), a post folder/,
		);
		writeFileSync(
			join(env.inbox, 'a.json'),
			JSON.stringify({ version: 1, text: 'x', targets: ['acme-nope'], when: inFuture() }),
		);
		writeFileSync(join(env.inbox, 'b.csv'), `text,targets,when\nhi,acme-x,${inFuture()}\n`);
		const r = await cli(() => checkCommand({ config: env.configPath, json: true }, env.inbox));
		expect(r.code).toBe(2);
		const doc = JSON.parse(r.out);
		expect(doc.invalid).toBe(1);
		expect(doc.posts[0]).toMatchObject({ name: 'a', valid: false });
		expect(doc.csv[0]).toMatchObject({ rows: 1, valid: 1, errors: [] });
	});

	it('check <inbox> and plan agree on what waits; a folder holding only a link exits 2', async () => {
		const env = makeEnv();
		writeFileSync(
			join(env.inbox, 'clip.mp4.json'),
			JSON.stringify({ version: 1, text: 'x', targets: ['acme-x'], when: inFuture() }),
		);
		writeFileSync(join(env.inbox, 'loose.png'), 'x');
		const checked = await cli(() =>
			checkCommand({ config: env.configPath, json: true }, env.inbox),
		);
		const planned = await cli(() => planCommand({ config: env.configPath, json: true }));
		expect(checked.code).toBe(0);
		const paths = (out: string) =>
			(JSON.parse(out).waiting as Array<{ path: string }>).map((w) => w.path).sort();
		expect(paths(checked.out)).toEqual(['clip.mp4.json', 'loose.png']);
		expect(paths(checked.out)).toEqual(paths(planned.out));
		// plan <sidecar> names the sidecar waiting for its media.
		const one = await cli(() =>
			planCommand({ config: env.configPath, json: true }, join(env.inbox, 'clip.mp4.json')),
		);
		expect(JSON.parse(one.out).waiting).toEqual([
			expect.objectContaining({
				path: 'clip.mp4.json',
				reason: expect.stringMatching(/waiting for its media file "clip\.mp4"/),
			}),
		]);
		// A folder that is not an inbox, holding only a link: refused, rc 2.
		const elsewhere = join(env.home, 'elsewhere');
		mkdirSync(elsewhere);
		symlinkSync('/etc/passwd', join(elsewhere, 'x.png'));
		const linked = await cli(() => checkCommand({ config: env.configPath }, elsewhere));
		expect(linked.code).toBe(2);
		expect(linked.out).toMatch(/x\.png: a symbolic link: refused/);
	});

	it('check of a sidecar outside every inbox validates it but never says a scan takes it', async () => {
		const env = makeEnv();
		const dir = join(env.home, 'some', 'dir');
		mkdirSync(dir, { recursive: true });
		writeFileSync(
			join(dir, 's.json'),
			JSON.stringify({ version: 1, text: 'x', targets: ['acme-nope'], when: inFuture() }),
		);
		const bad = await cli(() => checkCommand({ config: env.configPath }, join(dir, 's.json')));
		expect(bad.code).toBe(2);
		expect(bad.out).toMatch(/FAIL s/);
		expect(bad.out).not.toMatch(/In the inboxes|taken by the next scan|WAIT/);
		writeFileSync(
			join(dir, 'ok.json'),
			JSON.stringify({ version: 1, text: 'x', targets: ['acme-x'], when: inFuture() }),
		);
		const good = await cli(() => checkCommand({ config: env.configPath }, dir));
		expect(good.out).toMatch(/OK {3}ok/);
		expect(good.out).not.toMatch(/In the inboxes|taken by the next scan|WAIT/);
		// In the inbox the same sidecar is said to wait for the next scan.
		writeFileSync(
			join(env.inbox, 'ok.json'),
			JSON.stringify({ version: 1, text: 'x', targets: ['acme-x'], when: inFuture() }),
		);
		const inInbox = await cli(() =>
			checkCommand({ config: env.configPath }, join(env.inbox, 'ok.json')),
		);
		expect(inInbox.out).toMatch(/WAIT ok\.json: post "ok": (ready|being written)/);
	});
});
