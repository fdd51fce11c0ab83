/**
 * The PostFast public REST API, defined once (postfast-api.md, postfast-vendor-doc.txt).
 *
 * Used by the n8n node, the daemon and the emulator alike: endpoints, payload types, the rate
 * limits of each profile, the controls catalogue, media rules and the request checks a client can
 * make before sending. No runtime dependencies and no process/timers/fs (n8n community lint).
 *
 * Profiles (shared/README.md "Decisions"): `vendor` is the vendor page (postfast-vendor-doc.txt,
 * the default contract); `current` is the newest vendor reference (postfast-api.md §3.6 "current").
 */

// ---------------------------------------------------------------------------------------------
// Transport and auth (§1.1)

export const POSTFAST_DEFAULT_BASE_URL = 'https://api.postfa.st';
/** The only auth header PostFast reads. Never send it to the S3 signed URL (§7.1). */
export const POSTFAST_AUTH_HEADER = 'pf-api-key';

export type PostFastProfile = 'vendor' | 'current';
export const POSTFAST_PROFILE_NAMES: readonly PostFastProfile[] = ['vendor', 'current'];
export const POSTFAST_DEFAULT_PROFILE: PostFastProfile = 'vendor';

// ---------------------------------------------------------------------------------------------
// Enumerations (§1.5)

export const PLATFORMS = [
	'TIKTOK',
	'INSTAGRAM',
	'FACEBOOK',
	'X',
	'YOUTUBE',
	'LINKEDIN',
	'THREADS',
	'BLUESKY',
	'PINTEREST',
	'TELEGRAM',
	'GOOGLE_BUSINESS_PROFILE',
] as const;
export type Platform = (typeof PLATFORMS)[number];

export const POST_STATUSES = ['DRAFT', 'SCHEDULED', 'PUBLISHED', 'FAILED'] as const;
export type PostStatus = (typeof POST_STATUSES)[number];
/** What `POST /social-posts` accepts as top-level `status` (default SCHEDULED). */
export const CREATE_STATUSES = ['DRAFT', 'SCHEDULED'] as const;
export type CreateStatus = (typeof CREATE_STATUSES)[number];

/** What `POST /social-posts` accepts as top-level `approvalStatus` (default APPROVED). */
export const CREATE_APPROVAL_STATUSES = ['APPROVED', 'PENDING_APPROVAL'] as const;
export type CreateApprovalStatus = (typeof CREATE_APPROVAL_STATUSES)[number];
/** What reads may return. */
export const APPROVAL_STATUSES = [
	'PENDING_APPROVAL',
	'IN_PROGRESS',
	'APPROVED',
	'REJECTED',
	'NEEDS_WORK',
] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

export const MEDIA_TYPES = ['IMAGE', 'VIDEO'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

export const CONNECTION_STATUSES = ['CONNECTED', 'DISABLED'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];
export const DISABLED_REASONS = [
	'TOKEN_REVOKED',
	'ACCOUNT_SUSPENDED',
	'PERMISSION_REVOKED',
	'MANUAL',
] as const;
export type DisabledReason = (typeof DISABLED_REASONS)[number];

/** Special `lastError.code` values on listed posts (§2.12). */
export const POST_ERROR_CODES = ['MISSED_DISCONNECTED', 'MISSED_NOT_PUBLISHED'] as const;

// ---------------------------------------------------------------------------------------------
// Upload content types, media kinds, key prefixes, size caps (§2.1, vendor page "File Management")

/** `image` and `video` map to mediaItems `IMAGE`/`VIDEO`; `file` keys (documents, captions) go in controls. */
export type UploadKind = 'image' | 'video' | 'file';

export interface ContentTypeRule {
	contentType: string;
	kind: UploadKind;
	/** Extension the emulator puts on keys (clients must treat keys as opaque). */
	extension: string;
	/** Profiles that accept this content type on `POST /file/get-signed-upload-urls`. */
	profiles: readonly PostFastProfile[];
}

const BOTH: readonly PostFastProfile[] = ['vendor', 'current'];
const CURRENT: readonly PostFastProfile[] = ['current'];

export const CONTENT_TYPES: readonly ContentTypeRule[] = [
	{ contentType: 'image/jpeg', kind: 'image', extension: 'jpg', profiles: BOTH },
	{ contentType: 'image/png', kind: 'image', extension: 'png', profiles: BOTH },
	{ contentType: 'image/gif', kind: 'image', extension: 'gif', profiles: BOTH },
	{ contentType: 'image/webp', kind: 'image', extension: 'webp', profiles: BOTH },
	{ contentType: 'video/mp4', kind: 'video', extension: 'mp4', profiles: BOTH },
	{ contentType: 'video/webm', kind: 'video', extension: 'webm', profiles: BOTH },
	{ contentType: 'video/mov', kind: 'video', extension: 'mov', profiles: BOTH },
	{ contentType: 'video/quicktime', kind: 'video', extension: 'mov', profiles: BOTH },
	{ contentType: 'application/pdf', kind: 'file', extension: 'pdf', profiles: CURRENT },
	{ contentType: 'application/msword', kind: 'file', extension: 'doc', profiles: CURRENT },
	{
		contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
		kind: 'file',
		extension: 'docx',
		profiles: CURRENT,
	},
	{
		contentType: 'application/vnd.ms-powerpoint',
		kind: 'file',
		extension: 'ppt',
		profiles: CURRENT,
	},
	{
		contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
		kind: 'file',
		extension: 'pptx',
		profiles: CURRENT,
	},
	{ contentType: 'application/x-subrip', kind: 'file', extension: 'srt', profiles: CURRENT },
	{ contentType: 'text/vtt', kind: 'file', extension: 'vtt', profiles: CURRENT },
];

/** Content types `POST /file/get-signed-upload-urls` accepts under a profile (never `image/jpg`). */
export function acceptedContentTypes(
	profile: PostFastProfile = POSTFAST_DEFAULT_PROFILE,
): string[] {
	return CONTENT_TYPES.filter((c) => c.profiles.includes(profile)).map((c) => c.contentType);
}

export function contentTypeRule(contentType: string): ContentTypeRule | undefined {
	return CONTENT_TYPES.find((c) => c.contentType === contentType);
}

/** `image/png` → IMAGE, `video/mp4` → VIDEO, documents and captions → undefined (not a mediaItem). */
export function mediaTypeForContentType(contentType: string): MediaType | undefined {
	const kind = contentTypeRule(contentType)?.kind;
	return kind === 'image' ? 'IMAGE' : kind === 'video' ? 'VIDEO' : undefined;
}

/** The kind a key's prefix announces (`image/…`, `video/…`, `file/…`). */
export function uploadKindOfKey(key: string): UploadKind | undefined {
	const prefix = key.split('/')[0];
	return prefix === 'image' || prefix === 'video' || prefix === 'file' ? prefix : undefined;
}

const MB = 1024 * 1024;

/**
 * File size caps per upload kind. The vendor page: "Maximum 100 MB per file". Current (§2.1):
 * video 250 MB (Bluesky 100 MB, Telegram 50 MB), image 10 MB, document 60 MB, caption 10 MB.
 */
export const FILE_SIZE_CAPS: Record<
	PostFastProfile,
	{
		image: number;
		video: number;
		document: number;
		caption: number;
		videoByPlatform: Partial<Record<Platform, number>>;
	}
> = {
	vendor: {
		image: 100 * MB,
		video: 100 * MB,
		document: 100 * MB,
		caption: 100 * MB,
		videoByPlatform: {},
	},
	current: {
		image: 10 * MB,
		video: 250 * MB,
		document: 60 * MB,
		caption: 10 * MB,
		videoByPlatform: { BLUESKY: 100 * MB, TELEGRAM: 50 * MB },
	},
};

/** The cap for one uploaded file of `contentType` (optionally for a target platform). */
export function fileSizeCap(
	contentType: string,
	profile: PostFastProfile = POSTFAST_DEFAULT_PROFILE,
	platform?: Platform,
): number {
	const caps = FILE_SIZE_CAPS[profile];
	const rule = contentTypeRule(contentType);
	if (!rule) return caps.image;
	if (rule.kind === 'image') return caps.image;
	if (rule.kind === 'video') return (platform && caps.videoByPlatform[platform]) ?? caps.video;
	return rule.extension === 'srt' || rule.extension === 'vtt' ? caps.caption : caps.document;
}

/** S3's own single-PUT maximum (§4.4 EntityTooLarge). */
export const S3_MAX_PUT_BYTES = 5 * 1024 * MB;

// ---------------------------------------------------------------------------------------------
// Per-request maxima (§2.1, §2.11, §2.12, §2.14)

export const MAX_POSTS_PER_REQUEST = 15;
export const MAX_MEDIA_ITEMS_PER_POST = 10;
export const MAX_PAGE_SIZE = 50;
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_FILTER_IDS = 100;
export const MAX_BULK_DELETE_IDS = 100;
/** `scheduledAt` must be before now + this (§2.11 "within 1 year"). */
export const MAX_SCHEDULE_AHEAD_MS = 365 * 24 * 60 * 60 * 1000;

/** Image URLs per upload-URL request: vendor page 4, current 8; video/documents/captions exactly 1. */
export const MAX_IMAGE_URLS_PER_REQUEST: Record<PostFastProfile, number> = {
	vendor: 4,
	current: 8,
};

export function maxUploadUrlsPerRequest(
	contentType: string,
	profile: PostFastProfile = POSTFAST_DEFAULT_PROFILE,
): number {
	return contentTypeRule(contentType)?.kind === 'image' ? MAX_IMAGE_URLS_PER_REQUEST[profile] : 1;
}

// ---------------------------------------------------------------------------------------------
// Endpoints (§2, vendor page II)

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface EndpointDef {
	method: HttpMethod;
	/** Path template; `:id` is a path parameter. */
	path: string;
	/** `METHOD path`, the id used by rate-limit tables and budgets. */
	key: string;
	/** Success status per profile (Nest POSTs answer 201, bulk-delete 200). */
	successStatus: Record<PostFastProfile, 200 | 201>;
	/** Listed on the vendor page (the other endpoints come from the newer vendor reference). */
	onVendorPage: boolean;
}

function endpoint(
	method: HttpMethod,
	path: string,
	onVendorPage: boolean,
	success: 200 | 201 | Record<PostFastProfile, 200 | 201> = method === 'POST' ? 201 : 200,
): EndpointDef {
	const successStatus =
		typeof success === 'number' ? { vendor: success, current: success } : success;
	return { method, path, key: `${method} ${path}`, successStatus, onVendorPage };
}

export const POSTFAST_ENDPOINTS = {
	/** Pre-signed S3 PUT URLs. The vendor page documents 200; Nest's default (current) is 201. */
	uploadUrls: endpoint('POST', '/file/get-signed-upload-urls', true, { vendor: 200, current: 201 }),
	listAccounts: endpoint('GET', '/social-media/my-social-accounts', true),
	pinterestBoards: endpoint('GET', '/social-media/:id/pinterest-boards', false),
	youtubePlaylists: endpoint('GET', '/social-media/:id/youtube-playlists', false),
	gbpLocations: endpoint('GET', '/social-media/:id/gbp-locations', false),
	followerHistory: endpoint('GET', '/social-media/:id/follower-history', false),
	searchPlaces: endpoint('GET', '/social-media/search-places', false),
	tiktokSounds: endpoint('GET', '/social-media/:id/tiktok-sounds', false),
	connectLink: endpoint('POST', '/social-media/connect-link', false),
	createPosts: endpoint('POST', '/social-posts', true),
	listPosts: endpoint('GET', '/social-posts', false),
	deletePost: endpoint('DELETE', '/social-posts/:id', true),
	bulkDelete: endpoint('POST', '/social-posts/bulk-delete', false, 200),
	analytics: endpoint('GET', '/social-posts/analytics', false),
	// Social Inbox (§2.16): listed for completeness by the spec; shapes beyond the envelope are inferred.
	inboxConversations: endpoint('GET', '/social-inbox/conversations', false),
	inboxConversation: endpoint('GET', '/social-inbox/conversations/:id', false),
	inboxItems: endpoint('GET', '/social-inbox/conversations/:id/items', false),
	inboxUnreadCount: endpoint('GET', '/social-inbox/unread-count', false),
	inboxReply: endpoint('POST', '/social-inbox/items/:id/reply', false),
	inboxPrivateReply: endpoint('POST', '/social-inbox/items/:id/private-reply', false),
	inboxItemState: endpoint('POST', '/social-inbox/items/:id/state', false),
	inboxMarkRead: endpoint('POST', '/social-inbox/conversations/:id/read', false),
	inboxStatus: endpoint('POST', '/social-inbox/conversations/:id/status', false),
	inboxAssign: endpoint('POST', '/social-inbox/conversations/:id/assign', false),
} as const satisfies Record<string, EndpointDef>;

export type PostFastEndpointName = keyof typeof POSTFAST_ENDPOINTS;

/** Fills a path template: `pathOf('deletePost', { id })` → `/social-posts/<id>` (segments encoded). */
export function pathOf(name: PostFastEndpointName, params: Record<string, string> = {}): string {
	return POSTFAST_ENDPOINTS[name].path.replace(/:(\w+)/g, (_, p: string) => {
		const value = params[p];
		if (value === undefined)
			throw new Error(`PostFast path ${POSTFAST_ENDPOINTS[name].path} needs the parameter "${p}"`);
		return encodeURIComponent(value);
	});
}

/** The endpoint a concrete method + path hits (e.g. for budgets reading a logged request). */
export function endpointOf(method: string, path: string): PostFastEndpointName | undefined {
	const clean = path.split('?')[0].replace(/\/+$/, '') || '/';
	for (const [name, def] of Object.entries(POSTFAST_ENDPOINTS) as Array<
		[PostFastEndpointName, EndpointDef]
	>) {
		if (def.method !== method.toUpperCase()) continue;
		const pattern = new RegExp(`^${def.path.replace(/:\w+/g, '[^/]+')}$`);
		if (pattern.test(clean)) return name;
	}
	return undefined;
}

// ---------------------------------------------------------------------------------------------
// Request and response types

export interface UploadUrlsRequest {
	contentType: string;
	count: number;
}
export interface SignedUpload {
	key: string;
	signedUrl: string;
}
export type UploadUrlsResponse = SignedUpload[];

export interface SocialAccount {
	id: string;
	platform: Platform;
	platformUsername: string | null;
	displayName: string | null;
	/** Not on the vendor page's example; present in the current reference. */
	connectionStatus?: ConnectionStatus;
	disabledReason?: DisabledReason | null;
	inboxCapable?: boolean;
	/** A bigint as a string, or null. */
	followerCount?: string | null;
	followerCountUpdatedAt?: string | null;
}

export interface PinterestBoard {
	id: string;
	boardId: string;
	name: string;
	description: string | null;
	imageUrl: string | null;
}
export interface YoutubePlaylist {
	id: string;
	playlistId: string;
	title: string;
	description: string | null;
	thumbnailUrl: string | null;
}
export interface GbpLocation {
	id: string;
	locationId: string;
	title: string;
	address: string | null;
	mapsUri: string | null;
}
export interface FollowerHistoryQuery {
	from?: string;
	to?: string;
}
export interface FollowerHistory {
	socialMediaId: string;
	series: Array<{ capturedAt: string; followerCount: string }>;
	currentFollowerCount?: string | null;
	delta?: string | null;
	trackingStartedAt?: string | null;
}
export interface Place {
	id: string;
	name: string;
	link?: string;
	city?: string;
	country?: string;
	street?: string;
	zip?: string;
	pictureUrl?: string;
}
export const TIKTOK_SOUND_DATE_RANGES = ['1DAY', '7DAY', '30DAY', '90DAY'] as const;
export interface TiktokSoundsQuery {
	genre?: string;
	countryCode?: string;
	dateRange?: (typeof TIKTOK_SOUND_DATE_RANGES)[number];
}
export interface TiktokSound {
	musicSoundId: string;
	name: string;
	artist: string;
	duration: number;
	thumbnailUrl: string | null;
	previewUrl: string | null;
	rankPosition: number;
	genres: string[];
	commercialMusicId: string | null;
	fullDurationClipId: string | null;
	trendingClipId: string | null;
}
export interface ConnectLinkRequest {
	expiryDays?: number;
	platforms?: string[];
	redirectUrl?: string;
	externalId?: string;
	sendEmail?: boolean;
	email?: string;
}
export interface ConnectLinkResponse {
	connectUrl: string;
}

export interface MediaItemInput {
	key: string;
	type: MediaType;
	sortOrder: number;
	/** Milliseconds into the video, as a string (`"5000"`). */
	coverTimestamp?: string;
	coverImageKey?: string;
}
export interface PostInput {
	content: string;
	socialMediaId: string;
	/** UTC ISO 8601; required unless the top-level status is DRAFT. */
	scheduledAt?: string;
	mediaItems?: MediaItemInput[];
	firstComment?: string;
}
export interface CreatePostsRequest {
	posts: PostInput[];
	/** Top level only: inside a post it is ignored (§7.2). */
	status?: CreateStatus;
	approvalStatus?: CreateApprovalStatus;
	/** One object for the whole request. */
	controls?: PostControls;
}
export interface CreatePostsResponse {
	postIds: string[];
}

export interface ListPostsQuery {
	/** 0-based. */
	page?: number;
	limit?: number;
	socialMediaIds?: string[];
	ids?: string[];
	platforms?: string[];
	statuses?: string[];
	from?: string;
	to?: string;
}
export interface ListedMediaItem {
	key: string;
	type: MediaType;
	url: string;
	sortOrder: number;
	coverImageKey: string | null;
	coverTimestamp: string | null;
	coverImageUrl: string | null;
	coverImageUpdatedUrl: string | null;
}
export interface ListedPost {
	id: string;
	content: string;
	status: PostStatus;
	approvalStatus: ApprovalStatus;
	socialMediaId: string;
	mediaItems: ListedMediaItem[];
	scheduledAt: string | null;
	publishedAt: string | null;
	failedAt: string | null;
	platformPostId: string | null;
	groupId: string | null;
	lastError: { message: string; code: string | null } | null;
	firstComment: string | null;
	firstCommentError: string | null;
	controls: Record<string, unknown>;
}
export interface PostsPage {
	data: ListedPost[];
	/** null (not 0) when nothing matches. */
	totalCount: number | null;
	/** `page` is 1-based here although the request's `page` is 0-based. */
	pageInfo: { page: number; hasNextPage: boolean; perPage: number };
}

/** Query string of `GET /social-posts` (CSV lists, omitted when empty). */
export function listPostsQueryString(query: ListPostsQuery = {}): string {
	const params: string[] = [];
	const add = (name: string, value: string | number | undefined) => {
		if (value !== undefined && value !== '')
			params.push(`${name}=${encodeURIComponent(String(value))}`);
	};
	add('page', query.page);
	add('limit', query.limit);
	for (const name of ['socialMediaIds', 'ids', 'platforms', 'statuses'] as const) {
		const list = query[name];
		if (list && list.length > 0) add(name, list.join(','));
	}
	add('from', query.from);
	add('to', query.to);
	return params.length > 0 ? `?${params.join('&')}` : '';
}

export interface DeletePostResponse {
	deleted: boolean;
}
export interface BulkDeleteRequest {
	ids: string[];
}
export interface BulkDeleteResponse {
	deletedIds: string[];
	notFoundIds: string[];
}

export interface AnalyticsQuery {
	/** Required (not `from`/`to`). */
	startDate: string;
	endDate: string;
	platforms?: string[];
	socialMediaIds?: string[];
}
export interface PostMetric {
	impressions: string | null;
	reach: string | null;
	likes: string | null;
	comments: string | null;
	shares: string | null;
	totalInteractions: string | null;
	fetchedAt: string;
	extras: Record<string, unknown>;
	avgWatchTimeSeconds?: number;
	totalWatchTimeSeconds?: number;
	videoViews?: number;
	saveRate?: number;
	reelsSkipRate?: number;
}
/** Social Inbox (§2.16). Lists use the posts envelope; POSTs answer 201; errors `{statusCode, message: 'inbox.<code>'}`. */
export interface InboxConversation {
	id: string;
	socialMediaId: string;
	platform: Platform;
	participantName: string | null;
	participantUsername: string | null;
	lastItemAt: string;
	unreadCount: number;
	status: InboxConversationStatus;
	assigneeId: string | null;
}
export const INBOX_CONVERSATION_STATUSES = ['OPEN', 'DONE'] as const;
export type InboxConversationStatus = (typeof INBOX_CONVERSATION_STATUSES)[number];
export const INBOX_ITEM_ACTIONS = ['HIDE', 'UNHIDE', 'DELETE'] as const;
export interface InboxItem {
	id: string;
	conversationId: string;
	kind: 'COMMENT' | 'MESSAGE';
	text: string;
	authorName: string | null;
	fromPage: boolean;
	hidden: boolean;
	createdAt: string;
}
export interface InboxPage<T> {
	data: T[];
	totalCount: number | null;
	pageInfo: { page: number; hasNextPage: boolean; perPage: number };
}
export interface InboxReplyRequest {
	text: string;
	/** Makes a retried reply answer the first one instead of posting twice. */
	idempotencyKey?: string;
}

export interface AnalyticsResponse {
	data: Array<{
		id: string;
		content: string;
		socialMediaId: string;
		platformPostId: string | null;
		publishedAt: string | null;
		latestMetric: PostMetric | null;
	}>;
}

// ---------------------------------------------------------------------------------------------
// Error bodies (§1.3, §3.5)

/** class-validator failure: `message` is an array. */
export interface ValidationErrorBody {
	message: string[];
	error: 'Bad Request';
	statusCode: 400;
}
/** Business validation with a stable code in `message` and the human text in `description`. */
export interface CodedErrorBody {
	statusCode: number;
	message: string;
	error: string;
	description: string;
}
/** Short form: `{statusCode, message}`. */
export interface ShortErrorBody {
	statusCode: number;
	message: string;
	error?: string;
}
export type PostFastErrorBody = ValidationErrorBody | CodedErrorBody | ShortErrorBody;

export const MESSAGES = {
	scheduledAtRequired:
		'All posts must have scheduledAt when status is not present, as default is SCHEDULED',
	authForbidden: 'Missing organizationId or activeWorkspaceId',
	authUnauthorized: 'Invalid or missing API key',
	socialMediaDisconnected: (platform: string) =>
		`This ${platform} account is disconnected. Reconnect it before scheduling posts.`,
	bulkDeleteEmpty: 'At least one id is required',
	bulkDeleteTooMany: 'ids cannot exceed 100 entries',
	bulkDeleteInvalid: 'Each id must be a valid UUID',
	filterInvalidUuid: (name: string) => `Each ${name.replace(/s$/, '')} must be a valid UUID`,
} as const;

/** The 429 body of each profile (§3.5): the vendor page shows the library default. */
export const THROTTLE_BODIES: Record<PostFastProfile, ShortErrorBody> = {
	vendor: { statusCode: 429, message: 'ThrottlerException: Too Many Requests' },
	current: {
		statusCode: 429,
		message: 'Too many requests. Please try again later.',
		error: 'Too Many Requests',
	},
};

// ---------------------------------------------------------------------------------------------
// Rate limits (§3): NestJS throttler, four named fixed windows per endpoint and API key

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

/** §3.6: the vendor page ("docs v1") and "current". */
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

// ---------------------------------------------------------------------------------------------
// Controls catalogue (§2.11; vendor page "controls"). One object per create request.

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

/** Platforms that accept `firstComment` (§2.11); the others answer a validation error. */
export const FIRST_COMMENT_PLATFORMS: readonly Platform[] = [
	'X',
	'INSTAGRAM',
	'FACEBOOK',
	'YOUTUBE',
	'THREADS',
	'TIKTOK',
];
export const TIKTOK_FIRST_COMMENT_MAX = 1200;
/** Platforms where a post needs at least one media item, even as a draft (§2.11). */
export const MEDIA_REQUIRED_PLATFORMS: readonly Platform[] = [
	'TIKTOK',
	'YOUTUBE',
	'INSTAGRAM',
	'PINTEREST',
	'GOOGLE_BUSINESS_PROFILE',
];

/** Per-account publishes per day (fair use, §2.11), reset at midnight UTC. Vendor page: X 5. */
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

// ---------------------------------------------------------------------------------------------
// Checks a client can make before sending (the emulator applies the same rules)

export interface Issue {
	/** Field path, e.g. `posts.2.scheduledAt`, `controls.threadsTopicTag`. */
	path: string;
	/** A PostFast code where it has one (`threadsTopicTag.invalid`), else undefined. */
	code?: string;
	/** The message PostFast sends (class-validator text or the documented sentence). */
	message: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
export const isUuid = (value: unknown): value is string =>
	typeof value === 'string' && UUID.test(value);
export const isUuidV4 = (value: unknown): value is string =>
	typeof value === 'string' && UUID_V4.test(value);

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
export function isIso8601(value: unknown): value is string {
	return typeof value === 'string' && ISO_8601.test(value) && !Number.isNaN(Date.parse(value));
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
	typeof v === 'object' && v !== null && !Array.isArray(v);

/** class-validator-style checks of `POST /file/get-signed-upload-urls` (messages in PostFast's words). */
export function checkUploadUrlsRequest(
	body: unknown,
	profile: PostFastProfile = POSTFAST_DEFAULT_PROFILE,
): Issue[] {
	const issues: Issue[] = [];
	const b = isRecord(body) ? body : {};
	const accepted = acceptedContentTypes(profile);
	if (typeof b.contentType !== 'string' || !accepted.includes(b.contentType)) {
		issues.push({
			path: 'contentType',
			message: `contentType must be one of the following values: ${accepted.join(', ')}`,
		});
	}
	const count = b.count;
	if (typeof count !== 'number' || !Number.isInteger(count)) {
		issues.push({ path: 'count', message: 'count must be an integer number' });
	} else if (count < 1) {
		issues.push({ path: 'count', message: 'count must not be less than 1' });
	} else if (typeof b.contentType === 'string' && accepted.includes(b.contentType)) {
		const max = maxUploadUrlsPerRequest(b.contentType, profile);
		if (count > max) {
			issues.push({
				path: 'count',
				message:
					max === 1
						? `count must be 1 for ${b.contentType} (one URL per video, document or caption file)`
						: `count must not be greater than ${max}`,
			});
		}
	}
	return issues;
}

export interface CreateCheckOptions {
	/** The current time (ms); `scheduledAt` must be after it and within a year. */
	now: number;
	/** Platform of each account id, when known (enables the per-platform rules). */
	platformOf?: (socialMediaId: string) => Platform | undefined;
}

/**
 * Structural checks of `POST /social-posts` (§2.11): shape, 1–15 posts, scheduledAt rules,
 * status/approvalStatus, mediaItems, controls types and the documented per-platform rules.
 * Returns every issue; PostFast reports class-validator issues together and business codes one at
 * a time, so `issues[0]` is what the service answers first.
 */
export function checkCreatePostsRequest(body: unknown, opts: CreateCheckOptions): Issue[] {
	const issues: Issue[] = [];
	const b = isRecord(body) ? body : {};
	// --- class-validator level (DTO) ---
	if (b.status !== undefined && !(CREATE_STATUSES as readonly unknown[]).includes(b.status)) {
		issues.push({
			path: 'status',
			message: `status must be one of the following values: ${CREATE_STATUSES.join(', ')}`,
		});
	}
	if (
		b.approvalStatus !== undefined &&
		!(CREATE_APPROVAL_STATUSES as readonly unknown[]).includes(b.approvalStatus)
	) {
		issues.push({
			path: 'approvalStatus',
			message: `approvalStatus must be one of the following values: ${CREATE_APPROVAL_STATUSES.join(', ')}`,
		});
	}
	if (b.controls !== undefined && !isRecord(b.controls)) {
		issues.push({ path: 'controls', message: 'controls must be an object' });
	}
	if (!Array.isArray(b.posts)) {
		issues.push({ path: 'posts', message: 'posts must be an array' });
		return issues;
	}
	if (b.posts.length < 1)
		issues.push({ path: 'posts', message: 'posts must contain at least 1 elements' });
	if (b.posts.length > MAX_POSTS_PER_REQUEST) {
		issues.push({
			path: 'posts',
			message: `posts must contain no more than ${MAX_POSTS_PER_REQUEST} elements`,
		});
	}
	b.posts.forEach((raw, i) => {
		const at = `posts.${i}`;
		if (!isRecord(raw)) {
			issues.push({ path: at, message: `${at} must be an object` });
			return;
		}
		if (typeof raw.content !== 'string')
			issues.push({ path: `${at}.content`, message: `${at}.content must be a string` });
		if (!isUuid(raw.socialMediaId))
			issues.push({ path: `${at}.socialMediaId`, message: `${at}.socialMediaId must be a UUID` });
		if (raw.scheduledAt !== undefined && !isIso8601(raw.scheduledAt)) {
			issues.push({
				path: `${at}.scheduledAt`,
				message: `${at}.scheduledAt must be a valid ISO 8601 date string`,
			});
		}
		if (raw.firstComment !== undefined && typeof raw.firstComment !== 'string') {
			issues.push({ path: `${at}.firstComment`, message: `${at}.firstComment must be a string` });
		}
		if (raw.mediaItems !== undefined) {
			if (!Array.isArray(raw.mediaItems)) {
				issues.push({ path: `${at}.mediaItems`, message: `${at}.mediaItems must be an array` });
			} else {
				if (raw.mediaItems.length > MAX_MEDIA_ITEMS_PER_POST) {
					issues.push({
						path: `${at}.mediaItems`,
						message: `${at}.mediaItems must contain no more than ${MAX_MEDIA_ITEMS_PER_POST} elements`,
					});
				}
				raw.mediaItems.forEach((m, j) => {
					const mp = `${at}.mediaItems.${j}`;
					if (!isRecord(m)) {
						issues.push({ path: mp, message: `${mp} must be an object` });
						return;
					}
					if (typeof m.key !== 'string' || m.key === '')
						issues.push({ path: `${mp}.key`, message: `${mp}.key must be a string` });
					if (!(MEDIA_TYPES as readonly unknown[]).includes(m.type)) {
						issues.push({
							path: `${mp}.type`,
							message: `${mp}.type must be one of the following values: ${MEDIA_TYPES.join(', ')}`,
						});
					}
					if (typeof m.sortOrder !== 'number' || !Number.isFinite(m.sortOrder)) {
						issues.push({
							path: `${mp}.sortOrder`,
							message: `${mp}.sortOrder must be a number conforming to the specified constraints`,
						});
					}
					if (m.coverTimestamp !== undefined && typeof m.coverTimestamp !== 'string') {
						issues.push({
							path: `${mp}.coverTimestamp`,
							message: `${mp}.coverTimestamp must be a string`,
						});
					}
					if (m.coverImageKey !== undefined && typeof m.coverImageKey !== 'string') {
						issues.push({
							path: `${mp}.coverImageKey`,
							message: `${mp}.coverImageKey must be a string`,
						});
					}
				});
			}
		}
	});
	if (isRecord(b.controls)) issues.push(...checkControlTypes(b.controls));
	if (issues.length > 0) return issues;

	// --- business level (one coded error at a time on the real service) ---
	const status = (b.status as CreateStatus | undefined) ?? 'SCHEDULED';
	const posts = b.posts as PostInput[];
	if (status === 'SCHEDULED' && posts.some((p) => p.scheduledAt === undefined)) {
		issues.push({ path: 'posts', message: MESSAGES.scheduledAtRequired });
	}
	posts.forEach((p, i) => {
		if (p.scheduledAt === undefined) return;
		const t = Date.parse(p.scheduledAt);
		if (t <= opts.now) {
			issues.push({
				path: `posts.${i}.scheduledAt`,
				message: `posts.${i}.scheduledAt must be in the future`,
			});
		} else if (t > opts.now + MAX_SCHEDULE_AHEAD_MS) {
			issues.push({
				path: `posts.${i}.scheduledAt`,
				message: `posts.${i}.scheduledAt must be within 1 year from now`,
			});
		}
	});
	if (opts.platformOf) {
		const controls = (isRecord(b.controls) ? b.controls : {}) as PostControls;
		posts.forEach((p, i) => {
			const platform = opts.platformOf!(p.socialMediaId);
			if (platform) issues.push(...checkPostForPlatform(p, i, platform, controls));
		});
	}
	return issues;
}

/** Types and values of the known controls; unknown controls are ignored (§1.4). */
export function checkControlTypes(controls: Record<string, unknown>): Issue[] {
	const issues: Issue[] = [];
	for (const [name, value] of Object.entries(controls)) {
		const def = controlDef(name);
		if (!def || value === undefined || value === null) continue;
		const path = `controls.${name}`;
		if (def.type === 'boolean' && typeof value !== 'boolean')
			issues.push({ path, message: `${path} must be a boolean value` });
		if ((def.type === 'string' || def.type === 'enum') && typeof value !== 'string')
			issues.push({ path, message: `${path} must be a string` });
		if (def.type === 'enum' && typeof value === 'string' && !def.values!.includes(value)) {
			issues.push({
				path,
				message: `${path} must be one of the following values: ${def.values!.join(', ')}`,
			});
		}
		if (
			def.type === 'string' &&
			typeof value === 'string' &&
			def.maxLength !== undefined &&
			value.length > def.maxLength
		) {
			issues.push({
				path,
				message: `${path} must be shorter than or equal to ${def.maxLength} characters`,
			});
		}
		if (def.type === 'string[]') {
			if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
				issues.push({ path, message: `each value in ${path} must be a string` });
			else if (def.maxItems !== undefined && value.length > def.maxItems) {
				issues.push({
					path,
					...(name === 'facebookTargetCountries'
						? { code: 'facebookTargetCountries.tooMany' }
						: {}),
					message: `${path} must contain no more than ${def.maxItems} elements`,
				});
			}
		}
	}
	return issues;
}

/** Documented per-platform create rules (§2.11 codes and gotchas). */
export function checkPostForPlatform(
	post: PostInput,
	index: number,
	platform: Platform,
	controls: PostControls,
): Issue[] {
	const issues: Issue[] = [];
	const at = `posts.${index}`;
	const media = post.mediaItems ?? [];
	const coded = (code: string, path: string, message: string = code) =>
		issues.push({ code, path, message });
	if (post.firstComment !== undefined && post.firstComment !== '') {
		if (!FIRST_COMMENT_PLATFORMS.includes(platform)) {
			coded(
				'firstComment.notSupported',
				`${at}.firstComment`,
				`firstComment is not supported on ${platform}`,
			);
		} else if (platform === 'TIKTOK' && post.firstComment.length > TIKTOK_FIRST_COMMENT_MAX) {
			coded(
				'firstComment.tiktok.notSupported',
				`${at}.firstComment`,
				`firstComment on TIKTOK must be at most ${TIKTOK_FIRST_COMMENT_MAX} characters`,
			);
		}
	}
	if (MEDIA_REQUIRED_PLATFORMS.includes(platform) && media.length === 0) {
		coded('media.required', `${at}.mediaItems`, `${platform} posts need at least one media item`);
	}
	switch (platform) {
		case 'THREADS': {
			const tag = controls.threadsTopicTag;
			if (typeof tag === 'string' && (tag.length < 1 || tag.length > 50 || /[.&]/.test(tag))) {
				coded(
					'threadsTopicTag.invalid',
					'controls.threadsTopicTag',
					'threadsTopicTag must be 1–50 characters without "." or "&"',
				);
			}
			break;
		}
		case 'TIKTOK':
			if (
				controls.tiktokAutoAddMusic === true &&
				typeof controls.tiktokMusicSoundId === 'string' &&
				controls.tiktokMusicSoundId !== ''
			) {
				coded(
					'tiktokMusic.conflictAutoAddMusic',
					'controls.tiktokMusicSoundId',
					'tiktokMusicSoundId cannot be combined with tiktokAutoAddMusic: choose one',
				);
			}
			break;
		case 'PINTEREST':
			if (typeof controls.pinterestBoardId !== 'string' || controls.pinterestBoardId === '') {
				coded(
					'pinterestBoardId.required',
					'controls.pinterestBoardId',
					'pinterestBoardId is required for PINTEREST posts',
				);
			}
			break;
		case 'GOOGLE_BUSINESS_PROFILE': {
			if (typeof controls.gbpLocationId !== 'string' || controls.gbpLocationId === '') {
				coded(
					'gbpLocationId.required',
					'controls.gbpLocationId',
					'gbpLocationId is required for GOOGLE_BUSINESS_PROFILE posts',
				);
			}
			const topic = controls.gbpTopicType;
			if (
				(topic === 'EVENT' || topic === 'OFFER') &&
				(!controls.gbpEventStartDate || !controls.gbpEventEndDate)
			) {
				coded(
					'gbpEventDates.required',
					'controls.gbpEventStartDate',
					`gbpEventStartDate and gbpEventEndDate are required for ${topic} posts`,
				);
			}
			break;
		}
		case 'INSTAGRAM': {
			if (
				controls.instagramTrialReelStrategy !== undefined &&
				controls.instagramTrialReelStrategy !== null
			) {
				const collaborators = controls.instagramCollaborators;
				if (
					controls.instagramPublishType !== 'REEL' ||
					(Array.isArray(collaborators) && collaborators.length > 0)
				) {
					coded(
						'instagramTrialReelStrategy.invalid',
						'controls.instagramTrialReelStrategy',
						'instagramTrialReelStrategy needs instagramPublishType REEL and no collaborators',
					);
				}
			}
			if (controls.instagramLocationId !== undefined && controls.instagramLocationId !== null) {
				if (!/^\d+$/.test(String(controls.instagramLocationId)))
					coded(
						'instagramLocationId.invalidId',
						'controls.instagramLocationId',
						'instagramLocationId must be a numeric place id (see GET /social-media/search-places)',
					);
				else if (media.length > 1)
					coded(
						'instagramLocationId.carousel.notSupported',
						'controls.instagramLocationId',
						'instagramLocationId is not supported on carousels (more than one media item)',
					);
			}
			break;
		}
		case 'FACEBOOK': {
			const contentType = (controls.facebookContentType as string | undefined) ?? 'POST';
			if (controls.facebookPlaceId !== undefined && controls.facebookPlaceId !== null) {
				if (!/^\d+$/.test(String(controls.facebookPlaceId)))
					coded(
						'facebookPlaceId.invalidId',
						'controls.facebookPlaceId',
						'facebookPlaceId must be a numeric place id (see GET /social-media/search-places)',
					);
				else if (contentType !== 'POST')
					coded(
						'facebookPlaceId.contentType.notSupported',
						'controls.facebookPlaceId',
						'facebookPlaceId needs facebookContentType POST',
					);
				else if (media.some((m) => m.type === 'VIDEO'))
					coded(
						'facebookPlaceId.video.notSupported',
						'controls.facebookPlaceId',
						'facebookPlaceId is not supported on video posts',
					);
			}
			if (
				Array.isArray(controls.facebookTargetCountries) &&
				controls.facebookTargetCountries.length > 0 &&
				contentType !== 'POST'
			) {
				coded(
					'facebookTargetCountries.contentType.notSupported',
					'controls.facebookTargetCountries',
					'facebookTargetCountries needs facebookContentType POST',
				);
			}
			break;
		}
		case 'YOUTUBE': {
			const title = (controls.youtubeTitle as string | undefined) ?? post.content.slice(0, 100);
			if (/[<>]/.test(title) || /[<>]/.test(post.content)) {
				coded(
					'youtubeTitle.invalid',
					'controls.youtubeTitle',
					'YouTube titles and descriptions must not contain < or >',
				);
			}
			if (typeof controls.youtubeCaptionKey === 'string' && controls.youtubeCaptionKey !== '') {
				if (!/^file\/.+\.(srt|vtt)$/.test(controls.youtubeCaptionKey))
					coded(
						'youtubeCaptionKey.invalid',
						'controls.youtubeCaptionKey',
						'youtubeCaptionKey must be an uploaded caption key (file/….srt or file/….vtt)',
					);
				else if (!controls.youtubeLanguage)
					coded(
						'youtubeCaptionKey.languageRequired',
						'controls.youtubeLanguage',
						'youtubeCaptionKey needs youtubeLanguage (a BCP-47 tag such as en-US)',
					);
			}
			if (
				typeof controls.youtubeLanguage === 'string' &&
				!/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(controls.youtubeLanguage)
			) {
				coded(
					'youtubeLanguage.invalid',
					'controls.youtubeLanguage',
					'youtubeLanguage must be a BCP-47 tag such as en or en-US',
				);
			}
			break;
		}
		default:
			break;
	}
	for (const m of media) {
		const kind = uploadKindOfKey(m.key);
		if ((m.type === 'IMAGE' && kind !== 'image') || (m.type === 'VIDEO' && kind !== 'video')) {
			coded(
				'media.invalidMedia',
				`${at}.mediaItems`,
				`${at}.mediaItems: type ${m.type} does not match the key ${m.key} (image/… keys are IMAGE, video/… keys are VIDEO)`,
			);
			break;
		}
	}
	return issues;
}

// ---------------------------------------------------------------------------------------------
// S3 leg (§4): facts a client needs

/** The region PostFast's bucket lives in (SigV4 only). */
export const S3_REGION = 'eu-central-1';
/** Query parameters of a SigV4 signed URL that must never be logged. */
export const SIGNED_URL_SECRET_PARAMS = [
	'X-Amz-Signature',
	'X-Amz-Credential',
	'X-Amz-Security-Token',
];

/** The signed URL with its secret query parameters masked, for logs and error messages. */
export function redactSignedUrl(url: string): string {
	return url.replace(
		/([?&](?:X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token)=)[^&]*/gi,
		'$1***',
	);
}
