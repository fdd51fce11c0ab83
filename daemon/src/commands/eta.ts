/**
 * ETAs for what is queued and what would be: each key's queue turned into the requests the worker
 * sends (`sendOrder`, the worker's own batch rule), placed in queue order as early as every window
 * allows. Used by `plan` and `queue ls`.
 */
import {
	MAX_IMAGE_URLS_PER_REQUEST,
	POSTFAST_DEFAULT_PROFILE,
} from '../../../contract/postfast';
import type { Budgets } from '../budget/budgets';
import { planBacklog } from '../budget/planner';
import type { Config } from '../config/schema';
import { limitsForKey } from '../daemon';
import { type PostRecord, postOf } from '../item';
import {
	type QueuedTarget,
	type TargetProgress,
	postfastWork,
	sendOrder,
} from '../pipeline/batch-rule';
import type { Store, TargetRow } from '../state/store';

/** A target as `sendOrder` reads it; `t` is its row, or a new post's first state. */
export function queuedTarget(
	ref: string,
	service: TargetRow['service'],
	post: PostRecord,
	t: TargetProgress & { solo?: boolean },
): QueuedTarget {
	return {
		ref,
		service,
		post,
		t,
		solo: t.solo,
		work: service === 'postfast' ? postfastWork(post, t) : { group: '', media: [], todo: [] },
	};
}

/** A post not queued yet: its target `idx` as intake would record it. */
export function newTarget(ref: string, post: PostRecord, idx: number): QueuedTarget {
	const target = post.targets[idx];
	return queuedTarget(ref, target.service, post, {
		idx,
		state: 'pending',
		request: null,
		media: null,
		publish_at: null,
		account_id: target.accountId,
		platform: target.platform,
	});
}

/** The live targets, per key, in the order the worker takes them. */
export function queuedTargets(store: Store): Map<string, QueuedTarget[]> {
	const queues = new Map<string, QueuedTarget[]>();
	for (const t of store.liveTargets()) {
		const list = queues.get(t.key_name) ?? [];
		// A create whose outcome is unknown is looked up and resent alone; a solo one goes alone.
		const alone = t.solo === 1 || t.state === 'unknown' || t.state === 'submitting';
		list.push(
			queuedTarget(`queued:${t.id}`, t.service, postOf(store.item(t.item_id)!), {
				...t,
				solo: alone,
			}),
		);
		queues.set(t.key_name, list);
	}
	return queues;
}

/** Earliest send time and gating budget per ref. */
export function planEtas(
	budgets: Budgets,
	config: Config,
	queues: Map<string, QueuedTarget[]>,
	now = Date.now(),
): Map<string, { at: number; gating?: string }> {
	const etas = new Map<string, { at: number; gating?: string }>();
	for (const [key, queue] of queues) {
		const limits = limitsForKey(config, key);
		const caps = Object.fromEntries(
			(limits?.rules ?? [])
				.filter((r) => r.partition === 'account')
				.flatMap((r) => (r.platforms ?? []).map((p) => [p.toUpperCase(), r.limit])),
		);
		const requests = sendOrder(queue, {
			imagesPerRequest: limits?.perRequest.postfastImageUrlsPerRequest ??
				MAX_IMAGE_URLS_PER_REQUEST[POSTFAST_DEFAULT_PROFILE],
			caps,
			now,
		});
		for (const p of planBacklog(
			budgets,
			key,
			requests.map((r) => ({ item: r.refs, calls: r.calls })),
		))
			for (const ref of p.item) etas.set(ref, { at: p.at, gating: p.gating });
	}
	return etas;
}
