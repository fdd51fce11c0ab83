/**
 * The one date reader of both nodes (nodes/shared/dates.ts), property-based: every accepted layout
 * of a wall time reads to the instant that wall time has in the workflow's timezone; a value with
 * an offset keeps its instant whatever the workflow's timezone; day/month order is never guessed.
 * The nodes' own use of it runs against the emulators in test/nodes/{postfast,postsider}.
 */
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';

import { parseDateTime } from '../../../nodes/shared/dates';

const ZONES = [
	'UTC',
	'Europe/Berlin',
	'America/New_York',
	'Asia/Tokyo',
	'Asia/Kolkata',
	'Australia/Adelaide',
	'America/Sao_Paulo',
	'Pacific/Chatham',
];

const zone = fc.constantFrom(...ZONES);
const wallTime = fc.record({
	year: fc.integer({ min: 1971, max: 2099 }),
	month: fc.integer({ min: 1, max: 12 }),
	day: fc.integer({ min: 1, max: 28 }),
	hour: fc.integer({ min: 0, max: 23 }),
	minute: fc.integer({ min: 0, max: 59 }),
	second: fc.integer({ min: 0, max: 59 }),
});
const instant = fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(2099, 11, 31) });

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The layouts a user types or a sheet exports for one wall time. */
function layouts(t: {
	year: number;
	month: number;
	day: number;
	hour: number;
	minute: number;
	second: number;
}): string[] {
	const ymd = `${t.year}-${pad(t.month)}-${pad(t.day)}`;
	const hm = `${pad(t.hour)}:${pad(t.minute)}`;
	const hms = `${hm}:${pad(t.second)}`;
	const withSeconds = [
		`${ymd} ${hms}`,
		`${ymd}T${hms}`,
		`${ymd}T${hms}.000`,
		`${t.year}/${pad(t.month)}/${pad(t.day)} ${hms}`,
		`${pad(t.day)}.${pad(t.month)}.${t.year} ${hms}`,
		`  ${ymd}   ${hms} `,
	];
	const withoutSeconds = [
		`${ymd} ${hm}`,
		`${ymd}T${hm}`,
		`${t.year}/${pad(t.month)}/${pad(t.day)} ${hm}`,
		`${pad(t.day)}.${pad(t.month)}.${t.year} ${hm}`,
	];
	return t.second === 0 ? [...withSeconds, ...withoutSeconds] : withSeconds;
}

describe('parseDateTime', () => {
	it('reads the Sheets/SQL style "2027-01-20 10:00" as wall time in the workflow timezone', () => {
		expect(parseDateTime('2027-01-20 10:00', 'Europe/Berlin')?.toUTC().toISO()).toBe(
			'2027-01-20T09:00:00.000Z',
		);
		expect(parseDateTime('2027-07-20 10:00', 'America/New_York')?.toUTC().toISO()).toBe(
			'2027-07-20T14:00:00.000Z',
		);
	});

	it('every layout of a wall time is the instant that wall time has in the workflow timezone', () => {
		fc.assert(
			fc.property(wallTime, fc.boolean(), zone, (t, onTheMinute, z) => {
				const time = onTheMinute ? { ...t, second: 0 } : t;
				const expected = DateTime.fromObject(time, { zone: z }).toMillis();
				for (const text of layouts(time)) {
					expect(parseDateTime(text, z)?.toMillis(), `${text} in ${z}`).toBe(expected);
				}
			}),
		);
	});

	it('a value with an offset or zone keeps its instant, whatever the workflow timezone', () => {
		const offsetMinutes = fc.integer({ min: -12 * 4, max: 14 * 4 }).map((q) => q * 15);
		fc.assert(
			fc.property(instant, offsetMinutes, zone, zone, (ms, offset, named, workflowZone) => {
				const seconds = Math.floor(ms / 1000) * 1000;
				const fixed = DateTime.fromMillis(seconds, {
					zone: `UTC${offset < 0 ? '-' : '+'}${Math.floor(Math.abs(offset) / 60)}:${pad(Math.abs(offset) % 60)}`,
				});
				const inNamed = DateTime.fromMillis(seconds, { zone: named });
				const texts = [
					new Date(seconds).toISOString(),
					fixed.toISO()!,
					fixed.toISO({ suppressMilliseconds: true })!,
					fixed.toFormat('yyyy-MM-dd HH:mm:ss ZZ'),
					fixed.toRFC2822()!,
					fixed.toHTTP()!,
					`${inNamed.toFormat('yyyy-MM-dd HH:mm:ss')} ${named}`,
				];
				for (const text of texts) {
					expect(parseDateTime(text, workflowZone)?.toMillis(), `${text} in ${workflowZone}`).toBe(
						seconds,
					);
				}
			}),
		);
	});

	it('dates from expressions (luxon, JS Date) and epoch milliseconds keep their instant', () => {
		fc.assert(
			fc.property(instant, zone, zone, (ms, valueZone, workflowZone) => {
				expect(
					parseDateTime(DateTime.fromMillis(ms, { zone: valueZone }), workflowZone)?.toMillis(),
				).toBe(ms);
				expect(parseDateTime(new Date(ms), workflowZone)?.toMillis()).toBe(ms);
				expect(parseDateTime(ms, workflowZone)?.toMillis()).toBe(ms);
			}),
		);
	});

	it('refuses slash dates that put day or month first (01/02/2027 is January or February)', () => {
		fc.assert(
			fc.property(wallTime, zone, (t, z) => {
				const time = `${pad(t.hour)}:${pad(t.minute)}`;
				expect(parseDateTime(`${pad(t.month)}/${pad(t.day)}/${t.year} ${time}`, z)).toBeUndefined();
				expect(parseDateTime(`${t.month}/${t.day}/${t.year}`, z)).toBeUndefined();
			}),
		);
	});

	it('any other text is read or refused, never thrown on, and never read as an invalid date', () => {
		fc.assert(
			fc.property(
				fc.oneof(fc.string(), fc.stringMatching(/^[0-9 :./TZ+-]{0,24}$/)),
				zone,
				(text, z) => {
					const date = parseDateTime(text, z);
					if (date) expect(date.isValid).toBe(true);
				},
			),
		);
		for (const text of ['', '   ', 'tomorrow', '2027-13-01 10:00', '2027-02-30 10:00', '1']) {
			expect(parseDateTime(text, 'UTC'), text).toBeUndefined();
		}
		expect(parseDateTime(null, 'UTC')).toBeUndefined();
		expect(parseDateTime(undefined, 'UTC')).toBeUndefined();
		expect(parseDateTime(Number.NaN, 'UTC')).toBeUndefined();
	});
});
