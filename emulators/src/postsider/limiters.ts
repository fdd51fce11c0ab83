/**
 * PostSider's two rate limiters (docs/postsider-api.md, Rate limits), on the virtual clock.
 *
 * A (`ApiRateLimitGuard`): per org, every request, FIXED 60 s window from the first hit (Redis
 * INCR + EXPIRE only when the count is 1); rejected requests still count.
 * B (`@nestjs/throttler`): mutating methods, one bucket per handler and org, FIXED 1 h window from
 * the first hit; the first request over the limit blocks the handler for a whole hour from then.
 * Calls made while blocked still count in the (next) window.
 */
import {
	POSTSIDER_HOURLY_WINDOW_MS,
	POSTSIDER_MINUTE_WINDOW_MS,
} from '../../../contract/postsider';

interface Window {
	start: number;
	count: number;
	blockedUntil?: number;
}

export type LimitResult =
	| { ok: true; headers: Record<string, string> }
	| { ok: false; headers: Record<string, string>; body: unknown };

export class PostSiderLimiters {
	private minute = new Map<string, Window>();
	private hourly = new Map<string, Window>();

	constructor(
		private readonly now: () => number,
		public apiLimit: number,
		public hourlyLimit: number,
	) {}

	reset(): void {
		this.minute.clear();
		this.hourly.clear();
	}

	/**
	 * Limiter B for one handler bucket, as `@nest-lab/throttler-storage-redis` 1.2 counts: the hit
	 * counter's window expires on its own schedule and every call increments it, blocked ones
	 * too; so when a block ends, a window already over the limit blocks the next call again.
	 */
	hourlyCheck(orgId: string, bucket: string): LimitResult {
		const now = this.now();
		const key = `${orgId}:${bucket}`;
		let w = this.hourly.get(key);
		if (!w || now >= w.start + POSTSIDER_HOURLY_WINDOW_MS) {
			w = { start: now, count: 0, blockedUntil: w?.blockedUntil };
			this.hourly.set(key, w);
		}
		w.count += 1;
		if (w.blockedUntil !== undefined && now >= w.blockedUntil) w.blockedUntil = undefined;
		if (w.blockedUntil === undefined && w.count > this.hourlyLimit)
			w.blockedUntil = now + POSTSIDER_HOURLY_WINDOW_MS;
		if (w.blockedUntil !== undefined) {
			return {
				ok: false,
				headers: { 'Retry-After': String(Math.ceil((w.blockedUntil - now) / 1000)) },
				body: { statusCode: 429, message: 'ThrottlerException: Too Many Requests' },
			};
		}
		return {
			ok: true,
			headers: {
				'X-RateLimit-Limit': String(this.hourlyLimit),
				'X-RateLimit-Remaining': String(Math.max(0, this.hourlyLimit - w.count)),
				'X-RateLimit-Reset': String(Math.ceil((w.start + POSTSIDER_HOURLY_WINDOW_MS - now) / 1000)),
			},
		};
	}

	/** Limiter A for the org. */
	minuteCheck(orgId: string): LimitResult {
		const now = this.now();
		let w = this.minute.get(orgId);
		if (!w || now >= w.start + POSTSIDER_MINUTE_WINDOW_MS) {
			w = { start: now, count: 0 };
			this.minute.set(orgId, w);
		}
		w.count += 1;
		const headers: Record<string, string> = {
			'X-RateLimit-Limit': String(this.apiLimit),
			'X-RateLimit-Remaining': String(Math.max(0, this.apiLimit - w.count)),
		};
		if (w.count <= this.apiLimit) return { ok: true, headers };
		// Redis TTL in whole seconds; the header falls back to 60 when the TTL is not positive.
		const ttl = Math.round((w.start + POSTSIDER_MINUTE_WINDOW_MS - now) / 1000);
		return {
			ok: false,
			headers: { ...headers, 'Retry-After': String(ttl > 0 ? ttl : 60) },
			body: { msg: 'Rate limit exceeded. Try again later.', retryAfter: ttl },
		};
	}

	snapshot() {
		return {
			apiLimit: this.apiLimit,
			hourlyLimit: this.hourlyLimit,
			minute: Object.fromEntries(this.minute),
			hourly: Object.fromEntries(this.hourly),
		};
	}
}
