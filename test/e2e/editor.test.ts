/**
 * The editor check: a real `n8n start` with the packed package installed, an owner created over
 * REST, then Debian's Chromium (driven by playwright-core) logs in, opens the node panel (N) and
 * finds both services' nodes with their icons. The screenshots are kept in `.artifacts/e2e/`.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, selectors, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, assertChromium } from './lib/chromium';
import { CREDENTIALS, credentialData, startEmulators, type Emulators } from './lib/emulators';
import { startServer, type N8nServer } from './lib/n8nCli';
import { keyFingerprint } from '../../emulators/src/index';

const e2e = inject('e2e');
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
	let emulators: Emulators | undefined;
	const credentialIds: Record<string, { id: string; name: string }> = {};
	const manifest = JSON.parse(readFileSync(join(e2e.packageDir, 'package.json'), 'utf8')) as {
		n8n: { nodes: string[] };
	};

	beforeAll(async () => {
		assertChromium();
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

		// Credentials created the way the editor does (REST), pointing at the emulators.
		emulators = await startEmulators();
		const data = credentialData(emulators);
		for (const type of ['postSiderApi', 'postFastApi'] as const) {
			const res = (await rest('POST', '/rest/credentials', {
				name: CREDENTIALS[type].name,
				type,
				data: data[type],
			})) as {
				data: { id: string; name: string };
			};
			credentialIds[type] = { id: res.data.id, name: res.data.name };
		}
	});

	afterAll(async () => {
		await browser?.close();
		await server?.stop();
		await emulators?.close();
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

	let page: Page | undefined;

	/** One browser and one logged-in tab for the browser tests; launched by the first that needs it. */
	async function loggedInPage(): Promise<Page> {
		if (page) return page;
		selectors.setTestIdAttribute('data-test-id');
		browser = await chromium.launch({
			executablePath: CHROMIUM,
			headless: true,
			args: CHROMIUM_ARGS,
		});
		page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
		await page.goto(`${server.url}/signin`);
		await page.getByTestId('emailOrLdapLoginId').locator('input').fill(OWNER.email);
		await page.getByTestId('password').locator('input').fill(OWNER.password);
		await page.getByTestId('form-submit-button').click();
		await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 60_000 });
		return page;
	}

	/** Runs browser steps; on failure keeps what the browser showed, the first thing to look at. */
	async function inBrowser(name: string, steps: (page: Page) => Promise<void>): Promise<void> {
		const tab = await loggedInPage();
		try {
			await steps(tab);
		} catch (error) {
			await tab
				.screenshot({ path: join(e2e.artifacts, `${name}-failure.png`) })
				.catch(() => undefined);
			writeFileSync(
				join(e2e.artifacts, `${name}-failure.html`),
				await tab.content().catch(() => ''),
			);
			throw error;
		}
	}

	/** Waits until an <img> has really been fetched and decoded (not a broken-image or fallback glyph). */
	async function expectIconLoaded(icon: Locator, what: string): Promise<void> {
		await expect
			.poll(
				() =>
					icon.evaluate(
						(img: { complete: boolean; naturalWidth: number }) =>
							img.complete && img.naturalWidth > 0,
					),
				{
					timeout: 15_000,
					message: `${what}: icon decoded`,
				},
			)
			.toBe(true);
		expect(await icon.getAttribute('src'), `${what}: icon from our package`).toContain(
			`/icons/${e2e.packageName}/`,
		);
	}

	it("n8n's credential test accepts the emulators' keys and refuses a wrong one", async () => {
		const data = credentialData(emulators!);
		for (const type of ['postSiderApi', 'postFastApi'] as const) {
			const test = async (apiKey: string) =>
				(
					(await rest('POST', '/rest/credentials/test', {
						credentials: {
							id: credentialIds[type].id,
							name: CREDENTIALS[type].name,
							type,
							data: { ...data[type], apiKey },
						},
					})) as { data: { status: string; message?: string } }
				).data;
			expect(await test(data[type].apiKey), `${type} with the demo key`).toMatchObject({
				status: 'OK',
			});
			const wrong = await test('wrong-key-0000000000000000');
			expect(wrong.status, `${type} with a wrong key`).toBe('Error');
			expect(wrong.message ?? '', `${type}: the refusal says something`).not.toBe('');
		}
	});

	it('lists PostSider and PostFast with their icons in the node panel', async () => {
		await inBrowser('node-panel', async (tab) => {
			await tab.goto(`${server.url}/workflow/${workflowId}`);
			await tab.getByTestId('canvas-node').first().waitFor({ timeout: 60_000 });
			for (const [search, type, shot] of [
				['PostFast', 'postFast', 'node-panel-postfast.png'],
				['PostSider', 'postSider', 'node-panel-postsider.png'],
			] as const) {
				await openNodePanel(tab);
				await tab.getByTestId('node-creator-search-bar').fill(search);
				// One panel entry per node type, tagged with the type name: this is our package's node.
				const item = tab
					.locator(
						`[data-test-id="item-iterator-item"][data-keyboard-nav-id^="${e2e.packageName}.${type}-"]`,
					)
					.first();
				await item.waitFor({ timeout: 30_000 });
				await expect
					.poll(() => item.getByTestId('node-creator-item-name').textContent())
					.toBe(search);
				await expectIconLoaded(item.locator('img').first(), search);
				await tab.screenshot({ path: join(e2e.artifacts, shot) });
				await tab.keyboard.press('Escape');
			}
		});
	});

	it("shows each node's Create panel (screenshots node-create-postsider.png, node-create-postfast.png)", async () => {
		const nodes = [
			{
				name: 'PostSider Create',
				type: 'postSider',
				credential: 'postSiderApi',
				parameters: { resource: 'post', operation: 'create' },
				shot: 'node-create-postsider.png',
			},
			{
				name: 'PostFast Create',
				type: 'postFast',
				credential: 'postFastApi',
				parameters: { resource: 'socialPost', operation: 'create' },
				shot: 'node-create-postfast.png',
			},
		] as const;
		// The newest version of each node, as a node added from the panel today gets.
		const types = (await rest('GET', '/types/nodes.json')) as (NodeTypeDescription & {
			version: number | number[];
		})[];
		const newest = (type: string) =>
			Math.max(
				...types
					.filter((t) => t.name === `${e2e.packageName}.${type}`)
					.flatMap((t) => (Array.isArray(t.version) ? t.version : [t.version])),
			);
		const wf = (await rest('POST', '/rest/workflows', {
			name: 'e2e Create panels',
			nodes: nodes.map((n, i) => ({
				id: `e2e-create-${n.type}`,
				name: n.name,
				type: `${e2e.packageName}.${n.type}`,
				typeVersion: newest(n.type),
				position: [i * 300, 0],
				parameters: n.parameters,
				credentials: { [n.credential]: credentialIds[n.credential] },
			})),
			connections: {},
			settings: {},
			active: false,
		})) as { data: { id: string } };
		await inBrowser('node-create', async (tab) => {
			// Tall enough to show most of a Create panel in one picture.
			await tab.setViewportSize({ width: 1440, height: 1600 });
			try {
				await tab.goto(`${server.url}/workflow/${wf.data.id}`);
				await tab.getByTestId('canvas-node').first().waitFor({ timeout: 60_000 });
				for (const node of nodes) {
					await tab
						.locator(`[data-test-id="canvas-node"][data-node-name="${node.name}"]`)
						.dblclick();
					const ndv = tab.getByTestId('ndv');
					await ndv.waitFor({ timeout: 30_000 });
					// The panel rendered our parameters: the operation picker shows Create.
					const operation = ndv.getByTestId('parameter-input-operation');
					await operation.waitFor({ timeout: 30_000 });
					expect(await operation.locator('input').inputValue(), `${node.name}: operation`).toBe(
						'Create',
					);
					expect(
						await ndv.getByTestId('parameter-input-content').count(),
						`${node.name}: the post text field`,
					).toBeGreaterThan(0);
					await tab.screenshot({ path: join(e2e.artifacts, node.shot) });
					await tab.keyboard.press('Escape');
					await ndv.waitFor({ state: 'hidden', timeout: 15_000 });
				}
			} finally {
				await tab.setViewportSize({ width: 1280, height: 800 });
			}
		});
	});

	it('opens every example workflow on the canvas with our nodes and their icons', async () => {
		const dir = join(e2e.repoRoot, 'examples', 'workflows');
		const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
		expect(files.length).toBeGreaterThan(0);
		await inBrowser('examples', async (tab) => {
			for (const file of files) {
				const { id: _ignored, ...wf } = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
					id?: string;
					nodes: { name: string; type: string }[];
				};
				const created = (await rest('POST', '/rest/workflows', wf)) as { data: { id: string } };
				await tab.goto(`${server.url}/workflow/${created.data.id}`);
				const nodes = tab.getByTestId('canvas-node');
				await expect
					.poll(() => nodes.count(), { timeout: 60_000, message: `${file}: nodes on the canvas` })
					.toBe(wf.nodes.length);
				for (const node of wf.nodes.filter((n) => n.type.startsWith(`${e2e.packageName}.`))) {
					const onCanvas = tab.locator(
						`[data-test-id="canvas-node"][data-node-name="${node.name}"]`,
					);
					expect(await onCanvas.getAttribute('data-node-type'), `${file}: ${node.name}`).toBe(
						node.type,
					);
					await expectIconLoaded(onCanvas.locator('img').first(), `${file}: ${node.name}`);
				}
				await tab.screenshot({
					path: join(e2e.artifacts, `example-${file.replace(/\.json$/, '')}.png`),
				});
			}
		});
	});

	it('runs an example workflow from the editor against the emulator', async () => {
		const wf = JSON.parse(
			readFileSync(
				join(e2e.repoRoot, 'examples', 'workflows', 'postsider-list-channels.json'),
				'utf8',
			),
		) as {
			id?: string;
			nodes: {
				name: string;
				type: string;
				credentials?: Record<string, { id: string; name: string }>;
			}[];
		};
		delete wf.id;
		for (const node of wf.nodes) {
			for (const type of Object.keys(node.credentials ?? {}))
				if (credentialIds[type]) node.credentials![type] = credentialIds[type];
		}
		const created = (await rest('POST', '/rest/workflows', wf)) as { data: { id: string } };
		const ps = emulators!.ps;
		const enabled = (await (
			await fetch(`${ps.baseUrl}/integrations`, { headers: { authorization: ps.apiKey } })
		).json()) as { disabled: boolean }[];
		// Count from here: the listing just above is the test's own call, not the editor's.
		const from = ps.requests.length;
		await inBrowser('execute', async (tab) => {
			await tab.goto(`${server.url}/workflow/${created.data.id}`);
			await tab.getByTestId('canvas-node').first().waitFor({ timeout: 60_000 });
			// The canvas pane sits over the button; n8n's own e2e tests click it with force too.
			await tab.getByTestId('execute-workflow-button').click({ force: true });
			const listCalls = () =>
				ps.requests
					.slice(from)
					.filter((r) => r.method === 'GET' && r.path === '/public/v1/integrations');
			await expect
				.poll(() => listCalls().length, {
					timeout: 60_000,
					message: 'the editor run reached the emulator',
				})
				.toBe(1);
			expect(
				listCalls()[0].headers.authorization,
				'with the key from the credential n8n stored',
			).toBe(keyFingerprint(ps.apiKey));
			// The node reports its output on the canvas: one item per enabled channel.
			const count = enabled.filter((c) => !c.disabled).length;
			const node = tab.locator('[data-test-id="canvas-node"][data-node-name="Channels"]');
			await expect
				.poll(() => node.textContent(), { timeout: 30_000, message: 'item count on the canvas' })
				.toContain(`${count} items`);
			await tab.screenshot({
				path: join(e2e.artifacts, 'editor-executed-postsider-list-channels.png'),
			});
		});
	});

	it('fetches a test event with the PostSider trigger from the editor (the post PostSider just published)', async () => {
		const ps = emulators!.ps;
		const api = (path: string, init: RequestInit = {}) =>
			fetch(`${ps.baseUrl}${path}`, {
				...init,
				headers: { authorization: ps.apiKey, 'content-type': 'application/json' },
			});
		const channels = (await (await api('/integrations')).json()) as {
			id: string;
			identifier: string;
			disabled: boolean;
		}[];
		const x = channels.find((c) => c.identifier === 'x' && !c.disabled)!;
		// A scheduled post whose time has passed is published by PostSider's publisher right away.
		const created = await api('/posts', {
			method: 'POST',
			body: JSON.stringify({
				type: 'schedule',
				date: new Date(ps.clock.now() - 60_000).toISOString(),
				shortLink: false,
				tags: [],
				posts: [
					{
						integration: { id: x.id },
						value: [{ content: 'e2e: published, for the trigger', image: [] }],
						settings: { who_can_reply_post: 'everyone' },
					},
				],
			}),
		});
		expect(created.status, await created.clone().text()).toBe(201);
		const [{ postId }] = (await created.json()) as { postId: string }[];
		// Any request lets the publisher run first.
		const post = (await (await api(`/posts/${postId}`)).json()) as { posts: { state: string }[] };
		expect(post.posts[0].state, 'PostSider published the seeded post').toBe('PUBLISHED');

		const execution = await fetchTestEvent(
			'PostSider Trigger',
			'postSiderTrigger',
			{ events: ['postPublished'], lookbackDays: 7 },
			'postSiderApi',
			{ requests: ps.requests, path: '/public/v1/posts' },
		);
		expect(execution, 'the test event is the published post').toContain(postId);
	});

	it('fetches a test event with the PostFast trigger from the editor (a real published post, not the sample)', async () => {
		const pf = emulators!.pf;
		const api = (path: string, init: RequestInit = {}) =>
			fetch(`${pf.baseUrl}${path}`, {
				...init,
				headers: { 'pf-api-key': pf.apiKey, 'content-type': 'application/json' },
			});
		const accounts = (await (await api('/social-media/my-social-accounts')).json()) as {
			id: string;
			platform: string;
			connectionStatus: string;
		}[];
		const x = accounts.find((a) => a.platform === 'X' && a.connectionStatus === 'CONNECTED')!;
		const created = await api('/social-posts', {
			method: 'POST',
			body: JSON.stringify({
				status: 'SCHEDULED',
				posts: [
					{
						content: 'e2e: published, for the trigger',
						socialMediaId: x.id,
						scheduledAt: new Date(pf.clock.now() + 60_000).toISOString(),
					},
				],
			}),
		});
		expect(created.status, await created.clone().text()).toBe(201);
		const { postIds } = (await created.json()) as { postIds: string[] };
		// The emulator's publisher runs when its clock moves past the scheduled time.
		pf.clock.advance(120_000);
		const listed = (await (await api(`/social-posts?ids=${postIds[0]}`)).json()) as {
			data: { status: string }[];
		};
		expect(listed.data[0]?.status, 'PostFast published the seeded post').toBe('PUBLISHED');

		const execution = await fetchTestEvent(
			'PostFast Trigger',
			'postFastTrigger',
			{ events: ['published'] },
			'postFastApi',
			{ requests: pf.requests, path: '/social-posts' },
		);
		expect(execution, 'the test event is the published post').toContain(postIds[0]);
	});

	/**
	 * A workflow holding only the trigger, run from the editor ("Fetch Test Event" in manual mode):
	 * waits until the trigger reached the emulator and the canvas shows one item, then returns the
	 * stored execution (n8n's serialised form) for the caller to look into.
	 */
	async function fetchTestEvent(
		name: string,
		type: string,
		parameters: Record<string, unknown>,
		credential: string,
		polls: { requests: { method: string; path: string }[]; path: string },
	): Promise<string> {
		const wf = (await rest('POST', '/rest/workflows', {
			name: `e2e ${name} test event`,
			nodes: [
				{
					id: `e2e-${type}`,
					name,
					type: `${e2e.packageName}.${type}`,
					typeVersion: 1,
					position: [0, 0],
					parameters,
					credentials: { [credential]: credentialIds[credential] },
				},
			],
			connections: {},
			settings: {},
			active: false,
		})) as { data: { id: string } };
		const from = polls.requests.length;
		const polled = () =>
			polls.requests.slice(from).some((r) => r.method === 'GET' && r.path === polls.path);
		await inBrowser(type, async (tab) => {
			await tab.goto(`${server.url}/workflow/${wf.data.id}`);
			await tab.getByTestId('canvas-node').first().waitFor({ timeout: 60_000 });
			await tab.getByTestId('execute-workflow-button').click({ force: true });
			await expect
				.poll(polled, { timeout: 60_000, message: `${name} polled the emulator` })
				.toBe(true);
			const node = tab.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`);
			await expect
				.poll(() => node.textContent(), {
					timeout: 30_000,
					message: `${name}: test event on the canvas`,
				})
				.toContain('1 item');
			await tab.screenshot({ path: join(e2e.artifacts, `editor-${type}-test-event.png`) });
		});
		const filter = encodeURIComponent(JSON.stringify({ workflowId: wf.data.id }));
		const list = (await rest('GET', `/rest/executions?filter=${filter}`)) as {
			data: { results: { id: string }[] };
		};
		expect(list.data.results.length, `${name}: the manual execution was saved`).toBeGreaterThan(0);
		return JSON.stringify(await rest('GET', `/rest/executions/${list.data.results[0].id}`));
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
