import type { IExecuteFunctions, IHttpRequestMethods } from 'n8n-workflow';

import { rateLimitPolicy } from '../../../shared/options';
import { postFastApiRequest, type PostFastRequestOptions } from '../transport';

/** A PostFast call made for one item: its index and "Max Rate-Limit Wait" are filled in. */
export type ItemRequest = <T = unknown>(
	method: IHttpRequestMethods,
	path: string,
	options?: Pick<PostFastRequestOptions, 'body' | 'qs'>,
) => Promise<T>;

/** The request function of the one-call-per-item operations, bound to item `itemIndex`. */
export function itemRequest(this: IExecuteFunctions, itemIndex: number): ItemRequest {
	const rateLimit = rateLimitPolicy.call(this, itemIndex);
	return async <T>(method: IHttpRequestMethods, path: string, options = {}) =>
		(await postFastApiRequest.call(this, method, path, {
			...options,
			itemIndex,
			rateLimit,
		})) as T;
}
