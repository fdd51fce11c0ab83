/**
 * Test-control pieces of the PostFast emulator: the virtual clock, fault injection and the request
 * log. They follow the planned shared API (working agreement: `clock`, `faults`, `requests`) so the
 * emulator can move onto `emulators/src/common/` without changing what tests see.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface VirtualClock {
	now(): number;
	advance(ms: number): void;
	set(ms: number): void;
}

/**
 * `manual` (default in-process): time stands still until a test moves it, so rate windows and
 * schedules are exact. `real`: wall time plus an offset that `advance`/`set` move (CLI, demos).
 */
export function createClock(
	mode: 'manual' | 'real',
	start: number,
	onChange: () => void,
): VirtualClock {
	if (mode === 'real') {
		let offset = start - Date.now();
		return {
			now: () => Date.now() + offset,
			advance(ms) {
				if (!(ms >= 0))
					throw new Error(
						`clock.advance(${ms}): the emulator clock only moves forward; pass a positive number of milliseconds`,
					);
				offset += ms;
				onChange();
			},
			set(ms) {
				offset = ms - Date.now();
				onChange();
			},
		};
	}
	let t = start;
	return {
		now: () => t,
		advance(ms) {
			if (!(ms >= 0))
				throw new Error(
					`clock.advance(${ms}): the emulator clock only moves forward; pass a positive number of milliseconds`,
				);
			t += ms;
			onChange();
		},
		set(ms) {
			if (!Number.isFinite(ms)) throw new Error(`clock.set(${ms}): pass epoch milliseconds`);
			t = ms;
			onChange();
		},
	};
}

export interface FaultSpec {
	method?: string;
	/** Exact path (without query) or a pattern tested against it. */
	path: string | RegExp;
	kind: 'status' | 'latency' | 'reset' | 'hang' | 'slow-body';
	status?: number;
	body?: unknown;
	headers?: Record<string, string>;
	/** latency: delay before handling; slow-body: pause between body chunks. */
	delayMs?: number;
	/** How many matching requests it hits (default: every one). */
	times?: number;
	/** Matching requests to let through before it starts hitting. */
	skip?: number;
}

interface ActiveFault extends FaultSpec {
	hits: number;
	skipped: number;
}

export class Faults {
	private list: ActiveFault[] = [];

	add(spec: FaultSpec): void {
		this.list.push({ ...spec, hits: 0, skipped: 0 });
	}

	clear(): void {
		this.list = [];
	}

	/** The fault that takes this request, counting it. */
	take(method: string, path: string): FaultSpec | undefined {
		for (const f of this.list) {
			if (f.method && f.method.toUpperCase() !== method) continue;
			if (typeof f.path === 'string' ? f.path !== path : !f.path.test(path)) continue;
			if (f.times !== undefined && f.hits >= f.times) continue;
			if (f.skip !== undefined && f.skipped < f.skip) {
				f.skipped += 1;
				continue;
			}
			f.hits += 1;
			return f;
		}
		return undefined;
	}
}

export interface LoggedRequest {
	at: number;
	/** `api` for PostFast, `s3` for the signed-URL listener. */
	service: 'api' | 's3';
	method: string;
	path: string;
	query: Record<string, string>;
	headers: Record<string, string | undefined>;
	/** Parsed JSON body of API requests; S3 bodies are not kept (only their length). */
	body?: unknown;
	/** 0 when the connection was reset or is still hanging. */
	status: number;
}

export function logEntry(
	service: 'api' | 's3',
	req: IncomingMessage,
	url: URL,
	at: number,
): LoggedRequest {
	const headers: Record<string, string | undefined> = {};
	for (const [k, v] of Object.entries(req.headers))
		headers[k] = Array.isArray(v) ? v.join(', ') : v;
	return {
		at,
		service,
		method: req.method ?? 'GET',
		path: url.pathname,
		query: Object.fromEntries(url.searchParams),
		headers,
		status: 0,
	};
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Applies a fault. Returns true when the fault answered (or killed) the request, false when the
 * request should be handled normally (latency, or slow-body which wraps the response).
 */
export async function applyFault(
	fault: FaultSpec,
	req: IncomingMessage,
	res: ServerResponse,
	entry: LoggedRequest,
	hanging: Set<ServerResponse>,
): Promise<boolean> {
	switch (fault.kind) {
		case 'latency':
			await sleep(fault.delayMs ?? 1000);
			return false;
		case 'reset':
			req.socket.destroy();
			entry.status = 0;
			return true;
		case 'hang':
			hanging.add(res);
			res.on('close', () => hanging.delete(res));
			return true;
		case 'slow-body': {
			const delay = fault.delayMs ?? 200;
			const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
			const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
			// Buffer the handler's output, then trickle it out in small chunks.
			const chunks: Buffer[] = [];
			(res as unknown as { write: unknown }).write = (chunk: unknown) => {
				if (chunk) chunks.push(Buffer.from(chunk as Buffer));
				return true;
			};
			(res as unknown as { end: unknown }).end = (chunk?: unknown) => {
				if (chunk && typeof chunk !== 'function') chunks.push(Buffer.from(chunk as Buffer));
				const all = Buffer.concat(chunks);
				res.removeHeader('Content-Length');
				void (async () => {
					for (let i = 0; i < all.length; i += 16) {
						if (res.destroyed) return;
						write(all.subarray(i, i + 16));
						await sleep(delay);
					}
					end();
				})();
				return res;
			};
			return false;
		}
		case 'status':
		default: {
			const status = fault.status ?? 500;
			const body =
				fault.body === undefined
					? JSON.stringify(
							status >= 500
								? { statusCode: status, message: 'Internal server error' }
								: { statusCode: status, message: 'Injected fault' },
						)
					: typeof fault.body === 'string'
						? fault.body
						: JSON.stringify(fault.body);
			const isXml = typeof fault.body === 'string' && fault.body.trimStart().startsWith('<');
			if (req.method === 'PUT') req.resume();
			res.writeHead(status, {
				'Content-Type': isXml ? 'application/xml' : 'application/json; charset=utf-8',
				'Content-Length': String(Buffer.byteLength(body)),
				...(fault.headers ?? {}),
			});
			res.end(body);
			entry.status = status;
			return true;
		}
	}
}
