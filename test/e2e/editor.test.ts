/**
 * The editor check: a real `n8n start` with the packed package installed, an owner created over
 * REST, then Debian's Chromium (driven by playwright-core) logs in, opens the node panel (N) and
 * finds both services' nodes with their icons. The screenshots are kept in `.artifacts/e2e/`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, selectors, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startServer, type N8nServer } from './lib/n8nCli';

const e2e = inject('e2e');
const CHROMIUM = process.env.POSTSPOOL_CHROMIUM || '/usr/bin/chromium';
/** The flags this machine's closed network needs (node.md): no background fetches, no QUIC. */
const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];
const OWNER = {
	email: 'owner@postspool.test',
	firstName: 'E2E',
	lastName: 'Owner',
	password: 'Postspool-e2e-1',
};

interface NodeTypeDescription {
	name: string;
	displayName: string;
	iconUrl?: string | { light: string; dark: string };
	group?: string[];
}

describe('n8n editor in headless Chromium', () => {
	let server: N8nServer;
	let browser: Browser | undefined;
	let cookie = '';
	let workflowId = '';
	const manifest = JSON.parse(readFileSync(join(e2e.packageDir, 'package.json'), 'utf8')) as {
		n8n: { nodes: string[] };
	};

	beforeAll(async () => {
		if (!existsSync(CHROMIUM)) {
			throw new Error(
				`Chromium not found at ${CHROMIUM}: install Debian's package (apt-get install -y chromium) or set POSTSPOOL_CHROMIUM to a Chromium binary.`,
			);
		}
		server = await startServer({ bin: e2e.n8nBin, userFolder: e2e.userFolder });
		const setup = await fetch(`${server.url}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(OWNER),
		});
		expect(setup.status, await setup.clone().text()).toBe(200);
		cookie = setup.headers
			.getSetCookie()
			.map((c) => c.split(';')[0])
			.join('; ');
		// A workflow with a Manual Trigger, so the node panel offers action nodes ("What happens next?").
		const created = await rest('POST', '/rest/workflows', {
			name: 'e2e editor check',
			nodes: [
				{
					id: 'e2e-trigger',
					name: 'Start',
					type: 'n8n-nodes-base.manualTrigger',
					typeVersion: 1,
					position: [0, 0],
					parameters: {},
				},
			],
			connections: {},
			settings: {},
			active: false,
		});
		workflowId = (created as { data: { id: string } }).data.id;
	});

	afterAll(async () => {
		await browser?.close();
		await server?.stop();
		if (server) writeFileSync(join(e2e.artifacts, 'n8n-server.log'), server.log());
	});

	async function rest(method: string, path: string, body?: unknown): Promise<unknown> {
		const res = await fetch(`${server.url}${path}`, {
			method,
			headers: { cookie, ...(body ? { 'content-type': 'application/json' } : {}) },
			body: body ? JSON.stringify(body) : undefined,
		});
		const text = await res.text();
		if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 500)}`);
		return JSON.parse(text) as unknown;
	}

	it('registers every node of the package under its published type name, with an icon n8n serves', async () => {
		const types = (await rest('GET', '/types/nodes.json')) as NodeTypeDescription[];
		const ours = types.filter((t) => t.name.startsWith(`${e2e.packageName}.`));
		// Each manifest entry dist/nodes/X/Name.node.js is one node type (tool variants come on top).
		expect(
			ours.length,
			`node types from ${e2e.packageName}: ${ours.map((t) => t.name).join(', ')}`,
		).toBeGreaterThanOrEqual(manifest.n8n.nodes.length);
		for (const name of ['postSider', 'postFast']) {
			const type = ours.find((t) => t.name === `${e2e.packageName}.${name}`);
			expect(type, `${e2e.packageName}.${name} in /types/nodes.json`).toBeDefined();
			// Usable as an AI tool: n8n derives a `<name>Tool` type from `usableAsTool`.
			expect(
				ours.some((t) => t.name === `${e2e.packageName}.${name}Tool`),
				`${name}Tool (usableAsTool)`,
			).toBe(true);
			const icon = type?.iconUrl;
			expect(icon, `${name} has an iconUrl`).toBeDefined();
			for (const url of typeof icon === 'string' ? [icon] : [icon!.light, icon!.dark]) {
				const res = await fetch(`${server.url}/${url.replace(/^\//, '')}`, { headers: { cookie } });
				expect(res.status, `GET ${url}`).toBe(200);
				expect(res.headers.get('content-type') ?? '', `content type of ${url}`).toMatch(/svg|png/);
			}
		}
	});

	it('lists PostSider and PostFast with their icons in the node panel', async () => {
		selectors.setTestIdAttribute('data-test-id');
		browser = await chromium.launch({
			executablePath: CHROMIUM,
			headless: true,
			args: CHROMIUM_ARGS,
		});
		const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
		try {
			await checkNodePanel(page);
		} catch (error) {
			// What the browser showed when it failed is the first thing to look at.
			await page
				.screenshot({ path: join(e2e.artifacts, 'editor-failure.png') })
				.catch(() => undefined);
			writeFileSync(
				join(e2e.artifacts, 'editor-failure.html'),
				await page.content().catch(() => ''),
			);
			throw error;
		}
	});

	async function checkNodePanel(page: Page): Promise<void> {
		await page.goto(`${server.url}/signin`);
		await page.getByTestId('emailOrLdapLoginId').locator('input').fill(OWNER.email);
		await page.getByTestId('password').locator('input').fill(OWNER.password);
		await page.getByTestId('form-submit-button').click();
		await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 60_000 });

		await page.goto(`${server.url}/workflow/${workflowId}`);
		await page.getByTestId('canvas-node').first().waitFor({ timeout: 60_000 });

		for (const [search, type, shot] of [
			['PostFast', 'postFast', 'node-panel-postfast.png'],
			['PostSider', 'postSider', 'node-panel-postsider.png'],
		] as const) {
			await openNodePanel(page);
			await page.getByTestId('node-creator-search-bar').fill(search);
			// One panel entry per node type; n8n tags it with the type name, so this is our package's node.
			const item = page.locator(
				`[data-test-id="item-iterator-item"][data-keyboard-nav-id^="${e2e.packageName}.${type}-"]`,
			);
			await item.first().waitFor({ timeout: 30_000 });
			await expect
				.poll(() => item.first().getByTestId('node-creator-item-name').textContent())
				.toBe(search);
			// The icon is our SVG, served by n8n and actually decoded by the browser (not a fallback glyph).
			const icon = item.first().locator('img').first();
			await expect
				.poll(
					async () =>
						icon.evaluate(
							(img: { complete: boolean; naturalWidth: number }) =>
								img.complete && img.naturalWidth > 0,
						),
					{ timeout: 15_000 },
				)
				.toBe(true);
			expect(await icon.getAttribute('src'), `${search} icon src`).toContain(e2e.packageName);
			await page.screenshot({ path: join(e2e.artifacts, shot) });
			await page.keyboard.press('Escape');
		}
	}
});

async function openNodePanel(page: Page): Promise<void> {
	// N opens the node panel (the shortcut moved from Tab to N); focus the canvas first.
	await page
		.getByTestId('canvas-wrapper')
		.click({ position: { x: 200, y: 400 }, force: true })
		.catch(() => undefined);
	await page.keyboard.press('n');
	await page.getByTestId('node-creator').waitFor({ timeout: 15_000 });
}
