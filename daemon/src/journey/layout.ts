/**
 * The names of a drop folder's places: inbox/, .processing/<id>/, done/YYYY-MM/<name>/,
 * done/duplicates/<name>/ and failed/<name>/. Nothing here touches the disk except `freePath`'s look.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface FolderLayout {
	root: string;
	inbox: string;
	processing: string;
	done: string;
	failed: string;
}

export function layoutOf(root: string): FolderLayout {
	return {
		root,
		inbox: join(root, 'inbox'),
		processing: join(root, '.processing'),
		done: join(root, 'done'),
		failed: join(root, 'failed'),
	};
}

/** done/YYYY-MM (UTC) for a post settled at `at`. */
export function monthDir(layout: FolderLayout, at: number): string {
	const d = new Date(at);
	return join(layout.done, `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`);
}

/** Where re-drops of a post already queued go. */
export const duplicatesDir = (layout: FolderLayout) => join(layout.done, 'duplicates');

/** `base`, or `base-2`, `base-3`… so nothing is ever overwritten. */
export function freePath(dir: string, base: string): string {
	let candidate = join(dir, base);
	for (let n = 2; existsSync(candidate); n++) candidate = join(dir, `${base}-${n}`);
	return candidate;
}
