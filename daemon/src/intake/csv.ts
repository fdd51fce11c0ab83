/**
 * Bulk CSV intake: a `*.csv` in an inbox (beside the media it names, or in a folder with them) is a
 * batch of posts, one per row. Columns are the sidecar's fields (`text`, `text.<platform>`, `when`,
 * `targets`, `media`, `firstComment`, `draft`, `late`, `postsider.*`, `postfast.*`); `_defaults.json`
 * files and the folder's defaults apply as for sidecars, and `version` is 1 unless a column says
 * otherwise. Parsing is csv-parse (RFC 4180: quotes, embedded newlines, a BOM; `;` or `,` as
 * exported by spreadsheets).
 *
 * The whole file is validated first. Good rows are queued, each as its own item whose identity is
 * its content (so a corrected file dropped again never queues a row twice); every bad row is named
 * in one error.json (line, column, message, fix) and copied verbatim into rejected.csv.
 */
import {
	type Dirent,
	copyFileSync,
	existsSync,
	linkSync,
	mkdirSync,
	readFileSync,
	readdirSync,
} from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { type Config, PLATFORMS } from '../config/schema';
import type { Logger } from '../log';
import type { Store, TargetState } from '../state/store';
import { type Validation, validateSidecarValue } from './ingest';
import { type FolderLayout, freePath, monthDir } from '../journey/layout';
import { moveInto, writeJson, writeOwnFile } from '../journey/moves';
import { type Candidate, type StabilityTracker, isIgnoredName } from './scan';

export interface CsvProblem {
	/** 1-based line in the file where the row starts (1 is the header). */
	line: number;
	column: string;
	message: string;
	fix: string;
}

export interface CsvRow {
	line: number;
	/** The row as written in the file (for rejected.csv). */
	raw: string;
	/** The sidecar it stands for (before defaults). */
	sidecar: Record<string, unknown>;
	/** Problems found while reading the cells. */
	problems: CsvProblem[];
}

export type ParsedCsv =
	| { ok: true; columns: string[]; headerRaw: string; rows: CsvRow[] }
	| { ok: false; problem: CsvProblem };

const SIMPLE = ['version', 'text', 'targets', 'when', 'draft', 'media', 'firstComment', 'late'];
const NESTED = [
	'when.local',
	'when.tz',
	'postsider.settings',
	'postsider.tags',
	'postsider.shortLink',
	'postfast.controls',
	'postfast.approval',
];
const KNOWN_COLUMNS = [...SIMPLE, ...PLATFORMS.map((p) => `text.${p}`), ...NESTED];
const BOOLEAN = new Set(['draft', 'postsider.shortLink']);
const LISTS = new Set(['targets', 'media', 'postsider.tags']);

/** `;` when the header has more of them than commas (spreadsheet exports in many locales). */
function delimiterOf(text: string): string {
	const header = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
	const count = (ch: string) => header.split(ch).length - 1;
	return count(';') > count(',') ? ';' : count('\t') > count(',') ? '\t' : ',';
}

function cell(
	column: string,
	value: string,
	line: number,
): { value?: unknown; problem?: CsvProblem } {
	const v = value.trim();
	if (v === '') return {};
	if (BOOLEAN.has(column)) {
		if (/^(true|yes|1)$/i.test(v)) return { value: true };
		if (/^(false|no|0)$/i.test(v)) return { value: false };
		return {
			problem: {
				line,
				column,
				message: `"${v}" is not true or false`,
				fix: `Write true or false (yes/no, 1/0) in the "${column}" cell`,
			},
		};
	}
	if (LISTS.has(column)) {
		// Aliases and file names separated by |, ; or , (a cell may also hold a JSON array).
		if (v.startsWith('[')) return json(column, v, line);
		return { value: v.split(/\s*[|;,\n]\s*/).filter(Boolean) };
	}
	if (column === 'version') return { value: Number(v) };
	if (
		(column === 'when' && v.startsWith('{')) ||
		(/^post(sider|fast)\./.test(column) && /^[[{]/.test(v))
	)
		return json(column, v, line);
	return { value: column === 'text' || column.startsWith('text.') ? value : v };
}

function json(column: string, v: string, line: number): { value?: unknown; problem?: CsvProblem } {
	try {
		return { value: JSON.parse(v) };
	} catch (err) {
		return {
			problem: {
				line,
				column,
				message: `the "${column}" cell is not valid JSON (${(err as Error).message})`,
				fix: `Fix the JSON in the "${column}" cell (double quotes inside a quoted CSV cell are written twice: "")`,
			},
		};
	}
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
	const parts = path.split('.');
	let node = target;
	for (const p of parts.slice(0, -1)) {
		if (typeof node[p] !== 'object' || node[p] === null) node[p] = {};
		node = node[p] as Record<string, unknown>;
	}
	node[parts[parts.length - 1]] = value;
}

/** Reads the file into rows; only a file the parser cannot read, or a bad header, fails as a whole. */
export function parseCsvBatch(text: string): ParsedCsv {
	let parsed: Array<{ record: string[]; info: { bytes: number } }>;
	try {
		parsed = parse(text, {
			bom: true,
			delimiter: delimiterOf(text),
			record_delimiter: ['\r\n', '\n'],
			relax_column_count: true,
			skip_empty_lines: true,
			info: true,
		}) as never;
	} catch (err) {
		const e = err as Error & { lines?: number };
		return {
			ok: false,
			problem: {
				line: e.lines ?? 1,
				column: '(file)',
				message: `the file is not valid CSV: ${e.message}`,
				fix: 'Close the quote (a cell that holds a quote writes it twice: ""), or export the sheet again as CSV',
			},
		};
	}
	// Each record's text and first line, from the byte offsets the parser reports (its own line
	// count is off for CRLF files): blank lines before a record belong to no row.
	const bytes = Buffer.from(text, 'utf8');
	let offset = 0;
	let lineAt = 1;
	const records = parsed.map(({ record, info }) => {
		const chunk = bytes.subarray(offset, info.bytes).toString('utf8');
		offset = info.bytes;
		const blank = /^(\uFEFF)?(\r?\n)*/.exec(chunk)![0];
		const line = lineAt + (blank.match(/\n/g) ?? []).length;
		lineAt += (chunk.match(/\n/g) ?? []).length;
		return { record, raw: chunk.slice(blank.length), line };
	});
	if (records.length === 0)
		return {
			ok: false,
			problem: {
				line: 1,
				column: '(header)',
				message: 'the file is empty',
				fix: `Write a header line naming the columns (e.g. text,targets,when) and one row per post`,
			},
		};
	const [head, ...body] = records;
	const columns = head.record.map((c) => c.trim());
	const seen = new Set<string>();
	for (const c of columns) {
		if (!KNOWN_COLUMNS.includes(c))
			return {
				ok: false,
				problem: {
					line: head.line,
					column: c || '(empty)',
					message: `"${c}" is not a column postspool knows`,
					fix: `Rename it to one of: ${KNOWN_COLUMNS.join(', ')} (or remove the column)`,
				},
			};
		if (seen.has(c))
			return {
				ok: false,
				problem: {
					line: head.line,
					column: c,
					message: `the column "${c}" appears twice`,
					fix: 'Keep one of them',
				},
			};
		seen.add(c);
	}
	const rows: CsvRow[] = body.map(({ record, raw, line }) => {
		const problems: CsvProblem[] = [];
		if (record.length !== columns.length)
			problems.push({
				line,
				column: '(row)',
				message: `the row has ${record.length} cells; the header has ${columns.length}`,
				fix: 'Quote cells that contain the delimiter or a line break ("a, b"), and give every row one cell per column',
			});
		const sidecar: Record<string, unknown> = { version: 1 };
		const texts: Record<string, unknown> = {};
		columns.forEach((column, i) => {
			const c = cell(column, record[i] ?? '', line);
			if (c.problem) problems.push(c.problem);
			if (c.value === undefined) return;
			if (column.startsWith('text.')) texts[column.slice(5)] = c.value;
			else setPath(sidecar, column, c.value);
		});
		if (Object.keys(texts).length > 0)
			sidecar.text = { default: typeof sidecar.text === 'string' ? sidecar.text : '', ...texts };
		return { line, raw, sidecar, problems };
	});
	return { ok: true, columns, headerRaw: head.raw, rows };
}

/** The column a sidecar path came from (`$.targets.1` → `targets`, `$.text.x` → `text.x`). */
export function columnOf(path: string | undefined, columns: string[]): string {
	if (!path || path === '$') return '(row)';
	const p = path.replace(/^\$\.?/, '');
	const match = columns
		.filter((c) => p === c || p.startsWith(`${c}.`))
		.sort((a, b) => b.length - a.length)[0];
	if (match) return match;
	const top = p.split('.')[0];
	return top === 'version' ? 'version' : `${top} (from _defaults.json or missing)`;
}

export interface CheckedRow {
	line: number;
	raw: string;
	sidecar: Record<string, unknown>;
	validation?: Extract<Validation, { ok: true }>;
	problems: CsvProblem[];
}

/** Validates every row of a CSV as intake would (also for `postspool check`). */
export async function checkCsv(
	path: string,
	defaults: string[],
	folderDefaults: unknown,
	config: Config,
	now: number,
): Promise<
	| { ok: true; columns: string[]; headerRaw: string; rows: CheckedRow[] }
	| { ok: false; problem: CsvProblem }
> {
	const parsed = parseCsvBatch(readFileSync(path, 'utf8'));
	if (!parsed.ok) return parsed;
	const stem = basename(path, extname(path));
	const rows: CheckedRow[] = [];
	for (const row of parsed.rows) {
		if (row.problems.length > 0) {
			rows.push({ ...row });
			continue;
		}
		const c: Candidate = {
			kind: 'file',
			name: `${stem}-${row.line}`,
			sidecarPath: path,
			mediaPaths: [],
			defaults,
			movePaths: [],
		};
		const v = await validateSidecarValue(c, row.sidecar, folderDefaults, config, now);
		if (v.ok) rows.push({ ...row, validation: v });
		else
			rows.push({
				...row,
				problems: v.errors.map((e) => {
					const column =
						e.target && e.path?.startsWith('$.targets')
							? 'targets'
							: columnOf(e.path, parsed.columns);
					return {
						line: row.line,
						column,
						message: `${e.target ? `${e.target}: ` : ''}${e.message}`,
						fix:
							e.fix ??
							`Correct the "${column.split(' ')[0]}" cell of line ${row.line} and drop rejected.csv again`,
					};
				}),
			});
	}
	return { ok: true, columns: parsed.columns, headerRaw: parsed.headerRaw, rows };
}

/** CSV files of an inbox: at its top and in grouping folders (folders without post.json), with their defaults. */
export function inboxCsvFiles(
	inbox: string,
	defaults: string[] = [],
	depth = 0,
): Array<{ path: string; defaults: string[] }> {
	let list: Dirent[];
	try {
		list = readdirSync(inbox, { withFileTypes: true });
	} catch {
		return [];
	}
	const here = list.some((e) => e.isFile() && e.name === '_defaults.json')
		? [...defaults, join(inbox, '_defaults.json')]
		: defaults;
	const out: Array<{ path: string; defaults: string[] }> = [];
	for (const e of list) {
		if (isIgnoredName(e.name)) continue;
		if (e.isFile() && extname(e.name).toLowerCase() === '.csv')
			out.push({ path: join(inbox, e.name), defaults: here });
		else if (e.isDirectory() && depth < 3 && !existsSync(join(inbox, e.name, 'post.json')))
			out.push(...inboxCsvFiles(join(inbox, e.name), here, depth + 1));
	}
	return out;
}

/** Media a row names, as paths beside the CSV. */
export function rowMedia(csvPath: string, sidecar: Record<string, unknown>): string[] {
	const media = Array.isArray(sidecar.media) ? (sidecar.media as unknown[]) : [];
	return media
		.filter((m): m is string => typeof m === 'string' && basename(m) === m)
		.map((m) => join(dirname(csvPath), m));
}

/** A row's work folder: its post.json and (hard links to, else copies of) its media. */
export function materializeRow(
	workDir: string,
	csvPath: string,
	sidecar: Record<string, unknown>,
): void {
	mkdirSync(workDir, { recursive: true });
	for (const m of rowMedia(csvPath, sidecar)) {
		const dest = join(workDir, basename(m));
		if (existsSync(dest)) continue;
		try {
			linkSync(m, dest);
		} catch {
			copyFileSync(m, dest);
		}
	}
	writeJson(join(workDir, 'post.json'), sidecar);
}

/**
 * Files the CSV once its rows are handled: to done/YYYY-MM/<name>/ when every row was good, else
 * to failed/<name>/ with error.json and rejected.csv. Media named only by good rows go with it;
 * media a bad row names stay in the inbox for the corrected file.
 */
export function fileBatch(
	layout: FolderLayout,
	csvPath: string,
	report: {
		columns: string[];
		headerRaw: string;
		rows: CheckedRow[];
		queued: Array<{ line: number; item: string }>;
		alreadyQueued: Array<{ line: number; item: string }>;
	},
	now: number,
): string {
	const name = basename(csvPath);
	const bad = report.rows.filter((r) => r.problems.length > 0);
	const keep = new Set(bad.flatMap((r) => rowMedia(csvPath, r.sidecar)));
	const take = [
		...new Set(
			report.rows
				.filter((r) => r.problems.length === 0)
				.flatMap((r) => rowMedia(csvPath, r.sidecar))
				.filter((m) => !keep.has(m) && existsSync(m)),
		),
	];
	const dest =
		bad.length > 0 ? freePath(layout.failed, name) : freePath(monthDir(layout, now), name);
	moveInto([csvPath, ...take], dest, false);
	const summary = {
		csv: name,
		rows: report.rows.length,
		queued: report.queued,
		alreadyQueued: report.alreadyQueued,
		at: new Date(now).toISOString(),
	};
	if (bad.length === 0) {
		writeJson(join(dest, 'batch.json'), summary);
		return dest;
	}
	const eol = report.headerRaw.endsWith('\r\n') ? '\r\n' : '\n';
	const withEol = (s: string) => (/\r?\n$/.test(s) ? s : `${s}${eol}`);
	writeOwnFile(
		join(dest, 'rejected.csv'),
		withEol(report.headerRaw.replace(/^\uFEFF/, '')) + bad.map((r) => withEol(r.raw)).join(''),
	);
	writeJson(join(dest, 'error.json'), {
		name,
		...summary,
		rejected: bad.length,
		errors: bad.flatMap((r) => r.problems),
		fix: `Fix the rows in rejected.csv (line numbers above are those of ${name}) and drop rejected.csv into the inbox again, beside the media it names${keep.size > 0 ? ' (those media were left in the inbox)' : ''}: rows already queued are recognised and never posted twice.`,
	});
	return dest;
}

export interface CsvIntakeDeps {
	config: Config;
	store: Store;
	log: Logger;
	stability: StabilityTracker;
	now: number;
	onQueued?(itemId: string): void;
	onRejected?(
		name: string,
		folder: string,
		errors: Array<{ path?: string; message: string; fix?: string }>,
	): void;
}

/**
 * One CSV batch from an inbox. Returns a wait (ms) while the file or its media are still changing.
 * Each row's item is committed before its work folder is made; a crash in between is finished by
 * the next scan (the CSV is still in the inbox, and the row's identity finds the item).
 */
export async function ingestCsvBatch(
	d: CsvIntakeDeps,
	layout: FolderLayout,
	file: { path: string; defaults: string[] },
	folderDefaults: unknown,
): Promise<number | undefined> {
	const { store, log, config, now } = d;
	if (!d.stability.stable([file.path])) return d.stability.waitFor([file.path]);
	const name = basename(file.path);
	const checked = await checkCsv(file.path, file.defaults, folderDefaults, config, now);
	if (!checked.ok) {
		const dest = freePath(layout.failed, name);
		moveInto([file.path], dest, false);
		const errors = [
			{
				path: `line ${checked.problem.line}, column ${checked.problem.column}`,
				...checked.problem,
			},
		];
		writeJson(join(dest, 'error.json'), {
			name,
			errors: [checked.problem],
			fix: `${checked.problem.fix}; then drop the file again (nothing of it was queued).`,
			at: new Date(now).toISOString(),
		});
		store.event(null, null, 'error', `${name}: ${checked.problem.message}`);
		log.log('warn', `rejected ${name}: ${checked.problem.message}`, { movedTo: dest });
		d.onRejected?.(name, dest, errors);
		return undefined;
	}
	const media = [...new Set(checked.rows.flatMap((r) => rowMedia(file.path, r.sidecar)))].filter(
		(m) => existsSync(m),
	);
	if (!d.stability.stable(media)) return d.stability.waitFor(media);
	const stem = basename(file.path, extname(file.path));
	const queued: Array<{ line: number; item: string }> = [];
	const alreadyQueued: Array<{ line: number; item: string }> = [];
	for (const row of checked.rows) {
		const v = row.validation;
		if (!v) continue;
		const existing = store.itemByIdentity(v.identity);
		if (existing) {
			if (existing.state === 'processing' && !existsSync(join(existing.work_dir, 'post.json')))
				materializeRow(existing.work_dir, file.path, row.sidecar);
			alreadyQueued.push({ line: row.line, item: existing.id });
			continue;
		}
		const id = v.identity.slice(0, 12);
		const workDir = join(layout.processing, id);
		const state: TargetState = v.skip ? 'skipped' : 'pending';
		store.insertItem(
			{
				id,
				identity: v.identity,
				name: `${stem}-${row.line}`,
				folder: layout.root,
				work_dir: workDir,
				post: JSON.stringify({ ...v.post, name: `${stem}-${row.line}`, kind: 'folder' }),
			},
			v.post.targets.map((t) => ({
				label: t.label,
				key_name: t.keyName,
				service: t.service,
				account_id: t.accountId,
				platform: t.platform,
				state,
			})),
		);
		materializeRow(workDir, file.path, row.sidecar);
		queued.push({ line: row.line, item: id });
		d.onQueued?.(id);
	}
	d.stability.forget([file.path, ...media]);
	const dest = fileBatch(layout, file.path, { ...checked, queued, alreadyQueued }, now);
	const bad = checked.rows.filter((r) => r.problems.length > 0);
	log.log(
		bad.length > 0 ? 'warn' : 'info',
		`${name}: ${queued.length} row(s) queued, ${alreadyQueued.length} already queued, ${bad.length} rejected`,
		{
			movedTo: dest,
		},
	);
	if (bad.length > 0) {
		const errors = bad
			.flatMap((r) => r.problems)
			.map((p) => ({ path: `line ${p.line}, column ${p.column}`, message: p.message, fix: p.fix }));
		store.event(
			null,
			null,
			'error',
			`${name}: ${bad.length} row(s) rejected (first: line ${bad[0].line}: ${bad[0].problems[0].message}); see ${join(dest, 'error.json')}`,
		);
		d.onRejected?.(name, dest, errors);
	}
	return undefined;
}
