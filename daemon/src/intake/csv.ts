/**
 * Bulk CSV intake: a `*.csv` in an inbox (beside the media it names, or in a folder with them) is a
 * batch of posts, one per row. Columns are the sidecar's fields (`text`, `text.<platform>`, `when`,
 * `targets`, `media`, `firstComment`, `draft`, `late`, `postsider.*`, `postfast.*`); `_defaults.json`
 * files and the folder's defaults apply as for sidecars, and `version` is 1 unless a column says
 * otherwise. Parsing and row checks are csv-rows.ts;
 * this file finds the CSVs, queues good rows and files the batch.
 *
 * The whole file is validated first. Good rows are queued, each as its own item whose identity is
 * its content (so a corrected file dropped again never queues a row twice); every bad row is named
 * in one error.json (line, column, message, fix) and copied verbatim into `<stem>.rejected.csv`
 * (`rejectedName`), a name that never equals the dropped file's, so a corrected file dropped again
 * and rejected again is kept beside its own rejected rows.
 */
import { type Dirent, copyFileSync, existsSync, linkSync, mkdirSync, readdirSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { Config } from '../config/schema';
import type { Logger } from '../log';
import type { Store, TargetState } from '../state/store';
import { type FolderLayout, freePath, monthDir } from '../journey/layout';
import { moveInto, writeJson, writeOwnFile } from '../journey/moves';
import { type StabilityTracker, isIgnoredName } from './scan';
import { type CheckedRow, checkCsv } from './csv-rows';

export {
	type CheckedRow,
	type CsvProblem,
	type CsvRow,
	type ParsedCsv,
	checkCsv,
	columnOf,
	parseCsvBatch,
} from './csv-rows';

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

/** `posts.csv` → `posts.rejected.csv`: the rejected rows' file, never the dropped file's own name. */
export function rejectedName(csvName: string): string {
	return `${basename(csvName, extname(csvName))}.rejected.csv`;
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
	const rejected = rejectedName(name);
	writeOwnFile(
		join(dest, rejected),
		withEol(report.headerRaw.replace(/^\uFEFF/, '')) + bad.map((r) => withEol(r.raw)).join(''),
	);
	writeJson(join(dest, 'error.json'), {
		name,
		...summary,
		rejected: bad.length,
		errors: bad.flatMap((r) => r.problems),
		rejectedFile: rejected,
		fix: `Fix the rows in ${rejected} (line numbers above are those of ${name}, which is kept beside it unchanged) and drop ${rejected} into the inbox again, beside the media it names${keep.size > 0 ? ' (those media were left in the inbox)' : ''}: rows already queued are recognised and never posted twice.`,
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
