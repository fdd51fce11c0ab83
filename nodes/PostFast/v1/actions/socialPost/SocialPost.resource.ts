import type { INodeProperties } from 'n8n-workflow';

import * as bulkDelete from './bulkDelete.operation';
import * as create from './create.operation';
import * as deletePost from './delete.operation';
import * as getAnalytics from './getAnalytics.operation';
import * as getMany from './getMany.operation';

export { bulkDelete, create, deletePost as delete, getAnalytics, getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['socialPost'] } },
		options: [
			{
				name: 'Bulk Delete',
				value: 'bulkDelete',
				description: 'Delete up to 100 posts per request',
				action: 'Delete many posts',
			},
			{
				name: 'Create',
				value: 'create',
				description:
					'Schedule a post or save a draft, with media from binary data; items are batched into few requests',
				action: 'Create a post',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete a post',
				action: 'Delete a post',
			},
			{
				name: 'Get Analytics',
				value: 'getAnalytics',
				description: 'Get the metrics of published posts',
				action: 'Get post analytics',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List posts with filters',
				action: 'Get many posts',
			},
		],
		default: 'create',
	},
	...bulkDelete.description,
	...create.description,
	...deletePost.description,
	...getAnalytics.description,
	...getMany.description,
];
