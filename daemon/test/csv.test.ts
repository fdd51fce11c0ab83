/**
 * Bulk CSV intake: RFC 4180 reading (quotes, embedded newlines, BOM, `;`), a 1,000-row file with 50
 * bad rows of 10 kinds (good rows queued, every bad one in error.json with line/column/fix and in
 * <name>.rejected.csv), re-drops that never queue a row twice, and a batch through the daemon to the
 * PostSider emulator.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startPostSider } from '../../emulators/src/index';
import { PostSiderClient } from '../src/api/postsider';
import { checkCommand } from '../src/commands/check';
import { loadConfig } from '../src/config/load';
import { Daemon } from '../src/daemon';
import { samplePng } from '../src/demo/media';
import fc from 'fast-check';
import { checkCsv, parseCsvBatch } from '../src/intake/csv';
import { decodeCsv } from '../src/intake/csv-rows';
import { resolveWhen } from '../src/sidecar/resolve';
import { When } from '../src/sidecar/schema';
import { Intake } from '../src/intake/ingest';
import { silentLogger } from '../src/log';
import { openDb } from '../src/state/db';
import { Store } from '../src/state/store';
import { drop, inFuture, makeEnv, tempDir } from './helpers';

/** RFC 4180 quoting of one cell. */
const q = (s: string, d = ',') =>
	/[",\n\r;]/.test(s) || s.includes(d) ? `"${s.replace(/"/g, '""')}"` : s;
const line = (cells: string[], d = ',') => cells.map((c) => q(c, d)).join(d);

describe('reading CSV', () => {
	it('reads quotes, embedded newlines, a BOM, CRLF and ";" exports, and numbers rows by their first line', () => {
		const text =
			'\uFEFFtext;targets;when;draft\r\n' +
			'"Hello; ""world""";acme-x;2030-01-01T09:00:00Z;no\r\n' +
			'\r\n' +
			'"two\r\nlines";acme-x|acme-bsky;2030-01-01T10:00:00Z;TRUE\r\n';
		const p = parseCsvBatch(text);
		if (!p.ok) throw new Error(p.problem.message);
		expect(p.columns).toEqual(['text', 'targets', 'when', 'draft']);
		expect(p.rows.map((r) => r.line)).toEqual([2, 4]);
		expect(p.rows[0].sidecar).toEqual({
			version: 1,
			text: 'Hello; "world"',
			targets: ['acme-x'],
			when: '2030-01-01T09:00:00Z',
			draft: false,
		});
		expect(p.rows[1].sidecar).toMatchObject({
			text: 'two\r\nlines',
			targets: ['acme-x', 'acme-bsky'],
			draft: true,
		});
		expect(p.rows[1].raw).toBe('"two\r\nlines";acme-x|acme-bsky;2030-01-01T10:00:00Z;TRUE\r\n');
	});

	it('round-trips random cells (quotes, delimiters, newlines, unicode) with the right line numbers', () => {
		let seed = 42;
		const rnd = () => (seed = (seed * 1_103_515_245 + 12_345) >>> 0) / 2 ** 32;
		const alphabet = ['a', 'Z', ' ', ',', ';', '"', '\n', 'é', '🙂', '|', "'", '\t'];
		for (const d of [',', ';']) {
			const rows: string[][] = [];
			for (let i = 0; i < 200; i++) {
				const len = Math.floor(rnd() * 12);
				let text = '';
				for (let k = 0; k < len; k++) text += alphabet[Math.floor(rnd() * alphabet.length)];
				rows.push([`x${text}`, `2030-01-01T09:${String(i % 60).padStart(2, '0')}:00Z`]);
			}
			const body = rows.map((r) => line(r, d));
			const p = parseCsvBatch([line(['text', 'when'], d), ...body].join('\n'));
			if (!p.ok) throw new Error(p.problem.message);
			let at = 2;
			p.rows.forEach((r, i) => {
				expect(r.sidecar.text).toBe(rows[i][0]);
				expect(r.line).toBe(at);
				at += body[i].split('\n').length;
			});
		}
	});

	it('refuses a file it cannot read, naming the line and what to do', () => {
		const open = parseCsvBatch('text,when\n"never closed,2030-01-01T09:00:00Z\n');
		expect(open.ok).toBe(false);
		if (!open.ok)
			expect(open.problem).toMatchObject({ line: 2, fix: expect.stringMatching(/quote/i) });
		const unknown = parseCsvBatch('text,whenn\nhi,2030-01-01T09:00:00Z\n');
		expect(unknown.ok).toBe(false);
		if (!unknown.ok)
			expect(unknown.problem).toMatchObject({
				line: 1,
				column: 'whenn',
				fix: expect.stringContaining('when'),
			});
	});
});

/** The 10 kinds of bad rows: cells, and the column error.json must name. */
const BAD_KINDS: Array<{
	kind: string;
	cells: (i: number) => Partial<Record<string, string>>;
	column: string;
	extra?: boolean;
}> = [
	{ kind: 'unknown alias', cells: () => ({ targets: 'acme-nope' }), column: 'targets' },
	{ kind: 'no target', cells: () => ({ targets: '' }), column: 'targets' },
	{ kind: 'time not a date', cells: () => ({ when: 'next tuesday' }), column: 'when' },
	{ kind: 'time in the past', cells: () => ({ when: '2020-01-01T09:00:00Z' }), column: 'when' },
	{ kind: 'draft not a boolean', cells: () => ({ draft: 'maybe' }), column: 'draft' },
	{ kind: 'late not a policy', cells: () => ({ late: 'sometimes' }), column: 'late' },
	{ kind: 'media missing', cells: (i) => ({ media: `missing-${i}.png` }), column: 'media' },
	{
		kind: 'text too long',
		cells: () => ({ targets: 'ps-li', text: 'x'.repeat(3100) }),
		column: 'text',
	},
	{
		kind: 'bad JSON',
		cells: () => ({ 'postfast.controls': '{"instagram": {' }),
		column: 'postfast.controls',
	},
	{ kind: 'extra cell', cells: () => ({}), column: '(row)', extra: true },
];
const COLUMNS = ['text', 'targets', 'when', 'draft', 'late', 'media', 'postfast.controls'];

function bigCsv(good: number, badEach: number, when: string) {
	const lines = [COLUMNS.join(',')];
	const badLines = new Map<number, string>();
	let k = 0;
	const total = good + badEach * BAD_KINDS.length;
	for (let i = 0; i < total; i++) {
		const isBad = i % 20 === 7 && k < badEach * BAD_KINDS.length;
		const base: Record<string, string> = {
			text: `CSV post ${i}, with "quotes"\nand a second line`,
			targets: i % 2 ? 'acme-x' : 'acme-x|ps-li',
			when,
			draft: '',
			late: '',
			media: i % 10 === 0 ? 'shared.png' : '',
			'postfast.controls': '',
		};
		let extra = false;
		if (isBad) {
			const kind = BAD_KINDS[k % BAD_KINDS.length];
			Object.assign(base, kind.cells(i));
			extra = !!kind.extra;
			badLines.set(lines.join('\n').split('\n').length + 1, kind.column);
			k++;
		}
		const cells = COLUMNS.map((c) => base[c]);
		if (extra) cells.push('surplus');
		lines.push(line(cells));
	}
	return { text: `${lines.join('\n')}\n`, badLines };
}

function intakeOf(env: ReturnType<typeof makeEnv>) {
	const db = openDb(env.loaded.stateDir);
	const store = new Store(db);
	return { db, store, intake: new Intake({ config: env.loaded.config, store, log: silentLogger }) };
}

describe('bulk CSV intake', () => {
	it('1,000 rows with 50 bad ones of 10 kinds: 950 queued, one error.json and a campaign.rejected.csv; re-drops never duplicate', async () => {
		const env = makeEnv({
			accounts: {
				'acme-x': { key: 'sider', id: 'ch-x', platform: 'x' },
				'ps-li': { key: 'sider', id: 'ch-li', platform: 'linkedin' },
			},
		});
		const when = inFuture(3 * 86_400_000);
		const { text, badLines } = bigCsv(950, 5, when);
		expect(badLines.size).toBe(50);
		writeFileSync(join(env.inbox, 'shared.png'), samplePng(64, 64, [9, 9, 9]));
		drop(join(env.inbox, 'campaign.csv'), text);
		const { db, store, intake } = intakeOf(env);
		try {
			await intake.scan();
			expect(store.items()).toHaveLength(950);
			// Each row is its own item, named after its line; its folder has post.json and its media.
			const withMedia = store.items().find((i) => JSON.parse(i.post).media.length === 1)!;
			expect(readdirSync(withMedia.work_dir).sort()).toEqual(['post.json', 'shared.png']);
			expect(store.targets(store.items()[0].id).length).toBeGreaterThanOrEqual(1);

			const failedDir = join(env.folder, 'failed', 'campaign.csv');
			const report = JSON.parse(readFileSync(join(failedDir, 'error.json'), 'utf8'));
			expect(report).toMatchObject({ csv: 'campaign.csv', rows: 1000, rejected: 50 });
			expect(report.queued).toHaveLength(950);
			const byLine = new Map<number, Array<{ column: string; message: string; fix: string }>>();
			for (const e of report.errors) byLine.set(e.line, [...(byLine.get(e.line) ?? []), e]);
			expect([...byLine.keys()].sort((a, b) => a - b)).toEqual(
				[...badLines.keys()].sort((a, b) => a - b),
			);
			for (const [l, column] of badLines) {
				const errs = byLine.get(l)!;
				expect(errs.map((e) => e.column)).toContain(column);
				for (const e of errs) {
					expect(e.message.length).toBeGreaterThan(5);
					expect(e.fix.length).toBeGreaterThan(5);
				}
			}
			// campaign.rejected.csv: the header and exactly the bad rows, as written.
			expect(report.rejectedFile).toBe('campaign.rejected.csv');
			const rejected = parseCsvBatch(
				readFileSync(join(failedDir, 'campaign.rejected.csv'), 'utf8'),
			);
			if (!rejected.ok) throw new Error(rejected.problem.message);
			expect(rejected.columns).toEqual(COLUMNS);
			expect(rejected.rows).toHaveLength(50);
			// The shared image is named by good rows only: it went with the CSV.
			expect(existsSync(join(failedDir, 'shared.png'))).toBe(true);
			expect(existsSync(join(env.inbox, 'campaign.csv'))).toBe(false);

			// Dropping the same file again queues nothing new; the good rows are recognised.
			writeFileSync(join(env.inbox, 'shared.png'), samplePng(64, 64, [9, 9, 9]));
			drop(join(env.inbox, 'campaign.csv'), text);
			await intake.scan();
			expect(store.items()).toHaveLength(950);
			const second = JSON.parse(
				readFileSync(join(env.folder, 'failed', 'campaign.csv-2', 'error.json'), 'utf8'),
			);
			expect(second.alreadyQueued).toHaveLength(950);
			expect(second.queued).toHaveLength(0);

			// The corrected campaign.rejected.csv: each fixed row is queued once, nothing else.
			let n = 0;
			const fixed = readFileSync(join(failedDir, 'campaign.rejected.csv'), 'utf8')
				.replace(/acme-nope/g, 'acme-x')
				.replace(/,next tuesday,/g, `,${when},`)
				.replace(/,2020-01-01T09:00:00Z,/g, `,${when},`)
				.replace(/,maybe,/g, ',false,')
				.replace(/,sometimes,/g, ',post-now,')
				.replace(/missing-\d+\.png/g, '')
				.replace(/x{3100}/g, () => `shorter ${++n}`)
				.replace(/"\{""instagram"": \{"/g, '')
				.replace(/,surplus/g, '')
				.replace(/^(.*?),,(\d{4}-)/gm, (m, a: string, b: string) =>
					a.endsWith('"') ? `${a},acme-x,${b}` : m,
				);
			drop(join(env.inbox, 'campaign.rejected.csv'), fixed);
			await intake.scan();
			const left = join(env.folder, 'failed', 'campaign.rejected.csv', 'error.json');
			const month = readdirSync(join(env.folder, 'done')).find((x) => /^\d{4}-\d{2}$/.test(x));
			const batchFile = month
				? join(env.folder, 'done', month, 'campaign.rejected.csv', 'batch.json')
				: '';
			expect(
				store.items(),
				existsSync(left)
					? readFileSync(left, 'utf8')
					: existsSync(batchFile)
						? readFileSync(batchFile, 'utf8').slice(0, 3000)
						: 'none',
			).toHaveLength(1000);
			expect(existsSync(join(env.folder, 'failed', 'campaign.rejected.csv'))).toBe(false);
			const done = readdirSync(join(env.folder, 'done'));
			expect(
				done.some((d) =>
					existsSync(join(env.folder, 'done', d, 'campaign.rejected.csv', 'batch.json')),
				),
			).toBe(true);
		} finally {
			db.close();
		}
	}, 120_000);

	it('postspool check <csv> validates and plans without posting: problems with line/column/fix, an ETA per good row', async () => {
		const env = makeEnv();
		const csv = join(env.inbox, 'plan.csv');
		writeFileSync(
			csv,
			[
				'text,targets,when',
				`first,acme-x,${inFuture()}`,
				`second,acme-nope,${inFuture()}`,
				`third,acme-x|acme-bsky,${inFuture(2 * 86_400_000)}`,
			].join('\n'),
		);
		let out = '';
		const write = process.stdout.write.bind(process.stdout);
		process.stdout.write = ((chunk: string) => {
			out += chunk;
			return true;
		}) as typeof process.stdout.write;
		let code: number;
		try {
			code = await checkCommand({ config: env.configPath, json: true }, csv);
		} finally {
			process.stdout.write = write;
		}
		expect(code).toBe(2);
		const [report] = JSON.parse(out).csv;
		expect(report).toMatchObject({ rows: 3, valid: 2 });
		expect(report.errors).toEqual([
			expect.objectContaining({
				line: 3,
				column: 'targets',
				message: expect.stringContaining('acme-nope'),
			}),
		]);
		expect(report.posts.map((p: { line: number }) => p.line)).toEqual([2, 4]);
		for (const p of report.posts)
			for (const t of p.targets)
				expect(Date.parse(t.eta)).toBeGreaterThanOrEqual(Date.now() - 60_000);
		expect(report.posts[1].targets.map((t: { target: string }) => t.target)).toEqual([
			'acme-x',
			'acme-bsky',
		]);
		// Nothing was queued or moved.
		expect(existsSync(csv)).toBe(true);
		const db = openDb(env.loaded.stateDir);
		expect(new Store(db).items()).toHaveLength(0);
		db.close();
	});

	it('a batch through the daemon reaches the PostSider emulator: one post per row, with its media', async () => {
		const ps = await startPostSider({});
		try {
			const ints = await new PostSiderClient({
				baseUrl: ps.baseUrl,
				apiKey: ps.apiKey,
			}).listIntegrations();
			if (!ints.ok) throw new Error(ints.error.message);
			const li = ints.value.find((i) => !i.disabled && i.identifier === 'linkedin')!.id;
			const home = tempDir('postspool-csv-');
			writeFileSync(join(home, 'ps.key'), ps.apiKey, { mode: 0o600 });
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
					},
					accounts: { li: { key: 'sider', id: li, platform: 'linkedin' } },
					folders: [{ path: folder }],
					stableMs: 0,
				}),
				{ mode: 0o600 },
			);
			const d = new Daemon({ loaded: loadConfig(configPath), log: silentLogger, once: true });
			await d.start();
			const batch = join(folder, 'inbox', 'week');
			require('node:fs').mkdirSync(batch, { recursive: true });
			// _defaults.json applies to the rows as to sidecars: the targets come from it.
			writeFileSync(join(batch, '_defaults.json'), JSON.stringify({ targets: ['li'] }));
			writeFileSync(join(batch, 'a.png'), samplePng(80, 80, [1, 2, 3]));
			drop(
				join(batch, 'week.csv'),
				[
					'text;when;media',
					`Monday;${inFuture(86_400_000)};a.png`,
					`"Tuesday; with a ""quote""";${inFuture(2 * 86_400_000)};`,
					`Wednesday;${inFuture(3 * 86_400_000)};`,
				].join('\n'),
			);
			// (The "week" folder stays in the inbox with its _defaults.json for the next batch.)
			const end = Date.now() + 20_000;
			while (
				[...ps.store.posts.values()].filter((p) => /day/.test(p.content)).length < 3 &&
				Date.now() < end
			)
				await new Promise((r) => setTimeout(r, 100));
			await new Promise((r) => setTimeout(r, 500));
			await d.stop(2000);
			const created = [...ps.store.posts.values()].filter(
				(p) => p.parentPostId === null && /day/.test(p.content),
			);
			expect(created.map((p) => p.content).sort()).toEqual([
				expect.stringContaining('Monday'),
				expect.stringContaining('Tuesday; with a "quote"'),
				expect.stringContaining('Wednesday'),
			]);
			const image = created.find((p) => p.content.includes('Monday'))!.image as unknown;
			expect((typeof image === 'string' ? JSON.parse(image) : image) as unknown[]).toHaveLength(1);
			const month = readdirSync(join(folder, 'done')).find((x) => /^\d{4}-\d{2}$/.test(x))!;
			const filed = readdirSync(join(folder, 'done', month));
			expect(filed).toEqual(expect.arrayContaining(['week.csv', 'week-2', 'week-3', 'week-4']));
			expect(
				JSON.parse(readFileSync(join(folder, 'done', month, 'week.csv', 'batch.json'), 'utf8'))
					.queued,
			).toHaveLength(3);
		} finally {
			await ps.close();
		}
	});
});

describe('CSV as spreadsheets write it (outside tester findings)', () => {
	const ROW = (when: string) => `Café crème €5 — naïve,acme-x,${when}`;

	it('a Latin-1 / Windows-1252 file is refused with its line and "save as UTF-8", nothing queued, the file kept byte for byte', async () => {
		const env = makeEnv();
		const bytes = Buffer.from(
			`text,targets,when\nplain,acme-x,${inFuture()}\n${ROW(inFuture())}\n`,
			'latin1',
		);
		const decoded = decodeCsv(bytes);
		expect(decoded.ok).toBe(false);
		if (!decoded.ok)
			expect(decoded.problem).toMatchObject({
				line: 3,
				message: expect.stringMatching(/not UTF-8: byte 0xE9 on line 3 .*Latin-1/),
				fix: expect.stringMatching(/Save the file as UTF-8/),
			});
		drop(join(env.inbox, 'latin.csv'), bytes);
		const { db, store, intake } = intakeOf(env);
		try {
			await intake.scan();
			expect(store.items()).toHaveLength(0);
			const dir = join(env.folder, 'failed', 'latin.csv');
			expect(readFileSync(join(dir, 'latin.csv')).equals(bytes)).toBe(true);
			expect(JSON.parse(readFileSync(join(dir, 'error.json'), 'utf8')).fix).toMatch(/UTF-8/);
		} finally {
			db.close();
		}
	});

	it('UTF-16 with a BOM (LE and BE, "Unicode text" exports) reads as the same rows as UTF-8', () => {
		const text = `\uFEFFtext\ttargets\twhen\n${ROW('2030-01-01T09:00:00Z').replace(/,/g, '\t')}\n`;
		const le = Buffer.from(text, 'utf16le');
		const be = Buffer.from(le).swap16();
		for (const bytes of [Buffer.from(text, 'utf8'), le, be]) {
			const d = decodeCsv(bytes);
			if (!d.ok) throw new Error(d.problem.message);
			const p = parseCsvBatch(d.text);
			if (!p.ok) throw new Error(p.problem.message);
			expect(p.rows.map((r) => r.sidecar)).toEqual([
				{
					version: 1,
					text: 'Café crème €5 — naïve',
					targets: ['acme-x'],
					when: '2030-01-01T09:00:00Z',
				},
			]);
		}
	});

	it('any bytes: decoding either refuses or returns exactly the text the bytes hold (never a replaced character)', () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 64 }), (arr) => {
				const bytes = Buffer.from(arr);
				fc.pre(
					!(bytes[0] === 0xff && bytes[1] === 0xfe) && !(bytes[0] === 0xfe && bytes[1] === 0xff),
				);
				const d = decodeCsv(bytes);
				const bom = bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])) ? 3 : 0;
				if (d.ok) expect(Buffer.from(d.text, 'utf8').equals(bytes.subarray(bom))).toBe(true);
				// Refused only when the bytes really are not UTF-8 (a lenient decoder would replace some).
				else expect(new TextDecoder().decode(bytes)).toContain('\uFFFD');
			}),
			{ numRuns: 2000 },
		);
		fc.assert(
			fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
				for (const bytes of [
					Buffer.from(s, 'utf8'),
					Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]),
				]) {
					const d = decodeCsv(bytes);
					expect(d.ok && d.text).toBe(s);
				}
			}),
		);
	});

	it('trailing empty columns, blank rows and a capitalised or spaced header do not reject the file', () => {
		const p = parseCsvBatch(
			`Text, When ,TARGETS,FirstComment,,\n` +
				`hello,2030-01-01T09:00:00Z,acme-x,first,,\n` +
				`,,,,,\n` +
				`\n` +
				`  ,  ,,,,\n` +
				`again,2030-01-01T10:00:00Z,acme-x,,,\n` +
				`,,,,,\n`,
		);
		if (!p.ok) throw new Error(p.problem.message);
		expect(p.columns).toEqual(['text', 'when', 'targets', 'firstComment']);
		expect(p.rows.map((r) => [r.line, r.problems])).toEqual([
			[2, []],
			[6, []],
		]);
		expect(p.rows[0].sidecar).toEqual({
			version: 1,
			text: 'hello',
			when: '2030-01-01T09:00:00Z',
			targets: ['acme-x'],
			firstComment: 'first',
		});
		// A cell written past the header is still a problem; only empty padding is dropped.
		const extra = parseCsvBatch('text,when\nhi,2030-01-01T09:00:00Z,surplus\n');
		expect(extra.ok && extra.rows[0].problems.map((x) => x.column)).toEqual(['(row)']);
	});

	it('an impossible local date or time (2027-02-30 10:00, 24:00) is refused in its column, never rolled over', async () => {
		const env = makeEnv();
		const csv = join(env.home, 'local.csv');
		writeFileSync(
			csv,
			[
				'text,targets,when.local,when.tz',
				'a,acme-x,2027-02-30 10:00,Europe/Berlin',
				'b,acme-x,2027-02-28 24:00,Europe/Berlin',
				'c,acme-x,2027-02-28 10:00,Europe/Berlin',
			].join('\n'),
		);
		const checked = await checkCsv(
			csv,
			[],
			{},
			env.loaded.config,
			Date.parse('2026-12-07T00:00:00Z'),
		);
		if (!checked.ok) throw new Error(checked.problem.message);
		expect(checked.rows.map((r) => r.problems.map((x) => x.column))).toEqual([
			['when.local'],
			['when.local'],
			[],
		]);
		expect(checked.rows[0].problems[0].message).toMatch(/does not exist on a calendar/);
		expect(checked.rows[2].validation!.post.when).toEqual({
			kind: 'at',
			at: Date.parse('2027-02-28T09:00:00Z'),
		});
	});

	it('local times: accepted exactly when the calendar has the day and the clock the time, at that wall time', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 2000, max: 2099 }),
				fc.integer({ min: 1, max: 12 }),
				fc.integer({ min: 1, max: 31 }),
				fc.integer({ min: 0, max: 25 }),
				fc.integer({ min: 0, max: 61 }),
				(y, m, d, h, mi) => {
					const two = (n: number) => String(n).padStart(2, '0');
					const local = `${y}-${two(m)}-${two(d)} ${two(h)}:${two(mi)}`;
					const r = When.safeParse({ local, tz: 'UTC' });
					const exists = d <= new Date(Date.UTC(y, m, 0)).getUTCDate() && h <= 23 && mi <= 59;
					expect(r.success).toBe(exists);
					if (r.success)
						expect(
							new Date(
								resolveWhen(r.data).kind === 'at' ? (resolveWhen(r.data) as { at: number }).at : 0,
							).toISOString(),
						).toBe(`${y}-${two(m)}-${two(d)}T${two(h)}:${two(mi)}:00.000Z`);
				},
			),
			{ numRuns: 3000 },
		);
	});

	it('a corrected file dropped again and rejected again keeps its own name: nothing overwritten, names say which is which', async () => {
		const env = makeEnv();
		const first = `text,targets,when\nok,acme-x,${inFuture()}\nbad,acme-nope,${inFuture()}\n`;
		drop(join(env.inbox, 'posts.csv'), first);
		const { db, store, intake } = intakeOf(env);
		try {
			await intake.scan();
			const dir1 = join(env.folder, 'failed', 'posts.csv');
			expect(readdirSync(dir1).sort()).toEqual(['error.json', 'posts.csv', 'posts.rejected.csv']);
			expect(readFileSync(join(dir1, 'posts.csv'), 'utf8')).toBe(first);
			// The user "fixes" the row wrongly and drops the rejected file again.
			const second = readFileSync(join(dir1, 'posts.rejected.csv'), 'utf8').replace(
				'acme-nope',
				'acme-typo',
			);
			drop(join(env.inbox, 'posts.rejected.csv'), second);
			await intake.scan();
			const dir2 = join(env.folder, 'failed', 'posts.rejected.csv');
			expect(readdirSync(dir2).sort()).toEqual([
				'error.json',
				'posts.rejected.csv',
				'posts.rejected.rejected.csv',
			]);
			// What was dropped is kept as dropped; the new rejected rows are beside it.
			expect(readFileSync(join(dir2, 'posts.rejected.csv'), 'utf8')).toBe(second);
			const report = JSON.parse(readFileSync(join(dir2, 'error.json'), 'utf8'));
			expect(report.rejectedFile).toBe('posts.rejected.rejected.csv');
			expect(report.fix).toContain('drop posts.rejected.rejected.csv into the inbox again');
			expect(store.items()).toHaveLength(1);
		} finally {
			db.close();
		}
	});
});
