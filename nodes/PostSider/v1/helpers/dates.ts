/** Dates go to PostSider as full ISO 8601 UTC with `Z` (postsider-api.md §9 item 3). */
import { DateTime } from 'luxon';
import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

/**
 * An n8n date value (ISO text, with or without an offset, or a luxon/JS date from an expression) as
 * UTC. A value without an offset is read in the workflow's timezone, as n8n's date picker means it.
 */
export function toUtcIso(
	this: IExecuteFunctions,
	value: unknown,
	field: string,
	itemIndex: number,
): string {
	let date: DateTime | undefined;
	if (value instanceof Date) date = DateTime.fromJSDate(value);
	else if (DateTime.isDateTime(value)) date = value;
	else if (typeof value === 'string' && value.trim())
		date = DateTime.fromISO(value.trim(), { zone: this.getTimezone() });
	if (!date || !date.isValid) {
		throw new NodeOperationError(
			this.getNode(),
			`"${field}" is not a valid date: ${JSON.stringify(value)}`,
			{
				itemIndex,
				description:
					'Use an ISO 8601 date such as 2026-10-02T09:00:00Z, or pick one in the date field.',
			},
		);
	}
	return date.toUTC().toISO({ suppressMilliseconds: false }) ?? '';
}
