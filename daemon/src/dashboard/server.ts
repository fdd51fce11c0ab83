/**
 * The dashboard's HTTP server (node:http, no framework): 127.0.0.1 only, the Host header checked
 * (no DNS rebinding), a session cookie from auth.ts, every action a POST with the session's CSRF
 * token and a same-origin Origin, a CSP without inline script or style. Requests are never logged:
 * nothing a browser sends can leak into the daemon's log.
 */
import { once } from 'node:events';
import { closeSync, constants, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Budgets } from '../budget/budgets';
import { cancelLocally } from '../commands/cancel';
import type { LoadedConfig } from '../config/load';
import { createBudgets } from '../daemon';
import type { Logger } from '../log';
import { type UploadInFlight, uploadProgress } from '../pipeline/progress';
import { type RetryTime, retryItem } from '../pipeline/retry-cancel';
import { openDb } from '../state/db';
import { lockHolder } from '../state/lock';
import { Store } from '../state/store';
import { DASHBOARD_CSS, DASHBOARD_JS, LOGIN_JS } from './assets';
import {
	Sessions,
	dashboardToken,
	isLoginCode,
	newInstance,
	sameSecret,
	sessionCookie,
	sessionIdOf,
	sweepOpenPages,
} from './auth';
import type { PageContext } from './context';
import { LiveEvents } from './events';
import { type Html, html } from './html';
import { loginPage, page, signedInPage, unauthorizedPage } from './layout';
import { budgetsPage } from './pages/budgets';
import { problemsPage } from './pages/problems';
import { publishedView } from './pages/published';
import { queuePage } from './pages/queue';
import { schedulePage } from './pages/schedule';
import { PlanCache } from './plan-cache';
import { readThumb } from './thumbs';
import { inboxWaiting, waitingKey } from './waiting';

export const DASHBOARD_FILE = 'dashboard.json';
const MAX_BODY_BYTES = 8 * 1024;

/** Upload progress as the pipeline reports it (pipeline/progress.ts's `uploadProgress`). */
export interface ProgressSource {
	snapshot(): UploadInFlight[];
	on(event: 'change', fn: () => void): unknown;
	off(event: 'change', fn: () => void): unknown;
}

export interface DashboardOptions {
	loaded: LoadedConfig;
	log: Logger;
	/** The running daemon's budgets (read only). Without: the state directory's own (bench, tests). */
	budgets?: Budgets;
	/** Default: this process's `uploadProgress` (the pipeline's). */
	progress?: ProgressSource;
	/** Default: the config's `dashboard.port` (0: any free port). */
	port?: number;
	now?(): number;
}

export interface Dashboard {
	url: string;
	/** This start's nonce, which login codes are bound to (auth.ts's loginCode). */
	instance: string;
	/** How many ETA plans the pages made (one per state change, not per request). */
	plansMade(): number;
	close(): Promise<void>;
}

const ROUTES: Record<string, { title: string; render(ctx: PageContext): Html }> = {
	'/': { title: 'Schedule', render: schedulePage },
	'/queue': { title: 'Queue', render: queuePage },
	'/problems': { title: 'Problems', render: problemsPage },
	'/published': { title: 'Published', render: publishedView },
	'/budgets': { title: 'Budgets', render: budgetsPage },
};

const SECURITY_HEADERS: Record<string, string> = {
	'Content-Security-Policy':
		"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'",
	'X-Content-Type-Options': 'nosniff',
	'X-Frame-Options': 'DENY',
	// same-origin, not no-referrer: with no-referrer a browser sends "Origin: null" on a form POST.
	'Referrer-Policy': 'same-origin',
	'Cross-Origin-Opener-Policy': 'same-origin',
	'Cross-Origin-Resource-Policy': 'same-origin',
	'Cache-Control': 'no-store',
};

/**
 * Starts the dashboard over `loaded.stateDir` and writes `<stateDir>/dashboard.json` ({ url, pid,
 * instance }, 0600, never the token; `instance` is the nonce this start's login codes are bound to). `postspool run` calls it with the daemon's budgets and upload progress;
 * the bench and tests call it against a state directory alone.
 */
export async function startDashboard(opts: DashboardOptions): Promise<Dashboard> {
	const { loaded, log } = opts;
	const now = opts.now ?? Date.now;
	const db = openDb(loaded.stateDir);
	const store = new Store(db, now);
	const instance = newInstance();
	const sessions = new Sessions(dashboardToken(loaded.stateDir), instance, now);
	let ownBudgets: Budgets | undefined;
	/** Budgets to read for one request; `done` closes a snapshot it had to take. */
	const budgetsFor = (): { get(): Budgets; done(): void } => {
		let snapshot: Database.Database | undefined;
		let taken: Budgets | undefined;
		return {
			get() {
				if (opts.budgets) return opts.budgets;
				// A daemon runs on this state without us in it: a snapshot, as the CLI reads it.
				if (lockHolder(loaded.stateDir) !== undefined) {
					if (!taken) {
						const image = db.serialize();
						image[18] = 1;
						image[19] = 1;
						snapshot = new Database(image);
						taken = createBudgets(snapshot, loaded.config, now);
					}
					return taken;
				}
				ownBudgets ??= createBudgets(db, loaded.config, now);
				return ownBudgets;
			},
			done: () => snapshot?.close(),
		};
	};
	const plans = new PlanCache(db, store, loaded.config);
	const progress = opts.progress ?? uploadProgress;
	const uploads = () => progress.snapshot();
	const live = new LiveEvents(db, progress, () =>
		JSON.stringify(inboxWaiting(loaded.config, now()).map(waitingKey)),
	);
	// `postspool open`'s sign-in pages no browser used go within a minute or so of their code.
	const sweeper = setInterval(() => sweepOpenPages(loaded.stateDir), 20_000);
	sweeper.unref();

	const server = createServer((req, res) => {
		handle(req, res).catch((err) => {
			log.log('error', `dashboard: ${(err as Error).message}`);
			if (!res.headersSent) send(res, 500, 'text/plain', 'internal error; see the daemon log');
			else res.end();
		});
	});
	let port = 0;
	const origins = () => [`http://127.0.0.1:${port}`, `http://localhost:${port}`];

	async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
		// DNS rebinding: a page on evil.example resolved to 127.0.0.1 still sends its own Host.
		// Host names are case-insensitive (RFC 9110): LOCALHOST:PORT is this dashboard too.
		const host = (req.headers.host ?? '').toLowerCase();
		if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`)
			return send(
				res,
				421,
				'text/plain',
				`refused: this dashboard answers only at http://127.0.0.1:${port}/ (wrong Host header)`,
			);
		const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
		const method = req.method ?? 'GET';
		// `postspool open`'s page is a file, so its login POST says `Origin: null`: only there, and
		// only with a one-time code (the secret itself), is that let in.
		const fromOpenPage = url.pathname === '/login' && req.headers.origin === 'null';
		if (method === 'POST' && !sameOrigin(req) && !fromOpenPage)
			return send(res, 403, 'text/plain', 'refused: a cross-origin POST');
		if (method === 'GET' && url.pathname.startsWith('/assets/')) return asset(res, url.pathname);
		if (url.pathname === '/favicon.ico') {
			res.writeHead(204);
			res.end();
			return;
		}
		if (url.pathname === '/login') {
			if (method === 'GET') return sendHtml(res, 200, loginPage());
			if (method !== 'POST') return send(res, 405, 'text/plain', 'use GET or POST');
			const form = await readForm(req);
			const secret = form?.get('secret') ?? '';
			if (!form || (fromOpenPage && !isLoginCode(secret)) || !sessions.accepts(secret))
				return sendHtml(res, 401, loginPage(true));
			sweepOpenPages(loaded.stateDir, secret);
			const s = sessions.create();
			res.setHeader('Set-Cookie', sessionCookie(s.id));
			// After a cross-site POST a redirect stays cross-site, and a SameSite=Strict cookie would
			// not go with it: a page of our own moves on to / as a same-site navigation.
			if (fromOpenPage) return sendHtml(res, 200, signedInPage());
			return redirect(res, '/');
		}
		const session = sessions.get(sessionIdOf(req.headers.cookie));
		if (!session) {
			if (
				method === 'GET' &&
				!url.pathname.startsWith('/events') &&
				!url.pathname.startsWith('/media')
			)
				return sendHtml(res, 401, unauthorizedPage());
			return send(res, 401, 'text/plain', 'not signed in: run "postspool open"');
		}
		if (method === 'POST') {
			const form = await readForm(req);
			if (!form || !sameSecret(form.get('_csrf') ?? '', session.csrf))
				return send(
					res,
					403,
					'text/plain',
					'refused: the form is missing its CSRF token or it is stale; reload the page',
				);
			const id = form.get('item') ?? '';
			if (url.pathname === '/actions/retry') {
				// The CLI's --now / --at <time>, for a post whose time passed.
				const at = (form.get('at') ?? '').trim();
				const time: RetryTime =
					form.get('when') === 'now'
						? { when: 'asap' }
						: form.get('when') === 'at'
							? { when: at }
							: undefined;
				const r =
					time?.when === ''
						? { ok: false, message: 'give the new time (e.g. 2027-01-05T09:00:00+01:00)' }
						: retryItem(store, id, { time, now: now() });
				session.flash = { ok: r.ok, text: r.message };
			} else if (url.pathname === '/actions/cancel') {
				const { r, item, remote } = await cancelLocally(loaded, db, store, id);
				session.flash = {
					ok: r.ok,
					text:
						item && remote.length > 0
							? `${r.message}. ${remote.length} post(s) the service already accepted stay scheduled there: "postspool cancel --remote ${item.id}" deletes them`
							: r.message,
				};
			} else return send(res, 404, 'text/plain', 'no such action');
			plans.changed();
			live.changed();
			return redirect(res, safeBack(form.get('back')));
		}
		if (method !== 'GET' || url.pathname.startsWith('/actions/'))
			return send(res, 405, 'text/plain', 'actions are POSTs from the page forms');
		if (url.pathname === '/events') {
			live.attach(req, res, sessionIdOf(req.headers.cookie) ?? '');
			return;
		}
		const media = /^\/media\/([^/]+)\/(\d{1,3})$/.exec(url.pathname);
		if (media) {
			let id: string;
			try {
				id = decodeURIComponent(media[1]);
			} catch {
				return send(res, 404, 'text/plain', 'no image');
			}
			const thumb = await readThumb(store, id, Number(media[2]));
			if (!thumb) return send(res, 404, 'text/plain', 'no image');
			res.writeHead(200, { 'Content-Type': thumb.mime, 'Content-Length': thumb.bytes.length });
			res.end(thumb.bytes);
			return;
		}
		const route = ROUTES[url.pathname];
		if (!route) return sendHtml(res, 404, page({ title: 'Not found', path: '', body: notFound() }));
		const budgets = budgetsFor();
		const ctx: PageContext = {
			loaded,
			db,
			store,
			budgets: budgets.get,
			uploads,
			etas: () => plans.get(budgets.get, ctx.now),
			now: now(),
			csrf: session.csrf,
			query: url.searchParams,
		};
		let body: Html;
		try {
			body = route.render(ctx);
		} finally {
			budgets.done();
		}
		// The live script asks for the page's region alone.
		if (req.headers['x-fragment'] === '1') return sendHtml(res, 200, body);
		const flash = session.flash;
		session.flash = undefined;
		return sendHtml(
			res,
			200,
			page({ title: route.title, path: url.pathname, body, flash, csrf: session.csrf }),
		);
	}

	function sameOrigin(req: IncomingMessage): boolean {
		const origin = req.headers.origin;
		if (origin !== undefined) return origins().includes(origin);
		// No Origin (an old browser, curl): a browser still says where the request came from.
		const site = req.headers['sec-fetch-site'];
		return site === undefined || site === 'same-origin' || site === 'none';
	}

	server.listen(opts.port ?? loaded.config.dashboard.port, '127.0.0.1');
	try {
		await once(server, 'listening');
	} catch (err) {
		clearInterval(sweeper);
		live.close();
		db.close();
		throw err;
	}
	port = (server.address() as AddressInfo).port;
	const url = `http://127.0.0.1:${port}/`;
	writePrivate(
		join(loaded.stateDir, DASHBOARD_FILE),
		JSON.stringify({ url, pid: process.pid, instance }),
	);
	log.log('info', `dashboard at ${url}`);
	return {
		url,
		instance,
		plansMade: () => plans.computed,
		async close() {
			clearInterval(sweeper);
			live.close();
			server.closeAllConnections();
			await new Promise<void>((r) => server.close(() => r()));
			try {
				const info = JSON.parse(readFileSync(join(loaded.stateDir, DASHBOARD_FILE), 'utf8'));
				if (info.url === url && info.pid === process.pid)
					rmSync(join(loaded.stateDir, DASHBOARD_FILE), { force: true });
			} catch {
				/* gone already */
			}
			db.close();
		},
	};
}

function notFound(): Html {
	return html`<h1>Not found</h1>
		<p><a href="/">Back to the schedule</a></p>`;
}

function safeBack(back: string | null): string {
	return back && /^\/(queue|problems|published|budgets)?$/.test(back) ? back : '/problems';
}

function asset(res: ServerResponse, path: string): void {
	const files: Record<string, [string, string]> = {
		'/assets/dashboard.js': ['text/javascript; charset=utf-8', DASHBOARD_JS],
		'/assets/login.js': ['text/javascript; charset=utf-8', LOGIN_JS],
		'/assets/dashboard.css': ['text/css; charset=utf-8', DASHBOARD_CSS],
	};
	const f = files[path];
	if (!f) return send(res, 404, 'text/plain', 'no such asset');
	send(res, 200, f[0], f[1]);
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
	res.writeHead(status, {
		'Content-Type': type.includes('charset') ? type : `${type}; charset=utf-8`,
		'Content-Length': Buffer.byteLength(body),
	});
	res.end(body);
}

function sendHtml(res: ServerResponse, status: number, body: Html): void {
	send(res, status, 'text/html; charset=utf-8', body.text);
}

function redirect(res: ServerResponse, to: string): void {
	res.writeHead(303, { Location: to, 'Content-Length': 0 });
	res.end();
}

/** A url-encoded form of at most MAX_BODY_BYTES, or undefined. */
async function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
	const type = req.headers['content-type'] ?? '';
	if (!type.startsWith('application/x-www-form-urlencoded')) {
		req.resume();
		return undefined;
	}
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req) {
		size += (chunk as Buffer).length;
		if (size > MAX_BODY_BYTES) return undefined;
		chunks.push(chunk as Buffer);
	}
	return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** Owner-only, written in place (the state directory is the daemon's, 0700). */
function writePrivate(path: string, text: string): void {
	rmSync(path, { force: true });
	const fd = openSync(
		path,
		constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0),
		0o600,
	);
	try {
		writeSync(fd, text);
	} finally {
		closeSync(fd);
	}
}
