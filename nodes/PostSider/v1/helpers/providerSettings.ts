/**
 * Provider settings for the ten main providers (postsider-api.md §6.1) as real fields, and how a
 * channel's `settings` object is built from them. PostSider validates settings even for drafts, so
 * required fields get safe defaults here (X `who_can_reply_post`, Instagram `post_type`, the eight
 * TikTok fields, YouTube `type`); YouTube `title` and Pinterest `board` have no safe default and
 * are left to the server to name when missing.
 */
import type { IDataObject, INodeProperties } from 'n8n-workflow';

type Field = INodeProperties & { provider: string[]; key: string };

const bool = (provider: string[], key: string, displayName: string, description: string): Field => ({
	provider,
	key,
	displayName,
	name: `${provider[0].replace(/-/g, '')}_${key}`,
	type: 'boolean',
	default: false,
	description,
});

const text = (provider: string[], key: string, displayName: string, description: string): Field => ({
	provider,
	key,
	displayName,
	name: `${provider[0].replace(/-/g, '')}_${key}`,
	type: 'string',
	default: '',
	description,
});

const choice = (
	provider: string[],
	key: string,
	displayName: string,
	values: string[],
	defaultValue: string,
	description: string,
): Field => ({
	provider,
	key,
	displayName,
	name: `${provider[0].replace(/-/g, '')}_${key}`,
	type: 'options',
	options: values.map((value) => ({ name: value, value })),
	default: defaultValue,
	description,
});

const X = ['x'];
const LINKEDIN = ['linkedin', 'linkedin-page'];
const INSTAGRAM = ['instagram', 'instagram-standalone'];
const FACEBOOK = ['facebook'];
const TIKTOK = ['tiktok'];
const YOUTUBE = ['youtube'];
const PINTEREST = ['pinterest'];

const FIELDS: Field[] = [
	choice(X, 'who_can_reply_post', 'X: Who Can Reply', ['everyone', 'following', 'mentionedUsers', 'subscribers', 'verified'], 'everyone', 'Who may reply to the post on X'),
	text(X, 'community', 'X: Community URL', 'Post into an X community, e.g. https://x.com/i/communities/1493446837214187523'),
	bool(X, 'made_with_ai', 'X: Made With AI', 'Label the post as made with AI'),
	bool(X, 'paid_partnership', 'X: Paid Partnership', 'Label the post as a paid partnership'),
	bool(LINKEDIN, 'post_as_images_carousel', 'LinkedIn: Post Images as Carousel', 'Publish two or more images (no video) as a document carousel'),
	text(LINKEDIN, 'carousel_name', 'LinkedIn: Carousel Name', 'Title of the carousel document'),
	choice(INSTAGRAM, 'post_type', 'Instagram: Post Type', ['post', 'story'], 'post', 'Feed post or story'),
	bool(INSTAGRAM, 'is_trial_reel', 'Instagram: Trial Reel', 'Share a single video as a trial reel to non-followers first'),
	choice(INSTAGRAM, 'graduation_strategy', 'Instagram: Trial Reel Graduation', ['MANUAL', 'SS_PERFORMANCE'], 'MANUAL', 'How a trial reel graduates to followers'),
	text(INSTAGRAM, 'collaborators', 'Instagram: Collaborators', 'Comma-separated Instagram user names to invite as collaborators'),
	choice(FACEBOOK, 'post_type', 'Facebook: Post Type', ['post', 'story'], 'post', 'Feed post or story (a story needs media)'),
	text(FACEBOOK, 'url', 'Facebook: Link URL', 'A link to attach to the post'),
	choice(TIKTOK, 'privacy_level', 'TikTok: Privacy', ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'FOLLOWER_OF_CREATOR', 'SELF_ONLY'], 'PUBLIC_TO_EVERYONE', 'Who can watch the video'),
	bool(TIKTOK, 'duet', 'TikTok: Allow Duet', 'Allow duets'),
	bool(TIKTOK, 'stitch', 'TikTok: Allow Stitch', 'Allow stitches'),
	{ ...bool(TIKTOK, 'comment', 'TikTok: Allow Comments', 'Allow comments'), default: true },
	choice(TIKTOK, 'autoAddMusic', 'TikTok: Auto Add Music', ['no', 'yes'], 'no', 'Let TikTok add music to photo posts'),
	bool(TIKTOK, 'brand_content_toggle', 'TikTok: Branded Content', 'Disclose the video as branded content (paid partnership)'),
	bool(TIKTOK, 'brand_organic_toggle', 'TikTok: Your Brand', 'Disclose the video as promoting your own brand'),
	choice(TIKTOK, 'content_posting_method', 'TikTok: Posting Method', ['DIRECT_POST', 'UPLOAD'], 'DIRECT_POST', 'Publish directly, or upload to the TikTok inbox for editing'),
	text(TIKTOK, 'title', 'TikTok: Title', 'Title of a photo post (at most 90 characters)'),
	bool(TIKTOK, 'video_made_with_ai', 'TikTok: Made With AI', 'Label the video as AI-generated'),
	text(YOUTUBE, 'title', 'YouTube: Title', 'Video title, 2 to 100 characters (required for YouTube channels)'),
	choice(YOUTUBE, 'type', 'YouTube: Visibility', ['public', 'private', 'unlisted'], 'public', 'Video visibility'),
	choice(YOUTUBE, 'selfDeclaredMadeForKids', 'YouTube: Made for Kids', ['no', 'yes'], 'no', 'Whether the video is made for kids'),
	text(YOUTUBE, 'tags', 'YouTube: Tags', 'Comma-separated video tags (500 characters in total at most)'),
	text(PINTEREST, 'board', 'Pinterest: Board ID', 'The board to pin to (required for Pinterest channels; list boards with Channel → Get Settings Schema)'),
	text(PINTEREST, 'title', 'Pinterest: Title', 'Pin title (at most 100 characters)'),
	text(PINTEREST, 'link', 'Pinterest: Link', 'Destination URL of the pin'),
	text(PINTEREST, 'dominant_color', 'Pinterest: Dominant Color', 'Background color while the pin loads, e.g. #6E7874'),
];

/** Defaults the server requires even for drafts; applied whenever a channel of that provider is posted to. */
const REQUIRED_DEFAULTS: Record<string, IDataObject> = {
	x: { who_can_reply_post: 'everyone' },
	instagram: { post_type: 'post' },
	'instagram-standalone': { post_type: 'post' },
	tiktok: {
		privacy_level: 'PUBLIC_TO_EVERYONE',
		duet: false,
		stitch: false,
		comment: true,
		autoAddMusic: 'no',
		brand_content_toggle: false,
		brand_organic_toggle: false,
		content_posting_method: 'DIRECT_POST',
	},
	youtube: { type: 'public' },
};

/** The "Provider Settings" collection of Post → Create. */
export const providerSettingsProperty: INodeProperties = {
	displayName: 'Provider Settings',
	name: 'providerSettings',
	type: 'collection',
	placeholder: 'Add Provider Setting',
	default: {},
	description:
		'Settings for the channels of each provider; a setting applies to every chosen channel of that provider. Required values the node can choose safely are filled in for you.',
	options: FIELDS.map((field) => {
		const property: INodeProperties & Partial<Pick<Field, 'provider' | 'key'>> = { ...field };
		delete property.provider;
		delete property.key;
		return property;
	}),
};

function listOf(value: string): string[] {
	return value
		.split(',')
		.map((v) => v.trim())
		.filter(Boolean);
}

/** Turns a UI value into the API's shape where they differ. */
function apiValue(provider: string, key: string, value: unknown): unknown {
	if (typeof value !== 'string') return value;
	if (INSTAGRAM.includes(provider) && key === 'collaborators') return listOf(value).map((label) => ({ label }));
	if (provider === 'youtube' && key === 'tags') return listOf(value).map((label) => ({ value: label, label }));
	return value;
}

/**
 * `settings` for one channel: required defaults, then the chosen provider fields, then the JSON
 * escape hatch keyed by provider identifier, then keyed by channel id (most specific wins).
 */
export function settingsFor(
	channel: { id: string; identifier: string },
	chosen: IDataObject,
	json: IDataObject,
): IDataObject {
	const settings: IDataObject = { ...(REQUIRED_DEFAULTS[channel.identifier] ?? {}) };
	for (const field of FIELDS) {
		if (!field.provider.includes(channel.identifier)) continue;
		const value = chosen[field.name];
		if (value === undefined || value === '') continue;
		settings[field.key] = apiValue(channel.identifier, field.key, value) as IDataObject[string];
	}
	const byProvider = json[channel.identifier];
	const byChannel = json[channel.id];
	if (byProvider && typeof byProvider === 'object') Object.assign(settings, byProvider);
	if (byChannel && typeof byChannel === 'object') Object.assign(settings, byChannel);
	return settings;
}
