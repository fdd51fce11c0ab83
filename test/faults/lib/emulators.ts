/**
 * The emulators as the fault suite and the benchmarks use them: started in-process on 127.0.0.1,
 * with their clock kept in step with real time (the daemon child process runs on the real clock),
 * plus helpers that read what they hold: every post created, every 429 answered, every secret
 * they know (API keys, the fake OAuth tokens) so the artifacts can be scanned for them.
 */
import { join } from 'node:path';

export interface EmulatorClock {
	now(): number;
	advance(ms: number): void;
	set(ms: number): void;
}

export interface FaultSpec {
	method?: string;
	path: string | RegExp;
	kind: 'status' | 'latency' | 'reset' | 'hang' | 'slow-body';
	status?: number;
	body?: unknown;
	headers?: Record<string, string>;
	delayMs?: number;
	times?: number;
	/** Matching requests let through before the fault starts hitting. */
	skip?: number;
}

export interface LoggedRequest {
	at: number;
	method: string;
	path: string;
	query?: unknown;
	headers?: Record<string, unknown>;
	body?: unknown;
	status: number;
}

export interface Emulator {
	origin: string;
	baseUrl: string;
	apiKey: string;
	apiKeys?: unknown;
	clock: EmulatorClock;
	faults: { add(f: FaultSpec): unknown; clear(): void };
	requests: LoggedRequest[];
	store: unknown;
	reset(): void;
	close(): Promise<void>;
}

export interface EmulatorModule {
	startPostSider(o?: {
		apiLimit?: number;
		uploadFromUrlAllow?: (url: string) => boolean;
		clock?: 'manual' | 'real';
		now?: number;
	}): Promise<Emulator>;
	startPostFast(o?: {
		profile?: 'vendor' | 'current';
		clock?: 'manual' | 'real';
		now?: number;
	}): Promise<Emulator>;
}

/** The emulators' entry point, or why it cannot be loaded (so a benchmark can say "not measured"). */
export async function loadEmulators(): Promise<
	{ ok: true; mod: EmulatorModule } | { ok: false; reason: string }
> {
	const candidates = [
		join(__dirname, '../../../emulators/src/index'),
		join(__dirname, '../../../emulators/dist/emulators/src/index.js'),
	];
	const errors: string[] = [];
	for (const path of candidates) {
		try {
			const mod = (await import(path)) as Partial<EmulatorModule> & {
				default?: Partial<EmulatorModule>;
			};
			const m = mod.startPostSider ? mod : mod.default;
			if (m?.startPostSider && m.startPostFast) return { ok: true, mod: m as EmulatorModule };
			errors.push(`${path}: no startPostSider/startPostFast export`);
		} catch (err) {
			errors.push(`${path}: ${(err as Error).message.split('\n')[0]}`);
		}
	}
	return { ok: false, reason: `the emulators cannot be loaded (${errors.join('; ')})` };
}

/**
 * Keeps an emulator's virtual clock on real time (the daemon child uses Date.now for its budgets
 * and schedule times). Returns a stop function.
 */
export function followRealTime(...emulators: Emulator[]): () => void {
	const tick = () => {
		for (const e of emulators)
			if (Math.abs(e.clock.now() - Date.now()) > 5) e.clock.set(Date.now());
	};
	tick();
	const timer = setInterval(tick, 50);
	timer.unref();
	return () => clearInterval(timer);
}

/** Every value of a Map, array or plain object. */
function valuesOf(x: unknown): unknown[] {
	if (x instanceof Map) return [...x.values()];
	if (Array.isArray(x)) return x;
	if (x && typeof x === 'object') return Object.values(x);
	return [];
}

/** The posts an emulator holds, whatever container its store uses (`posts`, `socialPosts`). */
export function storedPosts(e: Emulator): Array<Record<string, unknown>> {
	const store = e.store as Record<string, unknown>;
	for (const name of ['posts', 'socialPosts', 'social_posts']) {
		if (store && store[name] !== undefined)
			return valuesOf(store[name]).filter(
				(p): p is Record<string, unknown> => !!p && typeof p === 'object',
			);
	}
	throw new Error(
		`the emulator store has no posts collection (keys: ${Object.keys(store ?? {}).join(', ')}); update storedPosts() in test/faults/lib/emulators.ts`,
	);
}

/** Posts that are not deleted (PostSider soft-deletes with deletedAt). */
export function livePosts(e: Emulator): Array<Record<string, unknown>> {
	return storedPosts(e).filter((p) => !p.deletedAt);
}

/** How many live posts contain each marker (a unique token the test wrote into the post text). */
export function countMarkers(e: Emulator, markers: string[]): Map<string, number> {
	const counts = new Map(markers.map((m) => [m, 0]));
	const re = /\bM[0-9a-z]{6,}Z\b/g;
	for (const p of livePosts(e)) {
		const text = JSON.stringify(p);
		for (const m of new Set(text.match(re) ?? []))
			if (counts.has(m)) counts.set(m, counts.get(m)! + 1);
	}
	return counts;
}

export function statusCount(e: Emulator, status: number): number {
	return e.requests.filter((r) => r.status === status).length;
}

/** Strings an artifact must never contain: API keys and every token-like value in the store. */
export function secretsOf(...emulators: Emulator[]): string[] {
	const out = new Set<string>();
	const walk = (x: unknown, key: string, depth: number) => {
		if (depth > 8 || x == null) return;
		if (typeof x === 'string') {
			// `key` alone is an S3 object key or similar, not a secret: only these names hold credentials.
			if (/token|secret|api.?key|password/i.test(key) && !/expir/i.test(key) && x.length >= 8)
				out.add(x);
			return;
		}
		if (typeof x !== 'object') return;
		if (x instanceof Map) for (const [k, v] of x) walk(v, String(k), depth + 1);
		else for (const [k, v] of Object.entries(x as object)) walk(v, k, depth + 1);
	};
	for (const e of emulators) {
		out.add(e.apiKey);
		walk(e.apiKeys, 'apiKeys', 0);
		walk(e.store, 'store', 0);
	}
	return [...out].filter((s) => s.length >= 8);
}
