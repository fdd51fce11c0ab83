/**
 * PostFast API client for the daemon (docs/postfast-api.md, Endpoints; The S3 upload; Client traps). `pf-api-key` header; uploads go
 * signed URL → raw PUT to S3 with the exact Content-Type and a Content-Length and WITHOUT the key.
 * Every method resolves to an `ApiResult`; none throws for HTTP or network failures.
 */
import * as C from '../../../contract/postfast';
import { type ApiResult, type ClientOptions, HttpTransport, localFileFailure } from './http';
import { type ExpectedFile, FileChangedError, rawFileBody } from './upload';

// Payload types are the contract's: one definition of the API for nodes, daemon and emulator.
export type {
	ListedPost as PostFastPost,
	ListPostsQuery as ListPostsFilters,
	MediaItemInput as PostFastMediaItem,
	Platform as PostFastPlatform,
	PostInput as PostFastPostInput,
	PostsPage,
	SignedUpload,
	SocialAccount,
} from '../../../contract/postfast';

type EndpointName = C.PostFastEndpointName;

/** The create body; `controls` values come from sidecars as JSON and the server checks them. */
export type PostFastCreateBody = Omit<C.CreatePostsRequest, 'controls'> & {
	controls?: Record<string, unknown>;
};

/** Endpoint ids (`METHOD /path`) used by the limit tables and budgets; S3 PUTs are outside them. */
export const POSTFAST_ENDPOINTS = Object.fromEntries(
	Object.entries(C.POSTFAST_ENDPOINTS).map(([name, def]) => [name, def.key]),
) as { [K in EndpointName]: (typeof C.POSTFAST_ENDPOINTS)[K]['key'] };

const E = POSTFAST_ENDPOINTS;
const csv = (values?: string[]): string | undefined =>
	values && values.length > 0 ? values.join(',') : undefined;

export class PostFastClient {
	private readonly http: HttpTransport;

	constructor(opts: ClientOptions) {
		this.http = new HttpTransport('postfast', opts, { [C.POSTFAST_AUTH_HEADER]: opts.apiKey });
	}

	/** Pre-signed S3 PUT URLs. Images: up to the profile's per-request count; video/documents: 1. */
	getUploadUrls(contentType: string, count: number): Promise<ApiResult<C.UploadUrlsResponse>> {
		return this.http.request({
			method: 'POST',
			path: C.pathOf('uploadUrls'),
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
		expected?: ExpectedFile,
	): Promise<ApiResult<{ etag?: string }>> {
		let file: Awaited<ReturnType<typeof rawFileBody>>;
		try {
			file = await rawFileBody(filePath, expected);
		} catch (error) {
			if (error instanceof FileChangedError) return localFileFailure('postfast', error, Date.now());
			throw error;
		}
		const { body, length } = file;
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

	createPosts(body: PostFastCreateBody): Promise<ApiResult<C.CreatePostsResponse>> {
		return this.http.request({
			method: 'POST',
			path: C.pathOf('createPosts'),
			endpoint: E.createPosts,
			json: body,
		});
	}

	/** Reconciliation reads: `page` is 0-based in the request, `pageInfo.page` 1-based in the answer. */
	listPosts(filters: C.ListPostsQuery = {}): Promise<ApiResult<C.PostsPage>> {
		return this.http.request({
			method: 'GET',
			path: C.pathOf('listPosts'),
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

	listAccounts(): Promise<ApiResult<C.SocialAccount[]>> {
		return this.http.request({
			method: 'GET',
			path: C.pathOf('listAccounts'),
			endpoint: E.listAccounts,
		});
	}

	/** `{deleted:false}` (200, not 404) for an unknown id. */
	deletePost(id: string): Promise<ApiResult<C.DeletePostResponse>> {
		return this.http.request({
			method: 'DELETE',
			path: C.pathOf('deletePost', { id }),
			endpoint: E.deletePost,
		});
	}

	bulkDelete(ids: string[]): Promise<ApiResult<C.BulkDeleteResponse>> {
		return this.http.request({
			method: 'POST',
			path: C.pathOf('bulkDelete'),
			endpoint: E.bulkDelete,
			json: { ids },
		});
	}

	pinterestBoards(accountId: string): Promise<ApiResult<C.PinterestBoard[]>> {
		return this.http.request({
			method: 'GET',
			path: C.pathOf('pinterestBoards', { id: accountId }),
			endpoint: E.pinterestBoards,
		});
	}

	youtubePlaylists(accountId: string): Promise<ApiResult<C.YoutubePlaylist[]>> {
		return this.http.request({
			method: 'GET',
			path: C.pathOf('youtubePlaylists', { id: accountId }),
			endpoint: E.youtubePlaylists,
		});
	}
}
