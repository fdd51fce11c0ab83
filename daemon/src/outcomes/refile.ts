/**
 * A settled item whose post's fate on the service became known later: its receipt is rewritten, and
 * a post the service failed to publish moves the item from done/ to failed/ with error.json (the
 * service's reason and the retry command), as visible as a post we failed to send.
 */
import { existsSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { freePath, layoutOf } from '../journey/layout';
import { moveDir } from '../journey/moves';
import { writeSettledFiles } from '../journey/settle';
import type { Store } from '../state/store';

/** Returns the item's folder after the update (undefined while it is still being sent). */
export function refileItem(store: Store, itemId: string, now: number): string | undefined {
	const item = store.item(itemId);
	// Still processing: finalizeItem files it once its other targets settle.
	if (!item || item.state === 'processing' || !item.final_dir) return undefined;
	const outcome = store.itemOutcome(itemId) ?? item.state;
	if (outcome === item.state) {
		if (existsSync(item.final_dir)) writeSettledFiles(store, item, item.final_dir, now);
		return item.final_dir;
	}
	const from = item.final_dir;
	// A post taken back on the service keeps its month folder under a name that says so.
	const dest =
		outcome === 'failed' || outcome === 'needs-review'
			? freePath(layoutOf(item.folder).failed, item.name)
			: outcome === 'cancelled'
				? freePath(dirname(from), `${basename(from)}.cancelled`)
				: from;
	store.setItem(itemId, { state: outcome, final_dir: dest });
	const moved = store.item(itemId)!;
	if (existsSync(from)) {
		writeSettledFiles(store, moved, from, now);
		if (dest !== from) moveDir(from, dest);
	}
	store.event(
		itemId,
		null,
		outcome === 'failed' ? 'warn' : 'info',
		`${item.name}: ${outcome} → ${dest}`,
	);
	return dest;
}
