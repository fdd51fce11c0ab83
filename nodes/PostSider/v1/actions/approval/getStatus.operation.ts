import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import { postsiderPath } from '../../../../../contract/postsider';
import { rateLimitPolicy } from '../../../../shared/options';
import { postSiderRequest } from '../../transport';
import { postIdProperty, requestOptions } from '../common.descriptions';

export const description = updateDisplayOptions(
	{ show: { resource: ['approval'], operation: ['getStatus'] } },
	[postIdProperty, requestOptions],
);

/** `GET /posts/:id/approval`: NONE, PENDING, APPROVED or REJECTED, with the note. */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const id = this.getNodeParameter('postId', i) as string;
	const response = await postSiderRequest.call(this, {
		method: 'GET',
		path: postsiderPath('approvalStatus', { id }),
		itemIndex: i,
		rateLimit: rateLimitPolicy.call(this, i),
	});
	return { postId: id, ...(response.body as IDataObject) };
}
