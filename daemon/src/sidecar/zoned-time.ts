/**
 * Wall-clock times in an IANA zone (`{"local": "2027-03-28 09:00", "tz": "Europe/Berlin"}`) to
 * instants, by one rule for sidecars, CSV rows and an edited "when" read by `retry`:
 * - a time the zone skips (clocks go forward) does not exist: refused, never moved;
 * - a time the zone has twice (clocks go back) is the FIRST of the two, the earlier instant, still
 *   on the offset before the change (as Temporal's "compatible" and java.time do).
 */

/** Offset of `tz` at instant `ms`, in ms (local = utc + offset). */
function zoneOffset(ms: number, tz: string): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone: tz,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
	}).formatToParts(new Date(ms));
	const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
	const asUtc = Date.UTC(
		get('year'),
		get('month') - 1,
		get('day'),
		get('hour'),
		get('minute'),
		get('second'),
	);
	return asUtc - Math.floor(ms / 1000) * 1000;
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{1,2}):(\d{2})(?::(\d{2}))?$/;
const DAY = 86_400_000;

export type ZonedTime =
	| { ok: true; at: number; ambiguous: boolean }
	/** Skipped by a clock change; `after` is the wall time the same span later ("YYYY-MM-DD HH:mm"). */
	| { ok: false; after: string };

/** The instant(s) a wall time has in `tz`: none (a gap), one, or two (the earlier one is taken). */
export function zonedTime(local: string, tz: string): ZonedTime {
	const m = LOCAL.exec(local);
	if (!m) throw new Error(`not a local time: ${local}`);
	const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0));
	// Offsets a day either side: no zone changes its clock twice within two days.
	const before = zoneOffset(wall - DAY, tz);
	const after = zoneOffset(wall + DAY, tz);
	const candidates = [...new Set([wall - before, wall - after])]
		.filter((at) => at + zoneOffset(at, tz) === wall)
		.sort((a, b) => a - b);
	if (candidates.length === 0) {
		const moved = new Date(wall + Math.abs(after - before)).toISOString();
		return { ok: false, after: `${moved.slice(0, 10)} ${moved.slice(11, 16)}` };
	}
	return { ok: true, at: candidates[0], ambiguous: candidates.length > 1 };
}

/** Why a wall time cannot be used in `tz`, with the fix; undefined when it exists. */
export function zonedTimeProblem(local: string, tz: string): string | undefined {
	const r = zonedTime(local, tz);
	if (r.ok) return undefined;
	return `that time does not exist in ${tz} on that day (clocks go forward and skip it); give a time the clock shows, e.g. "${r.after}"`;
}

/** A wall time in an IANA zone → epoch ms (checked first by `zonedTimeProblem`). */
export function zonedToInstant(local: string, tz: string): number {
	const r = zonedTime(local, tz);
	if (!r.ok) throw new Error(`${local} ${zonedTimeProblem(local, tz)}`);
	return r.at;
}
