/**
 * Social Post → Create, sending: posts whose request-wide fields (status, approval, controls) are
 * equal go in requests of at most MAX_POSTS_PER_REQUEST; a refused request is narrowed down to the
 * post it names (or halved) and the rest sent again; a request with no answer is looked up before
 * anything is sent again.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { batchGroupKey } from '../../../../contract/postfast';
import type { rateLimitPolicy } from '../../../shared/options';
import type { ItemOutcome } from '../../../shared/items';
import { postFastApiRequest } from '../transport';
import { MAX_POSTS_PER_REQUEST, POSTS_PATH } from './api';
import { inItemTerms, isUnknownOutcome, isValidationError, postIndexOf } from './createChecks';
import { outputOf, requestBody, type ReadyPost } from './createPost';
import { findOnPostFast } from './reconcile';

export interface SendContext {
	rateLimit: ReturnType<typeof rateLimitPolicy>;
	/** The execution's memo of accepted posts, by fingerprint. */
	memo: Record<string, IDataObject>;
	outcomes: ItemOutcome[];
	continueOnFail: boolean;
	/** Records an item's error; true when the node must stop. */
	fail: (itemIndex: number, error: Error) => boolean;
}

/** The posts that may share a create, in item order (the daemon groups by the same key). */
export function batchGroups(posts: ReadyPost[]): ReadyPost[][] {
	const groups = new Map<string, ReadyPost[]>();
	for (const post of posts) {
		const key = batchGroupKey(post);
		const group = groups.get(key) ?? [];
		group.push(post);
		groups.set(key, group);
	}
	return [...groups.values()];
}

/** Sends `posts` and records each item's outcome; returns the posts PostFast accepted. */
export async function sendInBatches(
	this: IExecuteFunctions,
	posts: ReadyPost[],
	{ rateLimit, memo, outcomes, continueOnFail, fail }: SendContext,
): Promise<ReadyPost[]> {
	const queue: ReadyPost[][] = [];
	for (const group of batchGroups(posts)) {
		for (let start = 0; start < group.length; start += MAX_POSTS_PER_REQUEST) {
			queue.push(group.slice(start, start + MAX_POSTS_PER_REQUEST));
		}
	}
	const accepted: ReadyPost[] = [];
	while (queue.length > 0) {
		const batch = queue.shift()!;
		try {
			const result = (await postFastApiRequest.call(this, 'POST', POSTS_PATH, {
				body: requestBody(batch),
				itemIndex: batch[0].itemIndex,
				rateLimit,
			})) as { postIds?: string[] };
			const ids = result.postIds ?? [];
			batch.forEach((post, n) => {
				const json = outputOf(post, ids[n]);
				memo[post.fingerprint] = json;
				outcomes[post.itemIndex].output = [{ json }];
				accepted.push(post);
			});
		} catch (error) {
			// A 400 rejects the whole request and creates nothing: take out the post it names, or
			// (if it names none) send each half again, so the good posts still go out while a
			// single bad post costs about 2·log2(15) requests of the daily create budget, not 15.
			if (batch.length > 1 && isValidationError(error)) {
				const culprit = postIndexOf(error);
				if (culprit !== undefined && culprit < batch.length) {
					const { itemIndex } = batch[culprit];
					fail(itemIndex, inItemTerms(error as Error, batch, itemIndex));
					if (!continueOnFail) return accepted;
					queue.unshift(batch.filter((_, n) => n !== culprit));
				} else {
					const half = Math.ceil(batch.length / 2);
					queue.unshift(batch.slice(0, half), batch.slice(half));
				}
				continue;
			}
			// No answer or a 5xx: PostFast may have created the posts anyway. Look before anyone
			// sends them again, and take the ones it has as accepted.
			let found = new Map<ReadyPost, IDataObject>();
			if (isUnknownOutcome(error)) {
				try {
					found = await findOnPostFast.call(this, batch, rateLimit);
				} catch {
					// Still unknown: the posts fail with the original error.
				}
			}
			for (const post of batch) {
				const listed = found.get(post);
				if (listed) {
					const json = { ...outputOf(post, String(listed.id)), reconciled: true };
					memo[post.fingerprint] = json;
					outcomes[post.itemIndex].output = [{ json }];
					accepted.push(post);
				} else if (isValidationError(error)) {
					fail(post.itemIndex, inItemTerms(error as Error, batch, post.itemIndex));
				} else {
					fail(post.itemIndex, error as Error);
				}
			}
			if (!continueOnFail && found.size < batch.length) return accepted;
		}
	}
	return accepted;
}
