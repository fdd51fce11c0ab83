/** `retry` and `cancel` of an item: which targets go back to the queue or stop, and the item's folder. */
import { finalizeItem, reopenItem } from '../journey/settle';
import { refileItem } from '../outcomes/refile';
import type { Store } from '../state/store';

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
	reopenItem(item);
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
): { ok: boolean; message: string; cancelled: number } {
	const item = store.item(itemId);
	if (!item)
		return {
			ok: false,
			message: `no item "${itemId}"; "postspool queue ls" lists them`,
			cancelled: 0,
		};
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
				cancelled: n,
			};
		}
	}
	const all = store.targets(item.id);
	const published = all.filter((t) => t.state === 'published').map((t) => t.label);
	const gone = published.length
		? `${item.name} (${item.id}) is already published on ${published.join(', ')} and cannot be unscheduled: delete it on the platform`
		: '';
	// Nothing to stop and nothing the service could still take back: saying "cancelled 0" would hide that.
	if (n === 0 && published.length > 0 && !all.some((t) => t.state === 'confirmed'))
		return { ok: false, message: gone, cancelled: 0 };
	if (item.state !== 'processing') {
		// A settled item (done/ or failed/): its receipt and folder name say it was cancelled.
		if (n === 0 || refileItem(store, item.id, now) === undefined)
			store.setItem(item.id, { state: store.itemOutcome(item.id) ?? item.state });
	} else finalizeItem(store, item.id, now);
	return {
		ok: true,
		message: `cancelled ${n} target(s) of ${item.id} (${item.name})${gone ? `\n${gone}` : ''}`,
		cancelled: n,
	};
}
