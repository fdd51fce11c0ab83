/**
 * Issue 5 item 2, with the real daemon as a child process (`postspool run`):
 * - ingest: N sidecar posts (default 10,000) dropped at once (tmp + rename) while it runs, until
 *   all are queued: time, the daemon's peak RSS, none missed, none duplicated;
 * - restart with D done items (default 100,000, with their done/ folders) and P pending posts in
 *   the inbox (default 5,000): time to ready, time until the pending are queued, RSS;
 * - idle CPU and RSS with Q posts queued (default 1,000) that wait for PostSider's hourly budget.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { it } from 'vitest';
import { openDb } from '../daemon/src/state/db';
import { DaemonRig, postsiderChannel, waitFor } from '../test/faults/lib/daemon';
import { type EmulatorModule, followRealTime, loadEmulators } from '../test/faults/lib/emulators';
import { type Part, num, procCpuMs, procMemory, writePart } from './lib/report';

const future = (i: number) => new Date(Date.now() + 20 * 86_400_000 + i * 60_000).toISOString();

function count(rig: DaemonRig, sql = 'SELECT count(*) AS n FROM items'): number {
	return rig.query<{ n: number }>(sql)[0]?.n ?? 0;
}

/** Samples the child's memory every 100 ms (VmHWM is the kernel's own peak). */
function sampler(pid: number) {
	let peak = 0;
	const timer = setInterval(() => {
		const m = procMemory(pid);
		if (m) peak = Math.max(peak, m.peakMiB);
	}, 100);
	return {
		stop() {
			clearInterval(timer);
			const m = procMemory(pid);
			return Math.max(peak, m?.peakMiB ?? 0);
		},
	};
}

function writeSidecars(inbox: string, n: number, prefix: string, target: string): void {
	for (let i = 0; i < n; i++) {
		const name = `${prefix}${String(i).padStart(6, '0')}`;
		writeFileSync(
			join(inbox, `.${name}.json.tmp`),
			JSON.stringify({ version: 1, text: `${prefix} ${i}`, targets: [target], when: future(i) }),
		);
		renameSync(join(inbox, `.${name}.json.tmp`), join(inbox, `${name}.json`));
	}
}

async function ingest(mod: EmulatorModule, part: Part): Promise<void> {
	const n = num('BENCH_INGEST', 10_000, 2_000);
	const ps = await mod.startPostSider({ apiLimit: 60, clock: 'real' });
	const stop = followRealTime(ps);
	try {
		const ch = await postsiderChannel(ps, 'linkedin');
		const rig = new DaemonRig({
			ps,
			psApiLimit: 60,
			accounts: { li: { key: 'ps', ...ch } },
			stableMs: 500,
			rescanMs: 60_000,
		});
		rig.start();
		await waitFor(
			() => rig.logText().includes('postspool started'),
			30_000,
			() => rig.logText(),
		);
		const mem = sampler(rig.pid!);
		const t0 = Date.now();
		writeSidecars(rig.inbox, n, 'ing', 'li');
		const written = Date.now() - t0;
		await waitFor(
			() => count(rig) >= n,
			600_000,
			() => `${count(rig)} of ${n} queued`,
			200,
		);
		const seconds = (Date.now() - t0) / 1000;
		const peak = mem.stop();
		await new Promise((r) => setTimeout(r, 2000));
		const items = count(rig);
		const distinct = count(rig, 'SELECT count(DISTINCT name) AS n FROM items');
		const identities = count(rig, 'SELECT count(DISTINCT identity) AS n FROM items');
		await rig.stop();
		part.figures.push(
			{
				name: `ingest ${n.toLocaleString('en-US')} sidecars dropped at once: all queued after`,
				value: +seconds.toFixed(2),
				unit: 's',
				target: n === 10_000 ? '≤ 30 s' : undefined,
				met: n === 10_000 ? seconds <= 30 : null,
			},
			{
				name: 'ingest: time to write the files (tmp + rename), included above',
				value: +(written / 1000).toFixed(2),
				unit: 's',
			},
			{ name: 'ingest: daemon peak RSS', value: +peak.toFixed(1), unit: 'MiB' },
			{
				name: 'ingest: missed (dropped − queued)',
				value: n - distinct,
				target: '0',
				met: n - distinct === 0,
			},
			{
				name: 'ingest: duplicated (queued rows − distinct posts)',
				value: items - Math.min(distinct, identities),
				target: '0',
				met: items === distinct && distinct === identities,
			},
		);
	} finally {
		stop();
		await ps.close();
	}
}

async function restart(mod: EmulatorModule, part: Part): Promise<void> {
	const done = num('BENCH_DONE', 100_000, 10_000);
	const pending = num('BENCH_PENDING', 5_000, 1_000);
	const ps = await mod.startPostSider({ apiLimit: 60, clock: 'real' });
	const stop = followRealTime(ps);
	try {
		const ch = await postsiderChannel(ps, 'linkedin');
		const rig = new DaemonRig({
			ps,
			psApiLimit: 60,
			accounts: { li: { key: 'ps', ...ch } },
			stableMs: 500,
			rescanMs: 60_000,
		});
		// A state a long-lived daemon would have: `done` items with a confirmed target each (schema by
		// the daemon's own migrations) and their done/YYYY-MM/<name>/ folders with receipt and sidecar.
		openDb(rig.stateDir).close();
		const db = new Database(join(rig.stateDir, 'postspool.sqlite'));
		const month = join(rig.drop, 'done', '2026-10');
		mkdirSync(month, { recursive: true });
		const insertItem = db.prepare(
			`INSERT INTO items (id, identity, name, folder, work_dir, state, post, final_dir, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'done', ?, ?, ?, ?)`,
		);
		const insertTarget = db.prepare(
			`INSERT INTO targets (item_id, idx, label, key_name, service, account_id, platform, state, remote_id, updated_at) VALUES (?, 0, 'li', 'ps', 'postsider', ?, 'linkedin', 'confirmed', ?, ?)`,
		);
		const at = Date.now() - 30 * 86_400_000;
		db.transaction(() => {
			for (let i = 0; i < done; i++) {
				const name = `old${String(i).padStart(6, '0')}`;
				const dir = join(month, name);
				insertItem.run(
					`it-${i}`,
					`sha256:${i.toString(16).padStart(64, '0')}`,
					name,
					rig.drop,
					dir,
					JSON.stringify({ name, kind: 'file' }),
					dir,
					at,
					at,
				);
				insertTarget.run(`it-${i}`, ch.id, `post-${i}`, at);
			}
		})();
		db.close();
		for (let i = 0; i < done; i++) {
			const dir = join(month, `old${String(i).padStart(6, '0')}`);
			mkdirSync(dir);
			writeFileSync(join(dir, 'receipt.json'), '{"targets":[{"state":"confirmed"}]}');
			writeFileSync(join(dir, `old${i}.json`), '{"version":1}');
		}
		writeSidecars(rig.inbox, pending, 'pend', 'li');
		const t0 = Date.now();
		rig.start();
		const mem = sampler(rig.pid!);
		await waitFor(
			() => rig.logText().includes('postspool started'),
			60_000,
			() => rig.logText(),
			20,
		);
		const ready = (Date.now() - t0) / 1000;
		await waitFor(
			() =>
				count(rig, `SELECT count(*) AS n FROM items WHERE state != 'done' OR name LIKE 'pend%'`) >=
				pending,
			600_000,
			() => `${count(rig)} items`,
			100,
		);
		const queued = (Date.now() - t0) / 1000;
		const rss = procMemory(rig.pid!);
		const peak = mem.stop();
		await rig.stop();
		part.figures.push(
			{
				name: `restart with ${done.toLocaleString('en-US')} done + ${pending.toLocaleString('en-US')} pending: ready (started, watching)`,
				value: +ready.toFixed(2),
				unit: 's',
				target: '≤ 2 s',
				met: ready <= 2,
			},
			{ name: 'restart: all pending queued after', value: +queued.toFixed(2), unit: 's' },
			{
				name: 'restart: RSS once the pending are queued',
				value: +(rss?.rssMiB ?? NaN).toFixed(1),
				unit: 'MiB',
				target: '≤ 150 MiB',
				met: rss ? rss.rssMiB <= 150 : null,
			},
			{ name: 'restart: peak RSS', value: +peak.toFixed(1), unit: 'MiB' },
		);
	} finally {
		stop();
		await ps.close();
	}
}

async function idle(mod: EmulatorModule, part: Part): Promise<void> {
	const queued = num('BENCH_QUEUED', 1_000, 300);
	const seconds = num('BENCH_IDLE_SECONDS', 60, 20);
	// PostSider with API_LIMIT=60: 60 creates an hour, so 1,000 posts wait for most of a day.
	const ps = await mod.startPostSider({ apiLimit: 60, clock: 'real' });
	const stop = followRealTime(ps);
	try {
		const ch = await postsiderChannel(ps, 'linkedin');
		const rig = new DaemonRig({
			ps,
			psApiLimit: 60,
			accounts: { li: { key: 'ps', ...ch } },
			stableMs: 500,
		});
		writeSidecars(rig.inbox, queued, 'idle', 'li');
		rig.start();
		await waitFor(
			() => count(rig) >= queued,
			300_000,
			() => `${count(rig)} queued`,
			500,
		);
		// Let the first burst (the free part of the hourly window) go out, then measure.
		let last = -1;
		await waitFor(
			() => {
				const n = ps.requests.length;
				const quiet = n === last;
				last = n;
				return quiet;
			},
			300_000,
			() => `${ps.requests.length} requests so far`,
			15_000,
		);
		const r0 = ps.requests.length;
		const c0 = procCpuMs(rig.pid!)!;
		const t0 = Date.now();
		await new Promise((r) => setTimeout(r, seconds * 1000));
		const cpu = procCpuMs(rig.pid!)! - c0;
		const pct = (100 * cpu) / (Date.now() - t0);
		const mem = procMemory(rig.pid!);
		const waiting = count(rig, `SELECT count(*) AS n FROM targets WHERE state = 'pending'`);
		const calls = ps.requests.length - r0;
		await rig.stop();
		part.figures.push(
			{
				name: `steady state with ${waiting.toLocaleString('en-US')} posts queued behind PostSider's 60/h budget: CPU over ${seconds} s (${calls} API calls in that time)`,
				value: +pct.toFixed(2),
				unit: '% of one core',
				target: '≤ 0.5%',
				met: pct <= 0.5,
			},
			{
				name: 'steady state: RSS',
				value: +(mem?.rssMiB ?? NaN).toFixed(1),
				unit: 'MiB',
				target: '≤ 120 MiB',
				met: mem ? mem.rssMiB <= 120 : null,
			},
		);
	} finally {
		stop();
		await ps.close();
	}
}

it('ingest, restart and idle', async () => {
	const part: Part = {
		section: 'ingest',
		title: '2. Ingest, restart, idle (the real daemon as a child process)',
		figures: [],
		notes: [],
		notMeasured: [],
	};
	const loaded = await loadEmulators();
	if (!loaded.ok) {
		part.notMeasured!.push({ name: 'ingest, restart, idle', reason: loaded.reason });
		writePart(part);
		return;
	}
	for (const [name, fn] of [
		['ingest', ingest],
		['restart', restart],
		['idle CPU', idle],
	] as const) {
		try {
			await fn(loaded.mod, part);
		} catch (err) {
			part.notMeasured!.push({ name, reason: (err as Error).message.split('\n')[0].slice(0, 400) });
		}
	}
	part.notes!.push(
		"Restart state is synthesised with the daemon's own schema (items in `done` with a confirmed target, their done/ folders with receipt and sidecar), not produced by 100,000 real posts.",
		"RSS is the kernel's figure for the daemon process as users run it: `postspool run` caps V8's young generation itself (`--max-semi-space-size=4`, applied through process.execve, same pid). V8 keeps freed heap pages pooled and resident, so RSS after a burst stays near the burst's heap peak; in the 10,000-file burst about 60 MiB of that peak is chokidar's queued per-event work (the same run without the watcher peaks near 115 MiB).",
	);
	writePart(part);
});
