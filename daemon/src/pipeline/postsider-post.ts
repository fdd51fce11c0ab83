/**
 * PostSider: one post at a time. Find-slot, uploads and create are reserved as one sequence; each
 * upload is stored as it lands (a retry never re-uploads what is done) and the create body is
 * stored with the transition to `submitting` before it is sent.
 */
import { join } from 'node:path';
import type { ApiResult } from '../api/http';
import { observationOf } from '../budget/types';
import type { PostRecord } from '../item';
import type { ItemRow, TargetRow } from '../state/store';
import { checkLength } from '../../../contract/postsider/providers';
import type { Platform } from '../config/schema';
import { POSTSIDER_PROVIDER_OF } from '../platforms';
import { postsiderCalls } from './batch-rule';
import { textOf, type UploadedMedia } from './requests';
import { CreateRequests } from './create-request';
import { uploadProgress } from './progress';

export class PostSiderPost extends CreateRequests {
	/** PostSider: find-slot, uploads and create of one post, reserved as one sequence. */
	async advance(item: ItemRow, post: PostRecord, t: TargetRow): Promise<TargetRow> {
		const { store, budgets } = this.o;
		const calls = postsiderCalls(post, t);
		const reserved = budgets.reserve(t.key_name, calls.specs);
		if (!reserved.ok) {
			if (reserved.reason === 'account-cap') return this.overCap(item, post, t, reserved);
			if (reserved.notBefore === Infinity) {
				return this.fail(item, t, {
					message: `this post can never fit the budget: ${reserved.gating}`,
					fix: 'Lower the number of media files or check the budget overrides in the config.',
				});
			}
			this.parkOthers(t, reserved);
			return store.transition(t, t.state, {
				next_attempt_at: reserved.notBefore,
				gating: reserved.gating,
				releaseLease: true,
			});
		}
		const r = reserved.reservation;
		let callIndex = 0;
		const call = async <T>(fn: () => Promise<ApiResult<T>>): Promise<ApiResult<T>> => {
			const result = await fn();
			budgets.record(r, callIndex++, observationOf(result));
			store.extendLease(t.id, this.o.owner, this.leaseMs);
			return result;
		};
		try {
			if (t.gating) t = store.transition(t, t.state, { gating: null });
			// 1. Publish time (next-slot asks PostSider for the channel's next free slot).
			let publishAt = t.publish_at ?? undefined;
			if (calls.findSlot) {
				const slot = await call(() => this.o.clients.postsider(t.key_name).findSlot(t.account_id));
				if (!slot.ok) return this.onFailure(item, t, slot.error);
				publishAt = Date.parse(slot.value.date);
				t = store.transition(t, t.state, { publish_at: publishAt });
			}
			// 2. X's limit for this account, when the text is over 280 (checked before any upload).
			if (calls.askLimit) {
				const settings = await call(() =>
					this.o.clients.postsider(t.key_name).integrationSettings(t.account_id),
				);
				if (!settings.ok)
					return this.onFailure(item, t, settings.error, 'reading the channel limit');
				const max = settings.value?.output?.maxLength;
				const provider = POSTSIDER_PROVIDER_OF[t.platform as keyof typeof POSTSIDER_PROVIDER_OF];
				if (provider && typeof max === 'number' && max > 0) {
					const length = checkLength(provider, textOf(post, t.platform as Platform), max);
					if (!length.ok)
						return this.fail(item, t, {
							message: `the text is too long as PostSider counts it for this account: ${length.explanation}`,
							fix: `Shorten the text, or add a shorter "text": {"${t.platform}": "..."} to the sidecar, and drop it again.`,
							service: 'postsider',
						});
				}
			}
			// 3. Media.
			const uploaded = await this.upload(item, post, t, call);
			if (!uploaded.ok) return uploaded.target;
			t = uploaded.target;
			// 4. The create body, committed before it is sent.
			const stored = this.buildRequest(item, post, t, uploaded.media, publishAt);
			if ('late' in stored) {
				budgets.release(r);
				return stored.late;
			}
			t = store.transition(t, 'submitting', {
				request: JSON.stringify(stored),
				publish_at: stored.publishAt ?? null,
			});
			return await this.send(t, stored, call, item);
		} finally {
			budgets.release(r);
		}
	}

	/** PostSider: one multipart upload per file, each stored as it lands. */
	protected async upload(
		item: ItemRow,
		post: PostRecord,
		t: TargetRow,
		call: <T>(fn: () => Promise<ApiResult<T>>) => Promise<ApiResult<T>>,
	): Promise<
		{ ok: true; target: TargetRow; media: UploadedMedia } | { ok: false; target: TargetRow }
	> {
		const { store, clients } = this.o;
		const items = t.media
			? (JSON.parse(t.media) as { items: Array<{ id: string; path: string }> }).items
			: [];
		if (items.length >= post.media.length)
			return { ok: true, target: t, media: { service: 'postsider', items } };
		if (t.state === 'pending') t = store.transition(t, 'uploading');
		const client = clients.postsider(t.key_name);
		for (let i = items.length; i < post.media.length; i++) {
			const m = post.media[i];
			const res = await call(() =>
				uploadProgress.track(
					{ itemId: item.id, name: item.name, target: t.label, service: 'postsider', file: m.name, total: m.size },
					(onProgress) =>
						client.uploadFile(join(item.work_dir, m.name), { onProgress, expected: m }),
				),
			);
			if (!res.ok)
				return { ok: false, target: this.onFailure(item, t, res.error, `uploading ${m.name}`) };
			items.push({ id: res.value.id, path: res.value.path });
			t = store.transition(t, 'uploading', {
				media: JSON.stringify({ service: 'postsider', items }),
			});
		}
		return { ok: true, target: t, media: { service: 'postsider', items } };
	}
}
