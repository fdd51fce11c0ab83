import { createHash } from 'crypto';
import {
	NodeApiError,
	NodeOperationError,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
	type JsonObject,
} from 'n8n-workflow';
import {
	type CreatePostResponse,
	IDEMPOTENCY_KEY_PATTERN,
	IDEMPOTENCY_MESSAGES,
	isSupportedProvider,
	postsiderPath,
	POSTSIDER_IDEMPOTENCY_HEADER,
	POSTSIDER_MESSAGES,
	PROVIDER_RULES,
	sanitizeContent,
	hasPostableExtension,
	POSTABLE_EXTENSIONS,
	sniffMediaType,
	validateCreatePost,
	type ListPostsResponse,
	type PostListItem,
} from '../../../../../contract/postsider';
import { stableJson } from '../../../../../contract/stable-json';
import { apiErrorDetails, type RateLimitPolicy } from '../../../../shared/transport';
import { maxRateLimitWaitOption, rateLimitPolicy } from '../../../../shared/options';
import {
	chosenChannelIds,
	fetchChannels,
	resolveChannels,
	type Channel,
} from '../../helpers/channels';
import { toUtcIso } from '../../../../shared/dates';
import {
	readBinaries,
	splitNames,
	uploadForPost,
	type BinaryMedia,
	type MediaRef,
} from '../../helpers/media';
import {
	chosenSettings as readChosenSettings,
	missingSettingsMessage,
	settingsFor,
} from '../../helpers/providerSettings';
import { fromVersion2, inVersion1 } from '../../../../shared/versions';
import { providerSettingsProperties } from './providerSettings.description';
import { postSiderRequest } from '../../transport';

const firstCommentOption: INodeProperties = {
	displayName: 'First Comment',
	name: 'firstComment',
	type: 'string',
	default: '',
	description: 'Comment published right after the post where the platform supports it',
};

const tagsOption: INodeProperties = {
	displayName: 'Tags',
	name: 'tags',
	type: 'string',
	default: '',
	description:
		'Comma-separated names of existing PostSider tags (unknown names are ignored by PostSider)',
};

/** The Options collection; version 1 also holds First Comment and Tags there. */
function optionsProperty(withPostFields: boolean): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Draft Date',
				name: 'draftDate',
				type: 'dateTime',
				default: '',
				description: 'Date stored with a draft (PostSider requires one); default: now',
			},
			...(withPostFields ? [firstCommentOption] : []),
			{
				displayName: 'Idempotency Key',
				name: 'idempotencyKey',
				type: 'string',
				default: '',
				description:
					'Leave empty to derive the key from the post itself (channels, text, media bytes, settings), so running the same post again returns the first result instead of posting twice. Set your own to control it (A-Z, a-z, 0-9, . _ : -).',
			},
			{
				displayName: 'Look Up Existing Posts',
				name: 'lookUpExisting',
				type: 'boolean',
				default: true,
				description:
					'Whether to look for the post on PostSider before uploading and creating it (a post with a set date: same channel, date and text), and return one from an earlier run as "alreadyCreated" without uploading its files again. Turn off to post the same text at the same time on purpose.',
			},
			maxRateLimitWaitOption,
			{
				displayName: 'Media From Earlier Uploads',
				name: 'media',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
				description:
					'Media already in PostSider (from Media → Upload), attached after the binary media',
				options: [
					{
						displayName: 'Media',
						name: 'values',
						values: [
							{ displayName: 'ID', name: 'id', type: 'string', default: '' },
							{
								displayName: 'Path',
								name: 'path',
								type: 'string',
								default: '',
								description: 'The "path" URL Media → Upload returned',
							},
						],
					},
				],
			},
			{
				displayName: 'Settings JSON',
				name: 'settingsJson',
				type: 'json',
				default: '{}',
				description:
					'Extra settings merged over the fields above, keyed by provider identifier or channel ID, e.g. {"x": {"community": "https://x.com/i/communities/1"}, "cm4ean…": {"title": "…"}}',
			},
			{
				displayName: 'Shorten Links',
				name: 'shortLink',
				type: 'boolean',
				default: false,
				description:
					'Whether PostSider should shorten URLs in the text (when a shortener is configured)',
			},
			...(withPostFields ? [tagsOption] : []),
		],
	};
}

const properties: INodeProperties[] = [
	{
		displayName: 'Channel Names or IDs',
		name: 'channelIds',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getChannels' },
		default: [],
		required: true,
		description:
			'Channels to post to, each getting its own copy of the post. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Post As',
		name: 'postType',
		type: 'options',
		options: [
			{ name: 'Draft', value: 'draft', description: 'Save in PostSider without publishing' },
			{ name: 'Scheduled', value: 'schedule', description: 'Publish at the scheduled time' },
			{ name: 'Now', value: 'now', description: 'Publish right away' },
		],
		default: 'draft',
	},
	{
		displayName: 'Scheduled At',
		name: 'scheduledAt',
		type: 'dateTime',
		default: '',
		required: true,
		displayOptions: { show: { postType: ['schedule'] } },
		description: 'When to publish; sent to PostSider as UTC. A time in the past publishes at once.',
	},
	{
		displayName: 'Content',
		name: 'content',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		description: 'Text of the main post (may be empty when media is attached)',
	},
	{
		displayName: 'Binary Properties',
		name: 'binaryProperties',
		type: 'string',
		default: '',
		placeholder: 'e.g. data, photo_2',
		description:
			'Comma-separated binary properties of the input item to upload and attach, in order',
	},
	{
		displayName: 'Thread',
		name: 'thread',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		default: {},
		placeholder: 'Add Thread Item',
		description:
			'Follow-up items published as replies under the main post (a thread on X, comments elsewhere)',
		options: [
			{
				displayName: 'Item',
				name: 'items',
				values: [
					{
						displayName: 'Content',
						name: 'content',
						type: 'string',
						typeOptions: { rows: 2 },
						default: '',
					},
					{
						displayName: 'Binary Properties',
						name: 'binaryProperties',
						type: 'string',
						default: '',
						description: 'Comma-separated binary properties to upload and attach to this item',
					},
				],
			},
		],
	},
	...providerSettingsProperties,
	// Version 1 keeps First Comment and Tags in Options; from version 2 they are post fields.
	inVersion1(optionsProperty(true)),
	fromVersion2({
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [firstCommentOption, tagsOption],
	}),
	fromVersion2(optionsProperty(false)),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['post'], operation: ['create'] } },
	properties,
);

/** The extension PostSider will store a file under (from its bytes), for the pre-check. */
function extensionFor(media: BinaryMedia): string {
	// The type alone: a size or content refusal is reported by the upload pre-check with its own words.
	const type = sniffMediaType(media.head);
	return type ? type.ext : 'bin';
}

const channelCache = new WeakMap<object, Promise<Channel[]>>();

function parseJsonObject(this: IExecuteFunctions, value: unknown, i: number): IDataObject {
	if (value && typeof value === 'object' && !Array.isArray(value)) return value as IDataObject;
	if (typeof value !== 'string' || !value.trim()) return {};
	try {
		const parsed = JSON.parse(value) as unknown;
		if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
			return parsed as IDataObject;
	} catch {
		// fall through to the error below
	}
	throw new NodeOperationError(this.getNode(), 'Options → Settings JSON is not a JSON object', {
		itemIndex: i,
		description:
			'Write an object keyed by provider or channel ID, e.g. {"x": {"who_can_reply_post": "following"}}',
	});
}

/**
 * The main post with this text at exactly `date`, by channel id (best effort: a failed lookup
 * finds nothing, and the Idempotency-Key still stops an exact replay). PostSider stores the text
 * sanitised, so both forms are compared.
 */
async function findPostsAt(
	this: IExecuteFunctions,
	date: string,
	content: string,
	channels: Channel[],
	i: number,
	rateLimit: RateLimitPolicy,
): Promise<Map<string, PostListItem>> {
	const found = new Map<string, PostListItem>();
	let posts: PostListItem[];
	try {
		const response = await postSiderRequest.call(this, {
			method: 'GET',
			path: postsiderPath('listPosts'),
			qs: { startDate: date, endDate: date },
			itemIndex: i,
			rateLimit,
		});
		posts = ((response.body as ListPostsResponse).posts ?? []) as PostListItem[];
	} catch {
		return found;
	}
	const texts = new Set([content, sanitizeContent(content)]);
	for (const channel of channels) {
		const match = posts.find(
			(p) =>
				p.integration?.id === channel.id &&
				texts.has(p.content) &&
				Date.parse(p.publishDate) === Date.parse(date),
		);
		if (match) found.set(channel.id, match);
	}
	return found;
}

/** A scheduled time this far behind the clock is refused (clock skew and slow runs stay allowed). */
const PAST_GRACE_MS = 60_000;

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const rateLimit = rateLimitPolicy.call(this, i);
	const channelIds = chosenChannelIds.call(this, this.getNodeParameter('channelIds', i, []), i);
	const postType = this.getNodeParameter('postType', i) as 'draft' | 'schedule' | 'now';
	// First Comment and Tags are Options in version 1 and Additional Fields from version 2.
	const options = {
		...(this.getNodeParameter('options', i, {}) as IDataObject),
		...(this.getNodeParameter('additionalFields', i, {}) as IDataObject),
	};
	const content = this.getNodeParameter('content', i, '') as string;
	const chosenSettings = readChosenSettings.call(this, i);
	const settingsJson = parseJsonObject.call(this, options.settingsJson, i);
	const threadItems = ((this.getNodeParameter('thread', i, {}) as IDataObject).items ??
		[]) as IDataObject[];
	const earlier = (((options.media as IDataObject | undefined)?.values ?? []) as IDataObject[]).map(
		(m): MediaRef => ({ id: String(m.id ?? ''), path: String(m.path ?? '') }),
	);

	let date: string;
	let dateIsAuto = false;
	if (postType === 'schedule') {
		date = toUtcIso.call(this, this.getNodeParameter('scheduledAt', i), 'Scheduled At', i);
		// PostSider publishes a past date at once; a sheet row with yesterday's time is a mistake.
		if (Date.parse(date) < Date.now() - PAST_GRACE_MS)
			throw new NodeOperationError(this.getNode(), `Scheduled At (${date}) is in the past`, {
				itemIndex: i,
				description:
					'PostSider would publish a post with a past date at once. Nothing was uploaded or posted. Choose a future time, or set Post As to "Now" to publish immediately.',
			});
	} else if (postType === 'draft' && options.draftDate)
		date = toUtcIso.call(this, options.draftDate, 'Draft Date', i);
	else {
		// `now` ignores the value and drafts need one; the derived key leaves it out.
		date = new Date().toISOString();
		dateIsAuto = true;
	}

	// Media bytes are read before anything is uploaded, so the derived key covers them.
	const mainBinaries = await readBinaries.call(
		this,
		i,
		splitNames(this.getNodeParameter('binaryProperties', i, '')),
	);
	const threadBinaries: BinaryMedia[][] = [];
	for (const item of threadItems)
		threadBinaries.push(await readBinaries.call(this, i, splitNames(item.binaryProperties)));

	if (!channelCache.has(this)) {
		const pending = fetchChannels.call(this, undefined, i, rateLimit);
		// A failed lookup is not cached: the next item asks again (and reports its own index).
		pending.catch(() => channelCache.delete(this));
		channelCache.set(this, pending);
	}
	const known = await channelCache.get(this)!;
	const chosen = resolveChannels.call(this, channelIds, known, postType !== 'draft', i);
	const describe = (channel: Channel): IDataObject => ({
		integration: channel.id,
		channelName: channel.name,
		provider: channel.identifier,
		type: postType,
		date,
		...(channel.disabled
			? {
					warning: `The channel "${channel.name}" is disabled in PostSider: the draft is saved, but cannot be published there until the channel is enabled.`,
				}
			: {}),
	});

	// A required setting the node cannot choose (YouTube title, Pinterest board): one message naming
	// the field and the channel, before any upload, instead of PostSider's three per missing field.
	for (const channel of chosen) {
		const missing = missingSettingsMessage(
			channel,
			settingsFor(channel, chosenSettings, settingsJson),
			this.getNode().typeVersion,
		);
		if (missing) throw new NodeOperationError(this.getNode(), missing, { itemIndex: i });
	}

	// A post with a set date that PostSider already has (an earlier run): reported, and its files
	// are not uploaded again. Only the channels that lack it get a new post.
	const existing =
		options.lookUpExisting !== false && !dateIsAuto
			? await findPostsAt.call(this, date, content, chosen, i, rateLimit)
			: new Map<string, PostListItem>();
	const alreadyCreated = (channel: Channel): IDataObject => ({
		status: 'alreadyCreated',
		postId: existing.get(channel.id)!.id,
		...describe(channel),
		message:
			'PostSider already has this post (same channel, date and text), from an earlier run; it was not uploaded or sent again',
	});
	const channels = chosen.filter((c) => !existing.has(c.id));
	if (channels.length === 0) return chosen.map(alreadyCreated);
	const inChosenOrder = (fresh: IDataObject[]): IDataObject[] =>
		chosen.map((c) =>
			existing.has(c.id) ? alreadyCreated(c) : fresh.find((o) => o.integration === c.id)!,
		);

	const tags = splitNames(options.tags).map((label) => ({ value: label, label }));
	const shortLink = options.shortLink === true;
	const firstComment =
		typeof options.firstComment === 'string' && options.firstComment
			? options.firstComment
			: undefined;

	const buildBody = (mainMedia: unknown[], threadMedia: unknown[][]): IDataObject => ({
		type: postType,
		date,
		shortLink,
		tags,
		posts: channels.map((channel) => ({
			integration: { id: channel.id },
			value: [
				{ content, image: mainMedia },
				...threadItems.map((item, n) => ({
					content: String(item.content ?? ''),
					image: threadMedia[n],
				})),
			],
			settings: settingsFor(channel, chosenSettings, settingsJson),
			...(firstComment ? { firstComment } : {}),
		})),
	});

	const ownKey = typeof options.idempotencyKey === 'string' ? options.idempotencyKey.trim() : '';
	if (ownKey && !IDEMPOTENCY_KEY_PATTERN.test(ownKey)) {
		throw new NodeOperationError(
			this.getNode(),
			`Idempotency key "${ownKey}" has characters PostSider refuses`,
			{
				itemIndex: i,
				description: 'Use 1 to 255 characters from A-Z, a-z, 0-9 and . _ : -',
			},
		);
	}
	const logical = buildBody(
		[...mainBinaries.map((b) => ({ sha256: b.sha256 })), ...earlier],
		threadBinaries.map((list) => list.map((b) => ({ sha256: b.sha256 }))),
	);
	if (dateIsAuto) delete logical.date;
	const idempotencyKey =
		ownKey || `n8n:${createHash('sha256').update(stableJson(logical)).digest('hex')}`;

	// With files to upload, check the post first as PostSider will (fields, settings and each
	// provider's media rules: count, images and video mixed), so a post the server refuses costs no
	// uploads. Text length stays with the server, whose counting is the reference.
	if (mainBinaries.length > 0 || threadBinaries.some((list) => list.length > 0)) {
		for (const media of [...mainBinaries, ...threadBinaries.flat()]) {
			const ext = extensionFor(media);
			if (ext !== 'bin' && !hasPostableExtension(`.${ext}`)) {
				throw new NodeOperationError(
					this.getNode(),
					`PostSider would store binary property "${media.property}" (${media.fileName}) as .${ext}, which posts cannot use`,
					{
						itemIndex: i,
						description: `Nothing was uploaded or posted. Posts accept only ${POSTABLE_EXTENSIONS.join(', ')} media: convert the file (video to MP4, image to PNG or JPEG) and run again.`,
					},
				);
			}
		}
		const placeholder = (b: BinaryMedia, n: number): MediaRef => ({
			id: `pending-${n}`,
			path: `pending-${n}.${extensionFor(b)}`,
		});
		const draft = buildBody(
			[...mainBinaries.map(placeholder), ...earlier],
			threadBinaries.map((list) => list.map(placeholder)),
		);
		// The channel list does not say whether an X account is verified (4000 instead of 280):
		// assume it is, so only a length every X account would refuse stops the run here.
		const check = validateCreatePost(draft, (id) => {
			const channel = channels.find((c) => c.id === id && c.identifier !== '');
			return channel && { ...channel, verified: channel.identifier === 'x' || undefined };
		});
		if (!check.ok && check.shape === 'E4' && check.detail) {
			throw new NodeOperationError(
				this.getNode(),
				`PostSider would refuse this post for ${check.name} (${check.provider}): the text is too long, ${check.detail}`,
				{
					itemIndex: i,
					description:
						'Nothing was uploaded or posted. PostSider counts the text after its HTML clean-up: & counts 5 (&amp;), a no-break space 6, emoji 2, and on X every link or bare domain 23. Shorten the text and run again.',
				},
			);
		}
		if (!check.ok && check.shape === 'E4' && check.message !== POSTSIDER_MESSAGES.tooLong) {
			throw new NodeOperationError(
				this.getNode(),
				`PostSider would refuse this post for ${check.name} (${check.provider}): ${check.message}`,
				{
					itemIndex: i,
					description: `Nothing was uploaded or posted. ${mediaRuleOf(check.provider)}Change the media in "Media Binary Properties" / "Media From Earlier Uploads" (or the channel's settings) and run again.`,
				},
			);
		}
		if (!check.ok && check.shape === 'E3') {
			throw new NodeOperationError(
				this.getNode(),
				`PostSider would refuse this post: ${check.messages.join('; ')}`,
				{
					itemIndex: i,
					description:
						'Nothing was uploaded or posted. Fix the fields named above (posts.N is the Nth chosen channel) and run again.',
				},
			);
		}
	}

	const mainMedia: MediaRef[] = [];
	for (const media of mainBinaries)
		mainMedia.push(await uploadForPost.call(this, i, media, rateLimit));
	mainMedia.push(...earlier);
	const threadMedia: MediaRef[][] = [];
	for (const list of threadBinaries) {
		const refs: MediaRef[] = [];
		for (const media of list) refs.push(await uploadForPost.call(this, i, media, rateLimit));
		threadMedia.push(refs);
	}

	const body = buildBody(mainMedia, threadMedia);
	let created: CreatePostResponse;
	try {
		const response = await postSiderRequest.call(this, {
			method: 'POST',
			path: postsiderPath('createPost'),
			body,
			headers: { [POSTSIDER_IDEMPOTENCY_HEADER]: idempotencyKey },
			itemIndex: i,
			rateLimit,
		});
		created = response.body as CreatePostResponse;
	} catch (error) {
		const details = apiErrorDetails(error);
		const messages = (details?.messages ?? []) as string[];
		if (!ownKey && details?.status === 409 && messages.includes(IDEMPOTENCY_MESSAGES.mismatch)) {
			// Same derived key = same channels, text, media bytes and settings: this post was created by an
			// earlier run (its uploads or automatic date differ, not the post). Do not post it twice.
			// With a known date, find the earlier posts so the output still carries their ids.
			const earlierPosts = dateIsAuto
				? new Map<string, PostListItem>()
				: await findPostsAt.call(this, date, content, channels, i, rateLimit);
			return inChosenOrder(
				channels.map((channel) => ({
					status: 'alreadyCreated',
					...(earlierPosts.has(channel.id) ? { postId: earlierPosts.get(channel.id)!.id } : {}),
					...describe(channel),
					idempotencyKey,
					message: 'PostSider already accepted this post in an earlier run; it was not sent again',
				})),
			);
		}
		// Both constructors hand back an error that already is one of theirs, unchanged.
		if (error instanceof NodeApiError)
			throw new NodeApiError(this.getNode(), error as unknown as JsonObject);
		throw new NodeOperationError(this.getNode(), error as Error, { itemIndex: i });
	}
	return inChosenOrder(
		created.map((entry) => {
			const channel = channels.find((c) => c.id === entry.integration);
			return {
				status: 'created',
				postId: entry.postId,
				...(channel
					? describe(channel)
					: {
							integration: entry.integration,
							channelName: null,
							provider: null,
							type: postType,
							date,
						}),
				idempotencyKey,
			};
		}),
	);
}

/** The provider's media rule in a sentence, for the message of a refused post. */
function mediaRuleOf(provider: string): string {
	return isSupportedProvider(provider)
		? `${provider}: ${PROVIDER_RULES[provider].media.summary} `
		: '';
}
