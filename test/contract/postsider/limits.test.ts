/**
 * PostSider's two rate limiters (docs/postsider-api.md, Rate limits) on the virtual clock: no real waiting.
 */
import { afterEach, describe, expect, it } from 'vitest';

import { call, createBody, rateHeaders, startPostSider, type Emulator } from './helpers';

let ps: Emulator | undefined;
afterEach(async () => {
	await ps?.close();
	ps = undefined;
});

describe('docs/postsider-api.md, Per-minute limiter: Limiter A: per org, fixed 60 s window, every request', () => {
	it('headers count down; request limit+1 gets 429 {msg,retryAfter} with Retry-After', async () => {
		ps = await startPostSider({ apiLimit: 3 });
		const seen = [];
		for (let i = 0; i < 3; i++) seen.push(rateHeaders(await call(ps, 'GET', '/integrations')));
		expect(seen).toEqual([
			{ 'x-ratelimit-limit': '3', 'x-ratelimit-remaining': '2' },
			{ 'x-ratelimit-limit': '3', 'x-ratelimit-remaining': '1' },
			{ 'x-ratelimit-limit': '3', 'x-ratelimit-remaining': '0' },
		]);
		ps.clock.advance(20_000);
		const over = await call(ps, 'GET', '/integrations');
		expect(over.status).toBe(429);
		expect(over.text).toBe('{"msg":"Rate limit exceeded. Try again later.","retryAfter":40}');
		expect(rateHeaders(over)).toEqual({
			'x-ratelimit-limit': '3',
			'x-ratelimit-remaining': '0',
			'retry-after': '40',
		});
	});

	it('the window is fixed from the first hit: rejected requests count but do not extend it', async () => {
		ps = await startPostSider({ apiLimit: 2 });
		await call(ps, 'GET', '/integrations');
		await call(ps, 'GET', '/groups');
		ps.clock.advance(59_000);
		expect((await call(ps, 'GET', '/groups')).status).toBe(429);
		ps.clock.advance(1_000);
		const fresh = await call(ps, 'GET', '/groups');
		expect(fresh.status).toBe(200);
		expect(rateHeaders(fresh)).toEqual({ 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': '1' });
	});

	it('all keys of an org share one bucket; another org has its own', async () => {
		ps = await startPostSider({ apiLimit: 2 });
		const [legacy, selfService, other] = ps.apiKeys;
		await call(ps, 'GET', '/groups', { key: legacy.apiKey });
		await call(ps, 'GET', '/groups', { key: selfService.apiKey });
		expect((await call(ps, 'GET', '/groups', { key: legacy.apiKey })).status).toBe(429);
		expect((await call(ps, 'GET', '/groups', { key: other.apiKey })).status).toBe(200);
	});

	it('401s do not count (auth answers before the limiter)', async () => {
		ps = await startPostSider({ apiLimit: 1 });
		await call(ps, 'GET', '/groups', { key: 'wrong' });
		expect((await call(ps, 'GET', '/groups')).status).toBe(200);
	});
});

describe('docs/postsider-api.md, Hourly throttler: Limiter B: hourly throttler per mutating handler, same API_LIMIT', () => {
	it("a mutating success carries A's limit/remaining and B's X-RateLimit-Reset (docs/postsider-api.md, How the limiters combine)", async () => {
		ps = await startPostSider({ apiLimit: 60 });
		const a = await call(ps, 'DELETE', '/posts/group/g1');
		expect(rateHeaders(a)).toEqual({
			'x-ratelimit-limit': '60',
			'x-ratelimit-remaining': '59',
			'x-ratelimit-reset': '3600',
		});
		ps.clock.advance(600_000);
		const b = await call(ps, 'DELETE', '/posts/group/g2');
		expect(rateHeaders(b)['x-ratelimit-reset']).toBe('3000');
		// GETs carry only A's two headers.
		expect(rateHeaders(await call(ps, 'GET', '/groups'))).toEqual({
			'x-ratelimit-limit': '60',
			'x-ratelimit-remaining': '58',
		});
	});

	it('over the hourly limit → 429 E6 with only Retry-After; blocked for a whole hour from that request', async () => {
		ps = await startPostSider({ apiLimit: 2, hourlyLimit: 2 });
		for (let i = 0; i < 2; i++) {
			ps.clock.advance(61_000); // keep Limiter A out of the way
			const ok = await call(ps, 'POST', '/posts', { body: createBody(ps, 'threads') });
			expect(ok.status).toBe(201);
		}
		ps.clock.advance(30 * 60_000);
		const blocked = await call(ps, 'POST', '/posts', { body: createBody(ps, 'threads') });
		expect(blocked.status).toBe(429);
		expect(blocked.text).toBe(
			'{"statusCode":429,"message":"ThrottlerException: Too Many Requests"}',
		);
		expect(rateHeaders(blocked)).toEqual({ 'retry-after': '3600' });
		// The first window would have ended here, but the block lasts an hour from the rejection.
		ps.clock.advance(40 * 60_000);
		const still = await call(ps, 'POST', '/posts', { body: createBody(ps, 'threads') });
		expect(still.status).toBe(429);
		expect(still.headers['retry-after']).toBe('1200');
		ps.clock.advance(20 * 60_000);
		const after = await call(ps, 'POST', '/posts', { body: createBody(ps, 'threads') });
		expect(after.status).toBe(201);
	});

	it('calls made while blocked still count: a window already over the limit blocks again when the block ends', async () => {
		ps = await startPostSider({ apiLimit: 100, hourlyLimit: 2 });
		const create = () => call(ps!, 'POST', '/posts', { body: createBody(ps!, 'threads') });
		expect((await create()).status).toBe(201); // window 1 opens (t = 0)
		ps.clock.advance(30 * 60_000);
		expect((await create()).status).toBe(201);
		expect((await create()).status).toBe(429); // blocked until t = 90 min
		ps.clock.advance(31 * 60_000); // t = 61: window 1 is over, the block is not
		for (let i = 0; i < 3; i++) expect((await create()).status).toBe(429); // counted: 3 in window 2
		ps.clock.advance(30 * 60_000); // t = 91: the block has ended, but window 2 holds 3 > 2 calls
		const again = await create();
		expect(again.status).toBe(429);
		expect(again.headers['retry-after']).toBe('3600');
	});

	it('profile "API_LIMIT unset": 60 per minute, 9999 per hour per handler', async () => {
		ps = await startPostSider({ apiLimitUnset: true });
		const ok = await call(ps, 'POST', '/posts', { body: createBody(ps, 'threads') });
		expect(ok.status).toBe(201);
		expect(ok.headers['x-ratelimit-limit']).toBe('60');
		expect(ps.limiters.hourlyLimit).toBe(9999);
		// Default profile (as the shipped .env.example): the hourly limit is API_LIMIT too.
		await ps.close();
		ps = await startPostSider();
		expect(ps.limiters.hourlyLimit).toBe(60);
	});

	it("opt-in cloud trial: the X post past the trial allowance gets the server's 402, nothing created", async () => {
		ps = await startPostSider({ apiLimit: 100, trialXPosts: 1 });
		const x = (p: Emulator) =>
			createBody(p, 'x', {}, { settings: { who_can_reply_post: 'everyone' } });
		expect((await call(ps, 'POST', '/posts', { body: x(ps) })).status).toBe(201);
		const before = ps.store.posts.size;
		const over = await call(ps, 'POST', '/posts', {
			body: x(ps),
			headers: { 'idempotency-key': 'trial-1' },
		});
		expect(over.status).toBe(402);
		expect(over.text).toBe(
			'{"statusCode":402,"message":"Your trial includes usage limits. Choose a plan to continue."}',
		);
		expect(ps.store.posts.size).toBe(before);
		expect(ps.store.idempotency.size).toBe(0); // the claim is released
		// Other providers are not limited.
		expect((await call(ps, 'POST', '/posts', { body: createBody(ps, 'threads') })).status).toBe(
			201,
		);
	});

	it('each handler has its own bucket: creates blocked, deletes still fine', async () => {
		ps = await startPostSider({ apiLimit: 100, hourlyLimit: 1 });
		await call(ps, 'POST', '/posts', { body: createBody(ps, 'threads') });
		expect((await call(ps, 'POST', '/posts', { body: createBody(ps, 'threads') })).status).toBe(
			429,
		);
		expect((await call(ps, 'DELETE', '/posts/group/abc')).status).toBe(200);
	});

	it('GETs are never throttled by B', async () => {
		ps = await startPostSider({ apiLimit: 100, hourlyLimit: 1 });
		for (let i = 0; i < 5; i++) expect((await call(ps, 'GET', '/groups')).status).toBe(200);
	});

	it('B answers before A: an hourly 429 does not spend a per-minute request', async () => {
		ps = await startPostSider({ apiLimit: 3, hourlyLimit: 1 });
		await call(ps, 'DELETE', '/posts/group/a');
		await call(ps, 'DELETE', '/posts/group/b'); // B refuses, A never sees it
		const get = await call(ps, 'GET', '/groups');
		expect(rateHeaders(get)).toEqual({ 'x-ratelimit-limit': '3', 'x-ratelimit-remaining': '1' });
	});

	it('by default both limiters read API_LIMIT (60): the 61st create in an hour is refused', async () => {
		ps = await startPostSider();
		for (let i = 0; i < 60; i++) {
			if (i % 50 === 49) ps.clock.advance(60_000);
			const a = await call(ps, 'POST', '/posts', {
				body: createBody(ps, 'threads', { type: 'draft' }),
			});
			expect(a.status).toBe(201);
		}
		ps.clock.advance(60_000);
		expect(
			(await call(ps, 'POST', '/posts', { body: createBody(ps, 'threads', { type: 'draft' }) }))
				.status,
		).toBe(429);
	});
});

describe('docs/postsider-api.md, Per-minute limiter: the dashboard shares Limiter A', () => {
	it('traffic outside the API (simulated) leaves less for the API key, in process and over /__admin/traffic', async () => {
		ps = await startPostSider({ apiLimit: 10 });
		expect(ps.spendMinuteBudget(4)).toBe(6);
		const res = await fetch(`${ps.origin}/__admin/traffic`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ count: 5 }),
		});
		expect(await res.json()).toEqual({ remaining: 1 });
		expect(rateHeaders(await call(ps, 'GET', '/groups'))).toEqual({
			'x-ratelimit-limit': '10',
			'x-ratelimit-remaining': '0',
		});
		expect((await call(ps, 'GET', '/groups')).status).toBe(429);
	});
});
