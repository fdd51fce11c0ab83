import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { forEachItem } from '../../../../shared/items';
import { itemRequest } from '../../helpers/request';
import { SEARCH_PLACES_PATH } from '../../helpers/api';
import { optionsCollection } from '../common.descriptions';

const properties: INodeProperties[] = [
	{
		displayName: 'Query',
		name: 'query',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. Berlin Hauptbahnhof',
		description:
			'Place to look for (at least 2 characters). The ID of a result works as Instagram Location ID and Facebook Place ID.',
	},
	optionsCollection(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['socialAccount'], operation: ['searchPlaces'] } },
	properties,
);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await forEachItem.call(this, async (i) => {
		const request = itemRequest.call(this, i);
		const q = String(this.getNodeParameter('query', i) ?? '').trim();
		if (q.length < 2) {
			throw new NodeOperationError(this.getNode(), `The place query "${q}" is too short`, {
				itemIndex: i,
				description: 'PostFast searches places with at least 2 characters.',
			});
		}
		return await request<IDataObject[]>('GET', SEARCH_PLACES_PATH, { qs: { q } });
	});
}
