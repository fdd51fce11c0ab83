/**
 * The limiter driven by the PostSider emulator's virtual clock over a simulated day: real HTTP calls
 * through the daemon's client, the emulator's two limiters (API_LIMIT=60) as the judge.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { startPostSider } from '../../../emulators/src/index';
import { PostSiderClient } from '../../src/api/postsider';
import { Budgets, observationOf, postsiderLimits } from '../../src/budget';
import { postsiderSequence } from './sequences';

const DAY = 86_400_000;

describe('PostSider, API_LIMIT=60 for both limiters, 24 virtual hours', () => {
	it('text-only creates: 60 an hour → ≥ 95% of 1,440, 0 × 429', async () => {
		const ps = await startPostSider({ apiLimit: 60 });
		try {
			const now = () => ps.clock.now();
			const c = new PostSiderClient({ baseUrl: ps.baseUrl, apiKey: ps.apiKey, now });
			const budgets = new Budgets(new Database(':memory:'), {
				now,
				limits: postsiderLimits({ apiLimit: 60 }),
			});
			const channels = await c.listIntegrations();
			budgets.recordUnreserved(
				'ps',
				{ service: 'postsider', endpoint: 'GET /integrations' },
				observationOf(channels),
			);
			if (!channels.ok) throw new Error(channels.error.message);
			const channel = channels.value.find((i) => i.identifier === 'threads' && !i.disabled)!;
			const end = now() + DAY;
			let posts = 0;
			for (;;) {
				const r = budgets.reserve('ps', postsiderSequence({ files: 0 }));
				if (!r.ok) {
					if (r.notBefore >= end) break;
					ps.clock.set(r.notBefore);
					continue;
				}
				const created = await c.createPosts(
					{
						type: 'schedule',
						date: new Date(now() + 2 * DAY).toISOString(),
						shortLink: false,
						tags: [],
						posts: [
							{
								integration: { id: channel.id },
								value: [{ content: `post ${posts}`, image: [] }],
								settings: {},
							},
						],
					},
					{ idempotencyKey: `soak-${posts}` },
				);
				budgets.record(r.reservation, 0, observationOf(created));
				if (!created.ok) throw new Error(created.error.message);
				posts++;
			}
			if (process.env.POSTSPOOL_FIGURES)
				console.info(JSON.stringify({ service: 'postsider', posts, requests: ps.requests.length }));
			expect(ps.requests.filter((q) => q.status === 429)).toHaveLength(0);
			expect(posts).toBeGreaterThanOrEqual(0.95 * 1440);
		} finally {
			await ps.close();
		}
	}, 180_000);
});
