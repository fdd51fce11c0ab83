/**
 * PostFast posts (docs/postfast-api.md, Creating posts; Listing posts; Deleting posts; Bulk delete; Post analytics): create validation, listing with filters and offset
 * pagination, delete and bulk delete, analytics, and the simulated publisher on the virtual clock.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { MESSAGES } from '../../../contract/postfast';
import {
	accounts,
	call,
	inFuture,
	on,
	upload,
	startPostFast,
	type DemoAccount,
	type Emulator,
} from './helpers';

let pf: Emulator;
let demo: DemoAccount[];
let otherKey: string;

beforeAll(async () => {
	pf = await startPostFast();
	demo = await accounts(pf);
	otherKey = pf.apiKeys.find((k) => k.apiKey !== pf.apiKey)!.apiKey;
});
afterAll(async () => pf.close());
beforeEach(() => pf.reset());

const POSTS = '/social-posts';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A valid one-post request to `platform`, with overrides. */
function one(
	platform: string,
	post: Record<string, unknown> = {},
	top: Record<string, unknown> = {},
) {
	return {
		posts: [
			{ content: 'hello', socialMediaId: on(demo, platform), scheduledAt: inFuture(pf), ...post },
		],
		...top,
	};
}

const validation = (messages: string[]) => ({
	message: messages,
	error: 'Bad Request',
	statusCode: 400,
});
const codedError = (code: string) => ({
	statusCode: 400,
	message: code,
	error: 'BAD_REQUEST',
	description: expect.any(String),
});

describe('docs/postfast-api.md, Creating posts: POST /social-posts — create validation', () => {
	type Row = [string, () => Promise<unknown> | unknown, number, unknown];
	const rows: Row[] = [
		[
			'one scheduled post → 201 {postIds:[uuid]}',
			() => one('X'),
			201,
			{ postIds: [expect.stringMatching(UUID)] },
		],
		[
			'15 posts → 201 with 15 ids',
			() => ({
				posts: Array.from({ length: 15 }, (_, i) => one('X', { content: `p${i}` }).posts[0]),
			}),
			201,
			{ postIds: expect.arrayContaining([expect.stringMatching(UUID)]) },
		],
		[
			'0 posts → 400 message array',
			() => ({ posts: [] }),
			400,
			validation(['posts must contain at least 1 elements']),
		],
		[
			'16 posts → 400 message array',
			() => ({ posts: Array.from({ length: 16 }, () => one('X').posts[0]) }),
			400,
			validation(['posts must contain no more than 15 elements']),
		],
		['no posts field → 400', () => ({}), 400, validation(['posts must be an array'])],
		[
			'no scheduledAt and no status → the documented short-form 400',
			() => one('X', { scheduledAt: undefined }),
			400,
			{ statusCode: 400, message: MESSAGES.scheduledAtRequired },
		],
		[
			'docs/postfast-api.md, Create body: status inside a post is ignored → the same 400',
			() => one('X', { scheduledAt: undefined, status: 'DRAFT' }),
			400,
			{ statusCode: 400, message: MESSAGES.scheduledAtRequired },
		],
		[
			'DRAFT at top level without scheduledAt → 201',
			() => one('X', { scheduledAt: undefined }, { status: 'DRAFT' }),
			201,
			{ postIds: [expect.any(String)] },
		],
		[
			'scheduledAt in the past → 400',
			() => one('X', { scheduledAt: new Date(pf.clock.now() - 60_000).toISOString() }),
			400,
			{ statusCode: 400, message: 'posts.0.scheduledAt must be in the future' },
		],
		[
			'scheduledAt more than a year ahead → 400',
			() => one('X', { scheduledAt: inFuture(pf, 366 * 86_400_000) }),
			400,
			{ statusCode: 400, message: 'posts.0.scheduledAt must be within 1 year from now' },
		],
		[
			'scheduledAt not ISO 8601 → 400 array',
			() => one('X', { scheduledAt: 'tomorrow' }),
			400,
			validation(['posts.0.scheduledAt must be a valid ISO 8601 date string']),
		],
		[
			'status PUBLISHED → 400 array',
			() => one('X', {}, { status: 'PUBLISHED' }),
			400,
			validation(['status must be one of the following values: DRAFT, SCHEDULED']),
		],
		[
			'approvalStatus REJECTED → 400 array',
			() => one('X', {}, { approvalStatus: 'REJECTED' }),
			400,
			validation([
				'approvalStatus must be one of the following values: APPROVED, PENDING_APPROVAL',
			]),
		],
		[
			'socialMediaId not a UUID → 400 array',
			() => one('X', { socialMediaId: 'acct-1' }),
			400,
			validation(['posts.0.socialMediaId must be a UUID']),
		],
		[
			'content missing → 400 array',
			() => one('X', { content: undefined }),
			400,
			validation(['posts.0.content must be a string']),
		],
		[
			'content "" is allowed (retweet example)',
			() => one('X', { content: '' }),
			201,
			{ postIds: [expect.any(String)] },
		],
		[
			'docs/postfast-api.md, Unknown fields: unknown fields anywhere are silently ignored',
			() =>
				one(
					'X',
					{ mood: 'happy' },
					{ foo: 1, controls: { xCommunityId: '123', notAControl: true } },
				),
			201,
			{ postIds: [expect.any(String)] },
		],
		[
			'a DISABLED account when scheduling → socialMediaDisconnected',
			() => one('INSTAGRAM', { socialMediaId: on(demo, 'INSTAGRAM', 'DISABLED') }),
			400,
			{
				statusCode: 400,
				message: 'socialMediaDisconnected',
				error: 'BAD_REQUEST',
				description:
					'This INSTAGRAM account is disconnected. Reconnect it before scheduling posts.',
			},
		],
		[
			'a foreign or unknown account → 400 socialMediaNotFound',
			async () => one('X', { socialMediaId: (await accounts(pf, otherKey))[0].id }),
			400,
			codedError('socialMediaNotFound'),
		],
		[
			'threadsTopicTag with "." or "&" → threadsTopicTag.invalid',
			() => one('THREADS', {}, { controls: { threadsTopicTag: 'a.b&c' } }),
			400,
			codedError('threadsTopicTag.invalid'),
		],
		[
			'a control of the wrong type → 400 array',
			() => one('INSTAGRAM', {}, { controls: { instagramPostToGrid: 'yes' } }),
			400,
			validation(['controls.instagramPostToGrid must be a boolean value']),
		],
		[
			'an enum control out of range → 400 array',
			() => one('FACEBOOK', {}, { controls: { facebookContentType: 'CAROUSEL' } }),
			400,
			validation([
				'controls.facebookContentType must be one of the following values: POST, REEL, STORY',
			]),
		],
		[
			'instagramCollaborators over 3 → 400 array',
			() => one('FACEBOOK', {}, { controls: { instagramCollaborators: ['a', 'b', 'c', 'd'] } }),
			400,
			validation(['controls.instagramCollaborators must contain no more than 3 elements']),
		],
		[
			'TikTok auto-add music with a sound id → tiktokMusic.conflictAutoAddMusic',
			async () =>
				one(
					'TIKTOK',
					{ mediaItems: [{ key: await upload(pf, 'video/mp4'), type: 'VIDEO', sortOrder: 0 }] },
					{ controls: { tiktokAutoAddMusic: true, tiktokMusicSoundId: '7123' } },
				),
			400,
			codedError('tiktokMusic.conflictAutoAddMusic'),
		],
		[
			'Pinterest without pinterestBoardId → 400',
			async () =>
				one('PINTEREST', {
					mediaItems: [{ key: await upload(pf, 'image/png'), type: 'IMAGE', sortOrder: 0 }],
				}),
			400,
			codedError('pinterestBoardId.required'),
		],
		[
			'Pinterest with a board → 201',
			async () =>
				one(
					'PINTEREST',
					{ mediaItems: [{ key: await upload(pf, 'image/png'), type: 'IMAGE', sortOrder: 0 }] },
					{ controls: { pinterestBoardId: '1234567890123456789' } },
				),
			201,
			{ postIds: [expect.any(String)] },
		],
		[
			'Instagram without media (even a draft) → 400',
			() => one('INSTAGRAM', {}, { status: 'DRAFT' }),
			400,
			codedError('media.required'),
		],
		[
			'firstComment on Bluesky → 400',
			() => one('BLUESKY', { firstComment: 'hi' }),
			400,
			codedError('firstComment.notSupported'),
		],
		[
			'firstComment on X → 201',
			() => one('X', { firstComment: 'link in bio' }),
			201,
			{ postIds: [expect.any(String)] },
		],
		[
			'YouTube title with "<" → 400',
			async () =>
				one(
					'YOUTUBE',
					{ mediaItems: [{ key: await upload(pf, 'video/mp4'), type: 'VIDEO', sortOrder: 0 }] },
					{ controls: { youtubeTitle: 'a < b' } },
				),
			400,
			codedError('youtubeTitle.invalid'),
		],
		[
			'more than 10 media items → 400 array',
			() =>
				one('X', {
					mediaItems: Array.from({ length: 11 }, (_, i) => ({
						key: `image/${i}.png`,
						type: 'IMAGE',
						sortOrder: i,
					})),
				}),
			400,
			validation(['posts.0.mediaItems must contain no more than 10 elements']),
		],
		[
			'docs/postfast-api.md, Checking media at create time: a media key never uploaded → media.invalidMedia',
			() =>
				one('X', {
					mediaItems: [
						{ key: 'image/00000000-0000-4000-8000-000000000000.png', type: 'IMAGE', sortOrder: 0 },
					],
				}),
			400,
			codedError('media.invalidMedia'),
		],
		[
			'a URL issued but never PUT → media.invalidMedia',
			async () => {
				const a = await call(pf, 'POST', '/file/get-signed-upload-urls', {
					body: { contentType: 'image/png', count: 1 },
				});
				return one('X', { mediaItems: [{ key: a.body[0].key, type: 'IMAGE', sortOrder: 0 }] });
			},
			400,
			codedError('media.invalidMedia'),
		],
		[
			'type VIDEO for an image key → media.invalidMedia',
			async () =>
				one('X', {
					mediaItems: [{ key: await upload(pf, 'image/png'), type: 'VIDEO', sortOrder: 0 }],
				}),
			400,
			codedError('media.invalidMedia'),
		],
		[
			'an empty uploaded file → media.invalidMedia',
			async () =>
				one('X', {
					mediaItems: [
						{ key: await upload(pf, 'image/png', Buffer.alloc(0)), type: 'IMAGE', sortOrder: 0 },
					],
				}),
			400,
			codedError('media.invalidMedia'),
		],
		[
			'an uploaded image with the right type → 201',
			async () =>
				one('FACEBOOK', {
					mediaItems: [{ key: await upload(pf, 'image/png'), type: 'IMAGE', sortOrder: 0 }],
				}),
			201,
			{ postIds: [expect.any(String)] },
		],
		[
			'a key uploaded by another workspace → media.invalidMedia',
			async () => {
				const a = await call(pf, 'POST', '/file/get-signed-upload-urls', {
					body: { contentType: 'image/png', count: 1 },
					key: otherKey,
				});
				await fetch(a.body[0].signedUrl, {
					method: 'PUT',
					headers: { 'content-type': 'image/png' },
					body: 'x',
				});
				return one('X', { mediaItems: [{ key: a.body[0].key, type: 'IMAGE', sortOrder: 0 }] });
			},
			400,
			codedError('media.invalidMedia'),
		],
		[
			'a coverImageKey that is a video → media.invalidMedia',
			async () =>
				one('FACEBOOK', {
					mediaItems: [
						{
							key: await upload(pf, 'video/mp4'),
							type: 'VIDEO',
							sortOrder: 0,
							coverImageKey: await upload(pf, 'video/mp4'),
						},
					],
				}),
			400,
			codedError('media.invalidMedia'),
		],
		[
			'a youtubeThumbnailKey that is not an image → media.invalidMedia',
			async () =>
				one(
					'YOUTUBE',
					{ mediaItems: [{ key: await upload(pf, 'video/mp4'), type: 'VIDEO', sortOrder: 0 }] },
					{ controls: { youtubeThumbnailKey: await upload(pf, 'video/mp4') } },
				),
			400,
			codedError('media.invalidMedia'),
		],
		[
			'an uploaded image as YouTube thumbnail and cover → 201',
			async () =>
				one(
					'YOUTUBE',
					{
						mediaItems: [
							{
								key: await upload(pf, 'video/mp4'),
								type: 'VIDEO',
								sortOrder: 0,
								coverImageKey: await upload(pf, 'image/jpeg'),
							},
						],
					},
					{ controls: { youtubeThumbnailKey: await upload(pf, 'image/png') } },
				),
			201,
			{ postIds: [expect.any(String)] },
		],
		[
			'Facebook REEL without a video (vendor page: REEL is 1 video) → 400',
			async () =>
				one(
					'FACEBOOK',
					{ mediaItems: [{ key: await upload(pf, 'image/png'), type: 'IMAGE', sortOrder: 0 }] },
					{ controls: { facebookContentType: 'REEL' } },
				),
			400,
			codedError('facebookMedia.invalid'),
		],
		[
			'Facebook POST mixing photos and a video → 400',
			async () =>
				one('FACEBOOK', {
					mediaItems: [
						{ key: await upload(pf, 'image/png'), type: 'IMAGE', sortOrder: 0 },
						{ key: await upload(pf, 'video/mp4'), type: 'VIDEO', sortOrder: 1 },
					],
				}),
			400,
			codedError('facebookMedia.invalid'),
		],
		[
			'Facebook STORY with one video → 201',
			async () =>
				one(
					'FACEBOOK',
					{ mediaItems: [{ key: await upload(pf, 'video/mp4'), type: 'VIDEO', sortOrder: 0 }] },
					{ controls: { facebookContentType: 'STORY' } },
				),
			201,
			{ postIds: [expect.any(String)] },
		],
	];

	it.each(rows)('%s', async (_name, build, status, expected) => {
		const a = await call(pf, 'POST', POSTS, { body: await build() });
		expect(a.status, a.text).toBe(status);
		expect(a.body).toEqual(expected);
		// The guard ran before validation: every answer carries the 12 rate headers (docs/postfast-api.md, Throttler algorithm).
		expect(Object.keys(a.headers).filter((h) => h.startsWith('x-ratelimit-'))).toHaveLength(12);
	});

	it('a draft to a DISABLED account is accepted', async () => {
		const key = await upload(pf, 'image/png');
		const a = await call(pf, 'POST', POSTS, {
			body: {
				posts: [
					{
						content: 'later',
						socialMediaId: on(demo, 'INSTAGRAM', 'DISABLED'),
						mediaItems: [{ key, type: 'IMAGE', sortOrder: 0 }],
					},
				],
				status: 'DRAFT',
			},
		});
		expect(a.status, a.text).toBe(201);
	});

	it('postIds follow the order of posts[], and the controls are stored per platform with defaults', async () => {
		const body = {
			posts: ['a', 'b', 'c'].map((content) => one('X', { content }).posts[0]),
			controls: { xRetweetUrl: 'https://x.com/a/status/1', youtubePrivacy: 'PRIVATE' },
		};
		const a = await call(pf, 'POST', POSTS, { body });
		const listed = await call(pf, 'GET', `${POSTS}?ids=${a.body.postIds.join(',')}`);
		const byId = new Map(
			(
				listed.body.data as Array<{
					id: string;
					content: string;
					controls: object;
					groupId: string;
				}>
			).map((p) => [p.id, p]),
		);
		expect(a.body.postIds.map((id: string) => byId.get(id)?.content)).toEqual(['a', 'b', 'c']);
		expect(byId.get(a.body.postIds[0])?.controls).toEqual({
			xRetweetUrl: 'https://x.com/a/status/1',
		});
		expect(new Set([...byId.values()].map((p) => p.groupId)).size).toBe(1);
	});
});

describe('docs/postfast-api.md, Listing posts: GET /social-posts — filters and offset pagination', () => {
	async function seed() {
		const start = pf.clock.now();
		const x = on(demo, 'X');
		const fb = on(demo, 'FACEBOOK');
		const ids: string[] = [];
		for (let i = 0; i < 25; i++) {
			const a = await call(pf, 'POST', POSTS, {
				body: {
					posts: [
						{
							content: `post ${i}`,
							socialMediaId: i % 5 === 0 ? fb : x,
							scheduledAt: new Date(start + (i + 1) * 3_600_000).toISOString(),
						},
					],
				},
			});
			ids.push(a.body.postIds[0]);
		}
		return { ids, x, fb, start };
	}

	it('page is 0-based in, 1-based out; 20 per page by default; totalCount and hasNextPage', async () => {
		await seed();
		const first = await call(pf, 'GET', POSTS);
		expect(first.body.data).toHaveLength(20);
		expect(first.body).toMatchObject({
			totalCount: 25,
			pageInfo: { page: 1, hasNextPage: true, perPage: 20 },
		});
		const second = await call(pf, 'GET', `${POSTS}?page=1`);
		expect(second.body.data).toHaveLength(5);
		expect(second.body.pageInfo).toEqual({ page: 2, hasNextPage: false, perPage: 20 });
		const all = [...first.body.data, ...second.body.data] as Array<{ scheduledAt: string }>;
		expect(all.map((p) => p.scheduledAt)).toEqual([...all.map((p) => p.scheduledAt)].sort());
	});

	it('a listed post has exactly the documented fields (no platform field)', async () => {
		await seed();
		const [post] = (await call(pf, 'GET', `${POSTS}?limit=1`)).body.data;
		expect(Object.keys(post).sort()).toEqual([
			'approvalStatus',
			'content',
			'controls',
			'failedAt',
			'firstComment',
			'firstCommentError',
			'groupId',
			'id',
			'lastError',
			'mediaItems',
			'platformPostId',
			'publishedAt',
			'scheduledAt',
			'socialMediaId',
			'status',
		]);
	});

	it.each([
		[
			'nothing matches → totalCount null (not 0)',
			() => `statuses=FAILED`,
			200,
			(b: any) => expect([b.data, b.totalCount]).toEqual([[], null]),
		],
		['limit 50 is the maximum', () => `limit=50`, 200, (b: any) => expect(b.data).toHaveLength(25)],
		[
			'limit 51 → 400',
			() => `limit=51`,
			400,
			(b: any) => expect(b.message).toEqual(['limit must not be greater than 50']),
		],
		[
			'platforms is case-insensitive',
			() => `platforms=facebook`,
			200,
			(b: any) => expect(b.totalCount).toBe(5),
		],
		['statuses filter', () => `statuses=scheduled`, 200, (b: any) => expect(b.totalCount).toBe(25)],
		[
			'an unknown status → 400',
			() => `statuses=LIVE`,
			400,
			(b: any) => expect(b.statusCode).toBe(400),
		],
		[
			'socialMediaIds filter',
			(s: any) => `socialMediaIds=${s.fb}`,
			200,
			(b: any) => expect(b.totalCount).toBe(5),
		],
		[
			'docs/postfast-api.md, Unknown fields: singular socialMediaId is not a filter (ignored)',
			(s: any) => `socialMediaId=${s.fb}`,
			200,
			(b: any) => expect(b.totalCount).toBe(25),
		],
		[
			'ids filter, AND-ed with platforms',
			(s: any) => `ids=${s.ids[0]},${s.ids[1]}&platforms=FACEBOOK`,
			200,
			(b: any, s: any) => expect(b.data.map((p: any) => p.id)).toEqual([s.ids[0]]),
		],
		[
			'an empty ids value → 400',
			() => `ids=`,
			400,
			(b: any) => expect(b.message).toEqual(['Each id must be a valid UUID']),
		],
		[
			'a trailing comma → 400',
			(s: any) => `socialMediaIds=${s.fb},`,
			400,
			(b: any) => expect(b.message).toEqual(['Each socialMediaId must be a valid UUID']),
		],
		[
			'more than 100 ids → 400',
			(s: any) => `ids=${Array.from({ length: 101 }, () => s.ids[0]).join(',')}`,
			400,
			(b: any) => expect(b.statusCode).toBe(400),
		],
		[
			'from/to are inclusive on scheduledAt',
			(s: any) =>
				`from=${new Date(s.start + 3_600_000).toISOString()}&to=${new Date(s.start + 3 * 3_600_000).toISOString()}`,
			200,
			(b: any) => expect(b.totalCount).toBe(3),
		],
		[
			'from that is not ISO 8601 → 400',
			() => `from=soon`,
			400,
			(b: any) => expect(b.message).toEqual(['from must be a valid ISO 8601 date string']),
		],
	])('%s', async (_n, query, status, check) => {
		const s = await seed();
		const a = await call(pf, 'GET', `${POSTS}?${query(s)}`);
		expect(a.status, a.text).toBe(status);
		check(a.body, s);
	});

	it('another workspace sees none of these posts, and its ids match nothing here', async () => {
		const s = await seed();
		const other = await call(pf, 'GET', `${POSTS}?ids=${s.ids[0]}`, { key: otherKey });
		expect([other.status, other.body.totalCount]).toEqual([200, null]);
	});
});

describe('docs/postfast-api.md, Deleting posts: DELETE /social-posts/:id and (docs/postfast-api.md, Bulk delete) bulk delete', () => {
	async function create(n: number, key?: string) {
		const accountId = key
			? (await accounts(pf, key)).find((a) => a.platform === 'X')!.id
			: on(demo, 'X');
		const a = await call(pf, 'POST', POSTS, {
			body: {
				posts: Array.from({ length: n }, (_, i) => ({
					content: `d${i}`,
					socialMediaId: accountId,
					scheduledAt: inFuture(pf),
				})),
			},
			key,
		});
		return a.body.postIds as string[];
	}

	it('deletes once: {deleted:true}, then {deleted:false} (never 404); foreign → false and untouched; non-UUID → 400', async () => {
		const [id] = await create(1);
		expect((await call(pf, 'DELETE', `${POSTS}/${id}`)).body).toEqual({ deleted: true });
		const again = await call(pf, 'DELETE', `${POSTS}/${id}`);
		expect([again.status, again.body]).toEqual([200, { deleted: false }]);
		const [foreign] = await create(1, otherKey);
		expect((await call(pf, 'DELETE', `${POSTS}/${foreign}`)).body).toEqual({ deleted: false });
		expect(
			(await call(pf, 'GET', `${POSTS}?ids=${foreign}`, { key: otherKey })).body.totalCount,
		).toBe(1);
		expect((await call(pf, 'DELETE', `${POSTS}/123`)).status).toBe(400);
	});

	it.each([
		[
			'deletes, reports unknown ids, repeats once; answers 200 (not 201)',
			async () => {
				const ids = await create(2);
				const unknown = '00000000-0000-4000-8000-000000000001';
				return { ids: [ids[0], ids[1], ids[0], unknown] };
			},
			200,
			(b: any, body: any) =>
				expect(b).toEqual({
					deletedIds: [body.ids[0], body.ids[1]],
					notFoundIds: ['00000000-0000-4000-8000-000000000001'],
				}),
		],
		[
			'no ids → 400',
			() => ({ ids: [] }),
			400,
			(b: any) => expect(b.message).toEqual(['At least one id is required']),
		],
		[
			'101 ids → 400',
			() => ({ ids: Array.from({ length: 101 }, () => '00000000-0000-4000-8000-000000000001') }),
			400,
			(b: any) => expect(b.message).toEqual(['ids cannot exceed 100 entries']),
		],
		[
			'a non-UUID → 400',
			() => ({ ids: ['x'] }),
			400,
			(b: any) => expect(b.message).toEqual(['Each id must be a valid UUID']),
		],
	])('bulk delete: %s', async (_n, build, status, check) => {
		const body = await build();
		const a = await call(pf, 'POST', `${POSTS}/bulk-delete`, { body });
		expect(a.status, a.text).toBe(status);
		check(a.body, body);
	});

	it('bulk delete is idempotent and never touches another workspace', async () => {
		const [foreign] = await create(1, otherKey);
		const a = await call(pf, 'POST', `${POSTS}/bulk-delete`, { body: { ids: [foreign] } });
		expect(a.body).toEqual({ deletedIds: [], notFoundIds: [foreign] });
	});
});

describe('simulated publisher on the virtual clock, and (docs/postfast-api.md, Post analytics) analytics', () => {
	async function schedule(
		platform: string,
		content: string,
		inMs: number,
		top: Record<string, unknown> = {},
	) {
		const a = await call(pf, 'POST', POSTS, {
			body: {
				posts: [{ content, socialMediaId: on(demo, platform), scheduledAt: inFuture(pf, inMs) }],
				...top,
			},
		});
		expect(a.status, a.text).toBe(201);
		return a.body.postIds[0] as string;
	}
	const get = async (id: string) => (await call(pf, 'GET', `${POSTS}?ids=${id}`)).body.data[0];

	it.each([
		[
			'a due APPROVED post is PUBLISHED at its time, with a platformPostId',
			'X',
			'ship it',
			{},
			'PUBLISHED',
			null,
		],
		[
			'a post the platform refuses ends FAILED with lastError',
			'X',
			'this one [fail]s',
			{},
			'FAILED',
			expect.objectContaining({ message: expect.stringMatching(/refused/) }),
		],
		[
			'an unapproved post 2 h past its time fails as MISSED_NOT_PUBLISHED',
			'X',
			'waiting',
			{ approvalStatus: 'PENDING_APPROVAL' },
			'FAILED',
			expect.objectContaining({ code: 'MISSED_NOT_PUBLISHED' }),
		],
	])('%s', async (_n, platform, content, top, status, lastError) => {
		const id = await schedule(platform, content, 60_000, top);
		expect((await get(id)).status).toBe('SCHEDULED');
		pf.clock.advance(3 * 3_600_000);
		const post = await get(id);
		expect(post.status).toBe(status);
		expect(post.lastError).toEqual(lastError);
		if (status === 'PUBLISHED')
			expect([post.publishedAt, post.platformPostId]).toEqual([
				post.scheduledAt,
				expect.any(String),
			]);
	});

	it.each([
		[
			'enforce (default): the 6th X post of a UTC day fails as FAIR_USE_LIMIT (vendor page: X 5/day)',
			undefined,
			['PUBLISHED', 'PUBLISHED', 'PUBLISHED', 'PUBLISHED', 'PUBLISHED', 'FAILED'],
		],
		['off: all six publish', 'off' as const, Array(6).fill('PUBLISHED')],
	])(
		'fair use per account and day (docs/postfast-api.md, Creating posts): %s',
		async (_n, fairUse, statuses) => {
			const emu = fairUse ? await startPostFast({ fairUse }) : pf;
			try {
				const x = on(await accounts(emu), 'X');
				const day = (Math.floor(emu.clock.now() / 86_400_000) + 1) * 86_400_000;
				const body = {
					posts: Array.from({ length: 6 }, (_, i) => ({
						content: `x ${i}`,
						socialMediaId: x,
						scheduledAt: new Date(day + (i + 1) * 3_600_000).toISOString(),
					})),
				};
				const ids = (await call(emu, 'POST', POSTS, { body })).body.postIds as string[];
				emu.clock.advance(2 * 86_400_000);
				const listed = (await call(emu, 'GET', `${POSTS}?ids=${ids.join(',')}`)).body
					.data as Array<{
					status: string;
					lastError: { code: string } | null;
				}>;
				expect(listed.map((p) => p.status)).toEqual(statuses);
				if (!fairUse) expect(listed[5].lastError?.code).toBe('FAIR_USE_LIMIT');
			} finally {
				if (emu !== pf) await emu.close();
			}
		},
	);

	it('drafts are never published', async () => {
		const a = await call(pf, 'POST', POSTS, {
			body: { posts: [{ content: 'd', socialMediaId: on(demo, 'X') }], status: 'DRAFT' },
		});
		pf.clock.advance(30 * 86_400_000);
		expect((await get(a.body.postIds[0])).status).toBe('DRAFT');
	});

	it('analytics needs startDate and endDate (not from/to) → 400 array', async () => {
		const a = await call(
			pf,
			'GET',
			`${POSTS}/analytics?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z`,
		);
		expect([a.status, a.body.message]).toEqual([
			400,
			['startDate should not be empty', 'endDate should not be empty'],
		]);
	});

	it('analytics lists only PUBLISHED posts with a platformPostId (LinkedIn personal excluded); metrics arrive an hour after publishing', async () => {
		const published = await schedule('FACEBOOK', 'metrics please', 60_000);
		await schedule('LINKEDIN', 'linkedin personal', 60_000);
		await schedule('X', 'later', 10 * 86_400_000);
		const range = `startDate=${new Date(pf.clock.now()).toISOString()}&endDate=${inFuture(pf, 30 * 86_400_000)}`;
		pf.clock.advance(30 * 60_000 + 60_000);
		const early = await call(pf, 'GET', `${POSTS}/analytics?${range}`);
		expect(early.body.data).toEqual([
			expect.objectContaining({ id: published, latestMetric: null }),
		]);
		pf.clock.advance(3_600_000);
		const later = await call(pf, 'GET', `${POSTS}/analytics?${range}`);
		expect(later.body.data[0].latestMetric).toMatchObject({
			impressions: expect.stringMatching(/^\d+$/),
			likes: expect.any(String),
			fetchedAt: expect.any(String),
			extras: {},
		});
		const filtered = await call(pf, 'GET', `${POSTS}/analytics?${range}&platforms=x`);
		expect(filtered.body.data).toEqual([]);
	});
});
