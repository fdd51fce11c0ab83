/**
 * What Post → Create reports about earlier runs and failures, against the PostSider emulator (an
 * outside test in a real n8n found each of these): a re-run after the earlier post was deleted,
 * an earlier post that failed to publish, the found post's own date, the account limit asked once
 * per channel, a stop that names the item and the posts already made, and a length hint that
 * names only what applied to the text.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import {
	PNG,
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
});
afterAll(async () => {
	await ps.close();
});
beforeEach(async () => {
	ps.faults.clear();
	ps.reset();
	ps.clock.set(Date.now());
	channels = await channelsOf(ps);
});

function create(extra: Record<string, unknown> = {}) {
	return {
		resource: 'post',
		operation: 'create',
		channelIds: [],
		postType: 'draft',
		content: 'hello',
		binaryProperties: '',
		...extra,
	};
}

const withPng = [
	{ json: {}, binary: { data: { data: PNG, fileName: 'p.png', mimeType: 'image/png' } } },
];

describe('Post → Create after an earlier run', () => {
	it('a re-run after the earlier post was deleted says so and how to post again; a new Idempotency Key posts it', async () => {
		const linkedin = channelOn(channels, 'linkedin');
		const params = create({
			channelIds: [linkedin.id],
			postType: 'schedule',
			scheduledAt: inFuture(ps),
			binaryProperties: 'data',
		});
		const first = await runPostSider(ps, params, { items: withPng });
		expect(first.error?.message).toBeUndefined();
		const postId = String(output(first)[0].postId);
		expect((await api(ps, 'DELETE', `/posts/${postId}`)).status).toBe(200);

		const again = await runPostSider(ps, params, { items: withPng });
		expect(again.error?.message).toBeUndefined();
		const out = output(again)[0];
		expect(out).toMatchObject({ status: 'alreadyCreated', postId: null, integration: linkedin.id });
		expect(out.message).toMatch(/no longer listed on this channel \(deleted\?\)/);
		expect(out.message).toMatch(
			/Nothing was posted\. To post it again, set Options → Idempotency Key to a new value/,
		);
		expect(out.message).not.toMatch(/already accepted in an earlier run; it was not sent again/);
		expect(requestsTo(ps, 'POST', '/posts').map((r) => r.status)).toEqual([201, 409]);

		const renewed = await runPostSider(
			ps,
			{ ...params, options: { idempotencyKey: 'second-try-1' } },
			{ items: withPng },
		);
		expect(output(renewed)[0].status).toBe('created');
	});

	it('an earlier post that failed to publish is reported with its state, error and own date', async () => {
		const linkedin = channelOn(channels, 'linkedin');
		const scheduledAt = inFuture(ps, 2 * 3_600_000);
		const params = create({
			channelIds: [linkedin.id],
			postType: 'schedule',
			scheduledAt,
			content: 'launch day [fail]',
		});
		const first = await runPostSider(ps, params);
		expect(output(first)[0].status).toBe('created');
		// PostSider's clock passes the date: its publisher fails the post.
		ps.clock.advance(3 * 3_600_000);
		const stored = await api(ps, 'GET', `/posts/${String(output(first)[0].postId)}`);
		expect(stored.body.posts[0].state).toBe('ERROR');

		const again = await runPostSider(ps, params);
		const out = output(again)[0];
		expect(out).toMatchObject({
			status: 'alreadyCreated',
			postId: output(first)[0].postId,
			state: 'ERROR',
			error: 'Simulated LinkedIn failure: the platform refused the post',
			date: stored.body.posts[0].publishDate,
		});
		expect(out.message).toMatch(
			/found the earlier post .*, but it failed to publish: Simulated LinkedIn failure: the platform refused the post/,
		);
		expect(requestsTo(ps, 'POST', '/posts')).toHaveLength(1);
	});

	it('an alreadyCreated "Now" post carries the earlier post\'s date, not the time of the re-run', async () => {
		const x = channelOn(channels, 'x');
		const params = create({ channelIds: [x.id], postType: 'now', content: 'now text' });
		const first = await runPostSider(ps, params);
		expect(output(first)[0].status).toBe('created');
		const stored = await api(ps, 'GET', `/posts/${String(output(first)[0].postId)}`);
		const publishDate = stored.body.posts[0].publishDate as string;
		// The re-run comes later by PostSider's clock and by the node's.
		await new Promise((resolve) => setTimeout(resolve, 1_100));
		const again = await runPostSider(ps, params);
		expect(output(again)[0]).toMatchObject({
			status: 'alreadyCreated',
			postId: output(first)[0].postId,
			state: 'PUBLISHED',
			date: publishDate,
		});
	});
});

describe('Post → Create, requests and messages', () => {
	it('asks GET /integration-settings/:id once per channel per execution, not once per item', async () => {
		const x = channelOn(channels, 'x');
		const items = [0, 1, 2, 3, 4].map((n) => ({
			...withPng[0],
			json: { text: `${'a'.repeat(290)} ${n}` },
		}));
		ps.store.channels.get(x.id)!.additionalSettings = JSON.stringify([
			{ title: 'Verified', value: true },
		]);
		const result = await runPostSider(
			ps,
			create({
				channelIds: [x.id],
				postType: 'schedule',
				scheduledAt: inFuture(ps),
				content: '={{ $json.text }}',
				binaryProperties: 'data',
			}),
			{ items },
		);
		expect(result.error?.message).toBeUndefined();
		expect(output(result).map((o) => o.status)).toEqual(Array(5).fill('created'));
		expect(requestsTo(ps, 'GET', `/integration-settings/${x.id}`)).toHaveLength(1);
	});

	it('a failure that stops the node names the item and the posts already created', async () => {
		const x = channelOn(channels, 'x');
		const result = await runPostSider(
			ps,
			create({
				channelIds: [x.id],
				postType: 'schedule',
				scheduledAt: '={{ $json.at }}',
				content: '={{ $json.text }}',
			}),
			{
				items: [
					{ json: { text: 'ok one', at: inFuture(ps) } },
					{ json: { text: 'ok two', at: inFuture(ps) } },
					{ json: { text: 'x'.repeat(400), at: inFuture(ps) } },
					{ json: { text: 'never sent', at: inFuture(ps) } },
				],
			},
		);
		expect(result.status).toBe('error');
		const posts = await allPosts(ps);
		const created = ['ok one', 'ok two'].map((text) => posts.find((p) => p.content === text)?.id);
		expect(posts).toHaveLength(2);
		const error = result.errors.PostSider!;
		expect(error.message).toMatch(/\(item 2\)$/);
		expect(error.description).toContain(
			`PostSider already created the posts of items 0, 1 (post IDs ${created.join(', ')})`,
		);
	});

	it('the length hint names only what applied: with <p>, & is not said to count 5', async () => {
		const bluesky = channelOn(channels, 'bluesky');
		const run = (content: string) =>
			runPostSider(
				ps,
				create({ channelIds: [bluesky.id], postType: 'now', content, binaryProperties: 'data' }),
				{ items: withPng },
			);
		const inParagraph = await run(`<p>${'Tom & Jerry '.repeat(30)}</p>`);
		expect(inParagraph.errors.PostSider?.message).toMatch(/the text is too long, \d+ of 300/);
		const said = `${inParagraph.errors.PostSider?.message} ${inParagraph.errors.PostSider?.description}`;
		expect(said).not.toMatch(/counts 5|no-break space/);
		const plain = await run('Tom & Jerry '.repeat(30));
		expect(plain.errors.PostSider?.message).toMatch(/& counts 5 \(&amp;\) ×30/);
		expect(plain.errors.PostSider?.description).not.toMatch(/no-break space/);
		expect(requestsTo(ps, 'POST', '/upload')).toHaveLength(0);
	});
});
