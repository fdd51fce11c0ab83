/**
 * The one per-item loop of both nodes. Every operation turns its input items into outcomes (output
 * items, or the error that stopped the item) and `finishItems` turns the outcomes into the node's
 * output: in input order, each item paired with its input, a failed item thrown (the first one) or,
 * with "On Error → Continue", emitted as an error item. Operations that call once per item use
 * `forEachItem`; batched ones (PostFast Create and Upload) collect outcomes themselves.
 */
import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';
import { apiErrorDetails } from './transport';

/** What one input item produced: output items, or the error that stopped it. */
export interface ItemOutcome {
	output?: INodeExecutionData[];
	error?: Error;
}

type HandlerResult = IDataObject | IDataObject[] | INodeExecutionData | INodeExecutionData[];

/**
 * Runs `handler` for every input item in turn. Without continue-on-fail the first failure stops the
 * loop and is thrown; with it, the loop goes on.
 */
export async function forEachItem(
	this: IExecuteFunctions,
	handler: (itemIndex: number) => Promise<HandlerResult>,
	/** When given, a stop names the item and adds these words on what the earlier items did. */
	doneNote?: (done: INodeExecutionData[][]) => string,
): Promise<INodeExecutionData[]> {
	const outcomes: ItemOutcome[] = [];
	const count = this.getInputData().length;
	for (let i = 0; i < count; i++) {
		try {
			outcomes.push({ output: executionItems(await handler(i)) });
		} catch (error) {
			if (!this.continueOnFail() && doneNote) {
				const stop = nodeErrorOf.call(this, error as Error, i);
				// The message names the item, as PostFast's do; the description what is already done.
				if (count > 1 && !/\bitem \d+\b/.test(stop.message)) stop.message += ` (item ${i})`;
				const note = doneNote(outcomes.map((o) => o.output ?? []));
				if (note) stop.description = `${stop.description ?? ''} ${note}`.trim();
				throw stop;
			}
			outcomes.push({ error: error as Error });
			if (!this.continueOnFail()) break;
		}
	}
	return finishItems.call(this, outcomes);
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
			if (!this.continueOnFail()) throw nodeErrorOf.call(this, error, i);
			out.push({ json: errorItemJson(error), pairedItem: { item: i } });
			continue;
		}
		for (const item of output ?? []) out.push({ ...item, pairedItem: { item: i } });
	}
	return out;
}

/** An item's error as a node error: ours pass through unchanged, anything else is wrapped. */
function nodeErrorOf(
	this: IExecuteFunctions,
	error: Error,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError) return error;
	if (error instanceof NodeOperationError) return error;
	return new NodeOperationError(this.getNode(), error, { itemIndex });
}

function executionItems(result: HandlerResult): INodeExecutionData[] {
	const list = Array.isArray(result) ? result : [result];
	return list.map((entry) => (isExecutionData(entry) ? entry : { json: entry }));
}

function isExecutionData(value: IDataObject | INodeExecutionData): value is INodeExecutionData {
	return (
		typeof value.json === 'object' &&
		value.json !== null &&
		!Array.isArray(value.json) &&
		Object.keys(value).every((k) => ['json', 'binary', 'pairedItem'].includes(k))
	);
}

/**
 * The json of a continue-on-fail item: `error` (the message) and `details` (what to do, and the
 * structured reason). Nothing else: n8n's "Continue (using error output)" sends an item to the
 * error output only when its json holds no keys but `error`, `message` and `details`.
 */
export function errorItemJson(error: unknown): IDataObject {
	if (!(error instanceof Error)) return { error: String(error) };
	const description = (error as { description?: unknown }).description;
	const details: IDataObject = {
		...(typeof description === 'string' && description ? { description } : {}),
		...apiErrorDetails(error),
	};
	return { error: error.message, ...(Object.keys(details).length > 0 ? { details } : {}) };
}
