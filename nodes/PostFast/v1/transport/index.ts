/**
 * Every authenticated PostFast call goes through `postFastApiRequest`: the credential adds
 * `pf-api-key`, and the shared request path (nodes/shared/transport.ts) turns failures into one
 * `NodeApiError` with PostFast's own reason and waits out short 429s per request.
 */
import type { IDataObject, IHttpRequestMethods, IHttpRequestOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { checkApiBaseUrl } from '../../../../contract/base-url';
import type { ApiError } from '../../../../contract/errors';
import {
	apiRequest,
	type ApiResponse,
	type RateLimitPolicy,
	type RequestContext,
	type ServiceInfo,
} from '../../../shared/transport';

export const CREDENTIAL_TYPE = 'postFastApi';

/** A PostFast API call that has not answered in this long is treated as a network failure. */
export const API_TIMEOUT_MS = 60_000;

function hint(error: ApiError): string | undefined {
	switch (error.kind) {
		case 'auth':
			return 'PostFast refused the API key (it answers 401 or 403 "Missing organizationId or activeWorkspaceId" for a wrong, rotated or empty key). Paste the current workspace key into the PostFast API credential.';
		case 'rate-limited': {
			const windows = error.rateLimitWindows?.length
				? ` (${error.rateLimitWindows.join(', ')} window)`
				: '';
			if (error.retryAfterMs === undefined)
				return `PostFast's rate limit is used up${windows}; run again later.`;
			const at = new Date(Date.now() + error.retryAfterMs).toISOString();
			return `PostFast's rate limit for this endpoint is used up${windows}. Run again after ${at}: calls made while blocked still count and extend the block.`;
		}
		case 'not-found':
			return 'PostFast has no such route or object. Check the Base URL in the credential (no path after the host) and the ID.';
		case 'validation': {
			const code = error.code ? `PostFast code ${error.code}. ` : '';
			if (error.code === 'socialMediaDisconnected')
				return `${code}Reconnect the account in PostFast, or create the post as a draft (drafts to a disabled account are accepted).`;
			if (/\bcap\b|too large|too big|exceeds/i.test(error.message))
				return `${code}The file is larger than PostFast takes for its type or platform. Compress or shorten it and run again; uploading the same file again will not help.`;
			if (error.code === 'media.invalidMedia' || /never uploaded/.test(error.message))
				return `${code}A media key was never uploaded or its file is invalid. Upload the file again (File → Upload, or Binary Properties in Create) and use the new key.`;
			const fields = error.fieldPaths.length
				? `Fix ${error.fieldPaths.join(', ')} and run again.`
				: 'Fix the request and run again.';
			return `${code}${fields}`;
		}
		default:
			return undefined;
	}
}

export const POSTFAST: ServiceInfo = {
	service: 'postfast',
	label: 'PostFast',
	credentialType: CREDENTIAL_TYPE,
	hint,
};

export interface PostFastRequestOptions {
	body?: IDataObject | IDataObject[];
	qs?: IDataObject;
	itemIndex?: number;
	rateLimit?: RateLimitPolicy;
}

/**
 * The credential's base URL without a trailing slash, after the project's base-URL rule: https, or
 * plain http only to localhost; no user name, password, query or fragment. Checked before any
 * request carries the key.
 */
export async function getBaseUrl(this: RequestContext): Promise<string> {
	const credentials = await this.getCredentials<{ baseUrl?: string }>(CREDENTIAL_TYPE);
	const checked = checkApiBaseUrl(credentials.baseUrl, {
		service: 'PostFast',
		example: 'https://api.postfa.st',
		where: 'the PostFast credential',
	});
	if ('error' in checked) {
		throw new NodeOperationError(this.getNode(), checked.error, {
			description:
				'Edit the PostFast API credential and set Base URL to https://api.postfa.st (or your staging or emulator URL).',
		});
	}
	return `${checked.url.origin}${checked.url.pathname}`.replace(/\/+$/, '');
}

/** One authenticated call; returns the full response (body, headers, time spent on 429 waits). */
export async function postFastRequest<T = unknown>(
	this: RequestContext,
	method: IHttpRequestMethods,
	path: string,
	options: PostFastRequestOptions = {},
): Promise<ApiResponse<T>> {
	const baseUrl = await getBaseUrl.call(this);
	const request: IHttpRequestOptions = {
		method,
		url: `${baseUrl}${path}`,
		json: true,
		timeout: API_TIMEOUT_MS,
		...(options.qs ? { qs: options.qs } : {}),
		...(options.body !== undefined ? { body: options.body } : {}),
	};
	return await apiRequest.call<
		RequestContext,
		[ServiceInfo, IHttpRequestOptions, object],
		Promise<ApiResponse<T>>
	>(this, POSTFAST, request, {
		...(options.itemIndex !== undefined ? { itemIndex: options.itemIndex } : {}),
		...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
	});
}

/** Same as `postFastRequest`, returning only the parsed body. */
export async function postFastApiRequest<T = unknown>(
	this: RequestContext,
	method: IHttpRequestMethods,
	path: string,
	options: PostFastRequestOptions = {},
): Promise<T> {
	return (
		await postFastRequest.call<
			RequestContext,
			[IHttpRequestMethods, string, PostFastRequestOptions],
			Promise<ApiResponse<T>>
		>(this, method, path, options)
	).body;
}
