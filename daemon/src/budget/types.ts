/**
 * The budget module's vocabulary: a call as the budgets see it, a reservation, the answer of
 * `reserve`, what `record` learns from a response, and one window as `status` reports it.
 */
import type { ApiResult } from '../api/http';
import type { HeaderBag } from '../../../contract/errors';
import type { BudgetRule, LimitTable, Service } from './limits';

export interface CallSpec {
	service: Service;
	/** Endpoint id as the clients name it (`POST /social-posts`, `DELETE /posts/:id`). */
	endpoint: string;
	/**
	 * Posts this call publishes, for per-account caps (one entry per post). `publishAt` (epoch ms)
	 * anchors the post at its scheduled time; without it the post counts at send time.
	 */
	accounts?: Array<{ id: string; platform: string; publishAt?: number }>;
}

export interface Reservation {
	id: string;
	keyId: string;
	calls: CallSpec[];
	reservedAt: number;
}

export type ReserveResult =
	| { ok: true; reservation: Reservation }
	| {
			ok: false;
			/** Ask again at this time (epoch ms; Infinity when the calls can never fit as given). */
			notBefore: number;
			/** The budget that holds the call back, in words. */
			gating: string;
			/**
			 * `probe`: the calls fit, but as a burst in the paced tail of a window whose rate headers
			 * were last read long ago; send fewer calls first (their answer shows what any other client
			 * of the key spent meanwhile). Only asked for with `{ probe: true }`.
			 */
			reason: 'window' | 'frozen' | 'in-flight' | 'account-cap' | 'impossible' | 'probe';
			/** For `window`: the log that holds the calls back (see `bucketsOf`). */
			bucket?: string;
			/** For `account-cap` with fixed publish times: the earliest publish time that fits. */
			publishNotBefore?: number;
	  };

export interface Observation {
	receivedAt: number;
	/** HTTP status; 0 when no response arrived (count it at the moment the client gave up). */
	status: number;
	headers: HeaderBag;
	/** From the normalised error, when the caller has it (includes PostSider's body `retryAfter`). */
	retryAfterMs?: number;
}

/** What `record` needs from a client result: `budgets.record(r, i, observationOf(result))`. */
export function observationOf(result: ApiResult<unknown>): Observation {
	if (result.ok)
		return { receivedAt: result.receivedAt, status: result.status, headers: result.headers };
	return {
		receivedAt: result.receivedAt,
		status: result.error.status,
		headers: result.headers,
		...(result.error.retryAfterMs !== undefined ? { retryAfterMs: result.error.retryAfterMs } : {}),
	};
}

export interface WindowStatus {
	/** Database id of the log: rule id, plus `@endpoint` or `@account` for partitioned rules. */
	bucket: string;
	rule: string;
	label: string;
	service: Service;
	endpoint?: string;
	account?: string;
	limit: number;
	/** Limit in force after learned values, reserves and headroom. */
	effectiveLimit: number;
	windowMs: number;
	/** Answered calls inside the window (ours plus other clients' seen through headers). */
	used: number;
	/** Calls reserved but not answered yet. */
	inFlight: number;
	/** Of `used`, hits learned from headers: another client shares the key. */
	external: number;
	remaining: number;
	/** When the next call fits (now if it fits now). */
	nextFreeAt: number;
	frozenUntil?: number;
}

export interface BudgetsOptions {
	now(): number;
	limits: LimitTable;
	/** Per-key tables (a key on another PostFast profile or PostSider API_LIMIT). */
	limitsForKey?(keyId: string): LimitTable | undefined;
	/** Milliseconds added to every window. Default 0: receive-anchoring is exact (docs/daemon.md, Receive-anchoring). */
	marginMs?: number;
	/** Slots held back in every window. Default 0. */
	marginSlots?: number;
	/**
	 * Tail pacing of long windows, so that another client of the key (the n8n node, a script) still
	 * finds room and is noticed through the rate headers before the window is spent: a window of at
	 * least `minWindowMs` is used freely up to `tailFraction` of its capacity, and the rest is spread
	 * over the last (1 − tailFraction) of the window, when the headers have shown what the other
	 * client spends. Alone on the key, the whole window is still spent within its length.
	 * `false` turns it off. Default { tailFraction: 0.76, minWindowMs: 1 h }: room for a client spending up
	 * to 24% of a window.
	 */
	pacing?: { tailFraction: number; minWindowMs: number } | false;
	/** Default freeze after a 429 without any Retry-After. Default 60 s. */
	freezeFallbackMs?: number;
	/** In the planner: assumed time from send to response. Default 1 s. */
	assumedLatencyMs?: number;
	/** When in-flight calls hold a window: how long to wait before asking again. Default 1 s. */
	inFlightRetryMs?: number;
	/**
	 * Settle calls a previous process left in flight as answered now (default true). Only the process
	 * that sends the calls may do this: pass false for read-only views of a live database, or they
	 * would anchor a running daemon's in-flight calls too early.
	 */
	recoverInFlight?: boolean;
}

/** What one reservation needs of one log: its rule, and the calls (or posts) that count there. */
export interface Need {
	rule: BudgetRule;
	bucket: string;
	/** Calls (API windows) or posts (account caps). */
	units: number;
	/** Account caps: the post's anchor per unit (undefined = send time). */
	anchors: Array<number | undefined>;
	callIndexes: number[];
}
