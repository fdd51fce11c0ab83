/**
 * Finding 4 (issue 10): `postspool retry` (and every other command that changes the queue)
 * reaches a running daemon within 2 s. Before, the retried target stayed "pending, eta now" until
 * some other event woke the scheduler. The daemon here rescans only every 60 s, so nothing but the
 * command itself can wake it.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAEMON_BIN, DaemonRig, marker, postsiderChannel, waitFor } from './lib/daemon';
import { type Emulator, countMarkers, followRealTime, loadEmulators } from './lib/emulators';

describe('CLI changes reach the running daemon', () => {
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
			rescanMs: 60_000,
		});
	});
	afterAll(async () => {
		stopClock();
		await rig?.kill9();
		await ps?.close();
	});

	it('postspool retry of a failed post: the daemon sends it within 2 s of the command', async () => {
		ps.faults.add({
			method: 'POST',
			path: /\/posts$/,
			kind: 'status',
			status: 400,
			body: { msg: 'refused once by the test' },
			times: 1,
		});
		const m = marker();
		rig.dropPost('retry-me', {
			version: 1,
			text: `retry ${m}`,
			targets: ['ps-li'],
			when: new Date(Date.now() + 3 * 86_400_000).toISOString(),
		});
		rig.start();
		await waitFor(
			() => rig.itemStates().failed === 1,
			30_000,
			() => `states ${JSON.stringify(rig.itemStates())}; log: ${rig.logText().slice(-1500)}`,
		);
		const [{ id }] = rig.query<{ id: string }>(`SELECT id FROM items WHERE name = 'retry-me'`);
		expect(countMarkers(ps, [m]).get(m)).toBe(0);
		await new Promise<void>((resolve, reject) => {
			const cli = spawn(process.execPath, [DAEMON_BIN, '--config', rig.configPath, 'retry', id], {
				env: rig.env,
				stdio: 'ignore',
			});
			cli.once('exit', (code) =>
				code === 0 ? resolve() : reject(new Error(`retry exited ${code}`)),
			);
		});
		const retriedAt = Date.now();
		await waitFor(
			() => countMarkers(ps, [m]).get(m) === 1,
			10_000,
			() => 'not posted after retry',
			50,
		);
		expect(Date.now() - retriedAt).toBeLessThan(2_000);
	});
});
