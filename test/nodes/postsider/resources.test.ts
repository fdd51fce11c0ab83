/**
 * Media, Channel, Group, Analytics, Notification and Approval operations, and the pickers, through
 * the real node against the PostSider emulator.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import {
	PNG,
	WEBM,
	api,
	byId,
	channelOn,
	channelsOf,
	inFuture,
	listSearch,
	loadOptions,
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
	ps = await startPostSider({ uploadFromUrlAllow: () => true });
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

describe('Media', () => {
	it('Upload sends the binary property as multipart "file" and returns the media object', async () => {
		const result = await runPostSider(
			ps,
			{ resource: 'media', operation: 'upload', binaryPropertyName: 'photo' },
			{
				items: [
					{
						json: {},
						binary: { photo: { data: PNG, fileName: 'photo.png', mimeType: 'image/png' } },
					},
				],
			},
		);
		expect(result.error?.message).toBeUndefined();
		const media = output(result)[0];
		expect(media).toMatchObject({ type: 'image', postable: true });
		expect(String(media.path)).toMatch(/\.png$/);
		// The stored file is served at its path, byte for byte.
		const served = await fetch(String(media.path));
		expect(Buffer.from(await served.arrayBuffer()).equals(PNG)).toBe(true);
	});

	it('Upload marks a stored type that posts cannot reference', async () => {
		const result = await runPostSider(
			ps,
			{ resource: 'media', operation: 'upload', binaryPropertyName: 'data' },
			{
				items: [
					{
						json: {},
						binary: { data: { data: WEBM, fileName: 'clip.webm', mimeType: 'video/webm' } },
					},
				],
			},
		);
		expect(output(result)[0]).toMatchObject({ postable: false });
	});

	it('Upload of a missing binary property names it', async () => {
		const result = await runPostSider(ps, {
			resource: 'media',
			operation: 'upload',
			binaryPropertyName: 'nope',
		});
		expect(result.status).toBe('error');
		expect(result.errors.PostSider?.message).toMatch(/nope/);
		expect(requestsTo(ps, 'POST', '/upload')).toHaveLength(0);
	});

	it('Import From URL lets PostSider download the file', async () => {
		const upload = await runPostSider(
			ps,
			{ resource: 'media', operation: 'upload', binaryPropertyName: 'data' },
			{
				items: [
					{ json: {}, binary: { data: { data: PNG, fileName: 'a.png', mimeType: 'image/png' } } },
				],
			},
		);
		const url = String(output(upload)[0].path);
		const result = await runPostSider(ps, { resource: 'media', operation: 'importFromUrl', url });
		expect(result.error?.message).toBeUndefined();
		expect(String(output(result)[0].path)).toMatch(/\.png$/);
		const bad = await runPostSider(ps, {
			resource: 'media',
			operation: 'importFromUrl',
			url: 'https://example.com/file',
		});
		expect(bad.errors.PostSider?.message).toMatch(/PostSider 400 .*valid extension/);
	});
});

describe('Channel and Group', () => {
	it('Get Many lists channels, disabled ones included unless excluded', async () => {
		const all = await runPostSider(ps, {
			resource: 'channel',
			operation: 'getMany',
			includeDisabled: true,
		});
		expect(output(all)).toHaveLength(channels.length);
		const enabled = await runPostSider(ps, {
			resource: 'channel',
			operation: 'getMany',
			includeDisabled: false,
		});
		expect(output(enabled).every((c) => c.disabled === false)).toBe(true);
		expect(output(enabled).length).toBe(channels.filter((c) => !c.disabled).length);
		expect(channels.some((c) => c.disabled)).toBe(true);
	});

	it('Get Many leaves disabled channels out unless Include Disabled is on', async () => {
		const byDefault = await runPostSider(ps, { resource: 'channel', operation: 'getMany' });
		expect(output(byDefault).map((c) => c.id)).toEqual(
			channels.filter((c) => !c.disabled).map((c) => c.id),
		);
	});

	it('the channel picker searches and marks disabled channels', async () => {
		const disabled = channels.find((c) => c.disabled)!;
		const { results } = await listSearch(ps, 'searchChannels');
		expect(results).toHaveLength(channels.length);
		expect(results.find((r) => r.value === disabled.id)?.name).toMatch(/\[disabled\]$/);
		const x = channelOn(channels, 'x');
		const filtered = await listSearch(ps, 'searchChannels', 'x');
		expect(filtered.results.map((r) => r.value)).toContain(x.id);
		const options = await loadOptions(ps, 'getChannels');
		expect(options.find((o) => o.value === disabled.id)?.description).toMatch(/Disabled/);
	});

	it('Find Next Slot returns a UTC time with Z, usable by Create', async () => {
		const x = channelOn(channels, 'x');
		const result = await runPostSider(ps, {
			resource: 'channel',
			operation: 'findSlot',
			channel: byId(x.id),
		});
		const date = String(output(result)[0].date);
		expect(date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$/);
		expect(Date.parse(date)).toBeGreaterThan(ps.clock.now());
	});

	it('Get Settings Schema returns the channel rules', async () => {
		const x = channelOn(channels, 'x');
		const result = await runPostSider(ps, {
			resource: 'channel',
			operation: 'getSettings',
			channel: byId(x.id),
		});
		expect(output(result)[0]).toHaveProperty('maxLength');
		const unknown = await runPostSider(ps, {
			resource: 'channel',
			operation: 'getSettings',
			channel: byId('nope'),
		});
		expect(unknown.errors.PostSider?.message).toMatch(/PostSider 404 .*Integration not found/);
	});

	it('Run Provider Tool lists Pinterest boards, one item each; an unknown tool names itself', async () => {
		const pinterest = channelOn(channels, 'pinterest');
		const result = await runPostSider(ps, {
			resource: 'channel',
			operation: 'runTool',
			channel: byId(pinterest.id),
			methodName: 'boards',
			data: '{}',
		});
		expect(result.error?.message).toBeUndefined();
		expect(output(result).length).toBeGreaterThan(0);
		expect(output(result)[0]).toMatchObject({ channel: pinterest.id });
		expect(output(result)[0]).toHaveProperty('id');
		expect(requestsTo(ps, 'POST', `/integration-trigger/${pinterest.id}`)[0].body).toEqual({
			methodName: 'boards',
			data: {},
		});
		const unknown = await runPostSider(ps, {
			resource: 'channel',
			operation: 'runTool',
			channel: byId(pinterest.id),
			methodName: 'nope',
			data: '{}',
		});
		expect(unknown.errors.PostSider?.message).toMatch(/PostSider 404 .*Tool not found/);
	});

	it('Start Connect returns the URL to open', async () => {
		const result = await runPostSider(ps, {
			resource: 'channel',
			operation: 'connect',
			provider: 'bluesky',
		});
		expect(String(output(result)[0].url)).toMatch(/^https?:\/\//);
	});

	it('Disconnect removes the channel and never outputs its OAuth tokens or custom-instance secrets', async () => {
		const linkedin = channelOn(channels, 'linkedin');
		ps.store.channels.get(linkedin.id)!.customInstanceDetails =
			'{"clientId":"own-app","clientSecret":"instance-secret"}';
		const result = await runPostSider(ps, {
			resource: 'channel',
			operation: 'disconnect',
			channel: byId(linkedin.id),
		});
		expect(result.error?.message).toBeUndefined();
		const out = output(result)[0];
		expect(out.id).toBe(linkedin.id);
		expect(out.deletedAt).toBeTruthy();
		expect(JSON.stringify(out)).not.toMatch(
			/"token"|refreshToken|customInstanceDetails|instance-secret/,
		);
		expect((await channelsOf(ps)).some((c) => c.id === linkedin.id)).toBe(false);
	});

	it('Group → Get Many lists groups', async () => {
		const result = await runPostSider(ps, { resource: 'group', operation: 'getMany' });
		const { body } = await api(ps, 'GET', '/groups');
		expect(output(result)).toEqual(body);
	});
});

describe('Analytics, Notification, Approval', () => {
	it('channel analytics: one item per metric; unknown channel fails with the 500 reason', async () => {
		const x = channelOn(channels, 'x');
		const result = await runPostSider(ps, {
			resource: 'analytics',
			operation: 'channel',
			channel: byId(x.id),
			days: 7,
		});
		expect(output(result).length).toBeGreaterThan(0);
		expect(output(result)[0]).toMatchObject({ channel: x.id });
		expect(output(result)[0]).toHaveProperty('label');
		expect(requestsTo(ps, 'GET', `/analytics/${x.id}`)[0].query).toMatchObject({ date: '7' });
		const bad = await runPostSider(ps, {
			resource: 'analytics',
			operation: 'channel',
			channel: byId('nope'),
			days: 7,
		});
		expect(bad.errors.PostSider?.message).toMatch(/PostSider 500/);
	});

	it('post analytics of a fresh post is empty', async () => {
		const x = channelOn(channels, 'x');
		const created = await api(ps, 'POST', '/posts', {
			type: 'draft',
			date: inFuture(ps),
			shortLink: false,
			tags: [],
			posts: [
				{
					integration: { id: x.id },
					value: [{ content: 'a', image: [] }],
					settings: { who_can_reply_post: 'everyone' },
				},
			],
		});
		const id = created.body[0].postId;
		const result = await runPostSider(ps, {
			resource: 'analytics',
			operation: 'post',
			postId: id,
			days: 30,
		});
		expect(result.status).toBe('success');
		expect(requestsTo(ps, 'GET', `/analytics/post/${id}`)).toHaveLength(1);
	});

	it('notifications: limit, and return all follows the pages', async () => {
		const x = channelOn(channels, 'x');
		// Publish posts so the simulated publisher writes notifications.
		for (let n = 0; n < 3; n++) {
			await api(ps, 'POST', '/posts', {
				type: 'now',
				date: new Date(ps.clock.now()).toISOString(),
				shortLink: false,
				tags: [],
				posts: [
					{
						integration: { id: x.id },
						value: [{ content: `n${n}`, image: [] }],
						settings: { who_can_reply_post: 'everyone' },
					},
				],
			});
		}
		ps.clock.advance(5 * 60_000);
		const { body } = await api(ps, 'GET', '/notifications?page=0');
		expect(body.total).toBeGreaterThan(0);
		const limited = await runPostSider(ps, {
			resource: 'notification',
			operation: 'getMany',
			returnAll: false,
			limit: 1,
		});
		expect(output(limited)).toHaveLength(1);
		const all = await runPostSider(ps, {
			resource: 'notification',
			operation: 'getMany',
			returnAll: true,
		});
		expect(output(all)).toHaveLength(body.total);
	});

	it('approval: request for a draft, then its status', async () => {
		const x = channelOn(channels, 'x');
		const created = await api(ps, 'POST', '/posts', {
			type: 'draft',
			date: inFuture(ps),
			shortLink: false,
			tags: [],
			posts: [
				{
					integration: { id: x.id },
					value: [{ content: 'approve me', image: [] }],
					settings: { who_can_reply_post: 'everyone' },
				},
			],
		});
		const id = created.body[0].postId;
		const before = await runPostSider(ps, {
			resource: 'approval',
			operation: 'getStatus',
			postId: id,
		});
		expect(output(before)[0]).toMatchObject({ postId: id, status: 'NONE' });
		const requested = await runPostSider(ps, {
			resource: 'approval',
			operation: 'request',
			postId: id,
		});
		expect(requested.error?.message).toBeUndefined();
		const after = await runPostSider(ps, {
			resource: 'approval',
			operation: 'getStatus',
			postId: id,
		});
		expect(output(after)[0]).toMatchObject({ postId: id, status: 'PENDING' });
		const twice = await runPostSider(ps, {
			resource: 'approval',
			operation: 'request',
			postId: id,
		});
		expect(twice.errors.PostSider?.message).toMatch(/PostSider 400 .*Only draft posts/);
	});
});

describe('Media checks before the upload', () => {
	it('a file PostSider would refuse is named with the reason and never uploaded', async () => {
		const result = await runPostSider(
			ps,
			{ resource: 'media', operation: 'upload', binaryPropertyName: 'doc' },
			{
				items: [
					{
						json: {},
						binary: {
							doc: {
								data: Buffer.from('just some text, not media'),
								fileName: 'notes.txt',
								mimeType: 'text/plain',
							},
						},
					},
				],
			},
		);
		expect(result.status).toBe('error');
		expect(result.errors.PostSider?.message).toBe(
			'PostSider would refuse binary property "doc" (notes.txt): Unsupported file type. Allowed: JPEG, PNG, GIF, WebP, AVIF, BMP, TIFF, MP4, WebM, MOV.',
		);
		expect(requestsTo(ps, 'POST', '/upload')).toHaveLength(0);
	});
});
