/** Node options both nodes offer, and the per-item loop with continue-on-fail and pairedItem. */
import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
	type JsonObject,
} from 'n8n-workflow';
import { DEFAULT_RATE_LIMIT, errorItemJson, type RateLimitPolicy } from './transport';

export const maxRateLimitWaitOption: INodeProperties = {
	displayName: 'Max Rate-Limit Wait (Seconds)',
	name: 'maxRateLimitWait',
	type: 'number',
	typeOptions: { minValue: 0 },
	default: 60,
	description:
		'When the service answers 429 and asks to wait at most this long, the node waits and sends that one request again; a longer wait fails the item with the time to retry',
};

/** The rate-limit policy from the node's options collection (`options.maxRateLimitWait`). */
export function rateLimitPolicy(
	this: IExecuteFunctions,
	itemIndex: number,
	collection = 'options',
): RateLimitPolicy {
	const options = this.getNodeParameter(collection, itemIndex, {}) as IDataObject;
	const seconds = options.maxRateLimitWait;
	return typeof seconds === 'number' && seconds >= 0
		? { ...DEFAULT_RATE_LIMIT, maxWaitMs: seconds * 1000 }
		: DEFAULT_RATE_LIMIT;
}

/**
 * Runs `handler` for every input item: its results carry `pairedItem`; with continue-on-fail a
 * failed item becomes an `{ error, description, details }` item and the loop goes on.
 */
export async function forEachItem(
	this: IExecuteFunctions,
	handler: (itemIndex: number) => Promise<IDataObject | IDataObject[] | INodeExecutionData[]>,
): Promise<INodeExecutionData[]> {
	const out: INodeExecutionData[] = [];
	const count = this.getInputData().length;
	for (let i = 0; i < count; i++) {
		try {
			const result = await handler(i);
			const list = Array.isArray(result) ? result : [result];
			for (const entry of list) {
				const item = isExecutionData(entry) ? entry : { json: entry };
				out.push({ ...item, pairedItem: { item: i } });
			}
		} catch (error) {
			if (!this.continueOnFail()) {
				// Both constructors hand back an error that already is one of theirs, unchanged.
				if (error instanceof NodeApiError)
					throw new NodeApiError(this.getNode(), error as unknown as JsonObject);
				throw new NodeOperationError(this.getNode(), error as Error, { itemIndex: i });
			}
			out.push({ json: errorItemJson(error), pairedItem: { item: i } });
		}
	}
	return out;
}

function isExecutionData(value: IDataObject | INodeExecutionData): value is INodeExecutionData {
	return (
		typeof value.json === 'object' &&
		value.json !== null &&
		!Array.isArray(value.json) &&
		Object.keys(value).every((k) => ['json', 'binary', 'pairedItem'].includes(k))
	);
}
