import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { UUID_REGEX } from './api';

const UUID = new RegExp(UUID_REGEX);

/** "a, b ,c" or an array → ["a","b","c"]. */
export function toList(value: unknown): string[] {
	const raw = Array.isArray(value) ? value.map(String) : String(value ?? '').split(',');
	return raw.map((entry) => entry.trim()).filter((entry) => entry !== '');
}

/** Reads a resource-locator parameter and checks it is a UUID. */
export function getUuidParameter(
	this: IExecuteFunctions,
	name: string,
	itemIndex: number,
	what: string,
): string {
	const raw = this.getNodeParameter(name, itemIndex, '', { extractValue: true });
	const value = String(raw ?? '').trim();
	if (!UUID.test(value)) {
		throw new NodeOperationError(
			this.getNode(),
			`${what} "${value}" is not a PostFast ID (a UUID)`,
			{
				itemIndex,
				description: `Pick the ${what.toLowerCase()} from the list, or map a UUID such as 6a87b56e-ba73-4696-a415-3d524f1a92f8.`,
			},
		);
	}
	return value;
}

/** Checks a list of UUIDs (filters and bulk delete). */
export function checkUuids(
	this: IExecuteFunctions,
	ids: string[],
	parameter: string,
	itemIndex: number,
): string[] {
	const bad = ids.filter((id) => !UUID.test(id));
	if (bad.length > 0) {
		throw new NodeOperationError(
			this.getNode(),
			`"${parameter}" holds values that are not UUIDs: ${bad.slice(0, 5).join(', ')}`,
			{
				itemIndex,
				description:
					'PostFast IDs are UUIDs, e.g. 6a87b56e-ba73-4696-a415-3d524f1a92f8. Separate several with commas.',
			},
		);
	}
	return ids;
}

/** Output items for a list result, all paired with one input item. */
export function itemsOf(
	list: Array<Record<string, unknown>>,
	itemIndex: number,
): INodeExecutionData[] {
	return list.map((json) => ({
		json: json as INodeExecutionData['json'],
		pairedItem: { item: itemIndex },
	}));
}
