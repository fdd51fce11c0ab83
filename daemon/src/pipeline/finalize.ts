/**
 * When every target of an item has settled: write receipt.json (every target's outcome and post id)
 * and, when a target failed, error.json (which target, the service's reason, how to fix it), then
 * move the item to done/YYYY-MM/ or failed/. The destination is committed before the move, so a
 * crash in between is finished by `recoverMoves` at startup.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PostRecord } from '../intake/ingest';
import { freePath, monthDir, writeJson } from '../intake/lifecycle';
import { layoutOf } from '../intake/scan';
import { outcomeFields } from '../outcomes/store';
import type { ItemRow, Store } from '../state/store';
import type { TargetError } from './worker';

export function receiptOf(store: Store, item: ItemRow) {
	const post = JSON.parse(item.post) as PostRecord;
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
export function writeSettledFiles(store: Store, item: ItemRow, dir: string, now: number): void {
	writeJson(join(dir, 'receipt.json'), receiptOf(store, item));
	if (item.state !== 'failed' && item.state !== 'needs-review') {
		rmSync(join(dir, 'error.json'), { force: true });
		return;
	}
	const targets = store.targets(item.id);
	writeJson(join(dir, 'error.json'), {
		item: item.id,
		name: item.name,
		state: item.state,
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
	if (existsSync(item.work_dir)) {
		writeSettledFiles(store, settled, item.work_dir, now);
		mkdirSync(dirname(dest), { recursive: true });
		renameSync(item.work_dir, dest);
	}
	store.event(
		itemId,
		null,
		outcome === 'done' ? 'info' : 'warn',
		`${item.name}: ${outcome} → ${dest}`,
	);
	return dest;
}

/** Items whose final move did not happen (crash): move them now. */
export function recoverMoves(store: Store): void {
	for (const item of store.settledDirs()) {
		if (existsSync(item.work_dir) && !existsSync(item.final_dir)) {
			mkdirSync(dirname(item.final_dir), { recursive: true });
			renameSync(item.work_dir, item.final_dir);
		}
	}
}

/** `retry`: bring a failed item back from failed/ and re-queue its failed or parked targets. */
export function retryItem(
	store: Store,
	itemId: string,
): { ok: boolean; message: string; targets: number } {
	const item = store.item(itemId);
	if (!item)
		return {
			ok: false,
			message: `no item "${itemId}"; "postspool queue ls" lists them`,
			targets: 0,
		};
	const targets = store
		.targets(item.id)
		.filter(
			(t) => t.state === 'failed' || t.state === 'needs-review' || t.state === 'publish-failed',
		);
	if (targets.length === 0)
		return {
			ok: false,
			message: `item ${item.id} (${item.name}) has no failed targets (state: ${item.state})`,
			targets: 0,
		};
	if (item.state !== 'processing' && item.final_dir && existsSync(item.final_dir)) {
		mkdirSync(dirname(item.work_dir), { recursive: true });
		renameSync(item.final_dir, item.work_dir);
		rmSync(join(item.work_dir, 'error.json'), { force: true });
		rmSync(join(item.work_dir, 'receipt.json'), { force: true });
	}
	store.db.transaction(() => {
		for (const t of targets) {
			// A parked create may have reached the service: a new Idempotency-Key and a new body, on the
			// user's word. A post the service failed to publish is created anew (the old one stays failed there).
			const parked = t.state === 'needs-review';
			const republish = t.state === 'publish-failed';
			store.force(t.id, ['failed', 'needs-review', 'publish-failed'], 'pending', {
				attempts: 0,
				next_attempt_at: 0,
				error: null,
				...(republish ? { remote_id: null } : {}),
				...(parked || republish || !t.remote_id
					? { request: null, generation: t.generation + (parked || republish ? 1 : 0) }
					: {}),
			});
		}
		store.setItem(item.id, { state: 'processing', final_dir: null, error: null });
		store.event(item.id, null, 'info', `retry of ${targets.length} target(s) requested`);
	})();
	return {
		ok: true,
		message: `re-queued ${targets.length} target(s) of ${item.id} (${item.name})`,
		targets: targets.length,
	};
}

/** `cancel`: stop every target that has not been created; the item moves to done/ or failed/. */
export function cancelItem(
	store: Store,
	itemId: string,
	now: number,
): { ok: boolean; message: string } {
	const item = store.item(itemId);
	if (!item) return { ok: false, message: `no item "${itemId}"; "postspool queue ls" lists them` };
	let n = 0;
	for (const t of store.targets(item.id)) {
		if (
			store.force(
				t.id,
				['pending', 'uploading', 'ready', 'failed', 'needs-review', 'publish-failed'],
				'cancelled',
			)
		)
			n++;
		else if (t.state === 'submitting' || t.state === 'unknown') {
			return {
				ok: false,
				message: `target ${t.label} of ${item.id} is being created right now; wait for it to settle and cancel again`,
			};
		}
	}
	if (item.state !== 'processing') {
		store.setItem(item.id, { state: store.itemOutcome(item.id) ?? item.state });
	} else finalizeItem(store, item.id, now);
	return { ok: true, message: `cancelled ${n} target(s) of ${item.id} (${item.name})` };
}
