/**
 * The pure helpers of `contract/postsider` that the node and the daemon call before sending:
 * base URL joining, auth header, paths, find-slot dates, limits, upload pre-checks, provider table.
 */
import { describe, expect, it } from 'vitest';

import {
	checkLength,
	defaultSettings,
	findSlotToIso,
	hasPostableExtension,
	imageSize,
	isValidIdempotencyKey,
	POSTSIDER_ENDPOINTS,
	postsiderApiBase,
	postsiderAuthHeaders,
	postsiderLimits,
	postsiderPath,
	precheckUpload,
	PROVIDER_RULES,
	SUPPORTED_PROVIDERS,
	validateProviderSettings,
} from '../../../contract/postsider';
import { FILES } from './helpers';

describe('base URL and auth (docs/postsider-api.md, Base URL and routing; Authentication)', () => {
	it.each([
		['', 'https://api.postsider.com/public/v1'],
		['https://api.postsider.com', 'https://api.postsider.com/public/v1'],
		['https://social.example.com/api/', 'https://social.example.com/api/public/v1'],
		['https://social.example.com/api/public/v1', 'https://social.example.com/api/public/v1'],
		['http://127.0.0.1:4010/public/v1/', 'http://127.0.0.1:4010/public/v1'],
	])('%j → %s', (input, expected) => {
		expect(postsiderApiBase(input)).toBe(expected);
	});

	it('the raw key goes in Authorization; a Bearer prefix is refused with the fix', () => {
		expect(postsiderAuthHeaders(' abc ')).toEqual({ Authorization: 'abc' });
		expect(() => postsiderAuthHeaders('Bearer abc')).toThrow(/remove the "Bearer " prefix/);
	});
});

describe('paths, find-slot, limits, idempotency keys', () => {
	it('fills and encodes path parameters; a missing one names the endpoint', () => {
		expect(postsiderPath('deleteGroup', { group: 'a b/c' })).toBe('/posts/group/a%20b%2Fc');
		expect(() => postsiderPath('getPost')).toThrow(/getPost: the path needs "id"/);
	});

	it('every mutating endpoint has its own hourly throttler bucket, GETs none', () => {
		const buckets = Object.values(POSTSIDER_ENDPOINTS)
			.filter((d) => d.method !== 'GET')
			.map((d) => ('throttlerBucket' in d ? d.throttlerBucket : undefined));
		expect(buckets.every(Boolean)).toBe(true);
		expect(new Set(buckets).size).toBe(buckets.length);
		expect(
			Object.values(POSTSIDER_ENDPOINTS).some((d) => d.method === 'GET' && 'throttlerBucket' in d),
		).toBe(false);
	});

	it('find-slot values get a Z; values with a zone are kept', () => {
		expect(findSlotToIso('2026-10-03T06:40:00')).toBe('2026-10-03T06:40:00Z');
		expect(findSlotToIso('2026-10-03T06:40:00Z')).toBe('2026-10-03T06:40:00Z');
	});

	it('both limiters read API_LIMIT by default', () => {
		expect(postsiderLimits()).toEqual({ perMinute: 60, perHourPerHandler: 60 });
		expect(postsiderLimits(100, 9999)).toEqual({ perMinute: 100, perHourPerHandler: 9999 });
	});

	it('Idempotency-Key pattern ^[A-Za-z0-9._:-]{1,255}$', () => {
		expect(isValidIdempotencyKey('n8n:exec-1:item.0_x')).toBe(true);
		expect(isValidIdempotencyKey('')).toBe(false);
		expect(isValidIdempotencyKey('a b')).toBe(false);
		expect(isValidIdempotencyKey('a'.repeat(256))).toBe(false);
	});
});

describe('uploads (docs/postsider-api.md, Uploads)', () => {
	it('pre-checks a file as the server would', () => {
		expect(precheckUpload(FILES.png(), 100)).toMatchObject({
			ok: true,
			type: { ext: 'png', kind: 'image' },
			postable: true,
		});
		expect(precheckUpload(FILES.mov(), 100)).toMatchObject({
			ok: true,
			type: { ext: 'mov' },
			postable: false,
		});
		expect(precheckUpload(FILES.text(), 100)).toEqual({
			ok: false,
			message: expect.stringMatching(/^Unsupported file type/),
		});
		expect(precheckUpload(FILES.pngWithScript(), 100)).toEqual({
			ok: false,
			message: 'File contains potentially dangerous content.',
		});
		expect(precheckUpload(FILES.png(), 10 * 1024 * 1024 + 1)).toEqual({
			ok: false,
			message: 'File too large. Max: 10MB for image.',
		});
	});

	it('postable extensions are case-sensitive and checked before "?"', () => {
		expect(hasPostableExtension('https://x/a.jpg?w=1')).toBe(true);
		expect(hasPostableExtension('https://x/a.JPG')).toBe(false);
		expect(hasPostableExtension('https://x/a.webm')).toBe(false);
	});
});

describe('provider table (docs/postsider-api.md, Per-platform rules)', () => {
	it('covers the ten providers; default settings pass each settings DTO', () => {
		expect([...SUPPORTED_PROVIDERS].sort()).toEqual(Object.keys(PROVIDER_RULES).sort());
		for (const provider of SUPPORTED_PROVIDERS) {
			const settings = {
				...defaultSettings(provider),
				...(provider === 'youtube'
					? { title: 'A title' }
					: provider === 'pinterest'
						? { board: 'b1' }
						: {}),
			};
			expect(validateProviderSettings(provider, settings), provider).toEqual([]);
		}
	});

	it('lengths: X takes the larger of weighted (URLs 23) and raw length, others count UTF-16 units', () => {
		expect(checkLength('x', 'see https://example.com/a/very/long/path/indeed')).toMatchObject({
			length: 47,
			ok: true,
		});
		expect(checkLength('x', 'see example.com 😀😀')).toMatchObject({ length: 32 });
		expect(checkLength('x', 'a'.repeat(300), true)).toMatchObject({ max: 4000, ok: true });
		expect(checkLength('bluesky', `<p>${'b'.repeat(300)}</p>`)).toMatchObject({
			length: 300,
			ok: true,
		});
	});
});

describe('imageSize', () => {
	it('reads PNG, GIF and JPEG headers', () => {
		const png = FILES.png();
		png.writeUInt32BE(640, 16);
		png.writeUInt32BE(480, 20);
		expect(imageSize(png)).toEqual({ width: 640, height: 480 });
		const gif = FILES.gif();
		gif.writeUInt16LE(32, 6);
		gif.writeUInt16LE(16, 8);
		expect(imageSize(gif)).toEqual({ width: 32, height: 16 });
		// SOI, an APP0 segment of 16 bytes, then SOF0 with height 100 and width 200.
		const jpeg = Buffer.from([
			0xff,
			0xd8,
			0xff,
			0xe0,
			0,
			16,
			...Array(14).fill(0),
			0xff,
			0xc0,
			0,
			17,
			8,
			0,
			100,
			0,
			200,
			3,
			0,
			0,
			0,
		]);
		expect(imageSize(jpeg)).toEqual({ width: 200, height: 100 });
		expect(imageSize(FILES.text())).toBeUndefined();
	});
});
