/**
 * Social Post → Create, its checks and errors: the contract's rules run on each post before
 * anything is spent, and PostFast's refusals told in n8n items and panel field names.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { apiErrorDetails } from '../../../shared/transport';
import {
	MAX_MEDIA_ITEMS_PER_POST,
	checkControlTypes,
	checkPostForPlatform,
	checkScheduledAt,
	strictestFileSizeCap,
	mediaTypeOf,
	type Platform,
	type PostControls,
} from './api';
import type { MediaItem, ReadyPost } from './createPost';

const MB = 1024 * 1024;

/**
 * The contract's rules PostFast applies per post (time, file sizes, first comment, required media,
 * controls), checked before anything is uploaded or sent: a post PostFast would refuse fails
 * alone, costs no upload and no create request from the daily budget, and does not make the rest
 * of its batch be sent again. The time is checked against this machine's clock; PostFast's own
 * clock still has the last word on a post scheduled a few seconds ahead.
 */
export function precheck(
	this: IExecuteFunctions,
	post: ReadyPost,
	platform: Platform,
): NodeOperationError | undefined {
	const pending = post.uploads.map((u): Omit<MediaItem, 'sortOrder'> => {
		const type = mediaTypeOf(u.contentType) as 'IMAGE' | 'VIDEO';
		return { key: `${type.toLowerCase()}/pending`, type };
	});
	const media = [...pending, ...post.uploadedMedia].map(
		(m, sortOrder): MediaItem => ({ ...m, sortOrder }) as MediaItem,
	);
	const issues = [
		...(post.scheduledAt
			? [checkScheduledAt(post.scheduledAt, Date.now(), 'scheduledAt')].filter(
					(i) => i !== undefined,
				)
			: []),
		...post.uploads.flatMap((upload) => {
			const cap = strictestFileSizeCap(upload.contentType, platform);
			if (upload.size <= cap) return [];
			const mb = (bytes: number) => `${Math.round((bytes / MB) * 10) / 10} MB`;
			return [
				{
					path: 'binaryProperties',
					message: `binary property "${upload.property}"${upload.fileName ? ` (${upload.fileName})` : ''} is ${mb(upload.size)}; PostFast takes at most ${mb(cap)} for ${upload.contentType} on ${platform}`,
					tooLarge: true,
				},
			];
		}),
		...checkControlTypes(post.controls),
		...checkPostForPlatform(
			{
				content: post.content,
				socialMediaId: post.socialMediaId,
				mediaItems: media,
				...(post.firstComment ? { firstComment: post.firstComment } : {}),
			},
			0,
			platform,
			post.controls as PostControls,
		),
	];
	if (media.length > MAX_MEDIA_ITEMS_PER_POST) {
		issues.push({
			path: 'mediaItems',
			message: `a post carries at most ${MAX_MEDIA_ITEMS_PER_POST} media items, this one has ${media.length}`,
		});
	}
	const [issue] = issues;
	if (!issue) return undefined;
	const field = issue.path.replace(/^posts\.0\./, '');
	const fix =
		'tooLarge' in issue
			? 'Compress or shorten the file (uploading it again will not help); nothing was uploaded or sent for this item.'
			: `Fix it in the node's parameters and run again; nothing was sent for this item.`;
	return new NodeOperationError(
		this.getNode(),
		`PostFast would refuse the ${platform} post of item ${post.itemIndex}: ${issue.message}`,
		{
			itemIndex: post.itemIndex,
			description: `Field ${fieldLabel(field)}${'code' in issue && issue.code ? ` (PostFast code ${issue.code})` : ''}. ${fix}`,
		},
	);
}

/** Index of the post a validation error names (`posts.3.scheduledAt …` → 3), if any. */
export function postIndexOf(error: unknown): number | undefined {
	const details = apiErrorDetails(error);
	const texts = [
		...((details?.fieldPaths ?? []) as string[]),
		...((details?.messages ?? []) as string[]),
	];
	for (const text of texts) {
		const match = /^posts\.(\d+)\b/.exec(text);
		if (match) return Number(match[1]);
	}
	return undefined;
}

/** A failure after which PostFast may or may not have stored the posts. */
export function isUnknownOutcome(error: unknown): boolean {
	const kind = apiErrorDetails(error)?.kind;
	return kind === 'network' || kind === 'server';
}

/** Panel names of PostFast's post fields, for messages (`scheduledAt` → "Scheduled At"). */
const FIELD_LABELS: Record<string, string> = {
	socialMediaId: 'Account',
	content: 'Content',
	scheduledAt: 'Scheduled At',
	mediaItems: 'Binary Properties / Media From Earlier Uploads',
	firstComment: 'First Comment',
	binaryProperties: 'Binary Properties',
};

function fieldLabel(path: string): string {
	const [head] = path.split('.');
	const label = FIELD_LABELS[head];
	// The label is what the panel shows; the name in brackets is what PostFast's docs and answers use.
	return label ? `"${label}" (${path})` : path;
}

/**
 * A create error told in the user's terms: PostFast names `posts.1.scheduledAt`, the index in the
 * request, which is not the n8n item when earlier items were refused or went in another batch.
 * Every place the error carries text (message, advice, n8n's messages, `details`) says the item;
 * `details.fieldPaths` keep the field inside the item's post.
 */
export function inItemTerms(error: Error, batch: ReadyPost[], itemIndex: number): Error {
	if (!(error instanceof NodeApiError)) return error;
	const rename = (text: string) =>
		text.replace(/\bposts\.(\d+)(?:\.([\w.]+))?/g, (whole, index: string, field?: string) => {
			const post = batch[Number(index)];
			if (!post) return whole;
			return field ? `${fieldLabel(field)} of item ${post.itemIndex}` : `item ${post.itemIndex}`;
		});
	const renamePath = (path: string) =>
		path.replace(/^posts\.(\d+)(?:\.|$)/, (whole, index: string) => {
			const post = batch[Number(index)];
			if (!post) return whole;
			return post.itemIndex === itemIndex ? '' : `item ${post.itemIndex}.`;
		}) || 'post';
	const renameAll = (record: IDataObject | undefined) => {
		if (!record) return;
		if (typeof record.message === 'string') record.message = rename(record.message);
		if (Array.isArray(record.messages))
			record.messages = (record.messages as unknown[]).map((m) =>
				typeof m === 'string' ? rename(m) : m,
			) as string[];
		if (Array.isArray(record.fieldPaths))
			record.fieldPaths = (record.fieldPaths as unknown[]).map((p) =>
				typeof p === 'string' ? renamePath(p) : p,
			) as string[];
	};
	error.message = rename(error.message);
	if (error.description) error.description = rename(error.description);
	error.messages = error.messages.map(rename);
	renameAll(apiErrorDetails(error));
	renameAll(error.errorResponse as IDataObject | undefined);
	error.context.itemIndex = itemIndex;
	return error;
}

export function isValidationError(error: unknown): boolean {
	const details = apiErrorDetails(error);
	return details?.kind === 'validation';
}
