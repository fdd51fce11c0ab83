/**
 * Local times in a zone, one rule for sidecars, CSV rows and an edited "when" read by retry: a time
 * the clock skips (DST gap) is refused with the fix, a time it shows twice (fall-back) is the first.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateSidecar } from '../src/sidecar/resolve';
import { When } from '../src/sidecar/schema';
import { zonedTime } from '../src/sidecar/zoned-time';
import { makeEnv } from './helpers';

const ZONES = [
	'Europe/Berlin',
	'Pacific/Auckland',
	'America/New_York',
	'America/Sao_Paulo',
	'Australia/Lord_Howe',
	'Asia/Kolkata',
	'America/St_Johns',
	'Pacific/Chatham',
	'Europe/London',
	'UTC',
];

/** What the clock in `tz` shows at `ms`, as "YYYY-MM-DD HH:mm". */
function wallOf(ms: number, tz: string): string {
	const p = Object.fromEntries(
		new Intl.DateTimeFormat('en-US', {
			timeZone: tz,
			hourCycle: 'h23',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
		})
			.formatToParts(new Date(ms))
			.map((x) => [x.type, x.value]),
	);
	return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

describe('local times in a zone', () => {
	it('a time skipped by the clocks going forward is refused with the fix, in a sidecar too', () => {
		for (const [local, tz, after] of [
			['2027-03-28 02:30', 'Europe/Berlin', '2027-03-28 03:30'],
			['2027-09-26 02:30', 'Pacific/Auckland', '2027-09-26 03:30'],
			['2027-03-14 02:00', 'America/New_York', '2027-03-14 03:00'],
		]) {
			expect(zonedTime(local, tz)).toEqual({ ok: false, after });
			const r = When.safeParse({ local, tz });
			expect(r.success).toBe(false);
			expect(r.error!.issues[0].message).toBe(
				`that time does not exist in ${tz} on that day (clocks go forward and skip it); give a time the clock shows, e.g. "${after}"`,
			);
		}
		const { loaded } = makeEnv();
		const v = validateSidecar(
			{
				version: 1,
				text: 'hi',
				targets: ['acme-x'],
				when: { local: '2027-03-28 02:30', tz: 'Europe/Berlin' },
			},
			[],
			loaded.config,
		);
		expect(v.ok).toBe(false);
		if (!v.ok)
			expect(v.issues[0].message).toMatch(
				/does not exist in Europe\/Berlin on that day \(clocks go forward/,
			);
		// The minutes either side exist.
		expect(zonedTime('2027-03-28 01:59', 'Europe/Berlin')).toMatchObject({ ok: true });
		expect(zonedTime('2027-03-28 03:00', 'Europe/Berlin')).toMatchObject({
			ok: true,
			at: Date.parse('2027-03-28T01:00:00Z'),
		});
	});

	it('a time shown twice (clocks go back) is the first of the two, in every zone', () => {
		// Berlin 2027-10-31: 02:30 CEST (00:30Z) then 02:30 CET (01:30Z).
		expect(zonedTime('2027-10-31 02:30', 'Europe/Berlin')).toEqual({
			ok: true,
			at: Date.parse('2027-10-31T00:30:00Z'),
			ambiguous: true,
		});
		// New York 2027-11-07: 01:30 EDT (05:30Z) then 01:30 EST (06:30Z).
		expect(zonedTime('2027-11-07 01:30', 'America/New_York')).toEqual({
			ok: true,
			at: Date.parse('2027-11-07T05:30:00Z'),
			ambiguous: true,
		});
		// Auckland 2027-04-04: 02:30 NZDT (13:30Z the day before) then 02:30 NZST (14:30Z).
		expect(zonedTime('2027-04-04 02:30', 'Pacific/Auckland')).toEqual({
			ok: true,
			at: Date.parse('2027-04-03T13:30:00Z'),
			ambiguous: true,
		});
	});

	it('property: every instant round-trips through its wall time; a repeated one gives the earlier instant', () => {
		fc.assert(
			fc.property(
				fc.constantFrom(...ZONES),
				fc.integer({
					min: Date.parse('2000-01-01T00:00:00Z') / 60_000,
					max: Date.parse('2060-01-01T00:00:00Z') / 60_000,
				}),
				(tz, minute) => {
					const at = minute * 60_000;
					const wall = wallOf(at, tz);
					const r = zonedTime(wall, tz);
					expect(r.ok).toBe(true);
					if (!r.ok) return;
					expect(wallOf(r.at, tz)).toBe(wall);
					expect(r.at).toBeLessThanOrEqual(at);
					if (r.at !== at) expect(r.ambiguous).toBe(true);
				},
			),
			{ numRuns: 300 },
		);
	});

	it('property: a wall time is refused exactly when no instant shows it (checked by brute force)', () => {
		// Around the transitions, where gaps are: the last Sundays of March/October and the NZ/US dates.
		fc.assert(
			fc.property(
				fc.constantFrom(...ZONES),
				fc.constantFrom(
					'2027-03-14',
					'2027-03-28',
					'2027-09-26',
					'2027-10-03',
					'2027-10-31',
					'2027-04-04',
					'2027-11-07',
					'2027-06-01',
				),
				fc.integer({ min: 0, max: 23 }),
				fc.constantFrom(0, 15, 30, 45),
				(tz, day, h, m) => {
					const wall = `${day} ${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
					const asUtc = Date.parse(`${day}T${wall.slice(11)}:00Z`);
					// Every offset from -14 h to +14 h in 15-minute steps.
					const shows = [];
					for (let o = -14 * 60; o <= 14 * 60; o += 15) {
						const at = asUtc - o * 60_000;
						if (wallOf(at, tz) === wall) shows.push(at);
					}
					const r = zonedTime(wall, tz);
					if (shows.length === 0) expect(r.ok).toBe(false);
					else expect(r).toEqual({ ok: true, at: Math.min(...shows), ambiguous: shows.length > 1 });
				},
			),
			{ numRuns: 300 },
		);
	});
});
