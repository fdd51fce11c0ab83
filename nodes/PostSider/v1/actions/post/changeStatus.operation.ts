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
		displayName: 'Status',
		name: 'status',
		type: 'options',
		options: [
			{
				name: 'Draft',
				value: 'draft',
				description: 'Stop the schedule and keep the post as a draft',
			},
			{
				name: 'Scheduled',
				value: 'schedule',
				description: 'Queue the post at its date (a past date publishes at once)',
			},
		],
		default: 'schedule',
	},
	requestOptions,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['post'], operation: ['changeStatus'] } },
	properties,
);

/** `PUT /posts/:id/status`. */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const id = this.getNodeParameter('postId', i) as string;
	const status = this.getNodeParameter('status', i) as string;
	const response = await postSiderRequest.call(this, {
		method: 'PUT',
		path: postsiderPath('changeStatus', { id }),
		body: { status },
		itemIndex: i,
		rateLimit: rateLimitPolicy.call(this, i),
	});
	return response.body as IDataObject;
}
