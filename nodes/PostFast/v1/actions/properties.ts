import type { INodeProperties } from 'n8n-workflow';

import * as file from './file/File.resource';
import * as socialAccount from './socialAccount/SocialAccount.resource';
import * as socialPost from './socialPost/SocialPost.resource';

/** Version 1's parameters: the resource picker, then each resource's operations and fields. */
export const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'File', value: 'file' },
			{ name: 'Social Account', value: 'socialAccount' },
			{ name: 'Social Post', value: 'socialPost' },
		],
		default: 'socialPost',
	},
	...file.description,
	...socialAccount.description,
	...socialPost.description,
];
