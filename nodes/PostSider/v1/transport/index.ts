/**
 * PostSider transport: the base URL from the credential (checked before any request carries the
 * key), JSON requests and multipart uploads through the shared request path.
 */
import {
	NodeOperationError,
	type IDataObject,
	type IHttpRequestMethods,
	type IHttpRequestOptions,
} from 'n8n-workflow';
import type { ApiError } from '../../../../contract/errors';
import { checkApiBaseUrl } from '../../../../contract/base-url';
import { redactSecrets } from '../../../shared/redact';
import { postsiderApiBase } from '../../../../contract/postsider';
import {
	apiRequest,
	type ApiResponse,
	type RateLimitPolicy,
	type RequestContext,
	type RequestOptions,
	type ServiceInfo,
} from '../../../shared/transport';
import type { StreamBody } from '../../../shared/binary';

export const CREDENTIAL_TYPE = 'postSiderApi';

const WEB_PAGE_HINT =
	'The base URL answered with a web page, not the PostSider API. A self-hosted PostSider serves its API under /api: use https://<your-domain>/api as the base URL.';

function looksLikeHtml(body: string): boolean {
	return /^\s*<(!doctype|html|head|body)/i.test(body);
}

function hint(error: ApiError): string | undefined {
	if (error.kind === 'auth') {
		return 'Check the API key in the PostSider API credential: paste the raw key from Settings → API, without "Bearer".';
	}
	if (typeof error.body === 'string' && looksLikeHtml(error.body)) return WEB_PAGE_HINT;
	if (error.kind === 'conflict' && /Idempotency-Key/.test(error.message)) {
		return 'The Idempotency-Key was already used for a different post, or that post is still being created. Use a new key (or leave the option empty so the node derives one from the post).';
	}
	if (error.channel) {
		return `Fix the post for the ${error.channel.provider} channel "${error.channel.name}" (see the message) and run again.`;
	}
	return undefined;
}

export const POSTSIDER: ServiceInfo = {
	service: 'postsider',
	label: 'PostSider',
	credentialType: CREDENTIAL_TYPE,
	hint,
};

/**
 * `https://api.postsider.com` → `https://api.postsider.com/public/v1`; `https://host/api` →
 * `https://host/api/public/v1`. Refuses plain http except on loopback, embedded credentials,
 * queries and fragments. Returns an error text instead of throwing so callers can name the node.
 */
export function resolveBaseUrl(raw: unknown): { url: string } | { error: string } {
	const checked = checkApiBaseUrl(raw, {
		service: 'PostSider',
		example: 'https://api.postsider.com or https://<your-domain>/api',
		where: 'the PostSider credential',
	});
	if ('error' in checked) return checked;
	return { url: postsiderApiBase(`${checked.url.origin}${checked.url.pathname}`) };
}

export async function baseUrlOf(this: RequestContext): Promise<string> {
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	const resolved = resolveBaseUrl(credentials.baseUrl);
	if ('error' in resolved) throw new NodeOperationError(this.getNode(), resolved.error);
	return resolved.url;
}

export interface PostSiderRequest {
	method: IHttpRequestMethods;
	/** Path below `/public/v1`, e.g. `/posts`. */
	path: string;
	qs?: IDataObject;
	body?: IDataObject | IDataObject[];
	/** A multipart upload, streamed from the file (see nodes/shared/binary.ts). */
	upload?: StreamBody;
	headers?: IDataObject;
	itemIndex?: number;
	rateLimit?: RateLimitPolicy;
}

/** One PostSider call; resolves with the parsed 2xx response, throws a `NodeApiError` otherwise. */
export async function postSiderRequest<T = unknown>(
	this: RequestContext,
	request: PostSiderRequest,
): Promise<ApiResponse<T>> {
	const baseUrl = await baseUrlOf.call(this);
	const isForm = request.upload !== undefined;
	const options: IHttpRequestOptions = {
		method: request.method,
		url: `${baseUrl}${request.path}`,
		...(request.qs ? { qs: request.qs } : {}),
		...(request.body !== undefined ? { body: request.body } : {}),
		headers: { Accept: 'application/json', ...(request.headers ?? {}) },
		json: !isForm,
	};
	const response = await apiRequest.call<
		RequestContext,
		[ServiceInfo, IHttpRequestOptions, RequestOptions],
		Promise<ApiResponse<T>>
	>(this, POSTSIDER, options, {
		itemIndex: request.itemIndex,
		rateLimit: request.rateLimit,
		...(request.upload ? { streamBody: request.upload } : {}),
	});
	if (typeof response.body === 'string' && looksLikeHtml(response.body)) {
		// A missing /api on a self-hosted server returns the dashboard's login page with 200.
		throw new NodeOperationError(
			this.getNode(),
			`PostSider ${request.method} ${request.path} answered with a web page instead of JSON`,
			{
				...(request.itemIndex !== undefined ? { itemIndex: request.itemIndex } : {}),
				description: WEB_PAGE_HINT,
			},
		);
	}
	if (isForm && typeof response.body === 'string') {
		// Multipart requests are not sent with `json: true`, so the JSON answer arrives as text.
		try {
			response.body = JSON.parse(response.body) as T;
		} catch {
			// keep the text
		}
	}
	// Channel rows come back with OAuth tokens in several answers: none may reach n8n's output.
	response.body = redactSecrets(response.body);
	return response;
}
