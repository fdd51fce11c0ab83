/**
 * What the limiter learns from the real emulators: a server limit lower than the table, another
 * client on the key, and a 429 that freezes the key until its Retry-After.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { startPostFast, startPostSider } from '../../../emulators/src/index';
import { PostFastClient } from '../../src/api/postfast';
import { PostSiderClient } from '../../src/api/postsider';
import {
	Budgets,
	type CallSpec,
	observationOf,
	postfastLimits,
	postsiderLimits,
} from '../../src/budget';

const CREATE: CallSpec = { service: 'postfast', endpoint: 'POST /social-posts' };
const DAY = 86_400_000;

async function firstAccount(c: PostFastClient): Promise<string> {
	const r = await c.listAccounts();
	if (!r.ok) throw new Error(r.error.message);
	return r.value.find((a) => a.platform === 'FACEBOOK' && a.connectionStatus !== 'DISABLED')!.id;
}

describe('PostFast: learning and freezing', () => {
	it('a server whose daily create limit is lower than the table is learned from its headers: 0 × 429', async () => {
		const pf = await startPostFast({
			limits: { endpoints: { 'POST /social-posts': { daily: 5 } } },
		});
		try {
			const now = () => pf.clock.now();
			const c = new PostFastClient({ baseUrl: pf.baseUrl, apiKey: pf.apiKey, now });
			const account = await firstAccount(c);
			const budgets = new Budgets(new Database(':memory:'), {
				now,
				limits: postfastLimits(),
				pacing: false,
			});
			let sent = 0;
			for (let i = 0; i < 10; i++) {
				const r = budgets.reserve('k', [CREATE]);
				if (!r.ok) {
					expect(r.gating).toContain('POST /social-posts daily');
					expect(r.notBefore).toBeGreaterThanOrEqual(now() + DAY - 60_000);
					break;
				}
				const res = await c.createPosts({
					posts: [
						{
							content: `p${i}`,
							socialMediaId: account,
							scheduledAt: new Date(now() + DAY).toISOString(),
						},
					],
				});
				budgets.record(r.reservation, 0, observationOf(res));
				sent++;
				pf.clock.advance(10_000);
			}
			expect(sent).toBe(5);
			expect(pf.requests.filter((q) => q.status === 429)).toHaveLength(0);
			const daily = budgets
				.status('k', 'postfast')
				.find((s) => s.rule === 'postfast:daily:POST /social-posts');
			expect(daily).toMatchObject({ effectiveLimit: 5, used: 5, remaining: 0 });
		} finally {
			await pf.close();
		}
	});

	it('another client empties the window: our next call gets the 429, the key freezes until Retry-After-daily, then works again', async () => {
		const pf = await startPostFast({
			limits: { endpoints: { 'POST /social-posts': { daily: 3 } } },
		});
		try {
			const now = () => pf.clock.now();
			const ours = new PostFastClient({ baseUrl: pf.baseUrl, apiKey: pf.apiKey, now });
			const theirs = new PostFastClient({ baseUrl: pf.baseUrl, apiKey: pf.apiKey, now });
			const account = await firstAccount(ours);
			const post = (n: string) => ({
				posts: [
					{
						content: n,
						socialMediaId: account,
						scheduledAt: new Date(now() + 2 * DAY).toISOString(),
					},
				],
			});
			// Our table says 3 a day; the other client spends all 3 before we send anything.
			const budgets = new Budgets(new Database(':memory:'), {
				now,
				limits: postfastLimits({ profile: 'vendor' }),
				limitsForKey: () => {
					const t = postfastLimits();
					return {
						...t,
						rules: t.rules.map((r) =>
							r.id === 'postfast:daily:POST /social-posts' ? { ...r, limit: 3 } : r,
						),
					};
				},
				pacing: false,
			});
			for (let i = 0; i < 3; i++)
				expect((await theirs.createPosts(post(`theirs ${i}`))).ok).toBe(true);
			const r = budgets.reserve('k', [CREATE]);
			if (!r.ok) throw new Error('our log is empty: the reservation must succeed');
			const refused = await ours.createPosts(post('ours'));
			expect(refused.ok).toBe(false);
			budgets.record(r.reservation, 0, observationOf(refused));
			if (refused.ok) return;
			expect(refused.error).toMatchObject({ status: 429, rateLimitWindows: ['daily'] });
			const retryMs = refused.error.retryAfterMs!;
			expect(retryMs).toBeGreaterThan(DAY - 60_000);

			// Frozen: every endpoint of the key waits, so blocked calls do not extend the block.
			const list = budgets.reserve('k', [{ service: 'postfast', endpoint: 'GET /social-posts' }]);
			expect(list).toMatchObject({
				ok: false,
				reason: 'frozen',
				notBefore: now() + retryMs + 1_000,
			});
			pf.clock.set(now() + retryMs + 1_000);
			const again = budgets.reserve('k', [CREATE]);
			if (!again.ok) throw new Error(`after the freeze the create must fit: ${again.gating}`);
			const ok = await ours.createPosts(post('ours, later'));
			budgets.record(again.reservation, 0, observationOf(ok));
			expect(ok.ok).toBe(true);
			expect(pf.requests.filter((q) => q.status === 429)).toHaveLength(1);
		} finally {
			await pf.close();
		}
	});
});

describe('PostSider: the per-minute limiter shared with another client', () => {
	it('remaining lower than ours becomes phantom hits; a 429 freezes until Retry-After', async () => {
		const ps = await startPostSider({ apiLimit: 10 });
		try {
			const now = () => ps.clock.now();
			const ours = new PostSiderClient({ baseUrl: ps.baseUrl, apiKey: ps.apiKey, now });
			const theirs = new PostSiderClient({ baseUrl: ps.baseUrl, apiKey: ps.apiKey, now });
			const budgets = new Budgets(new Database(':memory:'), {
				now,
				limits: postsiderLimits({ apiLimit: 10 }),
			});
			const list: CallSpec = { service: 'postsider', endpoint: 'GET /integrations' };
			for (let i = 0; i < 6; i++) await theirs.listIntegrations();
			const r = budgets.reserve('k', [list]);
			if (!r.ok) throw new Error('expected a reservation');
			budgets.record(r.reservation, 0, observationOf(await ours.listIntegrations()));
			const minute = budgets.status('k', 'postsider').find((s) => s.rule === 'postsider:minute')!;
			expect(minute).toMatchObject({ used: 7, external: 6 });
			// Keep going: the limiter stops before the server's 10th call in the window.
			let sent = 1;
			for (;;) {
				const next = budgets.reserve('k', [list]);
				if (!next.ok) break;
				budgets.record(next.reservation, 0, observationOf(await ours.listIntegrations()));
				sent++;
			}
			expect(ps.requests.filter((q) => q.status === 429)).toHaveLength(0);
			expect(sent).toBeLessThanOrEqual(3);

			// The other client trips the limiter; our next call, sent blind, gets the 429 and freezes.
			for (let i = 0; i < 3; i++) await theirs.listIntegrations();
			const blind = await ours.listIntegrations();
			expect(blind.ok).toBe(false);
			budgets.recordUnreserved('k', list, observationOf(blind));
			const frozen = budgets.frozenUntil('k');
			expect(frozen?.until).toBeGreaterThan(now());
			expect(budgets.reserve('k', [list])).toMatchObject({ ok: false, reason: 'frozen' });
		} finally {
			await ps.close();
		}
	});
});

describe('restarts', () => {
	it('three crashes in a virtual day, each with a create in flight: 0 × 429 and ≥ 95% of the daily creates', async () => {
		const pf = await startPostFast();
		const dir = mkdtempSync(join(tmpdir(), 'postspool-budgets-'));
		try {
			const now = () => pf.clock.now();
			const c = new PostFastClient({ baseUrl: pf.baseUrl, apiKey: pf.apiKey, now });
			const account = await firstAccount(c);
			const file = join(dir, 'state.db');
			let db = new Database(file);
			const open = () => {
				db.close();
				db = new Database(file);
				return new Budgets(db, { now, limits: postfastLimits() });
			};
			let budgets = new Budgets(db, { now, limits: postfastLimits() });
			const start = now();
			const crashes = [6, 12, 18].map((h) => start + h * 3_600_000);
			let creates = 0;
			for (;;) {
				const r = budgets.reserve('k', [CREATE]);
				if (!r.ok) {
					if (r.notBefore >= start + DAY) break;
					pf.clock.set(r.notBefore);
					continue;
				}
				const res = await c.createPosts({
					posts: [
						{
							content: `p${creates}`,
							socialMediaId: account,
							scheduledAt: new Date(now() + DAY).toISOString(),
						},
					],
				});
				if (!res.ok) throw new Error(res.error.message);
				creates++;
				if (crashes.length > 0 && now() >= crashes[0]) {
					// The answer arrived but the process died before recording it.
					crashes.shift();
					pf.clock.advance(5_000);
					budgets = open();
					continue;
				}
				budgets.record(r.reservation, 0, observationOf(res));
			}
			expect(crashes).toHaveLength(0);
			expect(pf.requests.filter((q) => q.status === 429)).toHaveLength(0);
			expect(creates).toBeGreaterThanOrEqual(Math.floor(0.95 * 75));
			db.close();
		} finally {
			await pf.close();
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
