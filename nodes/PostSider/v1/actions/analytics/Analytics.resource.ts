import type { INodeProperties } from 'n8n-workflow';
import * as channel from './channel.operation';
import * as post from './post.operation';

export { channel, post };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['analytics'] } },
		options: [
			{
				name: 'Get Channel Analytics',
				value: 'channel',
				action: 'Get channel analytics',
				description: 'Metrics of a channel over the last days',
			},
			{
				name: 'Get Post Analytics',
				value: 'post',
				action: 'Get post analytics',
				description: 'Metrics of a published post',
			},
		],
		default: 'channel',
	},
	...channel.description,
	...post.description,
];
