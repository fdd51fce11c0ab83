/**
 * Issue 10, bounded input: a 60 MB sidecar was refused as "not valid JSON (the file ends too
 * early)". A sidecar over the cap is refused by its size, before a byte is read, with the cap and
 * the fix in error.json — written in one go or slowly. A sidecar still being written by a writer
 * that pauses longer than stableMs (its JSON cut short meanwhile) is waited for and then posted,
 * not refused as broken JSON.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DaemonRig, marker, postsiderChannel, waitFor } from './lib/daemon';
import { type Emulator, countMarkers, followRealTime, loadEmulators } from './lib/emulators';

const future = () => new Date(Date.now() + 3 * 86_400_000).toISOString();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a large sidecar, and one still being written', () => {
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
			stableMs: 300,
			rescanMs: 1000,
		});
		rig.start();
		await waitFor(
			() => /postspool started/.test(rig.logText()),
			30_000,
			() => rig.logText().slice(-1500),
		);
	});
	afterAll(async () => {
		stopClock();
		await rig?.kill9();
		await ps?.close();
	});

	const refusedBySize = async (name: string) => {
		await waitFor(
			() => rig.errorFiles().some((e) => e.name === name),
			60_000,
			() => `${name} not refused; log: ${rig.logText().slice(-1500)}`,
		);
		const e = rig.errorFiles().find((f) => f.name === name)!;
		const message = e.body.errors[0].message;
		expect(message).toMatch(
			new RegExp(
				`^sidecar "${name}\\.json" is 6\\d{7} bytes; postspool reads at most 262144 bytes \\(256 KiB\\) per sidecar\\. Keep it to the post's text and settings`,
			),
		);
		expect(message).not.toMatch(/ends too early|not valid JSON/);
	};

	it('a 60 MB sidecar written in one go: refused by its size, with the cap and the fix', async () => {
		const text = 'x'.repeat(60 * 1024 * 1024);
		writeFileSync(
			join(rig.inbox, 'huge.json'),
			JSON.stringify({ version: 1, text, targets: ['ps-li'], when: future() }),
		);
		await refusedBySize('huge');
		expect(rig.running).toBe(true);
	});

	it('a 60 MB sidecar written slowly (10 MB at a time): refused by its size, never as cut-short JSON', async () => {
		const path = join(rig.inbox, 'huge-slow.json');
		writeFileSync(path, `{"version": 1, "targets": ["ps-li"], "text": "`);
		const chunk = 'y'.repeat(10 * 1024 * 1024);
		for (let k = 0; k < 6; k++) {
			await sleep(150);
			appendFileSync(path, chunk);
		}
		appendFileSync(path, `"}`);
		await refusedBySize('huge-slow');
	});

	it('a sidecar whose writer pauses longer than stableMs mid-JSON is waited for, then posted', async () => {
		const m = marker();
		const json = JSON.stringify({
			version: 1,
			text: `paused sidecar ${m}`,
			targets: ['ps-li'],
			when: future(),
		});
		const path = join(rig.inbox, 'paused.json');
		writeFileSync(path, json.slice(0, 30));
		// Several stability windows (300 ms) and rescans (1 s) see the cut-short JSON, unchanged.
		await sleep(2500);
		expect(rig.errorFiles().some((e) => e.name === 'paused')).toBe(false);
		expect(rig.inboxEntries()).toContain('paused.json');
		appendFileSync(path, json.slice(30));
		await waitFor(
			() => rig.doneNames().includes('paused'),
			30_000,
			() =>
				`not posted; errors: ${JSON.stringify(rig.errorFiles())}; log: ${rig.logText().slice(-1500)}`,
		);
		expect(countMarkers(ps, [m]).get(m)).toBe(1);
	});
});
