/**
 * A create whose outcome is unknown (timeout, reset, 5xx, or the daemon stopped mid-send) is never
 * resent blindly: PostSider resends the stored body under the same Idempotency-Key (the server
 * replays its first answer); PostFast first looks for the post with `GET /social-posts` and only
 * resends when it is absent; when neither is possible the target is parked as `needs-review`.
 */
import { existingPostsQuery, findExisting } from '../../../contract/postfast';
import type { PostFastCreateBody } from '../api/postfast';
import { observationOf } from '../budget/types';
import type { ItemRow, TargetRow } from '../state/store';
import { type StoredRequest, requestWide } from './batch-rule';
import { CreateRequests } from './create-request';

export class Reconciler extends CreateRequests {
	async resolveUnknown(item: ItemRow, t: TargetRow): Promise<TargetRow> {
		const { store, budgets, log } = this.o;
		const stored = t.request ? (JSON.parse(t.request) as StoredRequest) : undefined;
		if (!stored) return this.park(item, t, 'the request of this create was not recorded');
		if (t.service === 'postsider') {
			// Same body, same key: the server replays the stored answer if the first send got through.
			log.log('info', `resending ${item.name} → ${t.label} under the same Idempotency-Key`, {
				item: item.id,
			});
			return this.resend(item, t, stored);
		}
		// PostFast: look for the post before any resend.
		const body = stored.body as {
			posts: Array<{ content: string; socialMediaId: string; scheduledAt?: string }>;
			status: string;
		};
		const reserved = budgets.reserve(t.key_name, [
			{ service: 'postfast', endpoint: 'GET /social-posts' },
		]);
		if (!reserved.ok)
			return store.transition(t, 'unknown', {
				next_attempt_at: reserved.notBefore,
				gating: reserved.gating,
				releaseLease: true,
			});
		const r = reserved.reservation;
		let solo: StoredRequest;
		try {
			const p = body.posts[stored.index ?? 0];
			const res = await this.o.clients
				.postfast(t.key_name)
				.listPosts({ ...existingPostsQuery([p]), limit: 50 });
			budgets.record(r, 0, observationOf(res));
			if (!res.ok) {
				if (
					res.error.kind === 'rate-limited' ||
					res.error.kind === 'server' ||
					res.error.kind === 'network'
				) {
					return store.transition(t, 'unknown', {
						next_attempt_at: this.now() + (res.error.retryAfterMs ?? this.backoff(t.attempts)),
						releaseLease: true,
					});
				}
				return this.park(
					item,
					t,
					`PostFast could not be asked whether the post exists (${res.error.status} ${res.error.message})`,
				);
			}
			const [match] = findExisting(res.value.data, [p]);
			if (match) {
				log.log(
					'info',
					`found ${item.name} → ${t.label} already created on PostFast; not resending`,
					{ item: item.id, postId: match.id },
				);
				return this.settle(item, t, 'confirmed', undefined, match.id);
			}
			if (res.value.pageInfo.hasNextPage)
				return this.park(
					item,
					t,
					'PostFast lists more posts at that time than one page; the daemon cannot be sure the post is absent',
				);
			if (stored.lookupOnly) {
				// Recovered without its record: absent, so it is uploaded and created as usual.
				log.log('info', `${item.name} → ${t.label} is not on PostFast; sending it`, {
					item: item.id,
				});
				return store.transition(t, 'pending', { request: null, gating: null });
			}
			log.log('info', `${item.name} → ${t.label} is not on PostFast; sending it again`, {
				item: item.id,
			});
			// Alone: the other posts of a batched request have their own reconciliation.
			solo = {
				body: { ...requestWide(stored.body as PostFastCreateBody), posts: [p] },
				publishAt: stored.publishAt,
				index: 0,
			};
		} finally {
			budgets.release(r);
		}
		return this.resend(item, t, solo);
	}

	/** Sends a stored create again, under its own reservation (the create has its own windows). */
	protected async resend(item: ItemRow, t: TargetRow, stored: StoredRequest): Promise<TargetRow> {
		const { store, budgets } = this.o;
		const endpoint = t.service === 'postsider' ? 'POST /posts' : 'POST /social-posts';
		const reserved = budgets.reserve(t.key_name, [{ service: t.service, endpoint }]);
		if (!reserved.ok) {
			return store.transition(t, t.state, {
				next_attempt_at: reserved.notBefore,
				gating: reserved.gating,
				releaseLease: true,
			});
		}
		const r = reserved.reservation;
		try {
			t = store.transition(t, 'submitting', { gating: null, request: JSON.stringify(stored) });
			return await this.send(
				t,
				stored,
				async (fn) => {
					const res = await fn();
					budgets.record(r, 0, observationOf(res));
					return res;
				},
				item,
			);
		} finally {
			budgets.release(r);
		}
	}
}
