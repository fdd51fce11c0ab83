/**
 * Every item ends with a file that says why: a post whose `.processing/<id>/` folder is removed
 * while it waits for a retry still ends in failed/ with an error.json (before, the log said it
 * moved to failed/<name> but no such folder existed and nothing explained the outcome).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DaemonRig, postsiderChannel, waitFor } from './lib/daemon';
import { type Emulator, followRealTime, loadEmulators } from './lib/emulators';
import { png } from './lib/media';

describe('a post folder removed from .processing/ while the post waits', () => {
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

	it('ends in failed/<name>/ with error.json and receipt.json saying the folder was removed', async () => {
		// The first upload is refused with a Retry-After: the post waits 8 s in .processing/.
		ps.faults.add({
			method: 'POST',
			path: /upload/,
			kind: 'status',
			status: 503,
			headers: { 'Retry-After': '8' },
			times: 1,
		});
		rig.dropPost(
			'vanishing',
			{
				version: 1,
				text: 'folder removed while waiting',
				targets: ['ps-li'],
				media: ['pic.png'],
				when: new Date(Date.now() + 3 * 86_400_000).toISOString(),
			},
			{ 'pic.png': png(5) },
		);
		rig.start();
		await waitFor(
			() =>
				(rig.query<{ n: number }>(
					`SELECT COUNT(*) n FROM targets WHERE attempts >= 1 OR next_attempt_at > 0`,
				)[0]?.n ?? 0) > 0,
			30_000,
			() => `never waited for a retry; log: ${rig.logText().slice(-1500)}`,
		);
		const [item] = rig.query<{ id: string; work_dir: string }>(
			`SELECT id, work_dir FROM items WHERE name = 'vanishing'`,
		);
		expect(existsSync(item.work_dir)).toBe(true);
		rmSync(item.work_dir, { recursive: true });
		await waitFor(
			() =>
				(rig.query<{ state: string }>(`SELECT state FROM items`)[0]?.state ?? 'processing') !==
				'processing',
			60_000,
			() => `never settled; log: ${rig.logText().slice(-1500)}`,
		);
		const [settled] = rig.query<{ state: string; final_dir: string }>(
			`SELECT state, final_dir FROM items WHERE id = ?`,
			item.id,
		);
		expect(settled.state).toBe('failed');
		const error = JSON.parse(readFileSync(join(settled.final_dir, 'error.json'), 'utf8')) as {
			folderMissing?: string;
			errors: Array<{ target: string; message?: string }>;
		};
		expect(error.folderMissing).toMatch(/was removed while the post was being worked on/);
		expect(error.errors).toHaveLength(1);
		expect(error.errors[0].target).toBe('ps-li');
		// A local file problem, named as such (not "PostSider refused … (0)"), naming the file.
		expect(error.errors[0].message).toMatch(
			/^A local file problem while uploading pic\.png, not a refusal by PostSider: .*"pic\.png"/,
		);
		expect(existsSync(join(settled.final_dir, 'receipt.json'))).toBe(true);
		expect(rig.running).toBe(true);
	});
});
