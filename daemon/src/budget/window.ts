/**
 * The sliding-log arithmetic, pure and in memory, shared by live reservations and by the planner's
 * simulation (docs/daemon.md, Receive-anchoring; Limiter specification).
 *
 * Anchoring: a finished call is a hit at the time its RESPONSE arrived, a new call is checked at the
 * time it is SENT, and an in-flight (reserved, unanswered) call counts as a hit in every window
 * until it is answered. The server saw the earlier request no later than its response arrived, and
 * sees the new one no earlier than it is sent, so "send only if at most L−1 hits arrived in the last
 * W" keeps every server window of length W — sliding or fixed, any phase — at L or below.
 */

/** One log: finished hit times, ascending, plus the count of in-flight calls. */
export interface LogState {
	hits: number[];
	inFlight: number;
}

export type EarliestResult =
	| { kind: 'at'; at: number }
	/** In-flight calls hold the slots; ask again when they are answered. */
	| { kind: 'in-flight' }
	/** `need` exceeds the window's capacity: it can never fit. */
	| { kind: 'impossible' };

/**
 * Earliest time ≥ `from` at which `need` more calls fit a window of `windowMs` holding at most
 * `capacity` calls. `hits` must be ascending.
 *
 * With `tailFraction`, the window is used freely up to that fraction of its capacity; the rest is
 * spread evenly over the last (1 − tailFraction) of the window that began with the oldest hit
 * (tail pacing).
 */
export function earliestFit(
	log: LogState,
	capacity: number,
	windowMs: number,
	need: number,
	from: number,
	tailFraction?: number,
): EarliestResult {
	if (need > capacity) return { kind: 'impossible' };
	// At most `room` finished hits may still be inside the window when the calls go.
	const room = capacity - need - log.inFlight;
	if (room < 0) return { kind: 'in-flight' };
	const n = log.hits.length;
	let at = from;
	// The (room+1)-th most recent hit must have left the window.
	if (n > room) at = Math.max(from, log.hits[n - 1 - room] + windowMs);
	if (tailFraction !== undefined) {
		const active = log.inFlight + activeAt(log.hits, windowMs, at);
		if (active + need > Math.floor(capacity * tailFraction)) {
			// Oldest hit still inside the window at `at`, and the newest one (in-flight calls: now).
			let oldest = n > 0 && log.hits[n - 1] + windowMs > at ? log.hits[n - 1] : from;
			for (let i = n - 1; i >= 0 && log.hits[i] + windowMs > at; i--) oldest = log.hits[i];
			const newest =
				log.inFlight > 0 || n === 0 ? Math.max(from, log.hits[n - 1] ?? from) : log.hits[n - 1];
			// The tail goes in the last part of the window: by then the rate headers have shown what
			// any other client of the key spends, and little of the window is left for it to spend.
			const start = Math.max(newest, oldest + windowMs * tailFraction);
			const left = Math.max(1, capacity - active);
			const gap = Math.max(0, oldest + windowMs - start) / (left + 1);
			at = Math.max(at, start + gap);
		}
	}
	return { kind: 'at', at };
}

/** Hits inside (t − windowMs, t]: how many slots a window ending at `t` uses. */
export function activeAt(hits: number[], windowMs: number, t: number): number {
	let count = 0;
	for (let i = hits.length - 1; i >= 0; i--) {
		const h = hits[i];
		if (h > t) continue;
		if (h + windowMs <= t) break;
		count++;
	}
	return count;
}

/** Inserts keeping ascending order (appends in the common case). */
export function insertSorted(hits: number[], t: number): void {
	let i = hits.length;
	while (i > 0 && hits[i - 1] > t) i--;
	hits.splice(i, 0, t);
}

/**
 * Per-account caps are about published posts, whose times may lie in the future and arrive out of
 * order: a new post at `t` fits when every window of length `windowMs` that contains `t` holds fewer
 * than `cap` posts.
 */
export function accountFits(
	posts: number[],
	cap: number,
	windowMs: number,
	t: number,
	adding = 1,
): boolean {
	const near = posts.filter((p) => p > t - windowMs && p < t + windowMs).sort((a, b) => a - b);
	if (near.length + adding <= cap) return true;
	// Windows [s, s + W) containing t start in (t − W, t]. Sliding s forward, the count only grows
	// when a post q enters (s = q − W + 1), so those starts plus the first one cover every maximum.
	const starts = [t - windowMs + 1, ...near.filter((q) => q >= t).map((q) => q - windowMs + 1)];
	for (const s of starts) {
		let count = 0;
		for (const p of near) if (p >= s && p < s + windowMs) count++;
		if (count + adding > cap) return false;
	}
	return true;
}

/** Earliest time ≥ `from` at which a post fits the account cap. */
export function earliestAccountFit(
	posts: number[],
	cap: number,
	windowMs: number,
	from: number,
): number {
	if (cap < 1) return Number.POSITIVE_INFINITY;
	if (accountFits(posts, cap, windowMs, from)) return from;
	const candidates = posts
		.map((p) => p + windowMs)
		.filter((c) => c > from)
		.sort((a, b) => a - b);
	for (const c of candidates) if (accountFits(posts, cap, windowMs, c)) return c;
	return Number.POSITIVE_INFINITY;
}
