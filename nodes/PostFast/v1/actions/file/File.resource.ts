import type { INodeProperties } from 'n8n-workflow';

import * as getUploadUrls from './getUploadUrls.operation';
import * as upload from './upload.operation';

export { getUploadUrls, upload };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['file'] } },
		options: [
			{
				name: 'Get Upload Links',
				value: 'getUploadUrls',
				description: 'Get pre-signed URLs to upload files yourself',
				action: 'Get upload links',
			},
			{
				name: 'Upload',
				value: 'upload',
				description: 'Upload files from binary properties and get their media keys',
				action: 'Upload media',
			},
		],
		default: 'upload',
	},
	...getUploadUrls.description,
	...upload.description,
];
