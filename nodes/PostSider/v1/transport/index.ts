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
import { postsiderApiBase } from '../../../../contract/postsider';
import {
	apiRequest,
	type ApiResponse,
	type RateLimitPolicy,
	type RequestContext,
	type ServiceInfo,
} from '../../../shared/transport';

export const CREDENTIAL_TYPE = 'postSiderApi';

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

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
	const text = typeof raw === 'string' ? raw.trim() : '';
	if (!text)
		return {
			error:
				'The PostSider credential has no base URL; use https://api.postsider.com or https://<your-domain>/api',
		};
	let parsed: URL;
	try {
		parsed = new URL(text);
	} catch {
		return {
			error: `The PostSider base URL "${text}" is not a URL; use https://api.postsider.com or https://<your-domain>/api`,
		};
	}
	if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
		return { error: `The PostSider base URL must start with https:// (got "${parsed.protocol}")` };
	}
	if (parsed.protocol === 'http:' && !LOOPBACK.test(parsed.hostname)) {
		return {
			error: `The PostSider base URL "${text}" uses plain http, which would send the API key unencrypted; use https:// (plain http is accepted only for localhost)`,
		};
	}
	if (parsed.username || parsed.password) {
		return {
			error:
				'The PostSider base URL must not contain a user name or password; put the key in the API Key field',
		};
	}
	if (parsed.search || parsed.hash) {
		return { error: `The PostSider base URL "${text}" must not have a query or fragment` };
	}
	return { url: postsiderApiBase(`${parsed.origin}${parsed.pathname}`) };
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
	body?: IDataObject | IDataObject[] | FormData;
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
	const isForm = typeof FormData !== 'undefined' && request.body instanceof FormData;
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
		[ServiceInfo, IHttpRequestOptions, { itemIndex?: number; rateLimit?: RateLimitPolicy }],
		Promise<ApiResponse<T>>
	>(this, POSTSIDER, options, { itemIndex: request.itemIndex, rateLimit: request.rateLimit });
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
	return response;
}
