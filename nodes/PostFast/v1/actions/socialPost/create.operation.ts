/**
 * Social Post → Create. Each input item is one post. The node:
 * 1. reads every item (account, text, time as UTC, media from binary properties and earlier keys);
 * 2. looks the accounts up once, to send each post only its own platform's controls and to stop a
 *    scheduled post to a disabled account before it sinks a whole batch; checks each post as
 *    PostFast will (time, file sizes, platform rules), so a refusal costs nothing;
 * 3. looks for posts PostFast already has (an earlier run: same account, time and text), which are
 *    reported as `alreadyCreated` and not sent again — PostFast has no idempotency key;
 * 4. uploads all binaries, sharing upload-URL requests across items;
 * 5. groups posts whose request-wide fields (status, approval, controls) are equal and sends each
 *    group in requests of at most 15 posts, mapping every returned post id back to its item.
 * A post PostFast accepted is remembered for this execution, so a node-level retry after a later
 * failure returns it instead of sending it again.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { rateLimitPolicy } from '../../../../shared/options';
import { finishItems, type ItemOutcome } from '../../../../shared/items';
import { ACCOUNTS_PATH, MAX_IMAGE_URLS_PER_REQUEST, type SocialAccount } from '../../helpers/api';
import { uploadAll, type PendingUpload } from '../../helpers/media';
import { postFastApiRequest } from '../../transport';
import { sendInBatches } from '../../helpers/createBatches';
import { precheck } from '../../helpers/createChecks';
import { attachMedia, readPost, type DraftPost, type ReadyPost } from '../../helpers/createPost';
import { acceptedMemo, alreadyCreatedOutput, findOnPostFast } from '../../helpers/reconcile';
import { LIST_CONTROLS, PLATFORM_CONTROLS } from './controls.description';

export { description } from './create.description';

const CONTROL_PARAMETERS = PLATFORM_CONTROLS.map((group) => group.parameter);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const outcomes: ItemOutcome[] = items.map(() => ({}));
	const continueOnFail = this.continueOnFail();
	const rateLimit = rateLimitPolicy.call(this, 0);
	const memo = acceptedMemo.call(this);
	const fail = (itemIndex: number, error: Error): boolean => {
		outcomes[itemIndex].error ??= error;
		return !continueOnFail;
	};

	// 1. Read and check every item before anything is uploaded or created.
	const drafts: DraftPost[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const draft = await readPost.call(this, i, CONTROL_PARAMETERS, LIST_CONTROLS);
			const earlier = memo[draft.fingerprint];
			if (earlier) outcomes[i].output = [{ json: { ...earlier, status: 'alreadyCreated' } }];
			else drafts.push(draft);
		} catch (error) {
			if (fail(i, error as Error)) return finishItems.call(this, outcomes);
		}
	}
	if (drafts.length === 0) return finishItems.call(this, outcomes);

	// 2. Accounts: platform per post (for its controls) and disabled accounts.
	const accounts = new Map<string, SocialAccount>();
	try {
		const list = (await postFastApiRequest.call(this, 'GET', ACCOUNTS_PATH, {
			itemIndex: drafts[0].itemIndex,
			rateLimit,
		})) as SocialAccount[];
		for (const account of list) accounts.set(account.id, account);
	} catch (error) {
		for (const draft of drafts) fail(draft.itemIndex, error as Error);
		return finishItems.call(this, outcomes);
	}
	let ready: ReadyPost[] = [];
	for (const draft of drafts) {
		const account = accounts.get(draft.socialMediaId);
		if (!account) {
			const error = new NodeOperationError(
				this.getNode(),
				`Account ${draft.socialMediaId} is not connected to this PostFast workspace`,
				{
					itemIndex: draft.itemIndex,
					description:
						'Pick the account from the list, or check that the API key belongs to the workspace the account is connected to.',
				},
			);
			if (fail(draft.itemIndex, error)) return finishItems.call(this, outcomes);
			continue;
		}
		if (draft.status === 'SCHEDULED' && account.connectionStatus === 'DISABLED') {
			const name = account.displayName ?? account.platformUsername ?? account.id;
			const error = new NodeOperationError(
				this.getNode(),
				`The ${account.platform} account "${name}" is disconnected (${account.disabledReason ?? 'disabled'}); PostFast only accepts drafts for it`,
				{
					itemIndex: draft.itemIndex,
					description: 'Reconnect the account in PostFast, or set "Post As" to Draft.',
				},
			);
			if (fail(draft.itemIndex, error)) return finishItems.call(this, outcomes);
			continue;
		}
		const group = PLATFORM_CONTROLS.find((g) => g.platform === account.platform);
		const post: ReadyPost = {
			...draft,
			platform: account.platform,
			controls: (group && draft.controlsByParameter[group.parameter]) ?? {},
			mediaItems: [],
		};
		const refusal = precheck.call(this, post, account.platform);
		if (refusal) {
			if (fail(draft.itemIndex, refusal)) return finishItems.call(this, outcomes);
			continue;
		}
		ready.push(post);
	}

	// 3. Posts PostFast already has, from an earlier run of the workflow: reported, not sent again.
	const { imagesPerRequest, lookUpExisting } = this.getNodeParameter('options', 0, {}) as {
		imagesPerRequest?: number;
		lookUpExisting?: boolean;
	};
	if (lookUpExisting !== false && ready.length > 0) {
		let existing: Map<ReadyPost, IDataObject>;
		try {
			existing = await findOnPostFast.call(this, ready, rateLimit);
		} catch (error) {
			// Sending without knowing could post twice: these items fail, and say why.
			for (const post of ready) fail(post.itemIndex, error as Error);
			return finishItems.call(this, outcomes);
		}
		for (const [post, listed] of existing)
			outcomes[post.itemIndex].output = [{ json: alreadyCreatedOutput(post, listed) }];
		ready = ready.filter((post) => !existing.has(post));
	}

	// 4. Uploads for all posts together: image URL requests are shared across items.
	const uploads = ready.flatMap((post) => post.uploads);
	const results = uploads.length
		? await uploadAll.call(this, uploads, rateLimit, imagesPerRequest ?? MAX_IMAGE_URLS_PER_REQUEST)
		: [];
	const uploadedKeys = new Map<PendingUpload, { key: string; type: 'IMAGE' | 'VIDEO' | 'FILE' }>();
	results.forEach((result, n) => {
		if (result instanceof Error) fail(uploads[n].itemIndex, result);
		else uploadedKeys.set(uploads[n], result);
	});
	if (!continueOnFail && ready.some((post) => outcomes[post.itemIndex].error))
		return finishItems.call(this, outcomes);
	const sendable = ready.filter((post) => !outcomes[post.itemIndex].error);
	attachMedia(sendable, uploadedKeys);

	// 5. Batches: equal request-wide fields, at most MAX_POSTS_PER_REQUEST posts each.
	const accepted = await sendInBatches.call(this, sendable, {
		rateLimit,
		memo,
		outcomes,
		continueOnFail,
		fail,
	});
	if (!continueOnFail && accepted.length > 0) {
		const failed = outcomes.findIndex((o) => o.error);
		if (failed !== -1) {
			const error = outcomes[failed].error as Error & { description?: string };
			const note = ` PostFast already created the posts of items ${accepted.map((p) => p.itemIndex).join(', ')} (post IDs ${accepted
				.map((p) => memo[p.fingerprint].postId)
				.join(', ')}); a retry of this node in the same execution will not send them again.`;
			if (error instanceof NodeApiError || error instanceof NodeOperationError)
				error.description = `${error.description ?? ''}${note}`.trim();
		}
	}
	// Only a node that is about to fail can be retried; otherwise the memo has done its job and
	// must not linger in the workflow's saved static data.
	if (continueOnFail || !outcomes.some((o) => o.error))
		delete this.getWorkflowStaticData('node').postFastAccepted;
	return finishItems.call(this, outcomes);
}
