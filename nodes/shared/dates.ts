/**
 * Reading a date parameter, for both nodes. The services want an instant in UTC; users give n8n's
 * date picker, expressions (`$now.plus(…)`, a JS Date) or text from Sheets, SQL, CSV and mail
 * headers. A value with an offset or zone keeps its instant; one without is wall time in the
 * workflow's timezone, as n8n's own date fields read it. `luxon` is provided by the n8n instance
 * (n8n's community-node lint allows it), so this adds no dependency.
 */
import { DateTime } from 'luxon';
import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

/** Day-first and year-first layouts that cannot be mistaken for each other (no `01/02/2027`). */
const EXTRA_FORMATS = [
	'yyyy/MM/dd HH:mm:ss',
	'yyyy/MM/dd HH:mm',
	'yyyy/MM/dd',
	'dd.MM.yyyy HH:mm:ss',
	'dd.MM.yyyy HH:mm',
	'dd.MM.yyyy',
];

/** `1/2/2027`: month-first in the US, day-first elsewhere; refused rather than guessed. */
const AMBIGUOUS_SLASH_DATE = /^\d{1,2}\/\d{1,2}\/\d{2,4}\b/;

/**
 * `value` as a date, or undefined when it is none of the accepted forms. Text without an offset is
 * read in `zone`; numbers are epoch milliseconds.
 */
export function parseDateTime(value: unknown, zone: string): DateTime | undefined {
	let date: DateTime | undefined;
	if (value instanceof Date) date = DateTime.fromJSDate(value);
	else if (DateTime.isDateTime(value)) date = value;
	else if (typeof value === 'number' && Number.isFinite(value)) date = DateTime.fromMillis(value);
	else if (typeof value === 'string') date = parseText(value.trim().replace(/\s+/g, ' '), zone);
	return date?.isValid ? date : undefined;
}

function parseText(text: string, zone: string): DateTime | undefined {
	if (text === '' || AMBIGUOUS_SLASH_DATE.test(text)) return undefined;
	const options = { zone, setZone: true };
	// ISO 8601, then SQL (`2027-01-20 10:00`, `… +01:00`, `… Europe/Paris`), then mail/HTTP headers.
	const parsers = [
		() => DateTime.fromISO(text, options),
		() => DateTime.fromSQL(text, options),
		() => DateTime.fromRFC2822(text, options),
		() => DateTime.fromHTTP(text, options),
		...EXTRA_FORMATS.map((format) => () => DateTime.fromFormat(text, format, options)),
	];
	for (const parse of parsers) {
		const date = parse();
		if (date.isValid) return date;
	}
	return undefined;
}

/**
 * A date parameter as the UTC instant the APIs take (`2027-01-20T09:00:00.000Z`), or an error that
 * names the parameter, shows the value and lists the forms it can take.
 */
export function toUtcIso(
	this: IExecuteFunctions,
	value: unknown,
	parameter: string,
	itemIndex: number,
): string {
	const zone = this.getTimezone();
	const date = parseDateTime(value, zone);
	if (!date) {
		throw new NodeOperationError(
			this.getNode(),
			`"${parameter}" is not a date the node can read: ${JSON.stringify(value)}`,
			{
				itemIndex,
				description: `Give e.g. 2027-01-20 10:00 or 2027-01-20T10:00 (read in the workflow's timezone, ${zone}), 2027-01-20T09:00:00Z or 2027-01-20T10:00:00+01:00, or a date from an expression such as {{ $now.plus({ days: 1 }) }}. Write day and month unambiguously: 20.01.2027 or 2027/01/20, not 01/20/2027.`,
			},
		);
	}
	return date.toUTC().toISO({ suppressMilliseconds: false }) as string;
}
