/**
 * The first leg of a post's journey, out of the inbox: into .processing/<id>/ when it is queued,
 * into failed/<name>/ with error.json when it cannot be (bad sidecar, bad media), or into
 * done/duplicates/<name>/ with duplicate-of.json when the same post was already queued.
 */
import { join } from 'node:path';
import { type FolderLayout, duplicatesDir, freePath } from './layout';
import { moveInto, writeJson } from './moves';

/** error.json of a post that never got into the queue. */
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

/** A post as found in the inbox: its name and every path that moves with it. */
export interface Arrival {
	name: string;
	movePaths: string[];
	folderPost: boolean;
}

/** A queued post's files into its .processing/<id>/ folder (also finishes an interrupted move). */
export function enterProcessing(post: Arrival, workDir: string): void {
	moveInto(post.movePaths, workDir, post.folderPost);
}

/** A post that never got into the queue: straight to failed/ with error.json. */
export function rejectArrival(
	layout: FolderLayout,
	post: Arrival,
	errors: ErrorFile['errors'],
	now: number,
): string {
	const dest = freePath(layout.failed, post.name);
	moveInto(post.movePaths, dest, post.folderPost);
	writeJson(join(dest, 'error.json'), {
		name: post.name,
		errors,
		at: new Date(now).toISOString(),
	} satisfies ErrorFile);
	return dest;
}

/** A re-drop of a post already queued: to done/duplicates/ with a note naming the first one. */
export function setAsideDuplicate(
	layout: FolderLayout,
	post: Arrival,
	existing: { id: string; state: string; location: string },
): string {
	const dest = freePath(duplicatesDir(layout), post.name);
	moveInto(post.movePaths, dest, post.folderPost);
	writeJson(join(dest, 'duplicate-of.json'), {
		item: existing.id,
		state: existing.state,
		location: existing.location,
		note: 'The same media and sidecar were already queued; nothing was posted again. Change the sidecar to post it again.',
	});
	return dest;
}
