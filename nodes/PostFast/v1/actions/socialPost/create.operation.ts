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
import { createHash } from 'crypto';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { rateLimitPolicy } from '../../../../shared/options';
import { apiErrorDetails } from '../../../../shared/transport';
import {
	ACCOUNTS_PATH,
	MAX_IMAGE_URLS_PER_REQUEST,
	MAX_MEDIA_ITEMS_PER_POST,
	MAX_FILTER_IDS,
	MAX_POSTS_PER_REQUEST,
	POSTS_PATH,
	checkControlTypes,
	checkPostForPlatform,
	checkScheduledAt,
	existingPostsQuery,
	findExisting,
	strictestFileSizeCap,
	type ListedPost,
	mediaTypeOf,
	type Platform,
	type PostControls,
	type SocialAccount,
} from '../../helpers/api';
import {
	binaryPropertyNames,
	readBinaryMedia,
	uploadAll,
	type PendingUpload,
} from '../../helpers/media';
import { finishItems, type ItemOutcome } from '../../../../shared/items';
import { toUtcIso } from '../../../../shared/dates';
import { getUuidParameter, toList } from '../../helpers/utils';
import { postFastApiRequest } from '../../transport';
import { listPosts } from '../../helpers/posts';
import { accountLocator, imagesPerRequestOption, optionsCollection } from '../common.descriptions';
import { LIST_CONTROLS, PLATFORM_CONTROLS, controlsProperties } from './controls.description';
import { fromVersion2, inVersion1 } from '../../../../shared/versions';

function postAsProperty(byDefault: 'DRAFT' | 'SCHEDULED'): INodeProperties {
	return {
		displayName: 'Post As',
		name: 'status',
		type: 'options',
		options: [
			{ name: 'Draft', value: 'DRAFT', description: 'Save in PostFast without publishing' },
			{ name: 'Scheduled', value: 'SCHEDULED', description: 'Publish at the scheduled time' },
		],
		default: byDefault,
	};
}

const properties: INodeProperties[] = [
	accountLocator({ description: 'The account to post to' }),
	{
		displayName: 'Content',
		name: 'content',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		description: 'Text of the post (may be empty, e.g. for a repost)',
	},
	// Version 1 defaulted to Scheduled; from version 2 both nodes default to Draft.
	inVersion1(postAsProperty('SCHEDULED')),
	fromVersion2(postAsProperty('DRAFT')),
	{
		displayName: 'Scheduled At',
		name: 'scheduledAt',
		type: 'dateTime',
		required: true,
		default: '',
		description:
			"When to publish (in the future, within a year). A time without an offset is read in the workflow's timezone; PostFast receives UTC.",
		displayOptions: { show: { status: ['SCHEDULED'] } },
	},
	{
		displayName: 'Binary Properties',
		name: 'binaryProperties',
		type: 'string',
		default: '',
		placeholder: 'e.g. data, photo_2',
		description:
			"Images or videos to upload from this item's binary properties, comma-separated, in carousel order. Leave empty for a text post.",
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'Approval Status',
				name: 'approvalStatus',
				type: 'options',
				options: [
					{ name: 'Approved', value: 'APPROVED' },
					{ name: 'Pending Approval', value: 'PENDING_APPROVAL' },
				],
				default: 'APPROVED',
			},
			{
				displayName: 'First Comment',
				name: 'firstComment',
				type: 'string',
				typeOptions: { rows: 2 },
				default: '',
				description:
					'Comment posted right after publishing (X, Instagram, Facebook, YouTube, Threads, TikTok)',
			},
			{
				displayName: 'Uploaded Media',
				name: 'uploadedMedia',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
				description:
					"Media uploaded earlier (File → Upload), placed after the binary properties' media",
				options: [
					{
						displayName: 'Media',
						name: 'media',
						values: [
							{
								displayName: 'Key',
								name: 'key',
								type: 'string',
								default: '',
								description: 'Media key, e.g. image/0b6f….png',
							},
							{
								displayName: 'Type',
								name: 'type',
								type: 'options',
								options: [
									{ name: 'Image', value: 'IMAGE' },
									{ name: 'Video', value: 'VIDEO' },
								],
								default: 'IMAGE',
							},
							{
								displayName: 'Cover Image Key',
								name: 'coverImageKey',
								type: 'string',
								default: '',
								description: 'For a video: key of an uploaded image to use as its cover',
							},
							{
								displayName: 'Cover Timestamp (Ms)',
								name: 'coverTimestamp',
								type: 'number',
								typeOptions: { minValue: 0 },
								default: 0,
								description:
									'For a video: milliseconds into the video for the cover frame (0 = not set)',
							},
						],
					},
				],
			},
			{
				displayName: 'Uploaded Media (JSON)',
				name: 'mediaItemsJson',
				type: 'json',
				default: '[]',
				description:
					'Media uploaded earlier as a JSON array of {key, type}, e.g. the "mediaItems" output of File → Upload',
			},
			{
				displayName: 'Video Cover Timestamp (Ms)',
				name: 'videoCoverTimestamp',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description:
					'For videos from binary properties: milliseconds into the video for the cover frame (0 = not set)',
			},
		],
	},
	...controlsProperties,
	optionsCollection([
		imagesPerRequestOption,
		{
			displayName: 'Look Up Existing Posts',
			name: 'lookUpExisting',
			type: 'boolean',
			default: true,
			description:
				'Whether to look for each post on PostFast before creating it, and return a post with the same account, time and text (from an earlier run of this workflow) as "alreadyCreated" instead of posting it twice. PostFast has no idempotency key; turn this off only to post the same text at the same time on purpose.',
		},
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['socialPost'], operation: ['create'] } },
	properties,
);

interface MediaItem extends IDataObject {
	key: string;
	type: 'IMAGE' | 'VIDEO';
	sortOrder: number;
}

interface DraftPost {
	itemIndex: number;
	socialMediaId: string;
	content: string;
	status: 'SCHEDULED' | 'DRAFT';
	approvalStatus: string;
	scheduledAt?: string;
	firstComment?: string;
	/** Files to upload, in order, before the earlier-uploaded media. */
	uploads: PendingUpload[];
	uploadedMedia: Array<Omit<MediaItem, 'sortOrder'>>;
	videoCoverTimestamp?: string;
	/** Non-empty controls by platform collection parameter. */
	controlsByParameter: Record<string, IDataObject>;
	/** Identity of the post within this execution (for no-resend on node retry). */
	fingerprint: string;
}

interface ReadyPost extends DraftPost {
	platform?: string;
	controls: IDataObject;
	mediaItems: MediaItem[];
}

function parseMediaJson(
	this: IExecuteFunctions,
	raw: unknown,
	itemIndex: number,
): Array<Omit<MediaItem, 'sortOrder'>> {
	let value = raw;
	if (typeof raw === 'string') {
		if (raw.trim() === '') return [];
		try {
			value = JSON.parse(raw);
		} catch {
			throw new NodeOperationError(this.getNode(), '"Uploaded Media (JSON)" is not valid JSON', {
				itemIndex,
				description: 'Give an array such as [{"key":"image/….png","type":"IMAGE"}].',
			});
		}
	}
	if (!Array.isArray(value)) {
		throw new NodeOperationError(this.getNode(), '"Uploaded Media (JSON)" must be an array', {
			itemIndex,
		});
	}
	return value.map((entry: IDataObject, n) => {
		const key = String(entry?.key ?? '');
		const type = String(entry?.type ?? '').toUpperCase();
		if (!key || (type !== 'IMAGE' && type !== 'VIDEO')) {
			throw new NodeOperationError(
				this.getNode(),
				`"Uploaded Media (JSON)" entry ${n} needs a key and a type of IMAGE or VIDEO`,
				{
					itemIndex,
					description:
						'Documents and captions are not media items: put their keys in LinkedIn Controls → Document Key or YouTube Controls → Caption File Key.',
				},
			);
		}
		return {
			key,
			type: type as 'IMAGE' | 'VIDEO',
			...(entry.coverImageKey ? { coverImageKey: String(entry.coverImageKey) } : {}),
			...(entry.coverTimestamp ? { coverTimestamp: String(entry.coverTimestamp) } : {}),
		};
	});
}

function controlsOf(collection: IDataObject): IDataObject {
	const controls: IDataObject = {};
	for (const [name, value] of Object.entries(collection)) {
		if (value === '' || value === undefined || value === null) continue;
		if (LIST_CONTROLS.has(name)) {
			const list = toList(value);
			if (list.length > 0) controls[name] = list;
		} else {
			controls[name] = value;
		}
	}
	return controls;
}

async function readPost(this: IExecuteFunctions, i: number): Promise<DraftPost> {
	const socialMediaId = getUuidParameter.call(this, 'account', i, 'Account');
	const content = String(this.getNodeParameter('content', i, '') ?? '');
	const status = this.getNodeParameter('status', i) as 'SCHEDULED' | 'DRAFT';
	const scheduledAt =
		status === 'SCHEDULED'
			? toUtcIso.call(this, this.getNodeParameter('scheduledAt', i), 'Scheduled At', i)
			: undefined;
	const fields = this.getNodeParameter('additionalFields', i, {}) as IDataObject;
	const binaryProperties = binaryPropertyNames(this.getNodeParameter('binaryProperties', i, ''));
	const uploads = await readBinaryMedia.call(this, i, binaryProperties);
	for (const upload of uploads) {
		if (!upload.contentType.startsWith('image/') && !upload.contentType.startsWith('video/')) {
			throw new NodeOperationError(
				this.getNode(),
				`Binary property "${upload.property}" holds a ${upload.contentType} file, not an image or video`,
				{
					itemIndex: i,
					description:
						'Posts carry images and videos. Upload documents or captions with File → Upload and put the key in LinkedIn Controls → Document Key or YouTube Controls → Caption File Key.',
				},
			);
		}
	}
	const fixed = ((fields.uploadedMedia as IDataObject | undefined)?.media ?? []) as IDataObject[];
	const uploadedMedia = [
		...parseMediaJson.call(
			this,
			fixed.map((m) => ({
				...m,
				coverTimestamp: m.coverTimestamp ? String(m.coverTimestamp) : '',
			})),
			i,
		),
		...parseMediaJson.call(this, fields.mediaItemsJson ?? '[]', i),
	];
	const controlsByParameter: Record<string, IDataObject> = {};
	for (const group of PLATFORM_CONTROLS) {
		const controls = controlsOf(this.getNodeParameter(group.parameter, i, {}) as IDataObject);
		if (Object.keys(controls).length > 0) controlsByParameter[group.parameter] = controls;
	}
	const draft: Omit<DraftPost, 'fingerprint'> = {
		itemIndex: i,
		socialMediaId,
		content,
		status,
		approvalStatus: String(fields.approvalStatus || 'APPROVED'),
		...(scheduledAt ? { scheduledAt } : {}),
		...(fields.firstComment ? { firstComment: String(fields.firstComment) } : {}),
		uploads,
		uploadedMedia,
		...(fields.videoCoverTimestamp
			? { videoCoverTimestamp: String(fields.videoCoverTimestamp) }
			: {}),
		controlsByParameter,
	};
	const identity = {
		...draft,
		uploads: uploads.map((u) => [
			u.property,
			u.contentType,
			u.sha256,
		]),
	};
	return {
		...draft,
		fingerprint: createHash('sha256').update(JSON.stringify(identity)).digest('hex'),
	};
}

/** Static-data memo of posts PostFast accepted in this execution, keyed by post fingerprint. */
function acceptedMemo(this: IExecuteFunctions): Record<string, IDataObject> {
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

function requestBody(posts: ReadyPost[]): IDataObject {
	const [first] = posts;
	return {
		posts: posts.map((post) => ({
			content: post.content,
			socialMediaId: post.socialMediaId,
			...(post.scheduledAt ? { scheduledAt: post.scheduledAt } : {}),
			...(post.mediaItems.length ? { mediaItems: post.mediaItems } : {}),
			...(post.firstComment ? { firstComment: post.firstComment } : {}),
		})),
		status: first.status,
		approvalStatus: first.approvalStatus,
		...(Object.keys(first.controls).length ? { controls: first.controls } : {}),
	};
}

const MB = 1024 * 1024;

function outputOf(post: ReadyPost, postId: string): IDataObject {
	return {
		status: 'created',
		postId,
		socialMediaId: post.socialMediaId,
		...(post.platform ? { platform: post.platform } : {}),
		postStatus: post.status,
		approvalStatus: post.approvalStatus,
		scheduledAt: post.scheduledAt ?? null,
		content: post.content,
		mediaItems: post.mediaItems,
		...(post.firstComment ? { firstComment: post.firstComment } : {}),
		...(Object.keys(post.controls).length ? { controls: post.controls } : {}),
	};
}

/**
 * The contract's rules PostFast applies per post (time, file sizes, first comment, required media,
 * controls), checked before anything is uploaded or sent: a post PostFast would refuse fails
 * alone, costs no upload and no create request from the daily budget, and does not make the rest
 * of its batch be sent again. The time is checked against this machine's clock; PostFast's own
 * clock still has the last word on a post scheduled a few seconds ahead.
 */
function precheck(
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
function postIndexOf(error: unknown): number | undefined {
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
function isUnknownOutcome(error: unknown): boolean {
	const kind = apiErrorDetails(error)?.kind;
	return kind === 'network' || kind === 'server';
}

/**
 * The posts of `posts` that PostFast already has (contract/postfast/reconcile.ts: same account,
 * time and text; a draft by account and text), listed with `GET /social-posts`: scheduled posts
 * over the span of their times, drafts among the accounts' drafts. A failed listing throws.
 */
async function findOnPostFast(
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
function alreadyCreatedOutput(post: ReadyPost, listed: IDataObject): IDataObject {
	return {
		...outputOf(post, String(listed.id)),
		status: 'alreadyCreated',
		mediaItems: (listed.mediaItems as IDataObject[] | undefined) ?? [],
		message:
			'PostFast already has this post (same account, time and text), from an earlier run; it was not uploaded or sent again',
	};
}

/** Panel names of PostFast's post fields, for messages (`scheduledAt` → "Scheduled At"). */
const FIELD_LABELS: Record<string, string> = {
	socialMediaId: 'Account',
	content: 'Content',
	scheduledAt: 'Scheduled At',
	mediaItems: 'Binary Properties / Uploaded Media',
	firstComment: 'First Comment',
	binaryProperties: 'Binary Properties',
};

function fieldLabel(path: string): string {
	const [head, ...rest] = path.split('.');
	const label = FIELD_LABELS[head];
	if (!label) return path;
	return rest.length ? `"${label}" (${path})` : `"${label}"`;
}

/**
 * A create error told in the user's terms: PostFast names `posts.1.scheduledAt`, the index in the
 * request, which is not the n8n item when earlier items were refused or went in another batch.
 */
function inItemTerms(error: Error, batch: ReadyPost[], itemIndex: number): Error {
	if (!(error instanceof NodeApiError)) return error;
	const rename = (text: string) =>
		text.replace(/\bposts\.(\d+)(?:\.([\w.]+))?/g, (whole, index: string, field?: string) => {
			const post = batch[Number(index)];
			if (!post) return whole;
			return field ? `${fieldLabel(field)} of item ${post.itemIndex}` : `item ${post.itemIndex}`;
		});
	error.message = rename(error.message);
	if (error.description) error.description = rename(error.description);
	error.context.itemIndex = itemIndex;
	return error;
}

function isValidationError(error: unknown): boolean {
	const details = apiErrorDetails(error);
	return details?.kind === 'validation';
}

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
			const draft = await readPost.call(this, i);
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
	for (const post of sendable) {
		const fromBinary = post.uploads.map((upload): Omit<MediaItem, 'sortOrder'> => {
			const { key, type } = uploadedKeys.get(upload)!;
			return {
				key,
				type: type as 'IMAGE' | 'VIDEO',
				...(type === 'VIDEO' && post.videoCoverTimestamp
					? { coverTimestamp: post.videoCoverTimestamp }
					: {}),
			};
		});
		post.mediaItems = [...fromBinary, ...post.uploadedMedia].map(
			(m, sortOrder): MediaItem => ({ ...m, sortOrder }) as MediaItem,
		);
	}

	// 5. Batches: equal request-wide fields, at most MAX_POSTS_PER_REQUEST posts each.
	const groups = new Map<string, ReadyPost[]>();
	for (const post of sendable) {
		const key = JSON.stringify([post.status, post.approvalStatus, post.controls]);
		const group = groups.get(key) ?? [];
		group.push(post);
		groups.set(key, group);
	}
	const queue: ReadyPost[][] = [];
	for (const group of groups.values()) {
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
					if (!continueOnFail) break;
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
			if (!continueOnFail && found.size < batch.length) break;
		}
	}
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
