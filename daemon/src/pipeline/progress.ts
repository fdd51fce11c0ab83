/**
 * Uploads in flight, for the dashboard's progress bars and the TTY progress line of `postspool
 * run`. One registry per process: the pipeline registers each file upload as it starts, feeds it
 * the bytes sent, and removes it when the upload ends, whether it succeeded or failed.
 *
 * Listeners hear `'change'` at once when an upload starts, has sent its last byte, or ends, and at
 * most every 100 ms while bytes move (a 500 MB video reports thousands of chunks). Entries hold names and byte counts
 * only: never a URL (S3 signatures), a header or a key.
 */
import { EventEmitter } from 'node:events';
import type { ServiceName } from '../api/http';

export interface UploadInFlight {
	/** Unique per upload in this process (two targets may upload the same file at once). */
	id: number;
	/** The item (post) the file belongs to, and its name as dropped. */
	itemId: string;
	name: string;
	/** The target's account label, e.g. `acme-x`. */
	target: string;
	service: ServiceName;
	/** The file's name inside the post. */
	file: string;
	/** Bytes of the request body sent so far, and its length (a multipart body counts its framing). */
	sent: number;
	total: number;
	/** Wall-clock ms when the upload started. */
	startedAt: number;
}

export type UploadStart = Pick<
	UploadInFlight,
	'itemId' | 'name' | 'target' | 'service' | 'file'
> & {
	/** Expected length until the transport reports the exact one. */
	total: number;
};

/** Feeds one upload: `update` as bytes go, `end` exactly once (later calls are ignored). */
export interface UploadHandle {
	update(sent: number, total: number): void;
	end(): void;
}

/** The minimum time between two throttled `'change'` events. */
export const PROGRESS_THROTTLE_MS = 100;

export class UploadProgress extends EventEmitter<{ change: [] }> {
	private readonly live = new Map<number, UploadInFlight>();
	private nextId = 1;
	private lastEmit = 0;
	private pending?: NodeJS.Timeout;

	/** The uploads in flight, oldest first, as copies. */
	snapshot(): UploadInFlight[] {
		return [...this.live.values()].map((u) => ({ ...u }));
	}

	begin(start: UploadStart): UploadHandle {
		const id = this.nextId++;
		this.live.set(id, { id, ...start, sent: 0, startedAt: Date.now() });
		this.emitNow();
		return {
			update: (sent, total) => {
				const u = this.live.get(id);
				if (!u) return;
				u.sent = sent;
				if (total > 0) u.total = total;
				// The whole body sent (the answer still pending) is shown at once, like start and end.
				if (u.sent >= u.total) this.emitNow();
				else this.emitThrottled();
			},
			end: () => {
				if (this.live.delete(id)) this.emitNow();
			},
		};
	}

	/** Runs `upload` registered under `start`; the entry is removed however it ends. */
	async track<T>(
		start: UploadStart,
		upload: (onProgress: (sent: number, total: number) => void) => Promise<T>,
	): Promise<T> {
		const handle = this.begin(start);
		try {
			return await upload(handle.update);
		} finally {
			handle.end();
		}
	}

	private emitNow(): void {
		if (this.pending) clearTimeout(this.pending);
		this.pending = undefined;
		this.lastEmit = Date.now();
		try {
			this.emit('change');
		} catch {
			// A listener's bug (a display) must not fail the upload it watches.
		}
	}

	private emitThrottled(): void {
		if (this.pending) return;
		const wait = this.lastEmit + PROGRESS_THROTTLE_MS - Date.now();
		if (wait <= 0) return this.emitNow();
		// A trailing event, so the last bytes of a burst are shown even if no more arrive soon.
		this.pending = setTimeout(() => this.emitNow(), wait);
		this.pending.unref();
	}
}

/** The process's registry. */
export const uploadProgress = new UploadProgress();
