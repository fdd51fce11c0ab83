import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import { postsiderPath } from '../../../../../contract/postsider';
import { rateLimitPolicy } from '../../../../shared/options';
import { postSiderRequest } from '../../transport';
import { requestOptions } from '../common.descriptions';

const properties: INodeProperties[] = [
	{
		displayName: 'URL',
		name: 'url',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://example.com/photo.jpg',
		description:
			'A public https URL ending in .png, .jpg, .jpeg, .gif, .webp or .mp4; PostSider downloads it. For other URLs, download the file in n8n and use Upload.',
	},
	requestOptions,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['media'], operation: ['importFromUrl'] } },
	properties,
);

/** `POST /upload-from-url`. */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const url = this.getNodeParameter('url', i) as string;
	const response = await postSiderRequest.call(this, {
		method: 'POST',
		path: postsiderPath('uploadFromUrl'),
		body: { url },
		itemIndex: i,
		rateLimit: rateLimitPolicy.call(this, i),
	});
	return response.body as IDataObject;
}
