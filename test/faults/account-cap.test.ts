/**
 * More posts for one PostFast account and day than its fair-use cap allows (current profile:
 * LinkedIn 35 per 24 h), all at one publish time. The extra posts can never fit at that time: each
 * must end with a clear error (or be moved by the sidecar's policy) while the daemon stays
 * responsive, and a PostSider post dropped afterwards must still go out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DaemonRig, marker, postfastAccount, postsiderChannel, waitFor } from './lib/daemon';
import { type Emulator, countMarkers, followRealTime, loadEmulators } from './lib/emulators';

const OVER = 40;

describe('a day over the per-account cap', () => {
	let ps: Emulator;
	let pf: Emulator;
	let rig: DaemonRig;
	let stopClock = () => {};
	let settled = false;

	beforeAll(async () => {
		const loaded = await loadEmulators();
		if (!loaded.ok) throw new Error(loaded.reason);
		ps = await loaded.mod.startPostSider({ apiLimit: 1000 });
		pf = await loaded.mod.startPostFast({ profile: 'current' });
		stopClock = followRealTime(ps, pf);
		const li = await postsiderChannel(ps, 'linkedin');
		const pfLi = await postfastAccount(pf, 'LINKEDIN');
		rig = new DaemonRig({
			ps,
			pf,
			psApiLimit: 1000,
			pfProfile: 'current',
			accounts: { 'ps-li': { key: 'ps', ...li }, 'pf-li': { key: 'pf', ...pfLi } },
			stableMs: 100,
		});
		const when = new Date(Date.now() + 3 * 86_400_000).toISOString();
		for (let i = 0; i < OVER; i++)
			rig.dropPost(`cap-${String(i).padStart(2, '0')}`, {
				version: 1,
				text: `cap ${i} ${marker()}`,
				targets: ['pf-li'],
				when,
			});
		rig.start();
		// Settled: every target confirmed or failed.
		await waitFor(
			() =>
				rig.query(
					`SELECT 1 FROM targets WHERE state IN ('confirmed','failed','skipped','needs-review')`,
				).length >= OVER,
			20_000,
			() =>
				JSON.stringify(
					rig
						.query("SELECT state, gating FROM targets WHERE state NOT IN ('confirmed')")
						.slice(0, 3),
				),
		)
			.then(() => (settled = true))
			.catch(() => undefined);
	});

	afterAll(async () => {
		stopClock();
		await rig?.kill9();
		await ps?.close();
		await pf?.close();
	});

	it('never posts over the cap', () => {
		const posted = rig.query(`SELECT 1 FROM targets WHERE state = 'confirmed'`).length;
		expect(posted).toBeLessThanOrEqual(35);
		expect(posted).toBeGreaterThanOrEqual(30);
	});

	it('the posts over the cap are settled promptly, each with an error naming the cap', () => {
		expect(settled).toBe(true);
		const failed = rig.errorFiles();
		expect(failed).toHaveLength(OVER - 35);
		for (const f of failed) expect(JSON.stringify(f.body)).toMatch(/per account|fair use|cap/i);
	});

	it('the daemon keeps serving other work (a PostSider post dropped after it goes out)', async () => {
		const m = marker();
		rig.dropPost('after-cap', {
			version: 1,
			text: `after ${m}`,
			targets: ['ps-li'],
			when: new Date(Date.now() + 4 * 86_400_000).toISOString(),
		});
		await waitFor(
			() => (countMarkers(ps, [m]).get(m) ?? 0) > 0,
			20_000,
			() => 'the PostSider post never went out',
		);
	});
});
