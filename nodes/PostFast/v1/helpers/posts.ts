/** Listing posts (`GET /social-posts`): shared by Social Post → Get Many, Create's reconcile and the trigger. */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { RateLimitPolicy, RequestContext } from '../../../shared/transport';
import { postFastApiRequest } from '../transport';
import { MAX_FILTER_IDS, MAX_PAGE_SIZE, POSTS_PATH, type PostsPage } from './api';
import { toUtcIso } from '../../../shared/dates';
import { checkUuids, toList } from './utils';

/** Query string for `GET /social-posts` from the filters collection (dates as UTC, lists as CSV). */
export function postFilters(
	this: IExecuteFunctions,
	filters: IDataObject,
	itemIndex: number,
): IDataObject {
	const qs: IDataObject = {};
	for (const name of ['ids', 'socialMediaIds'] as const) {
		const ids = toList(filters[name]);
		if (ids.length === 0) continue;
		checkUuids.call(this, ids, name, itemIndex);
		if (ids.length > MAX_FILTER_IDS) {
			throw new NodeOperationError(
				this.getNode(),
				`"${name}" holds ${ids.length} IDs; PostFast accepts at most ${MAX_FILTER_IDS}`,
				{ itemIndex },
			);
		}
		qs[name] = ids.join(',');
	}
	for (const name of ['platforms', 'statuses'] as const) {
		const values = toList(filters[name]);
		if (values.length > 0) qs[name] = values.join(',');
	}
	for (const name of ['from', 'to'] as const) {
		if (filters[name]) qs[name] = toUtcIso.call(this, filters[name], name, itemIndex);
	}
	return qs;
}

/** A safety stop for a server that never says "no next page" (50,000 posts). */
const MAX_PAGES = 1000;

/**
 * Reads pages (0-based `page`, up to 50 per page) until `limit` posts or the last page. The
 * response's `pageInfo.page` is 1-based and `totalCount` is null when nothing matches.
 */
export async function listPosts(
	this: RequestContext,
	qs: IDataObject,
	limit: number,
	options: { itemIndex?: number; rateLimit?: RateLimitPolicy } = {},
): Promise<IDataObject[]> {
	const posts: IDataObject[] = [];
	// One page size for every page: `page` is an offset in units of `limit`, so changing the size
	// between pages would skip or repeat posts.
	const size = Math.min(MAX_PAGE_SIZE, limit);
	for (let page = 0; posts.length < limit && page < MAX_PAGES; page++) {
		const result = (await postFastApiRequest.call(this, 'GET', POSTS_PATH, {
			qs: { ...qs, page, limit: size },
			...options,
		})) as PostsPage;
		posts.push(...((result.data ?? []) as unknown as IDataObject[]));
		if (!result.pageInfo?.hasNextPage || (result.data ?? []).length === 0) break;
	}
	return posts.slice(0, limit);
}
