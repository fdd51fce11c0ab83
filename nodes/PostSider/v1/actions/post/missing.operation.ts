import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import { postsiderPath } from '../../../../../contract/postsider';
import { rateLimitPolicy } from '../../../../shared/options';
import { postSiderRequest } from '../../transport';
import { postIdProperty, requestOptions } from '../common.descriptions';

export const description = updateDisplayOptions(
	{ show: { resource: ['post'], operation: ['missing'] } },
	[postIdProperty, requestOptions],
);

/**
 * `GET /posts/:id/missing`: for a post published without a usable platform id, the channel's recent
 * items that may be it; one item each (none when there is nothing to link).
 */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const id = this.getNodeParameter('postId', i) as string;
	const response = await postSiderRequest.call(this, {
		method: 'GET',
		path: postsiderPath('missingContent', { id }),
		itemIndex: i,
		rateLimit: rateLimitPolicy.call(this, i),
	});
	const list = Array.isArray(response.body) ? (response.body as IDataObject[]) : [];
	return list.map((entry) => ({ postId: id, ...entry }));
}
