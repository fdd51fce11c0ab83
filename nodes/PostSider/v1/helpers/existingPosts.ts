/** Post → Create, never twice: the posts PostSider already has at a date with a text. */
import type { IExecuteFunctions } from 'n8n-workflow';
import {
	postsiderPath,
	sanitizeContent,
	type ListPostsResponse,
	type PostListItem,
} from '../../../../contract/postsider';
import type { RateLimitPolicy } from '../../../shared/transport';
import { postSiderRequest } from '../transport';
import type { Channel } from './channels';

/**
 * The main post with this text at exactly `date`, by channel id (best effort: a failed lookup
 * finds nothing, and the Idempotency-Key still stops an exact replay). PostSider stores the text
 * sanitised, so both forms are compared.
 */
export async function findPostsAt(
	this: IExecuteFunctions,
	date: string,
	content: string,
	channels: Channel[],
	i: number,
	rateLimit: RateLimitPolicy,
): Promise<Map<string, PostListItem>> {
	const found = new Map<string, PostListItem>();
	let posts: PostListItem[];
	try {
		const response = await postSiderRequest.call(this, {
			method: 'GET',
			path: postsiderPath('listPosts'),
			qs: { startDate: date, endDate: date },
			itemIndex: i,
			rateLimit,
		});
		posts = ((response.body as ListPostsResponse).posts ?? []) as PostListItem[];
	} catch {
		return found;
	}
	const texts = new Set([content, sanitizeContent(content)]);
	for (const channel of channels) {
		const match = posts.find(
			(p) =>
				p.integration?.id === channel.id &&
				texts.has(p.content) &&
				Date.parse(p.publishDate) === Date.parse(date),
		);
		if (match) found.set(channel.id, match);
	}
	return found;
}
