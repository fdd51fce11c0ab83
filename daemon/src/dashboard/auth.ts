/**
 * Who may use the dashboard. A random 32-byte token lives in `<stateDir>/dashboard-token` (0600):
 * whoever can read it is the user. `postspool open` turns it into a one-time login code that
 * expires in 60 s and puts it in the URL's fragment (a fragment is never sent to a server, and a
 * code in the browser's history is spent); the login page POSTs it, and the server answers with a
 * session cookie (a random id, never the token). Each session has its own CSRF token for actions.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import {
	closeSync,
	constants,
	openSync,
	readFileSync,
	readdirSync,
	rmSync,
	statSync,
	writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { tighten } from '../state/db';

export const TOKEN_FILE = 'dashboard-token';
export const LOGIN_CODE_TTL_MS = 60_000;
export const SESSION_COOKIE = 'postspool_session';
const SESSION_TTL_MS = 12 * 3_600_000;

/** The token, created (0600) if missing. */
export function dashboardToken(stateDir: string): string {
	const path = join(stateDir, TOKEN_FILE);
	try {
		const text = readFileSync(path, 'utf8').trim();
		if (/^[0-9a-f]{64}$/.test(text)) {
			tighten(path, 0o600);
			return text;
		}
	} catch (err) {
		if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
	}
	const token = randomBytes(32).toString('hex');
	// O_EXCL on a fresh name would race a second writer; O_TRUNC on our own 0600 file is enough here.
	const fd = openSync(
		path,
		constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | (constants.O_NOFOLLOW ?? 0),
		0o600,
	);
	try {
		writeSync(fd, `${token}\n`);
	} finally {
		closeSync(fd);
	}
	tighten(path, 0o600);
	return token;
}

/** `postspool open`'s sign-in pages: `<stateDir>/dashboard-open-<random>.html`. */
const OPEN_PAGE = /^dashboard-open-[0-9a-f]{32}\.html$/;

/**
 * Writes the page `postspool open` hands to the browser: it POSTs a login code to the dashboard.
 * The browser is given this file's path, never the code: any local user can read a process's argv
 * (/proc/<pid>/cmdline), but not a 0600 file in the 0700 state directory. The page's POST comes
 * from a file:// document, so it has `Origin: null`; the server accepts that for a valid code alone.
 */
export function writeOpenPage(stateDir: string, dashboardUrl: string, code: string): string {
	sweepOpenPages(stateDir);
	const path = join(stateDir, `dashboard-open-${randomBytes(16).toString('hex')}.html`);
	const action = new URL('login', dashboardUrl).href;
	const attr = (s: string) =>
		s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
	const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><title>Signing in · postspool</title></head>
<body><form method="post" action="${attr(action)}" id="f">
<input type="hidden" name="secret" value="${attr(code)}">
<p>Signing in to the postspool dashboard… <button type="submit">Sign in</button></p>
</form><script>document.getElementById('f').submit();</script></body></html>
`;
	const fd = openSync(
		path,
		constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0),
		0o600,
	);
	try {
		writeSync(fd, page);
	} finally {
		closeSync(fd);
	}
	return path;
}

/**
 * Removes sign-in pages: the one holding `spent` (a code just used) and any older than a code
 * lives. `postspool open` and the server's login both call it, so none outlives its code by long.
 */
export function sweepOpenPages(stateDir: string, spent?: string, now = Date.now()): void {
	let names: string[];
	try {
		names = readdirSync(stateDir).filter((n) => OPEN_PAGE.test(n));
	} catch {
		return;
	}
	for (const name of names) {
		const path = join(stateDir, name);
		try {
			const old = now - statSync(path).mtimeMs > LOGIN_CODE_TTL_MS;
			if (old || (spent !== undefined && readFileSync(path, 'utf8').includes(`value="${spent}"`)))
				rmSync(path, { force: true });
		} catch {
			/* gone already */
		}
	}
}

/**
 * A login code: its expiry and an HMAC under the token of it and the running dashboard's instance
 * nonce (`postspool open` reads it from dashboard.json). A dashboard makes a new nonce each start,
 * so a code issued for an earlier start, or while none ran, is refused: the set of spent codes
 * lives in memory and a restart forgets it.
 */
export function loginCode(token: string, instance: string, now = Date.now()): string {
	const expires = now + LOGIN_CODE_TTL_MS;
	return `${expires}.${sign(token, instance, expires)}`;
}

/** A dashboard start's nonce: what its login codes are bound to. */
export function newInstance(): string {
	return randomBytes(16).toString('hex');
}

export function isInstance(text: unknown): text is string {
	return typeof text === 'string' && /^[0-9a-f]{32}$/.test(text);
}

function sign(token: string, instance: string, expires: number): string {
	return createHmac('sha256', token).update(`postspool-login:${instance}:${expires}`).digest('hex');
}

/** Shaped like a login code (not the token). */
export function isLoginCode(secret: string): boolean {
	return /^\d{13}\.[0-9a-f]{64}$/.test(secret);
}

export function sameSecret(a: string, b: string): boolean {
	const x = Buffer.from(a);
	const y = Buffer.from(b);
	return x.length === y.length && timingSafeEqual(x, y);
}

interface Session {
	csrf: string;
	expires: number;
	/** One message shown once on the next page (the outcome of an action). */
	flash?: { ok: boolean; text: string };
}

export class Sessions {
	private readonly sessions = new Map<string, Session>();
	/** Codes already exchanged, kept until they expire: each works once. */
	private readonly spent = new Map<string, number>();

	constructor(
		private readonly token: string,
		/** This dashboard start's nonce (newInstance): codes signed for another are refused. */
		private readonly instance: string,
		private readonly now: () => number = Date.now,
	) {}

	/** The token itself (pasted into the login form) or an unexpired, unspent login code. */
	accepts(secret: string): boolean {
		const now = this.now();
		for (const [code, exp] of this.spent) if (exp < now) this.spent.delete(code);
		if (sameSecret(secret, this.token)) return true;
		const m = /^(\d{13})\.([0-9a-f]{64})$/.exec(secret);
		if (!m) return false;
		const expires = Number(m[1]);
		if (expires < now || expires > now + LOGIN_CODE_TTL_MS + 5_000) return false;
		if (!sameSecret(m[2], sign(this.token, this.instance, expires)) || this.spent.has(secret))
			return false;
		this.spent.set(secret, expires);
		return true;
	}

	create(): { id: string; csrf: string } {
		const now = this.now();
		for (const [key, s] of this.sessions) if (s.expires < now) this.sessions.delete(key);
		const id = randomBytes(32).toString('base64url');
		const csrf = randomBytes(32).toString('base64url');
		this.sessions.set(id, { csrf, expires: this.now() + SESSION_TTL_MS });
		return { id, csrf };
	}

	get(id: string | undefined): Session | undefined {
		if (!id) return undefined;
		const s = this.sessions.get(id);
		if (!s) return undefined;
		if (s.expires < this.now()) {
			this.sessions.delete(id);
			return undefined;
		}
		return s;
	}
}

/** The session id from a Cookie header. */
export function sessionIdOf(cookie: string | undefined): string | undefined {
	if (!cookie) return undefined;
	for (const part of cookie.split(';')) {
		const [k, ...v] = part.trim().split('=');
		if (k === SESSION_COOKIE) return v.join('=');
	}
	return undefined;
}

export function sessionCookie(id: string): string {
	return `${SESSION_COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_TTL_MS / 1000}`;
}
