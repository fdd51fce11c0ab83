import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { forEachItem } from '../../../shared/items';
import * as analytics from './analytics/Analytics.resource';
import * as approval from './approval/Approval.resource';
import * as channel from './channel/Channel.resource';
import * as group from './group/Group.resource';
import * as media from './media/Media.resource';
import type { PostSiderMap, PostSiderType } from './node.type';
import * as notification from './notification/Notification.resource';
import * as post from './post/Post.resource';

/** One item in, its result out: the router runs every item through the same operation. */
type Operation = {
	execute: (this: IExecuteFunctions, itemIndex: number) => Promise<IDataObject | IDataObject[]>;
};

/** The router's map: every operation of every resource, with its handler. */
export type PostSiderOperations = { [R in keyof PostSiderMap]: Record<PostSiderMap[R], Operation> };

/** Every resource → operation of `PostSiderMap`; a missing one is a compile error. */
export const operations: PostSiderOperations = {
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
	const postSider = {
		resource: this.getNodeParameter('resource', 0),
		operation: this.getNodeParameter('operation', 0),
	} as PostSiderType;
	const operation = (operations[postSider.resource] as Record<string, Operation> | undefined)?.[
		postSider.operation
	];
	if (typeof operation?.execute !== 'function') {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${postSider.operation}" of resource "${postSider.resource}" is not supported`,
		);
	}
	return [
		await forEachItem.call(
			this,
			async (i) => await operation.execute.call(this, i),
			postSider.resource === 'post' && postSider.operation === 'create' ? createdNote : undefined,
		),
	];
}

/** After a stop, the posts the earlier items created, as PostFast says it (README, PostFast Create). */
function createdNote(done: INodeExecutionData[][]): string {
	const created = done.flatMap((items, itemIndex) =>
		items
			.filter((item) => item.json.status === 'created')
			.map((item) => ({ itemIndex, postId: String(item.json.postId) })),
	);
	if (created.length === 0) return '';
	const items = [...new Set(created.map((c) => c.itemIndex))];
	return `PostSider already created the posts of items ${items.join(', ')} (post IDs ${created.map((c) => c.postId).join(', ')}); a re-run will not post them again (it reports them as "alreadyCreated").`;
}
