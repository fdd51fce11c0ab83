/** Request and response payloads of every endpoint (docs/postfast-api.md, Endpoints). */

import {
	type ApprovalStatus,
	type ConnectionStatus,
	type CreateApprovalStatus,
	type CreateStatus,
	type DisabledReason,
	type MediaType,
	type Platform,
	type PostStatus,
} from './basics';
import { type PostControls } from './controls';

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
	/** Top level only: inside a post it is ignored (docs/postfast-api.md, Create body). */
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
/** Social Inbox (docs/postfast-api.md, Social Inbox). Lists use the posts envelope; POSTs answer 201; errors `{statusCode, message: 'inbox.<code>'}`. */
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
