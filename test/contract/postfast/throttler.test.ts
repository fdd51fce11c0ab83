/**
 * PostFast rate limiting (docs/postfast-api.md, Rate limits): the NestJS throttler with four named fixed windows
 * per endpoint and API key, blocks that last a whole window, refused calls that still count, the
 * partial header sets of a 429 and `Retry-After-<name>`. Each row names the spec section it proves.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import {
	POSTFAST_PROFILES,
	limitsFor,
	type PostFastLimitProfile,
} from '../../../contract/postfast';
import { Throttler } from '../../../emulators/src/postfast/throttler';
import { call, rateHeaders, startPostFast, type Emulator } from './helpers';

const ACCOUNTS = '/social-media/my-social-accounts';

describe('throttler model (docs/postfast-api.md, Throttler algorithm), with small limits so every rule is visible', () => {
	const tiny: PostFastLimitProfile = {
		defaults: { short: 3, medium: 5, long: 100, daily: 1000 },
		endpoints: { 'GET /b': { short: 1 } },
		imageUrlsPerRequest: 4,
		plainRetryAfter: false,
	};
	const setup = () => {
		let t = 1_000_000;
		const clock = { now: () => t, advance: (ms: number) => (t += ms) };
		return { clock, th: new Throttler(tiny, clock) };
	};

	it.each([
		[
			'docs/postfast-api.md, Throttler algorithm: call L passes with Remaining 0; call L+1 is the first 429 (docs/postfast-api.md, Throttler algorithm)',
			(s: ReturnType<typeof setup>) => {
				const r = [1, 2, 3, 4].map(() => s.th.hit('ws', 'GET /a'));
				expect(r.map((x) => x.allowed)).toEqual([true, true, true, false]);
				expect(r[2].headers['X-RateLimit-Remaining-short']).toBe('0');
				expect(r[3]).toMatchObject({ refusedBy: 'short', retryAfterSeconds: 60 });
			},
		],
		[
			'docs/postfast-api.md, Throttler algorithm: a 429 from short carries no X-RateLimit-* at all (short is evaluated first)',
			(s: ReturnType<typeof setup>) => {
				for (let i = 0; i < 3; i++) s.th.hit('ws', 'GET /a');
				expect(s.th.hit('ws', 'GET /a').headers).toEqual({ 'Retry-After-short': '60' });
			},
		],
		[
			'docs/postfast-api.md, Throttler algorithm: a block lasts the whole window: 30 s later Retry-After-short is 30',
			(s: ReturnType<typeof setup>) => {
				for (let i = 0; i < 4; i++) s.th.hit('ws', 'GET /a');
				s.clock.advance(30_000);
				expect(s.th.hit('ws', 'GET /a')).toMatchObject({ allowed: false, retryAfterSeconds: 30 });
			},
		],
		[
			'docs/postfast-api.md, Throttler algorithm: once block and window have both ended, a fresh window starts with the full limit',
			(s: ReturnType<typeof setup>) => {
				for (let i = 0; i < 4; i++) s.th.hit('ws', 'GET /a');
				s.clock.advance(300_000); // short and medium both roll over
				const after = [1, 2, 3, 4].map(() => s.th.hit('ws', 'GET /a'));
				expect(after.map((x) => x.allowed)).toEqual([true, true, true, false]);
			},
		],
		[
			'docs/postfast-api.md, Throttler algorithm: refused calls count (medium): calls made while short-blocked still fill medium',
			(s: ReturnType<typeof setup>) => {
				// 4 calls: 3 pass, the 4th is refused by short but was counted by short only (evaluation stops).
				for (let i = 0; i < 4; i++) s.th.hit('ws', 'GET /a');
				s.clock.advance(60_000); // short block and window over
				const r = [1, 2, 3].map(() => s.th.hit('ws', 'GET /a'));
				// medium saw 3 + 2 = 5 passing calls; the 3rd of this minute is the 6th for medium → refused by medium.
				expect(r.map((x) => x.allowed)).toEqual([true, true, false]);
				expect(r[2].refusedBy).toBe('medium');
				expect(r[2].headers).toMatchObject({
					'X-RateLimit-Limit-short': '3',
					'Retry-After-medium': '300',
				});
				expect(r[2].headers['X-RateLimit-Limit-medium']).toBeUndefined();
				expect(r[2].headers['X-RateLimit-Limit-long']).toBeUndefined();
			},
		],
		[
			'docs/postfast-api.md, Throttler algorithm: retries made while blocked count in the next window, so the block comes back at once when it ends',
			(s: ReturnType<typeof setup>) => {
				s.th.hit('ws', 'GET /a'); // window t0 … t0+60 s
				s.clock.advance(50_000);
				for (let i = 0; i < 3; i++) s.th.hit('ws', 'GET /a'); // 4th call: block until t0+110 s
				for (const at of [20_000, 10_000, 10_000]) {
					s.clock.advance(at); // t0+70, +80, +90: refused, but counted in the window that began at t0+70
					expect(s.th.hit('ws', 'GET /a')).toMatchObject({ allowed: false, refusedBy: 'short' });
				}
				s.clock.advance(20_000); // t0+110 s: the block is over, but this is the 4th call of the window
				expect(s.th.hit('ws', 'GET /a')).toMatchObject({ allowed: false, retryAfterSeconds: 60 });
			},
		],
		[
			'docs/postfast-api.md, Throttler algorithm: the same wait without early retries finds the key free',
			(s: ReturnType<typeof setup>) => {
				s.th.hit('ws', 'GET /a');
				s.clock.advance(50_000);
				for (let i = 0; i < 3; i++) s.th.hit('ws', 'GET /a');
				s.clock.advance(60_000);
				expect(s.th.hit('ws', 'GET /a').allowed).toBe(true);
			},
		],
		[
			'docs/postfast-api.md, Throttler algorithm: windows are fixed from the first call, not clock-aligned; Reset is seconds left, not an epoch',
			(s: ReturnType<typeof setup>) => {
				s.clock.advance(17_345);
				expect(s.th.hit('ws', 'GET /a').headers['X-RateLimit-Reset-short']).toBe('60');
				s.clock.advance(20_500);
				expect(s.th.hit('ws', 'GET /a').headers['X-RateLimit-Reset-short']).toBe('40');
			},
		],
		[
			'docs/postfast-api.md, Counter scope: per endpoint: exhausting one endpoint leaves another untouched',
			(s: ReturnType<typeof setup>) => {
				for (let i = 0; i < 4; i++) s.th.hit('ws', 'GET /a');
				expect(s.th.hit('ws', 'GET /c').allowed).toBe(true);
			},
		],
		[
			'docs/postfast-api.md, Counter scope: per API key: another workspace has its own counters',
			(s: ReturnType<typeof setup>) => {
				for (let i = 0; i < 4; i++) s.th.hit('ws', 'GET /a');
				expect(s.th.hit('other', 'GET /a').allowed).toBe(true);
			},
		],
		[
			'docs/postfast-api.md, Limits by profile: an endpoint override replaces only its window',
			(s: ReturnType<typeof setup>) => {
				const r = s.th.hit('ws', 'GET /b');
				expect(r.headers).toMatchObject({
					'X-RateLimit-Limit-short': '1',
					'X-RateLimit-Limit-medium': '5',
				});
				expect(s.th.hit('ws', 'GET /b')).toMatchObject({ allowed: false, refusedBy: 'short' });
			},
		],
	])('%s', (_name, check) => {
		check(setup());
	});
});

describe('rate limits over HTTP, vendor profile (default)', () => {
	let pf: Emulator;
	beforeAll(async () => {
		pf = await startPostFast();
	});
	afterAll(async () => pf.close());
	afterEach(() => pf.reset());

	it('docs/postfast-api.md, Throttler algorithm: first call: 12 headers, Limit/Remaining/Reset per window, exactly the vendor example values', async () => {
		const a = await call(pf, 'GET', '/social-posts');
		expect(a.status).toBe(200);
		expect(rateHeaders(a)).toEqual({
			'x-ratelimit-limit-short': '60',
			'x-ratelimit-remaining-short': '59',
			'x-ratelimit-reset-short': '60',
			'x-ratelimit-limit-medium': '150',
			'x-ratelimit-remaining-medium': '149',
			'x-ratelimit-reset-medium': '300',
			'x-ratelimit-limit-long': '300',
			'x-ratelimit-remaining-long': '299',
			'x-ratelimit-reset-long': '3600',
			'x-ratelimit-limit-daily': '1000',
			'x-ratelimit-remaining-daily': '999',
			'x-ratelimit-reset-daily': '86400',
		});
	});

	it.each([
		[
			'vendor page: POST /social-posts 75/day',
			'POST /social-posts',
			{ short: 60, medium: 150, long: 300, daily: 75 },
		],
		[
			'vendor page: upload URLs 150/day',
			'POST /file/get-signed-upload-urls',
			{ short: 60, medium: 150, long: 300, daily: 150 },
		],
		[
			'vendor page: accounts 90/hour',
			'GET /social-media/my-social-accounts',
			{ short: 60, medium: 150, long: 90, daily: 1000 },
		],
		[
			'vendor page: delete 160/hour',
			'DELETE /social-posts/:id',
			{ short: 60, medium: 150, long: 160, daily: 1000 },
		],
		[
			'no override: defaults',
			'GET /social-posts/analytics',
			{ short: 60, medium: 150, long: 300, daily: 1000 },
		],
	])('docs/postfast-api.md, Limits by profile: %s', (_n, endpoint, expected) => {
		expect(limitsFor(endpoint, 'vendor')).toEqual(expected);
	});

	it('docs/postfast-api.md, Limits by profile: the endpoint limit shows in its header: POST /social-posts says Limit-daily 75 even on a 400', async () => {
		const a = await call(pf, 'POST', '/social-posts', { body: {} });
		expect(a.status).toBe(400);
		expect(rateHeaders(a)).toMatchObject({
			'x-ratelimit-limit-daily': '75',
			'x-ratelimit-limit-short': '60',
		});
	});

	it('docs/postfast-api.md, Throttler algorithm; 429 bodies: the 61st accounts call within a minute is refused by short (60/min) before long (90/h): legacy body, only Retry-After-short', async () => {
		const statuses: number[] = [];
		let last = await call(pf, 'GET', ACCOUNTS);
		statuses.push(last.status);
		for (let i = 1; i < 61; i++) {
			last = await call(pf, 'GET', ACCOUNTS);
			statuses.push(last.status);
		}
		expect(statuses.slice(0, 60).every((s) => s === 200)).toBe(true);
		expect(last.status).toBe(429);
		expect(last.body).toEqual({
			statusCode: 429,
			message: 'ThrottlerException: Too Many Requests',
		});
		expect(rateHeaders(last)).toEqual({ 'retry-after-short': '60' });
	});

	it('docs/postfast-api.md, Throttler algorithm: a 429 from long carries short and medium headers, Retry-After-long, nothing for long/daily (the vendor example)', async () => {
		// 90/hour on accounts: spread the calls so short and medium never trip.
		let last = await call(pf, 'GET', ACCOUNTS);
		for (let i = 1; i <= 90; i++) {
			pf.clock.advance(20_000);
			last = await call(pf, 'GET', ACCOUNTS);
		}
		expect(last.status).toBe(429);
		const h = rateHeaders(last);
		expect(Object.keys(h).sort()).toEqual([
			'retry-after-long',
			'x-ratelimit-limit-medium',
			'x-ratelimit-limit-short',
			'x-ratelimit-remaining-medium',
			'x-ratelimit-remaining-short',
			'x-ratelimit-reset-medium',
			'x-ratelimit-reset-short',
		]);
		expect(h['retry-after-long']).toBe('3600');
	});

	it('docs/postfast-api.md, Counter scope: the other workspace key and other endpoints keep their budgets while one is blocked', async () => {
		for (let i = 0; i < 61; i++) await call(pf, 'GET', ACCOUNTS);
		expect((await call(pf, 'GET', ACCOUNTS)).status).toBe(429);
		expect((await call(pf, 'GET', '/social-posts')).status).toBe(200);
		const other = pf.apiKeys.find((k) => k.apiKey !== pf.apiKey)!.apiKey;
		const a = await call(pf, 'GET', ACCOUNTS, { key: other });
		expect(a.status).toBe(200);
		expect(a.headers['x-ratelimit-remaining-short']).toBe('59');
	});

	it('docs/postfast-api.md, Counter scope: auth failures and unknown routes are not counted and carry no rate headers', async () => {
		const denied = await call(pf, 'GET', ACCOUNTS, { key: 'wrong-key' });
		const unknown = await call(pf, 'GET', '/nope');
		expect(rateHeaders(denied)).toEqual({});
		expect(rateHeaders(unknown)).toEqual({});
		expect((await call(pf, 'GET', ACCOUNTS)).headers['x-ratelimit-remaining-short']).toBe('59');
	});
});

describe('rate limits over HTTP, current profile', () => {
	let pf: Emulator;
	beforeAll(async () => {
		pf = await startPostFast({ profile: 'current' });
	});
	afterAll(async () => pf.close());

	it('docs/postfast-api.md, Limits by profile: defaults 72/180/360/2400; (docs/postfast-api.md, Retry-After headers) a 429 adds the plain Retry-After; (docs/postfast-api.md, 429 bodies) the current body', async () => {
		const first = await call(
			pf,
			'GET',
			'/social-posts/analytics?startDate=2026-01-01T00:00:00Z&endDate=2026-02-01T00:00:00Z',
		);
		expect(rateHeaders(first)).toMatchObject({
			'x-ratelimit-limit-short': '72',
			'x-ratelimit-limit-medium': '180',
			'x-ratelimit-limit-long': '1260',
			'x-ratelimit-limit-daily': '12600',
		});
		let last = first;
		for (let i = 0; i < 73; i++) last = await call(pf, 'GET', '/social-posts');
		expect(last.status).toBe(429);
		expect(rateHeaders(last)).toEqual({ 'retry-after-short': '60', 'retry-after': '60' });
		expect(last.body).toEqual({
			statusCode: 429,
			message: 'Too many requests. Please try again later.',
			error: 'Too Many Requests',
		});
	});

	it('docs/postfast-api.md, Limits by profile: every current endpoint value is in the table', () => {
		expect(POSTFAST_PROFILES.current.endpoints['POST /social-posts']).toEqual({
			short: 180,
			daily: 420,
		});
		expect(POSTFAST_PROFILES.current.endpoints['DELETE /social-posts/:id']).toEqual({ long: 200 });
		expect(POSTFAST_PROFILES.current.endpoints['POST /social-posts/bulk-delete']).toEqual({
			long: 200,
		});
		expect(POSTFAST_PROFILES.current.endpoints['GET /social-media/connect-link']).toBeUndefined();
		expect(POSTFAST_PROFILES.current.endpoints['POST /social-media/connect-link']).toEqual({
			long: 60,
		});
	});
});

describe('24-hour soak on the virtual clock (docs/postfast-api.md, Throttler algorithm, vendor profile, accounts endpoint: 90/hour, 1000/day)', () => {
	const DAY = 86_400_000;

	/** Calls every `everyMs` for 24 virtual hours; a polite client sleeps out Retry-After-<name>. */
	async function soak(polite: boolean, everyMs: number) {
		const pf = await startPostFast();
		try {
			const start = pf.clock.now();
			let ok = 0;
			let refused = 0;
			const blocks: Array<{ from: number; to: number }> = [];
			const okTimes: number[] = [];
			while (pf.clock.now() < start + DAY) {
				const a = await call(pf, 'GET', ACCOUNTS);
				const now = pf.clock.now();
				if (a.status === 200) {
					ok += 1;
					okTimes.push(now);
				} else {
					expect(a.status).toBe(429);
					refused += 1;
					const retry = Object.entries(a.headers).find(([k]) => k.startsWith('retry-after-'));
					expect(retry, 'every 429 names its window').toBeDefined();
					const seconds = Number(retry![1]);
					blocks.push({ from: now, to: now + seconds * 1000 });
					if (polite) {
						pf.clock.advance(seconds * 1000);
						continue;
					}
				}
				pf.clock.advance(everyMs);
			}
			// No call ever passed inside an announced block.
			for (const t of okTimes) expect(blocks.some((b) => t > b.from && t < b.to)).toBe(false);
			return { ok, refused };
		} finally {
			await pf.close();
		}
	}

	it('a client that honours Retry-After gets exactly the daily budget (1000) and is then blocked for a day', async () => {
		const r = await soak(true, 30_000);
		expect(r.ok).toBe(1000);
	}, 60_000);

	it('a client that keeps polling every 30 s while blocked is locked out after its first 90 calls for the whole day', async () => {
		const r = await soak(false, 30_000);
		expect(r.ok).toBe(90);
		expect(r.refused).toBe(2880 - 90);
	}, 60_000);
});
