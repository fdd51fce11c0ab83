/**
 * The limiter driven by the PostFast emulator's virtual clock over a simulated day: real HTTP calls through
 * the daemon's clients, the emulators' own throttlers as the judge. Zero 429s, nearly the whole
 * published budget, also while a second client spends 20% of the same key.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostFast } from '../../../emulators/src/index';
import { PostFastClient, type SocialAccount } from '../../src/api/postfast';
import { Budgets, observationOf, postfastLimits } from '../../src/budget';
import { alignedPrefix, batchUploadUrlRequests } from '../../src/pipeline/batch-rule';
import { postfastSequence } from './sequences';
import { rng } from './throttler-model';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let dir: string;
beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'postspool-soak-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tinyPng(name: string): string {
	const path = join(dir, name);
	const buf = Buffer.alloc(2048, 0x42);
	Buffer.from([
		0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
	]).copy(buf);
	writeFileSync(path, buf);
	return path;
}

describe('PostFast, 24 virtual hours (vendor-page limits unless named)', () => {
	async function run(opts: {
		imagesPerPost: number;
		secondClientCreates: number;
		seed: number;
		profile?: 'vendor' | 'current';
	}) {
		const pf = await startPostFast({ profile: opts.profile ?? 'vendor' });
		try {
			const now = () => pf.clock.now();
			const ours = new PostFastClient({ baseUrl: pf.baseUrl, apiKey: pf.apiKey, now });
			const theirs = new PostFastClient({ baseUrl: pf.baseUrl, apiKey: pf.apiKey, now });
			const listed = await ours.listAccounts();
			if (!listed.ok) throw new Error(listed.error.message);
			const fb = listed.value.find(
				(a: SocialAccount) => a.platform === 'FACEBOOK' && a.connectionStatus !== 'DISABLED',
			)!;
			const budgets = new Budgets(new Database(':memory:'), {
				now,
				// Under `current` the fair-use caps (Facebook 25 a day per account) would bind first with
				// one demo account; this soak measures the API windows, the caps have their own tests.
				limits: postfastLimits({
					profile: opts.profile ?? 'vendor',
					...(opts.profile === 'current' ? { accountDailyCaps: {} } : {}),
				}),
			});
			// The account listing above was a call too.
			budgets.recordUnreserved(
				'pf',
				{ service: 'postfast', endpoint: 'GET /social-media/my-social-accounts' },
				observationOf(listed),
			);
			const start = now();
			const end = start + DAY;
			const rand = rng(opts.seed);
			const external = Array.from(
				{ length: opts.secondClientCreates },
				() => start + rand() * DAY,
			).sort((a, b) => a - b);
			const image = opts.imagesPerPost > 0 ? tinyPng('img.png') : '';
			let posts = 0;
			const fireExternalUntil = async (t: number) => {
				while (external.length > 0 && external[0] <= t) {
					pf.clock.set(Math.max(now(), external.shift()!));
					await theirs.createPosts({
						posts: [
							{
								content: 'from the other client',
								socialMediaId: fb.id,
								scheduledAt: new Date(now() + 2 * DAY).toISOString(),
							},
						],
					});
				}
			};
			for (;;) {
				const postsPerCreate = alignedPrefix(Array(15).fill(opts.imagesPerPost), 4);
				const media = Array.from(
					{ length: postsPerCreate * opts.imagesPerPost },
					() => 'image/png',
				);
				const calls = postfastSequence({
					media,
					imagesPerRequest: 4,
					posts: Array.from({ length: postsPerCreate }, () => ({
						accountId: fb.id,
						platform: 'FACEBOOK',
					})),
				});
				const r = budgets.reserve('pf', calls);
				if (!r.ok) {
					if (r.notBefore >= end) break;
					await fireExternalUntil(r.notBefore);
					if (now() < r.notBefore) pf.clock.set(r.notBefore);
					continue;
				}
				await fireExternalUntil(now());
				const keys: string[] = [];
				const urlBatches = batchUploadUrlRequests(
					media.map((contentType) => ({ contentType })),
					4,
				);
				for (const [i, batch] of urlBatches.entries()) {
					const urls = await ours.getUploadUrls(batch.contentType, batch.items.length);
					budgets.record(r.reservation, i, observationOf(urls));
					if (!urls.ok) throw new Error(urls.error.message);
					for (const u of urls.value) {
						const put = await ours.putToS3(u.signedUrl, image, 'image/png');
						if (!put.ok) throw new Error(put.error.message);
						keys.push(u.key);
					}
				}
				const created = await ours.createPosts({
					posts: Array.from({ length: postsPerCreate }, (_, p) => ({
						content: `post ${posts + p}`,
						socialMediaId: fb.id,
						scheduledAt: new Date(now() + 2 * DAY).toISOString(),
						mediaItems: keys
							.slice(p * opts.imagesPerPost, (p + 1) * opts.imagesPerPost)
							.map((key, sortOrder) => ({ key, type: 'IMAGE' as const, sortOrder })),
					})),
				});
				budgets.record(r.reservation, calls.length - 1, observationOf(created));
				if (!created.ok) throw new Error(created.error.message);
				posts += postsPerCreate;
			}
			await fireExternalUntil(end);
			const rejected = pf.requests.filter((q) => q.status === 429).length;
			if (process.env.POSTSPOOL_FIGURES)
				console.info(JSON.stringify({ ...opts, posts, rejected, requests: pf.requests.length }));
			return { posts, rejected };
		} finally {
			await pf.close();
		}
	}

	it('text-only: 15 posts per create, 75 creates a day → ≥ 95% of 1,125 posts, 0 × 429', async () => {
		const r = await run({ imagesPerPost: 0, secondClientCreates: 0, seed: 1 });
		expect(r.rejected).toBe(0);
		expect(r.posts).toBeGreaterThanOrEqual(0.95 * 1125);
	}, 120_000);

	it('single image: 12 posts per create so images fill 4-URL requests, 150 requests a day → ≥ 95% of 600 posts, 0 × 429', async () => {
		const r = await run({ imagesPerPost: 1, secondClientCreates: 0, seed: 2 });
		expect(r.rejected).toBe(0);
		expect(r.posts).toBeGreaterThanOrEqual(0.95 * 600);
	}, 180_000);

	it('a second client spends 20% of the create budget: 0 × 429 for either, ≥ 95% of the rest', async () => {
		const r = await run({ imagesPerPost: 0, secondClientCreates: 15, seed: 3 });
		expect(r.rejected).toBe(0);
		expect(r.posts).toBeGreaterThanOrEqual(0.95 * 60 * 15);
	}, 120_000);

	it('current profile: 420 creates a day → ≥ 95% of 6,300 text posts, 0 × 429', async () => {
		const r = await run({ imagesPerPost: 0, secondClientCreates: 0, seed: 4, profile: 'current' });
		expect(r.rejected).toBe(0);
		expect(r.posts).toBeGreaterThanOrEqual(0.95 * 420 * 15);
	}, 120_000);
});
