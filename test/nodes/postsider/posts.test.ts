/**
 * Post operations through the real node against the PostSider emulator: create (draft, schedule,
 * now; several channels; threads; media from binary data and earlier uploads; first comment;
 * provider settings), the derived Idempotency-Key, get, get many, delete, delete group, change
 * status, missing.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import {
	MP4,
	PNG,
	WEBM,
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

function postBodies() {
	return requestsTo(ps, 'POST', '/posts').map((r) => r.body as any);
}

describe('Post → Create', () => {
	it('schedules one post per channel, settings the server requires filled in, time sent as UTC', async () => {
		const x = channelOn(channels, 'x');
		const linkedin = channelOn(channels, 'linkedin');
		const instagram = channelOn(channels, 'instagram');
		// An offset in the input must come out as the same instant in UTC.
		const at = inFuture(ps, 2 * 86_400_000);
		const withOffset = new Date(Date.parse(at) + 2 * 3_600_000)
			.toISOString()
			.replace(/\.000Z$/, '+02:00');
		const result = await runPostSider(
			ps,
			create({
				channelIds: [x.id, linkedin.id, instagram.id],
				postType: 'schedule',
				scheduledAt: withOffset,
				content: 'Launch day',
				binaryProperties: 'data',
				settingsProviders: ['x', 'linkedin'],
				xSettings: { who_can_reply_post: 'following' },
				linkedinSettings: { post_as_images_carousel: false },
				additionalFields: { firstComment: 'first!', tags: 'Launch' },
			}),
			{
				items: [
					{ json: {}, binary: { data: { data: PNG, fileName: 'p.png', mimeType: 'image/png' } } },
				],
			},
		);
		expect(result.error?.message).toBeUndefined();
		const out = output(result);
		expect(out.map((o) => o.integration)).toEqual([x.id, linkedin.id, instagram.id]);
		expect(out.every((o) => o.status === 'created' && typeof o.postId === 'string')).toBe(true);
		expect(result.outputs.PostSider.map((i) => i.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 0 },
			{ item: 0 },
		]);

		const [body] = postBodies();
		expect(body.date).toBe(at);
		expect(withOffset).toMatch(/\+02:00$/);
		expect(body.type).toBe('schedule');
		expect(body.posts[0].settings).toMatchObject({ who_can_reply_post: 'following' });
		expect(body.posts[2].settings).toMatchObject({ post_type: 'post' });
		expect(body.posts[0].firstComment).toBe('first!');
		expect(body.posts[0].value[0].image[0].path).toMatch(/\.png$/);
		const posts = await allPosts(ps);
		expect(posts.filter((p) => p.state === 'QUEUE')).toHaveLength(3);
	});

	it('reads a time without offset in the workflow timezone and sends it as UTC; tags as {value, label}', async () => {
		const x = channelOn(channels, 'x');
		const at = new Date(
			Math.floor((ps.clock.now() + 3 * 86_400_000) / 86_400_000) * 86_400_000 + 9 * 3_600_000,
		);
		const local = at.toISOString().slice(0, 19); // 09:00 wall time, no offset
		const result = await runPostSider(
			ps,
			create({
				channelIds: [x.id],
				postType: 'schedule',
				scheduledAt: local,
				additionalFields: { tags: 'Launch, Q4' },
			}),
			{ timezone: 'Asia/Tokyo' },
		);
		expect(result.error?.message).toBeUndefined();
		const [body] = postBodies();
		// 09:00 in Tokyo (UTC+9, no daylight saving) is 00:00 UTC.
		expect(body.date).toBe(`${local.slice(0, 10)}T00:00:00.000Z`);
		expect(body.tags).toEqual([
			{ value: 'Launch', label: 'Launch' },
			{ value: 'Q4', label: 'Q4' },
		]);
	});

	it('reads "2027-01-20 10:00" (Sheets/SQL style) in the workflow timezone', async () => {
		const x = channelOn(channels, 'x');
		const day = new Date(ps.clock.now() + 3 * 86_400_000).toISOString().slice(0, 10);
		const result = await runPostSider(
			ps,
			create({ channelIds: [x.id], postType: 'schedule', scheduledAt: `${day} 10:00` }),
			{ timezone: 'Asia/Kolkata' },
		);
		expect(result.error?.message).toBeUndefined();
		const [body] = postBodies();
		// Kolkata is UTC+5:30 all year.
		expect(body.date).toBe(`${day}T04:30:00.000Z`);
		expect(output(result)[0].date).toBe(`${day}T04:30:00.000Z`);
	});

	it('fills the eight TikTok fields so a TikTok draft is accepted', async () => {
		const tiktok = channelOn(channels, 'tiktok');
		const result = await runPostSider(
			ps,
			create({ channelIds: [tiktok.id], binaryProperties: 'video' }),
			{
				items: [
					{ json: {}, binary: { video: { data: MP4, fileName: 'v.mp4', mimeType: 'video/mp4' } } },
				],
			},
		);
		expect(result.error?.message).toBeUndefined();
		expect(Object.keys(postBodies()[0].posts[0].settings).sort()).toEqual(
			[
				'autoAddMusic',
				'brand_content_toggle',
				'brand_organic_toggle',
				'comment',
				'content_posting_method',
				'duet',
				'privacy_level',
				'stitch',
			].sort(),
		);
	});

	it('posts a thread with media on a later item, from binary data and earlier uploads', async () => {
		const bluesky = channelOn(channels, 'bluesky');
		const upload = await runPostSider(
			ps,
			{ resource: 'media', operation: 'upload', binaryPropertyName: 'data' },
			{
				items: [
					{
						json: {},
						binary: { data: { data: PNG, fileName: 'earlier.png', mimeType: 'image/png' } },
					},
				],
			},
		);
		const earlier = output(upload)[0];
		expect(earlier.postable).toBe(true);
		const result = await runPostSider(
			ps,
			create({
				channelIds: [bluesky.id],
				postType: 'now',
				content: 'thread start',
				thread: {
					items: [
						{ content: 'second', binaryProperties: 'img' },
						{ content: 'third', binaryProperties: '' },
					],
				},
				additionalFields: { media: { values: [{ id: earlier.id, path: earlier.path }] } },
			}),
			{
				items: [
					{ json: {}, binary: { img: { data: PNG, fileName: 'two.png', mimeType: 'image/png' } } },
				],
			},
		);
		expect(result.error?.message).toBeUndefined();
		const body = postBodies()[0];
		expect(body.posts[0].value.map((v: any) => v.content)).toEqual([
			'thread start',
			'second',
			'third',
		]);
		expect(body.posts[0].value[0].image).toEqual([{ id: earlier.id, path: earlier.path }]);
		expect(body.posts[0].value[1].image).toHaveLength(1);
		const got = await api(ps, 'GET', `/posts/${output(result)[0].postId}`);
		expect(got.body.posts.length).toBeGreaterThanOrEqual(1);
	});

	it('refuses, before creating the post, media PostSider stores with an extension posts cannot use', async () => {
		const x = channelOn(channels, 'x');
		const result = await runPostSider(
			ps,
			create({ channelIds: [x.id], binaryProperties: 'data' }),
			{
				items: [
					{
						json: {},
						binary: { data: { data: WEBM, fileName: 'clip.webm', mimeType: 'video/webm' } },
					},
				],
			},
		);
		expect(result.status).toBe('error');
		expect(result.errors.PostSider?.message).toMatch(
			/binary property "data" \(clip\.webm\) as \.webm/,
		);
		expect(requestsTo(ps, 'POST', '/upload')).toHaveLength(0);
		expect(postBodies()).toHaveLength(0);
	});

	it('a re-run of a post with media reports alreadyCreated with its postId, and uploads and creates nothing again', async () => {
		const x = channelOn(channels, 'x');
		const params = create({
			channelIds: [x.id],
			postType: 'schedule',
			scheduledAt: inFuture(ps),
			binaryProperties: 'data',
		});
		const items = [
			{ json: {}, binary: { data: { data: PNG, fileName: 'p.png', mimeType: 'image/png' } } },
		];
		const first = await runPostSider(ps, params, { items });
		const second = await runPostSider(ps, params, { items });
		expect(first.error?.message).toBeUndefined();
		expect(second.error?.message).toBeUndefined();
		expect(output(first)[0].status).toBe('created');
		expect(output(second)[0]).toMatchObject({
			status: 'alreadyCreated',
			postId: output(first)[0].postId,
			integration: x.id,
		});
		expect(requestsTo(ps, 'POST', '/upload')).toHaveLength(1);
		const keys = requestsTo(ps, 'POST', '/posts').map((r) => r.headers['idempotency-key']);
		expect(keys).toHaveLength(1);
		expect(keys[0]).toMatch(/^n8n:[0-9a-f]{64}$/);
		expect(await allPosts(ps)).toHaveLength(1);
	});

	it('a re-run of a "Now" post with media finds it without uploading again: alreadyCreated with its postId', async () => {
		const x = channelOn(channels, 'x');
		const params = create({ channelIds: [x.id], postType: 'now', binaryProperties: 'data' });
		const items = [
			{ json: {}, binary: { data: { data: PNG, fileName: 'p.png', mimeType: 'image/png' } } },
		];
		// The node looks back from its own clock; here PostSider's clock agrees with it.
		ps.clock.set(Date.now());
		const first = await runPostSider(ps, params, { items });
		const second = await runPostSider(ps, params, { items });
		expect(first.error?.message).toBeUndefined();
		expect(second.error?.message).toBeUndefined();
		expect(output(first)[0].status).toBe('created');
		expect(output(second)[0]).toMatchObject({
			status: 'alreadyCreated',
			postId: output(first)[0].postId,
			integration: x.id,
		});
		expect(requestsTo(ps, 'POST', '/upload')).toHaveLength(1);
		expect(requestsTo(ps, 'POST', '/posts')).toHaveLength(1);
		// Without the look-up the file is uploaded again and the derived key stops the post (409);
		// the node then looks once, so the output still has the postId.
		const unlooked = await runPostSider(
			ps,
			{ ...params, options: { lookUpExisting: false } },
			{ items },
		);
		expect(output(unlooked)[0]).toMatchObject({
			status: 'alreadyCreated',
			postId: output(first)[0].postId,
		});
		expect(requestsTo(ps, 'POST', '/upload')).toHaveLength(2);
		expect(requestsTo(ps, 'POST', '/posts').map((r) => r.status)).toEqual([201, 409]);
		expect(await allPosts(ps)).toHaveLength(1);
	});

	it('a re-run of an undated draft with a thread and media is found by its texts and files; another file is a new post', async () => {
		const x = channelOn(channels, 'x');
		const params = create({
			channelIds: [x.id],
			postType: 'draft',
			binaryProperties: 'data',
			thread: { items: [{ content: 'second part', binaryProperties: 'more' }] },
		});
		const png = (data: Buffer) => ({ data, fileName: 'p.png', mimeType: 'image/png' });
		const items = [{ json: {}, binary: { data: png(PNG), more: png(MP4) } }];
		ps.clock.set(Date.now());
		const first = await runPostSider(ps, params, { items });
		expect(first.error?.message).toBeUndefined();
		const again = await runPostSider(ps, params, { items });
		expect(output(again)[0]).toMatchObject({
			status: 'alreadyCreated',
			postId: output(first)[0].postId,
		});
		expect(requestsTo(ps, 'POST', '/upload')).toHaveLength(2);
		// Same texts, another thread file (one byte more): a different post, created.
		const other = [
			{ json: {}, binary: { data: png(PNG), more: png(Buffer.concat([MP4, Buffer.from([0])])) } },
		];
		const changed = await runPostSider(ps, params, { items: other });
		expect(changed.error?.message).toBeUndefined();
		expect(output(changed)[0].status).toBe('created');
		expect(output(changed)[0].postId).not.toBe(output(first)[0].postId);
		expect(await allPosts(ps)).toHaveLength(2);
	});

	it('a re-run of a "Now" text post is found before anything is sent; without the look-up the key stops it and it is still found', async () => {
		const x = channelOn(channels, 'x');
		const params = create({ channelIds: [x.id], postType: 'now', content: 'now text' });
		ps.clock.set(Date.now());
		const first = await runPostSider(ps, params);
		const again = await runPostSider(ps, params);
		expect(output(again)[0]).toMatchObject({
			status: 'alreadyCreated',
			postId: output(first)[0].postId,
		});
		expect(requestsTo(ps, 'POST', '/posts')).toHaveLength(1);
		const unlooked = await runPostSider(ps, {
			...params,
			options: { lookUpExisting: false },
		});
		expect(output(unlooked)[0]).toMatchObject({
			status: 'alreadyCreated',
			postId: output(first)[0].postId,
		});
		expect(requestsTo(ps, 'POST', '/posts').map((r) => r.status)).toEqual([201, 409]);
		expect(await allPosts(ps)).toHaveLength(1);
	});

	it('a run of several "Now" items lists the recent posts once, not once per item', async () => {
		const x = channelOn(channels, 'x');
		ps.clock.set(Date.now());
		const result = await runPostSider(
			ps,
			create({ channelIds: [x.id], postType: 'now', content: '={{ $json.text }}' }),
			{ items: ['one', 'two', 'three'].map((text) => ({ json: { text } })) },
		);
		expect(output(result).map((o) => o.status)).toEqual(['created', 'created', 'created']);
		expect(requestsTo(ps, 'GET', '/posts')).toHaveLength(1);
	});

	it('a re-run without the look-up still posts nothing twice: the derived Idempotency-Key, even with fresh uploads', async () => {
		const x = channelOn(channels, 'x');
		const params = create({
			channelIds: [x.id],
			postType: 'schedule',
			scheduledAt: inFuture(ps),
			binaryProperties: 'data',
			options: { lookUpExisting: false },
		});
		const items = [
			{ json: {}, binary: { data: { data: PNG, fileName: 'p.png', mimeType: 'image/png' } } },
		];
		const first = await runPostSider(ps, params, { items });
		const second = await runPostSider(ps, params, { items });
		const keys = requestsTo(ps, 'POST', '/posts').map((r) => r.headers['idempotency-key']);
		expect(keys).toHaveLength(2);
		expect(keys[1]).toBe(keys[0]);
		expect(output(second)[0].status).toBe('alreadyCreated');
		expect(output(second)[0].postId).toBe(output(first)[0].postId);
		expect(await allPosts(ps)).toHaveLength(1);
	});

	it('a re-run of a text post reports alreadyCreated (not created) and sends nothing; changed text is a new post', async () => {
		const x = channelOn(channels, 'x');
		const params = create({ channelIds: [x.id], postType: 'schedule', scheduledAt: inFuture(ps) });
		const first = await runPostSider(ps, params);
		const again = await runPostSider(ps, params);
		expect(output(first)[0].status).toBe('created');
		expect(output(again)[0]).toMatchObject({
			status: 'alreadyCreated',
			postId: output(first)[0].postId,
		});
		expect(requestsTo(ps, 'POST', '/posts')).toHaveLength(1);
		await runPostSider(ps, { ...params, content: 'something else' });
		expect(await allPosts(ps)).toHaveLength(2);
	});

	it('an own Idempotency-Key reused for a different post fails with 409 and says what to do', async () => {
		const x = channelOn(channels, 'x');
		await runPostSider(
			ps,
			create({
				channelIds: [x.id],
				options: { idempotencyKey: 'my-key-1', draftDate: '2030-01-01T00:00:00Z' },
			}),
		);
		const result = await runPostSider(
			ps,
			create({
				channelIds: [x.id],
				content: 'other',
				options: { idempotencyKey: 'my-key-1', draftDate: '2030-01-01T00:00:00Z' },
			}),
		);
		expect(result.status).toBe('error');
		expect(result.errors.PostSider?.message).toMatch(
			/PostSider 409 .*Idempotency-Key was already used with a different request/,
		);
		expect(result.errors.PostSider?.description).toMatch(/new key/);
	});

	it('with files to upload, a post PostSider would refuse fails before any upload', async () => {
		const pinterest = channelOn(channels, 'pinterest');
		const result = await runPostSider(
			ps,
			create({ channelIds: [pinterest.id], binaryProperties: 'data' }),
			{
				items: [
					{ json: {}, binary: { data: { data: PNG, fileName: 'p.png', mimeType: 'image/png' } } },
				],
			},
		);
		expect(result.status).toBe('error');
		expect(result.errors.PostSider?.message).toBe(
			'The Pinterest channel "Demo Pinterest" needs "Board ID" in "Pinterest Settings" (choose Pinterest under "Settings For Providers"), or "board" for "pinterest" in Options → Settings JSON',
		);
		expect(requestsTo(ps, 'POST', '/upload')).toHaveLength(0);
		expect(requestsTo(ps, 'POST', '/posts')).toHaveLength(0);
	});

	it('with files to upload, a text PostSider counts as too long fails before any upload, with the count', async () => {
		const bluesky = channelOn(channels, 'bluesky');
		const result = await runPostSider(
			ps,
			create({
				channelIds: [bluesky.id],
				postType: 'now',
				content: 'Tom & Jerry '.repeat(20),
				binaryProperties: 'data',
			}),
			{
				items: [
					{ json: {}, binary: { data: { data: PNG, fileName: 'p.png', mimeType: 'image/png' } } },
				],
			},
		);
		expect(result.status).toBe('error');
		// 240 characters as typed, 320 as the server counts them (& is &amp;).
		expect(result.errors.PostSider?.message).toMatch(
			/would refuse this post for .*\(bluesky\): the text is too long, 320 of 300 for Bluesky: & counts 5/,
		);
		expect(requestsTo(ps, 'POST', '/upload')).toHaveLength(0);
		expect(requestsTo(ps, 'POST', '/posts')).toHaveLength(0);
	});

	it('with files to upload, an X text over 280 fails before any upload unless the server says the account is verified', async () => {
		const x = channelOn(channels, 'x');
		const run = () =>
			runPostSider(
				ps,
				create({
					channelIds: [x.id],
					postType: 'now',
					content: 'a'.repeat(300),
					binaryProperties: 'data',
				}),
				{
					items: [
						{ json: {}, binary: { data: { data: PNG, fileName: 'p.png', mimeType: 'image/png' } } },
					],
				},
			);
		// The demo X account is not verified: the server's limit (GET /integration-settings/:id) is 280.
		const refused = await run();
		expect(refused.status).toBe('error');
		expect(refused.errors.PostSider?.message).toMatch(
			/would refuse this post for .*\(x\): the text is too long, 300 of 280 for X: twitter-text weighted length 300/,
		);
		expect(requestsTo(ps, 'GET', `/integration-settings/${x.id}`)).toHaveLength(1);
		expect(requestsTo(ps, 'POST', '/upload')).toHaveLength(0);
		expect(requestsTo(ps, 'POST', '/posts')).toHaveLength(0);
		// The same account marked Verified (how the server decides): 4000, so the post goes through.
		ps.store.channels.get(x.id)!.additionalSettings = JSON.stringify([
			{ title: 'Verified', value: true },
		]);
		const accepted = await run();
		expect(accepted.status).toBe('success');
		expect(requestsTo(ps, 'POST', '/upload')).toHaveLength(1);
		expect(requestsTo(ps, 'POST', '/posts')).toHaveLength(1);
	});

	it('a missing YouTube title is one message naming the panel field and the channel, before sending', async () => {
		const youtube = channelOn(channels, 'youtube');
		for (const typeVersion of [2, 1]) {
			const result = await runPostSider(ps, create({ channelIds: [youtube.id] }), {
				node: { typeVersion },
			});
			expect(result.status).toBe('error');
			const where =
				typeVersion === 2
					? '"Video Title" in "YouTube Settings" (choose YouTube under "Settings For Providers")'
					: '"YouTube: Video Title" in "Provider Settings"';
			expect(result.errors.PostSider?.message).toBe(
				`The YouTube channel "${youtube.name}" needs ${where}, or "title" for "youtube" in Options → Settings JSON`,
			);
		}
		expect(requestsTo(ps, 'POST', '/posts')).toHaveLength(0);
		// With the title set, the post goes through.
		const titled = await runPostSider(
			ps,
			create({
				channelIds: [youtube.id],
				binaryProperties: 'data',
				settingsProviders: ['youtube'],
				youtubeSettings: { title: 'Launch video' },
			}),
			{
				items: [
					{ json: {}, binary: { data: { data: MP4, fileName: 'v.mp4', mimeType: 'video/mp4' } } },
				],
			},
		);
		expect(titled.status, titled.error?.message).toBe('success');
		expect(postBodies()[0].posts[0].settings).toMatchObject({ title: 'Launch video' });
	});
});

describe('Post → Get, Get Many, Delete, Delete Group, Change Status, Find Missing', () => {
	async function createDraft(channel: Channel, content = 'draft'): Promise<string> {
		const result = await runPostSider(
			ps,
			create({ channelIds: [channel.id], content, options: { draftDate: inFuture(ps) } }),
		);
		expect(result.error?.message).toBeUndefined();
		return String(output(result)[0].postId);
	}

	it('Get returns the post without the channel OAuth tokens', async () => {
		const id = await createDraft(channelOn(channels, 'linkedin'));
		const raw = await api(ps, 'GET', `/posts/${id}`);
		const serialized = JSON.stringify(raw.body);
		expect(serialized).toMatch(/refreshToken/);
		const result = await runPostSider(ps, { resource: 'post', operation: 'get', postId: id });
		const text = JSON.stringify(output(result));
		expect(output(result)[0].group).toBe(raw.body.group);
		expect(text).not.toMatch(/"token"|refreshToken/);
		for (const secret of [
			raw.body.posts[0].integration?.token,
			raw.body.posts[0].integration?.refreshToken,
		].filter(Boolean)) {
			expect(text).not.toContain(secret);
		}
	});

	it('Get Many lists the posts in the date range, one item each', async () => {
		const a = await createDraft(channelOn(channels, 'linkedin'), 'a');
		const b = await createDraft(channelOn(channels, 'x'), 'b');
		const result = await runPostSider(ps, {
			resource: 'post',
			operation: 'getMany',
			startDate: new Date(ps.clock.now()).toISOString(),
			endDate: new Date(ps.clock.now() + 3 * 86_400_000).toISOString(),
		});
		expect(
			output(result)
				.map((p) => p.id)
				.sort(),
		).toEqual([a, b].sort());
		const outside = await runPostSider(ps, {
			resource: 'post',
			operation: 'getMany',
			startDate: new Date(ps.clock.now() - 5 * 86_400_000).toISOString(),
			endDate: new Date(ps.clock.now() - 4 * 86_400_000).toISOString(),
		});
		expect(output(outside)).toEqual([]);
	});

	it("Change Status queues a draft; Delete removes it; an unknown id fails with PostSider's reason", async () => {
		const id = await createDraft(channelOn(channels, 'linkedin'));
		const changed = await runPostSider(ps, {
			resource: 'post',
			operation: 'changeStatus',
			postId: id,
			status: 'schedule',
		});
		expect(output(changed)[0]).toMatchObject({ id, state: 'QUEUE' });
		const deleted = await runPostSider(ps, { resource: 'post', operation: 'delete', postId: id });
		expect(output(deleted)[0]).toMatchObject({ postId: id, success: true });
		expect(await allPosts(ps)).toHaveLength(0);
		const again = await runPostSider(ps, { resource: 'post', operation: 'delete', postId: id });
		expect(again.errors.PostSider?.message).toMatch(/PostSider 400 .*Post not found/);
	});

	it('Delete Group removes every post of the group', async () => {
		const id = await createDraft(channelOn(channels, 'x'));
		const { body } = await api(ps, 'GET', `/posts/${id}`);
		const result = await runPostSider(ps, {
			resource: 'post',
			operation: 'deleteGroup',
			group: body.group,
		});
		expect(output(result)[0]).toMatchObject({ group: body.group, success: true });
		expect(await allPosts(ps)).toHaveLength(0);
	});

	it('Find Missing lists the candidates of a TikTok post published without a platform id; Link Release ID links one', async () => {
		const tiktok = channelOn(channels, 'tiktok');
		const created = await runPostSider(
			ps,
			create({
				channelIds: [tiktok.id],
				postType: 'now',
				content: '[missing] clip',
				binaryProperties: 'video',
			}),
			{
				items: [
					{ json: {}, binary: { video: { data: MP4, fileName: 'v.mp4', mimeType: 'video/mp4' } } },
				],
			},
		);
		const id = String(output(created)[0].postId);
		ps.clock.advance(5 * 60_000);
		const result = await runPostSider(ps, { resource: 'post', operation: 'missing', postId: id });
		expect(output(result).length).toBeGreaterThan(0);
		expect(output(result)[0]).toMatchObject({ postId: id });
		expect(output(result)[0]).toHaveProperty('url');
		const analytics = await runPostSider(ps, {
			resource: 'analytics',
			operation: 'post',
			postId: id,
			days: 7,
		});
		expect(output(analytics)).toEqual([{ postId: id, missing: true }]);
		const candidate = String(output(result)[0].id);
		const linked = await runPostSider(ps, {
			resource: 'post',
			operation: 'setReleaseId',
			postId: id,
			releaseId: candidate,
		});
		expect(linked.error?.message).toBeUndefined();
		expect(output(linked)[0]).toMatchObject({ id, releaseId: candidate });
		expect(JSON.stringify(output(linked))).not.toMatch(/refreshToken/);
		const again = await runPostSider(ps, { resource: 'post', operation: 'missing', postId: id });
		expect(output(again)).toEqual([]);
	});

	it('Find Missing returns nothing for a post that has its platform id', async () => {
		const id = await createDraft(channelOn(channels, 'tiktok'));
		const result = await runPostSider(ps, { resource: 'post', operation: 'missing', postId: id });
		expect(result.status).toBe('success');
		expect(output(result)).toEqual([]);
		expect(requestsTo(ps, 'GET', `/posts/${id}/missing`)).toHaveLength(1);
	});
});
