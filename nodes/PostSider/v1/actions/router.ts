import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';
import { forEachItem } from '../../../shared/options';
import * as analytics from './analytics/Analytics.resource';
import * as approval from './approval/Approval.resource';
import * as channel from './channel/Channel.resource';
import * as group from './group/Group.resource';
import * as media from './media/Media.resource';
import * as notification from './notification/Notification.resource';
import * as post from './post/Post.resource';

type Operation = {
	execute: (this: IExecuteFunctions, itemIndex: number) => Promise<IDataObject | IDataObject[]>;
};

const resources: Record<string, Record<string, unknown>> = {
	analytics,
	approval,
	channel,
	group,
	media,
	notification,
	post,
};

/** Resource and operation are fixed per node (not per item); every item runs through one operation. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const module = resources[resource]?.[operation] as Operation | undefined;
	if (!module || typeof module.execute !== 'function') {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of resource "${resource}" is not supported`,
		);
	}
	return [await forEachItem.call(this, async (i) => await module.execute.call(this, i))];
}
