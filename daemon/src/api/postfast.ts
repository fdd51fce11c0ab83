/**
 * PostFast API client for the daemon (postfast-api.md §2, §4, §7). `pf-api-key` header; uploads go
 * signed URL → raw PUT to S3 with the exact Content-Type and a Content-Length and WITHOUT the key.
 * Every method resolves to an `ApiResult`; none throws for HTTP or network failures.
 */
import { type ApiResult, type ClientOptions, HttpTransport } from './http';
import { rawFileBody } from './upload';

export type PostFastPlatform =
	| 'TIKTOK'
	| 'INSTAGRAM'
	| 'FACEBOOK'
	| 'X'
	| 'YOUTUBE'
	| 'LINKEDIN'
	| 'THREADS'
	| 'BLUESKY'
	| 'PINTEREST'
	| 'TELEGRAM'
	| 'GOOGLE_BUSINESS_PROFILE';

export interface PostFastMediaItem {
	key: string;
	type: 'IMAGE' | 'VIDEO';
	sortOrder: number;
	coverTimestamp?: string;
	coverImageKey?: string;
}

export interface PostFastPostInput {
	content: string;
	socialMediaId: string;
	scheduledAt?: string;
	mediaItems?: PostFastMediaItem[];
	firstComment?: string;
}

/** `POST /social-posts` body: 1–15 posts; status, approvalStatus and controls are request-wide. */
export interface PostFastCreateBody {
	posts: PostFastPostInput[];
	status?: 'DRAFT' | 'SCHEDULED';
	approvalStatus?: 'APPROVED' | 'PENDING_APPROVAL';
	controls?: Record<string, unknown>;
}

export interface SocialAccount {
	id: string;
	platform: PostFastPlatform;
	platformUsername: string | null;
	displayName: string | null;
	connectionStatus?: 'CONNECTED' | 'DISABLED';
	disabledReason?: string | null;
	[extra: string]: unknown;
}

export interface PostFastPost {
	id: string;
	content: string;
	status: 'DRAFT' | 'SCHEDULED' | 'PUBLISHED' | 'FAILED';
	socialMediaId: string;
	scheduledAt: string | null;
	publishedAt: string | null;
	lastError: { message: string; code: string } | null;
	[extra: string]: unknown;
}

export interface PostFastPage<T> {
	data: T[];
	totalCount: number | null;
	pageInfo: { page: number; hasNextPage: boolean; perPage: number };
}

export interface ListPostsFilters {
	page?: number;
	limit?: number;
	socialMediaIds?: string[];
	ids?: string[];
	platforms?: string[];
	statuses?: string[];
	from?: string;
	to?: string;
}

/** Endpoint ids used by the limit tables (`budget/limits.ts`); S3 PUTs are outside them. */
export const POSTFAST_ENDPOINTS = {
	uploadUrls: 'POST /file/get-signed-upload-urls',
	listAccounts: 'GET /social-media/my-social-accounts',
	createPosts: 'POST /social-posts',
	listPosts: 'GET /social-posts',
	deletePost: 'DELETE /social-posts/:id',
	bulkDelete: 'POST /social-posts/bulk-delete',
	analytics: 'GET /social-posts/analytics',
	pinterestBoards: 'GET /social-media/:id/pinterest-boards',
	youtubePlaylists: 'GET /social-media/:id/youtube-playlists',
} as const;

const E = POSTFAST_ENDPOINTS;
const seg = encodeURIComponent;
const csv = (values?: string[]): string | undefined => (values && values.length > 0 ? values.join(',') : undefined);

export class PostFastClient {
	private readonly http: HttpTransport;

	constructor(opts: ClientOptions) {
		this.http = new HttpTransport('postfast', opts, { 'pf-api-key': opts.apiKey });
	}

	/** Pre-signed S3 PUT URLs. Images: up to the profile's per-request count; video/documents: 1. */
	getUploadUrls(contentType: string, count: number): Promise<ApiResult<Array<{ key: string; signedUrl: string }>>> {
		return this.http.request({
			method: 'POST',
			path: '/file/get-signed-upload-urls',
			endpoint: E.uploadUrls,
			json: { contentType, count },
		});
	}

	/**
	 * PUTs the file to a signed URL: raw bytes streamed from disk, `Content-Type` exactly as requested
	 * for the URL, an explicit `Content-Length` (a chunked body gets 501 from S3), and no `pf-api-key`.
	 * The URL is used as given (never re-encoded); it is never put in errors or logs.
	 */
	async putToS3(
		signedUrl: string,
		filePath: string,
		contentType: string,
		onProgress?: (sent: number, total: number) => void,
	): Promise<ApiResult<{ etag?: string }>> {
		const { body, length } = await rawFileBody(filePath);
		const result = await this.http.requestExternal<unknown>(signedUrl, {
			method: 'PUT',
			endpoint: 'PUT <signed S3 URL>',
			stream: { body, length, contentType },
			onProgress,
		});
		if (!result.ok) return result;
		const etag = result.headers.etag;
		return { ...result, value: { etag: Array.isArray(etag) ? etag[0] : etag } };
	}

	createPosts(body: PostFastCreateBody): Promise<ApiResult<{ postIds: string[] }>> {
		return this.http.request({ method: 'POST', path: '/social-posts', endpoint: E.createPosts, json: body });
	}

	/** Reconciliation reads: `page` is 0-based in the request, `pageInfo.page` 1-based in the answer. */
	listPosts(filters: ListPostsFilters = {}): Promise<ApiResult<PostFastPage<PostFastPost>>> {
		return this.http.request({
			method: 'GET',
			path: '/social-posts',
			endpoint: E.listPosts,
			searchParams: {
				page: filters.page,
				limit: filters.limit,
				socialMediaIds: csv(filters.socialMediaIds),
				ids: csv(filters.ids),
				platforms: csv(filters.platforms),
				statuses: csv(filters.statuses),
				from: filters.from,
				to: filters.to,
			},
		});
	}

	listAccounts(): Promise<ApiResult<SocialAccount[]>> {
		return this.http.request({ method: 'GET', path: '/social-media/my-social-accounts', endpoint: E.listAccounts });
	}

	/** `{deleted:false}` (200, not 404) for an unknown id. */
	deletePost(id: string): Promise<ApiResult<{ deleted: boolean }>> {
		return this.http.request({ method: 'DELETE', path: `/social-posts/${seg(id)}`, endpoint: E.deletePost });
	}

	bulkDelete(ids: string[]): Promise<ApiResult<{ deletedIds: string[]; notFoundIds: string[] }>> {
		return this.http.request({ method: 'POST', path: '/social-posts/bulk-delete', endpoint: E.bulkDelete, json: { ids } });
	}

	pinterestBoards(accountId: string): Promise<ApiResult<Array<{ id: string; boardId: string; name: string }>>> {
		return this.http.request({
			method: 'GET',
			path: `/social-media/${seg(accountId)}/pinterest-boards`,
			endpoint: E.pinterestBoards,
		});
	}

	youtubePlaylists(accountId: string): Promise<ApiResult<Array<{ id: string; playlistId: string; title: string }>>> {
		return this.http.request({
			method: 'GET',
			path: `/social-media/${seg(accountId)}/youtube-playlists`,
			endpoint: E.youtubePlaylists,
		});
	}
}
