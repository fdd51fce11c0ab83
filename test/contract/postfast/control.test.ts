/**
 * The PostFast emulator's test controls: faults on the API and on the S3 listener, the request log
 * shared by both, and the `/__admin/` surface that child processes and a real n8n use.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { accounts, call, inFuture, on, startPostFast, type Emulator } from './helpers';

let pf: Emulator;

beforeAll(async () => {
	pf = await startPostFast();
});
afterAll(async () => pf.close());
beforeEach(() => pf.reset());

const admin = async (method: string, path: string, body?: unknown) => {
	const r = await fetch(`${pf.origin}/__admin/${path}`, {
		method,
		headers: { 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return { status: r.status, body: (await r.json()) as any };
};

describe('faults', () => {
	it.each([
		['status: a 503 with the Nest 500-style body by default', { kind: 'status', status: 503 }, 503],
		[
			'status with a given body and headers',
			{
				kind: 'status',
				status: 429,
				headers: { 'Retry-After-short': '5' },
				body: { statusCode: 429, message: 'ThrottlerException: Too Many Requests' },
			},
			429,
		],
	] as const)('%s', async (_n, spec, status) => {
		pf.faults.add({ method: 'GET', path: '/social-media/my-social-accounts', times: 1, ...spec });
		const a = await call(pf, 'GET', '/social-media/my-social-accounts');
		expect(a.status).toBe(status);
		if (status === 429) expect(a.headers['retry-after-short']).toBe('5');
		expect((await call(pf, 'GET', '/social-media/my-social-accounts')).status).toBe(200);
		expect(pf.requests.map((r) => r.status)).toEqual([status, 200]);
	});

	it('reset: the connection drops and the log says 0', async () => {
		pf.faults.add({ path: '/social-posts', kind: 'reset', times: 1 });
		await expect(
			fetch(`${pf.baseUrl}/social-posts`, { headers: { 'pf-api-key': pf.apiKey } }),
		).rejects.toThrow();
		expect(pf.requests[0].status).toBe(0);
	});

	it('skip lets the first matching requests through (the second create fails)', async () => {
		pf.faults.add({
			method: 'POST',
			path: '/social-posts',
			kind: 'status',
			status: 500,
			skip: 1,
			times: 1,
		});
		const x = on(await accounts(pf), 'X');
		const body = { posts: [{ content: 'a', socialMediaId: x, scheduledAt: inFuture(pf) }] };
		expect((await call(pf, 'POST', '/social-posts', { body })).status).toBe(201);
		expect((await call(pf, 'POST', '/social-posts', { body })).status).toBe(500);
		expect((await call(pf, 'POST', '/social-posts', { body })).status).toBe(201);
	});

	it('faults reach the S3 listener too, and S3 requests are in the same log with service "s3"', async () => {
		const urls = await call(pf, 'POST', '/file/get-signed-upload-urls', {
			body: { contentType: 'image/png', count: 1 },
		});
		pf.faults.add({
			method: 'PUT',
			path: /^\/postfast-media\//,
			kind: 'status',
			status: 503,
			times: 1,
			body: '<Error><Code>SlowDown</Code></Error>',
		});
		const put = () =>
			fetch(urls.body[0].signedUrl, {
				method: 'PUT',
				headers: { 'content-type': 'image/png' },
				body: 'x',
			});
		expect((await put()).status).toBe(503);
		expect((await put()).status).toBe(200);
		expect(pf.requests.filter((r) => r.service === 's3').map((r) => [r.method, r.status])).toEqual([
			['PUT', 503],
			['PUT', 200],
		]);
	});
});

describe('/__admin/ over HTTP (no auth, not logged, no rate limits)', () => {
	it('state lists the workspaces, accounts, posts, uploads and throttler windows', async () => {
		await call(pf, 'GET', '/social-media/my-social-accounts');
		const s = await admin('GET', 'state');
		expect(s.status).toBe(200);
		expect(s.body).toMatchObject({
			profile: 'vendor',
			s3Origin: pf.s3Origin,
			posts: [],
			uploads: [],
		});
		expect(s.body.workspaces).toHaveLength(2);
		expect(s.body.accounts.length).toBeGreaterThanOrEqual(12);
		expect(s.body.throttler).toContainEqual(
			expect.objectContaining({
				endpoint: 'GET /social-media/my-social-accounts',
				window: 'long',
				count: 1,
			}),
		);
		expect((await admin('GET', 'requests')).body).toHaveLength(1);
	});

	it('clock and tick move the publisher; reset empties posts and rate windows', async () => {
		const x = on(await accounts(pf), 'X');
		const created = await call(pf, 'POST', '/social-posts', {
			body: { posts: [{ content: 'a', socialMediaId: x, scheduledAt: inFuture(pf, 60_000) }] },
		});
		const before = (await admin('GET', 'clock')).body.now;
		expect((await admin('POST', 'clock', { advanceMs: 120_000 })).body.now).toBe(before + 120_000);
		expect((await admin('POST', 'tick')).status).toBe(200);
		expect(pf.store.posts.get(created.body.postIds[0])?.status).toBe('PUBLISHED');
		await admin('POST', 'reset');
		expect(pf.store.posts.size).toBe(0);
		expect(
			(await call(pf, 'GET', '/social-media/my-social-accounts')).headers[
				'x-ratelimit-remaining-long'
			],
		).toBe('89');
	});

	it('faults can be added over HTTP with a path pattern', async () => {
		expect(
			(
				await admin('POST', 'faults', {
					pathRegex: '^/social-posts$',
					kind: 'status',
					status: 502,
					times: 1,
				})
			).status,
		).toBe(201);
		expect((await call(pf, 'GET', '/social-posts')).status).toBe(502);
	});
});
