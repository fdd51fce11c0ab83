/* eslint-disable n8n-nodes-base/node-filename-against-convention -- the versioned-node layout keeps the description here, as n8n's own nodes do */
import type { INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as file from './file/File.resource';
import * as socialAccount from './socialAccount/SocialAccount.resource';
import * as socialPost from './socialPost/SocialPost.resource';

/** Version 1's description; the icon comes from the base description in PostFast.node.ts. */
export const versionDescription: Omit<INodeTypeDescription, 'icon'> = {
	displayName: 'PostFast',
	name: 'postFast',
	group: ['output'],
	version: 1,
	subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
	description: 'Schedule social media posts with media through PostFast',
	defaults: { name: 'PostFast' },
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	usableAsTool: true,
	credentials: [{ name: 'postFastApi', required: true }],
	properties: [
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
	],
};
