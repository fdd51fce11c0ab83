/**
 * PostFast Trigger: posts reaching PUBLISHED or FAILED in the emulator (its simulated publisher,
 * driven by its clock) are emitted once each, the cursor survives polls, and manual mode shows data.
 */
import { describe, expect, it } from 'vitest';

import {
	accountOn,
	accounts,
	byId,
	credentialsFor,
	output,
	pf,
	PollHarness,
	PostFastTrigger,
	runPostFast,
	startPostFast,
	TRIGGER_TYPE,
	useEmulator,
} from './setup';

useEmulator();

function trigger(
	parameters: Record<string, unknown> = {},
	staticData: Record<string, unknown> = {},
) {
	return new PollHarness(
		{
			nodeType: new PostFastTrigger(),
			type: TRIGGER_TYPE,
			name: 'PostFast Trigger',
			parameters: { events: ['published', 'failed'], filters: {}, options: {}, ...parameters },
			credentials: credentialsFor(pf),
		},
		staticData as never,
	);
}

async function schedule(texts: string[], inMs: number): Promise<string[]> {
	const x = accountOn(accounts, 'X');
	const at = new Date(pf.clock.now() + inMs).toISOString();
	const result = await runPostFast(
		pf,
		{
			resource: 'socialPost',
			operation: 'create',
			account: byId(x.id),
			content: '={{ $json.text }}',
			status: 'SCHEDULED',
			scheduledAt: at,
			binaryProperties: '',
		},
		{ items: texts.map((text) => ({ json: { text } })) },
	);
	expect(result.status, result.error?.message).toBe('success');
	return output(result).map((o) => String(o.postId));
}

describe('PostFast Trigger', () => {
	it('emits each published post once, across polls, and records without emitting on the first poll', async () => {
		const poller = trigger();
		const before = await schedule(['already there'], 60_000);
		pf.clock.advance(5 * 60_000);
		await pf.tick?.();
		expect(await poller.poll()).toBeNull(); // activation: record, don't emit

		const ids = await schedule(['one', 'two'], 60_000);
		expect(await poller.poll()).toBeNull(); // not published yet
		pf.clock.advance(5 * 60_000);
		await pf.tick?.();
		const emitted = await poller.poll();
		expect(emitted).not.toBeNull();
		const json = emitted![0].map((item) => item.json);
		expect(json.map((p) => p.id).sort()).toEqual(ids.sort());
		expect(json.every((p) => p.event === 'published' || p.event === 'failed')).toBe(true);
		// Each event names the account's platform and name (a post itself only has socialMediaId).
		const x = accountOn(accounts, 'X');
		expect(x.displayName ?? x.platformUsername).toBeTruthy();
		for (const event of json) {
			expect(event).toMatchObject({
				socialMediaId: x.id,
				platform: 'X',
				accountName: x.displayName ?? x.platformUsername,
			});
		}
		expect(json.map((p) => p.id)).not.toContain(before[0]);

		expect(await poller.poll()).toBeNull(); // no duplicates
		const cursor = poller.staticData.cursor as { seen: Record<string, string> };
		for (const id of ids) expect(cursor.seen[id]).toMatch(/PUBLISHED|FAILED/);
	});

	it('emits failed posts with their error, and the persisted cursor survives a restart', async () => {
		const poller = trigger();
		expect(await poller.poll()).toBeNull();
		const [failing, publishing] = await schedule(['will [fail]', 'will publish'], 60_000);
		pf.clock.advance(5 * 60_000);
		const first = (await poller.poll())![0].map((item) => item.json);
		expect(first.find((p) => p.id === failing)).toMatchObject({
			event: 'failed',
			status: 'FAILED',
		});
		expect(first.find((p) => p.id === failing)?.lastError).toBeTruthy();
		expect(first.find((p) => p.id === publishing)).toMatchObject({
			event: 'published',
			status: 'PUBLISHED',
		});

		// n8n persists static data between activations: a new poller on a copy of it emits nothing old.
		const restarted = trigger(
			{},
			JSON.parse(JSON.stringify(poller.workflow.staticData)) as Record<string, unknown>,
		);
		expect(await restarted.poll()).toBeNull();
		const [later] = await schedule(['after restart'], 60_000);
		pf.clock.advance(5 * 60_000);
		const second = (await restarted.poll())![0].map((item) => item.json);
		expect(second.map((p) => p.id)).toEqual([later]);
	});

	it('only watches the chosen events', async () => {
		const poller = trigger({ events: ['failed'] });
		expect(await poller.poll()).toBeNull();
		await poller.poll();
		const [request] = pf.requests.filter((r) => r.path === '/social-posts' && r.method === 'GET');
		expect(request.query.statuses).toBe('FAILED');
	});

	it('manual mode returns a sample when there is nothing, and does not move the cursor', async () => {
		const poller = trigger();
		const sample = await poller.poll('manual');
		expect(sample?.[0][0].json).toMatchObject({ sample: true, event: 'published' });
		expect(poller.staticData.cursor).toBeUndefined();
	});

	it('on a server without GET /social-posts the poll fails saying what is missing', async () => {
		const vendorOnly = await startPostFast({ vendorPageOnly: true });
		try {
			const poller = new PollHarness({
				nodeType: new PostFastTrigger(),
				type: TRIGGER_TYPE,
				parameters: { events: ['published'], filters: {}, options: {} },
				credentials: credentialsFor(vendorOnly),
			});
			await expect(poller.poll()).rejects.toThrow(/PostFast 404 on GET \/social-posts/);
		} finally {
			await vendorOnly.close();
		}
	});
});
