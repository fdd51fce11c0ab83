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
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
	requestOptions,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['notification'], operation: ['getMany'] } },
	properties,
);

/** `GET /notifications?page=N` (100 per page, newest first), following `hasMore` when returning all. */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const returnAll = this.getNodeParameter('returnAll', i, false) as boolean;
	const limit = returnAll ? Infinity : (this.getNodeParameter('limit', i, 50) as number);
	const rateLimit = rateLimitPolicy.call(this, i);
	const out: IDataObject[] = [];
	for (let page = 0; out.length < limit; page++) {
		const response = await postSiderRequest.call(this, {
			method: 'GET',
			path: postsiderPath('listNotifications'),
			qs: { page },
			itemIndex: i,
			rateLimit,
		});
		const body = response.body as IDataObject;
		const list = (body.notifications ?? []) as IDataObject[];
		out.push(...list);
		if (body.hasMore !== true || list.length === 0) break;
	}
	return out.slice(0, limit);
}
