/**
 * Server-Sent Events for live pages: a 'change' event whenever the state changed. The daemon
 * commits on its own connection, so SQLite's `data_version` on ours moves (it never moves for
 * our own commits: those call `changed()`); upload progress comes from its emitter, at most once
 * a second. The poll runs only while a page is open.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Db } from '../state/db';
import type { ProgressSource } from './server';

const POLL_MS = 500;
const PROGRESS_MIN_MS = 1_000;
const KEEPALIVE_MS = 25_000;

export class LiveEvents {
	private readonly clients = new Set<ServerResponse>();
	private timer?: NodeJS.Timeout;
	private keepalive?: NodeJS.Timeout;
	private seen = 0;
	private pending = false;
	private lastProgress = 0;
	private readonly onProgress = () => {
		const now = Date.now();
		if (now - this.lastProgress < PROGRESS_MIN_MS) {
			this.pending = true;
			return;
		}
		this.lastProgress = now;
		this.broadcast();
	};

	constructor(
		private readonly db: Db,
		private readonly progress?: ProgressSource,
	) {}

	attach(req: IncomingMessage, res: ServerResponse): void {
		res.writeHead(200, {
			'Content-Type': 'text/event-stream; charset=utf-8',
			'Cache-Control': 'no-store',
			Connection: 'keep-alive',
		});
		res.write('retry: 2000\n\n');
		this.clients.add(res);
		req.on('close', () => {
			this.clients.delete(res);
			if (this.clients.size === 0) this.stop();
		});
		if (this.clients.size === 1) this.start();
	}

	/** A change this process committed (an action from a page). */
	changed(): void {
		this.broadcast();
	}

	private start(): void {
		this.seen = this.version();
		this.timer = setInterval(() => {
			const v = this.version();
			if (v !== this.seen || this.pending) {
				this.seen = v;
				this.pending = false;
				this.broadcast();
			}
		}, POLL_MS);
		this.keepalive = setInterval(() => {
			for (const c of this.clients) c.write(': keepalive\n\n');
		}, KEEPALIVE_MS);
		this.progress?.on('change', this.onProgress);
	}

	private stop(): void {
		clearInterval(this.timer);
		clearInterval(this.keepalive);
		this.timer = undefined;
		this.progress?.off('change', this.onProgress);
	}

	private version(): number {
		return this.db.open ? (this.db.pragma('data_version', { simple: true }) as number) : this.seen;
	}

	private broadcast(): void {
		for (const c of this.clients) c.write(`event: change\ndata: {}\n\n`);
	}

	close(): void {
		this.stop();
		for (const c of this.clients) c.end();
		this.clients.clear();
	}
}
