/** The state machine on a real SQLite file: CAS transitions, leases, outcomes, the instance lock. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderHistory } from '../src/daemon';
import { layoutOf } from '../src/journey/layout';
import { openDb } from '../src/state/db';
import { acquireLock, LockError } from '../src/state/lock';
import { Store, TransitionError } from '../src/state/store';
import { makeEnv, tempDir } from './helpers';

function store(now = { t: 1_000 }) {
	const dir = tempDir();
	const s = new Store(openDb(dir), () => now.t);
	s.insertItem(
		{ id: 'item1', identity: 'i'.repeat(64), name: 'a', folder: dir, work_dir: dir, post: '{}' },
		[
			{ label: 'x', key_name: 'k', service: 'postsider', account_id: 'c1', platform: 'x' },
			{ label: 'ig', key_name: 'f', service: 'postfast', account_id: 'a1', platform: 'instagram' },
		],
	);
	return { s, now, dir };
}

describe('state', () => {
	it('runs migrations with WAL and FULL sync', () => {
		const db = openDb(tempDir());
		expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
		expect(db.pragma('synchronous', { simple: true })).toBe(2);
		expect(db.pragma('user_version', { simple: true })).toBe(2);
	});

	it('refuses a second item with the same identity', () => {
		const { s, dir } = store();
		expect(
			s.insertItem(
				{
					id: 'item2',
					identity: 'i'.repeat(64),
					name: 'b',
					folder: dir,
					work_dir: dir,
					post: '{}',
				},
				[],
			),
		).toBe(false);
		expect(s.items().length).toBe(1);
	});

	it('parks the waiting targets of a key in one statement, only raising their due time, media posts alone when asked', () => {
		const now = { t: 1_000 };
		const dir = tempDir();
		const s = new Store(openDb(dir), () => now.t);
		const add = (id: string, media: number) =>
			s.insertItem(
				{
					id,
					identity: id.repeat(64).slice(0, 64),
					name: id,
					folder: dir,
					work_dir: dir,
					post: JSON.stringify({
						media: Array.from({ length: media }, (_, i) => ({ name: `${i}.png` })),
					}),
				},
				[{ label: id, key_name: 'k', service: 'postsider', account_id: 'c', platform: 'x' }],
			);
		for (const [id, media] of [
			['a', 0],
			['b', 1],
			['c', 0],
			['d', 2],
			['e', 0],
		] as const)
			add(id, media);
		const [a, b, c, d, e] = ['a', 'b', 'c', 'd', 'e'].map((id) => s.targets(id)[0]);
		const leased = s.claim('w', 60_000, new Set([a.id, b.id, d.id]))!; // c, the first not excluded
		expect(leased.id).toBe(c.id);
		s.transition(e, 'pending', { next_attempt_at: 90_000 }); // waits longer already
		// The upload window is full: only b and d (media, not leased) wait until 50 s.
		expect(s.parkKey('k', 'postsider', 50_000, 'uploads full', a.id, true)).toBe(2);
		expect([a, b, c, d, e].map((t) => s.target(t.id)!.next_attempt_at)).toEqual([
			a.next_attempt_at,
			50_000,
			c.next_attempt_at,
			50_000,
			90_000,
		]);
		// The create window is full: every waiting target but the leader and the leased one.
		expect(s.parkKey('k', 'postsider', 60_000, 'creates full', a.id)).toBe(2);
		expect(s.target(b.id)).toMatchObject({ next_attempt_at: 60_000, gating: 'creates full' });
		expect(s.target(c.id)!.next_attempt_at).toBe(c.next_attempt_at);
		expect(s.target(e.id)!.next_attempt_at).toBe(90_000);
	});

	it('leases from pickup time and lets an expired lease be taken over', () => {
		const { s, now } = store();
		const a = s.claim('w1', 1000)!;
		const b = s.claim('w2', 1000)!;
		expect(a.id).not.toBe(b.id);
		expect(s.claim('w3', 1000)).toBeUndefined();
		now.t += 1001;
		const c = s.claim('w3', 1000)!;
		expect([a.id, b.id]).toContain(c.id);
		// The old owner can no longer move it.
		expect(() => s.transition(a.id === c.id ? a : b, 'uploading')).toThrow(TransitionError);
		expect(s.transition(c, 'uploading').state).toBe('uploading');
	});

	it('refuses transitions the machine does not allow', () => {
		const { s } = store();
		const t = s.claim('w', 1000)!;
		const done = s.transition(s.transition(t, 'submitting'), 'confirmed', { remote_id: 'p1' });
		expect(() => s.transition(done, 'pending')).toThrow(/not a valid transition/);
	});

	it('derives the item outcome from its targets', () => {
		const { s } = store();
		const [t1, t2] = [s.claim('w', 1000)!, s.claim('w', 1000)!];
		expect(s.itemOutcome('item1')).toBeUndefined();
		s.transition(s.transition(t1, 'submitting'), 'confirmed');
		expect(s.itemOutcome('item1')).toBeUndefined();
		s.transition(t2, 'failed', { releaseLease: true });
		expect(s.itemOutcome('item1')).toBe('failed');
	});

	it('the next due time drives the one timer', () => {
		const { s, now } = store();
		const t = s.claim('w', 1000)!;
		s.transition(t, 'pending', { next_attempt_at: 50_000, releaseLease: true });
		expect(s.nextDueAt()).toBe(0); // the other target is due now
		const other = s.claim('w', 1000)!;
		s.transition(other, 'pending', { next_attempt_at: 20_000, releaseLease: true });
		expect(s.nextDueAt()).toBe(20_000);
		void now;
	});

	it('one daemon per state directory; a stale lock is taken over', () => {
		const dir = tempDir();
		const release = acquireLock(dir);
		expect(() => acquireLock(dir)).toThrow(LockError);
		release();
		writeFileSync(`${dir}/daemon.lock`, '999999\n');
		const again = acquireLock(dir);
		again();
	});
});

describe('the new-database warning', () => {
	it('counts the posts in done/ (inside its month and duplicates folders), not the folders', () => {
		const root = tempDir('postspool-history-');
		const layout = layoutOf(root);
		for (const p of ['2026-11/a', '2026-11/b', '2026-12/c', 'duplicates/d'])
			mkdirSync(join(layout.done, p), { recursive: true });
		mkdirSync(join(layout.failed, 'e'), { recursive: true });
		expect(folderHistory(layout)).toEqual(['4 in done/', '1 in failed/']);
		expect(folderHistory(layoutOf(tempDir('postspool-history-')))).toEqual([]);
	});
});

describe('config', () => {
	it('normalises base URLs: a PostSider origin gets /public/v1, trailing slashes go', () => {
		const env = makeEnv(
			{},
			{
				sider: {
					service: 'postsider',
					baseUrl: 'https://social.example.com/api/',
					apiKey: { env: 'X' },
				},
				fast: { service: 'postfast', baseUrl: 'https://api.postfa.st/', apiKey: { env: 'Y' } },
			},
		);
		expect(env.loaded.config.keys.sider.baseUrl).toBe('https://social.example.com/api/public/v1');
		expect(env.loaded.config.keys.fast.baseUrl).toBe('https://api.postfa.st');
	});
});
