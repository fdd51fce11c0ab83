/**
 * The shared emulator harness as seen through the PostSider emulator: fault injection per route,
 * the request log, the virtual clock, and the `/__admin/` HTTP surface for child processes.
 */
import { request } from 'node:http';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { keyFingerprint } from '../../../emulators/src/index';
import { call, createBody, startPostSider, type Emulator } from './helpers';

let ps: Emulator;
beforeAll(async () => {
	ps = await startPostSider({ apiLimit: 10_000 });
});
afterAll(async () => ps?.close());
beforeEach(() => ps.reset());

/** A raw GET that reports how the connection ended, with a client-side timeout. */
function rawGet(
	url: string,
	headers: Record<string, string>,
	timeoutMs: number,
): Promise<{
	outcome: 'answer' | 'reset' | 'timeout';
	status?: number;
	body?: string;
	ms: number;
}> {
	const started = Date.now();
	return new Promise((resolve) => {
		const req = request(url, { headers }, (res) => {
			let body = '';
			res.setEncoding('utf8');
			res.on('data', (c: string) => (body += c));
			res.on('end', () =>
				resolve({ outcome: 'answer', status: res.statusCode, body, ms: Date.now() - started }),
			);
			res.on('error', () => resolve({ outcome: 'reset', ms: Date.now() - started }));
		});
		req.setTimeout(timeoutMs, () => {
			req.destroy();
			resolve({ outcome: 'timeout', ms: Date.now() - started });
		});
		req.on('error', () => resolve({ outcome: 'reset', ms: Date.now() - started }));
		req.end();
	});
}

describe('faults', () => {
	it('status: a 503 with a body for the next N matching requests, then normal answers', async () => {
		ps.faults.add({
			path: '/public/v1/integrations',
			kind: 'status',
			status: 503,
			body: { statusCode: 503, message: 'Service Unavailable' },
			times: 2,
		});
		expect((await call(ps, 'GET', '/integrations')).text).toBe(
			'{"statusCode":503,"message":"Service Unavailable"}',
		);
		expect((await call(ps, 'GET', '/integrations')).status).toBe(503);
		expect((await call(ps, 'GET', '/integrations')).status).toBe(200);
		expect(ps.requests.map((r) => r.status)).toEqual([503, 503, 200]);
	});

	it("status without a body sends the server's 500 shape; method and RegExp paths narrow the match", async () => {
		ps.faults.add({ method: 'POST', path: /\/posts$/, kind: 'status' });
		expect((await call(ps, 'GET', '/posts?startDate=2026-01-01&endDate=2026-01-02')).status).toBe(
			200,
		);
		const a = await call(ps, 'POST', '/posts', { body: createBody(ps, 'threads') });
		expect(a.status).toBe(500);
		expect(a.text).toBe('{"statusCode":500,"message":"Internal server error"}');
		expect(ps.store.posts.size).toBe(0);
	});

	it('reset: the connection is destroyed without an answer', async () => {
		ps.faults.add({ path: '/public/v1/groups', kind: 'reset', times: 1 });
		const r = await rawGet(`${ps.baseUrl}/groups`, { authorization: ps.apiKey }, 2000);
		expect(r.outcome).toBe('reset');
	});

	it('hang: no answer until the client gives up', async () => {
		ps.faults.add({ path: '/public/v1/groups', kind: 'hang', times: 1 });
		const r = await rawGet(`${ps.baseUrl}/groups`, { authorization: ps.apiKey }, 300);
		expect(r.outcome).toBe('timeout');
	});

	it('latency delays the real answer; slow-body drips the real answer', async () => {
		ps.faults.add({ path: '/public/v1/groups', kind: 'latency', delayMs: 150, times: 1 });
		const slow = await rawGet(`${ps.baseUrl}/groups`, { authorization: ps.apiKey }, 5000);
		expect(slow).toMatchObject({ outcome: 'answer', status: 200 });
		expect(slow.ms).toBeGreaterThanOrEqual(140);
		ps.faults.add({ path: '/public/v1/is-connected', kind: 'slow-body', delayMs: 20, times: 1 });
		const drip = await rawGet(`${ps.baseUrl}/is-connected`, { authorization: ps.apiKey }, 5000);
		expect(drip).toMatchObject({ outcome: 'answer', status: 200, body: '{"connected":true}' });
		expect(drip.ms).toBeGreaterThanOrEqual(20); // 18 bytes → 2 chunks
	});
});

describe('request log and clock', () => {
	it('logs method, path, query, headers and the JSON body; keys are visible to tests only', async () => {
		await call(ps, 'POST', '/posts', {
			body: createBody(ps, 'threads'),
			headers: { 'idempotency-key': 'k1' },
		});
		const entry = ps.requests.at(-1)!;
		expect(entry).toMatchObject({
			method: 'POST',
			path: '/public/v1/posts',
			status: 201,
			at: ps.clock.now(),
		});
		expect(entry.headers['idempotency-key']).toBe('k1');
		expect((entry.body as { type: string }).type).toBe('schedule');
		await call(ps, 'GET', '/notifications?page=0');
		expect(ps.requests.at(-1)!.query).toEqual({ page: '0' });
	});

	it('the in-process clock stands still until moved, and only forward', () => {
		const t = ps.clock.now();
		expect(ps.clock.now()).toBe(t);
		ps.clock.advance(1000);
		expect(ps.clock.now()).toBe(t + 1000);
		expect(() => ps.clock.advance(-1)).toThrow(/only moves forward/);
	});
});

describe('/__admin/ over HTTP', () => {
	const admin = async (method: string, path: string, body?: unknown) => {
		const res = await fetch(`${ps.origin}/__admin/${path}`, {
			method,
			headers: { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		return { status: res.status, body: (await res.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
	};

	it('state, requests, clock, faults and reset', async () => {
		await call(ps, 'POST', '/posts', { body: createBody(ps, 'threads') });
		const state = await admin('GET', 'state');
		expect(state.body.posts).toHaveLength(1);
		expect(state.body.channels.length).toBeGreaterThanOrEqual(11);
		expect((await admin('GET', 'requests')).body).toHaveLength(1); // admin calls are not logged

		const before = ps.clock.now();
		expect((await admin('POST', 'clock', { advanceMs: 86_400_000 })).body.now).toBe(
			before + 86_400_000,
		);
		expect((await admin('POST', 'clock', { setMs: before })).body.now).toBe(before);
		expect((await admin('POST', 'clock', {})).status).toBe(400);

		expect(
			(await admin('POST', 'faults', { pathRegex: '/groups$', kind: 'status', status: 502 }))
				.status,
		).toBe(201);
		expect((await call(ps, 'GET', '/groups')).status).toBe(502);
		await admin('DELETE', 'faults');
		expect((await call(ps, 'GET', '/groups')).status).toBe(200);

		await admin('POST', 'reset');
		expect((await admin('GET', 'state')).body.posts).toHaveLength(0);
		expect(ps.requests).toHaveLength(0);
	});

	it('moving the clock over HTTP runs the publisher; approvals can be resolved', async () => {
		const created = await call(ps, 'POST', '/posts', { body: createBody(ps, 'threads') });
		await admin('POST', 'clock', { advanceMs: 2 * 86_400_000 });
		expect(ps.store.posts.get(created.body[0].postId)!.state).toBe('PUBLISHED');
		const draft = await call(ps, 'POST', '/posts', {
			body: createBody(ps, 'threads', { type: 'draft' }),
		});
		await call(ps, 'POST', `/posts/${draft.body[0].postId}/request-approval`);
		expect(
			(await admin('POST', `approvals/${draft.body[0].postId}`, { status: 'APPROVED', note: 'ok' }))
				.body.status,
		).toBe('APPROVED');
		expect((await call(ps, 'GET', `/posts/${draft.body[0].postId}/approval`)).body).toMatchObject({
			status: 'APPROVED',
			note: 'ok',
		});
	});

	it('an unknown admin route names the ones that exist', async () => {
		const a = await admin('GET', 'nope');
		expect(a.status).toBe(404);
		expect(a.body.message).toMatch(/GET state/);
	});
});

/** A raw request with any Host/Origin/Content-Type (fetch may not set Host). */
function rawAdmin(
	path: string,
	method: string,
	headers: Record<string, string>,
	body?: string,
): Promise<{ status: number; text: string }> {
	const url = new URL(`${ps.origin}${path}`);
	return new Promise((resolve, reject) => {
		const req = request(
			{ host: url.hostname, port: url.port, path: url.pathname, method, headers },
			(res) => {
				let text = '';
				res.on('data', (c) => (text += c));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
			},
		);
		req.on('error', reject);
		req.end(body);
	});
}

describe('/__admin/ refuses what a web page could send; the log keeps no key', () => {
	it('a non-loopback Host (DNS rebinding) is refused', async () => {
		const res = await rawAdmin('/__admin/state', 'GET', { host: 'evil.example:80' });
		expect(res.status).toBe(403);
		expect(JSON.parse(res.text).message).toMatch(/loopback Host/);
		expect(
			(await rawAdmin('/__admin/state', 'GET', { host: `localhost:${new URL(ps.origin).port}` }))
				.status,
		).toBe(200);
	});

	it('a simple cross-site POST (text/plain, a form, a foreign Origin) cannot reset or drive it', async () => {
		await call(ps, 'POST', '/posts', { body: createBody(ps, 'threads') });
		const host = new URL(ps.origin).host;
		const plain = await rawAdmin(
			'/__admin/reset',
			'POST',
			{ host, 'content-type': 'text/plain' },
			'{}',
		);
		const form = await rawAdmin(
			'/__admin/clock',
			'POST',
			{
				host,
				'content-type': 'application/x-www-form-urlencoded',
			},
			'advanceMs=1',
		);
		const foreign = await rawAdmin(
			'/__admin/reset',
			'POST',
			{
				host,
				origin: 'https://evil.example',
				'content-type': 'application/json',
			},
			'{}',
		);
		expect([plain.status, form.status, foreign.status]).toEqual([403, 403, 403]);
		expect(ps.store.posts.size).toBe(1); // nothing was reset
		// The same reset from a local tool (JSON, no foreign Origin) works.
		expect(
			(await rawAdmin('/__admin/reset', 'POST', { host, 'content-type': 'application/json' }, '{}'))
				.status,
		).toBe(200);
		expect(ps.store.posts.size).toBe(0);
	});

	it('the request log shows a fingerprint of the API key, never the key', async () => {
		await call(ps, 'GET', '/integrations');
		expect(ps.requests[0].headers.authorization).toBe(keyFingerprint(ps.apiKey));
		const served = await rawAdmin('/__admin/requests', 'GET', { host: new URL(ps.origin).host });
		expect(served.text).not.toContain(ps.apiKey);
		expect(served.text).toContain(keyFingerprint(ps.apiKey));
	});
});
