/**
 * `plan` and `queue ls` estimate the batches the worker really sends: a mixed PostFast backlog
 * (different statuses, approval and controls, images that fill upload-URL requests, an account
 * over its daily cap) is planned with `planEtas`/`sendOrder`, then the real worker sends it to the
 * PostFast emulator on a virtual clock. The creates it sent must be exactly the planned batches,
 * sent when their ETA said.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostFast } from '../../emulators/src/index';
import { postfastAccount } from '../../test/faults/lib/daemon';
import { planEtas, queuedTargets } from '../src/commands/eta';
import { ConfigSchema } from '../src/config/schema';
import { createBudgets, createClients } from '../src/daemon';
import { samplePng } from '../src/demo/media';
import { Intake } from '../src/intake/ingest';
import { silentLogger } from '../src/log';
import { sendOrder } from '../src/pipeline/batch-rule';
import { Worker } from '../src/pipeline/worker';
import { openDb } from '../src/state/db';
import { Store } from '../src/state/store';
import { tempDir } from './helpers';

const T0 = Date.parse('2027-03-01T08:00:00Z');
const DAY = 86_400_000;
let pf: Awaited<ReturnType<typeof startPostFast>>;

beforeAll(async () => {
	pf = await startPostFast({ profile: 'vendor', now: T0 });
	pf.clock.set(T0);
});
afterAll(async () => {
	await pf?.close();
});

describe('plan agrees with the worker', () => {
	it('a mixed PostFast backlog goes out in exactly the batches plan estimated, at their ETAs', async () => {
		let now = T0;
		const clock = () => now;
		const x = await postfastAccount(pf, 'X');
		const li = await postfastAccount(pf, 'LINKEDIN');
		const fb = await postfastAccount(pf, 'FACEBOOK');
		const home = tempDir('postspool-agree-');
		const drop = join(home, 'drop');
		const inbox = join(drop, 'inbox');
		mkdirSync(inbox, { recursive: true });
		const config = ConfigSchema.parse({
			version: 1,
			stateDir: join(home, 'state'),
			keys: {
				k: {
					service: 'postfast',
					baseUrl: pf.baseUrl,
					apiKey: { env: 'PF_KEY' },
					profile: 'vendor',
				},
			},
			accounts: {
				x: { key: 'k', id: x.id, platform: 'x' },
				li: { key: 'k', id: li.id, platform: 'linkedin' },
				fb: { key: 'k', id: fb.id, platform: 'facebook' },
			},
			folders: [{ path: drop }],
			stableMs: 0,
		});
		const loaded = { path: join(home, 'config.jsonc'), config, stateDir: join(home, 'state') };
		const db = openDb(loaded.stateDir);
		const store = new Store(db, clock);
		const budgets = createBudgets(db, config, clock);
		const worker = new Worker({
			store,
			budgets,
			clients: createClients(loaded, { PF_KEY: pf.apiKey }, clock),
			log: silentLogger,
			owner: 'agree',
			maxAttempts: 4,
			now: clock,
		});
		const intake = new Intake({ config, store, log: silentLogger, now: clock });

		// Mixed on purpose: statuses, approval and controls split the request-wide groups; 1-image
		// posts make the batch stop where images fill whole 4-URL requests; 9 X posts exceed X's
		// 5-a-day cap, so one batch is cut by the cap and the rest waits a day.
		const kinds: Array<{ target: string; images: number; extra?: Record<string, unknown> }> = [
			...Array.from({ length: 4 }, () => ({ target: 'x', images: 0 })),
			...Array.from({ length: 6 }, () => ({ target: 'li', images: 1 })),
			{ target: 'fb', images: 0, extra: { draft: true } },
			...Array.from({ length: 3 }, () => ({
				target: 'li',
				images: 0,
				extra: { postfast: { approval: 'PENDING_APPROVAL' } },
			})),
			...Array.from({ length: 3 }, () => ({ target: 'x', images: 0 })),
			{ target: 'fb', images: 2, extra: { draft: true } },
			...Array.from({ length: 2 }, () => ({
				target: 'x',
				images: 0,
				extra: { postfast: { controls: { x: { xCommunityId: '12345' } } } },
			})),
			...Array.from({ length: 7 }, () => ({ target: 'li', images: 1 })),
		];
		kinds.forEach((k, i) => {
			const name = `p${String(i).padStart(2, '0')}`;
			// Image posts at a fixed time (anchored there), the others as soon as possible.
			const when = k.images > 0 ? new Date(T0 + 3 * DAY + i * 60_000).toISOString() : 'asap';
			const sidecar = {
				version: 1,
				text: `agreement post ${i}`,
				targets: [k.target],
				when,
				...k.extra,
			};
			if (k.images === 0) writeFileSync(join(inbox, `${name}.json`), JSON.stringify(sidecar));
			else {
				mkdirSync(join(inbox, name));
				for (let m = 0; m < k.images; m++)
					writeFileSync(join(inbox, name, `${m}.png`), samplePng(16, 16, [i, m, 7]));
				writeFileSync(join(inbox, name, 'post.json'), JSON.stringify(sidecar));
			}
		});
		await intake.scan();
		expect(store.liveTargets()).toHaveLength(kinds.length);

		const queue = queuedTargets(store).get('k')!;
		const planned = sendOrder(queue, {
			imagesPerRequest: 4,
			caps: { X: 5 },
			now,
		}).map((r) => r.refs.map((ref) => Number(ref.split(':')[1])));
		const etas = planEtas(budgets, config, queuedTargets(store), now);
		// The plan itself: groups never mix, the cap cuts the X batch, some of it waits a day.
		expect(planned.length).toBeGreaterThan(3);
		expect(planned.every((b) => b.length <= 15)).toBe(true);
		const later = [...etas.values()].filter((e) => e.at > now + 60_000);
		expect(later.length).toBeGreaterThan(0);

		// Run the worker until nothing is due, then move the clock to the next ETA, again and again.
		for (let round = 0; round < 5 && store.liveTargets().length > 0; round++) {
			while (await worker.runOne()) {}
			const next = Math.min(...store.liveTargets().map((t) => t.next_attempt_at));
			if (!Number.isFinite(next)) break;
			now = Math.max(now, next);
			pf.clock.set(now);
		}
		expect(store.liveTargets()).toHaveLength(0);

		// The creates the worker sent, from each target's stored request (a batch shares one body).
		const sent = new Map<string, number[]>();
		const sentAt = new Map<number, number>();
		for (const t of db
			.prepare<
				[],
				{ id: number; request: string; state: string; updated_at: number }
			>('SELECT id, request, state, updated_at FROM targets ORDER BY id')
			.all()) {
			expect(t.state).toBe('confirmed');
			const body = JSON.stringify((JSON.parse(t.request) as { body: unknown }).body);
			sent.set(body, [...(sent.get(body) ?? []), t.id]);
			sentAt.set(t.id, t.updated_at);
		}
		const actual = [...sent.values()].map((ids) => ids.sort((a, b) => a - b));
		const sortBatches = (bs: number[][]) =>
			bs.map((b) => [...b].sort((a, c) => a - c)).sort((a, b) => a[0] - b[0]);
		expect(sortBatches(actual)).toEqual(sortBatches(planned));
		// Each was sent when the plan said: now, or (the X posts over the cap) a day later.
		for (const [ref, eta] of etas) {
			const id = Number(ref.split(':')[1]);
			const at = sentAt.get(id)!;
			expect(Math.abs(at - Math.max(eta.at, T0))).toBeLessThan(DAY / 24);
		}
	}, 120_000);
});
