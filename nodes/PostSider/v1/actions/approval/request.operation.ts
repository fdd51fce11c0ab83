import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import { postsiderPath } from '../../../../../contract/postsider';
import { rateLimitPolicy } from '../../../../shared/options';
import { postSiderRequest } from '../../transport';
import { postIdProperty, requestOptions } from '../common.descriptions';

export const description = updateDisplayOptions(
	{ show: { resource: ['approval'], operation: ['request'] } },
	[postIdProperty, requestOptions],
);

/** `POST /posts/:id/request-approval`: sends a draft main post into the approval queue. */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const id = this.getNodeParameter('postId', i) as string;
	const response = await postSiderRequest.call(this, {
		method: 'POST',
		path: postsiderPath('requestApproval', { id }),
		itemIndex: i,
		rateLimit: rateLimitPolicy.call(this, i),
	});
	return { postId: id, ...(response.body as IDataObject) };
}
