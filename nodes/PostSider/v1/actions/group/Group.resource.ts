import type { INodeProperties } from 'n8n-workflow';
import * as getMany from './getMany.operation';

export { getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['group'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getMany',
				action: 'Get many groups',
				description: 'List customer groups',
			},
		],
		default: 'getMany',
	},
	...getMany.description,
];
