/**
 * The controls catalogue (docs/postfast-api.md, Creating posts): every control, its platform, type, values and default.
 *
 * One file on purpose: it is a data table (CONTROLS) with the few look-ups over it.
 */

import { type Platform, type PostFastProfile } from './basics';

export type ControlType = 'string' | 'boolean' | 'enum' | 'string[]';

export interface ControlDef {
	name: string;
	platform: Platform;
	type: ControlType;
	values?: readonly string[];
	default?: string | boolean | string[] | null;
	maxLength?: number;
	minLength?: number;
	maxItems?: number;
	/** Whether posts to this platform need it. */
	requiredForPlatform?: boolean;
	/** On the vendor page (the rest come from the newer reference). */
	onVendorPage?: boolean;
	/** Accepted but does nothing (deprecated or retired by the backend). */
	noOp?: boolean;
	description: string;
}

function c(def: ControlDef): ControlDef {
	return def;
}

export const CONTROLS: readonly ControlDef[] = [
	// TikTok
	c({
		name: 'tiktokTitle',
		platform: 'TIKTOK',
		type: 'string',
		maxLength: 90,
		description: 'Title of a photo carousel',
	}),
	c({
		name: 'tiktokPrivacy',
		platform: 'TIKTOK',
		type: 'enum',
		values: ['PUBLIC', 'MUTUAL_FRIENDS', 'FOLLOWER_OF_CREATOR', 'ONLY_ME'],
		default: 'PUBLIC',
		onVendorPage: true,
		noOp: true,
		description: 'Deprecated: ignored on Business-API accounts',
	}),
	c({
		name: 'tiktokIsDraft',
		platform: 'TIKTOK',
		type: 'boolean',
		default: false,
		onVendorPage: true,
		description: 'Save as a TikTok draft',
	}),
	c({
		name: 'tiktokAllowComments',
		platform: 'TIKTOK',
		type: 'boolean',
		default: true,
		onVendorPage: true,
		description: 'Allow comments',
	}),
	c({
		name: 'tiktokAllowDuet',
		platform: 'TIKTOK',
		type: 'boolean',
		default: true,
		onVendorPage: true,
		description: 'Allow duets',
	}),
	c({
		name: 'tiktokAllowStitch',
		platform: 'TIKTOK',
		type: 'boolean',
		default: true,
		onVendorPage: true,
		description: 'Allow stitches',
	}),
	c({
		name: 'tiktokBrandOrganic',
		platform: 'TIKTOK',
		type: 'boolean',
		default: false,
		onVendorPage: true,
		description: 'Brand organic content',
	}),
	c({
		name: 'tiktokBrandContent',
		platform: 'TIKTOK',
		type: 'boolean',
		default: false,
		onVendorPage: true,
		description: 'Branded content',
	}),
	c({
		name: 'tiktokAutoAddMusic',
		platform: 'TIKTOK',
		type: 'boolean',
		default: false,
		onVendorPage: true,
		description: 'Auto-add music (photo posts only); exclusive with tiktokMusicSoundId',
	}),
	c({
		name: 'tiktokIsAigc',
		platform: 'TIKTOK',
		type: 'boolean',
		default: false,
		description: 'AI-generated content label',
	}),
	c({
		name: 'tiktokMusicSoundId',
		platform: 'TIKTOK',
		type: 'string',
		maxLength: 128,
		description: 'Sound id from tiktok-sounds; exclusive with tiktokAutoAddMusic',
	}),
	c({
		name: 'tiktokMusicSoundName',
		platform: 'TIKTOK',
		type: 'string',
		maxLength: 256,
		description: 'Display name of the sound',
	}),
	// Instagram
	c({
		name: 'instagramPublishType',
		platform: 'INSTAGRAM',
		type: 'enum',
		values: ['TIMELINE', 'STORY', 'REEL'],
		default: 'TIMELINE',
		onVendorPage: true,
		description: 'Timeline post, story or reel',
	}),
	c({
		name: 'instagramPostToGrid',
		platform: 'INSTAGRAM',
		type: 'boolean',
		default: true,
		onVendorPage: true,
		description: 'Show a reel on the profile grid',
	}),
	c({
		name: 'instagramCollaborators',
		platform: 'INSTAGRAM',
		type: 'string[]',
		maxItems: 3,
		default: [],
		onVendorPage: true,
		description: 'Up to 3 collaborator usernames',
	}),
	c({
		name: 'instagramTrialReelStrategy',
		platform: 'INSTAGRAM',
		type: 'enum',
		values: ['MANUAL', 'SS_PERFORMANCE'],
		description: 'Trial reel (REEL only, no collaborators)',
	}),
	c({
		name: 'instagramLocationId',
		platform: 'INSTAGRAM',
		type: 'string',
		description: 'Numeric Facebook Page id of a place (search-places)',
	}),
	c({
		name: 'instagramLocationName',
		platform: 'INSTAGRAM',
		type: 'string',
		description: 'Display name of the location',
	}),
	c({
		name: 'instagramIsAiGenerated',
		platform: 'INSTAGRAM',
		type: 'boolean',
		description: 'AI-generated label',
	}),
	// Facebook
	c({
		name: 'facebookContentType',
		platform: 'FACEBOOK',
		type: 'enum',
		values: ['POST', 'REEL', 'STORY'],
		default: 'POST',
		onVendorPage: true,
		description: 'POST (≤10 photos or 1 video), REEL (1 video), STORY (1 image or video)',
	}),
	c({
		name: 'facebookReelsCollaborators',
		platform: 'FACEBOOK',
		type: 'string[]',
		default: [],
		onVendorPage: true,
		description: 'Reel collaborators',
	}),
	c({
		name: 'facebookPlaceId',
		platform: 'FACEBOOK',
		type: 'string',
		description: 'Numeric place id (POST with images only)',
	}),
	c({
		name: 'facebookPlaceName',
		platform: 'FACEBOOK',
		type: 'string',
		description: 'Display name of the place',
	}),
	c({
		name: 'facebookTargetCountries',
		platform: 'FACEBOOK',
		type: 'string[]',
		maxItems: 25,
		description: 'Up to 25 ISO-3166 alpha-2 codes (POST only)',
	}),
	// YouTube
	c({
		name: 'youtubeIsShort',
		platform: 'YOUTUBE',
		type: 'boolean',
		default: true,
		onVendorPage: true,
		description: 'Publish as a Short',
	}),
	c({
		name: 'youtubeMadeForKids',
		platform: 'YOUTUBE',
		type: 'boolean',
		default: false,
		onVendorPage: true,
		description: 'COPPA made-for-kids flag',
	}),
	c({
		name: 'youtubeContainsSyntheticMedia',
		platform: 'YOUTUBE',
		type: 'boolean',
		default: false,
		description: 'Altered or synthetic content disclosure',
	}),
	c({
		name: 'youtubeTitle',
		platform: 'YOUTUBE',
		type: 'string',
		maxLength: 100,
		description: 'Title (default: first 100 characters of the content); no < or >',
	}),
	c({
		name: 'youtubeCategoryId',
		platform: 'YOUTUBE',
		type: 'string',
		default: null,
		onVendorPage: true,
		description: 'YouTube category id',
	}),
	c({
		name: 'youtubePlaylistId',
		platform: 'YOUTUBE',
		type: 'string',
		description: 'playlistId from youtube-playlists',
	}),
	c({
		name: 'youtubeThumbnailKey',
		platform: 'YOUTUBE',
		type: 'string',
		description: 'Uploaded image key',
	}),
	c({
		name: 'youtubeLanguage',
		platform: 'YOUTUBE',
		type: 'string',
		description: 'BCP-47 language (needed with a caption)',
	}),
	c({
		name: 'youtubeCaptionKey',
		platform: 'YOUTUBE',
		type: 'string',
		description: 'Uploaded caption key (file/….srt|vtt)',
	}),
	c({
		name: 'youtubePrivacy',
		platform: 'YOUTUBE',
		type: 'enum',
		values: ['PUBLIC', 'PRIVATE', 'UNLISTED'],
		default: 'PUBLIC',
		onVendorPage: true,
		description: 'Video privacy',
	}),
	c({
		name: 'youtubeTags',
		platform: 'YOUTUBE',
		type: 'string[]',
		default: [],
		onVendorPage: true,
		description: 'Video tags',
	}),
	// LinkedIn
	c({
		name: 'linkedinAttachmentKey',
		platform: 'LINKEDIN',
		type: 'string',
		description: 'Uploaded document key (file/…); documents never go in mediaItems',
	}),
	c({
		name: 'linkedinAttachmentTitle',
		platform: 'LINKEDIN',
		type: 'string',
		default: 'Document',
		description: 'Document title',
	}),
	// X
	c({
		name: 'xRetweetUrl',
		platform: 'X',
		type: 'string',
		description: 'Repost this x.com/twitter.com URL (content and media ignored)',
	}),
	c({
		name: 'xCommunityId',
		platform: 'X',
		type: 'string',
		onVendorPage: true,
		noOp: true,
		description: 'Retired by the backend: accepted and ignored',
	}),
	// Pinterest
	c({
		name: 'pinterestBoardId',
		platform: 'PINTEREST',
		type: 'string',
		requiredForPlatform: true,
		description: 'boardId from pinterest-boards (required)',
	}),
	c({
		name: 'pinterestLink',
		platform: 'PINTEREST',
		type: 'string',
		description: 'Destination link',
	}),
	// Google Business Profile
	c({
		name: 'gbpLocationId',
		platform: 'GOOGLE_BUSINESS_PROFILE',
		type: 'string',
		requiredForPlatform: true,
		description: 'locationId from gbp-locations (required)',
	}),
	c({
		name: 'gbpTopicType',
		platform: 'GOOGLE_BUSINESS_PROFILE',
		type: 'enum',
		values: ['STANDARD', 'EVENT', 'OFFER'],
		default: 'STANDARD',
		description: 'Post type; EVENT and OFFER need start and end dates',
	}),
	c({
		name: 'gbpCallToActionType',
		platform: 'GOOGLE_BUSINESS_PROFILE',
		type: 'enum',
		values: ['BOOK', 'ORDER', 'SHOP', 'LEARN_MORE', 'SIGN_UP', 'CALL'],
		description: 'Call-to-action button',
	}),
	c({
		name: 'gbpCallToActionUrl',
		platform: 'GOOGLE_BUSINESS_PROFILE',
		type: 'string',
		description: 'Call-to-action URL',
	}),
	c({
		name: 'gbpEventTitle',
		platform: 'GOOGLE_BUSINESS_PROFILE',
		type: 'string',
		maxLength: 58,
		description: 'Event title',
	}),
	c({
		name: 'gbpEventStartDate',
		platform: 'GOOGLE_BUSINESS_PROFILE',
		type: 'string',
		description: 'Event/offer start (ISO 8601)',
	}),
	c({
		name: 'gbpEventEndDate',
		platform: 'GOOGLE_BUSINESS_PROFILE',
		type: 'string',
		description: 'Event/offer end (ISO 8601)',
	}),
	c({
		name: 'gbpOfferCouponCode',
		platform: 'GOOGLE_BUSINESS_PROFILE',
		type: 'string',
		description: 'Offer coupon code',
	}),
	c({
		name: 'gbpOfferRedeemUrl',
		platform: 'GOOGLE_BUSINESS_PROFILE',
		type: 'string',
		description: 'Offer redeem URL',
	}),
	c({
		name: 'gbpOfferTerms',
		platform: 'GOOGLE_BUSINESS_PROFILE',
		type: 'string',
		description: 'Offer terms',
	}),
	// Threads
	c({
		name: 'threadsTopicTag',
		platform: 'THREADS',
		type: 'string',
		minLength: 1,
		maxLength: 50,
		description: 'Topic tag: 1–50 characters, no "." or "&"',
	}),
];

export type PostControls = Partial<Record<string, string | boolean | string[] | null>>;

export function controlDef(name: string): ControlDef | undefined {
	return CONTROLS.find((d) => d.name === name);
}

export function controlsForPlatform(platform: Platform): ControlDef[] {
	return CONTROLS.filter((d) => d.platform === platform);
}

/** Platforms that accept `firstComment` (docs/postfast-api.md, Creating posts); the others answer a validation error. */
export const FIRST_COMMENT_PLATFORMS: readonly Platform[] = [
	'X',
	'INSTAGRAM',
	'FACEBOOK',
	'YOUTUBE',
	'THREADS',
	'TIKTOK',
];
export const TIKTOK_FIRST_COMMENT_MAX = 1200;
/** Platforms where a post needs at least one media item, even as a draft (docs/postfast-api.md, Creating posts). */
export const MEDIA_REQUIRED_PLATFORMS: readonly Platform[] = [
	'TIKTOK',
	'YOUTUBE',
	'INSTAGRAM',
	'PINTEREST',
	'GOOGLE_BUSINESS_PROFILE',
];

/** Per-account publishes per day (fair use, docs/postfast-api.md, Creating posts), reset at midnight UTC. Vendor page: X 5. */
export const FAIR_USE_DAILY_PUBLISHES: Record<
	PostFastProfile,
	Partial<Record<Platform, number>>
> = {
	vendor: { X: 5 },
	current: {
		INSTAGRAM: 35,
		FACEBOOK: 25,
		LINKEDIN: 35,
		TIKTOK: 15,
		YOUTUBE: 10,
		PINTEREST: 15,
		BLUESKY: 70,
		THREADS: 65,
		TELEGRAM: 25,
		GOOGLE_BUSINESS_PROFILE: 5,
		X: 6,
	},
};
