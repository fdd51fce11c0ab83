import type { INodeProperties } from 'n8n-workflow';
import * as getStatus from './getStatus.operation';
import * as request from './request.operation';

export { getStatus, request };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['approval'] } },
		options: [
			{
				name: 'Get Status',
				value: 'getStatus',
				action: 'Get the approval status of a post',
				description: 'Whether a post is pending, approved or rejected',
			},
			{
				name: 'Request',
				value: 'request',
				action: 'Request approval of a post',
				description: 'Send a draft for approval',
			},
		],
		default: 'request',
	},
	...request.description,
	...getStatus.description,
];
