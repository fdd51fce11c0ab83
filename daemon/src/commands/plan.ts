/**
 * `postspool plan [path]`: a dry run. Validates every post waiting in the inboxes (or under
 * `path`) exactly as intake would, and gives each target an ETA and the budget that gates it,
 * behind what is already queued. Exits 2 when a post is invalid.
 */
import { escapeControl } from '../log';
import { lstatSync, statSync } from 'node:fs';
import { basename, dirname, relative, resolve, sep } from 'node:path';
import { NAMED_MEDIA_WAIT_MS, type Validation, validateCandidate } from '../intake/ingest';
import { type Candidate, scanInbox } from '../intake/scan';
import { explainInbox, namedMediaReason } from '../intake/waiting';
import { layoutOf } from '../journey/layout';
import type { QueuedTarget } from '../pipeline/batch-rule';
import { newTarget, planEtas, queuedTargets } from './eta';
import { EXIT, type GlobalOpts, load, openState, print, when } from './context';

export async function planCommand(opts: GlobalOpts, path?: string): Promise<number> {
	const loaded = load(opts);
	const config = loaded.config;
	const s = openState(loaded);
	try {
		const groups: Array<{
			defaults: unknown;
			candidates: Candidate[];
			folder: string;
			inbox: string;
			/** A path given outside every inbox: no scan takes what is there, so no post "waits". */
			outside?: true;
		}> = [];
		if (path) {
			const abs = resolve(path);
			const folder = config.folders.find((f) => abs.startsWith(f.path));
			const isDir = statSync(abs).isDirectory();
			const dir = isDir ? abs : dirname(abs);
			const found = scanInbox(dir).filter((c) => isDir || c.sidecarPath === abs);
			const inbox = folder ? layoutOf(folder.path).inbox : undefined;
			const inInbox = inbox !== undefined && (dir === inbox || dir.startsWith(inbox + sep));
			groups.push({
				defaults: folder?.defaults ?? {},
				candidates: found,
				folder: folder?.path ?? dir,
				inbox: dir,
				...(inInbox ? {} : { outside: true as const }),
			});
		} else {
			for (const f of config.folders)
				groups.push({
					defaults: f.defaults,
					candidates: scanInbox(layoutOf(f.path).inbox),
					folder: f.path,
					inbox: layoutOf(f.path).inbox,
				});
		}
		// What is queued goes first.
		const jobs = queuedTargets(s.store);
		const push = (key: string, job: QueuedTarget) => {
			if (!jobs.has(key)) jobs.set(key, []);
			jobs.get(key)!.push(job);
		};
		// Every file still in an inbox, with what it waits for (not only the posts that validate).
		// With a path: what waits under it (a file: that file), so check/plan of a folder agree.
		const pathIsDir = path !== undefined && statSync(resolve(path)).isDirectory();
		const waiting = path
			? groups.flatMap((g) =>
					explainInbox(g.inbox, {
						stableMs: config.stableMs,
						folder: g.folder === g.inbox ? undefined : g.folder,
						ownStateDir: loaded.stateDir,
					})
						.filter((w) => pathIsDir || w.path === basename(path))
						// Outside an inbox no scan takes anything: only what is refused anyway (a link, a pipe).
						.filter((w) => !g.outside || (w.refused && !w.reason.startsWith('post "')))
						.map((w) => ({ folder: g.folder, ...w })),
				)
			: config.folders.flatMap((f) =>
					explainInbox(layoutOf(f.path).inbox, {
						stableMs: config.stableMs,
						folder: f.path,
						ownStateDir: loaded.stateDir,
					}).map((w) => ({ folder: f.path, ...w })),
				);
		const results: Array<Record<string, unknown>> = [];
		let invalid = 0;
		for (const g of groups) {
			for (const c of g.candidates) {
				const v = await validateCandidate(c, g.defaults, config, Date.now());
				const until = v.ok ? undefined : namedMediaDeadline(c.sidecarPath, v);
				if (!v.ok && until !== undefined && !g.outside) {
					// Waits for the files its "media" list names, as intake does (not refused yet).
					const path = relative(g.inbox, c.sidecarPath);
					const at = waiting.findIndex((w) => w.folder === g.folder && w.path === path);
					if (at >= 0) waiting.splice(at, 1);
					waiting.push({
						folder: g.folder,
						path,
						reason: namedMediaReason(
							c.name,
							(v.missingMedia ?? []).map((m) => basename(m)),
							until,
							Date.now(),
						),
					});
					continue;
				}
				if (!v.ok) {
					invalid++;
					results.push({ name: c.name, sidecar: c.sidecarPath, valid: false, errors: v.errors });
					continue;
				}
				const existing = s.store.itemByIdentity(v.identity);
				const entry: Record<string, unknown> = {
					name: c.name,
					sidecar: c.sidecarPath,
					valid: true,
					duplicateOf: existing?.id,
					targets: [] as unknown[],
				};
				results.push(entry);
				if (existing || v.skip) continue;
				v.post.targets.forEach((t, i) => {
					const id = `${c.sidecarPath}#${i}`;
					push(t.keyName, newTarget(id, v.post, i));
					(entry.targets as unknown[]).push({ target: t.label, service: t.service, ref: id });
				});
			}
		}
		const etas = planEtas(s.budgets, config, jobs);
		for (const r of results) {
			for (const t of (r.targets as Array<Record<string, unknown>> | undefined) ?? []) {
				const eta = etas.get(t.ref as string);
				t.eta =
					eta && Number.isFinite(eta.at)
						? new Date(Math.max(eta.at, Date.now())).toISOString()
						: null;
				t.gating = eta?.gating ?? null;
				delete t.ref;
			}
		}
		print(opts, { posts: results, invalid, waiting }, () =>
			results.length === 0 && waiting.length === 0
				? 'nothing waiting in the inboxes'
				: [
						...results.map((r) =>
							r.valid
								? [
										`OK   ${escapeControl(String(r.name))}${r.duplicateOf ? ` (duplicate of ${r.duplicateOf}: will not post again)` : ''}`,
										...((r.targets as Array<Record<string, unknown>>) ?? []).map(
											(t) =>
												`     ${t.target}: ${t.eta ? when(Date.parse(t.eta as string)) : 'cannot fit the budgets'}${t.gating ? ` (gated by ${t.gating})` : ''}`,
										),
									].join('\n')
								: [
										`FAIL ${escapeControl(String(r.name))}`,
										...(r.errors as Array<{ path?: string; message: string; fix?: string }>).map(
											(e) => `     ${e.path ?? ''} ${e.message}${e.fix ? ` — ${e.fix}` : ''}`,
										),
									].join('\n'),
						),
						...waitingLines(waiting),
					].join('\n'),
		);
		// Links, pipes and the like that no post takes are refused too (they never go out).
		const refused = waiting.filter((w) => w.refused && !w.reason.startsWith('post "')).length;
		return invalid + refused > 0 ? EXIT.validation : EXIT.ok;
	} finally {
		s.close();
	}
}

/** When intake gives up on a sidecar waiting only for its named media; undefined when it does not wait. */
function namedMediaDeadline(sidecar: string, v: Validation): number | undefined {
	if (v.ok || !v.missingMedia || v.missingMedia.length !== v.errors.length) return undefined;
	try {
		const until = lstatSync(sidecar).mtimeMs + NAMED_MEDIA_WAIT_MS;
		return until > Date.now() ? until : undefined;
	} catch {
		return undefined;
	}
}

/** The inbox files and what each waits for, as lines (names escaped by `print`). */
export function waitingLines(
	waiting: Array<{ folder: string; path: string; reason: string }>,
): string[] {
	if (waiting.length === 0) return [];
	return ['In the inboxes:', ...waiting.map((w) => `WAIT ${w.path}: ${w.reason}`)];
}
