import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import { postsiderPath } from '../../../../../contract/postsider';
import { rateLimitPolicy } from '../../../../shared/options';
import { postSiderRequest } from '../../transport';
import { postIdProperty, requestOptions } from '../common.descriptions';

export const description = updateDisplayOptions(
	{ show: { resource: ['post'], operation: ['get'] } },
	[postIdProperty, requestOptions],
);

/** `GET /posts/:id`; the transport removes the channel's OAuth tokens from the answer. */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const id = this.getNodeParameter('postId', i) as string;
	const response = await postSiderRequest.call(this, {
		method: 'GET',
		path: postsiderPath('getPost', { id }),
		itemIndex: i,
		rateLimit: rateLimitPolicy.call(this, i),
	});
	return response.body as IDataObject;
}
