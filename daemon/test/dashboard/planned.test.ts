/**
 * Planned posts: queued through the real intake, not sent (no worker runs here), on a key whose
 * budget allows one call a minute. The calendar and the Queue page show each post's ETA and the
 * window that gates it, the same ETAs `queue ls` computes (commands/eta.ts).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBudgets } from '../../src/daemon';
import { planEtas, queuedTargets } from '../../src/commands/eta';
import { dashboardToken, loginCode } from '../../src/dashboard/auth';
import { escapeHtml, time } from '../../src/dashboard/html';
import { type Dashboard, startDashboard } from '../../src/dashboard/server';
import { Intake } from '../../src/intake/ingest';
import { uploadProgress } from '../../src/pipeline/progress';
import { acquireLock } from '../../src/state/lock';
import { silentLogger } from '../../src/log';
import type { Store } from '../../src/state/store';
import { type Env, drop, makeEnv, openStore } from '../helpers';
import { call, signIn } from './client';

let env: Env;
let store: Store;
let dash: Dashboard;
let cookie: string;

beforeAll(async () => {
	env = makeEnv({ dashboard: { port: 0 } });
	// One call a minute on the PostSider key: three posts queue behind each other.
	const cfg = env.loaded.config;
	(cfg.keys.sider as { apiLimit?: number }).apiLimit = 1;
	store = openStore(env);
	const intake = new Intake({ config: cfg, store, log: silentLogger });
	for (const n of [1, 2, 3])
		drop(join(env.inbox, `plan-${n}.json`), {
			version: 1,
			text: `post ${n}`,
			targets: ['acme-x'],
			when: 'asap',
		});
	await intake.scan();
	expect(store.items('processing')).toHaveLength(3);
	dash = await startDashboard({ loaded: env.loaded, log: silentLogger });
	cookie = (await signIn(dash.url, loginCode(dashboardToken(env.loaded.stateDir), dash.instance)))
		.cookie;
});

afterAll(async () => {
	await dash?.close();
	store?.db.close();
});

describe('planned posts', () => {
	it('the calendar and the Queue page give the ETAs and gating windows queue ls computes', async () => {
		const etas = planEtas(
			createBudgets(store.db, env.loaded.config, Date.now),
			env.loaded.config,
			queuedTargets(store),
		);
		const targets = store.liveTargets();
		expect(targets).toHaveLength(3);
		const last = etas.get(`queued:${targets[2].id}`)!;
		expect(last.at).toBeGreaterThan(Date.now() + 60_000);
		expect(last.gating).toBeTruthy();
		const day = new Date(last.at).toISOString().slice(0, 10);
		const cal = await call(dash.url, `/?view=day&date=${day}`, { headers: { Cookie: cookie } });
		expect(cal.status).toBe(200);
		expect(cal.body).toContain('plan-3');
		expect(cal.body).toContain('planned');
		// Minutes: the page planned a few milliseconds later than this test.
		expect(cal.body).toContain(`ETA ${time(last.at)}`);
		expect(cal.body).toContain(`gated by ${escapeHtml(last.gating!)}`);
		const queue = await call(dash.url, '/queue', { headers: { Cookie: cookie } });
		expect(queue.body).toContain('Queued (3)');
		for (const n of [1, 2, 3]) expect(queue.body).toContain(`plan-${n}`);
		expect(queue.body).toContain(escapeHtml(last.gating!));
		expect(queue.body).toContain(`>${time(last.at)}</time>`);
	});

	it('plans the ETAs once per state change: repeated pages and fragment re-fetches reuse the plan', async () => {
		const get = (path: string, headers: Record<string, string> = {}) =>
			call(dash.url, path, { headers: { Cookie: cookie, ...headers } }).then((r) => {
				expect(r.status, path).toBe(200);
				return r.body;
			});
		await get('/queue');
		const made = dash.plansMade();
		for (let i = 0; i < 5; i++) {
			await get('/queue');
			await get('/', { 'X-Fragment': '1' });
		}
		expect(dash.plansMade()).toBe(made);
		// Another connection commits (as the daemon does): the next page plans again, once.
		const other = openStore(env);
		other.event(null, null, 'info', 'a change');
		other.db.close();
		expect(await get('/queue')).toContain('Queued (3)');
		await get('/queue');
		expect(dash.plansMade()).toBe(made + 1);
	});

	it('the Queue page shows an upload in flight with its progress bar, and SSE tells when it moves', async () => {
		const item = store.items('processing')[0];
		const upload = uploadProgress.begin({
			itemId: item.id,
			name: item.name,
			target: 'acme-x',
			service: 'postsider',
			file: 'clip.mp4',
			total: 4 * 1048576,
		});
		try {
			// The next 'change' on /events once the upload moves.
			const events = await fetch(new URL('/events', dash.url), { headers: { Cookie: cookie } });
			const reader = events.body!.getReader();
			await reader.read(); // retry: line
			upload.update(1048576, 4 * 1048576);
			let text = '';
			while (!text.includes('event: change'))
				text += new TextDecoder().decode((await reader.read()).value);
			await reader.cancel();
			const queue = await call(dash.url, '/queue', { headers: { Cookie: cookie } });
			const flat = queue.body.replace(/\s+/g, ' ');
			expect(flat).toContain('clip.mp4');
			expect(flat).toMatch(/<progress max="4194304" value="1048576"/);
			expect(flat).toContain('25% (1.0 of 4.0 MB)');
		} finally {
			upload.end();
		}
		const after = await call(dash.url, '/queue', { headers: { Cookie: cookie } });
		expect(after.body).toContain('No upload in progress.');
	});

	it('while a daemon holds the state, pages read the budgets from a snapshot (never settle its reservations)', async () => {
		const release = acquireLock(env.loaded.stateDir);
		try {
			for (const p of ['/', '/queue', '/budgets']) {
				const r = await call(dash.url, p, { headers: { Cookie: cookie } });
				expect(r.status, p).toBe(200);
			}
			const cal = await call(dash.url, '/', { headers: { Cookie: cookie } });
			expect(cal.body).toContain('plan-1');
		} finally {
			release();
		}
	});
});
