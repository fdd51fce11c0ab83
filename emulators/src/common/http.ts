/**
 * The emulators' HTTP layer on node:http (127.0.0.1, port 0 by default): a small router with
 * `:param` paths, JSON and byte-exact responses, the raw request for streaming uploads, the request
 * log, fault injection, and the `/__admin/` test surface (state, requests, reset, faults, clock).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Clock } from './clock';
import { applyFault, type FaultSpec, Faults } from './faults';
import { logBody, logEntry, type LoggedRequest } from './log';

export interface RequestContext {
	req: IncomingMessage;
	res: ServerResponse;
	url: URL;
	method: string;
	path: string;
	params: Record<string, string>;
	query: URLSearchParams;
	entry: LoggedRequest;
	/** Headers to add to whatever response is sent next (rate-limit headers, request id, …). */
	headers: Record<string, string>;
	/** Reads the whole body (once); `'too-large'` past `limit` (the rest is drained). */
	readBody(limit: number): Promise<Buffer | 'too-large'>;
	/** Sends JSON; the key order of `body` is the byte order on the wire. */
	json(status: number, body: unknown, headers?: Record<string, string>): void;
	/** Sends bytes as they are. */
	send(status: number, body: Buffer | string, headers?: Record<string, string>): void;
}

export type Handler = (ctx: RequestContext) => void | Promise<void>;

interface Route {
	method: string;
	pattern: RegExp;
	keys: string[];
	handler: Handler;
}

export class Router {
	private routes: Route[] = [];

	/** `path` like `/public/v1/posts/:id`; routes match in the order they are added. */
	add(method: string, path: string, handler: Handler): this {
		const keys: string[] = [];
		const source = path
			.split('/')
			.map((part) => {
				if (part.startsWith(':')) {
					keys.push(part.slice(1));
					return '([^/]+)';
				}
				return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
			})
			.join('/');
		this.routes.push({
			method: method.toUpperCase(),
			pattern: new RegExp(`^${source}/?$`),
			keys,
			handler,
		});
		return this;
	}

	match(
		method: string,
		path: string,
	): { handler: Handler; params: Record<string, string> } | undefined {
		for (const route of this.routes) {
			if (route.method !== method) continue;
			const m = route.pattern.exec(path);
			if (!m) continue;
			const params: Record<string, string> = {};
			route.keys.forEach((key, i) => (params[key] = decodeURIComponent(m[i + 1])));
			return { handler: route.handler, params };
		}
		return undefined;
	}
}

export interface AdminHooks {
	state(): unknown;
	reset(): void;
	/** Extra admin routes (`POST /__admin/tick`, …): return true when handled. */
	extra?(
		method: string,
		path: string,
		body: Record<string, unknown>,
		ctx: RequestContext,
	): boolean | Promise<boolean>;
}

export interface EmulatorServerOptions {
	port?: number;
	clock: Clock;
	router: Router;
	admin: AdminHooks;
	/** Runs before every API request (the publisher catches up here). */
	beforeRequest?: () => void;
	/** Answers requests no route matches. */
	notFound: Handler;
	/** The body a `status` fault sends when none is given. */
	faultBody?: unknown;
	/** Turns an exception in a handler into a response (default: 500 JSON). */
	onError?: (ctx: RequestContext, error: unknown) => void;
}

export interface EmulatorServer {
	server: Server;
	origin: string;
	port: number;
	faults: Faults;
	requests: LoggedRequest[];
	close(): Promise<void>;
}

function readAll(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
	return new Promise((resolve, reject) => {
		const declared = Number(req.headers['content-length']);
		const chunks: Buffer[] = [];
		let size = 0;
		let over = Number.isFinite(declared) && declared > limit;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > limit) over = true;
			if (!over) chunks.push(chunk);
		});
		req.on('end', () => resolve(over ? 'too-large' : Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

export function makeContext(
	req: IncomingMessage,
	res: ServerResponse,
	url: URL,
	entry: LoggedRequest,
): RequestContext {
	let bodyPromise: Promise<Buffer | 'too-large'> | undefined;
	const ctx: RequestContext = {
		req,
		res,
		url,
		method: (req.method ?? 'GET').toUpperCase(),
		path: url.pathname,
		params: {},
		query: url.searchParams,
		entry,
		headers: {},
		readBody(limit) {
			bodyPromise ??= readAll(req, limit).then((raw) => {
				if (raw !== 'too-large') logBody(entry, raw);
				return raw;
			});
			return bodyPromise;
		},
		json(status, body, headers) {
			ctx.send(status, JSON.stringify(body), {
				'Content-Type': 'application/json; charset=utf-8',
				...headers,
			});
		},
		send(status, body, headers) {
			if (res.headersSent || res.destroyed) return;
			const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
			res.writeHead(status, { ...ctx.headers, ...headers, 'Content-Length': String(bytes.length) });
			res.end(bytes);
			entry.status = status;
		},
	};
	return ctx;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

function isLoopbackHost(host: string | undefined): boolean {
	if (!host) return false;
	try {
		return LOOPBACK_HOSTS.has(new URL(`http://${host}`).hostname);
	} catch {
		return false;
	}
}

/**
 * Why an `/__admin` request is refused, if it is. A web page in the developer's browser must not
 * drive or reset the emulator: the Host must be a loopback name (no DNS rebinding), a browser
 * `Origin` must be a loopback origin, and anything but a GET must be `application/json` (a
 * cross-site form or `text/plain` fetch cannot send that without a CORS preflight, which we never
 * grant).
 */
export function adminRefusal(req: IncomingMessage): string | undefined {
	if (!isLoopbackHost(req.headers.host))
		return `/__admin answers only on a loopback Host (127.0.0.1, localhost, [::1]); got "${req.headers.host ?? ''}"`;
	const origin = req.headers.origin;
	if (origin !== undefined) {
		let host: string | undefined;
		try {
			host = new URL(origin).host;
		} catch {
			host = undefined;
		}
		if (!isLoopbackHost(host)) return `/__admin refuses cross-site requests (Origin "${origin}")`;
	}
	if (req.headers['sec-fetch-site'] === 'cross-site')
		return '/__admin refuses cross-site requests (Sec-Fetch-Site: cross-site)';
	const method = req.method ?? 'GET';
	const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
	if (method !== 'GET' && method !== 'HEAD' && type !== 'application/json')
		return `/__admin ${method} needs Content-Type: application/json`;
	return undefined;
}

export async function startEmulatorServer(opts: EmulatorServerOptions): Promise<EmulatorServer> {
	const faults = new Faults();
	const requests: LoggedRequest[] = [];
	const hanging = new Set<ServerResponse>();
	const server = createServer();

	server.on('request', (req: IncomingMessage, res: ServerResponse) => {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const entry = logEntry(req, url, opts.clock.now());
		const ctx = makeContext(req, res, url, entry);
		void (async () => {
			if (url.pathname.startsWith('/__admin/') || url.pathname === '/__admin') {
				await admin(ctx);
				return;
			}
			requests.push(entry);
			const fault = faults.take(ctx.method, url.pathname);
			if (fault) {
				const answered = await applyFault(fault, req, res, hanging, opts.faultBody);
				if (answered !== undefined) {
					entry.status = answered;
					return;
				}
			}
			opts.beforeRequest?.();
			const route = opts.router.match(ctx.method, url.pathname);
			if (!route) return opts.notFound(ctx);
			ctx.params = route.params;
			await route.handler(ctx);
		})().catch((error: unknown) => {
			if (opts.onError) opts.onError(ctx, error);
			else if (!res.headersSent)
				ctx.json(500, { statusCode: 500, message: 'Internal server error' });
			else res.destroy();
		});
	});

	/** Test control over HTTP for child processes and a real n8n: no auth, not logged, no faults. */
	async function admin(ctx: RequestContext): Promise<void> {
		const refusal = adminRefusal(ctx.req);
		if (refusal) return ctx.json(403, { message: refusal });
		const raw = await ctx.readBody(10_000_000);
		let body: Record<string, unknown> = {};
		if (raw !== 'too-large' && raw.length > 0) {
			try {
				body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
			} catch {
				return ctx.json(400, { message: 'The admin body must be JSON' });
			}
		}
		const path = ctx.path.replace(/\/$/, '');
		const route = `${ctx.method} ${path}`;
		const clockBody = () => ({
			now: opts.clock.now(),
			iso: new Date(opts.clock.now()).toISOString(),
		});
		switch (route) {
			case 'GET /__admin/state':
				return ctx.json(200, opts.admin.state());
			case 'GET /__admin/requests':
				return ctx.json(200, requests);
			case 'POST /__admin/reset':
				opts.admin.reset();
				faults.clear();
				requests.length = 0;
				return ctx.json(200, { reset: true });
			case 'GET /__admin/faults':
				return ctx.json(200, faults.snapshot());
			case 'POST /__admin/faults': {
				const spec = body as unknown as FaultSpec & { pathRegex?: string };
				if (typeof spec.path !== 'string' && typeof spec.pathRegex !== 'string') {
					return ctx.json(400, {
						message: 'POST /__admin/faults needs "path" (exact) or "pathRegex", and "kind"',
					});
				}
				const id = faults.add({
					...spec,
					path: spec.pathRegex ? new RegExp(spec.pathRegex) : spec.path,
				});
				return ctx.json(201, { id });
			}
			case 'DELETE /__admin/faults':
				faults.clear();
				return ctx.json(200, { cleared: true });
			case 'GET /__admin/clock':
				return ctx.json(200, clockBody());
			case 'POST /__admin/clock': {
				const advance = body.advanceMs ?? body.advance;
				const set = body.setMs ?? body.set;
				try {
					if (typeof advance === 'number') opts.clock.advance(advance);
					else if (typeof set === 'number') opts.clock.set(set);
					else if (typeof set === 'string') opts.clock.set(Date.parse(set));
					else
						return ctx.json(400, {
							message: 'POST /__admin/clock needs {"advanceMs": ms} or {"setMs": epochMs}',
						});
				} catch (error) {
					return ctx.json(400, { message: (error as Error).message });
				}
				return ctx.json(200, clockBody());
			}
			default:
				if (opts.admin.extra && (await opts.admin.extra(ctx.method, path, body, ctx))) return;
				return ctx.json(404, {
					message: `No admin route ${route}; use GET state|requests|faults|clock, POST reset|faults|clock, DELETE faults`,
				});
		}
	}

	const port = await new Promise<number>((resolve, reject) => {
		server.once('error', reject);
		server.listen(opts.port ?? 0, '127.0.0.1', () =>
			resolve((server.address() as AddressInfo).port),
		);
	});

	return {
		server,
		port,
		origin: `http://127.0.0.1:${port}`,
		faults,
		requests,
		async close() {
			for (const res of hanging) res.destroy();
			await new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
		},
	};
}
