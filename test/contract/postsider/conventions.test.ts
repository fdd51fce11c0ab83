/**
 * PostSider conventions (docs/postsider-api.md, Base URL and routing; Authentication; Processing order): routing, raw-key auth, the order in which body
 * parsing, auth and validation answer, the headers on every response, and success statuses.
 * Each row says what the real server does and where the spec says so.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { POSTSIDER_ENDPOINTS } from '../../../contract/postsider';
import { call, channelId, startPostSider, type Emulator } from './helpers';

let ps: Emulator;
beforeAll(async () => {
	ps = await startPostSider({ apiLimit: 10_000 });
});
afterAll(async () => ps?.close());
beforeEach(() => ps.reset());

interface Row {
	desc: string;
	method: string;
	path: string;
	key?: string | null;
	body?: unknown;
	headers?: Record<string, string>;
	status: number;
	/** Exact body text (byte-exact shapes of docs/postsider-api.md, Error bodies). */
	text?: string;
	/** Or a partial match on the parsed body. */
	match?: unknown;
}

describe('PostSider (docs/postsider-api.md, Base URL and routing; Authentication; Request format): routing, auth and the processing order', () => {
	const rows: Row[] = [
		{
			desc: 'docs/postsider-api.md, Base URL and routing: an unknown route is the NestJS 404, with no auth check first',
			method: 'GET',
			path: '/nope',
			key: null,
			status: 404,
			text: '{"message":"Cannot GET /public/v1/nope","error":"Not Found","statusCode":404}',
		},
		{
			desc: 'docs/postsider-api.md, Base URL and routing: an unknown method on a known path is a 404 too',
			method: 'PATCH',
			path: '/posts',
			key: null,
			status: 404,
			text: '{"message":"Cannot PATCH /public/v1/posts","error":"Not Found","statusCode":404}',
		},
		{
			desc: 'docs/postsider-api.md, Authentication: no Authorization header → 401 {msg}',
			method: 'GET',
			path: '/integrations',
			key: null,
			status: 401,
			text: '{"msg":"No API Key found"}',
		},
		{
			desc: 'docs/postsider-api.md, Authentication: an unknown key → 401 {msg}',
			method: 'GET',
			path: '/integrations',
			key: 'nope',
			status: 401,
			text: '{"msg":"Invalid API key"}',
		},
		{
			desc: 'docs/postsider-api.md, Authentication: a "Bearer " prefix is looked up as part of the key → 401',
			method: 'GET',
			path: '/integrations',
			key: 'Bearer ' + '0'.repeat(64),
			status: 401,
			text: '{"msg":"Invalid API key"}',
		},
		{
			desc: 'docs/postsider-api.md, Authentication: an unknown pos_ OAuth token → 401 {msg}',
			method: 'GET',
			path: '/integrations',
			key: 'pos_abc',
			status: 401,
			text: '{"msg":"Invalid OAuth token"}',
		},
		{
			desc: 'docs/postsider-api.md, Request format: malformed JSON → 400 with the JSON.parse text, before auth',
			method: 'POST',
			path: '/posts',
			key: null,
			body: '{bad',
			status: 400,
			match: { error: 'Bad Request', statusCode: 400, message: expect.stringMatching(/JSON/) },
		},
		{
			desc: 'docs/postsider-api.md, Request format: a JSON body over 100 kB → 413, before auth',
			method: 'POST',
			path: '/posts',
			key: null,
			body: JSON.stringify({ pad: 'x'.repeat(102_400) }),
			status: 413,
			text: '{"statusCode":413,"message":"request entity too large"}',
		},
		{
			desc: 'docs/postsider-api.md, Request format: a body sent without a JSON content type is not parsed: create sees no posts',
			method: 'POST',
			path: '/posts',
			body: '{"posts":[]}',
			headers: { 'content-type': 'text/plain' },
			status: 400,
			text: '{"message":"All posts must have an integration id","error":"Bad Request","statusCode":400}',
		},
		{
			desc: 'docs/postsider-api.md, Processing order: auth answers before validation: a valid-looking body with no key is 401',
			method: 'POST',
			path: '/posts',
			key: null,
			body: {},
			status: 401,
			text: '{"msg":"No API Key found"}',
		},
		{
			desc: 'docs/postsider-api.md, Base URL and routing: openapi.json is served without auth',
			method: 'GET',
			path: '/openapi.json',
			key: null,
			status: 200,
			match: { openapi: '3.0.0' },
		},
	];

	it.each(rows)('$desc', async (row) => {
		const a = await call(ps, row.method, row.path, {
			key: row.key,
			body: row.body,
			headers: row.headers,
		});
		expect(a.status).toBe(row.status);
		if (row.text !== undefined) expect(a.text).toBe(row.text);
		if (row.match !== undefined) expect(a.body).toMatchObject(row.match as object);
	});

	it('docs/postsider-api.md, Authentication: both demo keys of the org work (legacy 64-hex and ps_), and the second org is isolated', async () => {
		const [legacy, selfService, other] = ps.apiKeys;
		expect(legacy.apiKey).toMatch(/^[0-9a-f]{64}$/);
		expect(selfService.apiKey).toMatch(/^ps_[A-Za-z0-9]{40}$/);
		const a = await call(ps, 'GET', '/integrations', { key: legacy.apiKey });
		const b = await call(ps, 'GET', '/integrations', { key: selfService.apiKey });
		const c = await call(ps, 'GET', '/integrations', { key: other.apiKey });
		expect(a.body).toEqual(b.body);
		const demoIds = new Set((a.body as Array<{ id: string }>).map((x) => x.id));
		expect((c.body as Array<{ id: string }>).some((x) => demoIds.has(x.id))).toBe(false);
		// A post id of one org is "not found" for the other.
		const created = await call(ps, 'POST', '/posts', {
			body: {
				type: 'draft',
				date: '2026-12-01T10:00:00Z',
				shortLink: false,
				tags: [],
				posts: [
					{
						integration: { id: channelId(ps, 'threads') },
						value: [{ content: 'mine', image: [] }],
					},
				],
			},
		});
		const foreign = await call(ps, 'GET', `/posts/${created.body[0].postId}`, {
			key: other.apiKey,
		});
		expect(foreign.status).toBe(400);
		expect(foreign.body.message).toBe('Post not found');
	});
});

describe('PostSider (docs/postsider-api.md, Success statuses; Response headers): statuses and headers', () => {
	it('docs/postsider-api.md, Response headers: every answer has the security headers and JSON content type; X-Request-Id is echoed when well-formed', async () => {
		const a = await call(ps, 'GET', '/integrations', {
			headers: { 'x-request-id': 'trace_123-abc' },
		});
		expect(a.headers).toMatchObject({
			'content-type': 'application/json; charset=utf-8',
			'x-content-type-options': 'nosniff',
			'x-xss-protection': '0',
			'referrer-policy': 'strict-origin-when-cross-origin',
			'permissions-policy': 'camera=(), microphone=(), geolocation=()',
			'x-request-id': 'trace_123-abc',
		});
		expect(a.headers['content-security-policy']).toBeDefined();
	});

	it('docs/postsider-api.md, Response headers: a malformed X-Request-Id is replaced by a UUID, also on a 401', async () => {
		const a = await call(ps, 'GET', '/integrations', {
			key: null,
			headers: { 'x-request-id': 'has spaces!' },
		});
		expect(a.status).toBe(401);
		expect(a.headers['x-request-id']).toMatch(
			/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
		);
	});

	it('docs/postsider-api.md, Success statuses: the contract table says GET/PUT/DELETE 200 and POST 201 for every endpoint', () => {
		for (const def of Object.values(POSTSIDER_ENDPOINTS))
			expect(def.status).toBe(def.method === 'POST' ? 201 : 200);
		// The 16 endpoints of the vendor page are marked documented.
		expect(Object.values(POSTSIDER_ENDPOINTS).filter((d) => d.documented)).toHaveLength(16);
	});

	it('docs/postsider-api.md, Success statuses: DELETE answers 200 with a JSON body, never 204', async () => {
		const a = await call(ps, 'DELETE', '/posts/group/whatever');
		expect(a.status).toBe(200);
		expect(a.text).toBe('{"success":true}');
	});
});

describe('PostSider (docs/postsider-api.md, Authentication; Create steps): cloud billing (off unless configured)', () => {
	it('no subscription → 401 {msg}; the FREE plan → 402 {msg}', async () => {
		for (const [plan, status, text] of [
			['NONE', 401, '{"msg":"No subscription found"}'],
			['FREE', 402, '{"msg":"Public API is not available on this plan"}'],
		] as const) {
			const cloud = await startPostSider({ billing: { plan } });
			try {
				const a = await call(cloud, 'GET', '/integrations');
				expect(a.status).toBe(status);
				expect(a.text).toBe(text);
			} finally {
				await cloud.close();
			}
		}
	});

	it('the monthly post quota → 402 E5 with the billing url; connecting past the channel limit too', async () => {
		const cloud = await startPostSider({
			billing: {
				plan: 'STANDARD',
				postsPerMonth: 1,
				channels: 5,
				frontendUrl: 'https://app.example',
			},
		});
		try {
			const body = {
				type: 'draft',
				date: '2026-12-01T10:00:00Z',
				shortLink: false,
				tags: [],
				posts: [
					{
						integration: { id: channelId(cloud, 'threads') },
						value: [{ content: 'one', image: [] }],
					},
				],
			};
			expect((await call(cloud, 'POST', '/posts', { body })).status).toBe(201);
			const over = await call(cloud, 'POST', '/posts', { body });
			expect(over.status).toBe(402);
			expect(over.text).toBe(
				'{"statusCode":402,"message":"You have reached the maximum number of posts for your subscription. Please upgrade your subscription to add more posts.","url":"https://app.example/billing"}',
			);
			expect((await call(cloud, 'GET', '/social/x')).status).toBe(402);
			expect((await call(cloud, 'GET', `/social/x?refresh=${channelId(cloud, 'x')}`)).status).toBe(
				200,
			);
		} finally {
			await cloud.close();
		}
	});
});

describe('PostSider (docs/postsider-api.md, Response headers): ETag on GET (Express default)', () => {
	it('a 200 GET carries a weak ETag; If-None-Match with it → 304 without a body', async () => {
		const a = await call(ps, 'GET', '/groups');
		expect(a.headers.etag).toMatch(/^W\/"[0-9a-f]+-[A-Za-z0-9+/]{27}"$/);
		const b = await call(ps, 'GET', '/groups', { headers: { 'if-none-match': a.headers.etag } });
		expect(b.status).toBe(304);
		expect(b.text).toBe('');
		const post = await call(ps, 'DELETE', '/posts/group/x');
		expect(post.headers.etag).toBeUndefined();
	});
});

describe('PostSider (docs/postsider-api.md, Response headers): compression', () => {
	it('answers of 1 kB or more are gzipped when the client accepts gzip; small ones are not', async () => {
		const big = await call(ps, 'GET', '/integrations', { headers: { 'accept-encoding': 'gzip' } });
		expect(big.headers['content-encoding']).toBe('gzip');
		expect(big.headers.vary).toBe('Accept-Encoding');
		expect(big.body.length).toBeGreaterThanOrEqual(11); // fetch decompressed it
		const plain = await call(ps, 'GET', '/integrations', {
			headers: { 'accept-encoding': 'identity' },
		});
		expect(plain.headers['content-encoding']).toBeUndefined();
		expect(plain.text).toBe(JSON.stringify(big.body));
		const small = await call(ps, 'GET', '/is-connected', {
			headers: { 'accept-encoding': 'gzip' },
		});
		expect(small.headers['content-encoding']).toBeUndefined();
	});
});
