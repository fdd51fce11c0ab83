/**
 * Moving a post through inbox → .processing/<id>/ → done/YYYY-MM/<name>/ or failed/<name>/, with
 * receipt.json and error.json. The user's media is only ever renamed, never deleted.
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { FolderLayout } from './scan';

/** `base`, or `base-2`, `base-3`… so nothing is ever overwritten. */
export function freePath(dir: string, base: string): string {
	let candidate = join(dir, base);
	for (let n = 2; existsSync(candidate); n++) candidate = join(dir, `${base}-${n}`);
	return candidate;
}

/** Moves the given paths into a new folder (single-file posts) or renames the folder (folder posts). */
export function moveInto(paths: string[], dest: string, folderPost: boolean): void {
	mkdirSync(join(dest, '..'), { recursive: true });
	if (folderPost) {
		renameSync(paths[0], dest);
		return;
	}
	mkdirSync(dest, { recursive: true });
	for (const p of paths) if (existsSync(p)) renameSync(p, join(dest, basename(p)));
}

export function monthDir(layout: FolderLayout, at: number): string {
	const d = new Date(at);
	return join(layout.done, `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`);
}

export interface ErrorFile {
	item?: string;
	name: string;
	/** Where in the sidecar, and what. */
	errors: Array<{
		path?: string;
		target?: string;
		message: string;
		fix?: string;
		service?: string;
		status?: number;
	}>;
	at: string;
}

export function writeJson(path: string, value: unknown): void {
	writeFileSync(path, `${JSON.stringify(value, null, '\t')}\n`);
}

/** A post that never got into the queue (bad sidecar, bad media): straight to failed/ with error.json. */
export function rejectCandidate(
	layout: FolderLayout,
	name: string,
	movePaths: string[],
	folderPost: boolean,
	errors: ErrorFile['errors'],
	now: number,
): string {
	const dest = freePath(layout.failed, name);
	moveInto(movePaths, dest, folderPost);
	writeJson(join(dest, 'error.json'), {
		name,
		errors,
		at: new Date(now).toISOString(),
	} satisfies ErrorFile);
	return dest;
}
