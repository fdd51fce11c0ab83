/**
 * Finding 4 (issue 10): `postspool retry` (and every other command that changes the queue)
 * reaches a running daemon within 2 s. Before, the retried target stayed "pending, eta now" until
 * some other event woke the scheduler. The daemon here rescans only every 60 s, so nothing but the
 * command itself can wake it.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	DAEMON_BIN,
	DaemonRig,
	marker,
	postfastAccount,
	postsiderChannel,
	waitFor,
} from './lib/daemon';
import { type Emulator, countMarkers, followRealTime, loadEmulators } from './lib/emulators';
import { png } from './lib/media';

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
		await retry(id);
		const retriedAt = Date.now();
		await waitFor(
			() => countMarkers(ps, [m]).get(m) === 1,
			10_000,
			() => 'not posted after retry',
			50,
		);
		expect(Date.now() - retriedAt).toBeLessThan(2_000);
	});

	// Reported once (2-4 min on an idle daemon), not reproduced: the suspects were a claim lease left
	// on the target (5 min) and the scheduler's timer not re-armed. Each case below reaches the daemon
	// within 2 s: a failure during the upload vs the create, a daemon idle for over a minute, and a
	// retry that fails again and is retried once more.
	const retry = (id: string) =>
		new Promise<void>((resolve, reject) => {
			const cli = spawn(process.execPath, [DAEMON_BIN, '--config', rig.configPath, 'retry', id], {
				env: rig.env,
				stdio: 'ignore',
			});
			cli.once('exit', (code) =>
				code === 0 ? resolve() : reject(new Error(`retry exited ${code}`)),
			);
		});
	const failedItem = async (name: string) => {
		await waitFor(
			() =>
				rig.query<{ state: string }>(`SELECT state FROM items WHERE name = ?`, name)[0]?.state ===
				'failed',
			30_000,
			() => `${name} did not fail; log: ${rig.logText().slice(-1500)}`,
		);
		const [row] = rig.query<{ id: string }>(`SELECT id FROM items WHERE name = ?`, name);
		const [t] = rig.query<{ lease_owner: string | null }>(
			`SELECT lease_owner FROM targets WHERE item_id = ?`,
			row.id,
		);
		// No lease left on a settled target: a retry (which only takes unleased targets) can act at once.
		expect(t.lease_owner).toBeNull();
		return row.id;
	};
	const postedWithin2s = async (m: string) => {
		const at = Date.now();
		await waitFor(
			() => countMarkers(ps, [m]).get(m) === 1,
			10_000,
			() => `not posted after retry; log: ${rig.logText().slice(-1500)}`,
			50,
		);
		expect(Date.now() - at).toBeLessThan(2_000);
	};

	it('a post that failed during its upload, retried after the daemon sat idle for over a minute: sent within 2 s', async () => {
		ps.faults.add({
			method: 'POST',
			path: /upload/,
			kind: 'status',
			status: 400,
			body: { msg: 'upload refused once by the test' },
			times: 1,
		});
		const m = marker();
		rig.dropPost(
			'upload-failed',
			{
				version: 1,
				text: `upload ${m}`,
				targets: ['ps-li'],
				media: ['pic.png'],
				when: new Date(Date.now() + 3 * 86_400_000).toISOString(),
			},
			{ 'pic.png': png(77) },
			{ folder: true },
		);
		const id = await failedItem('upload-failed');
		// Idle: no post in flight, nothing due, past the publish tracker's one-minute look.
		await new Promise((r) => setTimeout(r, 65_000));
		expect(rig.running).toBe(true);
		await retry(id);
		await postedWithin2s(m);
	}, 120_000);

	it('a retry that fails again, retried once more: each reaches the daemon within 2 s', async () => {
		ps.faults.add({
			method: 'POST',
			path: /\/posts$/,
			kind: 'status',
			status: 400,
			body: { msg: 'refused twice by the test' },
			times: 2,
		});
		const m = marker();
		rig.dropPost('twice', {
			version: 1,
			text: `twice ${m}`,
			targets: ['ps-li'],
			when: new Date(Date.now() + 3 * 86_400_000).toISOString(),
		});
		const id = await failedItem('twice');
		const creates = () =>
			ps.requests.filter((r) => r.method === 'POST' && /\/posts$/.test(r.path)).length;
		const before = creates();
		await retry(id);
		const at = Date.now();
		await waitFor(
			() => creates() > before,
			10_000,
			() => 'the first retry was not sent',
			50,
		);
		expect(Date.now() - at).toBeLessThan(2_000);
		await failedItem('twice');
		await retry(id);
		await postedWithin2s(m);
	});
});

describe('CLI changes reach the running daemon: PostFast', () => {
	let pf: Emulator;
	let stopClock = () => {};
	let rig: DaemonRig;
	beforeAll(async () => {
		const loaded = await loadEmulators();
		if (!loaded.ok) throw new Error(loaded.reason);
		pf = await loaded.mod.startPostFast({});
		stopClock = followRealTime(pf);
		rig = new DaemonRig({
			pf,
			accounts: { 'pf-li': { key: 'pf', ...(await postfastAccount(pf, 'LINKEDIN')) } },
			stableMs: 100,
			rescanMs: 60_000,
		});
		rig.start();
	});
	afterAll(async () => {
		stopClock();
		await rig?.kill9();
		await pf?.close();
	});

	const retry = (id: string) =>
		new Promise<void>((resolve, reject) => {
			const cli = spawn(process.execPath, [DAEMON_BIN, '--config', rig.configPath, 'retry', id], {
				env: rig.env,
				stdio: 'ignore',
			});
			cli.once('exit', (code) =>
				code === 0 ? resolve() : reject(new Error(`retry exited ${code}`)),
			);
		});

	it.each([
		['its upload URLs were refused', /\/file\/get-signed-upload-urls$/],
		['its create was refused', /\/social-posts$/],
	])('a post that failed because %s: a retry sends it within 2 s', async (what, path) => {
		pf.faults.add({
			method: 'POST',
			path,
			kind: 'status',
			status: 400,
			body: { statusCode: 400, message: `refused once by the test (${what})` },
			times: 1,
		});
		const m = marker();
		const name = `pf-${path.source.length}`;
		rig.dropPost(
			name,
			{
				version: 1,
				text: `postfast ${m}`,
				targets: ['pf-li'],
				when: new Date(Date.now() + 3 * 86_400_000).toISOString(),
			},
			{ [`${name}.png`]: png(path.source.length) },
		);
		await waitFor(
			() =>
				rig.query<{ state: string }>(`SELECT state FROM items WHERE name = ?`, name)[0]?.state ===
				'failed',
			30_000,
			() => `did not fail; log: ${rig.logText().slice(-1500)}`,
		);
		const [{ id }] = rig.query<{ id: string }>(`SELECT id FROM items WHERE name = ?`, name);
		expect(
			rig.query<{ lease_owner: string | null }>(
				`SELECT lease_owner FROM targets WHERE item_id = ?`,
				id,
			)[0].lease_owner,
		).toBeNull();
		await retry(id);
		const at = Date.now();
		await waitFor(
			() => countMarkers(pf, [m]).get(m) === 1,
			10_000,
			() => `not posted after retry; log: ${rig.logText().slice(-1500)}`,
			50,
		);
		expect(Date.now() - at).toBeLessThan(2_000);
	});
});
