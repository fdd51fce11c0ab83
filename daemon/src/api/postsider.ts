/**
 * PostSider public API client for the daemon (postsider-api.md §3, §5). Raw-key `Authorization`
 * header (no `Bearer`), base URL ending in `/public/v1`, `Idempotency-Key` on creates, multipart
 * uploads streamed from disk. Every method resolves to an `ApiResult`; none throws for HTTP or
 * network failures.
 */
import { type ApiResult, type ClientOptions, HttpTransport } from './http';
import { multipartFileBody } from './upload';

/** `POST /posts` body (postsider-api.md §3.1). */
export interface PostSiderCreateBody {
	type: 'draft' | 'schedule' | 'now';
	date: string;
	shortLink: boolean;
	tags: Array<{ value: string; label: string }>;
	posts: Array<{
		integration: { id: string };
		value: Array<{
			content: string;
			image: Array<{ id: string; path: string; alt?: string; thumbnail?: string }>;
			delay?: number;
		}>;
		settings?: Record<string, unknown>;
		firstComment?: string;
	}>;
	inter?: number;
	[extra: string]: unknown;
}

/** One element per `posts[]` entry, in request order. */
export type CreatePostResponse = Array<{ postId: string; integration: string }>;

/** The media row `POST /upload` and `POST /upload-from-url` answer with (§5.1). */
export interface MediaObject {
	id: string;
	name: string;
	originalName: string | null;
	path: string;
	thumbnail: string | null;
	alt: string | null;
	type?: string;
	fileSize?: number;
	width?: number | null;
	height?: number | null;
}

export interface Integration {
	id: string;
	name: string;
	identifier: string;
	picture: string | null;
	disabled: boolean;
	profile: string | null;
	customer?: { id: string; name: string };
}

export interface PostListItem {
	id: string;
	content: string;
	publishDate: string;
	releaseURL: string | null;
	releaseId: string | null;
	state: 'QUEUE' | 'PUBLISHED' | 'ERROR' | 'DRAFT' | 'APPROVAL';
	group: string;
	integration: { id: string; providerIdentifier: string; name: string; picture: string | null };
	[extra: string]: unknown;
}

export interface PostSiderClientOptions extends ClientOptions {}

/** Endpoint ids used by the limit tables (`budget/limits.ts`). */
export const POSTSIDER_ENDPOINTS = {
	createPosts: 'POST /posts',
	listPosts: 'GET /posts',
	getPost: 'GET /posts/:id',
	deletePost: 'DELETE /posts/:id',
	deleteGroup: 'DELETE /posts/group/:group',
	changeStatus: 'PUT /posts/:id/status',
	findSlot: 'GET /find-slot/:id',
	listIntegrations: 'GET /integrations',
	isConnected: 'GET /is-connected',
	listGroups: 'GET /groups',
	notifications: 'GET /notifications',
	upload: 'POST /upload',
	uploadFromUrl: 'POST /upload-from-url',
} as const;

const E = POSTSIDER_ENDPOINTS;
const seg = encodeURIComponent;

export class PostSiderClient {
	private readonly http: HttpTransport;

	constructor(opts: PostSiderClientOptions) {
		// The key is the whole header value; a `Bearer` prefix is a 401 (postsider-api.md §2.2).
		this.http = new HttpTransport('postsider', opts, { authorization: opts.apiKey });
	}

	/**
	 * Creates posts. `idempotencyKey` must be derived from the item's identity and the body must be
	 * byte-stable across retries (same fields, same order), or the server answers 409.
	 */
	createPosts(
		body: PostSiderCreateBody,
		opts: { idempotencyKey: string },
	): Promise<ApiResult<CreatePostResponse>> {
		return this.http.request({
			method: 'POST',
			path: '/posts',
			endpoint: E.createPosts,
			json: body,
			headers: { 'idempotency-key': opts.idempotencyKey },
		});
	}

	/** Multipart `POST /upload` (field `file`), streamed from disk with an exact Content-Length. */
	async uploadFile(
		path: string,
		opts: { onProgress?(sent: number, total: number): void } = {},
	): Promise<ApiResult<MediaObject>> {
		const form = await multipartFileBody(path, 'file');
		return this.http.request({
			method: 'POST',
			path: '/upload',
			endpoint: E.upload,
			stream: form,
			onProgress: opts.onProgress,
		});
	}

	uploadFromUrl(url: string): Promise<ApiResult<MediaObject>> {
		return this.http.request({ method: 'POST', path: '/upload-from-url', endpoint: E.uploadFromUrl, json: { url } });
	}

	/** Next free slot; the server answers `YYYY-MM-DDTHH:mm:00` in UTC without `Z`, normalised here. */
	async findSlot(channelId: string): Promise<ApiResult<{ date: string }>> {
		const result = await this.http.request<{ date: string }>({
			method: 'GET',
			path: `/find-slot/${seg(channelId)}`,
			endpoint: E.findSlot,
		});
		if (result.ok && typeof result.value?.date === 'string' && !/(Z|[+-]\d\d:?\d\d)$/.test(result.value.date)) {
			result.value = { date: `${result.value.date}Z` };
		}
		return result;
	}

	listIntegrations(opts: { group?: string } = {}): Promise<ApiResult<Integration[]>> {
		return this.http.request({
			method: 'GET',
			path: '/integrations',
			endpoint: E.listIntegrations,
			searchParams: { group: opts.group },
		});
	}

	isConnected(): Promise<ApiResult<{ connected: boolean }>> {
		return this.http.request({ method: 'GET', path: '/is-connected', endpoint: E.isConnected });
	}

	listGroups(): Promise<ApiResult<Array<{ id: string; name: string }>>> {
		return this.http.request({ method: 'GET', path: '/groups', endpoint: E.listGroups });
	}

	/** Posts whose publish date is in [startDate, endDate] (ISO strings, inclusive). */
	listPosts(range: { startDate: string; endDate: string; customer?: string }): Promise<ApiResult<{ posts: PostListItem[] }>> {
		return this.http.request({ method: 'GET', path: '/posts', endpoint: E.listPosts, searchParams: range });
	}

	/** One post group. The answer holds the channel's OAuth tokens: never log it verbatim. */
	getPost(id: string): Promise<ApiResult<{ group: string; posts: Array<Record<string, unknown>>; integration: string }>> {
		return this.http.request({ method: 'GET', path: `/posts/${seg(id)}`, endpoint: E.getPost });
	}

	deletePost(id: string): Promise<ApiResult<{ success: boolean }>> {
		return this.http.request({ method: 'DELETE', path: `/posts/${seg(id)}`, endpoint: E.deletePost });
	}

	deleteGroup(group: string): Promise<ApiResult<{ success: boolean }>> {
		return this.http.request({ method: 'DELETE', path: `/posts/group/${seg(group)}`, endpoint: E.deleteGroup });
	}

	changeStatus(id: string, status: 'draft' | 'schedule'): Promise<ApiResult<{ id: string; state: string }>> {
		return this.http.request({
			method: 'PUT',
			path: `/posts/${seg(id)}/status`,
			endpoint: E.changeStatus,
			json: { status },
		});
	}

	listNotifications(page = 0): Promise<
		ApiResult<{
			notifications: Array<{ id: string; content: string; link: string | null; createdAt: string }>;
			total: number;
			page: number;
			limit: number;
			hasMore: boolean;
		}>
	> {
		return this.http.request({ method: 'GET', path: '/notifications', endpoint: E.notifications, searchParams: { page } });
	}
}
