/**
 * Fault injection per route: a 5xx (or any status) with a body, latency, a connection reset, a hang
 * (no answer until the client or the emulator closes), or a slow body (the real answer, dripped).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type FaultKind = 'status' | 'latency' | 'reset' | 'hang' | 'slow-body';

export interface FaultSpec {
	method?: string;
	/** Exact path without the query (e.g. `/public/v1/posts`) or a pattern tested against it. */
	path: string | RegExp;
	kind: FaultKind;
	/** `status`: the status (default 500). */
	status?: number;
	/** `status`: the body (an object is sent as JSON; default the service's 500 body). */
	body?: unknown;
	headers?: Record<string, string>;
	/** `latency`: delay before handling (default 1000); `slow-body`: pause between 16-byte chunks (default 200). */
	delayMs?: number;
	/** How many matching requests it takes (default: all). */
	times?: number;
	/** Matching requests to let through before it starts. */
	skip?: number;
}

interface ActiveFault extends FaultSpec {
	id: number;
	hits: number;
	skipped: number;
}

export class Faults {
	private list: ActiveFault[] = [];
	private nextId = 1;

	/** Adds a fault; returns its id for `remove`. */
	add(spec: FaultSpec): number {
		if (!spec || (typeof spec.path !== 'string' && !(spec.path instanceof RegExp))) {
			throw new Error(
				'faults.add: pass { path: string | RegExp, kind } (path is the URL path without the query)',
			);
		}
		const id = this.nextId++;
		this.list.push({ ...spec, id, hits: 0, skipped: 0 });
		return id;
	}

	remove(id: number): void {
		this.list = this.list.filter((f) => f.id !== id);
	}

	clear(): void {
		this.list = [];
	}

	/** Active faults, for the admin surface (patterns as strings). */
	snapshot(): Array<Omit<FaultSpec, 'path'> & { id: number; path: string; hits: number }> {
		return this.list.map(({ skipped: _s, path, ...f }) => ({ ...f, path: String(path) }));
	}

	/** The fault that takes this request (counted), if any. */
	take(method: string, path: string): FaultSpec | undefined {
		for (const f of this.list) {
			if (f.method && f.method.toUpperCase() !== method.toUpperCase()) continue;
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Applies a fault. Returns the status it answered with (0 for reset/hang), or `undefined` when the
 * request should go on to its handler (latency, slow-body which wraps the response).
 */
export async function applyFault(
	fault: FaultSpec,
	req: IncomingMessage,
	res: ServerResponse,
	hanging: Set<ServerResponse>,
	defaultBody: unknown = { statusCode: 500, message: 'Internal server error' },
): Promise<number | undefined> {
	switch (fault.kind) {
		case 'latency':
			await sleep(fault.delayMs ?? 1000);
			return undefined;
		case 'reset':
			req.socket.destroy();
			return 0;
		case 'hang':
			hanging.add(res);
			res.on('close', () => hanging.delete(res));
			req.resume();
			return 0;
		case 'slow-body': {
			dripResponse(res, fault.delayMs ?? 200);
			return undefined;
		}
		case 'status':
		default: {
			const status = fault.status ?? 500;
			const payload =
				fault.body === undefined
					? status >= 500
						? defaultBody
						: { statusCode: status, message: 'Injected fault' }
					: fault.body;
			const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
			req.resume();
			res.writeHead(status, {
				'Content-Type':
					typeof payload === 'string'
						? 'text/plain; charset=utf-8'
						: 'application/json; charset=utf-8',
				'Content-Length': String(Buffer.byteLength(text)),
				...(fault.headers ?? {}),
			});
			res.end(text);
			return status;
		}
	}
}

/** Buffers whatever the handler writes, then trickles it out 16 bytes at a time. */
function dripResponse(res: ServerResponse, delayMs: number): void {
	const write = res.write.bind(res) as (chunk: Buffer) => boolean;
	const end = res.end.bind(res) as () => ServerResponse;
	const chunks: Buffer[] = [];
	const collect = (chunk: unknown) => {
		if (chunk && typeof chunk !== 'function')
			chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
	};
	(res as unknown as { write: unknown }).write = (chunk: unknown) => {
		collect(chunk);
		return true;
	};
	(res as unknown as { end: unknown }).end = (chunk?: unknown) => {
		collect(chunk);
		const all = Buffer.concat(chunks);
		void (async () => {
			for (let i = 0; i < all.length; i += 16) {
				if (res.destroyed) return;
				write(all.subarray(i, i + 16));
				await sleep(delayMs);
			}
			end();
		})();
		return res;
	};
}
