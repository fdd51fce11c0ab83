import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import { postsiderPath } from '../../../../../contract/postsider';
import { rateLimitPolicy } from '../../../../shared/options';
import { postSiderRequest } from '../../transport';
import { postIdProperty, requestOptions } from '../common.descriptions';

const properties: INodeProperties[] = [
	postIdProperty,
	{
		displayName: 'Release ID',
		name: 'releaseId',
		type: 'string',
		default: '',
		required: true,
		description: 'The platform item ID to link, one of the IDs that Find Missing returned',
	},
	requestOptions,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['post'], operation: ['setReleaseId'] } },
	properties,
);

/** `PUT /posts/:id/release-id`: links a post published without a platform ID to its item. */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const id = this.getNodeParameter('postId', i) as string;
	const releaseId = this.getNodeParameter('releaseId', i) as string;
	const response = await postSiderRequest.call(this, {
		method: 'PUT',
		path: postsiderPath('setReleaseId', { id }),
		body: { releaseId },
		itemIndex: i,
		rateLimit: rateLimitPolicy.call(this, i),
	});
	return response.body as IDataObject;
}
