/**
 * PostSider public API client for the daemon (docs/postsider-api.md, Endpoints; Uploads). Raw-key `Authorization`
 * header (no `Bearer`), base URL ending in `/public/v1`, `Idempotency-Key` on creates, multipart
 * uploads streamed from disk. Every method resolves to an `ApiResult`; none throws for HTTP or
 * network failures.
 */
import * as C from '../../../contract/postsider';
import { type ApiResult, type ClientOptions, HttpTransport, localFileFailure } from './http';
import { type ExpectedFile, FileChangedError, multipartFileBody } from './upload';

// Payload types are the contract's: one definition of the API for nodes, daemon and emulator.
export type {
	Channel as Integration,
	CreatePostRequest as PostSiderCreateBody,
	CreatePostResponse,
	MediaObject,
	PostListItem,
} from '../../../contract/postsider';

export interface PostSiderClientOptions extends ClientOptions {}

const key = (name: C.PostSiderEndpointName) =>
	`${C.POSTSIDER_ENDPOINTS[name].method} ${C.POSTSIDER_ENDPOINTS[name].path}`;

/** Endpoint ids (`METHOD /path`) used by the limit tables and budgets. */
export const POSTSIDER_ENDPOINTS = {
	createPosts: key('createPost'),
	listPosts: key('listPosts'),
	getPost: key('getPost'),
	deletePost: key('deletePost'),
	deleteGroup: key('deleteGroup'),
	changeStatus: key('changeStatus'),
	findSlot: key('findSlot'),
	integrationSettings: key('integrationSettings'),
	listIntegrations: key('listChannels'),
	isConnected: key('isConnected'),
	listGroups: key('listGroups'),
	notifications: key('listNotifications'),
	upload: key('upload'),
	uploadFromUrl: key('uploadFromUrl'),
} as const;

const E = POSTSIDER_ENDPOINTS;
const path = C.postsiderPath;

export class PostSiderClient {
	private readonly http: HttpTransport;

	constructor(opts: PostSiderClientOptions) {
		// The key is the whole header value; a `Bearer` prefix is a 401 (docs/postsider-api.md, Authentication), so the
		// contract refuses it here with the fix. A base given as an origin gets `/public/v1`.
		this.http = new HttpTransport(
			'postsider',
			{ ...opts, baseUrl: C.postsiderApiBase(opts.baseUrl) },
			C.postsiderAuthHeaders(opts.apiKey),
		);
	}

	/**
	 * Creates posts. `idempotencyKey` must be derived from the item's identity and the body must be
	 * byte-stable across retries (same fields, same order), or the server answers 409.
	 */
	createPosts(
		body: C.CreatePostRequest,
		opts: { idempotencyKey: string },
	): Promise<ApiResult<C.CreatePostResponse>> {
		return this.http.request({
			method: 'POST',
			path: path('createPost'),
			endpoint: E.createPosts,
			json: body,
			headers: { [C.POSTSIDER_IDEMPOTENCY_HEADER]: opts.idempotencyKey },
		});
	}

	/** Multipart `POST /upload` (field `file`), streamed from disk with an exact Content-Length. */
	async uploadFile(
		filePath: string,
		opts: { onProgress?(sent: number, total: number): void; expected?: ExpectedFile } = {},
	): Promise<ApiResult<C.MediaObject>> {
		let form: Awaited<ReturnType<typeof multipartFileBody>>;
		try {
			form = await multipartFileBody(filePath, 'file', undefined, opts.expected);
		} catch (error) {
			if (error instanceof FileChangedError)
				return localFileFailure('postsider', error, Date.now());
			throw error;
		}
		return this.http.request({
			method: 'POST',
			path: path('upload'),
			endpoint: E.upload,
			stream: form,
			onProgress: opts.onProgress,
		});
	}

	uploadFromUrl(url: string): Promise<ApiResult<C.MediaObject>> {
		return this.http.request({
			method: 'POST',
			path: path('uploadFromUrl'),
			endpoint: E.uploadFromUrl,
			json: { url },
		});
	}

	/** Next free slot; the server answers `YYYY-MM-DDTHH:mm:00` in UTC without `Z`, normalised here. */
	async findSlot(channelId: string): Promise<ApiResult<C.FindSlotResponse>> {
		const result = await this.http.request<C.FindSlotResponse>({
			method: 'GET',
			path: path('findSlot', { id: channelId }),
			endpoint: E.findSlot,
		});
		if (result.ok && typeof result.value?.date === 'string')
			result.value = { date: C.findSlotToIso(result.value.date) };
		return result;
	}

	/** A channel's rules and text limit: `output.maxLength` (X's depends on the account). */
	integrationSettings(channelId: string): Promise<ApiResult<{ output?: { maxLength?: unknown } }>> {
		return this.http.request({
			method: 'GET',
			path: path('integrationSettings', { id: channelId }),
			endpoint: E.integrationSettings,
		});
	}

	listIntegrations(opts: C.ListChannelsQuery = {}): Promise<ApiResult<C.ListChannelsResponse>> {
		return this.http.request({
			method: 'GET',
			path: path('listChannels'),
			endpoint: E.listIntegrations,
			searchParams: { group: opts.group },
		});
	}

	isConnected(): Promise<ApiResult<C.IsConnectedResponse>> {
		return this.http.request({ method: 'GET', path: path('isConnected'), endpoint: E.isConnected });
	}

	listGroups(): Promise<ApiResult<C.ListGroupsResponse>> {
		return this.http.request({ method: 'GET', path: path('listGroups'), endpoint: E.listGroups });
	}

	/** Posts whose publish date is in [startDate, endDate] (ISO strings, inclusive). */
	listPosts(range: C.ListPostsQuery): Promise<ApiResult<C.ListPostsResponse>> {
		return this.http.request({
			method: 'GET',
			path: path('listPosts'),
			endpoint: E.listPosts,
			searchParams: { ...range },
		});
	}

	/** One post group. The answer holds the channel's OAuth tokens: never log it verbatim. */
	getPost(id: string): Promise<ApiResult<C.GetPostResponse>> {
		return this.http.request({ method: 'GET', path: path('getPost', { id }), endpoint: E.getPost });
	}

	deletePost(id: string): Promise<ApiResult<C.SuccessResponse>> {
		return this.http.request({
			method: 'DELETE',
			path: path('deletePost', { id }),
			endpoint: E.deletePost,
		});
	}

	deleteGroup(group: string): Promise<ApiResult<C.SuccessResponse>> {
		return this.http.request({
			method: 'DELETE',
			path: path('deleteGroup', { group }),
			endpoint: E.deleteGroup,
		});
	}

	changeStatus(
		id: string,
		status: C.StatusChangeValue,
	): Promise<ApiResult<C.ChangeStatusResponse>> {
		return this.http.request({
			method: 'PUT',
			path: path('changeStatus', { id }),
			endpoint: E.changeStatus,
			json: { status },
		});
	}

	listNotifications(page = 0): Promise<ApiResult<C.ListNotificationsResponse>> {
		return this.http.request({
			method: 'GET',
			path: path('listNotifications'),
			endpoint: E.notifications,
			searchParams: { page },
		});
	}
}
