/**
 * `postspool cancel <id> --remote`: deletes posts the service already accepted and has not
 * published yet (PostSider: `DELETE /posts/:id`, which removes the post's group — the daemon creates
 * one group per target; PostFast: `DELETE /social-posts/:id`), then marks the targets cancelled,
 * rewrites the receipt and files the folder as `<name>.cancelled` when nothing of it remains.
 */
import type { ApiResult } from '../api/http';
import { POSTFAST_ENDPOINTS } from '../api/postfast';
import { POSTSIDER_ENDPOINTS } from '../api/postsider';
import type { Budgets } from '../budget/budgets';
import { observationOf } from '../budget/types';
import type { ClientSet } from '../pipeline/worker';
import type { ItemRow, Store, TargetRow } from '../state/store';
import { OutcomeStore } from './store';
import { refileItem } from './refile';

export interface RemoteTarget {
	target: string;
	service: TargetRow['service'];
	postId: string;
	publishAt: string | null;
}

/** Targets the service accepted and that can still be taken back (not published yet). */
export function remoteTargets(store: Store, item: ItemRow): RemoteTarget[] {
	return store
		.targets(item.id)
		.filter((t) => t.state === 'confirmed' && t.remote_id)
		.map((t) => ({
			target: t.label,
			service: t.service,
			postId: t.remote_id!,
			publishAt: t.publish_at ? new Date(t.publish_at).toISOString() : null,
		}));
}

/** The consequence, in words, before anything is deleted. */
export function consequence(item: ItemRow, remote: RemoteTarget[]): string {
	return [
		`${item.name} (${item.id}) is already scheduled on the service for ${remote.length} target(s):`,
		...remote.map(
			(r) =>
				`  ${r.target}: ${r.service === 'postsider' ? 'PostSider' : 'PostFast'} post ${r.postId}${r.publishAt ? `, publishes ${r.publishAt}` : ''}`,
		),
		`"postspool cancel ${item.id} --remote" deletes ${remote.length === 1 ? 'it' : 'them'} on the service (this cannot be undone; the media stay in the folder).`,
	].join('\n');
}

export interface UnscheduleResult {
	target: string;
	service: TargetRow['service'];
	postId: string;
	ok: boolean;
	message: string;
}

/** Deletes each accepted, unpublished target's post on its service; each outcome on its own. */
export async function unschedule(
	store: Store,
	budgets: Budgets,
	clients: ClientSet,
	item: ItemRow,
	now: () => number,
): Promise<UnscheduleResult[]> {
	const outcomes = new OutcomeStore(store.db, now);
	const results: UnscheduleResult[] = [];
	for (const t of store.targets(item.id)) {
		if (t.state !== 'confirmed' || !t.remote_id) continue;
		const name = t.service === 'postsider' ? 'PostSider' : 'PostFast';
		// The service may have published it since the daemon last looked: read its state first, and
		// never delete a post that went out (or that the service already tried to publish).
		const seen = await remoteState(budgets, clients, t);
		if (seen.refuse !== undefined) {
			results.push({
				target: t.label,
				service: t.service,
				postId: t.remote_id,
				ok: false,
				message: `${t.label}: ${name} post ${t.remote_id} ${seen.refuse}`,
			});
			continue;
		}
		const endpoint =
			t.service === 'postsider' ? POSTSIDER_ENDPOINTS.deletePost : POSTFAST_ENDPOINTS.deletePost;
		const r = budgets.reserve(t.key_name, [{ service: t.service, endpoint }]);
		if (!r.ok) {
			results.push({
				target: t.label,
				service: t.service,
				postId: t.remote_id,
				ok: false,
				message: `${t.label}: not deleted — ${r.gating}; try again after ${new Date(r.notBefore).toISOString()}`,
			});
			continue;
		}
		const res: ApiResult<{ success?: boolean; deleted?: boolean }> =
			t.service === 'postsider'
				? await clients.postsider(t.key_name).deletePost(t.remote_id)
				: await clients.postfast(t.key_name).deletePost(t.remote_id);
		budgets.record(r.reservation, 0, observationOf(res));
		const gone = res.ok && (t.service === 'postsider' || res.value.deleted === true);
		if (!gone) {
			results.push({
				target: t.label,
				service: t.service,
				postId: t.remote_id,
				ok: false,
				message: res.ok
					? `${t.label}: ${name} has no post ${t.remote_id} any more (published or deleted elsewhere); "postspool history" shows what is known`
					: `${t.label}: ${name} refused the delete (${res.error.status}): ${res.error.message}`,
			});
			continue;
		}
		const at = new Date(now()).toISOString();
		store.db.transaction(() => {
			store.force(t.id, ['confirmed'], 'cancelled', {
				error: JSON.stringify({
					message: `deleted on ${name} (post ${t.remote_id}) by "postspool cancel --remote" at ${at}`,
					service: t.service,
				}),
			});
			outcomes.forget(t.id);
			store.event(
				item.id,
				t.id,
				'info',
				`${item.name} → ${t.label}: ${name} post ${t.remote_id} deleted (cancel --remote)`,
			);
		})();
		results.push({
			target: t.label,
			service: t.service,
			postId: t.remote_id,
			ok: true,
			message: `${t.label}: ${name} post ${t.remote_id} deleted`,
		});
	}
	refileItem(store, item.id, now());
	return results;
}

/** States in which the service has not tried to publish the post yet: deleting it unschedules it. */
const UNPUBLISHED = new Set(['QUEUE', 'DRAFT', 'APPROVAL', 'SCHEDULED']);

/**
 * The post's state on its service (PostSider: the post itself; PostFast: the posts list by id), and
 * why it must not be deleted when it is published or the service already tried to publish it.
 */
async function remoteState(
	budgets: Budgets,
	clients: ClientSet,
	t: TargetRow,
): Promise<{ refuse?: string }> {
	const id = t.remote_id!;
	const endpoint =
		t.service === 'postsider' ? POSTSIDER_ENDPOINTS.getPost : POSTFAST_ENDPOINTS.listPosts;
	const r = budgets.reserve(t.key_name, [{ service: t.service, endpoint }]);
	if (!r.ok)
		return {
			refuse: `not deleted — its state could not be read (${r.gating}); try again after ${new Date(r.notBefore).toISOString()}`,
		};
	let state: string | undefined;
	let error: string | undefined;
	if (t.service === 'postsider') {
		// The answer holds the channel's tokens: only the state is read.
		const res = await clients.postsider(t.key_name).getPost(id);
		budgets.record(r.reservation, 0, observationOf(res));
		if (res.ok) state = res.value.posts?.find((p) => p.id === id)?.state;
		else if (res.error.status !== 404) error = `${res.error.status}: ${res.error.message}`;
	} else {
		const res = await clients.postfast(t.key_name).listPosts({ ids: [id], limit: 1 });
		budgets.record(r.reservation, 0, observationOf(res));
		if (res.ok) state = res.value.data.find((p) => p.id === id)?.status;
		else error = `${res.error.status}: ${res.error.message}`;
	}
	if (error !== undefined)
		return { refuse: `not deleted — its state could not be read (${error}); try again later` };
	// Not found: the delete below says so without deleting anything.
	if (state === undefined || UNPUBLISHED.has(state)) return {};
	return state === 'PUBLISHED'
		? { refuse: 'is already published, delete it on the platform (nothing was deleted)' }
		: {
				refuse: `was already sent for publishing (state ${state}), delete it on the platform if it appeared there (nothing was deleted)`,
			};
}
