/**
 * The first leg of a post's journey, out of the inbox: into .processing/<id>/ when it is queued,
 * into failed/<name>/ with error.json when it cannot be (bad sidecar, bad media), or into
 * done/duplicates/<name>/ with duplicate-of.json when the same post was already queued.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type FolderLayout, duplicatesDir, freePath } from './layout';
import { isIgnoredName } from '../intake/scan';
import { moveDir, moveInto, writeJson } from './moves';

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
	const body = { name: post.name, errors, at: new Date(now).toISOString() } satisfies ErrorFile;
	// error.json is written before anything moves: when it cannot be (a full disk), the post stays
	// in the inbox and is refused again, with its file, once space returns — never a failed/ folder
	// that does not say why.
	if (post.folderPost) {
		writeJson(join(post.movePaths[0], 'error.json'), body);
		moveInto(post.movePaths, dest, true);
		return dest;
	}
	mkdirSync(dest, { recursive: true });
	try {
		writeJson(join(dest, 'error.json'), body);
	} catch (err) {
		rmSync(dest, { recursive: true, force: true });
		throw err;
	}
	moveInto(post.movePaths, dest, false);
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

/** The folders in .processing/ the database has no record of (lost, replaced or restored while stopped). */
export function unknownInProcessing(
	layout: FolderLayout,
	known: (id: string) => boolean,
): string[] {
	try {
		return readdirSync(layout.processing).filter((id) => !isIgnoredName(id) && !known(id));
	} catch {
		return [];
	}
}

/**
 * A folder in .processing/ without a database record that could not be recovered (intake/recover.ts):
 * it may have been posted already, so it is never sent again blindly. It goes to
 * failed/<id>-needs-review/ with an error.json that says why and what to do. Returns where it went.
 */
export function setAsideUnknown(
	layout: FolderLayout,
	id: string,
	why: string,
	now: number,
): string {
	const dest = freePath(layout.failed, `${id}-needs-review`);
	moveDir(join(layout.processing, id), dest);
	writeJson(join(dest, 'error.json'), {
		item: id,
		name: id,
		state: 'needs-review',
		errors: [
			{
				message: `this post was in .processing/ but the state database has no record of it (the database was lost, replaced or restored while postspool was stopped), so it may already have been posted; it could not be recovered safely: ${why}`,
				fix: 'check the service for this post; if it is not there, move its files back into the inbox to post it',
			},
		],
		at: new Date(now).toISOString(),
	});
	return dest;
}
