import type { IDataObject, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { postFastApiRequest } from '../transport';
import { ACCOUNTS_PATH, UUID_REGEX, type SocialAccount } from './api';
import { toList } from './utils';

/** Trigger events and the post status that signals each. */
export const POST_EVENTS = [
	{ event: 'published', status: 'PUBLISHED' },
	{ event: 'failed', status: 'FAILED' },
] as const;

export function checkUuidList(this: IPollFunctions, value: unknown): string[] {
	const ids = toList(value);
	const uuid = new RegExp(UUID_REGEX);
	const bad = ids.filter((id) => !uuid.test(id));
	if (bad.length) {
		throw new NodeOperationError(
			this.getNode(),
			`"Account IDs" holds values that are not UUIDs: ${bad.join(', ')}`,
			{
				description:
					'Give PostFast account IDs (UUIDs), comma-separated, as listed by Social Account → Get Many.',
			},
		);
	}
	return ids;
}

/**
 * Trigger events: the post with `event`, and the platform and name of the account it went to (a
 * post names only its `socialMediaId`). One account lookup per poll that has events.
 */
export async function toEvents(this: IPollFunctions, posts: IDataObject[]): Promise<IDataObject[]> {
	if (posts.length === 0) return [];
	const accounts = (await postFastApiRequest.call(this, 'GET', ACCOUNTS_PATH)) as SocialAccount[];
	const byId = new Map(accounts.map((account) => [account.id, account]));
	return posts.map((post) => {
		const account = byId.get(String(post.socialMediaId));
		const event =
			POST_EVENTS.find((e) => e.status === post.status)?.event ?? String(post.status).toLowerCase();
		return {
			event,
			platform: account?.platform ?? null,
			accountName: account ? (account.displayName ?? account.platformUsername ?? null) : null,
			...post,
		};
	});
}

/** What a published-post event looks like, for "Fetch test event" when there is none yet. */
export function sampleEvent(): IDataObject {
	return {
		event: 'published',
		platform: 'X',
		accountName: 'Sample account',
		id: '00000000-0000-4000-8000-000000000000',
		content: 'Sample post: this is what a published post looks like',
		status: 'PUBLISHED',
		approvalStatus: 'APPROVED',
		socialMediaId: '00000000-0000-4000-8000-000000000001',
		mediaItems: [],
		scheduledAt: '2026-01-01T09:00:00.000Z',
		publishedAt: '2026-01-01T09:00:04.000Z',
		failedAt: null,
		platformPostId: '1234567890',
		groupId: null,
		lastError: null,
		firstComment: null,
		firstCommentError: null,
		controls: {},
	};
}
