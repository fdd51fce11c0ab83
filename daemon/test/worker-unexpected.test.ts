/**
 * Every item ends (issue 10): an error thrown in a worker turn that is not a service's answer (here
 * a stored create request that no longer parses) uses an attempt like a 5xx, and past maxAttempts
 * the item ends with error.json, instead of being retried every minute for ever with attempts 0.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBudgets, createClients } from '../src/daemon';
import type { PostRecord } from '../src/item';
import { finalizeItem } from '../src/journey/settle';
import { silentLogger } from '../src/log';
import { Worker } from '../src/pipeline/worker';
import { openDb } from '../src/state/db';
import { Store, type TargetState } from '../src/state/store';
import { makeEnv } from './helpers';

function setup(state: TargetState, maxAttempts: number) {
	const env = makeEnv({ maxAttempts });
	let clock = Date.now();
	const now = () => clock;
	const db = openDb(env.loaded.stateDir);
	const store = new Store(db, now);
	const id = 'a1b2c3d4e5f6';
	const workDir = join(env.folder, '.processing', id);
	mkdirSync(workDir, { recursive: true });
	const post: PostRecord = {
		name: 'broken',
		kind: 'file',
		sidecar: { version: 1, text: 'broken request', targets: ['acme-x'] } as PostRecord['sidecar'],
		targets: [
			{ label: 'acme-x', keyName: 'sider', service: 'postsider', accountId: 'ch-x', platform: 'x' },
		],
		when: { kind: 'at', at: clock + 86_400_000 },
		media: [],
		droppedAt: clock,
	};
	store.insertItem(
		{
			id,
			identity: id.repeat(5),
			name: 'broken',
			folder: env.folder,
			work_dir: workDir,
			post: JSON.stringify(post),
		},
		[
			{
				label: 'acme-x',
				key_name: 'sider',
				service: 'postsider',
				account_id: 'ch-x',
				platform: 'x',
				state,
			},
		],
	);
	// A stored request (or upload list) that is not JSON any more: the turn throws a SyntaxError
	// before any HTTP.
	db.prepare(`UPDATE targets SET request = '{"body": [broken', media = '{"items": [broken'`).run();
	const settled: string[] = [];
	const worker = new Worker({
		store,
		budgets: createBudgets(db, env.loaded.config, now),
		clients: createClients(env.loaded, process.env, now),
		log: silentLogger,
		owner: 'test',
		maxAttempts,
		now,
		onSettled: (itemId) => {
			const dest = finalizeItem(store, itemId, now());
			if (dest) settled.push(dest);
		},
	});
	return { store, worker, id, settled, tick: (ms: number) => (clock += ms) };
}

describe('an unexpected error in a worker turn', () => {
	it('uses an attempt each time, and past maxAttempts the item ends with error.json', async () => {
		const { store, worker, id, settled, tick } = setup('unknown', 3);
		for (let attempt = 1; attempt <= 2; attempt++) {
			expect(await worker.runOne()).toBe(true);
			const [t] = store.targets(id);
			expect(t).toMatchObject({ state: 'unknown', attempts: attempt, lease_owner: null });
			expect(JSON.parse(t.error!).message).toMatch(/^unexpected error in postspool: /);
			// Not due again at once: the next attempt is a minute away.
			expect(await worker.runOne()).toBe(false);
			tick(61_000);
		}
		expect(await worker.runOne()).toBe(true);
		const [t] = store.targets(id);
		// A create may have been in flight (state unknown): parked for review, never resent blindly.
		expect(t).toMatchObject({ state: 'needs-review' });
		expect(store.item(id)!.state).toBe('needs-review');
		expect(settled).toHaveLength(1);
		const error = JSON.parse(readFileSync(join(settled[0], 'error.json'), 'utf8'));
		expect(error.errors[0].message).toMatch(
			/unexpected error in postspool: .*3 attempts, the outcome of the last create is unknown/,
		);
		expect(error.retry).toContain(`postspool retry ${id}`);
	});

	it('with no create in flight (uploading), the target fails: gave up after n attempts, with where to look', async () => {
		const { store, worker, id, settled, tick } = setup('uploading', 2);
		expect(await worker.runOne()).toBe(true);
		expect(store.targets(id)[0]).toMatchObject({ state: 'uploading', attempts: 1 });
		tick(61_000);
		expect(await worker.runOne()).toBe(true);
		expect(store.targets(id)[0].state).toBe('failed');
		expect(store.item(id)!.state).toBe('failed');
		const error = JSON.parse(readFileSync(join(settled[0], 'error.json'), 'utf8'));
		expect(error.errors[0]).toMatchObject({
			target: 'acme-x',
			state: 'failed',
			message: expect.stringMatching(
				/^unexpected error in postspool: .*\(gave up after 2 attempts\)$/,
			),
			fix: expect.stringContaining("daemon's log"),
		});
		expect(existsSync(join(settled[0], 'receipt.json'))).toBe(true);
	});
});
