import type { INodeProperties } from 'n8n-workflow';
import * as importFromUrl from './importFromUrl.operation';
import * as upload from './upload.operation';

export { importFromUrl, upload };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['media'] } },
		options: [
			{
				name: 'Import From URL',
				value: 'importFromUrl',
				action: 'Import media from a URL',
				description: 'Let PostSider download a file from a public URL',
			},
			{
				name: 'Upload',
				value: 'upload',
				action: 'Upload media',
				description: 'Upload a file from a binary field',
			},
		],
		default: 'upload',
	},
	...upload.description,
	...importFromUrl.description,
];
