/**
 * Post → Create, the steps before the request: the post's date, the Settings JSON, the check of a
 * post with files against PostSider's rules (so a refused post costs no uploads), and the uploads.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import {
	isSupportedProvider,
	lengthDependsOnChannel,
	postsiderPath,
	POSTSIDER_MESSAGES,
	PROVIDER_RULES,
	hasPostableExtension,
	POSTABLE_EXTENSIONS,
	sniffMediaType,
	validateCreatePost,
} from '../../../../contract/postsider';
import type { RateLimitPolicy } from '../../../shared/transport';
import { toUtcIso } from '../../../shared/dates';
import { postSiderRequest } from '../transport';
import type { Channel } from './channels';
import { uploadForPost, type BinaryMedia, type MediaRef } from './media';

/** A scheduled time this far behind the clock is refused (clock skew and slow runs stay allowed). */
const PAST_GRACE_MS = 60_000;

/**
 * The post's date as UTC: the scheduled time (refused when past), a draft's own date, or now —
 * `auto` when the node chose it, so the derived idempotency key leaves it out.
 */
export function postDate(
	this: IExecuteFunctions,
	i: number,
	postType: 'draft' | 'schedule' | 'now',
	options: IDataObject,
): { date: string; dateIsAuto: boolean } {
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

	return { date, dateIsAuto };
}

export function parseJsonObject(this: IExecuteFunctions, value: unknown, i: number): IDataObject {
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

/** The extension PostSider will store a file under (from its bytes), for the pre-check. */
function extensionFor(media: BinaryMedia): string {
	// The type alone: a size or content refusal is reported by the upload pre-check with its own words.
	const type = sniffMediaType(media.head);
	return type ? type.ext : 'bin';
}

/**
 * X's text limit depends on the account (280, or 4000 when verified), which only the server knows
 * (docs/postsider-api.md, Text length): ask `GET /integration-settings/:id` for the X channels
 * whose text falls between the two, so the check before upload uses the server's own limit.
 */
export async function channelLimits(
	this: IExecuteFunctions,
	i: number,
	body: IDataObject,
	channels: Channel[],
	rateLimit: RateLimitPolicy,
): Promise<Map<string, number>> {
	const limits = new Map<string, number>();
	const posts = (Array.isArray(body.posts) ? body.posts : []) as Array<{
		integration?: { id?: string };
		value?: Array<{ content?: unknown }>;
	}>;
	for (const post of posts) {
		const channel = channels.find((c) => c.id === post.integration?.id);
		if (!channel || !isSupportedProvider(channel.identifier) || limits.has(channel.id)) continue;
		const provider = channel.identifier;
		const depends = (post.value ?? []).some(
			(v) => typeof v.content === 'string' && lengthDependsOnChannel(provider, v.content),
		);
		if (!depends) continue;
		const response = await postSiderRequest.call(this, {
			method: 'GET',
			path: postsiderPath('integrationSettings', { id: channel.id }),
			itemIndex: i,
			rateLimit,
		});
		const max = (response.body as { output?: { maxLength?: unknown } } | undefined)?.output
			?.maxLength;
		if (typeof max === 'number' && max > 0) limits.set(channel.id, max);
	}
	return limits;
}

/**
 * With files to upload, check the post first as PostSider will (fields, settings and each
 * provider's media rules: count, images and video mixed), so a post the server refuses costs no
 * uploads. Text length is counted as the server counts it, against the channel's limit in
 * `limits` where the server gave one.
 */
export function checkBeforeUpload(
	this: IExecuteFunctions,
	i: number,
	post: {
		mainBinaries: BinaryMedia[];
		threadBinaries: BinaryMedia[][];
		earlier: MediaRef[];
		channels: Channel[];
		buildBody: (mainMedia: unknown[], threadMedia: unknown[][]) => IDataObject;
		/** The server's text limit per channel where it depends on the account (`channelLimits`). */
		limits?: Map<string, number>;
	},
): void {
	const { mainBinaries, threadBinaries, earlier, channels, buildBody, limits } = post;
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
	// The channel's limit as the server gave it; without one (the text fits every account, or the
	// look-up was skipped) X is assumed verified, so only what every X account refuses stops here.
	const check = validateCreatePost(draft, (id) => {
		const channel = channels.find((c) => c.id === id && c.identifier !== '');
		const maxLength = limits?.get(id);
		return (
			channel &&
			(maxLength !== undefined
				? { ...channel, maxLength }
				: { ...channel, verified: channel.identifier === 'x' || undefined })
		);
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
				description: `Nothing was uploaded or posted. ${mediaRuleOf(check.provider)}Change the media in "Binary Properties" / "Media From Earlier Uploads" (or the channel's settings) and run again.`,
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

/** Uploads the main post's and each thread item's files, in order; earlier uploads follow the main post's. */
export async function uploadMedia(
	this: IExecuteFunctions,
	i: number,
	mainBinaries: BinaryMedia[],
	threadBinaries: BinaryMedia[][],
	earlier: MediaRef[],
	rateLimit: RateLimitPolicy,
): Promise<{ mainMedia: MediaRef[]; threadMedia: MediaRef[][] }> {
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
	return { mainMedia, threadMedia };
}

/** The provider's media rule in a sentence, for the message of a refused post. */
function mediaRuleOf(provider: string): string {
	return isSupportedProvider(provider)
		? `${provider}: ${PROVIDER_RULES[provider].media.summary} `
		: '';
}
