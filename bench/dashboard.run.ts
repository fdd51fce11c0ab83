/**
 * Issue 14, the local dashboard:
 * - page time: each page served by `startDashboard` over a state database holding N items of
 *   history (default 100,000: published with links, failed, scheduled ahead, queued; 24 h of budget
 *   calls), written in one transaction with the daemon's own schema; time to last byte over
 *   loopback for R requests a page (default 30) after warm-up, median and p95 (target ≤ 200 ms);
 * - idle RSS of the real daemon (`postspool run`, child process) with the dashboard off, on, and
 *   on after each page was served once (target: on within 10 MiB of off).
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { request } from 'node:http';
import { join } from 'node:path';
import { it } from 'vitest';
import { loadConfig } from '../daemon/src/config/load';
import { dashboardToken, loginCode } from '../daemon/src/dashboard/auth';
import { startDashboard } from '../daemon/src/dashboard/server';
import { silentLogger } from '../daemon/src/log';
import { signIn } from '../daemon/test/dashboard/client';
import { DaemonRig, postfastAccount, postsiderChannel, waitFor } from '../test/faults/lib/daemon';
import { followRealTime, loadEmulators } from '../test/faults/lib/emulators';
import { populate, setup } from './lib/dashboard-state';
import { type Figure, type Part, num, procMemory, writePart } from './lib/report';

const PAGES = [
	['/', 'Schedule (this week)'],
	['/?view=day', 'Schedule (today)'],
	['/queue', 'Queue'],
	['/problems', 'Problems'],
	['/published', 'Published (newest page)'],
	['/budgets', 'Budgets'],
] as const;

/** Time to the last byte of one GET, in ms. */
function timed(
	base: string,
	path: string,
	cookie: string,
): Promise<{ ms: number; status: number; bytes: number }> {
	const url = new URL(path, base);
	const t0 = process.hrtime.bigint();
	return new Promise((resolve, reject) => {
		const req = request(
			{
				host: '127.0.0.1',
				port: url.port,
				path: url.pathname + url.search,
				headers: { Host: url.host, Cookie: cookie },
			},
			(res) => {
				let bytes = 0;
				res.on('data', (c: Buffer) => (bytes += c.length));
				res.on('end', () =>
					resolve({
						ms: Number(process.hrtime.bigint() - t0) / 1e6,
						status: res.statusCode ?? 0,
						bytes,
					}),
				);
			},
		);
		req.on('error', reject);
		req.end();
	});
}

const quantile = (sorted: number[], q: number) =>
	sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];

/** The median of a few VmRSS readings of a settled process, in MiB. */
async function idleRss(pid: number, samples = 5): Promise<number> {
	const values: number[] = [];
	for (let i = 0; i < samples; i++) {
		await new Promise((r) => setTimeout(r, 1000));
		values.push(procMemory(pid)?.rssMiB ?? Number.NaN);
	}
	values.sort((a, b) => a - b);
	return values[Math.floor(values.length / 2)];
}

it('dashboard: page time at N items of history, idle RSS with the dashboard on and off', async () => {
	const part: Part = {
		section: 'dashboard',
		title: '6. Dashboard (issue 14): page time at 100,000 items, idle RSS on/off',
		figures: [],
		notes: [],
		notMeasured: [],
	};
	const figures: Figure[] = part.figures;
	const n = num('BENCH_DASH_ITEMS', 100_000, 10_000);
	const requests = num('BENCH_DASH_REQUESTS', 30, 10);
	const settleMs = num('BENCH_DASH_SETTLE_MS', 15_000, 5_000);

	// (a) Page time: the history with 1% of it queued, then the history alone (an empty queue:
	// the Schedule and Queue pages plan every queued post's ETA, so the queue's size counts too).
	const rows: Array<Array<number | string>> = [];
	for (const queued of [true, false]) {
		const env = setup();
		const now = Date.now();
		const t0 = Date.now();
		const counts = populate(env.stateDir, env.configPath, n, now, queued);
		const populateSeconds = (Date.now() - t0) / 1000;
		const state = queued ? `${counts.queued.toLocaleString('en-US')} queued` : 'queue empty';
		const dash = await startDashboard({
			loaded: loadConfig(env.configPath),
			log: silentLogger,
			port: 0,
		});
		try {
			const { cookie } = await signIn(
				dash.url,
				loginCode(dashboardToken(env.stateDir), dash.instance),
			);
			for (const [path, title] of PAGES) {
				for (let w = 0; w < 3; w++) await timed(dash.url, path, cookie);
				const times: number[] = [];
				let bytes = 0;
				for (let i = 0; i < requests; i++) {
					const r = await timed(dash.url, path, cookie);
					if (r.status !== 200) throw new Error(`${path} answered ${r.status}`);
					times.push(r.ms);
					bytes = r.bytes;
				}
				times.sort((a, b) => a - b);
				const median = quantile(times, 0.5);
				const p95 = quantile(times, 0.95);
				rows.push([title, state, +median.toFixed(1), +p95.toFixed(1), +(bytes / 1024).toFixed(1)]);
				figures.push({
					name: `${title}: p95 time to last byte at ${n.toLocaleString('en-US')} items, ${state}`,
					value: +p95.toFixed(1),
					unit: 'ms',
					target: '≤ 200 ms',
					met: p95 <= 200,
				});
			}
		} finally {
			await dash.close();
		}
		part.notes!.push(
			`State (${state}): ${n.toLocaleString('en-US')} items (${counts.published} published with links over the past year, ${counts.failed} failed, ${counts.scheduled} scheduled over the next 4 weeks, ${counts.queued} queued) and ${counts.budgetCalls.toLocaleString('en-US')} budget calls of the last 24 h (every window half full), written with the daemon's schema in one transaction (${populateSeconds.toFixed(1)} s).`,
		);
	}
	part.table = { columns: ['page', 'state', 'median ms', 'p95 ms', 'KiB'], rows };
	// A shared 2-core machine: the load says how far the times are from an idle one.
	part.notes!.push(
		`Load average after the pages were timed: ${loadavg()
			.map((l) => l.toFixed(1))
			.join(', ')} (1, 5, 15 min) on ${cpus().length} cores.`,
		`${requests} GETs a page after 3 warm-up ones, one at a time, signed in, over loopback to startDashboard() in the bench process (no daemon running: the budgets are read from the state directory).`,
	);

	// (b) Idle RSS of the real daemon, dashboard off and on.
	const emulators = await loadEmulators();
	if (!emulators.ok) {
		part.notMeasured!.push({ name: 'idle RSS', reason: emulators.reason });
		writePart(part);
		return;
	}
	const ps = await emulators.mod.startPostSider({});
	const pf = await emulators.mod.startPostFast({});
	const stopClock = followRealTime(ps, pf);
	try {
		const channel = await postsiderChannel(ps, 'linkedin');
		const account = await postfastAccount(pf, 'LINKEDIN');
		const rss: Record<string, number> = {};
		for (const mode of ['off', 'on'] as const) {
			const rig = new DaemonRig({
				ps,
				pf,
				accounts: { 'ps-li': { key: 'ps', ...channel }, 'pf-li': { key: 'pf', ...account } },
				extraConfig: { dashboard: mode === 'on' ? { port: 0 } : { enabled: false } },
			});
			const { child } = rig.start();
			try {
				await waitFor(
					() => /postspool started/.test(rig.logText()),
					60_000,
					() => rig.logText(),
				);
				if (mode === 'on')
					await waitFor(
						() => /dashboard at/.test(rig.logText()),
						30_000,
						() => rig.logText(),
					);
				await new Promise((r) => setTimeout(r, settleMs));
				rss[mode] = await idleRss(child.pid!);
				if (mode === 'on') {
					// After a user looked at every page once (and closed the tab).
					const info = JSON.parse(readFileSync(join(rig.stateDir, 'dashboard.json'), 'utf8'));
					const base: string = info.url;
					const { cookie } = await signIn(
						base,
						loginCode(dashboardToken(rig.stateDir), info.instance),
					);
					for (const [path] of PAGES) await timed(base, path, cookie);
					await new Promise((r) => setTimeout(r, settleMs));
					rss.used = await idleRss(child.pid!);
				}
			} finally {
				await rig.stop();
			}
		}
		const diff = rss.on - rss.off;
		figures.push(
			{ name: 'daemon idle RSS, dashboard off', value: +rss.off.toFixed(1), unit: 'MiB' },
			{ name: 'daemon idle RSS, dashboard on', value: +rss.on.toFixed(1), unit: 'MiB' },
			{
				name: 'difference (on − off)',
				value: +diff.toFixed(1),
				unit: 'MiB',
				target: '≤ 10 MiB',
				met: diff <= 10,
			},
			{
				name: 'daemon idle RSS, dashboard on, after each page was served once',
				value: +rss.used.toFixed(1),
				unit: 'MiB',
				target: '≤ off + 10 MiB',
				met: rss.used - rss.off <= 10,
			},
		);
		part.notes!.push(
			`Idle RSS: \`postspool run\` as a child process (daemon/dist) with an empty queue, settled ${settleMs / 1000} s, then the median of 5 VmRSS readings a second apart (/proc/<pid>/status). "off" is \`"dashboard": { "enabled": false }\` (the dashboard's code is still loaded by the CLI; the server, its database connection and session store are not).`,
		);
	} finally {
		stopClock();
		await ps.close();
		await pf.close();
	}
	writePart(part);
});
