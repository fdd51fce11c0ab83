/**
 * The daemon's webhook reaches a real n8n: examples/daemon/postspool-webhook.json is imported and
 * published in n8n 2.41.1, `n8n start` serves its production webhook, and a daemon (in process,
 * signing with a secret) reports a post it refused at intake. The execution n8n stored holds the
 * event, its signature header, and ran the "failure" branch.
 */
import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../daemon/src/config/load';
import { Daemon } from '../../daemon/src/daemon';
import { silentLogger } from '../../daemon/src/log';
import { Outbox } from '../../daemon/src/notify/outbox';
import { openDb } from '../../daemon/src/state/db';
import { type N8nServer, n8nOk, startServer } from './lib/n8nCli';

const e2e = inject('e2e');
const WORKFLOW_ID = 'postspoolEvents1';
const SECRET = 'e2e-webhook-secret';
const OWNER = {
	email: 'owner@postspool.test',
	firstName: 'E2E',
	lastName: 'Owner',
	password: 'Postspool-e2e-1',
};

describe('daemon webhook → a real n8n', () => {
	let server: N8nServer | undefined;
	let daemon: Daemon | undefined;
	let cookie = '';
	const home = mkdtempSync(join(tmpdir(), 'postspool-e2e-webhook-'));
	// Its own n8n user folder: a fresh database with its own owner; the workflow needs only core nodes.
	const ctx = { bin: e2e.n8nBin, userFolder: join(home, 'n8n') };

	const rest = async (method: string, path: string) => {
		const res = await fetch(`${server!.url}${path}`, { method, headers: { cookie } });
		expect(res.status, `${method} ${path}`).toBe(200);
		return res.json() as Promise<Record<string, unknown>>;
	};

	beforeAll(async () => {
		mkdirSync(ctx.userFolder, { recursive: true });
		const wf = JSON.parse(
			readFileSync(join(e2e.repoRoot, 'examples', 'daemon', 'postspool-webhook.json'), 'utf8'),
		);
		const file = join(home, 'workflow.json');
		writeFileSync(file, JSON.stringify({ ...wf, id: WORKFLOW_ID, active: false }));
		await n8nOk(ctx, ['import:workflow', `--input=${file}`]);
		await n8nOk(ctx, ['publish:workflow', `--id=${WORKFLOW_ID}`]);
		server = await startServer(ctx);
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
	});

	afterAll(async () => {
		await daemon?.stop(2000);
		await server?.stop();
	});

	it("the daemon's signed failure event starts the example workflow in n8n", async () => {
		const folder = join(home, 'drop');
		mkdirSync(join(folder, 'inbox'), { recursive: true });
		writeFileSync(join(home, 'ps.key'), 'unused-key', { mode: 0o600 });
		const configPath = join(home, 'config.jsonc');
		writeFileSync(
			configPath,
			JSON.stringify({
				version: 1,
				stateDir: join(home, 'state'),
				keys: {
					sider: {
						service: 'postsider',
						baseUrl: 'http://127.0.0.1:9/public/v1',
						apiKey: { file: join(home, 'ps.key') },
					},
				},
				accounts: { 'acme-x': { key: 'sider', id: 'ch-x', platform: 'x' } },
				folders: [{ path: folder }],
				stableMs: 0,
				notify: {
					webhook: {
						url: `${server!.url}/webhook/postspool`,
						secret: { env: 'E2E_WEBHOOK_SECRET' },
						retryMs: 200,
					},
					desktop: { on: 'off' },
				},
			}),
			{ mode: 0o600 },
		);
		daemon = new Daemon({
			loaded: loadConfig(configPath),
			log: silentLogger,
			env: { ...process.env, E2E_WEBHOOK_SECRET: SECRET },
		});
		await daemon.start();
		writeFileSync(
			join(folder, 'inbox', 'broken.json'),
			JSON.stringify({ version: 1, text: 'hi', targets: ['no-such-alias'], when: 'asap' }),
		);

		const filter = encodeURIComponent(JSON.stringify({ workflowId: WORKFLOW_ID }));
		let ids: string[] = [];
		const deadline = Date.now() + 120_000;
		while (ids.length === 0 && Date.now() < deadline) {
			const list = (await rest('GET', `/rest/executions?filter=${filter}`)) as {
				data: { results: Array<{ id: string }> };
			};
			ids = list.data.results.map((r) => r.id);
			if (ids.length === 0) await new Promise((r) => setTimeout(r, 1000));
		}
		expect(ids.length, 'n8n ran the workflow for the event').toBeGreaterThan(0);
		const execution = JSON.stringify(await rest('GET', `/rest/executions/${ids[0]}`));
		// The event as the daemon sent it, its signature, and the failure branch ran.
		expect(execution).toContain('broken');
		expect(execution).toContain('no-such-alias');
		expect(execution).toContain('x-postspool-signature');
		expect(execution).toContain('Tell someone (replace with Slack, email, …)');

		// The daemon recorded the delivery, and the signature n8n saw is the HMAC of the body.
		await daemon.stop(2000);
		daemon = undefined;
		const db = openDb(join(home, 'state'));
		try {
			const outbox = new Outbox(db);
			expect(outbox.pendingCount()).toBe(0);
			const [event] = outbox.since(0);
			expect(event).toMatchObject({ type: 'failed', name: 'broken' });
			const body = (
				db
					.prepare(`SELECT payload FROM notify_events WHERE json_extract(payload, '$.id') = ?`)
					.get(event.id) as {
					payload: string;
				}
			).payload;
			const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
			expect(execution).toContain(signature);
		} finally {
			db.close();
		}
	});
});
