/**
 * The dashboard as a user meets it: `postspool run` as a process (the built bin) over real folders
 * and both emulators (in this process, their clocks on real time), signed in through `postspool
 * open --print`'s one-time link in headless Chromium. Each page shows what the daemon really did;
 * Retry and Cancel act; a post dropped while the calendar is open appears without a reload (SSE);
 * requests without the cookie or with a foreign Host are refused. Screenshots of every page, and
 * one 360 px wide, go to `.artifacts/e2e/dashboard-<page>.png`.
 */
import { networkInterfaces } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sampleMp4, samplePng } from '../../daemon/src/demo/media';
import { call } from '../../daemon/test/dashboard/client';
import {
	DAEMON_BIN,
	DaemonRig,
	buildDaemon,
	marker,
	postfastAccount,
	postsiderChannel,
	waitFor,
} from '../faults/lib/daemon';
import { followRealTime, livePosts } from '../faults/lib/emulators';
import { launchChromium } from './lib/chromium';
import { type Emulators, startEmulators } from './lib/emulators';
import { childEnv, runOk } from './lib/proc';

const e2e = inject('e2e');
const MB = 1_048_576;
const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

describe('the dashboard of a running daemon, in headless Chromium', () => {
	let emu: Emulators;
	let stopClock = () => {};
	let rig: DaemonRig;
	let base = '';
	let link = '';
	let browser: Browser | undefined;
	let context: BrowserContext;
	let tab: Page;

	const shot = (name: string) =>
		tab.screenshot({ path: join(e2e.artifacts, `dashboard-${name}.png`), fullPage: true });
	const item = (name: string) =>
		rig.query<{ id: string; state: string }>('SELECT id, state FROM items WHERE name = ?', name)[0];
	const targetStates = (id: string) =>
		rig
			.query<{ state: string }>('SELECT state FROM targets WHERE item_id = ? ORDER BY idx', id)
			.map((t) => t.state);
	const daemonLog = () => rig.logText().split('\n').slice(-30).join('\n');
	const until = (check: () => boolean | Promise<boolean>, what: string, ms = 30_000) =>
		waitFor(check, ms, () => `${what}; daemon log:\n${daemonLog()}`);
	/** Drops a post the way users do: media first, then the sidecar. */
	const post = (
		name: string,
		sidecar: Record<string, unknown>,
		media: Record<string, Buffer> = {},
	) => rig.dropPost(name, { version: 1, ...sidecar }, media);

	/** Runs browser steps; on failure keeps what the browser showed, the first thing to look at. */
	async function inBrowser(name: string, steps: () => Promise<void>): Promise<void> {
		try {
			await steps();
		} catch (error) {
			await tab
				.screenshot({ path: join(e2e.artifacts, `dashboard-${name}-failure.png`), fullPage: true })
				.catch(() => undefined);
			writeFileSync(
				join(e2e.artifacts, `dashboard-${name}-failure.html`),
				await tab.content().catch(() => ''),
			);
			throw error;
		}
	}

	beforeAll(async () => {
		buildDaemon();
		emu = await startEmulators();
		// The daemon child runs on the wall clock: the emulators publish when real time gets there.
		stopClock = followRealTime(emu.ps, emu.pf);
		const channel = await postsiderChannel(emu.ps, 'x');
		const account = await postfastAccount(emu.pf, 'BLUESKY');
		rig = new DaemonRig({
			ps: emu.ps,
			pf: emu.pf,
			accounts: {
				'ps-x': { key: 'ps', ...channel },
				'pf-b': { key: 'pf', ...account },
			},
			stableMs: 0,
			rescanMs: 1000,
			maxAttempts: 4,
			extraConfig: {
				backoffMs: 50,
				backoffCapMs: 200,
				dashboard: { port: 0 },
				tracking: { firstCheckMs: 0 },
			},
		});
		rig.start();
		await until(() => {
			try {
				base = JSON.parse(readFileSync(join(rig.stateDir, 'dashboard.json'), 'utf8')).url;
				return base.startsWith('http://127.0.0.1:');
			} catch {
				return false;
			}
		}, 'the daemon writes dashboard.json');

		// Signed in the way `postspool open` does it: its one-time link, opened in the browser.
		const open = await runOk(
			process.execPath,
			[DAEMON_BIN, 'open', '--print', '--json', '--config', rig.configPath],
			{ cwd: rig.dir, env: childEnv(), timeoutMs: 30_000 },
		);
		link = (JSON.parse(open.stdout) as { url: string }).url;
		expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/login#.+/);
		browser = await launchChromium();
		context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
		tab = await context.newPage();
		await tab.goto(link);
		await tab.waitForURL(`${base}`, { timeout: 15_000 }).catch(async (err) => {
			writeFileSync(join(e2e.artifacts, 'dashboard-login-failure.html'), await tab.content());
			throw new Error(`sign-in did not reach ${base} (at ${tab.url()}): ${(err as Error).message}`);
		});
	}, 120_000);

	afterAll(async () => {
		await browser?.close();
		await rig?.stop();
		stopClock();
		await emu?.close();
	});

	it("signs in with `postspool open`'s one-time link: an HttpOnly SameSite=Strict cookie, no code left in the address", async () => {
		expect(tab.url()).toBe(base);
		const cookies = await context.cookies(base);
		expect(cookies).toHaveLength(1);
		expect(cookies[0]).toMatchObject({ httpOnly: true, sameSite: 'Strict', domain: '127.0.0.1' });
		// The link worked once: the same link does not sign another browser in.
		const fresh = await browser!.newContext();
		try {
			const again = await fresh.newPage();
			await again.goto(link);
			await expect.poll(() => again.url(), { timeout: 10_000 }).toBe(`${base}login`);
			await again.waitForLoadState('load');
			expect(await fresh.cookies(base)).toEqual([]);
		} finally {
			await fresh.close();
		}
	});

	it('refuses a request without the session cookie, and one with a foreign Host even with it', async () => {
		const [{ name, value }] = await context.cookies(base);
		const cookie = `${name}=${value}`;
		// Without the cookie: every page, the event stream and the actions.
		for (const path of ['/', '/queue', '/problems', '/published', '/budgets', '/events'])
			expect((await call(base, path)).status, path).toBe(401);
		const post = await call(base, '/actions/retry', {
			form: { item: 'x', _csrf: 'x' },
			headers: { Origin: base.replace(/\/$/, '') },
		});
		expect(post.status).toBe(401);
		// With the cookie, but a name that is not this dashboard's (DNS rebinding): refused.
		for (const host of ['evil.example', `evil.example:${new URL(base).port}`, '127.0.0.1'])
			expect(
				(await call(base, '/', { headers: { Host: host, Cookie: cookie } })).status,
				host,
			).toBe(421);
		expect((await call(base, '/', { headers: { Cookie: cookie } })).status).toBe(200);
		// Nothing listens beyond loopback: this machine's other addresses refuse the port.
		const port = Number(new URL(base).port);
		const outside = Object.values(networkInterfaces())
			.flat()
			.filter((a) => a && a.family === 'IPv4' && !a.internal)
			.map((a) => a!.address);
		for (const address of outside)
			await expect(
				fetch(`http://${address}:${port}/`, { signal: AbortSignal.timeout(3000) }),
				address,
			).rejects.toThrow();
	});

	it('Schedule: a post dropped a second earlier appears in the open calendar without a reload (SSE), with its thumbnail', async () => {
		await inBrowser('schedule', async () => {
			const when = inHours(3);
			await tab.goto(`${base}?date=${when.slice(0, 10)}`);
			await expect.poll(() => tab.locator('#live-status').textContent()).toBe('Live');
			await tab.evaluate(
				() => ((globalThis as unknown as { notReloaded: boolean }).notReloaded = true),
			);
			post(
				'launch.png',
				{ text: 'Launch', targets: ['ps-x', 'pf-b'], when },
				{
					'launch.png': samplePng(96, 64, [200, 60, 40]),
				},
			);
			const entry = tab.locator('.entry', { hasText: 'launch.png' });
			await entry.first().waitFor({ timeout: 15_000 });
			expect(
				await tab.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded),
			).toBe(true);
			// Both accounts, each with the image the daemon holds.
			await until(() => item('launch.png')?.state === 'done', 'launch.png is scheduled on both');
			await expect
				.poll(() => entry.filter({ hasText: 'scheduled' }).count(), { timeout: 10_000 })
				.toBe(2);
			await expect.poll(() => entry.first().innerText(), { timeout: 15_000 }).toContain('ps-x');
			await expect
				.poll(() => tab.locator('.entry', { hasText: 'pf-b' }).count())
				.toBeGreaterThan(0);
			const thumb = entry.first().locator('img.thumb');
			await expect
				.poll(() =>
					thumb.evaluate(
						(img: { complete: boolean; naturalWidth: number }) => img.complete && img.naturalWidth,
					),
				)
				.toBe(96);
			await shot('schedule');
		});
	});

	it('Queue: a sidecar waiting for its media, and an upload in flight with its live progress bar', async () => {
		await inBrowser('queue', async () => {
			post('later.mp4', { text: 'later', targets: ['ps-x'], when: inHours(5) });
			await tab.goto(`${base}queue`);
			await expect
				.poll(() => tab.locator('main').innerText(), { timeout: 15_000 })
				.toContain('waits for its media file later.mp4');
			// The emulator takes its time over the body: the 24 MB upload stays in flight for seconds.
			emu.ps.faults.add({
				method: 'POST',
				path: '/public/v1/upload',
				kind: 'latency',
				delayMs: 6000,
				times: 1,
			});
			post(
				'big.mp4',
				{ text: 'big', targets: ['ps-x'], when: inHours(6) },
				{
					'big.mp4': sampleMp4(24 * MB, 5),
				},
			);
			const bar = tab.locator('progress[aria-label="upload of big.mp4"]');
			await bar.waitFor({ timeout: 20_000 });
			const total = Number(await bar.getAttribute('max'));
			expect(total).toBeGreaterThan(24 * MB);
			expect(Number(await bar.getAttribute('value'))).toBeLessThan(total);
			await expect
				.poll(() => tab.locator('.uploads').innerText(), { timeout: 15_000 })
				.toContain('ps-x');
			await shot('queue');
			// The bar goes when the upload is done, still without a reload.
			await bar.waitFor({ state: 'detached', timeout: 30_000 });
		});
	});

	it('Problems: a failed post with its message and fix; Retry from the page sends it (the emulator has it)', async () => {
		await inBrowser('problems', async () => {
			const text = `retry me ${marker()}`;
			emu.ps.faults.add({
				method: 'POST',
				path: /\/posts$/,
				kind: 'status',
				status: 400,
				times: 1,
				body: { message: 'content is not allowed here', statusCode: 400 },
			});
			post(
				'broken.png',
				{ text, targets: ['ps-x'], when: inHours(8) },
				{
					'broken.png': samplePng(40, 40, [10, 20, 30]),
				},
			);
			await until(() => item('broken.png')?.state === 'failed', 'broken.png fails');
			await tab.goto(`${base}problems`);
			const card = tab.locator('.card', { hasText: 'broken.png' });
			await expect
				.poll(() => card.innerText(), { timeout: 15_000 })
				.toContain('content is not allowed here');
			await expect
				.poll(() => card.locator('.fix').innerText(), { timeout: 15_000 })
				.toContain('Fix:');
			await shot('problems');
			expect(livePosts(emu.ps).some((p) => String(p.content).includes(text))).toBe(false);
			await Promise.all([
				tab.waitForResponse((r) => r.url() === `${base}actions/retry` && r.status() === 303),
				card.getByRole('button', { name: 'Retry broken.png' }).click(),
			]);
			await until(() => item('broken.png')?.state === 'done', 'broken.png is sent again');
			const sent = livePosts(emu.ps).filter((p) => String(p.content).includes(text));
			expect(sent).toHaveLength(1);
			await expect
				.poll(() => tab.locator('.card', { hasText: 'broken.png' }).count(), { timeout: 15_000 })
				.toBe(0);
		});
	});

	it('Problems: Cancel from the page cancels the post like `postspool cancel`', async () => {
		await inBrowser('cancel', async () => {
			emu.ps.faults.add({
				method: 'POST',
				path: /\/posts$/,
				kind: 'status',
				status: 400,
				times: 1,
			});
			post(
				'dropme.png',
				{ text: `cancel me ${marker()}`, targets: ['ps-x'], when: inHours(9) },
				{
					'dropme.png': samplePng(41, 41, [1, 2, 3]),
				},
			);
			await until(() => item('dropme.png')?.state === 'failed', 'dropme.png fails');
			await tab.goto(`${base}problems`);
			const card = tab.locator('.card', { hasText: 'dropme.png' });
			await Promise.all([
				tab.waitForResponse((r) => r.url() === `${base}actions/cancel` && r.status() === 303),
				card.getByRole('button', { name: 'Cancel dropme.png' }).click(),
			]);
			await expect
				.poll(() => tab.locator('.card', { hasText: 'dropme.png' }).count(), { timeout: 15_000 })
				.toBe(0);
			const { id } = item('dropme.png');
			expect(targetStates(id)).toEqual(['cancelled']);
			expect(
				rig.query(
					`SELECT 1 FROM notify_events WHERE type = 'cancelled' AND payload LIKE ?`,
					`%${id}%`,
				),
			).toHaveLength(1);
		});
	});

	it('Published: a post the service published, with the link to it', async () => {
		await inBrowser('published', async () => {
			// Due in a few seconds; the daemon's tracker follows it from its publish time on.
			const text = `live ${marker()}`;
			post(
				'live.png',
				{
					text,
					targets: ['ps-x'],
					when: new Date(Date.now() + 15_000).toISOString(),
				},
				{
					'live.png': samplePng(42, 42, [9, 8, 7]),
				},
			);
			await until(
				() => {
					const i = item('live.png');
					return !!i && targetStates(i.id)[0] === 'published';
				},
				'the tracker sees live.png published',
				120_000,
			);
			await tab.goto(`${base}published`);
			const row = tab.locator('main tr, main li', { hasText: 'live.png' }).first();
			await row.waitFor({ timeout: 15_000 });
			const href = await row.locator('a[href^="https://"]').first().getAttribute('href');
			const stored = livePosts(emu.ps).find((p) => String(p.content).includes(text));
			expect(href).toBe(stored?.releaseURL);
			await shot('published');
		});
	});

	it("Budgets: each key's windows as bars and the 24-hour chart of calls", async () => {
		await inBrowser('budgets', async () => {
			await tab.goto(`${base}budgets`);
			const main = tab.locator('main');
			for (const key of ['ps', 'pf'])
				await expect.poll(() => main.innerText(), { timeout: 15_000 }).toContain(key);
			expect(await tab.locator('svg.bar').count()).toBeGreaterThan(1);
			await expect
				.poll(() => main.innerText(), { timeout: 15_000 })
				.toMatch(/used, \d+ reserved, \d+ free of \d+/);
			await expect
				.poll(() => main.innerText(), { timeout: 15_000 })
				.toMatch(/Calls per hour, last 24 hours \([1-9]\d* in all\)/);
			await shot('budgets');
		});
	});

	it('is readable 360 px wide: nothing wider than the screen', async () => {
		await inBrowser('narrow', async () => {
			const narrow = await context.newPage();
			try {
				await narrow.setViewportSize({ width: 360, height: 740 });
				for (const [path, name] of [
					['', 'schedule'],
					['problems', 'problems'],
					['budgets', 'budgets'],
				] as const) {
					await narrow.goto(`${base}${path}`);
					const width = await narrow.evaluate(
						() =>
							(globalThis as unknown as { document: { documentElement: { scrollWidth: number } } })
								.document.documentElement.scrollWidth,
					);
					expect(width, `${name} at 360 px`).toBeLessThanOrEqual(360);
					if (name === 'schedule')
						await narrow.screenshot({
							path: join(e2e.artifacts, 'dashboard-schedule-360.png'),
							fullPage: true,
						});
				}
			} finally {
				await narrow.close();
			}
		});
	});

	it('never shows a key: not in any page, nor in the daemon log', async () => {
		const pages: string[] = [];
		for (const p of ['', 'queue', 'problems', 'published', 'budgets']) {
			await tab.goto(`${base}${p}`);
			pages.push(await tab.content());
		}
		const text = pages.join('\n') + rig.logText();
		for (const key of [emu.ps.apiKey, emu.pf.apiKey]) expect(text).not.toContain(key);
		const token = readFileSync(join(rig.stateDir, 'dashboard-token'), 'utf8').trim();
		expect(text).not.toContain(token);
	});
});
