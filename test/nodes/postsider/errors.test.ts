/**
 * Error paths of the PostSider node against the emulator: wrong key, per-channel 400 with the
 * channel, 409, 429 waited out and 429 failed as rate-limited (real limiter and injected), 5xx,
 * continue-on-fail, base-URL checks, and that an accepted post is never sent again.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import {
	allPosts,
	api,
	channelOn,
	channelsOf,
	inFuture,
	output,
	requestsTo,
	runPostSider,
	startPostSider,
	type Channel,
	type Emulator,
} from './setup';

let ps: Emulator;
let channels: Channel[];

beforeAll(async () => {
	ps = await startPostSider();
	channels = await channelsOf(ps);
});
afterAll(async () => {
	await ps.close();
});
beforeEach(async () => {
	ps.faults.clear();
	ps.reset();
	// reset() seeds the demo organisation afresh (new ids).
	channels = await channelsOf(ps);
});

const listChannels = { resource: 'channel', operation: 'getMany', includeDisabled: true };

function create(channel: Channel, extra: Record<string, unknown> = {}) {
	return {
		resource: 'post',
		operation: 'create',
		channelIds: [channel.id],
		postType: 'schedule',
		scheduledAt: '={{ $json.at }}',
		content: '={{ $json.text }}',
		binaryProperties: '',
		...extra,
	};
}

describe('credentials', () => {
	it('a wrong key fails with 401, the service text and what to fix; the key is not in the error', async () => {
		const result = await runPostSider(ps, listChannels, { apiKey: 'wrong-key-123456' });
		expect(result.status).toBe('error');
		const error = result.errors.PostSider as any;
		expect(error.message).toBe('PostSider 401 on GET /public/v1/integrations: Invalid API key');
		expect(error.description).toMatch(/without "Bearer"/);
		expect(JSON.stringify(result.run.data)).not.toContain('wrong-key-123456');
	});

	it('sends the raw key in Authorization (no Bearer)', async () => {
		await runPostSider(ps, listChannels);
		expect(requestsTo(ps, 'GET', '/integrations')[0].headers.authorization).toBe(ps.apiKey);
	});

	it('refuses plain http to a non-loopback host before sending anything', async () => {
		const before = ps.requests.length;
		const result = await runPostSider(ps, listChannels, {
			baseUrl: 'http://postsider.example.com/api',
		});
		expect(result.errors.PostSider?.message).toMatch(
			/plain http, which would send the API key unencrypted/,
		);
		expect(ps.requests.length).toBe(before);
	});

	it('accepts the base URL with /public/v1 already on it', async () => {
		const result = await runPostSider(ps, listChannels, { baseUrl: `${ps.origin}/public/v1/` });
		expect(result.status).toBe('success');
	});

	it('names a base URL that serves the web app instead of the API (self-hosted without /api)', async () => {
		ps.faults.add({
			method: 'GET',
			path: '/public/v1/integrations',
			kind: 'status',
			status: 200,
			body: '<!DOCTYPE html><html><body>Sign in</body></html>',
			times: 1,
		});
		const result = await runPostSider(ps, listChannels);
		expect(result.errors.PostSider?.message).toMatch(/answered with a web page instead of JSON/);
		expect(result.errors.PostSider?.description).toMatch(/https:\/\/<your-domain>\/api/);
	});

	it('refuses a redirect instead of following it with the key', async () => {
		ps.faults.add({
			method: 'GET',
			path: '/public/v1/integrations',
			kind: 'status',
			status: 302,
			body: '',
			headers: { Location: 'https://login.example.com/' },
			times: 1,
		});
		const before = ps.requests.length;
		const result = await runPostSider(ps, listChannels);
		expect(result.errors.PostSider?.message).toMatch(
			/PostSider 302 .*redirect \(302\) to https:\/\/login\.example\.com\/; redirects are refused/,
		);
		expect(ps.requests.slice(before).map((r) => r.path)).toEqual(['/public/v1/integrations']);
	});
});

describe('service errors carry the reason', () => {
	it('a per-channel 400 names the channel and the provider', async () => {
		const x = channelOn(channels, 'x');
		const result = await runPostSider(ps, create(x), {
			items: [{ json: { text: 'x'.repeat(400), at: inFuture(ps) } }],
		});
		const error = result.errors.PostSider as any;
		expect(error.message).toBe(
			`PostSider 400 on POST /public/v1/posts (channel "${x.name}", x): post is too long, please fix it`,
		);
		expect(error.context.apiError.channel).toEqual({ provider: 'x', name: x.name });
	});

	it('a 5xx fails as temporarily unavailable', async () => {
		ps.faults.add({
			method: 'GET',
			path: '/public/v1/integrations',
			kind: 'status',
			status: 503,
			times: 1,
		});
		const result = await runPostSider(ps, listChannels);
		const error = result.errors.PostSider as any;
		expect(error.message).toMatch(/^PostSider 503 on GET \/public\/v1\/integrations/);
		expect(error.failure).toEqual({ cause: 'temporarily-unavailable' });
	});

	it('continue-on-fail turns a failed item into an error item and the others go through', async () => {
		const x = channelOn(channels, 'x');
		const result = await runPostSider(ps, create(x), {
			items: [
				{ json: { text: 'ok one', at: inFuture(ps) } },
				{ json: { text: 'x'.repeat(400), at: inFuture(ps) } },
				{ json: { text: 'ok three', at: inFuture(ps) } },
			],
			node: { onError: 'continueRegularOutput' },
		});
		expect(result.status).toBe('success');
		const out = output(result);
		expect(out.map((o) => o.status ?? 'error')).toEqual(['created', 'error', 'created']);
		expect(out[1]).toMatchObject({ details: { status: 400, channel: { provider: 'x' } } });
		expect(result.outputs.PostSider.map((i) => i.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);
	});
});

describe('On Error → Continue (using error output)', () => {
	it("n8n-core's routing sends the failed item to the error output and the others to success", async () => {
		const x = channelOn(channels, 'x');
		const result = await runPostSider(ps, create(x), {
			items: [
				{ json: { text: 'ok one', at: inFuture(ps) } },
				{ json: { text: 'x'.repeat(400), at: inFuture(ps) } },
				{ json: { text: 'ok three', at: inFuture(ps) } },
			],
			node: { onError: 'continueErrorOutput' },
		});
		expect(result.status).toBe('success');
		const [success, failed] = result.branches.PostSider;
		expect(success.map((item) => item.json.status)).toEqual(['created', 'created']);
		expect(success.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
		expect(failed).toHaveLength(1);
		expect(failed[0].pairedItem).toEqual({ item: 1 });
		// n8n merges the input item into the error item: the user keeps their own fields.
		expect(failed[0].json).toMatchObject({
			text: 'x'.repeat(400),
			error: expect.stringMatching(/^PostSider 400/),
			details: { status: 400, channel: { provider: 'x' }, description: expect.any(String) },
		});
	});
});

describe('channel lookup of Create', () => {
	it('is made once per execution, and a failed lookup is asked again for the next item', async () => {
		const x = channelOn(channels, 'x');
		const before = ps.requests.length;
		ps.faults.add({
			method: 'GET',
			path: '/public/v1/integrations',
			kind: 'status',
			status: 503,
			times: 1,
		});
		const at = inFuture(ps);
		const result = await runPostSider(ps, create(x), {
			items: [
				{ json: { text: 'a', at } },
				{ json: { text: 'b', at } },
				{ json: { text: 'c', at } },
			],
			node: { onError: 'continueRegularOutput' },
		});
		const out = output(result);
		expect(out[0]).toMatchObject({ details: { status: 503 } });
		expect(out.slice(1).map((o) => o.status)).toEqual(['created', 'created']);
		const lookups = ps.requests.slice(before).filter((r) => r.path === '/public/v1/integrations');
		expect(lookups.map((r) => r.status)).toEqual([503, 200]);
	});
});

describe('rate limits', () => {
	it('waits out a short Retry-After and sends only that request again', async () => {
		ps.faults.add({
			method: 'POST',
			path: '/public/v1/posts',
			kind: 'status',
			status: 429,
			body: { msg: 'Rate limit exceeded. Try again later.', retryAfter: 1 },
			headers: { 'Retry-After': '1' },
			times: 1,
		});
		const x = channelOn(channels, 'x');
		const started = Date.now();
		const result = await runPostSider(ps, create(x), {
			items: [{ json: { text: 'patience', at: inFuture(ps) } }],
		});
		expect(result.error?.message).toBeUndefined();
		expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
		expect(requestsTo(ps, 'POST', '/posts').map((r) => r.status)).toEqual([429, 201]);
		expect(await allPosts(ps)).toHaveLength(1);
	});

	it('the real per-minute limiter: waits for Retry-After while the window ends', async () => {
		const limited = await startPostSider({ apiLimit: 2 });
		try {
			await api(limited, 'GET', '/groups');
			await api(limited, 'GET', '/groups');
			limited.clock.advance(59_000);
			// The node sees 429 with Retry-After: 1 and sleeps; meanwhile the window ends on the virtual clock.
			const tick = setInterval(() => limited.clock.advance(500), 250);
			const result = await runPostSider(limited, { resource: 'group', operation: 'getMany' });
			clearInterval(tick);
			expect(result.error?.message).toBeUndefined();
			expect(requestsTo(limited, 'GET', '/groups').map((r) => r.status)).toEqual([
				200, 200, 429, 200,
			]);
		} finally {
			await limited.close();
		}
	});

	it('a long Retry-After fails with rate-limited, the wait, and when to retry', async () => {
		const limited = await startPostSider({ apiLimit: 1 });
		try {
			await api(limited, 'GET', '/groups');
			const result = await runPostSider(limited, {
				resource: 'group',
				operation: 'getMany',
				options: { maxRateLimitWait: 5 },
			});
			const error = result.errors.PostSider as any;
			expect(error.message).toMatch(
				/^PostSider 429 on GET \/public\/v1\/groups: Rate limit exceeded/,
			);
			expect(error.failure.cause).toBe('rate-limited');
			expect(error.failure.retryAfterMs).toBeGreaterThan(5_000);
			expect(error.description).toMatch(/asks to wait \d+ s\. Run again after that/);
		} finally {
			await limited.close();
		}
	});
});

describe('an accepted post is never sent again', () => {
	it('retry-on-fail after a later item failed replays the accepted item instead of posting it twice', async () => {
		const x = channelOn(channels, 'x');
		const at = inFuture(ps);
		ps.faults.add({
			method: 'POST',
			path: '/public/v1/posts',
			kind: 'status',
			status: 500,
			times: 1,
			skip: 1,
		});
		const result = await runPostSider(ps, create(x), {
			items: [{ json: { text: 'first', at } }, { json: { text: 'second', at } }],
			node: { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 },
		});
		expect(result.error?.message).toBeUndefined();
		// n8n re-ran the whole node: item 1 was found on PostSider and not sent again.
		const creates = requestsTo(ps, 'POST', '/posts');
		expect(creates.map((r) => r.status)).toEqual([201, 500, 201]);
		expect(output(result).map((o) => o.status)).toEqual(['alreadyCreated', 'created']);
		const posts = await allPosts(ps);
		expect(posts.map((p) => p.content).sort()).toEqual(['first', 'second']);
	});

	it('a re-run after fixing the failed item creates only that item', async () => {
		const x = channelOn(channels, 'x');
		const at = inFuture(ps);
		const items = [{ json: { text: 'one', at } }, { json: { text: 'x'.repeat(400), at } }];
		const failed = await runPostSider(ps, create(x), { items });
		expect(failed.status).toBe('error');
		expect(await allPosts(ps)).toHaveLength(1);
		const fixed = await runPostSider(ps, create(x), {
			items: [items[0], { json: { text: 'two', at } }],
		});
		expect(fixed.error?.message).toBeUndefined();
		expect((await allPosts(ps)).map((p) => p.content).sort()).toEqual(['one', 'two']);
	});
});
