/**
 * Every move of a post's files and every file the daemon writes next to them goes through here:
 * the user's media is only ever renamed, never copied or deleted. Checks that a moved file is still
 * the file that was validated belong in these functions, so no move can skip them.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

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
