/**
 * What waits in the inboxes and why: the candidates intake would take (inboxCandidates), held
 * back while a file is still being written (changed within `stableMs`), and sidecars whose media
 * has not arrived (intake skips those silently until it does).
 */
import { readdirSync, lstatSync } from 'node:fs';
import type { Config } from '../config/schema';
import { inboxCandidates, isIgnoredName, isMediaName } from '../intake/scan';
import { namedMediaReason, namedMediaWait } from '../intake/waiting';
import { layoutOf } from '../journey/layout';

export interface Waiting {
	folder: string;
	name: string;
	reason: string;
}

/** At most this many entries per folder: a flooded inbox must not make the page slow. */
const MAX_PER_FOLDER = 200;

export function inboxWaiting(config: Config, now: number): Waiting[] {
	const out: Waiting[] = [];
	for (const f of config.folders) {
		const inbox = layoutOf(f.path).inbox;
		let n = 0;
		// One candidate at a time: a flooded inbox is not grouped in full for a page.
		for (const c of inboxCandidates(inbox)) {
			if (n++ >= MAX_PER_FOLDER) break;
			const changed = Math.max(
				...[c.sidecarPath, ...c.mediaPaths].map((p) => {
					try {
						return lstatSync(p).mtimeMs;
					} catch {
						return 0;
					}
				}),
			);
			const age = now - changed;
			const named = namedMediaWait(c, now);
			out.push({
				folder: f.path,
				name: c.name,
				reason: c.problem
					? c.problem.message
					: named
						? namedMediaReason(c.name, named.missing, named.until, now)
						: age < config.stableMs
							? `a file is still being written (changed ${Math.max(0, Math.round(age / 1000))} s ago; taken once unchanged for ${config.stableMs / 1000} s)`
							: 'ready: taken at the next scan',
			});
		}
		let names: string[] = [];
		try {
			names = readdirSync(inbox).filter((x) => !isIgnoredName(x));
		} catch {
			/* no inbox yet */
		}
		const present = new Set(names);
		for (const x of names) {
			if (n++ >= MAX_PER_FOLDER) break;
			const base = x.endsWith('.json') ? x.slice(0, -5) : undefined;
			if (base && isMediaName(base) && !present.has(base))
				out.push({
					folder: f.path,
					name: base,
					reason: `the sidecar ${x} waits for its media file ${base} (not in the inbox yet)`,
				});
		}
	}
	return out;
}

/** An entry without its ages ("changed 3 s ago"): what the live check compares. */
export function waitingKey(w: Waiting): string {
	return `${w.folder}\0${w.name}\0${w.reason.replace(/\d+/g, '#')}`;
}
