import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import * as file from './file/File.resource';
import type { PostFastMap, PostFastType } from './node.type';
import * as socialAccount from './socialAccount/SocialAccount.resource';
import * as socialPost from './socialPost/SocialPost.resource';

/** An operation loops over the items itself, which lets Create and Upload batch across items. */
type Operation = { execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[]> };

/** Every resource → operation of `PostFastMap`; a missing one is a compile error. */
export const operations: { [R in keyof PostFastMap]: Record<PostFastMap[R], Operation> } = {
	file,
	socialAccount,
	socialPost,
};

/** Resource and operation are not expressions (noDataExpression), so one dispatch serves all items. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const postFast = {
		resource: this.getNodeParameter('resource', 0),
		operation: this.getNodeParameter('operation', 0),
	} as PostFastType;
	const operation = (operations[postFast.resource] as Record<string, Operation> | undefined)?.[
		postFast.operation
	];
	if (typeof operation?.execute !== 'function') {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${postFast.operation}" of resource "${postFast.resource}" is not supported`,
			{ description: 'Pick a resource and operation from the lists.' },
		);
	}
	return [await operation.execute.call(this)];
}
