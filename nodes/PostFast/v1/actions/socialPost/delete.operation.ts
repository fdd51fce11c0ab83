import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { forEachItem } from '../../../../shared/items';
import { itemRequest } from '../../helpers/request';
import { UUID_REGEX, postPath } from '../../helpers/api';
import { getUuidParameter } from '../../helpers/utils';
import { optionsCollection } from '../common.descriptions';

const properties: INodeProperties[] = [
	{
		displayName: 'Post ID',
		name: 'postId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 9a1c0b7e-…',
		description:
			'The post to delete. A published post stays live on the platform; PostFast only forgets it.',
		validateType: 'string',
		typeOptions: {
			validation: [
				{ type: 'regex', properties: { regex: UUID_REGEX, errorMessage: 'A post ID is a UUID' } },
			],
		},
	},
	optionsCollection(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['socialPost'], operation: ['delete'] } },
	properties,
);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await forEachItem.call(this, async (i) => {
		const request = itemRequest.call(this, i);
		const id = getUuidParameter.call(this, 'postId', i, 'Post ID');
		// PostFast answers 200 {deleted:false} for an unknown id, never 404.
		const result = (await request('DELETE', postPath(id))) as IDataObject;
		return { id, ...result };
	});
}
