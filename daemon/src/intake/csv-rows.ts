/**
 * Bulk CSV intake, the rows: the file parsed with csv-parse (RFC 4180: quotes, embedded newlines, a
 * BOM; `;` or `,` as exported by spreadsheets), each row mapped to a sidecar value (columns are
 * the sidecar's fields) and validated as intake would, with every problem named by line and column.
 * Filing the batch and its error.json / <stem>.rejected.csv is csv.ts.
 */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import { type Config, PLATFORMS } from '../config/schema';
import { type Validation, validateSidecarValue } from './ingest';
import type { Candidate } from './scan';

export interface CsvProblem {
	/** 1-based line in the file where the row starts (1 is the header). */
	line: number;
	column: string;
	message: string;
	fix: string;
}

export interface CsvRow {
	line: number;
	/** The row as written in the file (for <stem>.rejected.csv). */
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
const KNOWN_BY_LOWER = new Map(KNOWN_COLUMNS.map((c) => [c.toLowerCase(), c]));
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

/**
 * The file's text: UTF-8 (with or without a BOM) or UTF-16 with its BOM (what "Unicode text"
 * exports write). Bytes that are not UTF-8 (a Latin-1 / Windows-1252 export) are refused with the
 * line they are on, never replaced: a wrong guess would post changed text.
 */
export function decodeCsv(
	bytes: Buffer,
): { ok: true; text: string } | { ok: false; problem: CsvProblem } {
	const utf16 =
		bytes[0] === 0xff && bytes[1] === 0xfe
			? 'utf-16le'
			: bytes[0] === 0xfe && bytes[1] === 0xff
				? 'utf-16be'
				: undefined;
	if (utf16) return { ok: true, text: new TextDecoder(utf16).decode(bytes) };
	try {
		return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
	} catch {
		const bad = firstInvalidUtf8(bytes);
		const line = bytes.subarray(0, bad).filter((b) => b === 0x0a).length + 1;
		return {
			ok: false,
			problem: {
				line,
				column: '(file)',
				message: `the file is not UTF-8: byte 0x${bytes[bad].toString(16).toUpperCase().padStart(2, '0')} on line ${line} is not valid UTF-8 (the file was probably saved as Latin-1 / Windows-1252, where "é" or "€" are single bytes); nothing was read, so no text is changed`,
				fix: 'Save the file as UTF-8 (Excel: "CSV UTF-8 (Comma delimited)"; LibreOffice: character set "Unicode (UTF-8)"; Numbers and Google Sheets export UTF-8) and drop it again',
			},
		};
	}
}

/** The offset of the first byte that breaks UTF-8. */
function firstInvalidUtf8(b: Buffer): number {
	for (let i = 0; i < b.length; ) {
		const c = b[i];
		const n =
			c < 0x80
				? 0
				: c >= 0xc2 && c <= 0xdf
					? 1
					: c >= 0xe0 && c <= 0xef
						? 2
						: c >= 0xf0 && c <= 0xf4
							? 3
							: -1;
		if (n < 0) return i;
		for (let k = 1; k <= n; k++) if (i + k >= b.length || (b[i + k] & 0xc0) !== 0x80) return i;
		// Overlongs, surrogates and values past U+10FFFF, as the decoder refuses them.
		const cp = Buffer.from(b.subarray(i, i + n + 1)).toString('utf8');
		if (n > 0 && cp === '\uFFFD') return i;
		i += n + 1;
	}
	return 0;
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
	// Spreadsheets add empty columns at the right; a header is read case-insensitively, trimmed.
	const written = head.record.map((c) => c.trim());
	while (written.length > 1 && written[written.length - 1] === '') written.pop();
	const columns = written.map((c) => KNOWN_BY_LOWER.get(c.toLowerCase()) ?? c);
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
	// A row of empty cells (a blank row in a spreadsheet) is no post; cells past the header that
	// are empty are the spreadsheet's padding.
	const filled = body.filter(({ record }) => record.some((c) => c.trim() !== ''));
	const rows: CsvRow[] = filled.map(({ record: cells, raw, line }) => {
		const problems: CsvProblem[] = [];
		const record = [...cells];
		while (record.length > columns.length && record[record.length - 1].trim() === '') record.pop();
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
	const decoded = decodeCsv(readFileSync(path));
	if (!decoded.ok) return decoded;
	const parsed = parseCsvBatch(decoded.text);
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
							`Correct the "${column.split(' ')[0]}" cell of line ${row.line} and drop ${basename(path, extname(path))}.rejected.csv again`,
					};
				}),
			});
	}
	return { ok: true, columns: parsed.columns, headerRaw: parsed.headerRaw, rows };
}
