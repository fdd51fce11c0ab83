import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import * as file from './file/File.resource';
import * as socialAccount from './socialAccount/SocialAccount.resource';
import * as socialPost from './socialPost/SocialPost.resource';

type Operation = { execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[]> };

const resources: Record<string, Record<string, unknown>> = { file, socialAccount, socialPost };

/**
 * Resource and operation are not expressions (noDataExpression), so one dispatch serves all items;
 * each operation loops over the items itself, which lets Create and Upload batch across items.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const handler = resources[resource]?.[operation] as Operation | undefined;
	if (!handler || typeof handler.execute !== 'function') {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of resource "${resource}" is not supported`,
			{
				description: 'Pick a resource and operation from the lists.',
			},
		);
	}
	return [await handler.execute.call(this)];
}
