/**
 * PostFast auth and error shapes (docs/postfast-api.md, Error bodies; Unknown fields), the social-account endpoints
 * (docs/postfast-api.md, Social accounts; Account helper lists; Follower history; Places and TikTok sounds; Connect link) and the upload-URL endpoint (docs/postfast-api.md, Upload URLs), on the vendor profile unless a row says otherwise.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { PLATFORMS, acceptedContentTypes } from '../../../contract/postfast';
import {
	accounts,
	call,
	on,
	rateHeaders,
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

const ACCOUNTS = '/social-media/my-social-accounts';

describe('docs/postfast-api.md, Error bodies: auth: the pf-api-key header', () => {
	it.each([
		[
			'no pf-api-key header → 403 (default)',
			{ key: null },
			403,
			{
				message: 'Missing organizationId or activeWorkspaceId',
				error: 'Forbidden',
				statusCode: 403,
			},
		],
		[
			'an unknown or rotated key → 403',
			{ key: 'Zm9vYmFyYmF6cXV1eGZvb2JhcmJhenF1dXhmb29iYXI=' },
			403,
			{
				message: 'Missing organizationId or activeWorkspaceId',
				error: 'Forbidden',
				statusCode: 403,
			},
		],
		[
			'a present but empty header → 401',
			{ key: '' },
			401,
			{ message: 'Invalid or missing API key', error: 'Unauthorized', statusCode: 401 },
		],
		[
			'Authorization: Bearer instead of pf-api-key → 403',
			{ key: null, headers: { authorization: 'Bearer x' } },
			403,
			{ statusCode: 403 },
		],
		[
			'x-api-key instead of pf-api-key → 403',
			{ key: null, headers: { 'x-api-key': 'x' } },
			403,
			{ statusCode: 403 },
		],
	])('%s', async (_name, opts, status, body) => {
		const a = await call(pf, 'GET', ACCOUNTS, opts as never);
		expect(a.status).toBe(status);
		expect(a.body).toMatchObject(body);
		expect(rateHeaders(a)).toEqual({});
	});

	it('the key is workspace-scoped: each demo key sees only its own accounts (docs/postfast-api.md, Transport and authentication)', async () => {
		const other = await accounts(pf, otherKey);
		expect(other.length).toBeGreaterThan(0);
		expect(other.some((a) => demo.some((d) => d.id === a.id))).toBe(false);
	});

	it('missingKeyStatus: 401 makes an absent key a 401 (the vendor also lists that)', async () => {
		const strict = await startPostFast({ missingKeyStatus: 401 });
		try {
			const a = await call(strict, 'GET', ACCOUNTS, { key: null });
			expect([a.status, a.body]).toEqual([
				401,
				{ message: 'Invalid or missing API key', error: 'Unauthorized', statusCode: 401 },
			]);
		} finally {
			await strict.close();
		}
	});
});

describe('docs/postfast-api.md, Error bodies: Nest error shapes outside validation', () => {
	it.each([
		[
			'an unknown route → Nest 404, no rate headers',
			'GET',
			'/social-posts/x/y',
			undefined,
			404,
			{ message: 'Cannot GET /social-posts/x/y', error: 'Not Found', statusCode: 404 },
		],
		[
			'a route with another method → Nest 404',
			'PUT',
			'/social-posts',
			undefined,
			404,
			{ message: 'Cannot PUT /social-posts', error: 'Not Found', statusCode: 404 },
		],
		[
			'malformed JSON → 400 from the body parser, before any guard',
			'POST',
			'/social-posts',
			'{"posts": [',
			400,
			{ error: 'Bad Request', statusCode: 400 },
		],
	])('%s', async (_name, method, path, body, status, expected) => {
		const a = await call(pf, method, path, { body });
		expect(a.status).toBe(status);
		expect(a.body).toMatchObject(expected);
		expect(rateHeaders(a)).toEqual({});
	});

	it('a body over 100 KB → 413 Payload Too Large', async () => {
		const a = await call(pf, 'POST', '/social-posts', {
			body: { posts: [{ content: 'x'.repeat(110_000) }] },
		});
		expect([a.status, a.body]).toEqual([
			413,
			{ message: 'request entity too large', error: 'Payload Too Large', statusCode: 413 },
		]);
	});

	it('vendorPageOnly serves only the four endpoints of the vendor page', async () => {
		const narrow = await startPostFast({ vendorPageOnly: true });
		try {
			expect((await call(narrow, 'GET', '/social-posts')).status).toBe(404);
			expect(
				(await call(narrow, 'POST', '/social-posts/bulk-delete', { body: { ids: [] } })).status,
			).toBe(404);
			expect((await call(narrow, 'GET', ACCOUNTS)).status).toBe(200);
		} finally {
			await narrow.close();
		}
	});
});

describe('docs/postfast-api.md, Social accounts: GET /social-media/my-social-accounts', () => {
	it('lists one CONNECTED account per platform (11) plus one DISABLED, in the documented shape', async () => {
		const a = await call(pf, 'GET', ACCOUNTS);
		expect(a.status).toBe(200);
		const list = a.body as Array<Record<string, unknown>>;
		for (const platform of PLATFORMS) expect(on(demo, platform)).toBeTruthy();
		expect(list.filter((x) => x.connectionStatus === 'DISABLED')).toEqual([
			expect.objectContaining({ platform: 'INSTAGRAM', disabledReason: 'TOKEN_REVOKED' }),
		]);
		for (const x of list) {
			expect(Object.keys(x).sort()).toEqual([
				'connectionStatus',
				'disabledReason',
				'displayName',
				'followerCount',
				'followerCountUpdatedAt',
				'id',
				'inboxCapable',
				'platform',
				'platformUsername',
			]);
			expect(x.followerCount === null || typeof x.followerCount === 'string').toBe(true);
		}
		expect(list.find((x) => x.platform === 'X')?.followerCount).toBeNull();
	});
});

describe('docs/postfast-api.md, Account helper lists: account helper lists', () => {
	it.each([
		['pinterest-boards', 'PINTEREST', ['id', 'boardId', 'name', 'description', 'imageUrl']],
		['youtube-playlists', 'YOUTUBE', ['id', 'playlistId', 'title', 'description', 'thumbnailUrl']],
		[
			'gbp-locations',
			'GOOGLE_BUSINESS_PROFILE',
			['id', 'locationId', 'title', 'address', 'mapsUri'],
		],
	])(
		'%s: the account’s entries; another platform’s or a foreign id → 200 []; a non-UUID → 400',
		async (what, platform, keys) => {
			const own = await call(pf, 'GET', `/social-media/${on(demo, platform)}/${what}`);
			expect(own.status).toBe(200);
			expect(own.body.length).toBeGreaterThan(0);
			expect(Object.keys(own.body[0]).sort()).toEqual([...keys].sort());
			expect((await call(pf, 'GET', `/social-media/${on(demo, 'X')}/${what}`)).body).toEqual([]);
			const foreign = (await accounts(pf, otherKey))[0].id;
			expect(
				await call(pf, 'GET', `/social-media/${foreign}/${what}`).then((a) => [a.status, a.body]),
			).toEqual([200, []]);
			const bad = await call(pf, 'GET', `/social-media/not-a-uuid/${what}`);
			expect([bad.status, bad.body]).toEqual([
				400,
				{
					message: ['Validation failed (uuid is expected)'],
					error: 'Bad Request',
					statusCode: 400,
				},
			]);
		},
	);
});

describe('docs/postfast-api.md, Follower history: follower history', () => {
	it('defaults to the last 90 days, oldest first, counts as strings', async () => {
		const a = await call(pf, 'GET', `/social-media/${on(demo, 'INSTAGRAM')}/follower-history`);
		expect(a.status).toBe(200);
		expect(a.body.series.length).toBeGreaterThanOrEqual(89);
		expect(a.body.series.length).toBeLessThanOrEqual(91);
		expect(typeof a.body.series[0].followerCount).toBe('string');
		expect(Date.parse(a.body.series[0].capturedAt)).toBeLessThan(
			Date.parse(a.body.series.at(-1).capturedAt),
		);
		expect(a.body).toMatchObject({
			currentFollowerCount: expect.any(String),
			delta: expect.stringMatching(/^-?\d+$/),
			trackingStartedAt: expect.any(String),
		});
	});

	it.each([
		['a range over 365 days → 400', '?from=2024-01-01T00:00:00Z&to=2025-06-01T00:00:00Z', 400],
		['a date that is not ISO 8601 → 400', '?from=yesterday', 400],
	])('%s', async (_n, query, status) => {
		expect(
			(await call(pf, 'GET', `/social-media/${on(demo, 'INSTAGRAM')}/follower-history${query}`))
				.status,
		).toBe(status);
	});

	it('a foreign id → 200 with an empty series', async () => {
		const foreign = (await accounts(pf, otherKey))[0].id;
		const a = await call(pf, 'GET', `/social-media/${foreign}/follower-history`);
		expect([a.status, a.body]).toEqual([200, { socialMediaId: foreign, series: [] }]);
	});
});

describe('docs/postfast-api.md, Places and TikTok sounds; Connect link: places, TikTok sounds, connect link', () => {
	it.each([
		[
			'search-places: q shorter than 2 → 400 message array',
			'GET',
			'/social-media/search-places?q=b',
			undefined,
			400,
			{ message: ['q must be longer than or equal to 2 characters'] },
		],
		[
			'search-places: matches with numeric ids',
			'GET',
			'/social-media/search-places?q=lisbon',
			undefined,
			200,
			[expect.objectContaining({ id: expect.stringMatching(/^\d+$/) })],
		],
		[
			'tiktok-sounds: unknown genre',
			'GET',
			'TIKTOK/tiktok-sounds?genre=POLKA',
			undefined,
			400,
			{ message: 'tiktokSounds.invalidGenre', error: 'BAD_REQUEST' },
		],
		[
			'tiktok-sounds: bad country',
			'GET',
			'TIKTOK/tiktok-sounds?countryCode=usa',
			undefined,
			400,
			{ message: 'tiktokSounds.invalidCountryCode' },
		],
		[
			'tiktok-sounds: bad date range',
			'GET',
			'TIKTOK/tiktok-sounds?dateRange=2DAY',
			undefined,
			400,
			{ message: 'tiktokSounds.invalidDateRange' },
		],
		[
			'tiktok-sounds: not a TikTok account → 404',
			'GET',
			'X/tiktok-sounds',
			undefined,
			404,
			{ message: 'tiktokSounds.socialMediaNotFound', statusCode: 404 },
		],
		[
			'tiktok-sounds: valid country without a chart → 200 []',
			'GET',
			'TIKTOK/tiktok-sounds?countryCode=IS',
			undefined,
			200,
			[],
		],
		[
			'connect-link: defaults → 201 with a connectUrl',
			'POST',
			'/social-media/connect-link',
			{},
			201,
			{ connectUrl: expect.stringMatching(/^https:\/\/app\.postfa\.st\/connect\?token=/) },
		],
		[
			'connect-link: empty platforms → 400 array',
			'POST',
			'/social-media/connect-link',
			{ platforms: [] },
			400,
			{ message: ['platforms should not be empty'] },
		],
		[
			'connect-link: externalId over 128 → 400 array',
			'POST',
			'/social-media/connect-link',
			{ externalId: 'a'.repeat(129) },
			400,
			{ message: ['externalId must be shorter than or equal to 128 characters'] },
		],
		[
			'connect-link: externalId with a space',
			'POST',
			'/social-media/connect-link',
			{ externalId: 'a b' },
			400,
			{ message: 'connectLink.externalIdInvalid' },
		],
		[
			'connect-link: http redirect off loopback',
			'POST',
			'/social-media/connect-link',
			{ redirectUrl: 'http://example.com/x' },
			400,
			{ message: 'connectLink.redirectUrlNotHttps' },
		],
		[
			'connect-link: sendEmail without email',
			'POST',
			'/social-media/connect-link',
			{ sendEmail: true },
			400,
			{ message: ['email must be an email'] },
		],
	])('%s', async (_n, method, path, body, status, expected) => {
		const resolved = path.startsWith('/')
			? path
			: `/social-media/${on(demo, path.split('/')[0])}/${path.split('/').slice(1).join('/')}`;
		const a = await call(pf, method, resolved, { body });
		expect(a.status, a.text).toBe(status);
		expect(a.body).toMatchObject(expected);
	});
});

describe('docs/postfast-api.md, Upload URLs: POST /file/get-signed-upload-urls', () => {
	const URLS = '/file/get-signed-upload-urls';
	it.each([
		[
			'vendor: 4 images → 200 (the vendor page says 200 OK) with 4 key/signedUrl pairs',
			'vendor',
			{ contentType: 'image/png', count: 4 },
			200,
			4,
		],
		[
			'vendor: 5 images → 400',
			'vendor',
			{ contentType: 'image/png', count: 5 },
			400,
			['count must not be greater than 4'],
		],
		[
			'vendor: a video needs count 1',
			'vendor',
			{ contentType: 'video/mp4', count: 2 },
			400,
			['count must be 1 for video/mp4 (one URL per video, document or caption file)'],
		],
		[
			'image/jpg is refused (the type is image/jpeg)',
			'vendor',
			{ contentType: 'image/jpg', count: 1 },
			400,
			[
				`contentType must be one of the following values: ${acceptedContentTypes('vendor').join(', ')}`,
			],
		],
		[
			'vendor: documents are not on the vendor page',
			'vendor',
			{ contentType: 'application/pdf', count: 1 },
			400,
			1,
		],
		[
			'count 0 → 400',
			'vendor',
			{ contentType: 'image/png', count: 0 },
			400,
			['count must not be less than 1'],
		],
		[
			'count missing → 400',
			'vendor',
			{ contentType: 'image/png' },
			400,
			['count must be an integer number'],
		],
		['current: 8 images → 201', 'current', { contentType: 'image/webp', count: 8 }, 201, 8],
		[
			'current: 9 images → 400',
			'current',
			{ contentType: 'image/webp', count: 9 },
			400,
			['count must not be greater than 8'],
		],
		[
			'current: a PDF → 201 with a file/ key',
			'current',
			{ contentType: 'application/pdf', count: 1 },
			201,
			1,
		],
		[
			'current: a caption file (.srt) → 201',
			'current',
			{ contentType: 'application/x-subrip', count: 1 },
			201,
			1,
		],
	])('%s', async (_n, profile, body, status, expected) => {
		const emu = profile === 'vendor' ? pf : await startPostFast({ profile: 'current' });
		try {
			const a = await call(emu, 'POST', URLS, { body });
			expect(a.status, a.text).toBe(status);
			if (status >= 400) {
				expect(a.body).toMatchObject({ error: 'Bad Request', statusCode: 400 });
				if (Array.isArray(expected)) expect(a.body.message).toEqual(expected);
			} else {
				expect(a.body).toHaveLength(expected as number);
				for (const u of a.body) expect(Object.keys(u).sort()).toEqual(['key', 'signedUrl']);
				if (body.contentType === 'application/pdf')
					expect(a.body[0].key).toMatch(/^file\/[0-9a-f-]{36}\.pdf$/);
			}
		} finally {
			if (emu !== pf) await emu.close();
		}
	});
});
