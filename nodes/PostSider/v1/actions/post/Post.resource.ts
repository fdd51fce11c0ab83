import type { INodeProperties } from 'n8n-workflow';
import * as changeStatus from './changeStatus.operation';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as deleteGroup from './deleteGroup.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as missing from './missing.operation';
import * as setReleaseId from './setReleaseId.operation';

export { changeStatus, create, del as delete, deleteGroup, get, getMany, missing, setReleaseId };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['post'] } },
		options: [
			{
				name: 'Change Status',
				value: 'changeStatus',
				action: 'Change a post status',
				description: 'Turn a post into a draft or schedule it',
			},
			{
				name: 'Create',
				value: 'create',
				action: 'Create a post',
				description: 'Create a draft, scheduled or immediate post on one or more channels',
			},
			{
				name: 'Delete',
				value: 'delete',
				action: 'Delete a post',
				description: "Delete a channel's post with its thread",
			},
			{
				name: 'Delete Group',
				value: 'deleteGroup',
				action: 'Delete a post group',
				description: 'Delete every post of a group',
			},
			{
				name: 'Find Missing',
				value: 'missing',
				action: 'Find the platform item of a post',
				description: 'List candidates for a post published without a platform ID',
			},
			{
				name: 'Get',
				value: 'get',
				action: 'Get a post',
				description: 'Get a post with its thread',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				action: 'Get many posts',
				description: 'Get posts in a date range',
			},
			{
				name: 'Link Release ID',
				value: 'setReleaseId',
				action: 'Link a post to its platform item',
				description: 'Set the platform ID of a post published without one (see Find Missing)',
			},
		],
		default: 'create',
	},
	...create.description,
	...get.description,
	...getMany.description,
	...del.description,
	...deleteGroup.description,
	...changeStatus.description,
	...missing.description,
	...setReleaseId.description,
];
