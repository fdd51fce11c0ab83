/**
 * Post → Create refuses, before any upload or create, what it can know from the channel list and
 * the providers' media rules (contract/postsider/providers.ts); and a post PostSider already has
 * from an earlier run is reported, per channel, instead of posted or uploaded again.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import {
	MP4,
	PNG,
	allPosts,
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
	channels = await channelsOf(ps);
});

function create(extra: Record<string, unknown> = {}) {
	return {
		resource: 'post',
		operation: 'create',
		channelIds: [],
		postType: 'schedule',
		scheduledAt: inFuture(ps),
		content: 'hello',
		binaryProperties: '',
		...extra,
	};
}

const png = (name: string) => ({ data: PNG, fileName: name, mimeType: 'image/png' });
const mp4 = (name: string) => ({ data: MP4, fileName: name, mimeType: 'video/mp4' });

function nothingSpent() {
	expect(requestsTo(ps, 'POST', '/upload')).toHaveLength(0);
	expect(requestsTo(ps, 'POST', '/posts')).toHaveLength(0);
}

describe("the providers' media rules before any upload", () => {
	it.each([
		['linkedin', 'a, b, clip', 'Can have maximum 1 media when selecting a video.'],
		['youtube', 'a', 'Item must be a video'],
		['youtube', 'clip, a', 'You need one media'],
		['bluesky', 'a, b, c, d, e', 'There can be maximum 4 pictures in a post.'],
		['tiktok', 'clip, a', 'Only pictures are supported when selecting multiple items'],
	])('%s with %s is refused, naming the channel and the rule', async (provider, files, rule) => {
		const channel = channelOn(channels, provider);
		const binary = {
			a: png('a.png'),
			b: png('b.png'),
			c: png('c.png'),
			d: png('d.png'),
			e: png('e.png'),
			clip: mp4('clip.mp4'),
		};
		const result = await runPostSider(
			ps,
			create({
				channelIds: [channel.id],
				binaryProperties: files,
				options: { settingsJson: '{"youtube": {"title": "A title"}}' },
			}),
			{ items: [{ json: {}, binary }] },
		);
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(
			`PostSider would refuse this post for ${channel.name} (${provider}): ${rule}`,
		);
		expect((result.error as { description?: string }).description).toMatch(
			/^Nothing was uploaded or posted\./,
		);
		nothingSpent();
	});

	it('a mix the provider takes (LinkedIn: one video alone) goes through', async () => {
		const linkedin = channelOn(channels, 'linkedin');
		const result = await runPostSider(
			ps,
			create({ channelIds: [linkedin.id], binaryProperties: 'clip' }),
			{
				items: [{ json: {}, binary: { clip: mp4('clip.mp4') } }],
			},
		);
		expect(result.error?.message).toBeUndefined();
		expect(requestsTo(ps, 'POST', '/upload')).toHaveLength(1);
		expect(output(result)[0].status).toBe('created');
	});
});

describe('channel ids checked against the channel list', () => {
	it('an id the organisation does not have is refused, listing the channels', async () => {
		const x = channelOn(channels, 'x');
		const result = await runPostSider(
			ps,
			create({ channelIds: [x.id, 'cm-not-a-channel'], binaryProperties: 'a' }),
			{
				items: [{ json: {}, binary: { a: png('a.png') } }],
			},
		);
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(
			'PostSider has no channel "cm-not-a-channel" in this organisation',
		);
		expect((result.error as { description?: string }).description).toContain(`Demo X (x): ${x.id}`);
		nothingSpent();
	});

	it('an expression that yields [undefined] or an empty id is refused, naming the position', async () => {
		const x = channelOn(channels, 'x');
		for (const expression of [
			'={{ [$json.missing] }}',
			`={{ ["${x.id}", $json.missing] }}`,
			'={{ [""] }}',
		]) {
			const result = await runPostSider(ps, create({ channelIds: expression }));
			expect(result.status, expression).toBe('error');
			expect(result.error?.message, expression).toMatch(
				/^"Channel Names or IDs" has an empty entry at position [12]/,
			);
		}
		nothingSpent();
	});

	it('a disabled channel is refused for a post that would publish; a draft to it is saved with a warning', async () => {
		const disabled = channelOn(channels, 'x', true);
		const scheduled = await runPostSider(ps, create({ channelIds: [disabled.id] }));
		expect(scheduled.status).toBe('error');
		expect(scheduled.error?.message).toBe(
			`The channel "${disabled.name}" (x) is disabled in PostSider`,
		);
		nothingSpent();

		const draft = await runPostSider(ps, create({ channelIds: [disabled.id], postType: 'draft' }));
		expect(draft.error?.message).toBeUndefined();
		expect(output(draft)[0]).toMatchObject({ status: 'created', integration: disabled.id });
		expect(String(output(draft)[0].warning)).toMatch(
			/is disabled in PostSider: the draft is saved/,
		);
	});
});

describe('a re-run with another channel added', () => {
	it('reports the channels that have the post and creates it only on the new one', async () => {
		const x = channelOn(channels, 'x');
		const bluesky = channelOn(channels, 'bluesky');
		const at = inFuture(ps);
		const items = [{ json: {}, binary: { a: png('a.png') } }];
		const first = await runPostSider(
			ps,
			create({ channelIds: [x.id], scheduledAt: at, binaryProperties: 'a' }),
			{ items },
		);
		const second = await runPostSider(
			ps,
			create({ channelIds: [x.id, bluesky.id], scheduledAt: at, binaryProperties: 'a' }),
			{ items },
		);
		expect(second.error?.message).toBeUndefined();
		const [onX, onBluesky] = output(second);
		expect(onX).toMatchObject({
			status: 'alreadyCreated',
			postId: output(first)[0].postId,
			integration: x.id,
		});
		expect(onBluesky).toMatchObject({ status: 'created', integration: bluesky.id });
		const creates = requestsTo(ps, 'POST', '/posts');
		expect(creates).toHaveLength(2);
		expect(
			(creates[1].body as { posts: Array<{ integration: { id: string } }> }).posts.map(
				(p: { integration: { id: string } }) => p.integration.id,
			),
		).toEqual([bluesky.id]);
		const posts = await allPosts(ps);
		expect(posts.map((p) => p.integration.id).sort()).toEqual([x.id, bluesky.id].sort());
	});
});

describe('what an outside test of real workflows found (issue 12)', () => {
	it('a scheduled time in the past is refused before any upload (PostSider would publish it at once)', async () => {
		const x = channelOn(channels, 'x');
		const result = await runPostSider(
			ps,
			create({ channelIds: [x.id], scheduledAt: '2020-01-20 10:00', binaryProperties: 'a' }),
			{ items: [{ json: {}, binary: { a: png('a.png') } }] },
		);
		expect(result.status).toBe('error');
		// Read in the workflow's timezone, as n8n's own date fields do.
		expect(result.error?.message).toMatch(
			/^Scheduled At \(2020-01-20T\d\d:00:00\.000Z\) is in the past$/,
		);
		expect((result.error as { description?: string }).description).toMatch(/Choose a future time/);
		nothingSpent();
	});

	it('an image over the upload cap is called too large, not a wrong extension', async () => {
		const x = channelOn(channels, 'x');
		// A real PNG head padded past PostSider's image cap (the sniffer reads only the head).
		const big = Buffer.concat([PNG, Buffer.alloc(11 * 1024 * 1024)]);
		const result = await runPostSider(ps, create({ channelIds: [x.id], binaryProperties: 'a' }), {
			items: [
				{
					json: {},
					binary: { a: { data: big, fileName: 'big.png', mimeType: 'image/png' } },
				},
			],
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).not.toMatch(/valid extension/);
		expect(result.error?.message).toMatch(/too large|larger|MB/i);
		nothingSpent();
	});
});
