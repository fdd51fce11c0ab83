/**
 * Social Post → Create, never twice: the execution's memo of posts PostFast accepted (for a node
 * retry) and the look-up of posts PostFast already has (an earlier run, or a create whose answer
 * was lost). PostFast has no idempotency key.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { rateLimitPolicy } from '../../../shared/options';
import { MAX_FILTER_IDS, existingPostsQuery, findExisting, type ListedPost } from './api';
import { outputOf, type ReadyPost } from './createPost';
import { listPosts } from './posts';

/** Static-data memo of posts PostFast accepted in this execution, keyed by post fingerprint. */
export function acceptedMemo(this: IExecuteFunctions): Record<string, IDataObject> {
	const data = this.getWorkflowStaticData('node');
	const executionId = this.getExecutionId();
	const memo = (data.postFastAccepted ?? {}) as {
		executionId?: string;
		posts?: Record<string, IDataObject>;
	};
	if (memo.executionId !== executionId) {
		// Only the current execution's retries matter; drop older runs' entries.
		data.postFastAccepted = { executionId, posts: {} };
	}
	return (data.postFastAccepted as { posts: Record<string, IDataObject> }).posts;
}

/**
 * The posts of `posts` that PostFast already has (contract/postfast/reconcile.ts: same account,
 * time and text; a draft by account and text), listed with `GET /social-posts`: scheduled posts
 * over the span of their times, drafts among the accounts' drafts. A failed listing throws.
 */
export async function findOnPostFast(
	this: IExecuteFunctions,
	posts: ReadyPost[],
	rateLimit: ReturnType<typeof rateLimitPolicy>,
): Promise<Map<ReadyPost, IDataObject>> {
	const found = new Map<ReadyPost, IDataObject>();
	const scheduled = posts.filter((post) => post.scheduledAt !== undefined);
	const drafts = posts.filter((post) => post.scheduledAt === undefined);
	for (const group of [scheduled, drafts]) {
		const accountIds = [...new Set(group.map((post) => post.socialMediaId))];
		// PostFast filters by at most MAX_FILTER_IDS accounts per listing.
		for (let start = 0; start < accountIds.length; start += MAX_FILTER_IDS) {
			const ids = new Set(accountIds.slice(start, start + MAX_FILTER_IDS));
			const wanted = group.filter((post) => ids.has(post.socialMediaId));
			const query = existingPostsQuery(wanted);
			const listed = (await listPosts.call(
				this,
				{
					socialMediaIds: query.socialMediaIds!.join(','),
					...(query.from ? { from: query.from, to: query.to } : {}),
					...(query.statuses ? { statuses: query.statuses.join(',') } : {}),
				},
				Number.MAX_SAFE_INTEGER,
				{ itemIndex: wanted[0].itemIndex, rateLimit },
			)) as unknown as ListedPost[];
			findExisting(listed, wanted).forEach((match, n) => {
				if (match) found.set(wanted[n], match as unknown as IDataObject);
			});
		}
	}
	return found;
}

/** The output of a post PostFast already had: its id and media, and a word on why nothing was sent. */
export function alreadyCreatedOutput(post: ReadyPost, listed: IDataObject): IDataObject {
	return {
		...outputOf(post, String(listed.id)),
		status: 'alreadyCreated',
		mediaItems: (listed.mediaItems as IDataObject[] | undefined) ?? [],
		message:
			'PostFast already has this post (same account, time and text), from an earlier run; it was not uploaded or sent again',
	};
}
