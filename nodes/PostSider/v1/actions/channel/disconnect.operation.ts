import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import { postsiderPath } from '../../../../../contract/postsider';
import { rateLimitPolicy } from '../../../../shared/options';
import { postSiderRequest } from '../../transport';
import { channelLocator, requestOptions } from '../common.descriptions';

export const description = updateDisplayOptions(
	{ show: { resource: ['channel'], operation: ['disconnect'] } },
	[channelLocator, requestOptions],
);

/** `DELETE /integrations/:id`; the returned channel row's OAuth tokens are removed before output. */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const id = this.getNodeParameter('channel', i, undefined, { extractValue: true }) as string;
	const response = await postSiderRequest.call(this, {
		method: 'DELETE',
		path: postsiderPath('deleteChannel', { id }),
		itemIndex: i,
		rateLimit: rateLimitPolicy.call(this, i),
	});
	return response.body as IDataObject;
}
