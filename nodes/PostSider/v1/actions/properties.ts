import type { INodeProperties } from 'n8n-workflow';

import * as analytics from './analytics/Analytics.resource';
import * as approval from './approval/Approval.resource';
import * as channel from './channel/Channel.resource';
import * as group from './group/Group.resource';
import * as media from './media/Media.resource';
import * as notification from './notification/Notification.resource';
import * as post from './post/Post.resource';

/** Version 1's parameters: the resource picker, then each resource's operations and fields. */
export const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Analytic', value: 'analytics' },
			{ name: 'Approval', value: 'approval' },
			{ name: 'Channel', value: 'channel' },
			{ name: 'Group', value: 'group' },
			{ name: 'Media', value: 'media' },
			{ name: 'Notification', value: 'notification' },
			{ name: 'Post', value: 'post' },
		],
		default: 'post',
	},
	...post.description,
	...media.description,
	...channel.description,
	...group.description,
	...analytics.description,
	...notification.description,
	...approval.description,
];
