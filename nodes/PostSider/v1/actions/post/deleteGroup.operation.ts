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
		displayName: 'Post Group',
		name: 'group',
		type: 'string',
		default: '',
		required: true,
		description:
			'The "group" of a post (from Post → Get or Get Many). PostSider answers success even for an unknown group.',
	},
	requestOptions,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['post'], operation: ['deleteGroup'] } },
	properties,
);

/** `DELETE /posts/group/:group`. */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const group = this.getNodeParameter('group', i) as string;
	const response = await postSiderRequest.call(this, {
		method: 'DELETE',
		path: postsiderPath('deleteGroup', { group }),
		itemIndex: i,
		rateLimit: rateLimitPolicy.call(this, i),
	});
	return { group, ...(response.body as IDataObject) };
}
