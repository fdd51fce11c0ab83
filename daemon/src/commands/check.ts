/**
 * `postspool check <file|folder|csv>`: validates and plans without posting. A sidecar or a folder
 * is checked as `plan` does; a CSV batch row by row as intake would read it: every problem with
 * its line, column and fix, and for every good row the ETA each target would get now (behind what
 * is queued). Exits 2 when anything is invalid.
 */
import { type Stats, existsSync, lstatSync } from 'node:fs';
import { fileKind } from '../sidecar/read';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { type CsvProblem, checkCsv, inboxCsvFiles } from '../intake/csv';
import { layoutOf } from '../journey/layout';
import { CliError, EXIT, type GlobalOpts, load, openState, print, when } from './context';
import { newTarget, planEtas, queuedTargets } from './eta';
import type { QueuedTarget } from '../pipeline/batch-rule';
import { planCommand } from './plan';

/** `_defaults.json` files from the folder's inbox down to `dir`, outermost first. */
function defaultsChain(inbox: string | undefined, dir: string): string[] {
	if (!inbox || !(dir === inbox || dir.startsWith(inbox + sep))) return [];
	const chain: string[] = [];
	let at = inbox;
	for (const part of ['', ...relative(inbox, dir).split(sep).filter(Boolean)]) {
		at = part ? join(at, part) : at;
		if (existsSync(join(at, '_defaults.json'))) chain.push(join(at, '_defaults.json'));
	}
	return chain;
}

/** What a command printed (plan's JSON, to merge into check's one document). */
async function captureStdout(fn: () => Promise<number>): Promise<{ code: number; out: string }> {
	let out = '';
	const write = process.stdout.write.bind(process.stdout);
	process.stdout.write = ((chunk: string | Uint8Array) => {
		out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
		return true;
	}) as typeof process.stdout.write;
	try {
		return { code: await fn(), out };
	} finally {
		process.stdout.write = write;
	}
}

/**
 * What `check` is given, looked at as the daemon would: a link is never followed and anything but
 * a folder or a regular file is refused by its kind, so a FIFO cannot hang `check` and a link to
 * another file is never read (nor a line of it quoted in an error).
 */
function checkablePath(abs: string): Stats {
	let st: Stats;
	try {
		st = lstatSync(abs);
	} catch {
		throw new CliError(`${abs} does not exist; give a sidecar, a post folder or a .csv file`);
	}
	if (st.isSymbolicLink())
		throw new CliError(
			`${abs} is a symbolic link; postspool does not follow links (the daemon refuses it too). Give the real file or copy it into the inbox`,
			EXIT.validation,
		);
	if (!st.isDirectory() && !st.isFile())
		throw new CliError(
			`${abs} is ${fileKind(st)}, not a regular file; postspool only reads regular files (the daemon refuses it too)`,
			EXIT.validation,
		);
	return st;
}

export async function checkCommand(opts: GlobalOpts, path: string): Promise<number> {
	const abs = resolve(path);
	const isDir = checkablePath(abs).isDirectory();
	const ext = extname(abs).toLowerCase();
	if (!isDir && ext !== '.csv' && ext !== '.json')
		throw new CliError(
			`${abs} is not something postspool posts from: give a sidecar (.json), a post folder, an inbox folder or a .csv batch (media files are checked through their sidecar)`,
			EXIT.validation,
		);
	const csvs = isDir ? inboxCsvFiles(abs).map((f) => f.path) : ext === '.csv' ? [abs] : [];
	let code: number = EXIT.ok;
	// With --json, one document: the sidecars' plan and the CSV reports side by side.
	let planned: Record<string, unknown> = {};
	if (!(csvs.length > 0 && !isDir)) {
		if (opts.json && csvs.length > 0) {
			const captured = await captureStdout(() => planCommand(opts, abs));
			code = captured.code;
			planned = JSON.parse(captured.out) as Record<string, unknown>;
		} else code = await planCommand(opts, abs);
	}
	if (csvs.length === 0) return code;

	const loaded = load(opts);
	const config = loaded.config;
	const folder = config.folders.find((f) => abs.startsWith(f.path));
	const inbox = folder ? layoutOf(folder.path).inbox : undefined;
	const s = openState(loaded);
	try {
		const jobs = queuedTargets(s.store);
		const reports: Array<{
			csv: string;
			rows: number;
			valid: number;
			errors: CsvProblem[];
			posts: Array<{ line: number; duplicateOf?: string; targets: Array<Record<string, unknown>> }>;
		}> = [];
		for (const csv of csvs) {
			const checked = await checkCsv(
				csv,
				defaultsChain(inbox, dirname(csv)),
				folder?.defaults ?? {},
				config,
				Date.now(),
			);
			if (!checked.ok) {
				reports.push({ csv, rows: 0, valid: 0, errors: [checked.problem], posts: [] });
				continue;
			}
			const report = {
				csv,
				rows: checked.rows.length,
				valid: 0,
				errors: checked.rows.flatMap((r) => r.problems),
				posts: [] as Array<{
					line: number;
					duplicateOf?: string;
					targets: Array<Record<string, unknown>>;
				}>,
			};
			for (const row of checked.rows) {
				const v = row.validation;
				if (!v) continue;
				report.valid++;
				const existing = s.store.itemByIdentity(v.identity);
				const entry = {
					line: row.line,
					...(existing ? { duplicateOf: existing.id } : {}),
					targets: [] as Array<Record<string, unknown>>,
				};
				report.posts.push(entry);
				if (existing || v.skip) continue;
				v.post.targets.forEach((t, i) => {
					const ref = `${csv}:${row.line}#${i}`;
					const list: QueuedTarget[] = jobs.get(t.keyName) ?? [];
					list.push(newTarget(ref, v.post, i));
					jobs.set(t.keyName, list);
					entry.targets.push({ target: t.label, service: t.service, ref });
				});
			}
			reports.push(report);
		}
		const etas = planEtas(s.budgets, config, jobs);
		for (const r of reports)
			for (const p of r.posts)
				for (const t of p.targets) {
					const eta = etas.get(t.ref as string);
					t.eta =
						eta && Number.isFinite(eta.at)
							? new Date(Math.max(eta.at, Date.now())).toISOString()
							: null;
					t.gating = eta?.gating ?? null;
					delete t.ref;
				}
		print(opts, { ...planned, csv: reports }, () =>
			reports
				.map((r) =>
					[
						`${r.csv}: ${r.rows} row(s), ${r.valid} valid, ${r.errors.length} problem(s)`,
						...r.errors.map(
							(e) => `  FAIL line ${e.line}, column ${e.column}: ${e.message} — ${e.fix}`,
						),
						...r.posts.map((p) =>
							p.duplicateOf
								? `  OK   line ${p.line}: already queued as ${p.duplicateOf} (will not post again)`
								: `  OK   line ${p.line}: ${p.targets.map((t) => `${t.target} ${t.eta ? when(Date.parse(t.eta as string)) : 'cannot fit the budgets'}${t.gating ? ` (gated by ${t.gating})` : ''}`).join('; ')}`,
						),
					].join('\n'),
				)
				.join('\n'),
		);
		return reports.some((r) => r.errors.length > 0) ? EXIT.validation : code;
	} finally {
		s.close();
	}
}
