/** Rate limits (docs/postfast-api.md, Rate limits): the NestJS throttler's four named windows and both profiles' tables. */

import { POSTFAST_DEFAULT_PROFILE, type PostFastProfile } from './basics';
import { POSTFAST_ENDPOINTS } from './endpoints';
import { MAX_IMAGE_URLS_PER_REQUEST } from './media';

export const POSTFAST_WINDOWS = {
	short: 60_000,
	medium: 300_000,
	long: 3_600_000,
	daily: 86_400_000,
} as const;
export type PostFastWindow = keyof typeof POSTFAST_WINDOWS;
/** Evaluation order (ascending ttl); a 429 stops the evaluation at the refusing window. */
export const POSTFAST_WINDOW_ORDER: readonly PostFastWindow[] = [
	'short',
	'medium',
	'long',
	'daily',
];
export type WindowLimits = Partial<Record<PostFastWindow, number>>;

export interface PostFastLimitProfile {
	/** Global values, applied per endpoint unless the endpoint overrides that window. */
	defaults: Record<PostFastWindow, number>;
	/** Endpoint key (`POST /social-posts`) → the windows it overrides. */
	endpoints: Record<string, WindowLimits>;
	imageUrlsPerRequest: number;
	/** Whether a 429 also carries the standard `Retry-After` (current) or only `Retry-After-<name>`. */
	plainRetryAfter: boolean;
}

const E = POSTFAST_ENDPOINTS;

/** docs/postfast-api.md, Limits by profile: the vendor page ("docs v1") and "current". */
export const POSTFAST_PROFILES: Record<PostFastProfile, PostFastLimitProfile> = {
	vendor: {
		defaults: { short: 60, medium: 150, long: 300, daily: 1000 },
		endpoints: {
			[E.uploadUrls.key]: { daily: 150 },
			[E.listAccounts.key]: { long: 90 },
			[E.createPosts.key]: { daily: 75 },
			[E.deletePost.key]: { long: 160 },
		},
		imageUrlsPerRequest: MAX_IMAGE_URLS_PER_REQUEST.vendor,
		plainRetryAfter: false,
	},
	current: {
		defaults: { short: 72, medium: 180, long: 360, daily: 2400 },
		endpoints: {
			[E.uploadUrls.key]: { short: 180, daily: 420 },
			[E.listAccounts.key]: { long: 1260, daily: 12600 },
			[E.createPosts.key]: { short: 180, daily: 420 },
			[E.listPosts.key]: { long: 720, daily: 7200 },
			[E.deletePost.key]: { long: 200 },
			[E.bulkDelete.key]: { long: 200 },
			[E.analytics.key]: { long: 1260, daily: 12600 },
			[E.pinterestBoards.key]: { long: 330, daily: 3300 },
			[E.youtubePlaylists.key]: { long: 330, daily: 3300 },
			[E.gbpLocations.key]: { long: 330, daily: 3300 },
			[E.followerHistory.key]: { long: 720, daily: 7200 },
			[E.searchPlaces.key]: { long: 110 },
			[E.tiktokSounds.key]: { long: 110 },
			[E.connectLink.key]: { long: 60 },
			[E.inboxConversations.key]: { long: 1080, daily: 10800 },
			[E.inboxConversation.key]: { long: 1080, daily: 10800 },
			[E.inboxItems.key]: { long: 1080, daily: 10800 },
			[E.inboxUnreadCount.key]: { long: 1080, daily: 10800 },
			[E.inboxMarkRead.key]: { long: 1080, daily: 10800 },
			[E.inboxReply.key]: { short: 180, daily: 420 },
			[E.inboxPrivateReply.key]: { short: 120, daily: 360 },
			[E.inboxItemState.key]: { long: 240 },
			[E.inboxStatus.key]: { long: 720, daily: 7200 },
			[E.inboxAssign.key]: { long: 720, daily: 7200 },
		},
		imageUrlsPerRequest: MAX_IMAGE_URLS_PER_REQUEST.current,
		plainRetryAfter: true,
	},
};

/** The four effective limits of one endpoint under a profile (an override replaces only its window). */
export function limitsFor(
	endpointKey: string,
	profile: PostFastProfile = POSTFAST_DEFAULT_PROFILE,
): Record<PostFastWindow, number> {
	const p = POSTFAST_PROFILES[profile];
	return { ...p.defaults, ...(p.endpoints[endpointKey] ?? {}) };
}

/** Rate headers, lower-cased as Node delivers them. */
export const rateHeader = {
	limit: (w: PostFastWindow) => `x-ratelimit-limit-${w}`,
	remaining: (w: PostFastWindow) => `x-ratelimit-remaining-${w}`,
	/** Seconds until the window resets: a duration, not an epoch. */
	reset: (w: PostFastWindow) => `x-ratelimit-reset-${w}`,
	retryAfter: (w: PostFastWindow) => `retry-after-${w}`,
};
