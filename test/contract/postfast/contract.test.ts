/**
 * The PostFast contract module itself (contract/postfast.ts): the facts the node and the daemon
 * read from it, checked against the spec's tables, and the client-side pre-checks.
 */
import { describe, expect, it } from 'vitest';

import {
	CONTROLS,
	MEDIA_TYPES,
	PLATFORMS,
	POSTFAST_AUTH_HEADER,
	POSTFAST_DEFAULT_BASE_URL,
	POSTFAST_ENDPOINTS,
	checkCreatePostsRequest,
	checkUploadUrlsRequest,
	controlsForPlatform,
	endpointOf,
	fileSizeCap,
	limitsFor,
	listPostsQueryString,
	maxUploadUrlsPerRequest,
	mediaTypeForContentType,
	pathOf,
	redactSignedUrl,
} from '../../../contract/postfast';

const MB = 1024 * 1024;

describe('docs/postfast-api.md, Transport and authentication: transport, (docs/postfast-api.md, Enumerations) enumerations', () => {
	it('base URL, auth header, 11 platforms, IMAGE|VIDEO', () => {
		expect([POSTFAST_DEFAULT_BASE_URL, POSTFAST_AUTH_HEADER]).toEqual([
			'https://api.postfa.st',
			'pf-api-key',
		]);
		expect(PLATFORMS).toHaveLength(11);
		expect(MEDIA_TYPES).toEqual(['IMAGE', 'VIDEO']);
	});
});

describe('docs/postfast-api.md, Endpoints: endpoints', () => {
	it.each([
		['uploadUrls', 'POST', '/file/get-signed-upload-urls', { vendor: 200, current: 201 }, true],
		[
			'listAccounts',
			'GET',
			'/social-media/my-social-accounts',
			{ vendor: 200, current: 200 },
			true,
		],
		['createPosts', 'POST', '/social-posts', { vendor: 201, current: 201 }, true],
		['deletePost', 'DELETE', '/social-posts/:id', { vendor: 200, current: 200 }, true],
		['bulkDelete', 'POST', '/social-posts/bulk-delete', { vendor: 200, current: 200 }, false],
		['listPosts', 'GET', '/social-posts', { vendor: 200, current: 200 }, false],
		['analytics', 'GET', '/social-posts/analytics', { vendor: 200, current: 200 }, false],
		['connectLink', 'POST', '/social-media/connect-link', { vendor: 201, current: 201 }, false],
		[
			'followerHistory',
			'GET',
			'/social-media/:id/follower-history',
			{ vendor: 200, current: 200 },
			false,
		],
	] as const)('%s: %s %s', (name, method, path, success, vendorPage) => {
		expect(POSTFAST_ENDPOINTS[name]).toEqual({
			method,
			path,
			key: `${method} ${path}`,
			successStatus: success,
			onVendorPage: vendorPage,
		});
	});

	it('pathOf fills and encodes; endpointOf maps a concrete request back (static paths win)', () => {
		expect(pathOf('deletePost', { id: 'a/b' })).toBe('/social-posts/a%2Fb');
		expect(() => pathOf('deletePost')).toThrow(/needs the parameter "id"/);
		expect(endpointOf('GET', '/social-posts/analytics?startDate=x')).toBe('analytics');
		expect(endpointOf('DELETE', '/social-posts/0b6f')).toBe('deletePost');
		expect(endpointOf('GET', '/nope')).toBeUndefined();
	});

	it('listPostsQueryString joins lists as CSV and drops empty ones', () => {
		expect(
			listPostsQueryString({
				page: 0,
				limit: 50,
				ids: ['a', 'b'],
				platforms: [],
				from: '2026-01-01T00:00:00Z',
			}),
		).toBe('?page=0&limit=50&ids=a%2Cb&from=2026-01-01T00%3A00%3A00Z');
		expect(listPostsQueryString()).toBe('');
	});
});

describe('docs/postfast-api.md, Upload URLs: media rules', () => {
	it.each([
		['image/png', 'vendor', 4, 'IMAGE', 100 * MB],
		['image/png', 'current', 8, 'IMAGE', 10 * MB],
		['video/mp4', 'vendor', 1, 'VIDEO', 100 * MB],
		['video/mp4', 'current', 1, 'VIDEO', 250 * MB],
		['application/pdf', 'current', 1, undefined, 60 * MB],
		['text/vtt', 'current', 1, undefined, 10 * MB],
	] as const)(
		'%s on %s: %i per request, media type %s, cap %i',
		(contentType, profile, perRequest, mediaType, cap) => {
			expect(maxUploadUrlsPerRequest(contentType, profile)).toBe(perRequest);
			expect(mediaTypeForContentType(contentType)).toBe(mediaType);
			expect(fileSizeCap(contentType, profile)).toBe(cap);
		},
	);

	it('per-platform video caps (current): Bluesky 100 MB, Telegram 50 MB', () => {
		expect(fileSizeCap('video/mp4', 'current', 'BLUESKY')).toBe(100 * MB);
		expect(fileSizeCap('video/mp4', 'current', 'TELEGRAM')).toBe(50 * MB);
	});

	it('checkUploadUrlsRequest refuses image/jpg and counts over the profile maximum', () => {
		expect(checkUploadUrlsRequest({ contentType: 'image/jpg', count: 1 })[0].path).toBe(
			'contentType',
		);
		expect(checkUploadUrlsRequest({ contentType: 'image/png', count: 5 }, 'vendor')).toHaveLength(
			1,
		);
		expect(checkUploadUrlsRequest({ contentType: 'image/png', count: 5 }, 'current')).toEqual([]);
	});
});

describe('docs/postfast-api.md, Limits by profile: limits', () => {
	it('an endpoint override replaces only its window', () => {
		expect(limitsFor('POST /social-posts', 'current')).toEqual({
			short: 180,
			medium: 180,
			long: 360,
			daily: 420,
		});
		expect(limitsFor('GET /social-posts', 'vendor')).toEqual({
			short: 60,
			medium: 150,
			long: 300,
			daily: 1000,
		});
	});
});

describe('docs/postfast-api.md, Creating posts: controls catalogue and pre-checks', () => {
	it('every control belongs to a known platform; names are unique; enums list their values', () => {
		const names = CONTROLS.map((c) => c.name);
		expect(new Set(names).size).toBe(names.length);
		for (const c of CONTROLS) {
			expect(PLATFORMS).toContain(c.platform);
			if (c.type === 'enum') expect(c.values?.length).toBeGreaterThan(1);
		}
		expect(controlsForPlatform('BLUESKY')).toEqual([]);
		expect(controlsForPlatform('TELEGRAM')).toEqual([]);
		expect(
			controlsForPlatform('GOOGLE_BUSINESS_PROFILE').find((c) => c.requiredForPlatform)?.name,
		).toBe('gbpLocationId');
	});

	const now = Date.parse('2026-06-01T00:00:00Z');
	const acct = '6a87b56e-ba73-4696-a415-3d524f1a92f8';
	it.each([
		[
			'a good request',
			{ posts: [{ content: 'x', socialMediaId: acct, scheduledAt: '2026-06-02T00:00:00Z' }] },
			[],
		],
		[
			'status nested in a post',
			{ posts: [{ content: 'x', socialMediaId: acct, status: 'DRAFT' }] },
			['All posts must have scheduledAt when status is not present, as default is SCHEDULED'],
		],
		[
			'16 posts',
			{
				posts: Array.from({ length: 16 }, () => ({
					content: 'x',
					socialMediaId: acct,
					scheduledAt: '2026-06-02T00:00:00Z',
				})),
			},
			['posts must contain no more than 15 elements'],
		],
		[
			'a past time',
			{ posts: [{ content: 'x', socialMediaId: acct, scheduledAt: '2026-05-01T00:00:00Z' }] },
			['posts.0.scheduledAt must be in the future'],
		],
		[
			'Threads topic tag with &',
			{
				posts: [{ content: 'x', socialMediaId: acct, scheduledAt: '2026-06-02T00:00:00Z' }],
				controls: { threadsTopicTag: 'a&b' },
			},
			['threadsTopicTag must be 1–50 characters without "." or "&"'],
		],
	])('checkCreatePostsRequest: %s', (_n, body, messages) => {
		expect(
			checkCreatePostsRequest(body, { now, platformOf: () => 'THREADS' }).map((i) => i.message),
		).toEqual(messages);
	});
});

describe('docs/postfast-api.md, Client traps: secrets', () => {
	it('redactSignedUrl masks the signature and credential, keeps the rest readable', () => {
		const url =
			'https://b.s3.eu-central-1.amazonaws.com/image/a.png?X-Amz-Credential=AKIA%2F20261123&X-Amz-Date=20261123T000000Z&X-Amz-Signature=abc123';
		expect(redactSignedUrl(url)).toBe(
			'https://b.s3.eu-central-1.amazonaws.com/image/a.png?X-Amz-Credential=***&X-Amz-Date=20261123T000000Z&X-Amz-Signature=***',
		);
	});
});
