/** Node options both nodes offer. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { DEFAULT_RATE_LIMIT, type RateLimitPolicy } from './transport';

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
