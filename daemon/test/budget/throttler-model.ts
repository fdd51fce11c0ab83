/**
 * A server-side rate limiter model for the pure limiter tests (docs/daemon.md, What the server counts,
 * docs/postfast-api.md, Throttler algorithm): NestJS throttler named windows, per endpoint, either the Redis storage
 * (fixed window from the first hit, blocked calls still counted, block = ttl) or the in-memory one
 * (sliding log, blocked calls not counted). The real emulators are exercised in api/*.test.ts.
 */
export interface ModelWindow {
	name: string;
	limit: number;
	windowMs: number;
}

export type ModelKind = 'fixed' | 'sliding';

export class ThrottlerModel {
	rejections = 0;
	private readonly fixed = new Map<string, { count: number; end: number; blockEnd: number }>();
	private readonly sliding = new Map<string, { hits: number[]; blockEnd: number }>();

	constructor(
		private readonly kind: ModelKind,
		private readonly windowsFor: (endpoint: string) => ModelWindow[],
	) {}

	hit(endpoint: string, t: number): { status: number; headers: Record<string, string> } {
		const headers: Record<string, string> = {};
		const windows = [...this.windowsFor(endpoint)].sort((a, b) => a.windowMs - b.windowMs);
		for (const w of windows) {
			const id = `${endpoint}|${w.name}`;
			const suffix = w.name === 'default' ? '' : `-${w.name}`;
			if (this.kind === 'fixed') {
				let s = this.fixed.get(id);
				if (!s || t >= s.end) {
					s = { count: 0, end: t + w.windowMs, blockEnd: s?.blockEnd ?? 0 };
					this.fixed.set(id, s);
				}
				s.count++;
				if (s.blockEnd > t || s.count > w.limit) {
					if (s.blockEnd <= t) s.blockEnd = t + w.windowMs;
					headers[`retry-after${suffix}`] = String(Math.ceil((s.blockEnd - t) / 1000));
					this.rejections++;
					return { status: 429, headers };
				}
				headers[`x-ratelimit-limit${suffix}`] = String(w.limit);
				headers[`x-ratelimit-remaining${suffix}`] = String(Math.max(0, w.limit - s.count));
				headers[`x-ratelimit-reset${suffix}`] = String(Math.ceil((s.end - t) / 1000));
			} else {
				let s = this.sliding.get(id);
				if (!s) {
					s = { hits: [], blockEnd: 0 };
					this.sliding.set(id, s);
				}
				s.hits = s.hits.filter((h) => h + w.windowMs > t);
				if (s.blockEnd > t || s.hits.length >= w.limit) {
					if (s.blockEnd <= t) {
						s.blockEnd = t + w.windowMs;
						s.hits = [];
					}
					headers[`retry-after${suffix}`] = String(Math.ceil((s.blockEnd - t) / 1000));
					this.rejections++;
					return { status: 429, headers };
				}
				s.hits.push(t);
				headers[`x-ratelimit-limit${suffix}`] = String(w.limit);
				headers[`x-ratelimit-remaining${suffix}`] = String(w.limit - s.hits.length);
				headers[`x-ratelimit-reset${suffix}`] = String(
					Math.ceil((s.hits[0] + w.windowMs - t) / 1000),
				);
			}
		}
		return { status: 200, headers };
	}
}

/** Deterministic PRNG (mulberry32) so a failing run can be replayed. */
export function rng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
