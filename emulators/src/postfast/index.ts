/**
 * `startPostFast(opts)`: the PostFast emulator on 127.0.0.1 — the API listener (`baseUrl`) and a
 * separate S3 listener (`s3Origin`) that the signed upload URLs point at, so a client that leaks
 * `pf-api-key` to S3 shows up in the request log. Admin surface under `/__admin/` on the API port.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

import {
	POSTFAST_DEFAULT_PROFILE,
	POSTFAST_PROFILES,
	type PostFastLimitProfile,
	type PostFastProfile,
} from '../../../contract/postfast';
import { PostFastApi } from './api';
import {
	Faults,
	applyFault,
	createClock,
	logEntry,
	type FaultSpec,
	type LoggedRequest,
	type VirtualClock,
} from './harness';
import { S3Bucket } from './s3';
import { PostFastStore, type Account, type Post } from './store';
import { Throttler } from './throttler';

export interface PostFastOptions {
	/** Limit profile and vendor facts: `vendor` (default, the vendor page) or `current` (§3.6). */
	profile?: PostFastProfile;
	/** Override single limits, e.g. `{ endpoints: { 'POST /social-posts': { daily: 5 } } }` for a quick test. */
	limits?: Partial<Pick<PostFastLimitProfile, 'defaults' | 'endpoints'>>;
	/** Ports (0 = random). */
	port?: number;
	s3Port?: number;
	/** `manual` (default): the clock moves only when told; `real`: wall time plus an offset. */
	clock?: 'manual' | 'real';
	/** Start time of the clock (default: now). */
	now?: number;
	/** §1.3: status for an absent or unknown key (default 403; an empty header is always 401). */
	missingKeyStatus?: 401 | 403;
	/** Serve only the four endpoints of the vendor page (default false: every endpoint of §2). */
	vendorPageOnly?: boolean;
	/** Signed URL lifetime in seconds (default 300, the stricter of the documented 300/900). */
	signedUrlExpiresIn?: number;
	/** `strict` (default): Content-Type is a signed header; `host`: the SDK default (any Content-Type). */
	signedHeaders?: 'strict' | 'host';
	/** `strict` (default): create checks uploaded objects (`media.invalidMedia`); `off`: keys are trusted. */
	mediaCheck?: 'strict' | 'off';
	/** JSON body limit in bytes (default 102400, Express' default; over it → 413). */
	bodyLimit?: number;
	/** Which due posts the publisher fails (default: content containing `[fail]`). */
	failWhen?: (post: Post, account: Account | undefined) => string | undefined;
}

export type { Account, FaultSpec, LoggedRequest, Post, VirtualClock };

const BUCKET = 'postfast-media';

function listen(server: Server, port: number): Promise<number> {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
	});
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let over = false;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > limit) over = true;
			else chunks.push(chunk);
		});
		req.on('end', () => resolve(over ? 'too-large' : Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

function parseLogged(raw: Buffer): unknown {
	try {
		return JSON.parse(raw.toString('utf8')) as unknown;
	} catch {
		return raw.toString('utf8');
	}
}

function json(res: ServerResponse, status: number, body: unknown): void {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'Content-Type': 'application/json; charset=utf-8',
		'Content-Length': String(Buffer.byteLength(text)),
	});
	res.end(text);
}

export async function startPostFast(opts: PostFastOptions = {}) {
	const profileName = opts.profile ?? POSTFAST_DEFAULT_PROFILE;
	const base = POSTFAST_PROFILES[profileName];
	const profile: PostFastLimitProfile = {
		...base,
		defaults: { ...base.defaults, ...(opts.limits?.defaults ?? {}) },
		endpoints: { ...base.endpoints, ...(opts.limits?.endpoints ?? {}) },
	};
	let store: PostFastStore | undefined;
	const clock = createClock(opts.clock ?? 'manual', opts.now ?? Date.now(), () =>
		store?.publishDue(),
	);
	store = new PostFastStore(() => clock.now(), { failWhen: opts.failWhen });
	const faults = new Faults();
	const requests: LoggedRequest[] = [];
	const throttler = new Throttler(profile, clock);
	const hanging = new Set<ServerResponse>();
	const bodyLimit = opts.bodyLimit ?? 102_400;

	const s3Server = createServer();
	const apiServer = createServer();
	const s3Port = await listen(s3Server, opts.s3Port ?? 0);
	const s3Origin = `http://127.0.0.1:${s3Port}`;
	const s3 = new S3Bucket({
		origin: s3Origin,
		bucket: BUCKET,
		clock,
		dir: join(tmpdir(), `postspool-postfast-s3-${process.pid}-${randomBytes(4).toString('hex')}`),
		expiresIn: opts.signedUrlExpiresIn ?? 300,
		signedHeaders: opts.signedHeaders ?? 'strict',
	});
	await s3.init();
	const api = new PostFastApi(store, throttler, s3, clock, {
		profile: profileName,
		missingKeyStatus: opts.missingKeyStatus ?? 403,
		vendorPageOnly: opts.vendorPageOnly ?? false,
		mediaCheck: opts.mediaCheck ?? 'strict',
	});

	const reset = () => {
		store!.seed();
		throttler.reset();
		s3.clear();
		faults.clear();
		requests.length = 0;
	};

	s3Server.on('request', (req, res) => {
		const url = new URL(req.url ?? '/', s3Origin);
		const entry = logEntry('s3', req, url, clock.now());
		requests.push(entry);
		void (async () => {
			const fault = faults.take(req.method ?? 'GET', url.pathname);
			if (fault && (await applyFault(fault, req, res, entry, hanging))) return;
			entry.status = await s3.handle(req, res);
		})().catch(() => {
			if (!res.headersSent) json(res, 500, { message: 'emulator error' });
			else res.destroy();
		});
	});

	apiServer.on('request', (req, res) => {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		void (async () => {
			if (url.pathname.startsWith('/__admin/')) {
				await admin(req, res, url);
				return;
			}
			const entry = logEntry('api', req, url, clock.now());
			requests.push(entry);
			// The body is read (and logged) before faults apply, so tests see what a faulted request sent.
			const raw = await readBody(req, bodyLimit);
			if (raw !== 'too-large' && raw.length > 0) entry.body = parseLogged(raw);
			const fault = faults.take(req.method ?? 'GET', url.pathname);
			if (fault && (await applyFault(fault, req, res, entry, hanging))) return;
			if (raw === 'too-large') {
				json(res, 413, {
					message: 'request entity too large',
					error: 'Payload Too Large',
					statusCode: 413,
				});
				entry.status = 413;
				return;
			}
			const result = await api.handle(req, res, url, raw);
			entry.status = result.status;
		})().catch(() => {
			if (!res.headersSent) json(res, 500, { statusCode: 500, message: 'Internal server error' });
			else res.destroy();
		});
	});

	/** Test control over HTTP, for child processes and a real n8n. No auth, no rate limits. */
	async function admin(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
		const raw = await readBody(req, 1_000_000);
		const body =
			raw !== 'too-large' && raw.length > 0
				? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>)
				: {};
		const route = `${req.method} ${url.pathname.replace(/\/$/, '')}`;
		switch (route) {
			case 'GET /__admin/state':
				return json(res, 200, state());
			case 'GET /__admin/requests':
				return json(res, 200, requests);
			case 'POST /__admin/reset':
				reset();
				return json(res, 200, { reset: true });
			case 'POST /__admin/faults': {
				const spec = body as unknown as FaultSpec & { pathRegex?: string };
				faults.add({ ...spec, path: spec.pathRegex ? new RegExp(spec.pathRegex) : spec.path });
				return json(res, 201, { added: true });
			}
			case 'DELETE /__admin/faults':
				faults.clear();
				return json(res, 200, { cleared: true });
			case 'GET /__admin/clock':
				return json(res, 200, { now: clock.now(), iso: new Date(clock.now()).toISOString() });
			case 'POST /__admin/clock':
				if (typeof body.advance === 'number') clock.advance(body.advance);
				else if (typeof body.set === 'number') clock.set(body.set);
				else if (typeof body.set === 'string') clock.set(Date.parse(body.set));
				else
					return json(res, 400, {
						message: 'POST /__admin/clock needs {"advance": ms} or {"set": epochMs | ISO string}',
					});
				return json(res, 200, { now: clock.now(), iso: new Date(clock.now()).toISOString() });
			case 'POST /__admin/tick':
				return json(res, 200, { moved: store!.publishDue() });
			default:
				return json(res, 404, {
					message: `No admin route ${route}; use GET state|requests|clock, POST reset|faults|clock|tick, DELETE faults`,
				});
		}
	}

	function state() {
		const s = store!;
		return {
			profile: profileName,
			now: clock.now(),
			workspaces: s.workspaces,
			accounts: [...s.accounts.values()],
			posts: [...s.posts.values()],
			uploads: [...s.issuedKeys.values()].map((k) => ({
				...k,
				object: s3.objects.get(k.key) ?? null,
			})),
			throttler: throttler.snapshot(),
		};
	}

	const port = await listen(apiServer, opts.port ?? 0);
	const origin = `http://127.0.0.1:${port}`;
	const [demo] = store.workspaces;

	return {
		profile: profileName,
		limits: profile,
		origin,
		/** PostFast has no path prefix: the base URL is the origin. */
		baseUrl: origin,
		s3Origin,
		bucket: BUCKET,
		apiKey: demo.apiKey,
		/** Every demo workspace and its key (two, to prove isolation). */
		apiKeys: store.workspaces.map((w) => ({ workspaceId: w.id, name: w.name, apiKey: w.apiKey })),
		clock,
		faults,
		requests,
		store,
		/** Uploaded objects by key (bytes live in a temp dir). */
		objects: s3.objects,
		throttler,
		/** Runs the publisher now (it also runs on every API call and clock move). */
		async tick(): Promise<number> {
			return store!.publishDue();
		},
		reset,
		async close(): Promise<void> {
			for (const res of hanging) res.destroy();
			await Promise.all(
				[apiServer, s3Server].map(
					(server) =>
						new Promise<void>((resolve) => {
							server.close(() => resolve());
							server.closeAllConnections();
						}),
				),
			);
			await s3.destroy();
		},
	};
}

export type PostFastEmulator = Awaited<ReturnType<typeof startPostFast>>;
