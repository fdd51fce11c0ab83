/**
 * The dashboard's doors, against a real server on 127.0.0.1 over a real state directory: no page
 * without the session cookie, no answer to a foreign Host (DNS rebinding), the cookie's flags, one
 * use per login code, CSRF and Origin on every POST, the CSP, and the token in no response or log.
 */
import { readFileSync, statSync } from 'node:fs';
import { type ClientRequest, request } from 'node:http';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCommand } from '../../src/commands/open';
import { TOKEN_FILE, dashboardToken, loginCode } from '../../src/dashboard/auth';
import { escapeHtml, html } from '../../src/dashboard/html';
import { type Dashboard, startDashboard } from '../../src/dashboard/server';
import { createLogger } from '../../src/log';
import { acquireLock } from '../../src/state/lock';
import { type Env, makeEnv, openStore } from '../helpers';
import { type Reply, call, signIn } from './client';
import { insertFailed } from './fixtures';

const PAGES = ['/', '/queue', '/problems', '/published', '/budgets'];

let env: Env;
let dash: Dashboard;
let token: string;
let logText = '';
const replies: Reply[] = [];
const get = async (path: string, headers: Record<string, string> = {}) => {
	const r = await call(dash.url, path, { headers });
	replies.push(r);
	return r;
};
const origin = () => dash.url.replace(/\/$/, '');

beforeAll(async () => {
	env = makeEnv({ dashboard: { port: 0 } });
	const stream = new PassThrough();
	stream.on('data', (c: Buffer) => (logText += c.toString('utf8')));
	dash = await startDashboard({ loaded: env.loaded, log: createLogger({ stream, pretty: false }) });
	token = readFileSync(join(env.loaded.stateDir, TOKEN_FILE), 'utf8').trim();
});

afterAll(async () => {
	await dash?.close();
	// Nothing any test got back, and no log line, holds the token.
	expect(replies.length).toBeGreaterThan(20);
	for (const r of replies) {
		expect(r.body).not.toContain(token);
		expect(JSON.stringify(r.headers)).not.toContain(token);
	}
	expect(logText).toMatch(/dashboard at http:\/\/127\.0\.0\.1:\d+\//);
	expect(logText).not.toContain(token);
});

describe('dashboard access', () => {
	it('keeps the token in a 0600 file and says where it listens in a 0600 dashboard.json without it', () => {
		expect(token).toMatch(/^[0-9a-f]{64}$/);
		expect(statSync(join(env.loaded.stateDir, TOKEN_FILE)).mode & 0o777).toBe(0o600);
		const file = join(env.loaded.stateDir, 'dashboard.json');
		expect(statSync(file).mode & 0o777).toBe(0o600);
		const info = JSON.parse(readFileSync(file, 'utf8'));
		expect(info).toEqual({ url: dash.url, pid: process.pid, instance: dash.instance });
		expect(dash.instance).toMatch(/^[0-9a-f]{32}$/);
		expect(readFileSync(file, 'utf8')).not.toContain(token);
		expect(dash.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
		// The same token on the next start.
		expect(dashboardToken(env.loaded.stateDir)).toBe(token);
	});

	it('answers every page without the cookie with 401 and "postspool open"', async () => {
		for (const p of PAGES) {
			const r = await get(p);
			expect(r.status, p).toBe(401);
			expect(r.body).toContain('postspool open');
		}
		expect((await get('/events')).status).toBe(401);
		expect((await get('/media/x/0')).status).toBe(401);
		const bogus = await get('/', { Cookie: 'postspool_session=forged' });
		expect(bogus.status).toBe(401);
		const post = await call(dash.url, '/actions/retry', {
			form: { item: 'x', _csrf: 'x' },
			headers: { Origin: origin() },
		});
		replies.push(post);
		expect(post.status).toBe(401);
	});

	it('refuses a foreign Host (DNS rebinding) even with a valid session', async () => {
		const { cookie } = await signIn(dash.url, loginCode(token, dash.instance));
		const port = new URL(dash.url).port;
		for (const host of [
			'evil.example',
			`evil.example:${port}`,
			`127.0.0.1:${Number(port) + 1}`,
			`0.0.0.0:${port}`,
			`127.0.0.1.nip.io:${port}`,
		]) {
			const r = await get('/', { Host: host, Cookie: cookie });
			expect(r.status, `Host: ${host}`).toBe(421);
			expect(r.body).not.toContain('<h1>Schedule');
		}
		expect((await get('/', { Host: `localhost:${port}`, Cookie: cookie })).status).toBe(200);
		// Host names are case-insensitive.
		for (const host of [`LOCALHOST:${port}`, `LocalHost:${port}`])
			expect((await get('/', { Host: host, Cookie: cookie })).status, host).toBe(200);
		expect((await get('/', { Cookie: cookie })).status).toBe(200);
	});

	it('exchanges a login code once for an HttpOnly SameSite=Strict session cookie (not the token)', async () => {
		const code = loginCode(token, dash.instance);
		const r = await call(dash.url, '/login', {
			form: { secret: code },
			headers: { Origin: origin() },
		});
		replies.push(r);
		expect(r.status).toBe(303);
		const cookie = String(r.headers['set-cookie']);
		expect(cookie).toMatch(/^postspool_session=[A-Za-z0-9_-]{43};/);
		expect(cookie).toContain('HttpOnly');
		expect(cookie).toContain('SameSite=Strict');
		expect(cookie).toContain('Path=/');
		expect(cookie).not.toContain(token);
		expect(cookie).not.toContain(code);
		// Spent: the same code again is refused.
		const again = await call(dash.url, '/login', {
			form: { secret: code },
			headers: { Origin: origin() },
		});
		replies.push(again);
		expect(again.status).toBe(401);
		expect(again.headers['set-cookie']).toBeUndefined();
		// Expired, forged and foreign codes too.
		for (const secret of [
			loginCode(token, dash.instance, Date.now() - 61_000),
			loginCode('0'.repeat(64), dash.instance),
			`${Date.now() + 30_000}.${'a'.repeat(64)}`,
			'',
		]) {
			const bad = await call(dash.url, '/login', {
				form: { secret },
				headers: { Origin: origin() },
			});
			replies.push(bad);
			expect(bad.status, secret).toBe(401);
		}
		// The token itself, pasted into the form (the way in without `postspool open`).
		expect((await signIn(dash.url, token)).cookie).toMatch(/^postspool_session=/);
	});

	it('serves pages with a CSP that allows no inline script or style, and no frame', async () => {
		const { cookie } = await signIn(dash.url, loginCode(token, dash.instance));
		for (const p of [...PAGES, '/login']) {
			const r = await get(p, { Cookie: cookie });
			expect(r.status, p).toBe(200);
			const csp = String(r.headers['content-security-policy']);
			expect(csp).toContain("default-src 'self'");
			expect(csp).toContain("frame-ancestors 'none'");
			expect(csp).not.toContain('unsafe-inline');
			expect(r.headers['x-content-type-options']).toBe('nosniff');
			expect(r.headers['cache-control']).toBe('no-store');
			// Scripts only by src; no style attributes (the CSP would block them anyway).
			expect(r.body).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
			expect(r.body).not.toMatch(/\sstyle=/);
			expect(r.body).not.toMatch(/\son[a-z]+=/);
		}
		for (const a of ['/assets/dashboard.js', '/assets/login.js', '/assets/dashboard.css']) {
			const r = await get(a);
			expect(r.status, a).toBe(200);
		}
	});

	it('refuses a POST without the CSRF token, with a stale one, or from another origin', async () => {
		const store = openStore(env);
		const id = insertFailed(store, 'csrf.png');
		const { cookie, csrf } = await signIn(dash.url, loginCode(token, dash.instance));
		expect(csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
		const post = async (form: Record<string, string>, headers: Record<string, string>) => {
			const r = await call(dash.url, '/actions/cancel', {
				form,
				headers: { Cookie: cookie, ...headers },
			});
			replies.push(r);
			return r;
		};
		expect((await post({ item: id }, { Origin: origin() })).status).toBe(403);
		expect((await post({ item: id, _csrf: 'stale' }, { Origin: origin() })).status).toBe(403);
		expect((await post({ item: id, _csrf: csrf }, { Origin: 'http://evil.example' })).status).toBe(
			403,
		);
		expect((await post({ item: id, _csrf: csrf }, { Origin: 'null' })).status).toBe(403);
		expect((await post({ item: id, _csrf: csrf }, { 'Sec-Fetch-Site': 'cross-site' })).status).toBe(
			403,
		);
		// Another session's CSRF token is not this one's.
		const other = await signIn(dash.url, loginCode(token, dash.instance));
		expect((await post({ item: id, _csrf: other.csrf }, { Origin: origin() })).status).toBe(403);
		// Nothing changed.
		expect(store.item(id)?.state).toBe('failed');
		expect(store.targets(id)[0].state).toBe('failed');
		// A GET never acts.
		expect((await get(`/actions/cancel?item=${id}&_csrf=${csrf}`, { Cookie: cookie })).status).toBe(
			405,
		);
		// The right token from the right origin is answered (a missing item: its message, nothing else).
		const ok = await post({ item: 'no-such-item', _csrf: csrf }, { Origin: origin() });
		expect(ok.status).toBe(303);
		const page = await get('/problems', { Cookie: cookie });
		expect(page.body).toContain('no item &quot;no-such-item&quot;');
		store.db.close();
	});

	it('caps live streams per session (8) and in all (32) with a 429, and frees a slot when one closes', async () => {
		const open: ClientRequest[] = [];
		const stream = (cookie: string) =>
			new Promise<number>((resolve, reject) => {
				const req = request(
					{
						host: '127.0.0.1',
						port: new URL(dash.url).port,
						path: '/events',
						headers: { Host: new URL(dash.url).host, Cookie: cookie },
					},
					(res) => {
						resolve(res.statusCode ?? 0);
						if (res.statusCode !== 200) res.resume();
					},
				);
				req.on('error', (err) => (err.message.includes('aborted') ? undefined : reject(err)));
				req.end();
				open.push(req);
			});
		try {
			const one = (await signIn(dash.url, token)).cookie;
			const statuses = [];
			for (let i = 0; i < 9; i++) statuses.push(await stream(one));
			expect(statuses).toEqual([...Array(8).fill(200), 429]);
			// Other sessions get theirs, up to 32 streams in all.
			const others = await Promise.all(
				[0, 1, 2].map(async () => (await signIn(dash.url, token)).cookie),
			);
			for (const c of others) for (let i = 0; i < 8; i++) expect(await stream(c)).toBe(200);
			const fifth = (await signIn(dash.url, token)).cookie;
			expect(await stream(fifth)).toBe(429);
			// Pages are still answered.
			expect((await get('/', { Cookie: fifth })).status).toBe(200);
			// One closes: its session may open another.
			open[0].destroy();
			await new Promise((r) => setTimeout(r, 200));
			expect(await stream(one)).toBe(200);
		} finally {
			for (const r of open) r.destroy();
		}
	});

	it('postspool open --print gives a sign-in link whose fragment is a one-time code, not the token', async () => {
		const release = acquireLock(env.loaded.stateDir);
		let out = '';
		const write = process.stdout.write;
		process.stdout.write = ((chunk: string) => {
			out += chunk;
			return true;
		}) as typeof process.stdout.write;
		try {
			expect(await openCommand({ config: env.configPath, print: true })).toBe(0);
		} finally {
			process.stdout.write = write;
			release();
		}
		const link = out.trim();
		expect(link.startsWith(`${dash.url}login#`)).toBe(true);
		expect(link).not.toContain(token);
		const code = new URL(link).hash.slice(1);
		// The browser sends only the path; the login page posts the code.
		expect((await signIn(dash.url, code)).cookie).toMatch(/^postspool_session=/);
	});
});

describe('escaping', () => {
	it('html`` escapes any interpolated text: no markup or control character survives, and the text reads back the same', () => {
		const unescape = (s: string) =>
			s.replace(
				/&(lt|gt|quot|#39|#96|amp);/g,
				(_, e: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", '#96': '`', amp: '&' })[e]!,
			);
		fc.assert(
			fc.property(fc.string({ unit: 'binary' }), (name) => {
				const out = html`<td title="${name}">${name}</td>`.text;
				const inner = out.slice('<td title="'.length, out.indexOf('">'));
				expect(inner).not.toMatch(/[<>"'`]/);
				// Control characters (not HTML whitespace) show as U+FFFD; all else reads back the same.
				expect(inner).not.toMatch(/[\0-\x08\x0b\x0e-\x1f\x7f-\x9f]/);
				expect(unescape(inner)).toBe(name.replace(/[\0-\x08\x0b\x0e-\x1f\x7f-\x9f]/g, '\ufffd'));
				expect(out.match(/</g)?.length).toBe(2);
			}),
		);
	});

	it('a post named like markup shows as text on the Problems page (any name)', async () => {
		const store = openStore(env);
		const { cookie } = await signIn(dash.url, loginCode(token, dash.instance));
		await fc.assert(
			fc.asyncProperty(
				fc.string({ minLength: 1, maxLength: 40 }),
				fc.constantFrom(
					'<script>alert(1)</script>',
					'"><img src=x onerror=alert(1)>',
					"' onmouseover='x",
					'</td><b>',
				),
				async (s, evil) => {
					const name = `ZQX${evil}${s}`;
					const message = `bad ${evil}${s}`;
					insertFailed(store, name, { message, fix: `<b>${s}</b>` });
					const r = await get('/problems', { Cookie: cookie });
					expect(r.body).toContain(escapeHtml(name));
					expect(r.body).not.toContain(name);
					expect(r.body).not.toContain(message);
					expect(r.body).toContain(escapeHtml(message));
					expect(r.body).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
					expect(r.body).not.toMatch(/<img /);
				},
			),
			{ numRuns: 25 },
		);
		store.db.close();
	});
});

describe('login codes across a restart', () => {
	/** `postspool open --print` while this process holds the daemon's lock: the code it prints. */
	async function printedCode(e: Env): Promise<string> {
		const release = acquireLock(e.loaded.stateDir);
		let out = '';
		const write = process.stdout.write;
		process.stdout.write = ((chunk: string) => {
			out += chunk;
			return true;
		}) as typeof process.stdout.write;
		try {
			expect(await openCommand({ config: e.configPath, print: true })).toBe(0);
		} finally {
			process.stdout.write = write;
			release();
		}
		return new URL(out.trim()).hash.slice(1);
	}
	const login = (base: string, secret: string) =>
		call(base, '/login', { form: { secret }, headers: { Origin: base.replace(/\/$/, '') } });

	it('refuses a code from an earlier start (spent or not) or made while none ran; a fresh code works once', async () => {
		const e = makeEnv({ dashboard: { port: 0 } });
		const log = createLogger({ stream: new PassThrough(), pretty: false });
		const first = await startDashboard({ loaded: e.loaded, log });
		const secret = dashboardToken(e.loaded.stateDir);
		const used = await printedCode(e);
		const unused = await printedCode(e);
		expect((await login(first.url, used)).status).toBe(303);
		expect((await login(first.url, used)).status).toBe(401);
		await first.close();

		// While no dashboard runs, `open` makes no code; one made by hand for the old start is dead.
		const release = acquireLock(e.loaded.stateDir);
		try {
			await expect(openCommand({ config: e.configPath, print: true })).rejects.toThrow(
				/serves no dashboard/,
			);
		} finally {
			release();
		}
		const meanwhile = loginCode(secret, first.instance);

		// The same state directory and port: the old link's URL reaches the new start.
		const second = await startDashboard({
			loaded: e.loaded,
			log,
			port: Number(new URL(first.url).port),
		});
		try {
			expect(second.url).toBe(first.url);
			expect(second.instance).not.toBe(first.instance);
			for (const [name, code] of [
				['used', used],
				['unused', unused],
				['meanwhile', meanwhile],
			]) {
				const r = await login(second.url, code);
				expect(r.status, name).toBe(401);
				expect(r.headers['set-cookie'], name).toBeUndefined();
			}
			const fresh = await printedCode(e);
			const ok = await login(second.url, fresh);
			expect(ok.status).toBe(303);
			expect(String(ok.headers['set-cookie'])).toMatch(/^postspool_session=/);
			expect((await login(second.url, fresh)).status).toBe(401);
		} finally {
			await second.close();
		}
	});
});
