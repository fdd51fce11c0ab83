/**
 * Persisted multi-window rate budgets per API key (docs/daemon.md, Limiter specification), in the daemon's SQLite
 * database. Its tables are created by state/budget-tables.ts.
 *
 * Life of a call: `reserve` (every window the call touches, for a whole multi-call sequence, in one
 * transaction) → send → `record` (the hit is anchored at response arrival; rate headers teach us
 * about other clients of the key; a 429 freezes the key) — or `release` for calls never sent.
 */
import { randomUUID } from 'node:crypto';
import { forecast, forecastOne } from './forecast';
import { BudgetLedger } from './ledger';
import { freeze, learn } from './learning';
import type { Service } from './limits';
import { status } from './report';
import type {
	CallSpec,
	Need,
	Observation,
	Reservation,
	ReserveResult,
	WindowStatus,
} from './types';
import { accountFits, earliestAccountFit, earliestFit, insertSorted } from './window';

type Refusal = Extract<ReserveResult, { ok: false }>;

/** What holds a reservation back so far: the latest time any window allows, and which. */
interface Gate {
	notBefore: number;
	gating: string;
	bucket?: string;
	reason: 'window' | 'frozen' | 'in-flight';
}

/** A need that fits, with the anchors its account-cap posts get (NaN: the send time). */
interface Fit {
	need: Need;
	anchors: number[];
}

export class Budgets extends BudgetLedger {
	/**
	 * Reserves a slot in every window the calls touch, as one transaction. The calls may then be
	 * sent one after another (their slots stay held until `record`), or given back with `release`.
	 */
	reserve(keyId: string, calls: CallSpec[], opts: { probe?: boolean } = {}): ReserveResult {
		return this.db
			.transaction((): ReserveResult => {
				const now = this.opts.now();
				const frozen = this.stmt.freezeGet.get(keyId);
				const gate: Gate =
					frozen && frozen.until > now
						? {
								notBefore: frozen.until,
								gating: `key frozen after a 429 (${frozen.reason})`,
								reason: 'frozen',
							}
						: { notBefore: now, gating: '', reason: 'window' };
				const fits: Fit[] = [];
				for (const need of this.needsFor(keyId, calls)) {
					const fit =
						need.rule.partition === 'account'
							? this.fitAccount(keyId, need, now, gate)
							: this.fitWindow(keyId, need, now, gate, opts.probe === true);
					if ('ok' in fit) return fit;
					fits.push(fit);
				}
				if (gate.notBefore > now)
					return {
						ok: false,
						notBefore: gate.notBefore,
						gating: gate.gating,
						reason: gate.reason,
						...(gate.reason === 'window' ? { bucket: gate.bucket } : {}),
					};
				return { ok: true, reservation: this.hold(keyId, calls, fits, now) };
			})
			.immediate();
	}

	/**
	 * An account's cap (posts per day): a post with a fixed publish time must fit at that time, or
	 * the answer is `account-cap` with the earliest time that fits; a post sent now waits (`gate`)
	 * until the account has room.
	 */
	private fitAccount(keyId: string, need: Need, now: number, gate: Gate): Fit | Refusal {
		const W = this.windowOf(need.rule);
		const account = need.bucket.split('@')[1];
		if (need.units > need.rule.limit) {
			return {
				ok: false,
				notBefore: Number.POSITIVE_INFINITY,
				gating: `${need.rule.label}: one request carries ${need.units} posts for account ${account}; split them over several requests`,
				reason: 'impossible',
			};
		}
		const fixed = need.anchors.filter((a): a is number => a !== undefined);
		const lower = Math.min(now, ...fixed) - W;
		const posts = this.loadLog(keyId, need.bucket, W, lower).hits;
		const anchors: number[] = [];
		for (const a of need.anchors) {
			if (a !== undefined) {
				if (!accountFits(posts, need.rule.limit, W, a)) {
					return {
						ok: false,
						notBefore: now,
						gating: `${need.rule.label}: account ${account} is full at the requested publish time`,
						reason: 'account-cap',
						publishNotBefore: earliestAccountFit(posts, need.rule.limit, W, a),
					};
				}
				insertSorted(posts, a);
				anchors.push(a);
			} else {
				const at = earliestAccountFit(posts, need.rule.limit, W, now);
				if (at > gate.notBefore) {
					gate.notBefore = at;
					gate.gating = `${need.rule.label}: account ${account}`;
					gate.reason = 'window';
				}
				insertSorted(posts, Math.max(at, now));
				anchors.push(Number.NaN);
			}
		}
		return { need, anchors };
	}

	/** A rate window: the calls fit now, later (`gate`), after calls in flight, or never. */
	private fitWindow(
		keyId: string,
		need: Need,
		now: number,
		gate: Gate,
		probe: boolean,
	): Fit | Refusal {
		const W = this.windowOf(need.rule);
		const log = this.loadLog(keyId, need.bucket, W, now);
		const cap = this.capacity(keyId, need.rule, need.bucket, log, now, need.units);
		const fit = earliestFit(
			log,
			cap,
			W,
			need.units,
			now,
			this.tailOf(need.rule, keyId, need.bucket),
		);
		if (fit.kind === 'impossible') {
			return {
				ok: false,
				notBefore: Number.POSITIVE_INFINITY,
				gating: `${need.rule.label}: ${need.units} calls can never fit a window of ${Math.max(0, cap)}; split the work into smaller sequences`,
				reason: 'impossible',
			};
		}
		if (fit.kind === 'in-flight') {
			const at = now + this.opts.inFlightRetryMs;
			if (at > gate.notBefore) {
				gate.notBefore = at;
				gate.gating = `${need.rule.label}: waiting for ${log.inFlight} call(s) in flight`;
				gate.reason = 'in-flight';
			}
		} else if (fit.at > gate.notBefore) {
			gate.notBefore = fit.at;
			gate.gating = need.rule.label;
			gate.reason = 'window';
			gate.bucket = need.bucket;
		} else if (probe && this.staleTailBurst(keyId, need, log, cap, fit.at)) {
			return {
				ok: false,
				notBefore: now,
				gating: `${need.rule.label}: ${need.units} calls at once in the paced tail; fewer first, to read what other clients spent`,
				reason: 'probe',
			};
		}
		return { need, anchors: [] };
	}

	/** Holds the slots: one pending row per call (or post) in every log it counts in. */
	private hold(keyId: string, calls: CallSpec[], fits: Fit[], now: number): Reservation {
		const reservation: Reservation = { id: randomUUID(), keyId, calls, reservedAt: now };
		for (const { need, anchors } of fits) {
			need.callIndexes.forEach((callIndex, i) => {
				const fixed = need.rule.partition === 'account' && !Number.isNaN(anchors[i]);
				const at = need.rule.partition === 'account' ? (fixed ? anchors[i] : now) : null;
				this.stmt.insert.run(
					keyId,
					need.bucket,
					at,
					'pending',
					reservation.id,
					callIndex,
					fixed ? 1 : 0,
				);
			});
		}
		return reservation;
	}

	/**
	 * Records the answer (or the give-up) of call `callIndex` of a reservation: the hit is anchored at
	 * `receivedAt`; rate headers lower local capacity when another client shares the key; a 429
	 * freezes the key until its Retry-After.
	 */
	record(reservation: Reservation, callIndex: number, observation: Observation): void {
		this.db.transaction(() => {
			const { keyId } = reservation;
			const call = reservation.calls[callIndex];
			if (!call)
				throw new Error(`Budgets.record: reservation ${reservation.id} has no call ${callIndex}.`);
			const status = observation.status;
			for (const row of this.stmt.pendingOf.all(reservation.id, callIndex)) {
				if (this.isAccountBucket(keyId, row.bucket)) {
					// A refused create published nothing; anything else may have.
					if (status >= 400 && status < 500) this.stmt.remove.run(row.id);
					else
						this.stmt.finish.run(row.fixed_anchor === 1 ? row.at : observation.receivedAt, row.id);
				} else {
					this.stmt.finish.run(observation.receivedAt, row.id);
				}
			}
			learn(this, keyId, call, observation);
			if (status === 429) freeze(this, keyId, call, observation);
			if (++this.recordsSincePrune >= 200) this.prune();
		})();
	}

	/** Counts a call made without a reservation (a doctor check, a one-off) as answered. */
	recordUnreserved(keyId: string, call: CallSpec, observation: Observation): void {
		this.db.transaction(() => {
			for (const need of this.needsFor(keyId, [call])) {
				for (const anchor of need.anchors) {
					this.stmt.insert.run(
						keyId,
						need.bucket,
						anchor ?? observation.receivedAt,
						'hit',
						null,
						null,
						anchor === undefined ? 0 : 1,
					);
				}
			}
			learn(this, keyId, call, observation);
			if (observation.status === 429) freeze(this, keyId, call, observation);
		})();
	}

	/** Gives back the slots of calls that were never sent. Calls already sent must be `record`ed first. */
	release(reservation: Reservation): void {
		this.stmt.release.run(reservation.id);
	}

	/** Every budget of a key: used, in flight, remaining and next-free time per window. */
	status(keyId: string, service?: Service): WindowStatus[] {
		return status(this, keyId, service);
	}

	/** Send times for a queue of call sequences (see forecast.ts). */
	plan(keyId: string, sequences: CallSpec[][]): Array<{ at: number; gating?: string }> {
		return forecast(this, keyId, sequences);
	}

	/**
	 * When `calls` could be sent if `queuedAhead` (sequences, or a count of sequences like `calls`)
	 * goes first, and which budget decides it.
	 */
	eta(
		keyId: string,
		calls: CallSpec[],
		queuedAhead: CallSpec[][] | number = [],
	): { at: number; gating?: string } {
		return forecastOne(this, keyId, calls, queuedAhead);
	}
}
