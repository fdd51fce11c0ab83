/**
 * Unreadable files (issue 5 item 7): a sidecar and a media file the daemon may not read (mode 000).
 * As root every file is readable, so when the suite runs as root the daemon runs as `nobody`.
 * Each gets its own error.json naming the file and the permission problem; the daemon keeps running.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DaemonRig, waitFor } from './lib/daemon';
import type { Emulator } from './lib/emulators';
import { png } from './lib/media';

const future = new Date(Date.now() + 3 * 86_400_000).toISOString();
const sidecar = { version: 1, text: 'unreadable case', targets: ['li'], when: future };

describe('unreadable files get their own error.json', () => {
	let rig: DaemonRig;

	beforeAll(async () => {
		// Validation fails before any API call, so a key pointing nowhere is enough here.
		const dead = { baseUrl: 'http://127.0.0.1:9/public/v1', apiKey: 'unused-key-0000' } as Emulator;
		rig = new DaemonRig({
			ps: dead,
			accounts: { li: { key: 'ps', id: 'ch-li', platform: 'linkedin' } },
			stableMs: 300,
			...(process.getuid?.() === 0 ? { runAs: { uid: 65534, gid: 65534 } } : {}),
		});
		writeFileSync(join(rig.inbox, 'locked-media.png'), png(5));
		writeFileSync(join(rig.inbox, 'locked-media.png.json'), JSON.stringify(sidecar));
		chmodSync(join(rig.inbox, 'locked-media.png'), 0o000);
		writeFileSync(join(rig.inbox, 'locked-sidecar.json'), JSON.stringify(sidecar));
		chmodSync(join(rig.inbox, 'locked-sidecar.json'), 0o000);
		rig.start();
		await waitFor(
			() => rig.errorFiles().length >= 2 || !rig.running,
			8_000,
			() =>
				`error files: ${rig
					.errorFiles()
					.map((e) => e.name)
					.join(', ')}; log:\n${rig.logText().slice(-1500)}`,
		).catch(() => undefined);
	});

	afterAll(async () => {
		await rig?.stop();
	});

	const check = (name: string, names: RegExp) => {
		const e = rig.errorFiles().find((f) => f.name.startsWith(name));
		expect(e, `no error.json for ${name}; inbox: ${rig.inboxEntries().join(', ')}`).toBeDefined();
		const text = JSON.stringify(e!.body);
		expect(text).toMatch(names);
		expect(text).toMatch(/permission|not readable|cannot read|EACCES/i);
		// The fix must be about permissions, not about the file's content.
		expect(text).not.toMatch(/not valid JSON|fix the syntax/i);
	};
	it.each([
		['locked-media.png', /locked-media\.png/],
		['locked-sidecar', /locked-sidecar/],
	])('%s: error.json names the file and says how to make it readable', (name, names) =>
		check(name, names),
	);

	it('keeps running', () => {
		expect(rig.running, rig.logText().slice(-1500)).toBe(true);
	});
});
