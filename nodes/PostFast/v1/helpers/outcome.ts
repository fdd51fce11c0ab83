import type { IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { errorItemJson } from '../../../shared/transport';

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
