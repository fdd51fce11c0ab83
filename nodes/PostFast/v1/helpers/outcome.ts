import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	INodeExecutionData,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { forEachItem, rateLimitPolicy } from '../../../shared/options';
import { errorItemJson } from '../../../shared/transport';
import { postFastApiRequest, type PostFastRequestOptions } from '../transport';

/** A PostFast call made for one item: its index and "Max Rate-Limit Wait" are filled in. */
export type ItemRequest = <T = unknown>(
	method: IHttpRequestMethods,
	path: string,
	options?: Pick<PostFastRequestOptions, 'body' | 'qs'>,
) => Promise<T>;

/**
 * The loop of the one-call-per-item operations: each item's result becomes its output (paired
 * with it), a failure becomes an error item under continue-on-fail.
 */
export async function eachItem(
	this: IExecuteFunctions,
	handler: (itemIndex: number, request: ItemRequest) => Promise<IDataObject | IDataObject[]>,
): Promise<INodeExecutionData[]> {
	return await forEachItem.call(this, async (itemIndex) => {
		const rateLimit = rateLimitPolicy.call(this, itemIndex);
		const request: ItemRequest = async <T>(
			method: IHttpRequestMethods,
			path: string,
			options = {},
		) =>
			(await postFastApiRequest.call(this, method, path, {
				...options,
				itemIndex,
				rateLimit,
			})) as T;
		return await handler(itemIndex, request);
	});
}

/** What one input item produced in a batched operation: output items, or the error that stopped it. */
export interface ItemOutcome {
	output?: INodeExecutionData[];
	error?: Error;
}

/** Rethrows an item's error as a node error of the right class, with its item index. */
export function asNodeError(
	this: IExecuteFunctions,
	error: Error,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(this.getNode(), error, { itemIndex });
}

/**
 * Turns per-item outcomes into the node's output, in input order, every item paired with its input.
 * Without continue-on-fail the first failed item's error is thrown.
 */
export function finishItems(
	this: IExecuteFunctions,
	outcomes: ItemOutcome[],
): INodeExecutionData[] {
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < outcomes.length; i++) {
		const { output, error } = outcomes[i];
		if (error) {
			if (!this.continueOnFail()) {
				const nodeError = asNodeError.call(this, error, i);
				if (nodeError instanceof NodeApiError)
					throw new NodeApiError(this.getNode(), nodeError as unknown as JsonObject);
				throw nodeError;
			}
			out.push({ json: errorItemJson(error), pairedItem: { item: i } });
			continue;
		}
		for (const item of output ?? []) out.push({ ...item, pairedItem: { item: i } });
	}
	return out;
}
