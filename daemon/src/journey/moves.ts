/**
 * Every move of a post's files and every file the daemon writes next to them goes through here:
 * the user's media is only ever renamed, never copied or deleted. Checks that a moved file is still
 * the file that was validated belong in these functions, so no move can skip them.
 */
import { createHash } from 'node:crypto';
import {
	closeSync,
	existsSync,
	fstatSync,
	mkdirSync,
	openSync,
	readSync,
	renameSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SAFE_OPEN_FLAGS, fileKind } from '../sidecar/read';

/** A file of a post as it was validated (a sidecar, or a media file): its name and identity. */
export interface ValidatedFile {
	/** `sidecar` or `media file`, for the message. */
	what: string;
	name: string;
	size: number;
	dev?: number;
	ino?: number;
	mtimeMs?: number;
	/** Compared for sidecars only: a media file's SHA-256 is verified by the upload as it streams. */
	sha256?: string;
}

/**
 * The files in `dir` that are no longer the files that were validated, each as a sentence naming
 * the file and what differs. Opened without following links and without blocking, like at intake;
 * a rename keeps (dev, inode, size, mtime), so any difference means the file was replaced or
 * written to since it was checked.
 */
export function changedFiles(dir: string, files: readonly ValidatedFile[]): string[] {
	const changed: string[] = [];
	for (const f of files) {
		const why = differs(join(dir, f.name), f);
		// Worded like the upload's own check (api/upload.ts), so one phrase finds both.
		if (why) changed.push(`the ${f.what} "${f.name}" changed after it was validated (${why})`);
	}
	return changed;
}

function differs(path: string, f: ValidatedFile): string | undefined {
	let fd: number;
	try {
		fd = openSync(path, SAFE_OPEN_FLAGS);
	} catch (err) {
		const code = (err as NodeJS.ErrnoException).code;
		return code === 'ENOENT'
			? 'it was removed'
			: code === 'ELOOP' || code === 'EMLINK'
				? 'it is now a symbolic link'
				: `it cannot be opened: ${code ?? (err as Error).message}`;
	}
	try {
		const st = fstatSync(fd);
		if (!st.isFile()) return `it is now ${fileKind(st)}, not a regular file`;
		if ((f.dev !== undefined && st.dev !== f.dev) || (f.ino !== undefined && st.ino !== f.ino))
			return 'another file is in its place';
		if (st.size !== f.size) return `${st.size} bytes instead of ${f.size}`;
		if (f.mtimeMs !== undefined && st.mtimeMs !== f.mtimeMs) return 'it was written to';
		if (f.sha256 === undefined) return undefined;
		const hash = createHash('sha256');
		const buf = Buffer.alloc(64 * 1024);
		for (let pos = 0; ; ) {
			const n = readSync(fd, buf, 0, buf.length, pos);
			if (n === 0) break;
			hash.update(buf.subarray(0, n));
			pos += n;
		}
		return hash.digest('hex') === f.sha256 ? undefined : 'its content differs';
	} catch (err) {
		return `it cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
	} finally {
		closeSync(fd);
	}
}

/**
 * Moves a post's paths to `dest`: a folder post's folder is renamed to `dest`; a single-file post's
 * files go into a new folder `dest` (a path already gone is skipped: it moved on an earlier try).
 */
export function moveInto(paths: string[], dest: string, folderPost: boolean): void {
	mkdirSync(dirname(dest), { recursive: true });
	if (folderPost) {
		renameSync(paths[0], dest);
		return;
	}
	mkdirSync(dest, { recursive: true });
	for (const p of paths) if (existsSync(p)) renameSync(p, join(dest, basename(p)));
}

/** Renames a post's whole folder (.processing/<id> ⇄ done/… or failed/…), making the parent first. */
export function moveDir(from: string, to: string): void {
	mkdirSync(dirname(to), { recursive: true });
	renameSync(from, to);
}

/**
 * A receipt, error or note file, tab-indented for people to read. Written beside its place and
 * renamed into it, so a full disk never leaves a half-written (or empty) file under its name.
 */
export function writeJson(path: string, value: unknown): void {
	const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
	try {
		writeFileSync(temp, `${JSON.stringify(value, null, '\t')}\n`);
		renameSync(temp, path);
	} catch (err) {
		rmSync(temp, { force: true });
		throw err;
	}
}

/** A text file the daemon writes beside a post (a CSV batch's rejected.csv). */
export function writeOwnFile(path: string, text: string): void {
	writeFileSync(path, text);
}

/** Removes a file the daemon wrote (receipt.json, error.json); never the user's media. */
export function removeOwnFile(path: string): void {
	rmSync(path, { force: true });
}
