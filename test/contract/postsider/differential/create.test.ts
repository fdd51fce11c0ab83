/**
 * Differential: `validateCreatePost` (the contract the emulator, the node and the daemon share) vs
 * the server's own pipeline rebuilt on class-validator/class-transformer with its DTOs
 * (./oracle-create). Settings per provider, media combinations, body conversions.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateCreatePost, type ChannelInfo } from '../../../../contract/postsider/validate';
import { oracleCreatePost, type OracleAnswer } from './oracle-create';

const CHANNELS: ChannelInfo[] = [
	'x',
	'linkedin',
	'linkedin-page',
	'instagram',
	'facebook',
	'tiktok',
	'youtube',
	'bluesky',
	'threads',
	'pinterest',
].map((identifier) => ({ id: `ch-${identifier}`, identifier, name: `My ${identifier}` }));
const lookup = (id: string) => CHANNELS.find((c) => c.id === id);

const IMG = { id: 'i1', path: 'https://cdn.example/a.png' };
const IMG2 = { id: 'i2', path: 'https://cdn.example/b.jpg' };
const VID = { id: 'v1', path: 'https://cdn.example/v.mp4' };
const VID2 = { id: 'v2', path: 'https://cdn.example/w.mp4' };

const TIKTOK_OK = {
	privacy_level: 'PUBLIC_TO_EVERYONE',
	duet: false,
	stitch: false,
	comment: true,
	autoAddMusic: 'no',
	brand_content_toggle: false,
	brand_organic_toggle: false,
	content_posting_method: 'DIRECT_POST',
};

function body(
	provider: string,
	settings: unknown,
	extra: {
		type?: string;
		value?: unknown[];
		top?: Record<string, unknown>;
		entry?: Record<string, unknown>;
	} = {},
) {
	return {
		type: extra.type ?? 'schedule',
		date: '2030-01-01T10:00:00Z',
		shortLink: false,
		tags: [],
		...extra.top,
		posts: [
			{
				integration: { id: `ch-${provider}` },
				value: extra.value ?? [
					{
						content: 'hello',
						image: provider === 'youtube' || provider === 'tiktok' ? [VID] : [IMG],
					},
				],
				settings,
				...extra.entry,
			},
		],
	};
}

type Case = [name: string, raw: unknown];

const SETTINGS_CASES: Case[] = [
	// X
	['x: no settings', body('x', {})],
	[
		'x: every field right',
		body('x', {
			who_can_reply_post: 'everyone',
			community: 'https://x.com/i/communities/1',
			made_with_ai: true,
		}),
	],
	['x: wrong reply value', body('x', { who_can_reply_post: 'all' })],
	[
		'x: community wrong, reply missing (server order)',
		body('x', { community: 'https://example.com' }),
	],
	['x: empty community', body('x', { who_can_reply_post: 'everyone', community: '' })],
	['x: community null', body('x', { who_can_reply_post: 'everyone', community: null })],
	['x: made_with_ai as string', body('x', { who_can_reply_post: 'everyone', made_with_ai: 'no' })],
	[
		'x: paid_partnership null',
		body('x', { who_can_reply_post: 'everyone', paid_partnership: null }),
	],
	['x: draft without settings', body('x', {}, { type: 'draft' })],
	['x: entry-level draft skips settings', body('x', {}, { entry: { type: 'draft' } })],
	// LinkedIn
	['linkedin: empty', body('linkedin', {})],
	['linkedin: carousel with one image', body('linkedin', { post_as_images_carousel: true })],
	[
		'linkedin: carousel with two images',
		body(
			'linkedin',
			{ post_as_images_carousel: true },
			{ value: [{ content: 'c', image: [IMG, IMG2] }] },
		),
	],
	['linkedin: carousel as string', body('linkedin', { post_as_images_carousel: 'false' })],
	['linkedin: carousel_name as number', body('linkedin', { carousel_name: 5 })],
	[
		'linkedin: video and image',
		body('linkedin', {}, { value: [{ content: 'c', image: [VID, IMG] }] }),
	],
	[
		'linkedin: media on a comment',
		body(
			'linkedin',
			{},
			{
				value: [
					{ content: 'c', image: [] },
					{ content: 'd', image: [IMG] },
				],
			},
		),
	],
	[
		'linkedin-page: path with mp4 in the middle',
		body(
			'linkedin-page',
			{},
			{
				value: [{ content: 'c', image: [IMG, { id: 'z', path: 'https://cdn.example/mp4/a.png' }] }],
			},
		),
	],
	// Instagram
	['instagram: no settings', body('instagram', {})],
	['instagram: story', body('instagram', { post_type: 'story' })],
	['instagram: wrong post_type', body('instagram', { post_type: 'reel' })],
	[
		'instagram: trial reel with an image',
		body('instagram', { post_type: 'post', is_trial_reel: 'yes' }),
	],
	[
		'instagram: trial reel with a video',
		body(
			'instagram',
			{ post_type: 'post', is_trial_reel: true },
			{ value: [{ content: 'c', image: [VID] }] },
		),
	],
	[
		'instagram: wrong graduation',
		body('instagram', { post_type: 'post', graduation_strategy: 'AUTO' }),
	],
	[
		'instagram: collaborators right',
		body('instagram', { post_type: 'post', collaborators: [{ label: 'ann' }] }),
	],
	[
		'instagram: collaborator without label',
		body('instagram', { post_type: 'post', collaborators: [{}] }),
	],
	[
		'instagram: collaborator as string',
		body('instagram', { post_type: 'post', collaborators: ['ann'] }),
	],
	[
		'instagram: collaborator label number',
		body('instagram', { post_type: 'post', collaborators: [{ label: 7 }] }),
	],
	[
		'instagram: no media',
		body('instagram', { post_type: 'post' }, { value: [{ content: 'c', image: [] }] }),
	],
	[
		'instagram: eleven media',
		body(
			'instagram',
			{ post_type: 'post' },
			{ value: [{ content: 'c', image: Array(11).fill(IMG) }] },
		),
	],
	// Facebook
	['facebook: empty', body('facebook', {})],
	['facebook: bad url', body('facebook', { url: 'not a url' })],
	['facebook: empty url', body('facebook', { url: '' })],
	['facebook: good url', body('facebook', { url: 'https://example.com/x' })],
	[
		'facebook: story without media',
		body('facebook', { post_type: 'story' }, { value: [{ content: 'c', image: [] }] }),
	],
	['facebook: wrong post_type', body('facebook', { post_type: 'reel' })],
	// TikTok
	['tiktok: empty settings (ten messages)', body('tiktok', {})],
	['tiktok: all right', body('tiktok', TIKTOK_OK)],
	['tiktok: privacy null', body('tiktok', { ...TIKTOK_OK, privacy_level: null })],
	['tiktok: privacy number', body('tiktok', { ...TIKTOK_OK, privacy_level: 5 })],
	[
		'tiktok: posting method missing',
		body('tiktok', { ...TIKTOK_OK, content_posting_method: undefined }),
	],
	['tiktok: title 91 characters', body('tiktok', { ...TIKTOK_OK, title: 't'.repeat(91) })],
	['tiktok: title number', body('tiktok', { ...TIKTOK_OK, title: 12345 })],
	['tiktok: duet as string', body('tiktok', { ...TIKTOK_OK, duet: 'false' })],
	['tiktok: duet null', body('tiktok', { ...TIKTOK_OK, duet: null })],
	['tiktok: music wrong', body('tiktok', { ...TIKTOK_OK, autoAddMusic: 'maybe' })],
	[
		'tiktok: two items with a video',
		body('tiktok', TIKTOK_OK, { value: [{ content: 'c', image: [VID, IMG] }] }),
	],
	['tiktok: no media', body('tiktok', TIKTOK_OK, { value: [{ content: 'c', image: [] }] })],
	[
		'tiktok: two pictures',
		body('tiktok', TIKTOK_OK, { value: [{ content: 'c', image: [IMG, IMG2] }] }),
	],
	// YouTube
	['youtube: empty', body('youtube', {})],
	['youtube: right', body('youtube', { title: 'My video', type: 'public' })],
	['youtube: title one character', body('youtube', { title: 'a', type: 'public' })],
	['youtube: title 101 characters', body('youtube', { title: 'a'.repeat(101), type: 'public' })],
	['youtube: title number', body('youtube', { title: 12345, type: 'public' })],
	['youtube: title null', body('youtube', { title: null, type: 'unlisted' })],
	['youtube: type wrong', body('youtube', { title: 'My video', type: 'hidden' })],
	[
		'youtube: tags as strings',
		body('youtube', { title: 'My video', type: 'public', tags: ['a', 'b'] }),
	],
	[
		'youtube: tags as objects',
		body('youtube', { title: 'My video', type: 'public', tags: [{ value: 'a', label: 'a b' }] }),
	],
	[
		'youtube: tags as one object',
		body('youtube', { title: 'My video', type: 'public', tags: { value: 'a', label: 'b' } }),
	],
	[
		'youtube: tags over 500',
		body('youtube', {
			title: 'My video',
			type: 'public',
			tags: Array(30).fill({ value: 'v', label: 'long tag label!' }),
		}),
	],
	[
		'youtube: tag label number',
		body('youtube', { title: 'My video', type: 'public', tags: [{ value: 1, label: 2 }] }),
	],
	[
		'youtube: thumbnail right',
		body('youtube', {
			title: 'My video',
			type: 'public',
			thumbnail: { id: 't', path: 'https://c.example/t.png' },
		}),
	],
	[
		'youtube: thumbnail wrong extension',
		body('youtube', {
			title: 'My video',
			type: 'public',
			thumbnail: { id: 't', path: 'https://c.example/t.bmp' },
		}),
	],
	[
		'youtube: thumbnail as string',
		body('youtube', { title: 'My video', type: 'public', thumbnail: 'https://c.example/t.png' }),
	],
	[
		'youtube: kids wrong',
		body('youtube', { title: 'My video', type: 'public', selfDeclaredMadeForKids: 'maybe' }),
	],
	[
		'youtube: image not video',
		body(
			'youtube',
			{ title: 'My video', type: 'public' },
			{ value: [{ content: 'c', image: [IMG] }] },
		),
	],
	[
		'youtube: two videos',
		body(
			'youtube',
			{ title: 'My video', type: 'public' },
			{ value: [{ content: 'c', image: [VID, VID2] }] },
		),
	],
	// Pinterest
	['pinterest: no board', body('pinterest', {})],
	['pinterest: empty board', body('pinterest', { board: '' })],
	['pinterest: number board', body('pinterest', { board: 5 })],
	['pinterest: board', body('pinterest', { board: 'b1' })],
	['pinterest: title 101', body('pinterest', { board: 'b1', title: 'p'.repeat(101) })],
	['pinterest: bad link', body('pinterest', { board: 'b1', link: 'nope' })],
	[
		'pinterest: image then video',
		body('pinterest', { board: 'b1' }, { value: [{ content: 'c', image: [IMG, VID] }] }),
	],
	[
		'pinterest: two videos',
		body('pinterest', { board: 'b1' }, { value: [{ content: 'c', image: [VID, VID2] }] }),
	],
	[
		'pinterest: one video',
		body('pinterest', { board: 'b1' }, { value: [{ content: 'c', image: [VID] }] }),
	],
	[
		'pinterest: video then image',
		body('pinterest', { board: 'b1' }, { value: [{ content: 'c', image: [VID, IMG] }] }),
	],
	[
		'pinterest: three videos',
		body('pinterest', { board: 'b1' }, { value: [{ content: 'c', image: [VID, VID2, VID] }] }),
	],
	[
		'pinterest: image and two videos',
		body('pinterest', { board: 'b1' }, { value: [{ content: 'c', image: [IMG, VID, VID2] }] }),
	],
	[
		'pinterest: six images',
		body('pinterest', { board: 'b1' }, { value: [{ content: 'c', image: Array(6).fill(IMG) }] }),
	],
	[
		'pinterest: no media',
		body('pinterest', { board: 'b1' }, { value: [{ content: 'c', image: [] }] }),
	],
	// Bluesky, Threads
	[
		'bluesky: video with an image',
		body('bluesky', {}, { value: [{ content: 'c', image: [VID, IMG] }] }),
	],
	[
		'bluesky: five images on a reply',
		body(
			'bluesky',
			{},
			{
				value: [
					{ content: 'c', image: [] },
					{ content: 'd', image: Array(5).fill(IMG) },
				],
			},
		),
	],
	[
		'threads: anything goes',
		body('threads', { whatever: 1 }, { value: [{ content: 'c', image: Array(12).fill(IMG) }] }),
	],
];

const BODY_CASES: Case[] = [
	['content as number', body('threads', {}, { value: [{ content: 123, image: [] }] })],
	['content null with an image', body('threads', {}, { value: [{ content: null, image: [IMG] }] })],
	[
		'thread item with images and no content',
		body('threads', {}, { value: [{ content: 'a', image: [] }, { image: [IMG] }] }),
	],
	[
		'second item empty',
		body(
			'threads',
			{},
			{
				value: [
					{ content: 'a', image: [] },
					{ content: '<p></p>', image: [] },
				],
			},
		),
	],
	['only a <br>', body('threads', {}, { value: [{ content: '<br>', image: [] }] })],
	['only &nbsp;', body('threads', {}, { value: [{ content: '&nbsp;', image: [] }] })],
	[
		'image id as number',
		body(
			'threads',
			{},
			{ value: [{ content: 'a', image: [{ id: 5, path: 'https://c.example/a.png' }] }] },
		),
	],
	[
		'image alt as number',
		body('threads', {}, { value: [{ content: 'a', image: [{ ...IMG, alt: 7 }] }] }),
	],
	[
		'image without id',
		body(
			'threads',
			{},
			{ value: [{ content: 'a', image: [{ path: 'https://c.example/a.png' }] }] },
		),
	],
	[
		'image path upper-case extension',
		body(
			'threads',
			{},
			{ value: [{ content: 'a', image: [{ id: '1', path: 'https://c.example/a.PNG' }] }] },
		),
	],
	[
		'image path with query',
		body(
			'threads',
			{},
			{ value: [{ content: 'a', image: [{ id: '1', path: 'https://c.example/a.png?x=1' }] }] },
		),
	],
	[
		'thumbnail not a URL',
		body('threads', {}, { value: [{ content: 'a', image: [{ ...IMG, thumbnail: 'nope' }] }] }),
	],
	['image missing', body('threads', {}, { value: [{ content: 'a' }] })],
	['item with neither content nor image', body('threads', {}, { value: [{ image: [] }] })],
	['image item as a string', body('threads', {}, { value: [{ content: 'a', image: ['a.png'] }] })],
	['image path missing', body('threads', {}, { value: [{ content: 'a', image: [{ id: '1' }] }] })],
	['youtube: tags as text', body('youtube', { title: 'My video', type: 'public', tags: 'a,b' })],
	[
		'instagram: collaborators as object',
		body('instagram', { post_type: 'post', collaborators: { label: 'a' } }),
	],
	['tags as text', body('threads', {}, { top: { tags: 'news' } })],
	['tags null', body('threads', {}, { top: { tags: null } })],
	['tags as an object', body('threads', {}, { top: { tags: { value: 'a', label: 'b' } } })],
	['tags with a string', body('threads', {}, { top: { tags: ['a'] } })],
	['tags right', body('threads', {}, { top: { tags: [{ value: 'a', label: 'b' }] } })],
	['date 2030-02-30 (not strict)', body('threads', {}, { top: { date: '2030-02-30T10:00:00Z' } })],
	['date free text', body('threads', {}, { top: { date: 'next monday' } })],
	['date as number', body('threads', {}, { top: { date: 1893456000000 } })],
	['date week form', body('threads', {}, { top: { date: '2030-W10-3' } })],
	['date without time', body('threads', {}, { top: { date: '2030-01-01' } })],
	['shortLink as string', body('threads', {}, { top: { shortLink: 'false' } })],
	['shortLink missing', body('threads', {}, { top: { shortLink: undefined } })],
	['type wrong', body('threads', {}, { top: { type: 'later' } })],
	['inter as string', body('threads', {}, { top: { inter: '7' } })],
	['inter as text', body('threads', {}, { top: { inter: 'weekly' } })],
	['delay as string', body('threads', {}, { value: [{ content: 'a', image: [], delay: '5' }] })],
	['value empty', body('threads', {}, { value: [] })],
	[
		'posts empty',
		{ type: 'schedule', date: '2030-01-01T10:00:00Z', shortLink: false, tags: [], posts: [] },
	],
	['no posts', { type: 'schedule', date: '2030-01-01T10:00:00Z', shortLink: false, tags: [] }],
	[
		'unknown channel',
		{
			...body('threads', {}),
			posts: [{ integration: { id: 'nope' }, value: [{ content: 'a', image: [] }] }],
		},
	],
	['group as number', body('threads', {}, { entry: { group: 5 } })],
	['firstComment as number', body('threads', {}, { entry: { firstComment: 5 } })],
	[
		'empty item on the second channel wins over settings on the first',
		{
			...body('x', {}),
			posts: [
				{
					integration: { id: 'ch-x' },
					value: [{ content: 'a', image: [] }],
					settings: { who_can_reply_post: 'everyone', community: 'bad' },
				},
				{
					integration: { id: 'ch-threads' },
					value: [
						{ content: 'a', image: [] },
						{ content: '', image: [] },
					],
				},
			],
		},
	],
	[
		'bare domains to X',
		body(
			'x',
			{ who_can_reply_post: 'everyone' },
			{ value: [{ content: 'example.com '.repeat(28), image: [] }] },
		),
	],
	[
		'Tom & Jerry to X',
		body(
			'x',
			{ who_can_reply_post: 'everyone' },
			{ value: [{ content: 'Tom & Jerry '.repeat(20), image: [] }] },
		),
	],
	[
		'Bluesky over 300 units',
		body('bluesky', {}, { value: [{ content: '😀'.repeat(151), image: [] }] }),
	],
];

function ours(raw: unknown): OracleAnswer {
	const check = validateCreatePost(raw, lookup);
	if (check.ok) return { shape: 'OK' };
	if (check.shape === 'E2') return { shape: 'E2', message: check.message };
	if (check.shape === 'E3') return { shape: 'E3', messages: check.messages };
	return { shape: 'E4', provider: check.provider, name: check.name, message: check.message };
}

export const CREATE_CASES = [...SETTINGS_CASES, ...BODY_CASES];

describe('differential: POST /posts validation vs the server DTOs (class-validator)', () => {
	for (const [name, raw] of CREATE_CASES) {
		it(name, async () => {
			expect(ours(raw)).toEqual(await oracleCreatePost(raw, lookup));
		});
	}
});

/** Soups with a <table> (docs/postsider-api.md, "Text length": our count is only an estimate). */
const TABLE_SOUP = [
	'<table>',
	'</table>',
	'<tr>',
	'</tr>',
	'<td>',
	'</td>',
	'<th>',
	'<tbody>',
	'<thead>',
	'<col>',
	'<caption>',
	'</caption>',
	'<p>',
	'</p>',
	'<strong>',
	'</strong>',
	'<a href="https://example.com/a">',
	'</a>',
	'<br>',
	'<img>',
	'<object>',
	'</object>',
	'</svg>',
	'<select>',
	'ab',
	'&amp;',
	' ',
];

describe('differential: POST /posts with an HTML table (stricter than the server)', () => {
	it('refuses a post with a table before upload, naming the table (the server may accept it)', () => {
		const raw = body(
			'x',
			{ who_can_reply_post: 'everyone' },
			{ value: [{ content: '<table><tr><td>hi</td></tr></table>', image: [] }] },
		);
		const check = validateCreatePost(raw, lookup);
		expect(check).toMatchObject({
			ok: false,
			shape: 'E4',
			message: 'post is too long, please fix it',
		});
		expect(check.ok === false && check.shape === 'E4' && check.detail).toMatch(
			/has an HTML table \(<table>\).*remove the table tags/,
		);
	});

	// The server measures a draft only to see that it is not empty; with a <table> our measure cannot
	// say so for sure (a link can count as an empty address), so a draft without media is refused.
	it('refuses a draft with a table and no media, naming the table', async () => {
		const raw = body(
			'linkedin',
			{},
			{
				type: 'draft',
				value: [{ content: '<table><tr><td><p>hi</p></td></tr></table>', image: [] }],
			},
		);
		expect(await oracleCreatePost(raw, lookup)).toEqual({ shape: 'OK' });
		const check = validateCreatePost(raw, lookup);
		expect(check).toMatchObject({
			ok: false,
			shape: 'E4',
			message: 'Your post should have at least one character or one image.',
		});
		expect(check.ok === false && check.shape === 'E4' && check.detail).toMatch(/HTML table/);
		const withImage = body(
			'linkedin',
			{},
			{ type: 'draft', value: [{ content: '<table><tr><td>hi</td></tr></table>', image: [IMG] }] },
		);
		expect(validateCreatePost(withImage, lookup).ok).toBe(true);
	});

	it('refuses every post and draft with a table and no media, so never one the server refuses', async () => {
		let refusedByServer = 0;
		await fc.assert(
			fc.asyncProperty(
				fc
					.array(fc.constantFrom(...TABLE_SOUP), { maxLength: 14 })
					.map((p) => `<table>${p.join('')}`),
				fc.constantFrom('draft', 'schedule'),
				fc.constantFrom('x', 'linkedin', 'bluesky'),
				async (content, type, provider) => {
					const raw = body(provider, provider === 'x' ? { who_can_reply_post: 'everyone' } : {}, {
						type,
						value: [{ content, image: [] }],
					});
					const oracle = await oracleCreatePost(raw, lookup);
					const check = validateCreatePost(raw, lookup);
					if (oracle.shape !== 'OK') {
						refusedByServer++;
						expect(check.ok).toBe(false);
					}
					expect(check.ok).toBe(false);
				},
			),
			{ numRuns: 300 },
		);
		expect(refusedByServer).toBeGreaterThan(0);
	});
});
