/**
 * `POST /posts` (docs/postsider-api.md, Creating posts; Per-provider settings): the verified validation messages verbatim, the
 * per-provider settings and media rules of the ten providers, Idempotency-Key, and what a create
 * stores (one group per channel entry, the thread chain, `posts[].group` replacing a group).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { checkLength, maxLengthFor, validateCreatePost } from '../../../contract/postsider';

import {
	call,
	channelId,
	createBody,
	disabledChannelId,
	IMG,
	startPostSider,
	VALID_SETTINGS,
	VID,
	type Emulator,
} from './helpers';

let ps: Emulator;
beforeAll(async () => {
	ps = await startPostSider({ apiLimit: 10_000 });
});
afterAll(async () => ps?.close());
beforeEach(() => ps.reset());

const E2 = (message: string) => ({ message, error: 'Bad Request', statusCode: 400 });
const E3 = (...message: string[]) => ({ message, error: 'Bad Request', statusCode: 400 });

/** Key order matters on the wire: compare the exact text. */
function text(body: unknown): string {
	return JSON.stringify(body);
}

describe('POST /posts (docs/postsider-api.md, Creating posts): request validation, messages verbatim', () => {
	const rows: Array<{ desc: string; body: (ps: Emulator) => unknown; expected: unknown }> = [
		{
			desc: '{} → E2 "All posts must have an integration id"',
			body: () => ({}),
			expected: E2('All posts must have an integration id'),
		},
		{
			desc: 'an entry without integration.id → the same E2',
			body: (ps) => createBody(ps, 'x', {}, { integration: {} }),
			expected: E2('All posts must have an integration id'),
		},
		{
			desc: 'an unknown channel → E2 "Integration with id X not found"',
			body: (ps) => createBody(ps, 'x', {}, { integration: { id: 'cnope' } }),
			expected: E2('Integration with id cnope not found'),
		},
		{
			desc: "another org's channel is unknown too",
			body: (ps) =>
				createBody(ps, 'x', {}, { integration: { id: channelId(ps, 'x', 'org-other') } }),
			expected: (ps: Emulator) =>
				E2(`Integration with id ${channelId(ps, 'x', 'org-other')} not found`),
		},
		{
			desc: 'posts: [] → "posts must contain at least 1 elements"',
			body: (ps) => createBody(ps, 'x', { posts: [] }),
			expected: E3('posts must contain at least 1 elements'),
		},
		{
			desc: "type, date, shortLink, tags missing → eight messages in the server's order",
			body: (ps) => ({ posts: (createBody(ps, 'x') as { posts: unknown }).posts }),
			expected: E3(
				'type should not be null or undefined',
				'type must be one of the following values: draft, schedule, now, update',
				'shortLink should not be null or undefined',
				'shortLink must be a boolean value',
				'date should not be null or undefined',
				'date must be a valid ISO 8601 date string',
				'tags should not be null or undefined',
				'tags must be an array',
			),
		},
		{
			desc: 'an epoch number as date is not ISO 8601',
			body: (ps) => createBody(ps, 'x', { date: 1790000000000 }),
			expected: E3('date must be a valid ISO 8601 date string'),
		},
		// (2026-02-30 passes: IsDateString is not strict; see differential/create.test.ts)
		{
			desc: 'a string tag → "tags.each value in nested property tags must be either object or array"',
			body: (ps) => createBody(ps, 'x', { tags: ['launch'] }),
			expected: E3('tags.each value in nested property tags must be either object or array'),
		},
		{
			desc: 'value: [] → "posts.0.value must contain at least 1 elements"',
			body: (ps) => createBody(ps, 'x', {}, { value: [] }),
			expected: E3('posts.0.value must contain at least 1 elements'),
		},
		{
			desc: 'image missing → "posts.0.value.0.image must be an array"',
			body: (ps) => createBody(ps, 'x', {}, { value: [{ content: 'hi' }] }),
			expected: E3('posts.0.value.0.image must be an array'),
		},
		{
			desc: 'empty content and no image → the ValidContent text (note ". If")',
			body: (ps) => createBody(ps, 'x', {}, { value: [{ content: '', image: [] }] }),
			expected: E3('posts.0.value.0. If images do not exist, content must be a non-empty string.'),
		},
		{
			desc: '"<p></p>" counts as empty content',
			body: (ps) => createBody(ps, 'x', {}, { value: [{ content: '<p></p>', image: [] }] }),
			expected: E3('posts.0.value.0. If images do not exist, content must be a non-empty string.'),
		},
		{
			desc: 'a media path with a bad (or upper-case) extension',
			body: (ps) =>
				createBody(
					ps,
					'x',
					{},
					{ value: [{ content: 'hi', image: [{ id: '1', path: 'https://cdn.example/a.PNG' }] }] },
				),
			expected: E3(
				'posts.0.value.0.image.0.File must have a valid extension: .png, .jpg, .jpeg, .gif, .webp, or .mp4',
			),
		},
		{
			desc: 'an image without id',
			body: (ps) =>
				createBody(
					ps,
					'x',
					{},
					{ value: [{ content: 'hi', image: [{ path: 'https://cdn.example/a.png' }] }] },
				),
			expected: E3(
				'posts.0.value.0.image.0.id should not be null or undefined',
				'posts.0.value.0.image.0.id must be a string',
			),
		},
		{
			desc: 'a thumbnail that is not a URL',
			body: (ps) =>
				createBody(
					ps,
					'x',
					{},
					{ value: [{ content: 'hi', image: [{ ...IMG(), thumbnail: 'not a url' }] }] },
				),
			expected: E3('posts.0.value.0.image.0.thumbnail must be a URL address'),
		},
		{
			desc: 'X without settings fails even as a draft (settings are validated for drafts)',
			body: (ps) => createBody(ps, 'x', { type: 'draft' }, { settings: {} }),
			expected: E3(
				'posts.0.settings.who_can_reply_post must be one of the following values: everyone, following, mentionedUsers, subscribers, verified',
			),
		},
		{
			desc: 'Instagram without post_type: two messages',
			body: (ps) => createBody(ps, 'instagram', {}, { settings: {} }),
			expected: E3(
				'posts.0.settings.post_type should not be null or undefined',
				'posts.0.settings.post_type must be one of the following values: post, story',
			),
		},
		{
			desc: 'TikTok with {} yields ten messages',
			body: (ps) => createBody(ps, 'tiktok', {}, { settings: {} }),
			expected: E3(
				'posts.0.settings.privacy_level must be a string',
				'posts.0.settings.privacy_level must be one of the following values: PUBLIC_TO_EVERYONE, MUTUAL_FOLLOW_FRIENDS, FOLLOWER_OF_CREATOR, SELF_ONLY',
				'posts.0.settings.duet must be a boolean value',
				'posts.0.settings.stitch must be a boolean value',
				'posts.0.settings.comment must be a boolean value',
				'posts.0.settings.autoAddMusic must be one of the following values: yes, no',
				'posts.0.settings.brand_content_toggle must be a boolean value',
				'posts.0.settings.brand_organic_toggle must be a boolean value',
				'posts.0.settings.content_posting_method must be a string',
				'posts.0.settings.content_posting_method must be one of the following values: DIRECT_POST, UPLOAD',
			),
		},
		{
			desc: 'Pinterest without board: "Board is required" three times',
			body: (ps) => createBody(ps, 'pinterest', {}, { settings: {} }),
			expected: E3(
				'posts.0.settings.Board is required',
				'posts.0.settings.Board is required',
				'posts.0.settings.Board is required',
			),
		},
		{
			desc: 'YouTube title too short and a bad type',
			body: (ps) => createBody(ps, 'youtube', {}, { settings: { title: 'A', type: 'secret' } }),
			expected: E3(
				'posts.0.settings.title must be longer than or equal to 2 characters',
				'posts.0.settings.type must be one of the following values: public, private, unlisted',
			),
		},
		{
			desc: 'X community must be an x.com community URL',
			body: (ps) =>
				createBody(
					ps,
					'x',
					{},
					{ settings: { who_can_reply_post: 'everyone', community: 'https://twitter.com/c/1' } },
				),
			expected: E3(
				'posts.0.settings.Invalid X community URL. It should be in the format: https://x.com/i/communities/1493446837214187523',
			),
		},
		{
			desc: 'Facebook url must be a URL when given',
			body: (ps) => createBody(ps, 'facebook', {}, { settings: { url: 'nope' } }),
			expected: E3('posts.0.settings.url must be a URL address'),
		},
	];

	it.each(rows)('$desc', async ({ body, expected }) => {
		const a = await call(ps, 'POST', '/posts', { body: body(ps) });
		expect(a.status).toBe(400);
		expect(a.text).toBe(text(typeof expected === 'function' ? expected(ps) : expected));
		expect(ps.store.posts.size).toBe(0);
	});

	it('an entry-level type "draft" skips the settings DTO (the spread lets it win)', async () => {
		const a = await call(ps, 'POST', '/posts', {
			body: createBody(ps, 'x', { type: 'draft' }, { settings: {}, type: 'draft' }),
		});
		expect(a.status).toBe(201);
	});

	it('an entry-level draft with a top-level schedule skips E3 but meets the settings check as E4', async () => {
		const a = await call(ps, 'POST', '/posts', {
			body: createBody(ps, 'x', {}, { settings: {}, type: 'draft' }),
		});
		expect(a.status).toBe(400);
		expect(a.body).toEqual({
			statusCode: 400,
			provider: 'x',
			name: 'Demo X',
			message:
				'who_can_reply_post must be one of the following values: everyone, following, mentionedUsers, subscribers, verified',
		});
	});

	it('shortLink "false" (a string) is converted to true, not refused', async () => {
		const a = await call(ps, 'POST', '/posts', {
			body: createBody(ps, 'x', { shortLink: 'false' }),
		});
		expect(a.status).toBe(201);
	});

	it('accepted date forms: offset, no offset (UTC), date only, basic and week forms', async () => {
		for (const date of [
			'2026-10-02T09:00:00+02:00',
			'2026-10-02T09:00:00',
			'2026-10-02T09:00',
			'2026-10-02 09:00:00',
			'2026-10-02',
			'20261002T090000Z',
			'2026-W40-5',
		]) {
			const a = await call(ps, 'POST', '/posts', {
				body: createBody(ps, 'x', { type: 'draft', date }),
			});
			expect(a.status, date).toBe(201);
		}
		const offsetLess = [...ps.store.posts.values()].find(
			(p) => p.publishDate === '2026-10-02T09:00:00.000Z',
		);
		expect(offsetLess).toBeDefined();
	});
});

describe('POST /posts (docs/postsider-api.md, Per-platform rules): per-channel checks for non-drafts (E4 names the channel)', () => {
	const rows: Array<{
		desc: string;
		provider: string;
		settings?: Record<string, unknown>;
		image: unknown[];
		thread?: unknown[];
		content?: string;
		message: string;
	}> = [
		{
			desc: 'X: more than 280 weighted characters',
			provider: 'x',
			image: [],
			content: 'a'.repeat(281),
			message: 'post is too long, please fix it',
		},
		{
			desc: 'X: CJK characters weigh 2 (141 of them are too many)',
			provider: 'x',
			image: [],
			content: '漢'.repeat(141),
			message: 'post is too long, please fix it',
		},
		{
			desc: 'Bluesky: more than 300 characters',
			provider: 'bluesky',
			image: [],
			content: 'b'.repeat(301),
			message: 'post is too long, please fix it',
		},
		{
			desc: 'Threads: more than 500 characters',
			provider: 'threads',
			image: [],
			content: 't'.repeat(501),
			message: 'post is too long, please fix it',
		},
		{
			desc: 'Instagram: no media',
			provider: 'instagram',
			image: [],
			message: 'Should have at least one media',
		},
		{
			desc: 'Instagram: more than 10 media',
			provider: 'instagram',
			image: Array.from({ length: 11 }, (_, i) => IMG(i)),
			message: 'Instagram carousel only supports up to 10 media attachments',
		},
		{
			desc: 'Instagram: a trial reel with an image',
			provider: 'instagram',
			settings: { post_type: 'post', is_trial_reel: true },
			image: [IMG()],
			message: 'Trial Reels must be a video',
		},
		{
			desc: 'Instagram: a trial reel with two items',
			provider: 'instagram',
			settings: { post_type: 'post', is_trial_reel: true },
			image: [VID(), VID(2)],
			message: 'Trial Reels can only have one video',
		},
		{
			desc: 'Facebook: a story without media',
			provider: 'facebook',
			settings: { post_type: 'story' },
			image: [],
			message: 'Story should have at least one media',
		},
		{
			desc: 'TikTok: no media',
			provider: 'tiktok',
			image: [],
			message: 'No video / images selected',
		},
		{
			desc: 'TikTok: several items including a video',
			provider: 'tiktok',
			image: [IMG(), VID()],
			message: 'Only pictures are supported when selecting multiple items',
		},
		{ desc: 'YouTube: no media', provider: 'youtube', image: [], message: 'You need one media' },
		{
			desc: 'YouTube: an image instead of a video',
			provider: 'youtube',
			image: [IMG()],
			message: 'Item must be a video',
		},
		{
			desc: 'Bluesky: a video with another item',
			provider: 'bluesky',
			image: [VID(), IMG()],
			message: 'You can only upload one video per post.',
		},
		{
			desc: 'Bluesky: five pictures',
			provider: 'bluesky',
			image: [1, 2, 3, 4, 5].map(IMG),
			message: 'There can be maximum 4 pictures in a post.',
		},
		{
			desc: 'Pinterest: no media',
			provider: 'pinterest',
			image: [],
			message: 'Requires at least one media',
		},
		{
			desc: 'Pinterest: six images',
			provider: 'pinterest',
			image: [1, 2, 3, 4, 5, 6].map(IMG),
			message: 'You can only have up to 5 media items',
		},
		{
			desc: 'Pinterest: a video without a cover image',
			provider: 'pinterest',
			image: [VID()],
			message: 'If posting a video you have to also include a cover image as second media',
		},
		{
			desc: 'Pinterest: a video, a cover and one more',
			provider: 'pinterest',
			image: [VID(), IMG(), IMG(2)],
			message: 'If posting a video you can only have two media items',
		},
		{
			desc: 'LinkedIn: a carousel of one image',
			provider: 'linkedin',
			settings: { post_as_images_carousel: true },
			image: [IMG()],
			message: 'Carousel can only be created with 2 or more images and no videos.',
		},
		{
			desc: 'LinkedIn page: a video with an image',
			provider: 'linkedin-page',
			image: [VID(), IMG()],
			message: 'Can have maximum 1 media when selecting a video.',
		},
		{
			desc: 'LinkedIn: media on a comment',
			provider: 'linkedin',
			image: [],
			thread: [{ content: 'a comment', image: [IMG()] }],
			message: 'Comments can only contain text.',
		},
	];

	it.each(rows)('$desc', async (row) => {
		const body = createBody(
			ps,
			row.provider,
			{},
			{
				settings: row.settings ?? VALID_SETTINGS[row.provider],
				value: [{ content: row.content ?? 'Hello', image: row.image }, ...(row.thread ?? [])],
			},
		);
		const a = await call(ps, 'POST', '/posts', { body });
		const channel = ps.store.channels.get(channelId(ps, row.provider))!;
		expect(a.status).toBe(400);
		expect(a.text).toBe(
			text({ statusCode: 400, provider: row.provider, name: channel.name, message: row.message }),
		);
	});

	it('the same media problems pass as drafts (media rules run for non-drafts only)', async () => {
		const a = await call(ps, 'POST', '/posts', {
			body: createBody(
				ps,
				'instagram',
				{ type: 'draft' },
				{ value: [{ content: 'no media', image: [] }] },
			),
		});
		expect(a.status).toBe(201);
	});

	it('a valid post for each of the ten providers is accepted with 201 [{postId, integration}]', async () => {
		for (const provider of Object.keys(VALID_SETTINGS)) {
			const a = await call(ps, 'POST', '/posts', { body: createBody(ps, provider) });
			expect(a.status, `${provider}: ${a.text}`).toBe(201);
			expect(a.body).toEqual([
				{ postId: expect.any(String), integration: channelId(ps, provider) },
			]);
		}
	});

	it('a disabled channel is not rejected at create time (it fails at publish time, docs/postsider-api.md, Channels and groups)', async () => {
		const body = createBody(ps, 'x', {}, { integration: { id: disabledChannelId(ps) } });
		const a = await call(ps, 'POST', '/posts', { body });
		expect(a.status).toBe(201);
	});

	it('content is sanitised: text without "<" is kept as is, HTML is re-serialised', async () => {
		const a = await call(ps, 'POST', '/posts', {
			body: createBody(
				ps,
				'threads',
				{ type: 'draft' },
				{
					value: [
						{ content: '5 > 3 & a < b <script>x</script>', image: [] },
						{ content: 'plain & simple', image: [] },
					],
				},
			),
		});
		const post = ps.store.posts.get(a.body[0].postId)!;
		// The sanitiser drops a <script> with its content (DOMPurify, checked in differential/).
		expect(post.content).toBe('5 &gt; 3 &amp; a &lt; b ');
		expect(ps.store.chain(post)[1].content).toBe('plain & simple');
	});
});

describe('X text limit from the channel (server x.provider.ts maxLength(additionalSettings))', () => {
	// The server reads the integration's stored additionalSettings: a truthy `Verified` value gives
	// 4000, anything else 280; GET /integration-settings/:id answers the same figure.
	const rows: Array<{ desc: string; settings: string; max: number }> = [
		{ desc: 'no additional settings', settings: '[]', max: 280 },
		{ desc: 'Verified false', settings: '[{"title":"Verified","value":false}]', max: 280 },
		{ desc: 'Verified true', settings: '[{"title":"Verified","value":true}]', max: 4000 },
		{
			desc: 'Verified "yes" (truthy)',
			settings: '[{"title":"Verified","value":"yes"}]',
			max: 4000,
		},
		{ desc: 'Verified 0 (falsy)', settings: '[{"title":"Verified","value":0}]', max: 280 },
		{ desc: 'a null entry first', settings: '[null,{"title":"Verified","value":1}]', max: 4000 },
		{ desc: 'not JSON', settings: '{oops', max: 280 },
		{ desc: 'an object, not a list', settings: '{"Verified":true}', max: 280 },
	];
	it.each(rows)('$desc → $max', async ({ settings, max }) => {
		expect(maxLengthFor('x', settings)).toBe(max);
		const channel = ps.store.channels.get(channelId(ps, 'x'))!;
		channel.additionalSettings = settings;
		const limits = await call(ps, 'GET', `/integration-settings/${channel.id}`);
		expect(limits.body.output.maxLength).toBe(max);
		const post = (content: string) =>
			call(ps, 'POST', '/posts', {
				body: createBody(ps, 'x', {}, { value: [{ content, image: [] }] }),
			});
		expect((await post('a'.repeat(max))).status).toBe(201);
		const over = await post('a'.repeat(max + 1));
		expect(over.status).toBe(400);
		expect(over.body.message).toBe('post is too long, please fix it');
	});

	it('the shared check takes the same limit and says what it counted', () => {
		const content = 'Tom & Jerry '.repeat(25);
		const lookup = (maxLength: number) => (id: string) =>
			id === 'cx' ? { id, identifier: 'x', name: 'My X', maxLength } : undefined;
		const body = {
			type: 'schedule',
			date: '2030-01-01T10:00:00.000Z',
			shortLink: false,
			tags: [],
			posts: [
				{
					integration: { id: 'cx' },
					value: [{ content, image: [] }],
					settings: VALID_SETTINGS.x,
				},
			],
		};
		const refused = validateCreatePost(body, lookup(280));
		expect(refused).toMatchObject({ ok: false, shape: 'E4', provider: 'x' });
		expect(refused.ok === false && refused.shape === 'E4' && refused.detail).toMatch(
			/^400 of 280 for X: .*& counts 5 \(&amp;\) ×25/,
		);
		expect(validateCreatePost(body, lookup(4000)).ok).toBe(true);
		expect(checkLength('x', content, 4000).ok).toBe(true);
		expect(checkLength('x', content, maxLengthFor('x', '[]')).ok).toBe(false);
	});
});

describe('POST /posts (docs/postsider-api.md, Idempotency-Key): Idempotency-Key', () => {
	const key = 'n8n:exec-42:item:0';

	it('an empty Idempotency-Key is no key: two creates, two posts (not a 409)', async () => {
		const body = createBody(ps, 'bluesky');
		const first = await call(ps, 'POST', '/posts', { body, headers: { 'idempotency-key': '' } });
		const second = await call(ps, 'POST', '/posts', { body, headers: { 'idempotency-key': '' } });
		expect([first.status, second.status]).toEqual([201, 201]);
		expect(second.body[0].postId).not.toBe(first.body[0].postId);
	});

	it('same key and body → the stored 201 is replayed and nothing new is created', async () => {
		const body = createBody(ps, 'bluesky');
		const first = await call(ps, 'POST', '/posts', { body, headers: { 'idempotency-key': key } });
		const again = await call(ps, 'POST', '/posts', { body, headers: { 'idempotency-key': key } });
		expect(first.status).toBe(201);
		expect(again.status).toBe(201);
		expect(again.text).toBe(first.text);
		expect(ps.store.posts.size).toBe(1);
	});

	it('same key, another body → 409 with the server text', async () => {
		await call(ps, 'POST', '/posts', {
			body: createBody(ps, 'bluesky'),
			headers: { 'idempotency-key': key },
		});
		const a = await call(ps, 'POST', '/posts', {
			body: createBody(ps, 'threads'),
			headers: { 'idempotency-key': key },
		});
		expect(a.status).toBe(409);
		expect(a.text).toBe(
			'{"message":"Idempotency-Key was already used with a different request","error":"Conflict","statusCode":409}',
		);
	});

	it('the hash is over the re-serialised body: key order matters, whitespace does not', async () => {
		const body = createBody(ps, 'bluesky');
		await call(ps, 'POST', '/posts', {
			body: JSON.stringify(body, null, 2),
			headers: { 'idempotency-key': key },
		});
		const sameCompact = await call(ps, 'POST', '/posts', {
			body: JSON.stringify(body),
			headers: { 'idempotency-key': key },
		});
		expect(sameCompact.status).toBe(201);
		const { type, ...rest } = body;
		const reordered = await call(ps, 'POST', '/posts', {
			body: { ...rest, type },
			headers: { 'idempotency-key': key },
		});
		expect(reordered.status).toBe(409);
	});

	it('a key still processing (a crash between claim and completion) → 409 forever', async () => {
		const body = createBody(ps, 'bluesky');
		const { createHash } = await import('node:crypto');
		ps.store.idempotency.set(`org-demo|${key}`, {
			orgId: 'org-demo',
			key,
			hash: createHash('sha256').update(JSON.stringify(body)).digest('hex'),
			status: 'processing',
		});
		const a = await call(ps, 'POST', '/posts', { body, headers: { 'idempotency-key': key } });
		expect(a.status).toBe(409);
		expect(a.text).toBe(
			'{"message":"A request with this Idempotency-Key is already processing","error":"Conflict","statusCode":409}',
		);
	});

	it('a malformed key → 409 "Invalid Idempotency-Key"', async () => {
		const a = await call(ps, 'POST', '/posts', {
			body: createBody(ps, 'bluesky'),
			headers: { 'idempotency-key': 'has space' },
		});
		expect(a.status).toBe(409);
		expect(a.text).toBe(
			'{"message":"Invalid Idempotency-Key","error":"Conflict","statusCode":409}',
		);
	});

	it('a request refused by validation does not consume the key', async () => {
		const bad = await call(ps, 'POST', '/posts', {
			body: createBody(ps, 'x', {}, { settings: {} }),
			headers: { 'idempotency-key': key },
		});
		expect(bad.status).toBe(400);
		const good = await call(ps, 'POST', '/posts', {
			body: createBody(ps, 'bluesky'),
			headers: { 'idempotency-key': key },
		});
		expect(good.status).toBe(201);
	});

	it('keys are scoped to one organisation', async () => {
		await call(ps, 'POST', '/posts', {
			body: createBody(ps, 'bluesky'),
			headers: { 'idempotency-key': key },
		});
		const other = ps.apiKeys.find((k) => k.orgId === 'org-other')!.apiKey;
		const body = createBody(ps, 'x', {}, { integration: { id: channelId(ps, 'x', 'org-other') } });
		const a = await call(ps, 'POST', '/posts', {
			key: other,
			body,
			headers: { 'idempotency-key': key },
		});
		expect(a.status).toBe(201);
	});
});

describe('POST /posts: what is stored', () => {
	it('two channels in one call → two answers in request order, two different groups, no group returned', async () => {
		const body = createBody(ps, 'x');
		(body.posts as unknown[]).push({
			integration: { id: channelId(ps, 'bluesky') },
			value: [{ content: 'b', image: [] }],
			settings: {},
		});
		const a = await call(ps, 'POST', '/posts', { body });
		expect(a.body.map((r: { integration: string }) => r.integration)).toEqual([
			channelId(ps, 'x'),
			channelId(ps, 'bluesky'),
		]);
		expect(Object.keys(a.body[0])).toEqual(['postId', 'integration']);
		const groups = a.body.map((r: { postId: string }) => ps.store.posts.get(r.postId)!.group);
		expect(new Set(groups).size).toBe(2);
	});

	it('a thread becomes a chain of rows; only the main post is listed', async () => {
		const body = createBody(
			ps,
			'threads',
			{},
			{
				value: [
					{ content: 'one', image: [] },
					{ content: 'two', image: [] },
					{ content: 'three', image: [] },
				],
			},
		);
		const a = await call(ps, 'POST', '/posts', { body });
		const main = ps.store.posts.get(a.body[0].postId)!;
		expect(ps.store.chain(main).map((p) => p.content)).toEqual(['one', 'two', 'three']);
		const list = await call(
			ps,
			'GET',
			`/posts?startDate=2000-01-01T00:00:00Z&endDate=2100-01-01T00:00:00Z`,
		);
		expect(list.body.posts.map((p: { id: string }) => p.id)).toEqual([main.id]);
	});

	it('sending posts[].group soft-deletes that group; the new rows get a new group', async () => {
		const first = await call(ps, 'POST', '/posts', { body: createBody(ps, 'threads') });
		const oldGroup = ps.store.posts.get(first.body[0].postId)!.group;
		const second = await call(ps, 'POST', '/posts', {
			body: createBody(
				ps,
				'threads',
				{},
				{ group: oldGroup, value: [{ content: 'edited', image: [] }] },
			),
		});
		const newRow = ps.store.posts.get(second.body[0].postId)!;
		expect(newRow.group).not.toBe(oldGroup);
		expect(ps.store.posts.get(first.body[0].postId)!.deletedAt).not.toBeNull();
	});

	it('draft → DRAFT, schedule → QUEUE at the date, now → QUEUE at the current minute', async () => {
		const draft = await call(ps, 'POST', '/posts', {
			body: createBody(ps, 'threads', { type: 'draft' }),
		});
		const schedule = await call(ps, 'POST', '/posts', {
			body: createBody(ps, 'threads', { date: '2030-01-01T10:00:00Z' }),
		});
		const now = await call(ps, 'POST', '/posts', {
			body: createBody(ps, 'threads', { type: 'now', date: '2030-01-01T10:00:00Z' }),
		});
		expect(ps.store.posts.get(draft.body[0].postId)!.state).toBe('DRAFT');
		expect(ps.store.posts.get(schedule.body[0].postId)).toMatchObject({
			state: 'QUEUE',
			publishDate: '2030-01-01T10:00:00.000Z',
		});
		expect(ps.store.posts.get(now.body[0].postId)!.publishDate).toBe(
			new Date(Math.floor(ps.clock.now() / 60_000) * 60_000).toISOString(),
		);
	});

	it("tags are matched by label against the org's tags; unknown labels are ignored", async () => {
		const a = await call(ps, 'POST', '/posts', {
			body: createBody(ps, 'threads', {
				tags: [
					{ value: 'x', label: 'Launch' },
					{ value: 'y', label: 'Unknown' },
				],
			}),
		});
		const got = await call(ps, 'GET', `/posts/${a.body[0].postId}`);
		expect(got.body.posts[0].tags.map((t: { tag: { name: string } }) => t.tag.name)).toEqual([
			'Launch',
		]);
	});
});
