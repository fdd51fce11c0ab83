/**
 * Server-Sent Events for live pages: a 'change' event whenever the state changed. The daemon
 * commits on its own connection, so SQLite's `data_version` on ours moves (it never moves for
 * our own commits: those call `changed()`); upload progress comes from its emitter, at most once
 * a second. What waits in the inboxes is not in the database: its explanation's fingerprint is
 * checked every INBOX_POLL_MS. The polls run only while a page is open. Streams are capped per
 * session and in all (a page holds one; a flood of them must not slow every other request).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Db } from '../state/db';
import type { ProgressSource } from './server';

const POLL_MS = 500;
const PROGRESS_MIN_MS = 1_000;
const KEEPALIVE_MS = 25_000;
const INBOX_POLL_MS = 2_000;
export const MAX_STREAMS_PER_SESSION = 8;
export const MAX_STREAMS = 32;

export class LiveEvents {
	private readonly clients = new Set<ServerResponse>();
	private readonly perSession = new Map<string, number>();
	private timer?: NodeJS.Timeout;
	private inboxTimer?: NodeJS.Timeout;
	private inboxSeen = '';
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
		/** What the Queue page says waits in the inboxes, reduced to what changes its meaning. */
		private readonly inboxFingerprint?: () => string,
	) {}

	/** Streams `res` to a session; false (and a 429) when it or the server holds too many already. */
	attach(req: IncomingMessage, res: ServerResponse, session: string): boolean {
		const mine = this.perSession.get(session) ?? 0;
		if (mine >= MAX_STREAMS_PER_SESSION || this.clients.size >= MAX_STREAMS) {
			const text =
				mine >= MAX_STREAMS_PER_SESSION
					? `refused: this session already has ${MAX_STREAMS_PER_SESSION} live streams open; close some dashboard tabs`
					: `refused: the dashboard already serves ${MAX_STREAMS} live streams; close some dashboard tabs`;
			res.writeHead(429, {
				'Content-Type': 'text/plain; charset=utf-8',
				'Content-Length': Buffer.byteLength(text),
				'Retry-After': '30',
			});
			res.end(text);
			return false;
		}
		this.perSession.set(session, mine + 1);
		res.writeHead(200, {
			'Content-Type': 'text/event-stream; charset=utf-8',
			'Cache-Control': 'no-store',
			Connection: 'keep-alive',
		});
		res.write('retry: 2000\n\n');
		this.clients.add(res);
		req.on('close', () => {
			this.clients.delete(res);
			const left = (this.perSession.get(session) ?? 1) - 1;
			if (left > 0) this.perSession.set(session, left);
			else this.perSession.delete(session);
			if (this.clients.size === 0) this.stop();
		});
		if (this.clients.size === 1) this.start();
		return true;
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
		if (this.inboxFingerprint) {
			const fingerprint = this.inboxFingerprint;
			this.inboxSeen = fingerprint();
			this.inboxTimer = setInterval(() => {
				const f = fingerprint();
				if (f !== this.inboxSeen) {
					this.inboxSeen = f;
					this.broadcast();
				}
			}, INBOX_POLL_MS);
		}
		this.keepalive = setInterval(() => {
			for (const c of this.clients) c.write(': keepalive\n\n');
		}, KEEPALIVE_MS);
		this.progress?.on('change', this.onProgress);
	}

	private stop(): void {
		clearInterval(this.timer);
		clearInterval(this.keepalive);
		clearInterval(this.inboxTimer);
		this.timer = undefined;
		this.inboxTimer = undefined;
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
