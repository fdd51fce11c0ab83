/**
 * The PostFast API facts the node uses, all from the one API definition (contract/postfast.ts).
 * The node cannot know which limit profile the server runs, so it accepts every content type any
 * profile accepts (the server has the last word) and defaults to the vendor page's image count.
 */
import {
	MAX_IMAGE_URLS_PER_REQUEST as IMAGE_URLS_BY_PROFILE,
	POSTFAST_DEFAULT_PROFILE,
	acceptedContentTypes,
	mediaTypeForContentType,
	pathOf,
} from '../../../../contract/postfast';

export {
	CONTROLS,
	MAX_BULK_DELETE_IDS,
	MAX_FILTER_IDS,
	MAX_MEDIA_ITEMS_PER_POST,
	MAX_PAGE_SIZE,
	MAX_POSTS_PER_REQUEST,
	TIKTOK_SOUND_DATE_RANGES,
	checkPostForPlatform,
	checkControlTypes,
	checkScheduledAt,
	existingPostsQuery,
	findExisting,
	strictestFileSizeCap,
	redactSignedUrl,
	type ControlDef,
	type CreatePostsResponse,
	type ListedPost,
	type Platform,
	type PostControls,
	type PostsPage,
	type SignedUpload,
	type SocialAccount,
} from '../../../../contract/postfast';

/** A PostFast ID (accounts, posts): a UUID, as a pattern string for the editor's regex validation. */
export const UUID_REGEX =
	'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

export const UPLOAD_URLS_PATH = pathOf('uploadUrls');
export const ACCOUNTS_PATH = pathOf('listAccounts');
export const POSTS_PATH = pathOf('createPosts');
export const BULK_DELETE_PATH = pathOf('bulkDelete');
export const ANALYTICS_PATH = pathOf('analytics');
export const CONNECT_LINK_PATH = pathOf('connectLink');
export const SEARCH_PLACES_PATH = pathOf('searchPlaces');
export const postPath = (id: string) => pathOf('deletePost', { id });
export const ACCOUNT_LISTS = {
	'pinterest-boards': 'pinterestBoards',
	'youtube-playlists': 'youtubePlaylists',
	'gbp-locations': 'gbpLocations',
	'follower-history': 'followerHistory',
	'tiktok-sounds': 'tiktokSounds',
} as const;
export const accountPath = (id: string, what: keyof typeof ACCOUNT_LISTS) =>
	pathOf(ACCOUNT_LISTS[what], { id });

/** Image upload URLs per request under the vendor page's limits (the default profile). */
export const MAX_IMAGE_URLS_PER_REQUEST = IMAGE_URLS_BY_PROFILE[POSTFAST_DEFAULT_PROFILE];
/** The most any profile gives (the "Images per URL Request" option may go up to it). */
export const MAX_IMAGE_URLS_ANY_PROFILE = Math.max(...Object.values(IMAGE_URLS_BY_PROFILE));

/** Every content type some profile accepts for upload. */
export const ACCEPTED_CONTENT_TYPES = [
	...new Set([...acceptedContentTypes('vendor'), ...acceptedContentTypes('current')]),
];

/** `IMAGE` / `VIDEO` for mediaItems; `FILE` for documents and captions (keys for controls). */
export function mediaTypeOf(contentType: string): 'IMAGE' | 'VIDEO' | 'FILE' {
	return mediaTypeForContentType(contentType) ?? 'FILE';
}
