/**
 * Request bodies for one target, built once and stored before sending, so a resend after an unknown
 * outcome is byte-identical (PostSider hashes the body under the Idempotency-Key).
 */
import type { PostFastCreateBody, PostFastMediaItem } from '../api/postfast';
import type { PostSiderCreateBody } from '../api/postsider';
import type { Platform } from '../config/schema';
import type { PostRecord } from '../item';
import { defaultSettings } from '../../../contract/postsider/providers';
import { POSTSIDER_PROVIDER_OF } from '../platforms';
import { fillPlaceholders } from '../sidecar/resolve';
import { textFor } from '../sidecar/schema';

/** Uploaded media of a target, in posting order. */
export type UploadedMedia =
	| { service: 'postsider'; items: Array<{ id: string; path: string }> }
	| { service: 'postfast'; items: Array<{ key: string; kind: 'image' | 'video' }> };

/** The PostSider `Idempotency-Key` of a target: derived from the item identity, never random. */
export function idempotencyKey(identity: string, targetIdx: number, generation = 0): string {
	return `postspool.${identity.slice(0, 40)}.${targetIdx}${generation > 0 ? `.g${generation}` : ''}`;
}

export function textOf(post: PostRecord, platform: Platform): string {
	const d = new Date(post.droppedAt);
	return fillPlaceholders(textFor(post.sidecar, platform), {
		stem: post.name,
		date: d.toISOString().slice(0, 10),
		n: post.media.length,
	});
}

export function postsiderBody(
	post: PostRecord,
	targetIdx: number,
	media: Array<{ id: string; path: string }>,
	date: string,
): PostSiderCreateBody {
	const t = post.targets[targetIdx];
	const s = post.sidecar;
	// Required provider settings start from the contract's defaults; the sidecar overrides them.
	const provider = POSTSIDER_PROVIDER_OF[t.platform];
	const settings = {
		...(provider ? defaultSettings(provider) : {}),
		...(s.postsider?.settings?.[t.platform] ?? {}),
	};
	return {
		type: s.draft ? 'draft' : post.when.kind === 'asap' ? 'now' : 'schedule',
		date,
		shortLink: s.postsider?.shortLink ?? false,
		tags: (s.postsider?.tags ?? []).map((label) => ({ value: label, label })),
		posts: [
			{
				integration: { id: t.accountId },
				value: [
					{
						content: textOf(post, t.platform),
						image: media.map((m) => ({ id: m.id, path: m.path })),
					},
				],
				settings,
				...(s.firstComment ? { firstComment: s.firstComment } : {}),
			},
		],
	};
}

export function postfastBody(
	post: PostRecord,
	targetIdx: number,
	media: Array<{ key: string; kind: 'image' | 'video' }>,
	scheduledAt: string | undefined,
): PostFastCreateBody {
	const t = post.targets[targetIdx];
	const s = post.sidecar;
	const mediaItems: PostFastMediaItem[] = media.map((m, i) => ({
		key: m.key,
		type: m.kind === 'video' ? 'VIDEO' : 'IMAGE',
		sortOrder: i,
	}));
	const controls = s.postfast?.controls?.[t.platform];
	return {
		posts: [
			{
				content: textOf(post, t.platform),
				socialMediaId: t.accountId,
				...(scheduledAt ? { scheduledAt } : {}),
				...(mediaItems.length > 0 ? { mediaItems } : {}),
				...(s.firstComment ? { firstComment: s.firstComment } : {}),
			},
		],
		status: s.draft ? 'DRAFT' : 'SCHEDULED',
		...(s.postfast?.approval ? { approvalStatus: s.postfast.approval } : {}),
		...(controls ? { controls } : {}),
	};
}
