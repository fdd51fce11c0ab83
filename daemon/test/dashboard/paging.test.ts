/**
 * A long history: the Published page walks it by keyset (every post once, newest first) and the
 * pages' queries use their indexes (no full scan, no sort of the whole table).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardToken, loginCode } from '../../src/dashboard/auth';
import { PAGE_SIZE } from '../../src/dashboard/pages/published';
import { SHOWN } from '../../src/dashboard/pages/problems';
import { PER_DAY } from '../../src/dashboard/pages/schedule';
import { type Dashboard, startDashboard } from '../../src/dashboard/server';
import { silentLogger } from '../../src/log';
import type { Store } from '../../src/state/store';
import { type Env, makeEnv, openStore } from '../helpers';
import { call, signIn } from './client';
import { insertFailed, insertHistory } from './fixtures';

const N = 3_000;
let env: Env;
let store: Store;
let dash: Dashboard;
let ids: number[];
let cookie: string;

beforeAll(async () => {
	env = makeEnv({ dashboard: { port: 0 } });
	store = openStore(env);
	ids = insertHistory(store, N);
	dash = await startDashboard({ loaded: env.loaded, log: silentLogger });
	cookie = (await signIn(dash.url, loginCode(dashboardToken(env.loaded.stateDir), dash.instance)))
		.cookie;
});

afterAll(async () => {
	await dash?.close();
	store?.db.close();
});

const plan = (sql: string, ...args: unknown[]) =>
	store.db
		.prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
		.all(...args)
		.map((r) => r.detail)
		.join('\n');

describe('paging at many rows', () => {
	it(`walks ${N} published posts by "Older" links: each once, newest first`, async () => {
		const seen: number[] = [];
		let path: string | undefined = '/published';
		let pages = 0;
		while (path) {
			const r = await call(dash.url, path, { headers: { Cookie: cookie } });
			expect(r.status).toBe(200);
			const rows = [...r.body.matchAll(/https:\/\/x\.example\/status\/(\d+)"/g)].map((m) =>
				Number(m[1]),
			);
			expect(rows.length).toBeLessThanOrEqual(PAGE_SIZE);
			seen.push(...rows);
			pages++;
			path = /href="(\/published\?before=[\d.]+)"/.exec(r.body)?.[1];
		}
		expect(pages).toBe(Math.ceil(N / PAGE_SIZE));
		expect(seen).toEqual(Array.from({ length: N }, (_, i) => i));
		expect(ids).toHaveLength(N);
		// A cursor that is not one is the first page, not an error.
		const bad = await call(dash.url, '/published?before=x%27--', { headers: { Cookie: cookie } });
		expect(bad.status).toBe(200);
		expect(bad.body).toContain('history-0.png');
	});

	it('the Published query reads the outcomes_published index in order (no full scan, no sort)', () => {
		const p = plan(
			`SELECT o.target_id FROM outcomes o JOIN targets t ON t.id = o.target_id JOIN items i ON i.id = o.item_id
			 WHERE o.published_at IS NOT NULL AND (o.published_at, o.target_id) < (?, ?)
			 ORDER BY o.published_at DESC, o.target_id DESC LIMIT 51`,
			Date.now(),
			1e9,
		);
		expect(p).toMatch(/outcomes_published/);
		expect(p).not.toMatch(/TEMP B-TREE/);
		expect(p).not.toMatch(/SCAN (o|t|i)\b(?! USING)/);
	});

	it("the calendar's week reads targets by publish time (targets_publish_at)", () => {
		const states = `+state IN ('confirmed', 'published', 'publish-failed')`;
		const p = plan(
			`SELECT * FROM targets WHERE publish_at >= ? AND publish_at < ? AND ${states} ORDER BY publish_at, id`,
			0,
			1,
		);
		expect(p).toMatch(/targets_publish_at/);
		// Asap posts (no publish time): their own partial index, not a scan of every target.
		const asap = plan(
			`SELECT * FROM targets WHERE publish_at IS NULL AND updated_at >= ? AND updated_at < ? AND ${states} ORDER BY updated_at, id`,
			0,
			1,
		);
		expect(asap).toMatch(
			/SEARCH targets USING INDEX targets_asap_sent \(updated_at>\? AND updated_at<\?\)/,
		);
		const week = Date.now() - 3 * 86_400_000;
		return call(dash.url, `/?date=${new Date(week).toISOString().slice(0, 10)}`, {
			headers: { Cookie: cookie },
		}).then((r) => {
			expect(r.status).toBe(200);
			expect(r.body).toContain('history-');
			// A post a minute: each day shows its first PER_DAY.week and says how many more.
			const shown = r.body.match(/<li class="entry/g)?.length ?? 0;
			expect(shown).toBeLessThanOrEqual(7 * PER_DAY.week);
			expect(r.body.replace(/\s+/g, ' ')).toMatch(/1400 more not shown/);
		});
	});

	it('refuses an impossible or out-of-range ?date= and shows this week with a notice', async () => {
		const thisWeek = await call(dash.url, '/', { headers: { Cookie: cookie } });
		const heading = (body: string) => /<h2>(Week of [^<]*)/.exec(body)?.[1];
		for (const [date, says] of [
			['2027-02-30', 'is not a date'],
			['-001000-01-01', 'is not a date'],
			['2027-2-3', 'is not a date'],
			['0999-01-01', 'is out of range'],
			['1970-01-01', 'is out of range'],
			['9999-12-31', 'is out of range'],
		]) {
			const r = await call(dash.url, `/?date=${date}`, { headers: { Cookie: cookie } });
			expect(r.status, date).toBe(200);
			expect(r.body, date).toContain(says);
			expect(heading(r.body), date).toBe(heading(thisWeek.body));
		}
		// Any real day in range: its own week, a well-formed heading, no notice.
		await fc.assert(
			fc.asyncProperty(
				fc.date({
					min: new Date(Date.UTC(1970, 0, 8)),
					max: new Date(Date.UTC(9999, 11, 24)),
					noInvalidDate: true,
				}),
				async (d) => {
					const day = d.toISOString().slice(0, 10);
					const r = await call(dash.url, `/?date=${day}`, { headers: { Cookie: cookie } });
					expect(r.status).toBe(200);
					expect(r.body).not.toContain('role="alert"');
					const h = heading(r.body)!;
					expect(h).toMatch(/^Week of \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2} $/);
					const [from, to] = h.match(/\d{4}-\d{2}-\d{2}/g)!;
					expect(from <= day && day <= to).toBe(true);
				},
			),
			{ numRuns: 40 },
		);
	});

	it('echoes a ?date= holding control characters with none of them raw (\\u0000 in the notice)', async () => {
		const raw = /[\0-\x08\x0b\x0e-\x1f\x7f-\x9f]/;
		const nul = await call(dash.url, '/?date=%00', { headers: { Cookie: cookie } });
		expect(nul.status).toBe(200);
		expect(nul.body).not.toMatch(raw);
		expect(nul.body).toContain('&quot;\\u0000&quot; is not a date');
		const control = fc
			.integer({ min: 0, max: 0x9f })
			.filter((c) => c < 0x20 || c >= 0x7f)
			.map((c) => String.fromCharCode(c));
		await fc.assert(
			fc.asyncProperty(
				fc.array(fc.oneof(control, fc.constantFrom('2027-01-0', '1', '-', 'x')), {
					minLength: 1,
					maxLength: 12,
				}),
				async (parts) => {
					const date = parts.join('');
					fc.pre(raw.test(date));
					const r = await call(dash.url, `/?date=${encodeURIComponent(date)}`, {
						headers: { Cookie: cookie },
					});
					expect(r.status).toBe(200);
					expect(r.body).toContain('is not a date');
					expect(r.body).not.toMatch(raw);
				},
			),
			{ numRuns: 40 },
		);
	});

	it('the Problems page shows the most recent problems and counts the rest', async () => {
		for (let i = 0; i < SHOWN + 20; i++) insertFailed(store, `broken-${i}.png`);
		const r = await call(dash.url, '/problems', { headers: { Cookie: cookie } });
		expect(r.body.match(/<li class="card"/g)).toHaveLength(SHOWN);
		expect(r.body.replace(/\s+/g, ' ')).toContain(
			`${SHOWN + 20} posts; the ${SHOWN} most recent are shown`,
		);
	});
});
