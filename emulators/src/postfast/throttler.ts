/**
 * PostFast's NestJS throttler (docs/postfast-api.md, Throttler algorithm), as the vendor describes it: four named fixed
 * windows per endpoint and API key, anchored at the first call after the previous window expired;
 * every call counts, even a refused one (Redis-storage INCR semantics); exceeding a window blocks
 * that window for its whole length; evaluation stops at the first refusing window, so a 429 carries
 * the headers of the windows before it and `Retry-After-<name>` for the refusing one.
 */
import {
	POSTFAST_WINDOW_ORDER,
	POSTFAST_WINDOWS,
	type PostFastLimitProfile,
	type PostFastWindow,
} from '../../../contract/postfast';

export interface Clock {
	now(): number;
}

interface WindowState {
	count: number;
	windowEnd: number;
	/** 0 when not blocked. A block outlives its window when the window was fresh. */
	blockEnd: number;
}

export interface ThrottleResult {
	allowed: boolean;
	/** Response headers in the order the guard sets them. */
	headers: Record<string, string>;
	/** The window that refused the call. */
	refusedBy?: PostFastWindow;
	/** Seconds in `Retry-After-<refusedBy>`. */
	retryAfterSeconds?: number;
}

export class Throttler {
	private readonly state = new Map<string, WindowState>();

	constructor(
		private readonly profile: PostFastLimitProfile,
		private readonly clock: Clock,
	) {}

	limitsOf(endpointKey: string): Record<PostFastWindow, number> {
		return { ...this.profile.defaults, ...(this.profile.endpoints[endpointKey] ?? {}) };
	}

	/** Counts one call of `endpointKey` by `tracker` (the workspace) and decides. */
	hit(tracker: string, endpointKey: string): ThrottleResult {
		const now = this.clock.now();
		const limits = this.limitsOf(endpointKey);
		const headers: Record<string, string> = {};
		for (const name of POSTFAST_WINDOW_ORDER) {
			const ttl = POSTFAST_WINDOWS[name];
			const limit = limits[name];
			const id = `${tracker}\u0000${endpointKey}\u0000${name}`;
			let s = this.state.get(id);
			if (!s) {
				s = { count: 0, windowEnd: now + ttl, blockEnd: 0 };
				this.state.set(id, s);
			} else if (now >= s.windowEnd) {
				// A new fixed window starts at this call; a running block is a separate key and survives.
				s.count = 0;
				s.windowEnd = now + ttl;
			}
			s.count += 1;
			if (s.blockEnd > now) {
				const seconds = Math.ceil((s.blockEnd - now) / 1000);
				return this.refuse(headers, name, seconds);
			}
			if (s.count > limit) {
				s.blockEnd = now + ttl; // blockDuration defaults to ttl
				return this.refuse(headers, name, Math.ceil(ttl / 1000));
			}
			headers[`X-RateLimit-Limit-${name}`] = String(limit);
			headers[`X-RateLimit-Remaining-${name}`] = String(Math.max(0, limit - s.count));
			headers[`X-RateLimit-Reset-${name}`] = String(Math.ceil((s.windowEnd - now) / 1000));
		}
		return { allowed: true, headers };
	}

	private refuse(
		headers: Record<string, string>,
		name: PostFastWindow,
		seconds: number,
	): ThrottleResult {
		headers[`Retry-After-${name}`] = String(seconds);
		if (this.profile.plainRetryAfter) headers['Retry-After'] = String(seconds);
		return { allowed: false, headers, refusedBy: name, retryAfterSeconds: seconds };
	}

	/** Snapshot for the admin surface and tests: window counts per tracker/endpoint/name. */
	snapshot(): Array<{ tracker: string; endpoint: string; window: PostFastWindow } & WindowState> {
		return [...this.state].map(([id, s]) => {
			const [tracker, endpoint, window] = id.split('\u0000') as [string, string, PostFastWindow];
			return { tracker, endpoint, window, ...s };
		});
	}

	reset(): void {
		this.state.clear();
	}
}
