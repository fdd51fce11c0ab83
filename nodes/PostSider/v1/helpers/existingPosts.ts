/** Post → Create, never twice: the posts PostSider already has from an earlier run. */
import { createHash } from 'crypto';
import type { IExecuteFunctions } from 'n8n-workflow';
import {
	postsiderPath,
	sanitizeContent,
	type GetPostResponse,
	type ListPostsResponse,
	type PostListItem,
	type PostRow,
} from '../../../../contract/postsider';
import { transferTimeoutMs } from '../../../shared/binary';
import type { RateLimitPolicy } from '../../../shared/transport';
import { postSiderRequest } from '../transport';
import type { Channel } from './channels';
import type { BinaryMedia, MediaRef } from './media';

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

/** How far back a "Now" post or an undated draft of an earlier run is looked for. */
export const REPLAY_LOOKBACK_DAYS = 30;

/** Candidates read per channel (newest first): each costs a `GET /posts/:id` and maybe downloads. */
const MAX_CANDIDATES = 3;

/** What a post of this item holds: the text and files of the main post and of each thread item. */
export interface PostContents {
	texts: string[];
	/** Per text: the files in order, binaries (by hash and size) or earlier uploads (by id). */
	media: Array<Array<Pick<BinaryMedia, 'sha256' | 'size'> | MediaRef>>;
}

/**
 * A post without a date of its own ("Now", or a draft without a date) from an earlier run, by
 * channel id: a post of the last REPLAY_LOOKBACK_DAYS days on the channel whose main post and
 * thread have the same texts and the same files. PostSider's list has neither thread nor media, so
 * each same-text candidate is read with `GET /posts/:id` and its files are compared by streaming
 * them through SHA-256 (nothing is uploaded, nothing is held whole). Best effort like `findPostsAt`:
 * a failed look-up finds nothing, and the Idempotency-Key still stops a second post.
 */
export async function findSamePosts(
	this: IExecuteFunctions,
	post: PostContents,
	channels: Channel[],
	i: number,
	rateLimit: RateLimitPolicy,
): Promise<Map<string, PostListItem>> {
	const found = new Map<string, PostListItem>();
	let posts: PostListItem[];
	try {
		posts = await recentPosts.call(this, i, rateLimit);
	} catch {
		return found;
	}
	const sameText = (stored: string, text: string) =>
		stored === text || stored === sanitizeContent(text);
	const hashes = new Map<string, Promise<string | undefined>>();
	for (const channel of channels) {
		const candidates = posts
			.filter(
				(p) =>
					p.integration?.id === channel.id && !p.actualDate && sameText(p.content, post.texts[0]),
			)
			.sort((a, b) => Date.parse(b.publishDate) - Date.parse(a.publishDate))
			.slice(0, MAX_CANDIDATES);
		for (const candidate of candidates) {
			if (await holdsSame.call(this, candidate.id, post, sameText, hashes, i, rateLimit)) {
				found.set(channel.id, candidate);
				break;
			}
		}
	}
	return found;
}

/**
 * The organisation's posts of the last REPLAY_LOOKBACK_DAYS days, listed once per execution (a
 * list without pagination can be long, and every item of a bulk "Now" run would ask again). A failed
 * listing is not kept, so the next item asks again.
 */
const recentLists = new WeakMap<object, Promise<PostListItem[]>>();

function recentPosts(
	this: IExecuteFunctions,
	i: number,
	rateLimit: RateLimitPolicy,
): Promise<PostListItem[]> {
	let pending = recentLists.get(this);
	if (!pending) {
		const now = Date.now();
		pending = postSiderRequest
			.call(this, {
				method: 'GET',
				path: postsiderPath('listPosts'),
				qs: {
					startDate: new Date(now - REPLAY_LOOKBACK_DAYS * 86_400_000).toISOString(),
					// PostSider dates a "Now" post by its own clock, which may run a little ahead.
					endDate: new Date(now + 5 * 60_000).toISOString(),
				},
				itemIndex: i,
				rateLimit,
			})
			.then((response) => ((response.body as ListPostsResponse).posts ?? []) as PostListItem[]);
		pending.catch(() => recentLists.delete(this));
		recentLists.set(this, pending);
	}
	return pending;
}

/** Whether post `id` (its chain from `GET /posts/:id`) has these texts and files, in order. */
async function holdsSame(
	this: IExecuteFunctions,
	id: string,
	post: PostContents,
	sameText: (stored: string, text: string) => boolean,
	hashes: Map<string, Promise<string | undefined>>,
	i: number,
	rateLimit: RateLimitPolicy,
): Promise<boolean> {
	let chain: PostRow[];
	try {
		const response = await postSiderRequest.call(this, {
			method: 'GET',
			path: postsiderPath('getPost', { id }),
			itemIndex: i,
			rateLimit,
		});
		chain = (response.body as GetPostResponse).posts ?? [];
	} catch {
		return false;
	}
	if (chain.length !== post.texts.length) return false;
	for (const [n, row] of chain.entries()) {
		if (!sameText(row.content, post.texts[n])) return false;
		const images = row.image ?? [];
		const wanted = post.media[n];
		if (images.length !== wanted.length) return false;
		for (const [m, image] of images.entries()) {
			const file = wanted[m];
			if ('id' in file) {
				if (image.id !== file.id) return false;
				continue;
			}
			if (!hashes.has(image.path))
				hashes.set(image.path, sha256Of.call(this, image.path, file.size));
			if ((await hashes.get(image.path)) !== file.sha256) return false;
		}
	}
	return true;
}

/** SHA-256 of a stored file, streamed; undefined when it cannot be read or is not `size` bytes. */
async function sha256Of(
	this: IExecuteFunctions,
	url: string,
	size: number,
): Promise<string | undefined> {
	try {
		const body = (await this.helpers.httpRequest({
			method: 'GET',
			url,
			encoding: 'stream',
			timeout: transferTimeoutMs(size),
		})) as AsyncIterable<Buffer> & { destroy(): void };
		const hash = createHash('sha256');
		let read = 0;
		for await (const chunk of body) {
			read += chunk.length;
			// Longer than ours: not the same file, and no reason to read the rest.
			if (read > size) {
				body.destroy();
				return undefined;
			}
			hash.update(chunk);
		}
		return read === size ? hash.digest('hex') : undefined;
	} catch {
		return undefined;
	}
}
