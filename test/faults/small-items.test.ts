/**
 * Issue 10, findings 5 and 9 (smaller items), against the real daemon: a single-file sidecar that
 * names its media in "media" moves and posts it; `noext` + `noext.json` pair; the state dir (also an
 * existing one), the database and .processing/ are owner-only whatever the umask.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DaemonRig, marker, postsiderChannel, waitFor } from './lib/daemon';
import { type Emulator, countMarkers, followRealTime, loadEmulators } from './lib/emulators';
import { png } from './lib/media';

const future = () => new Date(Date.now() + 3 * 86_400_000).toISOString();

describe('smaller promises: media named in a single-file sidecar, noext pairs, owner-only state', () => {
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
		// An existing, too open state dir (umask 022), to be tightened.
		mkdirSync(rig.stateDir, { recursive: true, mode: 0o755 });
		chmodSync(rig.stateDir, 0o755);
		rig.start();
		await waitFor(
			() => rig.logText().includes('postspool started'),
			30_000,
			() => rig.logText(),
		);
	});
	afterAll(async () => {
		stopClock();
		await rig?.kill9();
		await ps?.close();
	});

	it('the state dir, the database and .processing/ are owner-only (0700/0600)', () => {
		expect(statSync(rig.stateDir).mode & 0o777).toBe(0o700);
		expect(statSync(join(rig.stateDir, 'postspool.sqlite')).mode & 0o777).toBe(0o600);
		expect(statSync(join(rig.drop, '.processing')).mode & 0o777).toBe(0o700);
	});

	it('a single-file sidecar naming its media in "media" moves that file with it and posts it', async () => {
		const m = marker();
		writeFileSync(join(rig.inbox, 'photo-x.png'), png(5151));
		rig.dropPost('named-media', {
			version: 1,
			text: `named ${m}`,
			targets: ['ps-li'],
			when: future(),
			media: ['photo-x.png'],
		});
		await waitFor(
			() => rig.doneNames().includes('named-media'),
			30_000,
			() =>
				`not done; failed: ${JSON.stringify(rig.errorFiles().map((e) => e.body))}; inbox: ${rig.inboxEntries()}`,
		);
		expect(rig.inboxEntries()).not.toContain('photo-x.png');
		const month = readdirSync(join(rig.drop, 'done')).find((d) => /^\d{4}-\d{2}$/.test(d))!;
		expect(existsSync(join(rig.drop, 'done', month, 'named-media', 'photo-x.png'))).toBe(true);
		expect(countMarkers(ps, [m]).get(m)).toBe(1);
	});

	it('noext + noext.json pair: the file moves with its sidecar and is judged by its content', async () => {
		const m = marker();
		writeFileSync(join(rig.inbox, 'noext'), png(6161));
		rig.dropPost('noext', { version: 1, text: `noext ${m}`, targets: ['ps-li'], when: future() });
		await waitFor(
			() => !rig.inboxEntries().includes('noext') && !rig.inboxEntries().includes('noext.json'),
			30_000,
			() => `still in the inbox: ${rig.inboxEntries()}`,
		);
		await waitFor(
			() => rig.doneNames().includes('noext') || rig.errorFiles().some((e) => e.name === 'noext'),
			30_000,
			() => 'never ended',
		);
		const row = rig.query<{ post: string }>(`SELECT post FROM items WHERE name = 'noext'`)[0];
		expect(JSON.parse(row.post).media).toMatchObject([{ name: 'noext', mime: 'image/png' }]);
	});
});
