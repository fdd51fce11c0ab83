/**
 * Posts refused at intake (bad sidecar, unknown alias, linked media, a past time, rejected CSV
 * rows…): they never became items, so the database does not hold them; each is a folder in a drop
 * folder's failed/ with the error.json intake wrote (journey/enter.ts, intake/csv.ts). Folders of
 * items the database knows (failed after queuing) are the Problems page's other list.
 */
import { lstatSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/schema';
import { layoutOf } from '../journey/layout';

export interface Refusal {
	folder: string;
	inbox: string;
	dir: string;
	name: string;
	at: number;
	errors: Array<{ where?: string; message: string; fix?: string }>;
	fix?: string;
}

/** error.json is the daemon's own small file; anything bigger is not read for a page. */
const MAX_ERROR_FILE = 256 * 1024;

/**
 * The refusals in every drop folder's failed/, newest first, at most `limit` (and how many in all).
 * `known(id)`: the database holds that item (its folder is listed with the item instead).
 */
export function intakeRefusals(
	config: Config,
	known: (id: string) => boolean,
	limit: number,
): { refusals: Refusal[]; total: number } {
	const all: Refusal[] = [];
	for (const f of config.folders) {
		const layout = layoutOf(f.path);
		let names: string[];
		try {
			names = readdirSync(layout.failed);
		} catch {
			continue;
		}
		for (const name of names) {
			const dir = join(layout.failed, name);
			const file = join(dir, 'error.json');
			let parsed: Record<string, unknown>;
			let at: number;
			try {
				if (!lstatSync(dir).isDirectory()) continue;
				const st = lstatSync(file);
				if (!st.isFile() || st.size > MAX_ERROR_FILE) continue;
				parsed = JSON.parse(readFileSync(file, 'utf8'));
				at = st.mtimeMs;
			} catch {
				continue;
			}
			if (typeof parsed.item === 'string' && known(parsed.item)) continue;
			const errors = Array.isArray(parsed.errors) ? parsed.errors : [];
			const when = typeof parsed.at === 'string' ? Date.parse(parsed.at) : Number.NaN;
			all.push({
				folder: f.path,
				inbox: layout.inbox,
				dir,
				name: typeof parsed.name === 'string' ? parsed.name : name,
				at: Number.isFinite(when) ? when : at,
				errors: errors
					.filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null)
					.map((e) => ({
						where: whereOf(e),
						message: String(e.message ?? 'refused'),
						fix: typeof e.fix === 'string' ? e.fix : undefined,
					})),
				fix: typeof parsed.fix === 'string' ? parsed.fix : undefined,
			});
		}
	}
	all.sort((a, b) => b.at - a.at);
	return { refusals: all.slice(0, limit), total: all.length };
}

/** Where in the sidecar or CSV: a line and column, a JSON path, a target. */
function whereOf(e: Record<string, unknown>): string | undefined {
	const parts: string[] = [];
	if (e.line !== undefined) parts.push(`line ${String(e.line)}`);
	if (e.column !== undefined) parts.push(`column ${String(e.column)}`);
	if (typeof e.path === 'string' && e.path) parts.push(e.path);
	if (typeof e.target === 'string' && e.target) parts.push(e.target);
	return parts.length > 0 ? parts.join(', ') : undefined;
}
