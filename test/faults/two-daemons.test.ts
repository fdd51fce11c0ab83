/**
 * Finding 3 (issue 10): two daemons on one drop folder posted every post twice. A lease inside the
 * folder (host, pid, state dir, heartbeat) lets one daemon work on it; a second one — another
 * config on this machine, or another host on a shared folder — is refused with a message naming
 * the holder, and takes over only a stale lease (holder's pid gone here, or heartbeat too old).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DaemonRig, postfastAccount, postsiderChannel, waitFor } from './lib/daemon';
import { type Emulator, countMarkers, followRealTime, loadEmulators } from './lib/emulators';
import { type Dropped, dropKind } from './lib/workload';

describe('one folder, one daemon: a lease in the drop folder', () => {
	let ps: Emulator;
	let pf: Emulator;
	let stopClock = () => {};
	let a: DaemonRig;
	let b: DaemonRig;
	const drops: Dropped[] = [];

	beforeAll(async () => {
		const loaded = await loadEmulators();
		if (!loaded.ok) throw new Error(loaded.reason);
		ps = await loaded.mod.startPostSider({ apiLimit: 100_000 });
		pf = await loaded.mod.startPostFast({ profile: 'current' });
		stopClock = followRealTime(ps, pf);
		const accounts = {
			'ps-li': { key: 'ps' as const, ...(await postsiderChannel(ps, 'linkedin')) },
			'pf-li': { key: 'pf' as const, ...(await postfastAccount(pf, 'LINKEDIN')) },
		};
		const common = {
			ps,
			pf,
			psApiLimit: 100_000,
			pfProfile: 'current' as const,
			accounts,
			stableMs: 100,
		};
		a = new DaemonRig(common);
		// A second config with its own state directory on the SAME drop folder.
		b = new DaemonRig({ ...common, extraConfig: { folders: [{ path: a.drop }] } });
	});

	afterAll(async () => {
		stopClock();
		await a?.kill9();
		await b?.kill9();
		await ps?.close();
		await pf?.close();
	});

	const allDone = async (label: string) => {
		await waitFor(
			() => drops.every((d) => a.doneNames().includes(d.name)),
			90_000,
			() =>
				`${label}: not done: ${drops
					.filter((d) => !a.doneNames().includes(d.name))
					.map((d) => d.name)
					.join(', ')}`,
			200,
		);
		const psCounts = countMarkers(
			ps,
			drops.map((d) => d.marker),
		);
		const pfCounts = countMarkers(
			pf,
			drops.map((d) => d.marker),
		);
		for (const d of drops) {
			expect(psCounts.get(d.marker), `${d.name} on PostSider`).toBe(d.ps);
			expect(pfCounts.get(d.marker), `${d.name} on PostFast`).toBe(d.pf);
		}
	};

	it('two daemons started at once on one folder: one works, the other is refused naming it; exactly one post each', async () => {
		for (let k = 0; k < 12; k++) drops.push(dropKind(a, k % 2 ? 'pf-text' : 'ps-image'));
		const runA = a.start();
		const runB = b.start();
		const first = await Promise.race([
			runA.exited.then(() => 'a' as const),
			runB.exited.then(() => 'b' as const),
			new Promise<'none'>((r) => setTimeout(() => r('none'), 30_000)),
		]);
		expect(first, 'one of the two daemons must be refused').not.toBe('none');
		const [loser, winner] = first === 'a' ? [a, b] : [b, a];
		expect(winner.running).toBe(true);
		expect(loser.logText()).toMatch(
			new RegExp(
				`Another postspool daemon already works on the drop folder ${a.drop.replace(/[/.]/g, '\\$&')} \\(pid ${winner.pid} on host [^,]+, state directory ${winner.stateDir.replace(/[/.]/g, '\\$&')}`,
			),
		);
		await allDone('both started');
		// The refused daemon stays refused while the holder heartbeats.
		await loser.start().exited;
		await allDone('after a second refusal');
	});

	it('a holder killed with SIGKILL leaves a stale lease on this host: the other daemon takes it over at once', async () => {
		const holder = a.running ? a : b;
		const other = holder === a ? b : a;
		await holder.kill9();
		for (let k = 0; k < 4; k++) drops.push(dropKind(a, k % 2 ? 'pf-text' : 'ps-text'));
		other.start();
		await allDone('after takeover');
		expect(other.logText()).toMatch(
			/took over the lease of the drop folder .* its process \d+ is gone/,
		);
		await other.stop();
	});

	it('a lease from another host is respected while it heartbeats, and taken over once its heartbeat is stale', async () => {
		const lease = (heartbeatAt: number) =>
			writeFileSync(
				join(a.drop, '.postspool-lease.json'),
				JSON.stringify({
					host: 'nas-other-host',
					pid: 4242,
					stateDir: '/srv/postspool/state',
					startedAt: new Date(heartbeatAt).toISOString(),
					heartbeatAt: new Date(heartbeatAt).toISOString(),
					token: 'feedfacefeedface',
				}),
			);
		lease(Date.now());
		drops.push(dropKind(a, 'ps-text'));
		const code = await a.start().exited;
		expect(code).toBe(1);
		expect(a.logText()).toMatch(
			/\(pid 4242 on host nas-other-host, state directory \/srv\/postspool\/state, last heartbeat/,
		);
		expect(a.doneNames()).not.toContain(drops.at(-1)!.name);
		lease(Date.now() - 10 * 60_000);
		a.start();
		await allDone('after a stale remote lease');
		expect(a.logText()).toMatch(
			/took over the lease .* from pid 4242 on host nas-other-host.*last heartbeat was 60\d s ago/,
		);
		await a.stop();
	});
});
