/**
 * The PostSider polling trigger through a real PollContext: the durable cursor in static data, no
 * duplicate emissions, post state changes to PUBLISHED / ERROR, notifications, and manual samples.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import {
	PollHarness,
	PostSiderTrigger,
	TRIGGER_TYPE,
	api,
	channelOn,
	channelsOf,
	credentialsFor,
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

function trigger(events: string[]) {
	return new PollHarness({
		nodeType: new PostSiderTrigger(),
		type: TRIGGER_TYPE,
		parameters: { events, lookbackDays: 7 },
		credentials: credentialsFor(ps),
		name: 'PostSider Trigger',
	});
}

async function publishNow(channel: Channel, content: string, inMs = 0) {
	const { status, body } = await api(ps, 'POST', '/posts', {
		type: inMs > 0 ? 'schedule' : 'now',
		date: new Date(ps.clock.now() + inMs).toISOString(),
		shortLink: false,
		tags: [],
		posts: [{ integration: { id: channel.id }, value: [{ content, image: [] }], settings: {} }],
	});
	expect(status).toBe(201);
	return body[0].postId as string;
}

describe('PostSider Trigger', () => {
	it('emits each post that reached PUBLISHED once, and nothing that existed at activation', async () => {
		const linkedin = channelOn(channels, 'linkedin');
		await publishNow(linkedin, 'before activation');
		ps.clock.advance(5 * 60_000);
		const poller = trigger(['postPublished', 'postFailed']);
		expect(await poller.poll()).toBeNull();

		const id = await publishNow(linkedin, 'after activation', 10 * 60_000);
		expect(await poller.poll()).toBeNull(); // scheduled: still QUEUE
		ps.clock.advance(15 * 60_000);
		const emitted = await poller.poll();
		expect(emitted?.[0].map((i) => i.json)).toEqual([
			expect.objectContaining({ event: 'postPublished', id, state: 'PUBLISHED' }),
		]);
		expect(await poller.poll()).toBeNull();
		expect((poller.staticData.postStates as Record<string, { state: string }>)[id].state).toBe(
			'PUBLISHED',
		);
	});

	it('the cursor survives a restart: a new poller on the saved static data emits nothing old', async () => {
		const linkedin = channelOn(channels, 'linkedin');
		const first = trigger(['postPublished', 'notification']);
		expect(await first.poll()).toBeNull();
		await publishNow(linkedin, 'one');
		ps.clock.advance(5 * 60_000);
		const emitted = (await first.poll())?.[0] ?? [];
		expect(emitted.length).toBeGreaterThanOrEqual(2); // the post and its notification
		const saved = JSON.parse(JSON.stringify(first.staticData));
		const restarted = new PollHarness(
			{
				nodeType: new PostSiderTrigger(),
				type: TRIGGER_TYPE,
				parameters: { events: ['postPublished', 'notification'], lookbackDays: 7 },
				credentials: credentialsFor(ps),
				name: 'PostSider Trigger',
			},
			{ 'node:PostSider Trigger': saved },
		);
		expect(await restarted.poll()).toBeNull();
	});

	it('emits new notifications oldest first, each once', async () => {
		const poller = trigger(['notification']);
		expect(await poller.poll()).toBeNull();
		const linkedin = channelOn(channels, 'linkedin');
		await publishNow(linkedin, 'a');
		await publishNow(linkedin, 'b');
		ps.clock.advance(5 * 60_000);
		const emitted = (await poller.poll())?.[0].map((i) => i.json) ?? [];
		expect(emitted.length).toBeGreaterThanOrEqual(2);
		expect(emitted.every((n) => n.event === 'notification')).toBe(true);
		const times = emitted.map((n) => String(n.createdAt));
		expect([...times].sort()).toEqual(times);
		expect(await poller.poll()).toBeNull();
	});

	it('Post Failed emits only posts that ended in ERROR, with the reason', async () => {
		const linkedin = channelOn(channels, 'linkedin');
		const poller = trigger(['postFailed']);
		expect(await poller.poll()).toBeNull();
		const failed = await publishNow(linkedin, 'this one [fail]s');
		await publishNow(linkedin, 'this one works');
		ps.clock.advance(5 * 60_000);
		const emitted = (await poller.poll())?.[0].map((i) => i.json) ?? [];
		expect(emitted).toEqual([
			expect.objectContaining({
				event: 'postFailed',
				id: failed,
				state: 'ERROR',
				reason: 'Simulated LinkedIn failure: the platform refused the post',
			}),
		]);
		expect(await poller.poll()).toBeNull();
	});

	it('manual mode returns a sample without moving the cursor', async () => {
		const linkedin = channelOn(channels, 'linkedin');
		await publishNow(linkedin, 'sample');
		ps.clock.advance(5 * 60_000);
		const poller = trigger(['postPublished']);
		expect(await poller.poll()).toBeNull();
		const sample = await poller.poll('manual');
		expect(sample?.[0][0].json).toMatchObject({ event: 'postPublished', state: 'PUBLISHED' });
		expect(await poller.poll()).toBeNull();
	});
});
