/**
 * A target's create request: built once and stored before it is sent (so a resend after an
 * unknown outcome is byte-identical), re-checking the sidecar's "late" policy when the budgets held
 * the post past its time; and the send of one create.
 */
import type { ApiResult } from '../api/http';
import type { PostRecord } from '../item';
import type { ItemRow, TargetRow } from '../state/store';
import { PF_MIN_LEAD_MS, PF_WINDOW_MS, type StoredRequest } from './batch-rule';
import { type UploadedMedia, idempotencyKey, postfastBody, postsiderBody } from './requests';
import { TargetOutcomes } from './turn-end';

export class CreateRequests extends TargetOutcomes {
	protected buildRequest(
		item: ItemRow,
		post: PostRecord,
		t: TargetRow,
		media: UploadedMedia,
		publishAt: number | undefined,
	): StoredRequest | { late: TargetRow } {
		const now = this.now();
		let at = publishAt ?? (post.when.kind === 'at' ? post.when.at : undefined);
		// Budgets can delay a post past its time: apply the sidecar's policy again.
		if (
			at !== undefined &&
			!post.sidecar.draft &&
			at <= now + (t.service === 'postfast' ? PF_MIN_LEAD_MS : 0)
		) {
			if (post.sidecar.late !== 'post-now') return { late: this.missedTime(item, post, t, at) };
			at = undefined;
		}
		if (t.service === 'postsider') {
			const date = new Date(at ?? now).toISOString();
			const body = postsiderBody(
				post,
				t.idx,
				media.items as Array<{ id: string; path: string }>,
				date,
			);
			return {
				body,
				idempotencyKey: idempotencyKey(item.identity, t.idx, t.generation),
				publishAt: at,
			};
		}
		const scheduled = post.sidecar.draft
			? undefined
			: new Date(at ?? now + PF_WINDOW_MS / 2).toISOString();
		return {
			body: postfastBody(
				post,
				t.idx,
				media.items as Array<{ key: string; kind: 'image' | 'video' }>,
				scheduled,
			),
			publishAt: scheduled ? Date.parse(scheduled) : undefined,
		};
	}

	/** One create of one target (PostSider, or a PostFast resend after reconciliation). */
	protected async send(
		t: TargetRow,
		stored: StoredRequest,
		call: <T>(fn: () => Promise<ApiResult<T>>) => Promise<ApiResult<T>>,
		item: ItemRow,
	): Promise<TargetRow> {
		if (t.service === 'postsider') {
			const res = await call(() =>
				this.o.clients
					.postsider(t.key_name)
					.createPosts(stored.body as never, { idempotencyKey: stored.idempotencyKey! }),
			);
			if (res.ok) return this.settle(item, t, 'confirmed', undefined, res.value[0]?.postId);
			return this.onCreateFailure(item, t, res.error);
		}
		const res = await call(() =>
			this.o.clients.postfast(t.key_name).createPosts(stored.body as never),
		);
		if (res.ok) return this.settle(item, t, 'confirmed', undefined, res.value.postIds[0]);
		return this.onCreateFailure(item, t, res.error);
	}
}
