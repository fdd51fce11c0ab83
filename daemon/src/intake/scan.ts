/**
 * Discovery: a full directory scan of a drop folder's inbox is the truth; watcher events only say
 * when to scan again. Finds single-file posts (`clip.mp4` + `clip.mp4.json` or `clip.json`),
 * text-only posts (`note.json`), folder posts (`post.json` plus media) and `_defaults.json` files,
 * and holds every file back until it is stable.
 */
import { type Dirent, lstatSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { MEDIA_EXTENSIONS } from '../sidecar/media';

/** Temp, partial and system files that are never posts (docs/daemon.md, Watcher design). */
export function isIgnoredName(name: string): boolean {
	return (
		name.startsWith('.') ||
		name.startsWith('~$') ||
		name.endsWith('~') ||
		/\.(part|partial|crdownload|download|tmp|temp|swp|swx)$/i.test(name) ||
		/^(thumbs\.db|desktop\.ini|\.ds_store)$/i.test(name)
	);
}

export const isMediaName = (name: string) => MEDIA_EXTENSIONS.includes(extname(name).toLowerCase());

export interface Candidate {
	/** Single-file, text-only or folder post. */
	kind: 'file' | 'folder';
	/** Name used for done/ and failed/ folders. */
	name: string;
	sidecarPath: string;
	/** For single-file posts: the media path (if any). For folder posts: the folder. */
	mediaPaths: string[];
	folderPath?: string;
	/** `_defaults.json` files from the inbox down to the post's parent folder, outermost first. */
	defaults: string[];
	/** Every path that moves with the post (sidecar, media, or the folder). */
	movePaths: string[];
	/**
	 * Folder posts: entries that are not media the daemon posts (`notes.txt`, a sub-folder `extra/`).
	 * Without a "media" list they refuse the post, so nothing is silently left out of a carousel.
	 */
	strays?: string[];
	/** A problem found while grouping (ambiguous stem). */
	problem?: { path: string; message: string };
}

function entries(dir: string): Dirent[] {
	try {
		return readdirSync(dir, { withFileTypes: true });
	} catch {
		return [];
	}
}

const natural = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/**
 * Media of a folder post in natural name order (`01.jpg`, `2.jpg`, `10.jpg`). Every media-named
 * entry counts, whatever it is: a FIFO, socket, device or directory named `2.png` is then refused
 * by its kind (sidecar/media.ts) instead of silently dropping out of the carousel. Links are
 * refused by the scan (linkProblem).
 */
export function folderMedia(dir: string): string[] {
	return entries(dir)
		.filter((e) => !e.isSymbolicLink() && !isIgnoredName(e.name) && isMediaName(e.name))
		.map((e) => e.name)
		.sort(natural.compare);
}

/** Entries of a folder post that are neither its sidecar, media, a link (refused anyway) nor ignored. */
export function folderStrays(dir: string): string[] {
	return entries(dir)
		.filter(
			(e) =>
				!e.isSymbolicLink() &&
				!isIgnoredName(e.name) &&
				!isMediaName(e.name) &&
				e.name !== 'post.json',
		)
		.map((e) => e.name)
		.sort(natural.compare);
}

/**
 * Symbolic links are refused, inside the drop folder too: the daemon moves what it posts and must
 * never post or move a file outside its folders, and a link can point anywhere (or be retargeted
 * later). The post goes to failed/ with the link itself (rename moves the link, never its target).
 */
function linkProblem(links: string[]): Pick<Candidate, 'problem'> {
	if (links.length === 0) return {};
	const described = links.map((l) => {
		try {
			return `"${basename(l)}" (a link to ${readlinkSync(l)})`;
		} catch {
			return `"${basename(l)}"`;
		}
	});
	return {
		problem: {
			path: '$',
			message: `${described.join(', ')} ${links.length > 1 ? 'are symbolic links' : 'is a symbolic link'}; postspool does not follow links, so it never posts or moves files outside its folders. Copy the real file into the folder instead of linking it`,
		},
	};
}

function direntKind(e: Dirent): string {
	return e.isFIFO()
		? 'a named pipe (FIFO)'
		: e.isSocket()
			? 'a socket'
			: 'a device or special file';
}

function isDirectoryLink(path: string): boolean {
	try {
		return statSync(path).isDirectory();
	} catch {
		return false;
	}
}

export function scanInbox(inbox: string, defaults: string[] = []): Candidate[] {
	return [...inboxCandidates(inbox, defaults)];
}

/**
 * The candidates of an inbox one at a time, so a scan of a large inbox does not hold every one of
 * them (with its paths) while it ingests them. Grouping needs the names of one directory at once,
 * which are held as Sets (lookups stay O(1) with thousands of files in a folder).
 */
export function* inboxCandidates(inbox: string, defaults: string[] = []): Generator<Candidate> {
	const list = entries(inbox).filter((e) => !isIgnoredName(e.name));
	// A linked _defaults.json counts too, so the posts under it are refused (links are never
	// followed) instead of silently going out without those defaults.
	const here = list.some((e) => (e.isFile() || e.isSymbolicLink()) && e.name === '_defaults.json')
		? [...defaults, join(inbox, '_defaults.json')]
		: defaults;
	// Symbolic links group like files, so a post that uses one is refused instead of silently losing it.
	const links = new Set(list.filter((e) => e.isSymbolicLink()).map((e) => e.name));
	const isLink = (name: string) => links.has(name);
	// Anything that is not a folder groups like a file (a FIFO, socket or device too), so it is
	// refused with its reason instead of sitting in the inbox unexplained.
	const files = new Set(list.filter((e) => !e.isDirectory()).map((e) => e.name));
	// Media by stem (`clip` → [`clip.mp4`, `clip.mov`]), for sidecars named after the stem.
	const mediaByStem = new Map<string, string[]>();
	for (const name of files) {
		if (!isMediaName(name)) continue;
		const stem = name.slice(0, -extname(name).length);
		const same = mediaByStem.get(stem);
		if (same) same.push(name);
		else mediaByStem.set(stem, [name]);
	}
	for (const e of list) {
		if (e.isDirectory()) {
			const dir = join(inbox, e.name);
			const inside = entries(dir);
			if (inside.some((x) => (x.isFile() || x.isSymbolicLink()) && x.name === 'post.json')) {
				const links = inside
					.filter((x) => x.isSymbolicLink() && !isIgnoredName(x.name))
					.map((x) => join(dir, x.name));
				yield {
					kind: 'folder',
					name: e.name,
					sidecarPath: join(dir, 'post.json'),
					mediaPaths: folderMedia(dir).map((m) => join(dir, m)),
					strays: folderStrays(dir),
					folderPath: dir,
					defaults: here,
					movePaths: [dir],
					...linkProblem(links),
				};
			} else {
				// A grouping folder (with its own _defaults.json), or a post folder whose post.json is not written yet.
				yield* inboxCandidates(dir, here);
			}
			continue;
		}
		if (e.isSymbolicLink() && isDirectoryLink(join(inbox, e.name))) {
			// A linked folder is refused like a linked file. As a 'file' post the link moves into
			// failed/<name>/, so error.json is never written through the link into its target.
			const link = join(inbox, e.name);
			yield {
				kind: 'file',
				name: e.name,
				sidecarPath: link,
				mediaPaths: [],
				defaults: here,
				movePaths: [link],
				...linkProblem([link]),
			};
			continue;
		}
		if (!e.isDirectory() && !e.isFile() && extname(e.name).toLowerCase() === '.csv') {
			// A CSV batch that is a link, FIFO, socket or device is refused like such a sidecar (the
			// CSV reader takes regular files only), instead of sitting in the inbox for ever.
			const path = join(inbox, e.name);
			yield {
				kind: 'file',
				name: e.name,
				sidecarPath: path,
				mediaPaths: [],
				defaults: here,
				movePaths: [path],
				problem: e.isSymbolicLink()
					? linkProblem([path]).problem!
					: {
							path: '$',
							message: `CSV batch "${e.name}" is ${direntKind(e)}, not a regular file; postspool reads only regular files. Save the CSV as an ordinary file and drop it again`,
						},
			};
			continue;
		}
		if (e.isDirectory() || !e.name.endsWith('.json') || e.name === '_defaults.json') continue;
		const sidecarPath = join(inbox, e.name);
		const base = e.name.slice(0, -'.json'.length);
		// `clip.mp4` + `clip.mp4.json`, and also `noext` + `noext.json` (the content decides what it is).
		if (files.has(base) && (isMediaName(base) || extname(base) === '')) {
			yield {
				kind: 'file',
				name: base,
				sidecarPath,
				mediaPaths: [join(inbox, base)],
				defaults: here,
				movePaths: [join(inbox, base), sidecarPath],
				...linkProblem([e.name, base].filter(isLink).map((n) => join(inbox, n))),
			};
			continue;
		}
		if (isMediaName(base)) continue; // `clip.mp4.json` whose media has not arrived yet: wait.
		const sameStem = (mediaByStem.get(base) ?? []).filter((m) => !files.has(`${m}.json`));
		if (sameStem.length > 1) {
			yield {
				kind: 'file',
				name: base,
				sidecarPath,
				mediaPaths: sameStem.map((m) => join(inbox, m)),
				defaults: here,
				movePaths: [sidecarPath, ...sameStem.map((m) => join(inbox, m))],
				problem: {
					path: '$',
					message: `"${e.name}" could belong to ${sameStem.join(', ')}; name the sidecar after the exact file (e.g. "${sameStem[0]}.json") or put the post in its own folder with post.json`,
				},
			};
			continue;
		}
		const mediaPaths = sameStem.map((m) => join(inbox, m));
		yield {
			kind: 'file',
			name: base,
			sidecarPath,
			mediaPaths,
			defaults: here,
			movePaths: [...mediaPaths, sidecarPath],
			...linkProblem([e.name, ...sameStem].filter(isLink).map((n) => join(inbox, n))),
		};
	}
}

/**
 * Holds files back until (size, mtime) stayed the same for `stableMs` between two looks, so
 * half-written files (a paused writer, a copy in progress at startup) are never ingested.
 */
export class StabilityTracker {
	private readonly seen = new Map<string, { size: number; mtimeMs: number; since: number }>();

	constructor(
		private readonly stableMs: number,
		private readonly now: () => number = Date.now,
	) {}

	/** True when every path is stable; records observations either way. Missing files are not stable. */
	stable(paths: string[]): boolean {
		let all = true;
		for (const path of paths) if (!this.one(path)) all = false;
		return all;
	}

	/** Milliseconds until the unstable paths could be stable at the earliest. */
	waitFor(paths: string[]): number {
		const now = this.now();
		let wait = 0;
		for (const p of paths) {
			const s = this.seen.get(p);
			wait = Math.max(wait, s ? s.since + this.stableMs - now : this.stableMs);
		}
		return Math.max(wait, 50);
	}

	forget(paths: string[]): void {
		for (const p of paths) this.seen.delete(p);
	}

	private one(path: string): boolean {
		let st;
		try {
			// lstat: a symbolic link is observed as itself (even a dangling one), so it reaches the refusal.
			st = lstatSync(path);
		} catch {
			this.seen.delete(path);
			return false;
		}
		if (st.isDirectory()) return true;
		const now = this.now();
		const prev = this.seen.get(path);
		if (!prev || prev.size !== st.size || prev.mtimeMs !== st.mtimeMs) {
			this.seen.set(path, { size: st.size, mtimeMs: st.mtimeMs, since: now });
			return this.stableMs === 0;
		}
		return now - prev.since >= this.stableMs;
	}
}

export const stemOf = (name: string) => basename(name, extname(name));
