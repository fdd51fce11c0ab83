import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import { postsiderPath } from '../../../../../contract/postsider';
import { rateLimitPolicy } from '../../../../shared/options';
import { toUtcIso } from '../../../../shared/dates';
import { postSiderRequest } from '../../transport';
import { requestOptions } from '../common.descriptions';

const properties: INodeProperties[] = [
	{
		displayName: 'Start Date',
		name: 'startDate',
		type: 'dateTime',
		default: '',
		required: true,
		description: 'First publish date to include (UTC)',
	},
	{
		displayName: 'End Date',
		name: 'endDate',
		type: 'dateTime',
		default: '',
		required: true,
		description: 'Last publish date to include (inclusive, UTC)',
	},
	{
		displayName: 'Group Name or ID',
		name: 'customer',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getGroups' },
		default: '',
		description:
			'Only posts of this group\'s channels. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	requestOptions,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['post'], operation: ['getMany'] } },
	properties,
);

/** `GET /posts`: main posts whose publish date is in the range, every state; one item per post. */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const qs: IDataObject = {
		startDate: toUtcIso.call(this, this.getNodeParameter('startDate', i), 'Start Date', i),
		endDate: toUtcIso.call(this, this.getNodeParameter('endDate', i), 'End Date', i),
	};
	const customer = this.getNodeParameter('customer', i, '') as string;
	if (customer) qs.customer = customer;
	const response = await postSiderRequest.call(this, {
		method: 'GET',
		path: postsiderPath('listPosts'),
		qs,
		itemIndex: i,
		rateLimit: rateLimitPolicy.call(this, i),
	});
	const posts = ((response.body as IDataObject).posts ?? []) as IDataObject[];
	return posts;
}
