/**
 * Issue 10, "every move re-checks the identity of what arrived": a post's sidecar rewritten in
 * .processing/ while the post waits (same size, other content) is named when the post settles —
 * the final move into done/ re-checks the stored identity (dev, inode, size, mtime, SHA-256) and
 * error.json says which file changed, and that what was sent is the checked file. Real daemon,
 * real files, the PostSider emulator.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DaemonRig, marker, postsiderChannel, waitFor } from './lib/daemon';
import { type Emulator, countMarkers, followRealTime, loadEmulators } from './lib/emulators';
import { png } from './lib/media';

describe('a sidecar rewritten in .processing/ while its post waits', () => {
	let ps: Emulator;
	let stopClock = () => {};
	let rig: DaemonRig;
	beforeAll(async () => {
		const loaded = await loadEmulators();
		if (!loaded.ok) throw new Error(loaded.reason);
		ps = await loaded.mod.startPostSider({ apiLimit: 100_000 });
		stopClock = followRealTime(ps);
		rig = new DaemonRig({
			ps,
			psApiLimit: 100_000,
			accounts: { 'ps-li': { key: 'ps', ...(await postsiderChannel(ps, 'linkedin')) } },
			stableMs: 100,
		});
	});
	afterAll(async () => {
		stopClock();
		await rig?.kill9();
		await ps?.close();
	});

	it('is named in error.json when the post settles; the post itself is the checked one', async () => {
		// The first upload is refused with a Retry-After: the post waits 6 s in .processing/.
		ps.faults.add({
			method: 'POST',
			path: /upload/,
			kind: 'status',
			status: 503,
			headers: { 'Retry-After': '6' },
			times: 1,
		});
		const m = marker();
		const sidecar = (text: string) =>
			JSON.stringify({
				version: 1,
				text,
				targets: ['ps-li'],
				media: ['pic.png'],
				when: new Date(Date.now() + 3 * 86_400_000).toISOString(),
			});
		rig.dropPost(
			'rewritten',
			JSON.parse(sidecar(`checked ${m}`)),
			{ 'pic.png': png(9) },
			{
				folder: true,
			},
		);
		rig.start();
		await waitFor(
			() =>
				(rig.query<{ n: number }>(`SELECT COUNT(*) n FROM targets WHERE next_attempt_at > 0`)[0]
					?.n ?? 0) > 0,
			30_000,
			() => `never waited for a retry; log: ${rig.logText().slice(-1500)}`,
		);
		const [item] = rig.query<{ id: string; work_dir: string }>(
			`SELECT id, work_dir FROM items WHERE name = 'rewritten'`,
		);
		const path = join(item.work_dir, 'post.json');
		const size = statSync(path).size;
		// Same length, other words: only the content (and the mtime) tell.
		writeFileSync(path, sidecar(`CHANGED ${m}`));
		expect(statSync(path).size).toBe(size);
		await waitFor(
			() => rig.doneNames().includes('rewritten'),
			60_000,
			() => `never settled; log: ${rig.logText().slice(-1500)}`,
		);
		const [settled] = rig.query<{ final_dir: string; state: string }>(
			`SELECT final_dir, state FROM items WHERE id = ?`,
			item.id,
		);
		expect(settled.state).toBe('done');
		const error = JSON.parse(readFileSync(join(settled.final_dir, 'error.json'), 'utf8')) as {
			filesChanged: string[];
		};
		expect(error.filesChanged).toEqual([
			expect.stringMatching(
				/^the sidecar "post\.json" changed after it was validated \(it was written to\): this folder no longer holds the file that was validated; what was sent \(if anything\) is the validated file/,
			),
		]);
		// What was posted is the text that was checked.
		expect(countMarkers(ps, [m]).get(m)).toBe(1);
		expect(
			JSON.stringify(ps.requests.filter((r) => r.method === 'POST' && /\/posts$/.test(r.path))),
		).not.toContain('CHANGED');
	});
});
