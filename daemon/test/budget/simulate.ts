/**
 * Drives `Budgets` against a server model on a virtual clock: jobs are reserved as soon as the
 * limiter allows, each call reaches the server after a random delay and answers after another, and
 * a second (unlimited) client may hit the same key at given times.
 */
import type { Budgets, CallSpec } from '../../src/budget';
import type { ThrottlerModel } from './throttler-model';

export interface SimOptions {
	budgets: Budgets;
	clock: { t: number };
	server: ThrottlerModel;
	keyId: string;
	jobs: number;
	callsFor(job: number): CallSpec[];
	/** One-way delay is uniform in [0, jitterMs]. */
	jitterMs: number;
	rand(): number;
	/** Stop at this time even if jobs remain. */
	until?: number;
	/** The other client: its send times (arrival = send) and endpoint. */
	external?: { times: number[]; endpoint: string };
}

export interface SimResult {
	done: number;
	ours429: number;
	theirs429: number;
	theirsOk: number;
	finishedAt: number;
	/** Send time of each completed job's first call. */
	sendTimes: number[];
}

type Event =
	| { t: number; type: 'arrive'; job: number; call: number; res: ReturnType<Budgets['reserve']> }
	| {
			t: number;
			type: 'respond';
			job: number;
			call: number;
			res: ReturnType<Budgets['reserve']>;
			status: number;
			headers: Record<string, string>;
	  }
	| { t: number; type: 'external' };

export function simulate(o: SimOptions): SimResult {
	const events: Event[] = [];
	const push = (e: Event) => {
		let i = events.length;
		while (i > 0 && events[i - 1].t > e.t) i--;
		events.splice(i, 0, e);
	};
	for (const t of o.external?.times ?? []) push({ t, type: 'external' });
	const result: SimResult = {
		done: 0,
		ours429: 0,
		theirs429: 0,
		theirsOk: 0,
		finishedAt: o.clock.t,
		sendTimes: [],
	};
	let next = 0;
	let notBefore = o.clock.t;
	const until = o.until ?? Number.POSITIVE_INFINITY;
	const sendCall = (job: number, call: number, res: ReturnType<Budgets['reserve']>) =>
		push({ t: o.clock.t + o.rand() * o.jitterMs, type: 'arrive', job, call, res });
	for (;;) {
		while (next < o.jobs && o.clock.t >= notBefore && o.clock.t < until) {
			const res = o.budgets.reserve(o.keyId, o.callsFor(next));
			if (!res.ok) {
				notBefore = Number.isFinite(res.notBefore) ? res.notBefore : until;
				break;
			}
			result.sendTimes.push(o.clock.t);
			sendCall(next, 0, res);
			next++;
		}
		const pendingOurs = events.some((e) => e.type !== 'external');
		const candidates = [events[0]?.t ?? Number.POSITIVE_INFINITY];
		if (next < o.jobs) candidates.push(Math.max(notBefore, o.clock.t));
		const t = Math.min(...candidates);
		if (!Number.isFinite(t) || (t >= until && !pendingOurs)) break;
		o.clock.t = Math.max(o.clock.t, t);
		while (events.length > 0 && events[0].t <= o.clock.t) {
			const e = events.shift()!;
			if (e.type === 'external') {
				const r = o.server.hit(o.external!.endpoint, e.t);
				if (r.status === 429) result.theirs429++;
				else result.theirsOk++;
			} else if (e.type === 'arrive') {
				if (!e.res.ok) continue;
				const endpoint = e.res.reservation.calls[e.call].endpoint;
				const r = o.server.hit(endpoint, e.t);
				push({
					t: e.t + o.rand() * o.jitterMs,
					type: 'respond',
					job: e.job,
					call: e.call,
					res: e.res,
					...r,
				});
			} else {
				if (!e.res.ok) continue;
				o.budgets.record(e.res.reservation, e.call, {
					receivedAt: e.t,
					status: e.status,
					headers: e.headers,
				});
				if (e.status === 429) result.ours429++;
				if (e.call + 1 < e.res.reservation.calls.length) sendCall(e.job, e.call + 1, e.res);
				else {
					result.done++;
					result.finishedAt = e.t;
				}
			}
		}
	}
	return result;
}
