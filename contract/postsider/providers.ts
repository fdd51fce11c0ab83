/**
 * Per-provider settings and media rules of PostSider (docs/postsider-api.md, Per-platform rules) for the ten providers
 * postspool supports: one data table that the n8n node (forms, defaults), the daemon (sidecar
 * checks) and the emulator (validation) all read, plus the checks that produce the server's texts.
 *
 * `validateProviderSettings` returns class-validator style messages (E3, prefixed with the field
 * path); `checkProviderMedia` returns the provider's `checkValidity` text (E4, non-drafts only).
 *
 * One file on purpose: a data table, one entry per provider, with the two checks that read it.
 */

import type { MediaRef } from '../postsider';
import { measurePostLength } from './length';
import { SETTINGS_DTOS, runDto } from './settings-dto';
import { hasPostableExtension } from './upload';

export const SUPPORTED_PROVIDERS = [
	'x',
	'linkedin',
	'linkedin-page',
	'instagram',
	'facebook',
	'tiktok',
	'youtube',
	'bluesky',
	'threads',
	'pinterest',
] as const;
export type SupportedProvider = (typeof SUPPORTED_PROVIDERS)[number];

/** Every provider identifier PostSider knows (the `__type` list of the server's message, docs/postsider-api.md, Creating posts). */
export const ALL_PROVIDER_IDENTIFIERS = [
	'lemmy',
	'youtube',
	'pinterest',
	'dribbble',
	'tiktok',
	'discord',
	'slack',
	'twitch',
	'x',
	'linkedin',
	'linkedin-page',
	'instagram',
	'instagram-standalone',
	'medium',
	'devto',
	'wordpress',
	'hashnode',
	'listmonk',
	'gmb',
	'wrapcast',
	'facebook',
	'threads',
	'mastodon',
	'bluesky',
	'telegram',
	'nostr',
	'blogger',
	'moltbook',
	'whop',
	'ghost',
	'notion',
	'mataroa',
	'writeas',
] as const;

export type SettingKind =
	| 'enum'
	| 'boolean'
	| 'string'
	| 'url'
	| 'media'
	| 'tags'
	| 'labels'
	| 'pattern';

export interface SettingField {
	name: string;
	kind: SettingKind;
	required: boolean;
	/** Required enums that also carry `@IsDefined` report "should not be null or undefined" first. */
	definedCheck?: boolean;
	values?: readonly string[];
	/** What a form should preselect. */
	default?: string | boolean;
	minLength?: number;
	maxLength?: number;
	pattern?: RegExp;
	/** A custom message replacing class-validator's text (the server's own words). */
	message?: string;
	description: string;
}

export interface MediaRules {
	/** Minimum media items on the main post (non-drafts). */
	min: number;
	/** Maximum media items on the main post. */
	max: number;
	/** Whether a video (mp4) is accepted at all. */
	video: boolean;
	/** Human summary for forms and docs. */
	summary: string;
}

export interface ProviderRules {
	identifier: SupportedProvider;
	label: string;
	/** Text limit after stripping HTML; X counts twitter-text weighted length. */
	maxLength: number;
	/** X channels whose additional setting `Verified` is true may write this much. */
	verifiedMaxLength?: number;
	fields: SettingField[];
	media: MediaRules;
	analytics: boolean;
}

const IG_TYPES = ['post', 'story'] as const;

export const PROVIDER_RULES: Record<SupportedProvider, ProviderRules> = {
	x: {
		identifier: 'x',
		label: 'X',
		maxLength: 280,
		verifiedMaxLength: 4000,
		fields: [
			{
				name: 'who_can_reply_post',
				kind: 'enum',
				required: true,
				values: ['everyone', 'following', 'mentionedUsers', 'subscribers', 'verified'],
				default: 'everyone',
				description: 'Who can reply',
			},
			{
				name: 'community',
				kind: 'pattern',
				required: false,
				pattern: /^(https:\/\/x\.com\/i\/communities\/\d+)?$/,
				message:
					'Invalid X community URL. It should be in the format: https://x.com/i/communities/1493446837214187523',
				description: 'Community URL',
			},
			{ name: 'made_with_ai', kind: 'boolean', required: false, description: 'Made with AI' },
			{
				name: 'paid_partnership',
				kind: 'boolean',
				required: false,
				description: 'Paid partnership',
			},
		],
		media: { min: 0, max: 4, video: true, summary: 'Optional media.' },
		analytics: true,
	},
	linkedin: {
		identifier: 'linkedin',
		label: 'LinkedIn',
		maxLength: 3000,
		fields: [
			{
				name: 'post_as_images_carousel',
				kind: 'boolean',
				required: false,
				default: false,
				description: 'Post images as a carousel (2 or more images, no video)',
			},
			{ name: 'carousel_name', kind: 'string', required: false, description: 'Carousel name' },
		],
		media: {
			min: 0,
			max: 20,
			video: true,
			summary:
				'A video must be the only media; comments are text only; a carousel needs 2+ images.',
		},
		analytics: false,
	},
	'linkedin-page': {
		identifier: 'linkedin-page',
		label: 'LinkedIn Page',
		maxLength: 3000,
		fields: [
			{
				name: 'post_as_images_carousel',
				kind: 'boolean',
				required: false,
				default: false,
				description: 'Post images as a carousel (2 or more images, no video)',
			},
			{ name: 'carousel_name', kind: 'string', required: false, description: 'Carousel name' },
		],
		media: {
			min: 0,
			max: 20,
			video: true,
			summary:
				'A video must be the only media; comments are text only; a carousel needs 2+ images.',
		},
		analytics: true,
	},
	instagram: {
		identifier: 'instagram',
		label: 'Instagram',
		maxLength: 2200,
		fields: [
			{
				name: 'post_type',
				kind: 'enum',
				required: true,
				definedCheck: true,
				values: IG_TYPES,
				default: 'post',
				description: 'Post or story',
			},
			{
				name: 'is_trial_reel',
				kind: 'boolean',
				required: false,
				description: 'Trial reel (one video)',
			},
			{
				name: 'graduation_strategy',
				kind: 'enum',
				required: false,
				values: ['MANUAL', 'SS_PERFORMANCE'],
				description: 'Trial reel graduation',
			},
			{
				name: 'collaborators',
				kind: 'labels',
				required: false,
				description: 'Collaborators [{label}]',
			},
		],
		media: {
			min: 1,
			max: 10,
			video: true,
			summary: 'At least 1 and at most 10 media; a trial reel is exactly one video.',
		},
		analytics: true,
	},
	facebook: {
		identifier: 'facebook',
		label: 'Facebook',
		maxLength: 63206,
		fields: [
			{ name: 'url', kind: 'url', required: false, description: 'Link to attach' },
			{
				name: 'post_type',
				kind: 'enum',
				required: false,
				values: IG_TYPES,
				default: 'post',
				description: 'Post or story',
			},
		],
		media: { min: 0, max: 10, video: true, summary: 'A story needs at least one media.' },
		analytics: true,
	},
	tiktok: {
		identifier: 'tiktok',
		label: 'TikTok',
		maxLength: 2000,
		fields: [
			{
				name: 'privacy_level',
				kind: 'enum',
				required: true,
				definedCheck: true,
				values: ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'FOLLOWER_OF_CREATOR', 'SELF_ONLY'],
				default: 'PUBLIC_TO_EVERYONE',
				description: 'Who can view',
			},
			{ name: 'duet', kind: 'boolean', required: true, default: false, description: 'Allow duets' },
			{
				name: 'stitch',
				kind: 'boolean',
				required: true,
				default: false,
				description: 'Allow stitches',
			},
			{
				name: 'comment',
				kind: 'boolean',
				required: true,
				default: true,
				description: 'Allow comments',
			},
			{
				name: 'autoAddMusic',
				kind: 'enum',
				required: true,
				values: ['yes', 'no'],
				default: 'no',
				description: 'Add music automatically',
			},
			{
				name: 'brand_content_toggle',
				kind: 'boolean',
				required: true,
				default: false,
				description: 'Branded content',
			},
			{
				name: 'brand_organic_toggle',
				kind: 'boolean',
				required: true,
				default: false,
				description: 'Your own brand',
			},
			{
				name: 'content_posting_method',
				kind: 'enum',
				required: true,
				definedCheck: true,
				values: ['DIRECT_POST', 'UPLOAD'],
				default: 'DIRECT_POST',
				description: 'Publish directly or send to the inbox',
			},
			{
				name: 'title',
				kind: 'string',
				required: false,
				maxLength: 90,
				description: 'Title (max 90)',
			},
			{
				name: 'video_made_with_ai',
				kind: 'boolean',
				required: false,
				description: 'Video made with AI',
			},
		],
		media: {
			min: 1,
			max: 35,
			video: true,
			summary: 'One video, or several pictures (no video among several items).',
		},
		analytics: true,
	},
	youtube: {
		identifier: 'youtube',
		label: 'YouTube',
		maxLength: 5000,
		fields: [
			{
				name: 'title',
				kind: 'string',
				required: true,
				minLength: 2,
				maxLength: 100,
				description: 'Video title (2–100 characters)',
			},
			{
				name: 'type',
				kind: 'enum',
				required: true,
				values: ['public', 'private', 'unlisted'],
				default: 'public',
				description: 'Visibility',
			},
			{
				name: 'selfDeclaredMadeForKids',
				kind: 'enum',
				required: false,
				values: ['yes', 'no'],
				description: 'Made for kids',
			},
			{ name: 'thumbnail', kind: 'media', required: false, description: 'Thumbnail {id, path}' },
			{
				name: 'tags',
				kind: 'tags',
				required: false,
				description: 'Tags [{value, label}], at most 500 characters in total',
			},
		],
		media: { min: 1, max: 1, video: true, summary: 'Exactly one mp4 video.' },
		analytics: true,
	},
	bluesky: {
		identifier: 'bluesky',
		label: 'Bluesky',
		maxLength: 300,
		fields: [],
		media: { min: 0, max: 4, video: true, summary: 'At most 4 pictures, or one video, per item.' },
		analytics: false,
	},
	threads: {
		identifier: 'threads',
		label: 'Threads',
		maxLength: 500,
		fields: [],
		media: { min: 0, max: 20, video: true, summary: 'No media rule.' },
		analytics: true,
	},
	pinterest: {
		identifier: 'pinterest',
		label: 'Pinterest',
		maxLength: 500,
		fields: [
			{
				name: 'board',
				kind: 'string',
				required: true,
				minLength: 1,
				message: 'Board is required',
				description: 'Board id (list boards through the integration tool)',
			},
			{
				name: 'title',
				kind: 'string',
				required: false,
				maxLength: 100,
				description: 'Pin title (max 100)',
			},
			{ name: 'link', kind: 'url', required: false, description: 'Destination link' },
			{ name: 'dominant_color', kind: 'string', required: false, description: 'Dominant colour' },
		],
		media: {
			min: 1,
			max: 5,
			video: true,
			summary: '1–5 images of one size, or a video plus a cover image.',
		},
		analytics: true,
	},
};

export function isSupportedProvider(identifier: string): identifier is SupportedProvider {
	return (SUPPORTED_PROVIDERS as readonly string[]).includes(identifier);
}

/** Settings a form can start from: every field with a default. */
export function defaultSettings(provider: SupportedProvider): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const field of PROVIDER_RULES[provider].fields)
		if (field.default !== undefined) out[field.name] = field.default;
	return out;
}

// ---------------------------------------------------------------------------------------------
// Checks

/** validator.js-style `isURL` (protocol optional, a TLD required): what `@IsUrl()` accepts. */
export function isUrlLike(value: string): boolean {
	const match =
		/^(?:(https?|ftp):\/\/)?(?:[^\s:@/]+(?::[^\s@/]*)?@)?([^\s/?#:]+)(?::\d{1,5})?(?:[/?#]\S*)?$/i.exec(
			value,
		);
	if (!match) return false;
	const host = match[2];
	if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return true;
	return (
		/^([a-z0-9\u00a1-\uffff-]+\.)+[a-z\u00a1-\uffff]{2,}$/i.test(host) &&
		!host.split('.').some((p) => p.startsWith('-') || p.endsWith('-'))
	);
}

const DTO_HELPERS = { isUrl: isUrlLike, hasExtension: hasPostableExtension };

/**
 * class-validator messages for a provider's settings DTO, in the server's order (see
 * ./settings-dto). `prefix` is the dotted path of the settings object (e.g. `posts.0.settings`);
 * pass '' for bare field names.
 */
export function validateProviderSettings(
	provider: SupportedProvider,
	settings: Record<string, unknown>,
	prefix = '',
): string[] {
	const dto = SETTINGS_DTOS[provider];
	if (!dto) return [];
	return runDto(dto, settings, prefix, DTO_HELPERS).map((m) =>
		m.at ? `${m.at}.${m.text}` : m.text,
	);
}

/** The message the server's own settings pass reports (its first constraint, without a path). */
export function firstSettingsMessage(
	provider: SupportedProvider,
	settings: Record<string, unknown>,
): string | undefined {
	const dto = SETTINGS_DTOS[provider];
	return dto ? runDto(dto, settings, '', DTO_HELPERS)[0]?.text : undefined;
}

/** A video to the server's media rules: its path contains `mp4` anywhere (they test a substring). */
export function isVideoPath(path: string): boolean {
	return typeof path === 'string' && path.indexOf('mp4') > -1;
}

/** TikTok's own test: `.mp4` anywhere in the lower-cased path. */
function isTikTokVideo(path: string): boolean {
	return typeof path === 'string' && path.toLowerCase().indexOf('.mp4') > -1;
}

/**
 * The provider's media rule (`checkValidity`), run by the server for non-drafts only. `items` is the
 * thread (`value[]`); returns the server's text, or undefined when the media pass.
 * Pinterest's "same width and height" check needs the image sizes; pass them in `sizes` (path → w×h).
 */
export function checkProviderMedia(
	provider: SupportedProvider,
	settings: Record<string, unknown>,
	items: Array<{ image: MediaRef[] }>,
	sizes?: (path: string) => { width: number; height: number } | undefined,
): string | undefined {
	const main = items[0]?.image ?? [];
	const hasVideo = main.some((m) => isVideoPath(m.path));
	switch (provider) {
		case 'linkedin':
		case 'linkedin-page':
			if (settings.post_as_images_carousel && (main.length < 2 || hasVideo)) {
				return 'Carousel can only be created with 2 or more images and no videos.';
			}
			if (main.length > 1 && hasVideo) return 'Can have maximum 1 media when selecting a video.';
			if (items.slice(1).some((item) => item.image.length > 0))
				return 'Comments can only contain text.';
			return undefined;
		case 'instagram':
			if (main.length === 0) return 'Should have at least one media';
			if (main.length > 10) return 'Instagram carousel only supports up to 10 media attachments';
			if (settings.is_trial_reel && main.length > 1) return 'Trial Reels can only have one video';
			if (settings.is_trial_reel && !hasVideo) return 'Trial Reels must be a video';
			return undefined;
		case 'facebook':
			if (settings.post_type === 'story' && main.length === 0)
				return 'Story should have at least one media';
			return undefined;
		case 'tiktok':
			if (main.length === 0) return 'No video / images selected';
			if (main.length > 1 && main.some((m) => isTikTokVideo(m.path)))
				return 'Only pictures are supported when selecting multiple items';
			return undefined;
		case 'youtube':
			if (main.length !== 1) return 'You need one media';
			if (!isVideoPath(main[0].path)) return 'Item must be a video';
			return undefined;
		case 'bluesky':
			if (
				items.some((item) => item.image.length > 1 && item.image.some((m) => isVideoPath(m.path)))
			)
				return 'You can only upload one video per post.';
			if (items.some((item) => item.image.length > 4))
				return 'There can be maximum 4 pictures in a post.';
			return undefined;
		case 'pinterest': {
			if (main.length === 0) return 'Requires at least one media';
			if (main.length > 5) return 'You can only have up to 5 media items';
			const hasPicture = main.some((m) => !isVideoPath(m.path));
			// As written in the server: only all-video sets other than two items need a cover.
			if (hasVideo && main.length !== 2 && !hasPicture)
				return 'If posting a video you have to also include a cover image as second media';
			if (hasVideo && main.length > 2)
				return 'If posting a video you can only have two media items';
			if (sizes && main.length > 1 && !hasVideo) {
				const known = main.map((m) => sizes(m.path));
				const first = known[0];
				if (known.some((s) => s?.width !== first?.width || s?.height !== first?.height)) {
					return 'Requires all images to have the same width and height';
				}
			}
			return undefined;
		}
		case 'x':
		case 'threads':
			return undefined;
	}
}

// ---------------------------------------------------------------------------------------------
// Length (the measuring itself lives in ./length)

export interface LengthCheck {
	/** The number the server compares with `max`. */
	length: number;
	max: number;
	ok: boolean;
	/** How it was counted, e.g. "312 of 280 for X: 2 links count 23 each, & counts 5 (&amp;) ×3". */
	explanation: string;
}

/**
 * A channel's text limit as the server decides it: each provider's `maxLength(additionalSettings)`
 * on the integration's stored `additionalSettings` (a JSON string or the parsed array). X gives
 * 4000 when the entry titled `Verified` has a truthy value, else 280; the others have one limit.
 * `GET /integration-settings/:id` answers the same figure as `output.maxLength`.
 */
export function maxLengthFor(provider: SupportedProvider, additionalSettings?: unknown): number {
	const rules = PROVIDER_RULES[provider];
	if (!rules.verifiedMaxLength) return rules.maxLength;
	let settings = additionalSettings;
	if (typeof settings === 'string') {
		try {
			settings = JSON.parse(settings || '[]');
		} catch {
			settings = [];
		}
	}
	const verified =
		Array.isArray(settings) &&
		!!(settings as Array<{ title?: unknown; value?: unknown } | null>).find(
			(p) => p?.title === 'Verified',
		)?.value;
	return verified ? rules.verifiedMaxLength : rules.maxLength;
}

/**
 * Whether the verdict on this text depends on the channel (X: over 280 but within the verified
 * 4000), so a client must ask the server for the channel's limit before deciding.
 */
export function lengthDependsOnChannel(provider: SupportedProvider, content: string): boolean {
	const rules = PROVIDER_RULES[provider];
	if (!rules.verifiedMaxLength) return false;
	const { length } = measurePostLength(content, provider === 'x');
	return length > rules.maxLength && length <= rules.verifiedMaxLength;
}

/**
 * Length as the server counts it for this provider, and whether it fits. `limit` is the channel's
 * limit when known (`maxLengthFor`, or `output.maxLength` of `GET /integration-settings/:id`), or
 * `true`/`false` for a verified / unverified X account.
 */
export function checkLength(
	provider: SupportedProvider,
	content: string,
	limit: boolean | number = false,
): LengthCheck {
	const rules = PROVIDER_RULES[provider];
	const measured = measurePostLength(content, provider === 'x');
	const max =
		typeof limit === 'number' && limit > 0
			? limit
			: limit === true && rules.verifiedMaxLength
				? rules.verifiedMaxLength
				: rules.maxLength;
	const notes = measured.notes.length > 0 ? `: ${measured.notes.join(', ')}` : '';
	return {
		length: measured.length,
		max,
		ok: measured.length <= max,
		explanation: `${measured.length} of ${max} for ${rules.label}${notes}`,
	};
}
