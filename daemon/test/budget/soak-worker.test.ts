/**
 * The whole daemon pipeline (intake, budgets, worker, API clients over HTTP) over a virtual day
 * against the PostFast emulator, its throttler the judge: batching fills creates and upload-URL
 * requests, and a second client spending 20% of the key never meets a 429 either. (The benchmark
 * runs every post kind on both services; these are the cases the batching logic turns on.)
 */
import { describe, expect, it } from 'vitest';
import * as emulators from '../../../emulators/src/index';
import { soak, theoretical } from '../../../bench/lib/soak';

describe('PostFast through the real worker, 24 virtual hours, vendor-page limits', () => {
	it.each([
		['text', 0.2],
		['image', 0.2],
		['4-images', 0],
		['4-images', 0.2],
	] as const)(
		'%s posts, second client %s: ≥ 95% of what the limits leave, 0 × 429 on either side',
		async (kind, share) => {
			const r = await soak(emulators, 'postfast', kind, { hours: 24, secondShare: share });
			const available = theoretical('postfast', kind).max * (1 - share);
			expect(r.daemonPosts).toBeGreaterThanOrEqual(Math.ceil(available * 0.95));
			expect(r.daemonPosts).toBeLessThanOrEqual(available);
			expect(r.daemon429).toBe(0);
			expect(r.second429).toBe(0);
		},
		120_000,
	);
});

describe('PostSider through the real worker, 24 virtual hours, API_LIMIT=60', () => {
	it('text posts while a second client spends 20% of the key: ≥ 95% of the rest; the hourly throttler, which reports nothing, costs one 429 to learn our share', async () => {
		const r = await soak(emulators, 'postsider', 'text', { hours: 24, secondShare: 0.2 });
		const available = theoretical('postsider', 'text').max * 0.8;
		expect(r.daemonPosts).toBeGreaterThanOrEqual(Math.ceil(available * 0.95));
		expect(r.daemon429).toBeLessThanOrEqual(1);
	}, 120_000);
});
