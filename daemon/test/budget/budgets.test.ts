import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { POSTFAST_ENDPOINTS } from '../../src/api/postfast';
import { POSTSIDER_ENDPOINTS } from '../../src/api/postsider';
import {
	Budgets,
	type BudgetsOptions,
	type CallSpec,
	POSTFAST_PROFILES,
	POSTFAST_WINDOWS,
	type PostFastWindow,
	planBacklog,
	postfastLimits,
	postsiderLimits,
} from '../../src/budget';
import { simulate } from './simulate';
import { type ModelKind, type ModelWindow, ThrottlerModel, rng } from './throttler-model';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 10, 23, 0, 0, 0);

function setup(opts: Partial<BudgetsOptions> = {}, db = new Database(':memory:')) {
	const clock = { t: T0 };
	const budgets = new Budgets(db, { now: () => clock.t, limits: postfastLimits(), ...opts });
	return { db, clock, budgets };
}

/** The vendor-page throttler of PostFast, per endpoint (docs/postfast-api.md, Limits by profile). */
function vendorWindows(endpoint: string): ModelWindow[] {
	const p = POSTFAST_PROFILES.vendor;
	return (Object.keys(p.defaults) as PostFastWindow[]).map((name) => ({
		name,
		limit: p.endpoints[endpoint]?.[name] ?? p.defaults[name],
		windowMs: POSTFAST_WINDOWS[name],
	}));
}

const pf = (endpoint: string, accounts?: CallSpec['accounts']): CallSpec => ({
	service: 'postfast',
	endpoint,
	...(accounts ? { accounts } : {}),
});

describe('the sliding log never trips the server (docs/daemon.md, Receive-anchoring)', () => {
	for (const kind of ['fixed', 'sliding'] as ModelKind[]) {
		for (const jitterMs of [200, 10_000]) {
			it(`1,000 calls under 60/150/300/1000, ${kind} server windows, jitter ${jitterMs} ms: 0 rejections, ≤ 3.2 h`, () => {
				// Without tail pacing, which deliberately trades this burst speed for room for a second client.
				const { clock, budgets } = setup({ pacing: false });
				const server = new ThrottlerModel(kind, vendorWindows);
				const r = simulate({
					budgets,
					clock,
					server,
					keyId: 'k',
					jobs: 1000,
					callsFor: () => [pf(POSTFAST_ENDPOINTS.listPosts)],
					jitterMs,
					rand: rng(jitterMs),
				});
				expect(r.done).toBe(1000);
				expect(server.rejections).toBe(0);
				// Theoretical: 300 per hour → the 1,000th call goes just after 3 h.
				expect((r.finishedAt - T0) / HOUR).toBeLessThan(3.2);
				expect((r.finishedAt - T0) / HOUR).toBeGreaterThan(3);
			});
		}
	}

	it('sending at the limit with send-time anchoring WOULD trip the fixed-window server (the test can fail)', () => {
		const server = new ThrottlerModel('fixed', () => [
			{ name: 'short', limit: 5, windowMs: 60_000 },
		]);
		// Send 5 at t=0 (arrive at 0.9 s), then 5 at 60 s, the moment a send-anchored log frees up.
		for (let i = 0; i < 5; i++) server.hit('E', 900);
		for (let i = 0; i < 5; i++) server.hit('E', 60_000 + 100);
		expect(server.rejections).toBe(5);
	});
});

describe('reservations', () => {
	it('a multi-call sequence reserves every window or nothing: upload URLs are never spent without a create slot', () => {
		const { clock, budgets } = setup({ pacing: false });
		for (let i = 0; i < 75; i++) {
			const r = budgets.reserve('k', [pf(POSTFAST_ENDPOINTS.createPosts)]);
			expect(r.ok).toBe(true);
			if (r.ok) budgets.record(r.reservation, 0, { receivedAt: clock.t, status: 201, headers: {} });
			clock.t += 61_000;
		}
		const seq = [pf(POSTFAST_ENDPOINTS.uploadUrls), pf(POSTFAST_ENDPOINTS.createPosts)];
		const r = budgets.reserve('k', seq);
		expect(r.ok).toBe(false);
		if (!r.ok) {
			expect(r.gating).toContain('POST /social-posts daily');
			// The first create answered at T0, so its slot is back 24 h later.
			expect(r.notBefore).toBe(T0 + DAY);
		}
		const uploads = budgets
			.status('k', 'postfast')
			.find((s) => s.bucket === `postfast:daily:${POSTFAST_ENDPOINTS.uploadUrls}`);
		expect(uploads?.used).toBe(0);
		expect(uploads?.inFlight).toBe(0);
	});

	it('in-flight calls hold their slots until answered, and release gives unsent ones back', () => {
		const { budgets } = setup({ limits: postsiderLimits({ apiLimit: 3 }) });
		const ps: CallSpec = { service: 'postsider', endpoint: POSTSIDER_ENDPOINTS.listIntegrations };
		const a = budgets.reserve('k', [ps, ps]);
		const b = budgets.reserve('k', [ps]);
		expect(a.ok && b.ok).toBe(true);
		const c = budgets.reserve('k', [ps]);
		expect(c).toMatchObject({ ok: false, reason: 'in-flight' });
		if (a.ok) budgets.release(a.reservation);
		expect(budgets.reserve('k', [ps]).ok).toBe(true);
	});

	it('anchors at response arrival: a slow answer keeps the slot until arrival + window', () => {
		const { clock, budgets } = setup({ limits: postsiderLimits({ apiLimit: 1 }) });
		const ps: CallSpec = { service: 'postsider', endpoint: POSTSIDER_ENDPOINTS.listIntegrations };
		const a = budgets.reserve('k', [ps]);
		if (!a.ok) throw new Error('expected a reservation');
		clock.t += 9_000; // the answer takes 9 s
		budgets.record(a.reservation, 0, { receivedAt: clock.t, status: 200, headers: {} });
		const b = budgets.reserve('k', [ps]);
		expect(b).toMatchObject({ ok: false, notBefore: T0 + 9_000 + 60_000 });
	});

	it('a sequence larger than a window can never fit and says so', () => {
		const { budgets } = setup({ limits: postsiderLimits({ apiLimit: 2 }) });
		const ps: CallSpec = { service: 'postsider', endpoint: POSTSIDER_ENDPOINTS.upload };
		const r = budgets.reserve('k', [ps, ps, ps]);
		expect(r).toMatchObject({
			ok: false,
			reason: 'impossible',
			notBefore: Number.POSITIVE_INFINITY,
		});
		if (!r.ok) expect(r.gating).toMatch(/split/);
	});

	it('PostSider counts every call per minute and mutating calls per hour per endpoint', () => {
		const { clock, budgets } = setup({ limits: postsiderLimits({ apiLimit: 60 }), pacing: false });
		const create: CallSpec = { service: 'postsider', endpoint: POSTSIDER_ENDPOINTS.createPosts };
		const list: CallSpec = { service: 'postsider', endpoint: POSTSIDER_ENDPOINTS.listPosts };
		let creates = 0;
		while (clock.t < T0 + HOUR - 1) {
			const r = budgets.reserve('k', [create]);
			if (!r.ok) {
				clock.t = Math.min(r.notBefore, T0 + HOUR - 1);
				continue;
			}
			budgets.record(r.reservation, 0, { receivedAt: clock.t, status: 201, headers: {} });
			creates++;
		}
		expect(creates).toBe(60);
		// GETs are not held back by the hourly throttler.
		expect(budgets.reserve('k', [list]).ok).toBe(true);
	});
});

describe('429 and learning from headers', () => {
	it('a 429 freezes the key until Retry-After-<name> and fills the named window', () => {
		const { clock, budgets } = setup();
		const r = budgets.reserve('k', [pf(POSTFAST_ENDPOINTS.createPosts)]);
		if (!r.ok) throw new Error('expected a reservation');
		budgets.record(r.reservation, 0, {
			receivedAt: clock.t,
			status: 429,
			headers: {
				'retry-after-daily': '3600',
				'x-ratelimit-remaining-short': '50',
				'x-ratelimit-limit-short': '60',
			},
		});
		const other = budgets.reserve('k', [pf(POSTFAST_ENDPOINTS.listAccounts)]);
		expect(other).toMatchObject({ ok: false, reason: 'frozen', notBefore: T0 + 3_601_000 });
		if (!other.ok) expect(other.gating).toContain('429');
		clock.t = T0 + 3_601_000;
		expect(budgets.reserve('k', [pf(POSTFAST_ENDPOINTS.listAccounts)]).ok).toBe(true);
		// The daily create window is full in our log too: the server said so.
		const create = budgets.reserve('k', [pf(POSTFAST_ENDPOINTS.createPosts)]);
		expect(create).toMatchObject({ ok: false, notBefore: T0 + DAY });
	});

	it('a PostSider 429 with a body retryAfter and no headers still freezes', () => {
		const { clock, budgets } = setup({ limits: postsiderLimits() });
		const call: CallSpec = { service: 'postsider', endpoint: POSTSIDER_ENDPOINTS.createPosts };
		const r = budgets.reserve('k', [call]);
		if (!r.ok) throw new Error('expected a reservation');
		budgets.record(r.reservation, 0, {
			receivedAt: clock.t,
			status: 429,
			headers: {},
			retryAfterMs: 30_000,
		});
		expect(budgets.frozenUntil('k')?.until).toBe(T0 + 31_000);
	});

	it("a 429 from PostSider's unreported hourly window teaches our share of it, for a day", () => {
		const { clock, budgets } = setup({ limits: postsiderLimits({ apiLimit: 60 }), pacing: false });
		const create: CallSpec = { service: 'postsider', endpoint: POSTSIDER_ENDPOINTS.createPosts };
		const ok = { status: 201, headers: {} };
		/** Creates that go out now, one after another, until the limiter says wait. */
		const burst = () => {
			let n = 0;
			for (;;) {
				const r = budgets.reserve('k', [create]);
				if (!r.ok) return n;
				budgets.record(r.reservation, 0, { ...ok, receivedAt: clock.t });
				n++;
				clock.t += 1_100; // inside the 60-a-minute window
			}
		};
		// 50 creates, one a minute; the 51st is refused by the hourly throttler (no X-RateLimit
		// headers): another client made 10 in those 50 minutes, 12 an hour.
		for (let i = 0; i < 50; i++) {
			const r = budgets.reserve('k', [create]);
			if (!r.ok) throw new Error(r.gating);
			budgets.record(r.reservation, 0, { ...ok, receivedAt: clock.t });
			clock.t += 60_000;
		}
		const r = budgets.reserve('k', [create]);
		if (!r.ok) throw new Error(r.gating);
		budgets.record(r.reservation, 0, {
			receivedAt: clock.t,
			status: 429,
			headers: { 'retry-after': '3600' },
		});
		// After the block: the 60 less the other client's 12 an hour, less one.
		clock.t += 3_700_000;
		expect(burst()).toBe(47);
		// A day later without another 429, the whole window is tried again.
		clock.t += 25 * HOUR;
		expect(burst()).toBe(60);
		// A 429 without rate headers and a short Retry-After (a proxy, a brief overload) is not the
		// hourly throttler's breach (that one blocks for the hour): it freezes the key, teaches nothing.
		clock.t += 2 * HOUR;
		const short = budgets.reserve('k', [create]);
		if (!short.ok) throw new Error(short.gating);
		budgets.record(short.reservation, 0, {
			receivedAt: clock.t,
			status: 429,
			headers: { 'retry-after': '3' },
		});
		expect(budgets.frozenUntil('k')?.until).toBe(clock.t + 4_000);
		clock.t += 5_000;
		expect(burst()).toBe(59); // the refused call counts; nothing else is held back
	});

	it('remaining lower than our count means another client: phantom hits, then headroom', () => {
		const { clock, budgets } = setup({ pacing: false });
		const r = budgets.reserve('k', [pf(POSTFAST_ENDPOINTS.createPosts)]);
		if (!r.ok) throw new Error('expected a reservation');
		budgets.record(r.reservation, 0, {
			receivedAt: clock.t,
			status: 201,
			headers: { 'x-ratelimit-limit-daily': '75', 'x-ratelimit-remaining-daily': '64' },
		});
		const daily = budgets
			.status('k', 'postfast')
			.find((s) => s.rule === `postfast:daily:${POSTFAST_ENDPOINTS.createPosts}`);
		expect(daily).toMatchObject({ used: 11, external: 10 });
		// Headroom: room for the other client to go on at the rate it showed (10 a day) until the
		// window starts to free up (a whole day from now), plus one.
		// Seen at once, the 10 are taken as spread over a quarter day: 40 more may come in the day,
		// plus two Poisson standard deviations (2·√40 ≈ 12.6), plus one.
		expect(daily?.effectiveLimit).toBe(75 - 53 - 1);
		clock.t += 12 * HOUR;
		const later = budgets
			.status('k', 'postfast')
			.find((s) => s.rule === `postfast:daily:${POSTFAST_ENDPOINTS.createPosts}`);
		// We have not looked for 12 h: what it may have sent since, plus what it may send in the
		// 12 h until the window frees up, at 10 per quarter day: the same 24 h of exposure.
		expect(later?.effectiveLimit).toBe(75 - 53 - 1);
	});

	it('a lower server limit is learned; a higher one never raises ours', () => {
		const { clock, budgets } = setup({ pacing: false });
		for (const [limit, remaining] of [
			['50', '49'],
			['90', '88'],
		]) {
			const r = budgets.reserve('k', [pf(POSTFAST_ENDPOINTS.createPosts)]);
			if (!r.ok) throw new Error('expected a reservation');
			budgets.record(r.reservation, 0, {
				receivedAt: clock.t,
				status: 201,
				headers: { 'x-ratelimit-limit-daily': limit, 'x-ratelimit-remaining-daily': remaining },
			});
		}
		const daily = budgets
			.status('k', 'postfast')
			.find((s) => s.rule === `postfast:daily:${POSTFAST_ENDPOINTS.createPosts}`);
		expect(daily).toMatchObject({ effectiveLimit: 50, used: 2, external: 0 });
	});

	it('a second client spending 20% of the create budget: 0 rejections for either over 24 h, and we use the rest', () => {
		for (const [kind, seed] of (['fixed', 'sliding'] as ModelKind[]).flatMap((k) =>
			[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((s) => [k, s] as const),
		)) {
			const { clock, budgets } = setup();
			const server = new ThrottlerModel(kind, vendorWindows);
			const rand = rng(seed);
			// 15 creates a day (20% of 75) at random times by a client with no limiter.
			const times = Array.from({ length: 15 }, () => T0 + rand() * DAY).sort((a, b) => a - b);
			const r = simulate({
				budgets,
				clock,
				server,
				keyId: 'k',
				jobs: 200,
				callsFor: () => [pf(POSTFAST_ENDPOINTS.createPosts)],
				jitterMs: 2_000,
				rand,
				until: T0 + DAY,
				external: { times, endpoint: POSTFAST_ENDPOINTS.createPosts },
			});
			expect(r.ours429 + r.theirs429, `${kind} seed ${seed}`).toBe(0);
			expect(r.theirsOk).toBe(15);
			// 60 of 75 are ours to take; keep at least 95% of them.
			expect(r.done, `${kind} seed ${seed}`).toBeGreaterThanOrEqual(57);
		}
	});

	it('alone on the key, tail pacing still spends the whole daily window within the day', () => {
		for (const kind of ['fixed', 'sliding'] as ModelKind[]) {
			const { clock, budgets } = setup();
			const server = new ThrottlerModel(kind, vendorWindows);
			const r = simulate({
				budgets,
				clock,
				server,
				keyId: 'k',
				jobs: 200,
				callsFor: () => [pf(POSTFAST_ENDPOINTS.createPosts)],
				jitterMs: 2_000,
				rand: rng(3),
				until: T0 + DAY,
			});
			expect(server.rejections).toBe(0);
			expect(r.done, kind).toBe(75);
		}
	});
});

describe('bursts into the paced tail read the rate headers first', () => {
	const url = () => pf(POSTFAST_ENDPOINTS.uploadUrls);
	const answer = (at: number, remaining: number) => ({
		receivedAt: at,
		status: 201,
		headers: { 'x-ratelimit-limit-daily': '150', 'x-ratelimit-remaining-daily': String(remaining) },
	});
	it('a stale window refuses a burst with "probe" (when asked), takes one call, then the burst', () => {
		const { clock, budgets } = setup();
		// 113 of the 150 daily upload-URL requests at the start of the day (the free part is 114).
		for (let i = 0; i < 113; i++) {
			clock.t += 3_000; // inside the 60-a-minute global window
			const r = budgets.reserve('k', [url()]);
			if (!r.ok) throw new Error(r.gating);
			budgets.record(r.reservation, 0, answer(clock.t, 150 - (i + 1)));
		}
		clock.t = T0 + 19 * HOUR; // deep in the tail, nothing read for 19 hours
		const burst = budgets.reserve('k', [url(), url(), url()], { probe: true });
		expect(burst).toMatchObject({ ok: false, reason: 'probe', notBefore: clock.t });
		// Without the option (a caller that cannot send fewer) the burst is placed as before.
		const plain = budgets.reserve('k', [url(), url(), url()]);
		expect(plain.ok || plain.reason).not.toBe('probe');
		if (plain.ok) budgets.release(plain.reservation);
		// One call goes; its answer shows 20 calls by another client since the morning.
		const one = budgets.reserve('k', [url()], { probe: true });
		if (!one.ok) throw new Error(one.gating);
		budgets.record(one.reservation, 0, answer(clock.t, 150 - 134));
		const status = budgets
			.status('k')
			.find((w) => w.bucket.includes('daily') && w.bucket.includes('upload'));
		expect(status?.external).toBe(20);
		// Fresh headers: a burst is judged on the window alone again (no "probe").
		const again = budgets.reserve('k', [url(), url()], { probe: true });
		expect(again.ok || again.reason).not.toBe('probe');
	});
});

describe('per-account caps and persistence', () => {
	it('X: at most 5 posts per account per rolling 24 h, counted per post', () => {
		const { clock, budgets } = setup();
		const x = (id: string) => pf(POSTFAST_ENDPOINTS.createPosts, [{ id, platform: 'X' }]);
		for (let i = 0; i < 5; i++) {
			const r = budgets.reserve('k', [x('acct-1')]);
			expect(r.ok).toBe(true);
			if (r.ok) budgets.record(r.reservation, 0, { receivedAt: clock.t, status: 201, headers: {} });
			clock.t += 1000;
		}
		const sixth = budgets.reserve('k', [x('acct-1')]);
		expect(sixth).toMatchObject({ ok: false, notBefore: T0 + DAY });
		if (!sixth.ok) expect(sixth.gating).toContain('acct-1');
		expect(budgets.reserve('k', [x('acct-2')]).ok).toBe(true);
	});

	it('more posts for one account in one request than its cap can never fit and says to split', () => {
		const { budgets } = setup();
		const posts = Array.from({ length: 6 }, () => ({ id: 'a', platform: 'X' }));
		const r = budgets.reserve('k', [pf(POSTFAST_ENDPOINTS.createPosts, posts)]);
		expect(r).toMatchObject({
			ok: false,
			reason: 'impossible',
			notBefore: Number.POSITIVE_INFINITY,
		});
		if (!r.ok) expect(r.gating).toMatch(/split/);
	});

	it('a refused create gives its account slot back', () => {
		const { clock, budgets } = setup();
		const call = pf(POSTFAST_ENDPOINTS.createPosts, [{ id: 'a', platform: 'x' }]);
		for (let i = 0; i < 10; i++) {
			const r = budgets.reserve('k', [call]);
			if (!r.ok) throw new Error(`post ${i} should fit: refused ones do not count`);
			budgets.record(r.reservation, 0, { receivedAt: clock.t, status: 400, headers: {} });
			clock.t += 61_000;
		}
	});

	it('fixed publish times: a post whose day is full is refused with the first time that fits', () => {
		const { budgets } = setup();
		const at = T0 + 3 * DAY;
		const posts = Array.from({ length: 5 }, (_, i) => ({
			id: 'a',
			platform: 'X',
			publishAt: at + i * HOUR,
		}));
		const r = budgets.reserve('k', [pf(POSTFAST_ENDPOINTS.createPosts, posts)]);
		expect(r.ok).toBe(true);
		const late = budgets.reserve('k', [
			pf(POSTFAST_ENDPOINTS.createPosts, [{ id: 'a', platform: 'X', publishAt: at + 10 * HOUR }]),
		]);
		expect(late).toMatchObject({ ok: false, reason: 'account-cap', publishNotBefore: at + DAY });
	});

	it('survives a restart: the log is in SQLite and in-flight calls count as answered at restart', () => {
		const db = new Database(':memory:');
		const first = setup({ limits: postsiderLimits({ apiLimit: 2 }) }, db);
		const call: CallSpec = { service: 'postsider', endpoint: POSTSIDER_ENDPOINTS.listPosts };
		const a = first.budgets.reserve('k', [call]);
		const b = first.budgets.reserve('k', [call]);
		if (!a.ok || !b.ok) throw new Error('expected reservations');
		first.budgets.record(a.reservation, 0, { receivedAt: T0, status: 200, headers: {} });
		// A read-only view (the CLI while the daemon runs) must leave b in flight.
		const view = new Budgets(db, {
			now: () => T0 + 5_000,
			limits: postsiderLimits({ apiLimit: 2 }),
			recoverInFlight: false,
		});
		expect(view.status('k', 'postsider').find((w) => w.rule === 'postsider:minute')).toMatchObject({
			used: 1,
			inFlight: 1,
		});
		// "crash" with b in flight; restart 10 s later.
		const second = { clock: { t: T0 + 10_000 } };
		const restarted = new Budgets(db, {
			now: () => second.clock.t,
			limits: postsiderLimits({ apiLimit: 2 }),
		});
		const r = restarted.reserve('k', [call]);
		expect(r).toMatchObject({ ok: false, notBefore: T0 + 60_000 });
		second.clock.t = T0 + 60_000;
		expect(restarted.reserve('k', [call]).ok).toBe(true);
		expect(restarted.reserve('k', [call])).toMatchObject({ ok: false, notBefore: T0 + 70_000 });
	});
});

describe('planner ETAs', () => {
	it('a 300-post backlog at 75 creates per day spreads over 4 days and names the daily budget', () => {
		const { budgets } = setup({ assumedLatencyMs: 0 });
		const jobs = Array.from({ length: 300 }, (_, i) => ({
			item: i,
			calls: [pf(POSTFAST_ENDPOINTS.createPosts)],
		}));
		const plan = planBacklog(budgets, 'k', jobs);
		const day = (i: number) => Math.floor((plan[i].at - T0) / DAY);
		expect([day(0), day(74), day(75), day(150)]).toEqual([0, 0, 1, 2]);
		// 75 a day: the 300th goes about 4 days in (tail pacing puts each day's last ones late).
		expect(plan[299].at - T0).toBeGreaterThanOrEqual(3 * DAY);
		expect(plan[299].at - T0).toBeLessThanOrEqual(4 * DAY + HOUR);
		// Never more than 75 in any 24 h.
		for (let i = 75; i < 300; i++) expect(plan[i].at - plan[i - 75].at).toBeGreaterThanOrEqual(DAY);
		expect(plan[75].gating).toContain('POST /social-posts daily');
		// eta() agrees with the plan for the last item.
		expect(budgets.eta('k', [pf(POSTFAST_ENDPOINTS.createPosts)], 299).at).toBe(plan[299].at);
	});

	it('ETAs are what the limiter then does (no other client): the planned time of every job is its send time', () => {
		const { clock, budgets } = setup({ assumedLatencyMs: 0 });
		const server = new ThrottlerModel('fixed', vendorWindows);
		const calls = [pf(POSTFAST_ENDPOINTS.uploadUrls), pf(POSTFAST_ENDPOINTS.createPosts)];
		const plan = budgets.plan(
			'k',
			Array.from({ length: 120 }, () => calls),
		);
		const r = simulate({
			budgets,
			clock,
			server,
			keyId: 'k',
			jobs: 120,
			callsFor: () => calls,
			jitterMs: 0,
			rand: rng(1),
		});
		expect(server.rejections).toBe(0);
		expect(r.sendTimes).toEqual(plan.map((p) => p.at));
	});
});
