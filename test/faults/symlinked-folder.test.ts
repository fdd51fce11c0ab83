/**
 * Finding 9 (issue 10): chokidar followed a symbolic link to a folder in the inbox and watched
 * all of /usr. The watcher runs with `followSymlinks: false`: a link to a large tree dropped in the
 * inbox of a running daemon adds no watches (counted in /proc/<pid>/fdinfo across the daemon's
 * processes) while it waits there, and the scan then refuses it: failed/<name>/error.json says it is
 * a link, and the link itself (never its target) is what moved.
 */
import { lstatSync, readFileSync, readdirSync, readlinkSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DaemonRig, postsiderChannel, waitFor } from './lib/daemon';
import { type Emulator, followRealTime, loadEmulators } from './lib/emulators';

/** The pid and every descendant (`postspool run` re-executes itself once with a heap flag). */
function processTree(root: number): number[] {
	const children = new Map<number, number[]>();
	for (const d of readdirSync('/proc')) {
		if (!/^\d+$/.test(d)) continue;
		try {
			const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
			const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
		} catch {
			/* gone */
		}
	}
	const out: number[] = [];
	const walk = (pid: number) => {
		out.push(pid);
		for (const c of children.get(pid) ?? []) walk(c);
	};
	walk(root);
	return out;
}

/** inotify watches held by a process tree. */
function inotifyWatches(root: number): number {
	let n = 0;
	for (const pid of processTree(root))
		for (const fd of safeList(`/proc/${pid}/fdinfo`)) {
			try {
				n += (readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8').match(/^inotify wd:/gm) ?? [])
					.length;
			} catch {
				/* closed meanwhile */
			}
		}
	return n;
}

function safeList(dir: string): string[] {
	try {
		return readdirSync(dir);
	} catch {
		return [];
	}
}

describe('a symbolic link to a large folder in the inbox', () => {
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
			// The link waits this long in the inbox before the scan takes it: time for a watcher
			// that followed it to have walked /usr.
			stableMs: 4000,
			rescanMs: 60_000,
		});
	});
	afterAll(async () => {
		stopClock();
		await rig?.kill9();
		await ps?.close();
	});

	it('is never watched, and is refused with error.json (the link moves, its target stays)', async (ctx) => {
		if (process.platform !== 'linux') ctx.skip();
		const big = safeList('/usr/share').length;
		expect(big, '/usr/share should be a large tree').toBeGreaterThan(20);
		rig.start();
		await waitFor(
			() => /postspool started/.test(rig.logText()) && inotifyWatches(rig.pid!) > 0,
			30_000,
			() => `the watcher never started; log: ${rig.logText().slice(-1500)}`,
		);
		await new Promise((r) => setTimeout(r, 500));
		const before = inotifyWatches(rig.pid!);
		symlinkSync('/usr', join(rig.inbox, 'usr-link'));
		// While it waits in the inbox (stableMs), sample the watches held.
		let most = before;
		for (let k = 0; k < 25; k++) {
			await new Promise((r) => setTimeout(r, 100));
			most = Math.max(most, inotifyWatches(rig.pid!));
		}
		expect(rig.inboxEntries()).toEqual(['usr-link']);
		// A followed link to /usr adds thousands of watches (depth 3); a refused one adds none.
		expect(most - before, `watches went from ${before} to ${most}`).toBeLessThanOrEqual(2);
		await waitFor(
			() => rig.errorFiles().some((e) => e.name === 'usr-link'),
			30_000,
			() => `not refused; log: ${rig.logText().slice(-1500)}`,
		);
		const refused = rig.errorFiles().find((e) => e.name === 'usr-link')!;
		expect(refused.body.errors[0].message).toMatch(
			/"usr-link" \(a link to \/usr\) is a symbolic link; postspool does not follow links/,
		);
		const moved = join(refused.dir, 'usr-link');
		expect(lstatSync(moved).isSymbolicLink()).toBe(true);
		expect(readlinkSync(moved)).toBe('/usr');
		expect(lstatSync('/usr').isDirectory()).toBe(true);
		expect(rig.inboxEntries()).toEqual([]);
		expect(rig.running).toBe(true);
	});
});
