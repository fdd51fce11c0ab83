/* eslint-disable n8n-nodes-base/node-filename-against-convention -- the versioned-node layout keeps the description here, as n8n's own nodes do */
import { NodeConnectionTypes, type INodeTypeDescription } from 'n8n-workflow';
import * as analytics from './analytics/Analytics.resource';
import * as approval from './approval/Approval.resource';
import * as channel from './channel/Channel.resource';
import * as group from './group/Group.resource';
import * as media from './media/Media.resource';
import * as notification from './notification/Notification.resource';
import * as post from './post/Post.resource';

export const versionDescription: INodeTypeDescription = {
	displayName: 'PostSider',
	name: 'postSider',
	group: ['output'],
	version: 1,
	subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
	description:
		'Schedule and publish social posts with PostSider, upload media, read channels, analytics and notifications',
	defaults: { name: 'PostSider' },
	usableAsTool: true,
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	credentials: [{ name: 'postSiderApi', required: true }],
	properties: [
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
	],
};
