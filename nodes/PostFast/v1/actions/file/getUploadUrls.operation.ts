import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import {
	ACCEPTED_CONTENT_TYPES,
	MAX_IMAGE_URLS_ANY_PROFILE,
	MAX_IMAGE_URLS_PER_REQUEST,
	UPLOAD_URLS_PATH,
	mediaTypeOf,
} from '../../helpers/api';
import { forEachItem } from '../../../../shared/items';
import { itemRequest } from '../../helpers/request';
import { optionsCollection } from '../common.descriptions';

const properties: INodeProperties[] = [
	{
		displayName: 'Content Type',
		name: 'contentType',
		type: 'options',
		options: ACCEPTED_CONTENT_TYPES.map((type) => ({ name: type, value: type })),
		default: 'image/jpeg',
		description: 'Exact MIME type of the file(s); the upload must send this same Content-Type',
	},
	{
		displayName: 'Count',
		name: 'count',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_IMAGE_URLS_ANY_PROFILE },
		default: 1,
		description: `How many upload URLs to get (images: up to ${MAX_IMAGE_URLS_PER_REQUEST}, or ${MAX_IMAGE_URLS_ANY_PROFILE} on current PostFast plans; video, documents and captions: 1)`,
	},
	optionsCollection(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['file'], operation: ['getUploadUrls'] } },
	properties,
);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await forEachItem.call(this, async (i) => {
		const request = itemRequest.call(this, i);
		const contentType = this.getNodeParameter('contentType', i) as string;
		const count = this.getNodeParameter('count', i) as number;
		const max = mediaTypeOf(contentType) === 'IMAGE' ? MAX_IMAGE_URLS_ANY_PROFILE : 1;
		if (!Number.isInteger(count) || count < 1 || count > max) {
			throw new NodeOperationError(
				this.getNode(),
				`Count ${count} is out of range for ${contentType}`,
				{
					itemIndex: i,
					description: `PostFast gives 1 to ${max} upload URL${max > 1 ? 's' : ''} per request for ${contentType}.`,
				},
			);
		}
		const urls = await request('POST', UPLOAD_URLS_PATH, { body: { contentType, count } });
		return (urls as IDataObject[]).map((url) => ({ ...url, contentType }));
	});
}
