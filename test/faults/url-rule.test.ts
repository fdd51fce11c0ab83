/**
 * Finding 8 (issue 10): the daemon's config follows the project's one base-URL rule
 * (contract/base-url.ts): https, or plain http for loopback only; no user-info, query, fragment or
 * other scheme. `doctor` and `run` refuse such a config before any request, so a key never leaves
 * in clear text; and a redirect answered to a keyed request is never followed.
 */
import { spawn } from 'node:child_process';
import { type Server, createServer } from 'node:http';
import { networkInterfaces } from 'node:os';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAEMON_BIN, DaemonRig } from './lib/daemon';

/** This machine's first non-loopback IPv4 address (a "remote" host the test can still listen on). */
function outsideAddress(): string | undefined {
	for (const list of Object.values(networkInterfaces()))
		for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
	return undefined;
}

describe('one URL rule for the daemon: https, or http for loopback only; redirects never followed', () => {
	let server: Server;
	let port = 0;
	const seen: Array<{ url: string; headers: Record<string, unknown> }> = [];
	beforeAll(async () => {
		server = createServer((req, res) => {
			seen.push({ url: req.url ?? '', headers: req.headers });
			if (req.url?.startsWith('/redirect')) {
				res.writeHead(302, { location: `http://127.0.0.1:${port}/landing` }).end();
				return;
			}
			res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
		});
		await new Promise<void>((r) => server.listen(0, '0.0.0.0', r));
		port = (server.address() as { port: number }).port;
	});
	afterAll(() => new Promise<void>((r) => server.close(() => r())));

	const doctor = (baseUrl: string) => {
		const rig = new DaemonRig({});
		writeFileSync(
			rig.configPath,
			JSON.stringify({
				version: 1,
				stateDir: rig.stateDir,
				keys: { ps: { service: 'postsider', baseUrl, apiKey: { env: 'URL_RULE_KEY' } } },
				folders: [{ path: rig.drop }],
			}),
		);
		// Asynchronous: the test's own server must answer while doctor runs.
		const child = spawn(process.execPath, [DAEMON_BIN, '--config', rig.configPath, 'doctor'], {
			env: { ...process.env, URL_RULE_KEY: 'sk-url-rule-secret-0001' },
		});
		let output = '';
		child.stdout.on('data', (d: Buffer) => (output += d.toString()));
		child.stderr.on('data', (d: Buffer) => (output += d.toString()));
		return new Promise<{ status: number | null; output: string }>((resolve) =>
			child.once('close', (status) => resolve({ status, output })),
		);
	};

	it.skipIf(!outsideAddress())(
		'doctor refuses http:// to a non-loopback host and sends nothing there',
		async () => {
			seen.length = 0;
			const r = await doctor(`http://${outsideAddress()}:${port}/public/v1`);
			expect(r.status).toBe(1);
			expect(r.output).toMatch(/\$\.keys\.ps\.baseUrl: /);
			expect(r.output).toMatch(
				/plain http, which would send the API key unencrypted; use https:\/\//,
			);
			expect(seen).toHaveLength(0);
		},
	);

	it.each([
		['user-info', `https://user:pw@api.example.com`, /must not contain a user name or password/],
		['a file: URL', 'file:///etc/passwd', /must start with https:\/\//],
		['a query', 'https://api.example.com/public/v1?x=1', /must not have a query or fragment/],
		['a fragment', 'https://api.example.com/#frag', /must not have a query or fragment/],
		['not a URL', 'api example', /is not a URL/],
	])('doctor refuses a base URL with %s, naming the config path', async (_what, url, message) => {
		const r = await doctor(url);
		expect(r.status).toBe(1);
		expect(r.output).toMatch(/\$\.keys\.ps\.baseUrl: /);
		expect(r.output).toMatch(message);
	});

	it('http:// on loopback is accepted, and a redirect on a keyed request is not followed', async () => {
		seen.length = 0;
		const r = await doctor(`http://127.0.0.1:${port}/redirect`);
		// The one request went to /redirect with the key; /landing was never asked for.
		expect(seen.map((s) => s.url.split('?')[0])).toEqual(['/redirect/public/v1/is-connected']);
		expect(seen[0].headers.authorization).toBe('sk-url-rule-secret-0001');
		expect(r.output).toMatch(/redirect/i);
		expect(r.output).not.toContain('sk-url-rule-secret-0001');
	});
});
