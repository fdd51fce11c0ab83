import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import { postsiderPath } from '../../../../../contract/postsider';
import { rateLimitPolicy } from '../../../../shared/options';
import { postSiderRequest } from '../../transport';
import { requestOptions } from '../common.descriptions';

export const description = updateDisplayOptions(
	{ show: { resource: ['group'], operation: ['getMany'] } },
	[requestOptions],
);

/** `GET /groups`: the organisation's customer groups, one item each. */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const response = await postSiderRequest.call(this, {
		method: 'GET',
		path: postsiderPath('listGroups'),
		itemIndex: i,
		rateLimit: rateLimitPolicy.call(this, i),
	});
	return Array.isArray(response.body) ? (response.body as IDataObject[]) : [];
}
