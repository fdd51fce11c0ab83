/**
 * What every file still in an inbox waits for, for `plan` and `queue ls` (issue 10: "every item
 * ends"; a file that sits in the inbox must say why). Reads names and `lstat`, and a post's sidecar
 * only through the bounded, link-refusing reader (for its "media" list), so nothing a drop folder
 * holds can make it fail or block: a FIFO, a link to /usr, a name with control characters, a deeply
 * nested tree are each explained.
 */
import { type Dirent, existsSync, lstatSync, readdirSync } from 'node:fs';
import { basename, dirname, extname, join, relative } from 'node:path';
import { MAX_SIDECAR_BYTES, readBoundedJson } from '../sidecar/read';
import { type LeaseRecord, readLease } from '../state/lease';
import { NAMED_MEDIA_WAIT_MS } from './ingest';
import { type Candidate, inboxCandidates, isIgnoredName, isMediaName } from './scan';

/** The plain file names a post's "media" list names, split by whether they are there (paths). */
function namedMedia(c: Candidate): { present: string[]; missing: string[] } {
	const present: string[] = [];
	const missing: string[] = [];
	if (c.problem) return { present, missing };
	const read = readBoundedJson(c.sidecarPath);
	const media = read.ok ? (read.value as { media?: unknown } | null)?.media : undefined;
	if (!Array.isArray(media)) return { present, missing };
	const dir = c.folderPath ?? dirname(c.sidecarPath);
	for (const n of media) {
		if (typeof n !== 'string' || n === '' || basename(n) !== n) continue;
		const p = join(dir, n);
		(existsSync(p) ? present : missing).push(p);
	}
	return { present, missing };
}

/**
 * Files a post's "media" list names that are not there yet (names), and until when intake waits
 * for them (from when the sidecar last changed); undefined when none is missing or the wait is over.
 */
export function namedMediaWait(
	c: Candidate,
	now: number,
): { missing: string[]; until: number } | undefined {
	const { missing } = namedMedia(c);
	if (missing.length === 0) return undefined;
	try {
		const until = lstatSync(c.sidecarPath).mtimeMs + NAMED_MEDIA_WAIT_MS;
		return until > now ? { missing: missing.map((p) => basename(p)), until } : undefined;
	} catch {
		return undefined;
	}
}

/** The one explanation of a post waiting for its named media (`plan`, `queue ls`, the dashboard). */
export function namedMediaReason(
	name: string,
	missing: string[],
	until: number,
	now: number,
): string {
	const d = until - now;
	const left =
		d < 90_000 ? `in ${Math.max(1, Math.round(d / 1000))} s` : `in ${Math.round(d / 60_000)} min`;
	return `post "${name}": waiting for ${missing.map((m) => `"${m}"`).join(', ')} named in "media"; refused with error.json if still missing ${left}`;
}

export interface WaitingFile {
	/** Relative to the inbox. */
	path: string;
	/** What it waits for, or why it stays. */
	reason: string;
	/** It will never be posted as it is (a link, a FIFO, a post with a problem): `plan`/`check` exit 2. */
	refused?: true;
}

/** Deepest folder looked into, and most entries explained (a huge tree is summarised, not walked). */
const MAX_DEPTH = 8;
const MAX_ENTRIES = 5_000;

function list(dir: string): Dirent[] {
	try {
		return readdirSync(dir, { withFileTypes: true });
	} catch {
		return [];
	}
}

function kindOf(e: Dirent): string | undefined {
	if (e.isSymbolicLink()) return 'symbolic link';
	if (e.isFIFO()) return 'named pipe (FIFO)';
	if (e.isSocket()) return 'socket';
	if (e.isBlockDevice() || e.isCharacterDevice()) return 'device';
	return undefined;
}

/**
 * Every file and folder in `inbox` with what it waits for. `stableMs` is the daemon's stability
 * wait; `ownStateDir` tells this config's daemon from another one holding the folder's lease.
 */
export function explainInbox(
	inbox: string,
	opts: { stableMs: number; now?: number; folder?: string; ownStateDir?: string },
): WaitingFile[] {
	const now = opts.now ?? Date.now();
	const out: WaitingFile[] = [];
	const rel = (p: string) => relative(inbox, p) || '.';
	const add = (p: string, reason: string, refused = false) => {
		if (out.length < MAX_ENTRIES)
			out.push({ path: rel(p), reason, ...(refused ? { refused } : {}) });
	};
	const lease = opts.folder ? safeLease(opts.folder) : undefined;
	if (lease && opts.ownStateDir && lease.stateDir !== opts.ownStateDir)
		add(
			inbox,
			`the drop folder's lease is held by another daemon (pid ${lease.pid} on ${lease.host}, state directory ${lease.stateDir}): that daemon takes these posts, this one does not`,
		);
	// The paths each post found by the scan takes with it, and what that post waits for.
	const claimed = new Map<string, { reason: string; refused: boolean }>();
	for (const c of safeCandidates(inbox)) {
		// A single-file sidecar's "media" files move with it too (intake/ingest.ts).
		const named = c.kind === 'file' ? namedMedia(c).present : [];
		const files =
			c.kind === 'folder'
				? [c.sidecarPath, ...c.mediaPaths]
				: [...new Set([...c.movePaths, ...named])];
		const young = files.filter((p) => changedWithin(p, now, opts.stableMs));
		const waits = namedMediaWait(c, now);
		const reason = c.problem
			? `post "${c.name}": will be refused (failed/ with error.json): ${c.problem.message}`
			: waits
				? namedMediaReason(c.name, waits.missing, waits.until, now)
				: young.length > 0
					? `post "${c.name}": being written (${young.map(rel).join(', ')} changed less than ${opts.stableMs} ms ago); taken once unchanged for ${opts.stableMs} ms`
					: `post "${c.name}": ready, taken by the next scan`;
		const claim = { reason, refused: c.problem !== undefined };
		for (const p of [...c.movePaths, ...named]) claimed.set(p, claim);
		if (c.kind === 'folder') claimed.set(c.sidecarPath, claim);
	}
	const walk = (dir: string, depth: number) => {
		const entries = list(dir);
		const names = new Set(entries.map((e) => e.name));
		for (const e of entries) {
			if (out.length >= MAX_ENTRIES) return;
			const p = join(dir, e.name);
			const post = claimed.get(p);
			if (post) {
				add(p, post.reason, post.refused);
				continue;
			}
			if (isIgnoredName(e.name)) {
				add(
					p,
					'ignored: a hidden, temporary or partial name (renamed to its final name, it is taken)',
				);
				continue;
			}
			const special = kindOf(e);
			if (special === 'symbolic link') {
				add(
					p,
					'a symbolic link: refused, links are never followed (it goes to failed/ with its post, or stays if no sidecar names it)',
					true,
				);
				continue;
			}
			if (special) {
				add(p, `a ${special}, not a regular file: never read; remove it`, true);
				continue;
			}
			if (e.isDirectory()) {
				if (depth >= MAX_DEPTH) {
					add(p, `a folder nested deeper than ${MAX_DEPTH} levels: not looked into`);
					continue;
				}
				const before = out.length;
				walk(p, depth + 1);
				if (out.length === before)
					add(p, 'an empty folder: a post folder needs post.json and its media');
				continue;
			}
			add(p, fileReason(e.name, names, p, now, opts.stableMs, depth > 0));
		}
	};
	walk(inbox, 0);
	if (out.length >= MAX_ENTRIES)
		out.push({ path: '…', reason: `more than ${MAX_ENTRIES} entries: the rest is not listed` });
	return out;
}

/** A regular file that no post took: why. */
function fileReason(
	name: string,
	names: Set<string>,
	path: string,
	now: number,
	stableMs: number,
	inSubfolder = false,
): string {
	let size = 0;
	try {
		size = lstatSync(path).size;
	} catch {
		return 'gone while listed';
	}
	const young = changedWithin(path, now, stableMs) ? ' (still being written)' : '';
	if (name === '_defaults.json')
		return size > MAX_SIDECAR_BYTES
			? `defaults for the posts in this folder, but ${size} bytes: over the ${MAX_SIDECAR_BYTES}-byte cap, so the posts under it will be refused`
			: `defaults for the posts in this folder${young}`;
	if (name.toLowerCase().endsWith('.csv')) return `a CSV batch: one post per row${young}`;
	if (name.endsWith('.json')) {
		const base = name.slice(0, -'.json'.length);
		if (isMediaName(base) && !names.has(base))
			return `a sidecar waiting for its media file "${base}"${young}`;
		return `a sidecar not taken yet${young}`;
	}
	if (isMediaName(name)) {
		const stem = name.slice(0, -extname(name).length);
		// In a sub-folder it is most likely one of a folder post's media (a carousel): post.json first.
		return inSubfolder
			? `a media file waiting for this folder's post.json (a folder with post.json is one post), or for its own sidecar ("${name}.json")${young}`
			: `a media file waiting for its sidecar ("${name}.json" or "${stem}.json")${young}`;
	}
	if (size === 0 && young) return 'an empty file, still being written';
	return `not a post: neither a sidecar (.json), a CSV batch nor a media file by its name; it stays here${young}`;
}

function changedWithin(path: string, now: number, ms: number): boolean {
	try {
		return now - lstatSync(path).mtimeMs < ms;
	} catch {
		return false;
	}
}

function safeLease(folder: string): LeaseRecord | undefined {
	try {
		return readLease(folder);
	} catch {
		return undefined;
	}
}

function safeCandidates(inbox: string) {
	try {
		return [...inboxCandidates(inbox)];
	} catch {
		return [];
	}
}
