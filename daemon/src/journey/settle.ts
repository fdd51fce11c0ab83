/**
 * The last leg of a post's journey: when every target of an item has settled, write receipt.json
 * (every target's outcome and post id) and, when a target failed, error.json (which target, the
 * service's reason, how to fix it), then move the item to done/YYYY-MM/ or failed/. The destination
 * is committed before the move, so a crash in between is finished by `recoverMoves` at startup.
 * `reopenItem` is the way back (retry): failed/… → .processing/<id>/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type TargetError, postOf, validatedFiles } from '../item';
import { outcomeFields } from '../state/outcome-tables';
import type { ItemRow, Store } from '../state/store';
import { freePath, layoutOf, monthDir } from './layout';
import { changedFiles, moveDir, removeOwnFile, writeJson } from './moves';

export function receiptOf(store: Store, item: ItemRow) {
	const post = postOf(item);
	return {
		item: item.id,
		name: item.name,
		state: item.state,
		identity: item.identity,
		droppedAt: new Date(post.droppedAt).toISOString(),
		media: post.media.map((m) => ({ name: m.name, type: m.mime, bytes: m.size, sha256: m.sha256 })),
		targets: store.targets(item.id).map((t) => ({
			target: t.label,
			service: t.service,
			account: t.account_id,
			platform: t.platform,
			state: t.state,
			postId: t.remote_id ?? undefined,
			publishAt: t.publish_at ? new Date(t.publish_at).toISOString() : undefined,
			attempts: t.attempts,
			error:
				t.error && t.state !== 'confirmed' && t.state !== 'published'
					? (JSON.parse(t.error) as TargetError)
					: undefined,
			...outcomeFields(store.db, t.id),
		})),
	};
}

/**
 * receipt.json, and error.json when a target failed (also on the service, after it accepted the
 * post: publish tracking calls this again when a post's fate is known).
 */
export function writeSettledFiles(
	store: Store,
	item: ItemRow,
	dir: string,
	now: number,
	/** The .processing/ folder that was removed while the post was worked on, if it was. */
	removedFolder?: string,
	/** Files of the post that are no longer the ones validated (journey/moves.ts, changedFiles). */
	changed: string[] = [],
): void {
	writeJson(join(dir, 'receipt.json'), receiptOf(store, item));
	if (
		!removedFolder &&
		changed.length === 0 &&
		item.state !== 'failed' &&
		item.state !== 'needs-review'
	) {
		removeOwnFile(join(dir, 'error.json'));
		return;
	}
	const targets = store.targets(item.id);
	writeJson(join(dir, 'error.json'), {
		item: item.id,
		name: item.name,
		state: item.state,
		...(removedFolder
			? {
					folderMissing: `the post's folder ${removedFolder} was removed while the post was being worked on; its files are gone, this folder holds only the daemon's record of it`,
				}
			: {}),
		...(changed.length > 0
			? {
					filesChanged: changed.map(
						(c) =>
							`${c}: this folder no longer holds the file that was validated; what was sent (if anything) is the validated file, whose sha256 is in receipt.json`,
					),
				}
			: {}),
		errors: targets
			.filter(
				(t) => t.state === 'failed' || t.state === 'needs-review' || t.state === 'publish-failed',
			)
			.map((t) => ({
				target: t.label,
				state: t.state,
				...(JSON.parse(t.error ?? '{}') as TargetError),
			})),
		succeeded: targets
			.filter((t) => t.state === 'confirmed' || t.state === 'published')
			.map((t) => ({ target: t.label, postId: t.remote_id })),
		retry: `After fixing the cause, run "postspool retry ${item.id}": only the targets listed here are sent again.`,
		at: new Date(now).toISOString(),
	});
}

/** Finalizes the item when all its targets have settled. Returns the new location, if moved. */
export function finalizeItem(store: Store, itemId: string, now: number): string | undefined {
	const item = store.item(itemId);
	if (!item || item.state !== 'processing') return undefined;
	const outcome = store.itemOutcome(itemId);
	if (!outcome) return undefined;
	const layout = layoutOf(item.folder);
	const dest =
		outcome === 'done' || outcome === 'cancelled'
			? freePath(monthDir(layout, now), item.name)
			: freePath(layout.failed, item.name);
	store.setItem(itemId, { state: outcome, final_dir: dest });
	const settled = store.item(itemId)!;
	// Its folder removed from .processing/ meanwhile (by hand, a sync client): the outcome still
	// gets a folder and a file that says what happened, instead of a log line naming no folder.
	const gone = !existsSync(item.work_dir);
	if (gone) {
		mkdirSync(dest, { recursive: true });
		writeSettledFiles(store, settled, dest, now, item.work_dir);
	} else {
		writeSettledFiles(store, settled, item.work_dir, now);
		moveDir(item.work_dir, dest);
		// What arrived is re-checked: a file swapped or rewritten in .processing/ is said in error.json.
		const changed = changedFiles(dest, validatedFiles(postOf(item)));
		if (changed.length > 0) {
			writeSettledFiles(store, settled, dest, now, undefined, changed);
			store.event(itemId, null, 'warn', `${item.name}: ${changed.join('; ')}`);
		}
	}
	store.event(
		itemId,
		null,
		outcome === 'done' ? 'info' : 'warn',
		`${item.name}: ${outcome} → ${dest}`,
	);
	return dest;
}

/**
 * Items whose final move did not happen (a crash, or a full disk that refused receipt.json or
 * error.json): their files are written if missing, then they are moved. At startup for every
 * settled item; when disk space returns, for those settled since the disk filled (`since`).
 */
export function recoverMoves(store: Store, now: number, since?: number): void {
	const todo: Array<{ id: string; work_dir: string; final_dir: string; unmoved: boolean }> = [];
	// Streamed (a long history is not loaded at once); the files are written after the read.
	for (const row of store.settledDirs(since)) {
		const unmoved = existsSync(row.work_dir) && !existsSync(row.final_dir);
		const dir = unmoved ? row.work_dir : row.final_dir;
		const unwritten = !existsSync(join(dir, 'receipt.json')) && existsSync(dir);
		if (unmoved || (since !== undefined && unwritten)) todo.push({ ...row, unmoved });
	}
	for (const row of todo) {
		const dir = row.unmoved ? row.work_dir : row.final_dir;
		const item = store.item(row.id);
		if (item && !existsSync(join(dir, 'receipt.json'))) writeSettledFiles(store, item, dir, now);
		if (row.unmoved) moveDir(row.work_dir, row.final_dir);
	}
}

/** Brings a settled item's folder back to .processing/<id>/ (retry), without its receipt and error files. */
export function reopenItem(item: ItemRow): void {
	if (item.state === 'processing' || !item.final_dir || !existsSync(item.final_dir)) return;
	moveDir(item.final_dir, item.work_dir);
	removeOwnFile(join(item.work_dir, 'error.json'));
	removeOwnFile(join(item.work_dir, 'receipt.json'));
}
