/**
 * Control characters in a file name never reach the terminal: every human output (status,
 * queue ls, plan, doctor) shows them escaped. A name such as `esc\x1b]0;PWNED\x07\x1b[2J` would
 * otherwise retitle the terminal and clear the screen of whoever runs `queue ls`.
 */
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAEMON_BIN, DaemonRig, postsiderChannel, waitFor } from './lib/daemon';
import { type Emulator, followRealTime, loadEmulators } from './lib/emulators';

const HOSTILE = 'esc2\x1b]0;PWNED\x07\x1b[2J';
/** Any C0 control character but line feed and tab, DEL, and the C1 range. */
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

describe('control characters in names are escaped in human output', () => {
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

	it('status, queue ls --all, plan and doctor print no raw control character', async () => {
		const sidecar = {
			version: 1,
			text: 'a hostile name',
			targets: ['ps-li'],
			when: new Date(Date.now() + 3 * 86_400_000).toISOString(),
		};
		rig.dropPost(HOSTILE, sidecar);
		rig.start();
		await waitFor(
			() => rig.query(`SELECT 1 FROM items`).length === 1,
			30_000,
			() => rig.logText().slice(-1500),
		);
		// One more left in the inbox for plan to read.
		rig.dropPost(`${HOSTILE}-2`, sidecar);
		// Asynchronous: the emulator runs in this process and must answer doctor's requests.
		const cli = (...args: string[]) =>
			new Promise<string>((resolve) => {
				execFile(
					process.execPath,
					[DAEMON_BIN, '--config', rig.configPath, ...args],
					{ env: rig.env, encoding: 'utf8' },
					(_err, stdout, stderr) => resolve(`${stdout}${stderr}`),
				);
			});
		for (const args of [['status'], ['queue', 'ls', '--all'], ['plan', rig.inbox], ['doctor']]) {
			const out = await cli(...args);
			expect(out, args.join(' ')).not.toMatch(CONTROL);
		}
		expect(await cli('queue', 'ls', '--all')).toContain('esc2');
	});
});
