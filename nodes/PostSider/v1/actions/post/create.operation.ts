import { createHash } from 'crypto';
import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type JsonObject,
} from 'n8n-workflow';
import {
	type CreatePostResponse,
	IDEMPOTENCY_KEY_PATTERN,
	IDEMPOTENCY_MESSAGES,
	postsiderPath,
	POSTSIDER_IDEMPOTENCY_HEADER,
	type PostListItem,
} from '../../../../../contract/postsider';
import { stableJson } from '../../../../../contract/stable-json';
import { apiErrorDetails } from '../../../../shared/transport';
import { rateLimitPolicy } from '../../../../shared/options';
import {
	chosenChannelIds,
	fetchChannels,
	resolveChannels,
	type Channel,
} from '../../helpers/channels';
import { readBinaries, splitNames, type BinaryMedia, type MediaRef } from '../../helpers/media';
import {
	chosenSettings as readChosenSettings,
	missingSettingsMessage,
	settingsFor,
} from '../../helpers/providerSettings';
import {
	channelLimits,
	checkBeforeUpload,
	parseJsonObject,
	postDate,
	uploadMedia,
} from '../../helpers/createPost';
import { findPostsAt, findSamePosts, type PostContents } from '../../helpers/existingPosts';
import { postSiderRequest } from '../../transport';

export { description } from './create.description';

const channelCache = new WeakMap<object, Promise<Channel[]>>();

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

	const { date, dateIsAuto } = postDate.call(this, i, postType, options);

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

	// A post PostSider already has from an earlier run is reported, and its files are not uploaded
	// again: with a set date, the post on the channel at that date with the same text; "Now" and
	// undated drafts (dated by the run), the recent post on the channel with the same texts and
	// files. Only the channels that lack it get a new post.
	const lookUp = options.lookUpExisting !== false;
	const contents: PostContents = {
		texts: [content, ...threadItems.map((item) => String(item.content ?? ''))],
		media: [[...mainBinaries, ...earlier], ...threadBinaries],
	};
	const findExisting = async (among: Channel[]) =>
		dateIsAuto
			? await findSamePosts.call(this, contents, among, i, rateLimit)
			: await findPostsAt.call(this, date, content, among, i, rateLimit);
	const existing = lookUp ? await findExisting(chosen) : new Map<string, PostListItem>();
	const alreadyCreated = (channel: Channel): IDataObject => ({
		status: 'alreadyCreated',
		postId: existing.get(channel.id)!.id,
		...describe(channel),
		message: `PostSider already has this post (${dateIsAuto ? 'same channel, text and files' : 'same channel, date and text'}), from an earlier run; it was not uploaded or sent again`,
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

	// With files to upload, check the post first as PostSider will, so a refused post costs no uploads.
	if (mainBinaries.length > 0 || threadBinaries.some((list) => list.length > 0)) {
		const limits = await channelLimits.call(this, i, buildBody([], []), channels, rateLimit);
		checkBeforeUpload.call(this, i, {
			mainBinaries,
			threadBinaries,
			earlier,
			channels,
			buildBody,
			limits,
		});
	}

	const { mainMedia, threadMedia } = await uploadMedia.call(
		this,
		i,
		mainBinaries,
		threadBinaries,
		earlier,
		rateLimit,
	);

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
			// Find the earlier posts so the output still carries their ids (unless that look-up ran).
			const earlierPosts = lookUp ? new Map<string, PostListItem>() : await findExisting(channels);
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
