import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { forEachItem } from '../../../../shared/items';
import { itemRequest } from '../../helpers/request';
import { BULK_DELETE_PATH, MAX_BULK_DELETE_IDS } from '../../helpers/api';
import { checkUuids, toList } from '../../helpers/utils';
import { optionsCollection } from '../common.descriptions';

const properties: INodeProperties[] = [
	{
		displayName: 'Post IDs',
		name: 'postIds',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 9a1c…, 77aa…',
		description: `Posts to delete: comma-separated IDs or an array expression. More than ${MAX_BULK_DELETE_IDS} are sent in several requests.`,
	},
	optionsCollection(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['socialPost'], operation: ['bulkDelete'] } },
	properties,
);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await forEachItem.call(this, async (i) => {
		const request = itemRequest.call(this, i);
		const ids = [
			...new Set(checkUuids.call(this, toList(this.getNodeParameter('postIds', i)), 'Post IDs', i)),
		];
		if (ids.length === 0) {
			throw new NodeOperationError(this.getNode(), 'No post IDs to delete', {
				itemIndex: i,
				description: 'Set "Post IDs" to one or more post IDs, comma-separated.',
			});
		}
		const deletedIds: string[] = [];
		const notFoundIds: string[] = [];
		for (let start = 0; start < ids.length; start += MAX_BULK_DELETE_IDS) {
			const result = (await request('POST', BULK_DELETE_PATH, {
				body: { ids: ids.slice(start, start + MAX_BULK_DELETE_IDS) },
			})) as { deletedIds?: string[]; notFoundIds?: string[] };
			deletedIds.push(...(result.deletedIds ?? []));
			notFoundIds.push(...(result.notFoundIds ?? []));
		}
		return { deletedIds, notFoundIds } as IDataObject;
	});
}
