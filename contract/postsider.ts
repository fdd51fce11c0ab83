/**
 * The PostSider public REST API, defined once (docs/postsider-api.md, The vendor page).
 *
 * Used by the n8n node, the daemon and the emulator alike: base URL rules, auth, every endpoint
 * (method, path, success status, payload types), both rate limiters, `Idempotency-Key`, upload caps
 * and magic-byte types. The per-provider settings table lives in `./postsider/providers` and the
 * create-post validation (the server's verified messages) in `./postsider/validate`; both are
 * re-exported here. No runtime dependencies and no process/timers/fs (n8n community lint).
 *
 * One file on purpose: it is the endpoint table with its payload types, which read best side by
 * side; the provider table and the validation already live in ./postsider/.
 */

export * from './postsider/providers';
export * from './postsider/validate';
export * from './postsider/upload';

// ---------------------------------------------------------------------------------------------
// Base URL and auth (docs/postsider-api.md, Base URL and routing; Authentication)

/** The cloud origin. Self-hosted: `https://<host>/api` (the bundled nginx serves the API under /api). */
export const POSTSIDER_DEFAULT_BASE_URL = 'https://api.postsider.com';
export const POSTSIDER_API_PREFIX = '/public/v1';
/** Raw key, no `Bearer ` prefix: the whole header value is looked up as a key (a prefix is a 401). */
export const POSTSIDER_AUTH_HEADER = 'Authorization';
export const POSTSIDER_IDEMPOTENCY_HEADER = 'Idempotency-Key';
/** Echoed when it matches `^[a-zA-Z0-9_-]{1,64}$`, else the server makes a UUID (docs/postsider-api.md, Response headers). */
export const POSTSIDER_REQUEST_ID_HEADER = 'X-Request-Id';
export const POSTSIDER_REQUEST_ID_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * Joins what a user typed into the API base: an origin (`https://api.postsider.com`,
 * `https://social.example.com/api`) gets `/public/v1` appended; a URL that already ends in
 * `/public/v1` is kept. Trailing slashes are dropped. Empty input means the cloud.
 */
export function postsiderApiBase(input?: string): string {
	let base = (input ?? '').trim();
	if (base === '') base = POSTSIDER_DEFAULT_BASE_URL;
	base = base.replace(/\/+$/, '');
	if (base.toLowerCase().endsWith(POSTSIDER_API_PREFIX)) return base;
	return base + POSTSIDER_API_PREFIX;
}

/** Builds `Authorization` for a key; refuses a `Bearer ` prefix with the fix, since the server would 401. */
export function postsiderAuthHeaders(apiKey: string): Record<string, string> {
	const key = apiKey.trim();
	if (/^bearer\s/i.test(key)) {
		throw new Error(
			'The PostSider API key starts with "Bearer ". PostSider expects the raw key in the Authorization header: remove the "Bearer " prefix from the credential.',
		);
	}
	return { [POSTSIDER_AUTH_HEADER]: key };
}

/** A legacy org key (64 lowercase hex) or a self-service key (`ps_` + 40 alphanumerics) (docs/postsider-api.md, Authentication). */
export const POSTSIDER_KEY_PATTERNS = {
	legacy: /^[0-9a-f]{64}$/,
	selfService: /^ps_[A-Za-z0-9]{40}$/,
	oauth: /^pos_/,
} as const;

// ---------------------------------------------------------------------------------------------
// Enumerations

export const POST_TYPES = ['draft', 'schedule', 'now', 'update'] as const;
export type PostType = (typeof POST_TYPES)[number];
/** What a client should offer: `update` keeps the state and starts no publish workflow (docs/postsider-api.md, Creating posts). */
export const CLIENT_POST_TYPES = ['draft', 'schedule', 'now'] as const;

export const POST_STATES = ['QUEUE', 'PUBLISHED', 'ERROR', 'DRAFT', 'APPROVAL'] as const;
export type PostState = (typeof POST_STATES)[number];

export const STATUS_CHANGE_VALUES = ['draft', 'schedule'] as const;
export type StatusChangeValue = (typeof STATUS_CHANGE_VALUES)[number];

export const APPROVAL_STATUSES = ['NONE', 'PENDING', 'APPROVED', 'REJECTED'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

// ---------------------------------------------------------------------------------------------
// Request and response types (docs/postsider-api.md, Endpoints)

export interface MediaRef {
	id: string;
	path: string;
	alt?: string;
	thumbnail?: string;
}

export interface PostValueItem {
	content: string;
	image: MediaRef[];
	/** An existing post id to update in place; omit for new posts. */
	id?: string;
	/** Minutes to wait before publishing this thread item. */
	delay?: number;
}

export interface CreatePostEntry {
	integration: { id: string };
	value: PostValueItem[];
	/** DANGEROUS: an existing group is soft-deleted after the new rows are created (docs/postsider-api.md, Creating posts; Create steps). */
	group?: string;
	firstComment?: string;
	/** Provider settings; `__type` is overwritten by the server (docs/postsider-api.md, Per-provider settings). */
	settings?: Record<string, unknown>;
}

export interface TagRef {
	value: string;
	label: string;
}

export interface CreatePostRequest {
	type: PostType;
	/** ISO 8601; required even for draft and now. Offset-less values count as UTC. */
	date: string;
	/** A real boolean: the string "false" is converted to true by the server. */
	shortLink: boolean;
	tags: TagRef[];
	posts: CreatePostEntry[];
	inter?: number;
	creationMethod?: 'API' | 'CLI';
}

/** One element per `posts[]` entry, request order; no group id (docs/postsider-api.md, Creating posts). */
export type CreatePostResponse = Array<{ postId: string; integration: string }>;

export interface ListPostsQuery {
	startDate: string;
	endDate: string;
	customer?: string;
}

export interface TagRow {
	id: string;
	name: string;
	color: string;
	orgId: string;
	deletedAt: string | null;
	createdAt: string;
	updatedAt: string;
}

export interface PostListItem {
	id: string;
	content: string;
	publishDate: string;
	releaseURL: string | null;
	releaseId: string | null;
	state: PostState;
	intervalInDays: number | null;
	group: string;
	creationMethod: string;
	tags: Array<{ tag: TagRow }>;
	integration: { id: string; providerIdentifier: string; name: string; picture: string | null };
	/** Only on expanded recurring occurrences: the original date. */
	actualDate?: string;
}

export interface ListPostsResponse {
	posts: PostListItem[];
}

export interface PostImage extends MediaRef {
	url: string;
	type: 'image';
}

/** A full post row as `GET /posts/:id` returns it (docs/postsider-api.md, Reading one post). */
export interface PostRow {
	id: string;
	state: PostState;
	publishDate: string;
	organizationId: string;
	integrationId: string;
	content: string;
	delay: number;
	group: string;
	title: string | null;
	description: string | null;
	parentPostId: string | null;
	releaseId: string | null;
	releaseURL: string | null;
	/** A JSON string. */
	settings: string;
	image: PostImage[];
	submittedForOrderId: string | null;
	submittedForOrganizationId: string | null;
	approvedSubmitForOrder: string;
	creationMethod: string;
	lastMessageId: string | null;
	intervalInDays: number | null;
	error: string | null;
	evergreen: boolean;
	lastRecycledAt: string | null;
	firstComment: string | null;
	shareToken: string | null;
	createdAt: string;
	updatedAt: string;
	deletedAt: string | null;
	childrenPost: unknown[];
	tags?: Array<{ tag: TagRow }>;
	/** The full channel row INCLUDING OAuth tokens: never log it (docs/postsider-api.md, Reading one post). */
	integration?: IntegrationRow;
}

export interface GetPostResponse {
	group: string;
	posts: PostRow[];
	integrationPicture: string | null;
	integration: string;
	settings: Record<string, unknown>;
}

export type MissingContentResponse = Array<{ id: string; url: string }>;

export interface ChangeStatusRequest {
	status: StatusChangeValue;
}
export interface ChangeStatusResponse {
	id: string;
	state: 'QUEUE' | 'DRAFT';
}

export interface SuccessResponse {
	success: true;
}

/** `find-slot` answers `YYYY-MM-DDTHH:mm:00` in UTC **without Z** (docs/postsider-api.md, Next free slot). */
export interface FindSlotResponse {
	date: string;
}
/** Turns the Z-less find-slot value into a UTC instant by appending `Z` (kept as is when it has a zone). */
export function findSlotToIso(date: string): string {
	return /([zZ]|[+-]\d\d:?\d\d)$/.test(date) ? date : date + 'Z';
}

export interface Channel {
	id: string;
	name: string;
	identifier: string;
	picture: string | null;
	disabled: boolean;
	profile: string | null;
	/** Omitted (not null) when the channel has no customer. */
	customer?: { id: string; name: string };
}
export type ListChannelsResponse = Channel[];
export interface ListChannelsQuery {
	/** A customer id; called `group` here, `customer` on `GET /posts`. */
	group?: string;
}

export type ListGroupsResponse = Array<{ id: string; name: string }>;

export interface ConnectChannelResponse {
	url: string;
}

/** The full `Integration` row (`DELETE /integrations/:id`), with OAuth tokens: never log it. */
export interface IntegrationRow {
	id: string;
	internalId: string;
	organizationId: string;
	name: string;
	picture: string | null;
	providerIdentifier: string;
	type: string;
	token: string;
	disabled: boolean;
	tokenExpiration: string | null;
	refreshToken: string | null;
	profile: string | null;
	deletedAt: string | null;
	createdAt: string;
	updatedAt: string;
	inBetweenSteps: boolean;
	refreshNeeded: boolean;
	postingTimes: string;
	timezone: string;
	customInstanceDetails: string | null;
	customerId: string | null;
	rootInternalId: string | null;
	additionalSettings: string;
}
/**
 * Fields that carry secrets in integration rows; clients redact these. `customInstanceDetails` holds
 * a custom instance's OAuth client id and secret (e.g. a self-hosted Mastodon app).
 */
export const POSTSIDER_SECRET_FIELDS = ['token', 'refreshToken', 'customInstanceDetails'] as const;

export interface AnalyticsSeries {
	label: string;
	data: Array<{ total: string; date: string }>;
	percentageChange?: number;
	isSnapshot?: boolean;
}
export type ChannelAnalyticsResponse = AnalyticsSeries[] | { unsupported: true };
export type PostAnalyticsResponse = AnalyticsSeries[] | { missing: true };
/** Providers with channel analytics (docs/postsider-api.md, Analytics); the others answer `{"unsupported":true}`. */
export const ANALYTICS_PROVIDERS = [
	'facebook',
	'gmb',
	'instagram',
	'instagram-standalone',
	'linkedin-page',
	'pinterest',
	'threads',
	'tiktok',
	'x',
	'youtube',
] as const;

export interface Notification {
	id: string;
	content: string;
	link: string | null;
	createdAt: string;
}
export interface ListNotificationsResponse {
	notifications: Notification[];
	total: number;
	page: number;
	limit: number;
	hasMore: boolean;
}
export const NOTIFICATIONS_PAGE_SIZE = 100;

/** The media row `POST /upload` and `/upload-from-url` return with 201 (docs/postsider-api.md, Multipart upload). */
export interface MediaObject {
	id: string;
	name: string;
	originalName: null;
	path: string;
	thumbnail: string | null;
	alt: string | null;
	type: 'image' | 'video' | 'audio';
	fileSize: number;
	width: number | null;
	height: number | null;
}
export interface UploadFromUrlRequest {
	url: string;
}

export interface IsConnectedResponse {
	connected: boolean;
}
export interface IntegrationSettingsResponse {
	output: { rules: string; maxLength: number; settings: unknown; tools: unknown[] };
}
export interface ApprovalStatusResponse {
	status: ApprovalStatus;
	note?: string | null;
	requestedAt?: string;
	resolvedAt?: string | null;
}
export interface ApprovalRow {
	id: string;
	postId: string;
	organizationId: string;
	status: 'PENDING';
	note: string | null;
	requestedAt: string;
	resolvedAt: string | null;
}
/** Per-state post counts in an overview window. */
export interface OverviewCounts {
	channels: number;
	posts: number;
	published: number;
	scheduled: number;
	drafts: number;
	errors: number;
}
/** `GET /overview` and `GET /customers/:id/report` (docs/postsider-api.md, Other routes; the emulator's reading of the shape). */
export interface OverviewResponse {
	generatedAt: string;
	windowDays: number;
	summary: OverviewCounts;
	clients: Array<{ customer: { id: string; name: string } | null } & OverviewCounts>;
}
export interface ReleaseIdRequest {
	releaseId: string;
}

// ---------------------------------------------------------------------------------------------
// Endpoints (docs/postsider-api.md, Endpoints): one table the node, the daemon and the emulator all read.

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface EndpointDef {
	method: HttpMethod;
	/** Relative to the API base (`…/public/v1`), with `:param` placeholders. */
	path: string;
	/** NestJS defaults: GET/PUT/DELETE 200, POST 201 (docs/postsider-api.md, Success statuses). */
	status: 200 | 201;
	/** Hourly throttler bucket (Limiter B) for mutating routes; each handler counts separately. */
	throttlerBucket?: string;
	/** In the vendor page's list of 16. */
	documented: boolean;
	description: string;
}

export const POSTSIDER_ENDPOINTS = {
	createPost: {
		method: 'POST',
		path: '/posts',
		status: 201,
		throttlerBucket: 'createPost',
		documented: true,
		description: 'Create, schedule, or publish a post',
	},
	listPosts: {
		method: 'GET',
		path: '/posts',
		status: 200,
		documented: true,
		description: 'List posts in a date range',
	},
	getPost: {
		method: 'GET',
		path: '/posts/:id',
		status: 200,
		documented: false,
		description: 'One post group (full rows; contains channel tokens)',
	},
	missingContent: {
		method: 'GET',
		path: '/posts/:id/missing',
		status: 200,
		documented: true,
		description: 'Recent provider items for a post published without an id',
	},
	changeStatus: {
		method: 'PUT',
		path: '/posts/:id/status',
		status: 200,
		throttlerBucket: 'changePostStatus',
		documented: true,
		description: 'Change a post’s status',
	},
	setReleaseId: {
		method: 'PUT',
		path: '/posts/:id/release-id',
		status: 200,
		throttlerBucket: 'updateReleaseId',
		documented: false,
		description: 'Link a missing release id',
	},
	deletePost: {
		method: 'DELETE',
		path: '/posts/:id',
		status: 200,
		throttlerBucket: 'deletePost',
		documented: true,
		description: 'Delete a post (its whole group)',
	},
	deleteGroup: {
		method: 'DELETE',
		path: '/posts/group/:group',
		status: 200,
		throttlerBucket: 'deleteByGroup',
		documented: true,
		description: 'Delete a post group',
	},
	requestApproval: {
		method: 'POST',
		path: '/posts/:id/request-approval',
		status: 201,
		throttlerBucket: 'requestApproval',
		documented: false,
		description: 'Send a draft into the approval queue',
	},
	approvalStatus: {
		method: 'GET',
		path: '/posts/:id/approval',
		status: 200,
		documented: false,
		description: 'Approval status of a post',
	},
	findSlot: {
		method: 'GET',
		path: '/find-slot/:id',
		status: 200,
		documented: true,
		description: 'Next free queue slot for a channel',
	},
	listChannels: {
		method: 'GET',
		path: '/integrations',
		status: 200,
		documented: true,
		description: 'List connected channels',
	},
	listGroups: {
		method: 'GET',
		path: '/groups',
		status: 200,
		documented: true,
		description: 'List channel groups',
	},
	connectChannel: {
		method: 'GET',
		path: '/social/:integration',
		status: 200,
		documented: true,
		description: 'Start connecting a new channel',
	},
	deleteChannel: {
		method: 'DELETE',
		path: '/integrations/:id',
		status: 200,
		throttlerBucket: 'deleteChannel',
		documented: true,
		description: 'Disconnect a channel',
	},
	channelAnalytics: {
		method: 'GET',
		path: '/analytics/:integration',
		status: 200,
		documented: true,
		description: 'Channel analytics',
	},
	postAnalytics: {
		method: 'GET',
		path: '/analytics/post/:postId',
		status: 200,
		documented: true,
		description: 'Post analytics',
	},
	listNotifications: {
		method: 'GET',
		path: '/notifications',
		status: 200,
		documented: true,
		description: 'List notifications',
	},
	upload: {
		method: 'POST',
		path: '/upload',
		status: 201,
		throttlerBucket: 'uploadSimple',
		documented: true,
		description: 'Upload a media file (multipart field `file`)',
	},
	uploadFromUrl: {
		method: 'POST',
		path: '/upload-from-url',
		status: 201,
		throttlerBucket: 'uploadFromUrl',
		documented: true,
		description: 'Import media from a URL',
	},
	isConnected: {
		method: 'GET',
		path: '/is-connected',
		status: 200,
		documented: false,
		description: 'Whether any enabled channel exists',
	},
	integrationSettings: {
		method: 'GET',
		path: '/integration-settings/:id',
		status: 200,
		documented: false,
		description: 'Settings schema and rules of a channel',
	},
	integrationTrigger: {
		method: 'POST',
		path: '/integration-trigger/:id',
		status: 201,
		throttlerBucket: 'integrationTrigger',
		documented: false,
		description: 'Run a provider tool (e.g. list Pinterest boards)',
	},
	overview: {
		method: 'GET',
		path: '/overview',
		status: 200,
		documented: false,
		description: 'Agency overview over the last `days` (1–365, default 30)',
	},
	customerReport: {
		method: 'GET',
		path: '/customers/:customerId/report',
		status: 200,
		documented: false,
		description: 'The overview for one customer (group)',
	},
} as const satisfies Record<string, EndpointDef>;

export type PostSiderEndpointName = keyof typeof POSTSIDER_ENDPOINTS;

/** Fills `:param` placeholders, URL-encoding each value; a missing one is a programming error. */
export function postsiderPath(
	name: PostSiderEndpointName,
	params: Record<string, string> = {},
): string {
	return POSTSIDER_ENDPOINTS[name].path.replace(/:([A-Za-z]+)/g, (_m, key: string) => {
		const value = params[key];
		if (value === undefined || value === '') {
			throw new Error(
				`PostSider ${name}: the path needs "${key}" (${POSTSIDER_ENDPOINTS[name].path})`,
			);
		}
		return encodeURIComponent(value);
	});
}

// ---------------------------------------------------------------------------------------------
// Rate limits (docs/postsider-api.md, Rate limits)

/** Limiter A: per org (all keys, all methods, dashboard too), FIXED 60 s window from the first hit. */
export const POSTSIDER_DEFAULT_API_LIMIT = 60;
export const POSTSIDER_MINUTE_WINDOW_MS = 60_000;
/**
 * Limiter B: @nestjs/throttler on POST/PUT/DELETE/PATCH, one bucket per handler and org, FIXED 1 h
 * window from the first hit; the first rejection blocks that handler for a whole hour from then.
 * Its limit reads the same `API_LIMIT` (9999 when unset); we default to the stricter "set" case.
 */
export const POSTSIDER_HOURLY_WINDOW_MS = 3_600_000;
export const POSTSIDER_HOURLY_LIMIT_WHEN_UNSET = 9999;

export interface PostSiderLimits {
	/** Limiter A requests per 60 s window per org. */
	perMinute: number;
	/** Limiter B requests per hour per mutating handler per org. */
	perHourPerHandler: number;
}
/** The limits a client should budget for (both from `API_LIMIT`, as in the source). */
export function postsiderLimits(
	apiLimit = POSTSIDER_DEFAULT_API_LIMIT,
	hourlyLimit?: number,
): PostSiderLimits {
	return { perMinute: apiLimit, perHourPerHandler: hourlyLimit ?? apiLimit };
}
export const POSTSIDER_MUTATING_METHODS = ['POST', 'PUT', 'DELETE', 'PATCH'] as const;

export const POSTSIDER_RATE_HEADERS = {
	limit: 'X-RateLimit-Limit',
	remaining: 'X-RateLimit-Remaining',
	/** Belongs to the HOURLY throttler, not the per-minute limiter (docs/postsider-api.md, How the limiters combine). */
	reset: 'X-RateLimit-Reset',
	retryAfter: 'Retry-After',
} as const;

// ---------------------------------------------------------------------------------------------
// Idempotency-Key on POST /posts (docs/postsider-api.md, Idempotency-Key)

/**
 * Scope: one org. Hash: sha256 of JSON.stringify(parsed body) (key order matters). Same key + same
 * body → the stored 201 replayed; other body, still processing, or a malformed key → 409. Keys never
 * expire. Requests rejected by validation do not consume the key.
 */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9._:-]{1,255}$/;
export const IDEMPOTENCY_MESSAGES = {
	invalid: 'Invalid Idempotency-Key',
	mismatch: 'Idempotency-Key was already used with a different request',
	processing: 'A request with this Idempotency-Key is already processing',
} as const;
export function isValidIdempotencyKey(key: string): boolean {
	return IDEMPOTENCY_KEY_PATTERN.test(key);
}

// ---------------------------------------------------------------------------------------------
// Other fixed texts (docs/postsider-api.md, Base URL and routing; Authentication; Processing order; Endpoints; Rate limits; Uploads): what the server says, for clients to recognise.

export const POSTSIDER_MESSAGES = {
	noApiKey: 'No API Key found',
	invalidApiKey: 'Invalid API key',
	invalidOAuthToken: 'Invalid OAuth token',
	rateLimited: 'Rate limit exceeded. Try again later.',
	throttled: 'ThrottlerException: Too Many Requests',
	postNotFound: 'Post not found',
	allPostsNeedIntegration: 'All posts must have an integration id',
	integrationNotFound: (id: string) => `Integration with id ${id} not found`,
	cannotChangePublished: 'Cannot change a post that is already published',
	cannotChangeApproval: 'Cannot change a post that is pending approval',
	noFreeSlot: 'No free posting slot found. Configure posting times for this channel.',
	integrationNotAllowed: 'Integration not allowed',
	integrationSettingsNotFound: 'Integration not found',
	onlyMainPostApproval: 'Only the main post can be sent for approval',
	onlyDraftApproval: 'Only draft posts can be sent for approval',
	internal: 'Internal server error',
	emptyPost: 'Your post should have at least one character or one image.',
	tooLong: 'post is too long, please fix it',
	fixSettings: 'Please fix your settings',
	tooLarge: 'request entity too large',
} as const;

/** Fallback find-slot times (minutes after midnight UTC) for unknown channels or none configured. */
export const FIND_SLOT_FALLBACK_MINUTES = [9 * 60, 12 * 60, 15 * 60, 18 * 60] as const;
/** A new channel's `postingTimes`: 02:00, 06:40, 11:40 (UTC). */
export const DEFAULT_POSTING_TIMES = [{ time: 120 }, { time: 400 }, { time: 700 }] as const;
/** JSON bodies on /public/v1 are limited by the body-parser default (docs/postsider-api.md, Request format). */
export const POSTSIDER_JSON_BODY_LIMIT_BYTES = 100 * 1024;
