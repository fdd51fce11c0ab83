/**
 * PostFast's platform controls (postfast-api.md §2.11), one collection per platform. PostFast applies
 * `controls` to every post of a create request, so the node sends each post only the collection of
 * its own account's platform and batches posts whose resulting controls are equal.
 */
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

type ControlKind = 'boolean' | 'string' | 'list' | 'options' | 'pickBoard' | 'pickPlaylist' | 'pickLocation';

interface ControlSpec {
	name: string;
	displayName: string;
	kind: ControlKind;
	description: string;
	default?: boolean | string;
	options?: string[];
	/** For `list`: the maximum number of entries PostFast accepts. */
	max?: number;
}

export interface PlatformControls {
	/** Account platform as PostFast names it. */
	platform: string;
	/** Node parameter holding this platform's controls. */
	parameter: string;
	displayName: string;
	controls: ControlSpec[];
}

const bool = (name: string, displayName: string, def: boolean, description: string): ControlSpec => ({
	name,
	displayName,
	kind: 'boolean',
	default: def,
	description,
});
const text = (name: string, displayName: string, description: string): ControlSpec => ({
	name,
	displayName,
	kind: 'string',
	description,
});
const choice = (name: string, displayName: string, options: string[], def: string, description: string): ControlSpec => ({
	name,
	displayName,
	kind: 'options',
	options,
	default: def,
	description,
});
const list = (name: string, displayName: string, description: string, max?: number): ControlSpec => ({
	name,
	displayName,
	kind: 'list',
	description: `${description} (comma-separated)`,
	...(max ? { max } : {}),
});

export const PLATFORM_CONTROLS: PlatformControls[] = [
	{
		platform: 'TIKTOK',
		parameter: 'tiktokControls',
		displayName: 'TikTok Controls',
		controls: [
			bool('tiktokAllowComments', 'Allow Comments', true, 'Whether viewers may comment'),
			bool('tiktokAllowDuet', 'Allow Duet', true, 'Whether viewers may duet'),
			bool('tiktokAllowStitch', 'Allow Stitch', true, 'Whether viewers may stitch'),
			bool('tiktokAutoAddMusic', 'Auto Add Music', false, 'Whether TikTok adds music to a photo post (not with a music sound ID)'),
			bool('tiktokBrandContent', 'Branded Content', false, 'Whether the post is paid partnership content'),
			bool('tiktokBrandOrganic', 'Brand Organic', false, 'Whether the post promotes your own brand'),
			bool('tiktokIsAigc', 'AI-Generated Content', false, 'Whether the content is AI-generated'),
			bool('tiktokIsDraft', 'Send as TikTok Draft', false, 'Whether to send to the TikTok inbox as a draft instead of publishing'),
			text('tiktokMusicSoundId', 'Music Sound ID', 'A TikTok commercial sound ID (max 128 characters)'),
			text('tiktokMusicSoundName', 'Music Sound Name', 'Display name of the sound (max 256 characters)'),
			choice('tiktokPrivacy', 'Privacy', ['PUBLIC', 'MUTUAL_FRIENDS', 'FOLLOWER_OF_CREATOR', 'ONLY_ME'], 'PUBLIC', 'Who can view the post (ignored on Business-API accounts)'),
			text('tiktokTitle', 'Title', 'Title of a photo carousel (max 90 characters)'),
		],
	},
	{
		platform: 'INSTAGRAM',
		parameter: 'instagramControls',
		displayName: 'Instagram Controls',
		controls: [
			list('instagramCollaborators', 'Collaborators', 'Up to 3 Instagram usernames', 3),
			bool('instagramIsAiGenerated', 'AI-Generated', false, 'Whether to label the post as AI-generated'),
			text('instagramLocationId', 'Location ID', 'A numeric Facebook Page ID for the location tag'),
			text('instagramLocationName', 'Location Name', 'Display name of the location'),
			bool('instagramPostToGrid', 'Post to Grid', true, 'Whether a Reel also appears on the profile grid'),
			choice('instagramPublishType', 'Publish Type', ['TIMELINE', 'STORY', 'REEL'], 'TIMELINE', 'Where the post is published'),
			choice('instagramTrialReelStrategy', 'Trial Reel Strategy', ['MANUAL', 'SS_PERFORMANCE'], 'MANUAL', 'Publish as a trial Reel (Publish Type must be REEL, no collaborators)'),
		],
	},
	{
		platform: 'FACEBOOK',
		parameter: 'facebookControls',
		displayName: 'Facebook Controls',
		controls: [
			choice('facebookContentType', 'Content Type', ['POST', 'REEL', 'STORY'], 'POST', 'POST: up to 10 photos or 1 video; REEL: 1 video; STORY: 1 image or video'),
			text('facebookPlaceId', 'Place ID', 'A numeric Facebook Page ID to tag as the place'),
			text('facebookPlaceName', 'Place Name', 'Display name of the place'),
			list('facebookReelsCollaborators', 'Reels Collaborators', 'Facebook usernames to invite as Reel collaborators'),
			list('facebookTargetCountries', 'Target Countries', 'Up to 25 ISO 3166 alpha-2 country codes', 25),
		],
	},
	{
		platform: 'YOUTUBE',
		parameter: 'youtubeControls',
		displayName: 'YouTube Controls',
		controls: [
			text('youtubeCaptionKey', 'Caption File Key', 'Key of an uploaded .srt or .vtt file (file/…); needs Language'),
			text('youtubeCategoryId', 'Category ID', 'YouTube category ID, e.g. 22'),
			bool('youtubeContainsSyntheticMedia', 'Contains Synthetic Media', false, 'Whether the video contains realistic altered or synthetic content'),
			bool('youtubeIsShort', 'Is Short', true, 'Whether the video is a YouTube Short'),
			text('youtubeLanguage', 'Language', 'BCP-47 language of the video, e.g. en or pt-BR'),
			bool('youtubeMadeForKids', 'Made for Kids', false, 'Whether the video is made for kids (COPPA)'),
			{ name: 'youtubePlaylistId', displayName: 'Playlist Name or ID', kind: 'pickPlaylist', description: 'Playlist to add the video to. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.' },
			choice('youtubePrivacy', 'Privacy', ['PUBLIC', 'PRIVATE', 'UNLISTED'], 'PUBLIC', 'Who can view the video'),
			list('youtubeTags', 'Tags', 'Video tags'),
			text('youtubeThumbnailKey', 'Thumbnail Key', 'Key of an uploaded image to use as the thumbnail'),
			text('youtubeTitle', 'Title', 'Video title (max 100 characters, no < or >; default: the first 100 characters of the content)'),
		],
	},
	{
		platform: 'LINKEDIN',
		parameter: 'linkedinControls',
		displayName: 'LinkedIn Controls',
		controls: [
			text('linkedinAttachmentKey', 'Document Key', 'Key of an uploaded PDF/Office document (file/…) to attach'),
			text('linkedinAttachmentTitle', 'Document Title', 'Title shown for the document (default: Document)'),
		],
	},
	{
		platform: 'X',
		parameter: 'xControls',
		displayName: 'X Controls',
		controls: [text('xRetweetUrl', 'Retweet URL', 'Repost this x.com post instead (content and media are then ignored)')],
	},
	{
		platform: 'PINTEREST',
		parameter: 'pinterestControls',
		displayName: 'Pinterest Controls',
		controls: [
			{ name: 'pinterestBoardId', displayName: 'Board Name or ID', kind: 'pickBoard', description: 'Board to pin to (required for Pinterest). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.' },
			text('pinterestLink', 'Link', 'Destination link of the pin'),
		],
	},
	{
		platform: 'GOOGLE_BUSINESS_PROFILE',
		parameter: 'gbpControls',
		displayName: 'Google Business Profile Controls',
		controls: [
			choice('gbpCallToActionType', 'Call to Action Type', ['BOOK', 'ORDER', 'SHOP', 'LEARN_MORE', 'SIGN_UP', 'CALL'], 'LEARN_MORE', 'Button shown on the post'),
			text('gbpCallToActionUrl', 'Call to Action URL', 'Where the button leads'),
			text('gbpEventEndDate', 'Event End Date', 'ISO 8601 end of the event or offer'),
			text('gbpEventStartDate', 'Event Start Date', 'ISO 8601 start of the event or offer'),
			text('gbpEventTitle', 'Event Title', 'Title of the event or offer (max 58 characters)'),
			{ name: 'gbpLocationId', displayName: 'Location Name or ID', kind: 'pickLocation', description: 'Business location (required for Google Business Profile). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.' },
			text('gbpOfferCouponCode', 'Offer Coupon Code', 'Coupon code of an OFFER post'),
			text('gbpOfferRedeemUrl', 'Offer Redeem URL', 'Where to redeem an OFFER'),
			text('gbpOfferTerms', 'Offer Terms', 'Terms of an OFFER'),
			choice('gbpTopicType', 'Topic Type', ['STANDARD', 'EVENT', 'OFFER'], 'STANDARD', 'Kind of post (EVENT and OFFER need dates)'),
		],
	},
	{
		platform: 'THREADS',
		parameter: 'threadsControls',
		displayName: 'Threads Controls',
		controls: [text('threadsTopicTag', 'Topic Tag', 'Topic tag, 1–50 characters, no . or &')],
	},
];

const LOAD_METHODS: Partial<Record<ControlKind, string>> = {
	pickBoard: 'getPinterestBoards',
	pickPlaylist: 'getYoutubePlaylists',
	pickLocation: 'getGbpLocations',
};

function optionsOf(values: string[]): INodePropertyOptions[] {
	return values.map((value) => ({
		name: value
			.toLowerCase()
			.split('_')
			.map((word) => word.charAt(0).toUpperCase() + word.slice(1))
			.join(' '),
		value,
	}));
}

function propertyOf(spec: ControlSpec): INodeProperties {
	const base = { displayName: spec.displayName, name: spec.name, description: spec.description };
	switch (spec.kind) {
		case 'boolean':
			return { ...base, type: 'boolean', default: spec.default ?? false };
		case 'options':
			return { ...base, type: 'options', options: optionsOf(spec.options ?? []), default: spec.default ?? '' };
		case 'list':
		case 'string':
			return { ...base, type: 'string', default: '' };
		default:
			return {
				...base,
				type: 'options',
				default: '',
				typeOptions: { loadOptionsMethod: LOAD_METHODS[spec.kind], loadOptionsDependsOn: ['account.value'] },
			};
	}
}

/** One "<Platform> Controls" collection per platform. */
export const controlsProperties: INodeProperties[] = PLATFORM_CONTROLS.map((group) => ({
	displayName: group.displayName,
	name: group.parameter,
	type: 'collection',
	placeholder: 'Add Control',
	default: {},
	description: `Sent only with posts to ${group.displayName.replace(' Controls', '')} accounts`,
	options: group.controls.map(propertyOf),
}));

/** `list` controls and their caps, for turning comma-separated text into arrays. */
export const LIST_CONTROLS = new Map(
	PLATFORM_CONTROLS.flatMap((group) => group.controls.filter((c) => c.kind === 'list').map((c) => [c.name, c.max] as const)),
);
