import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { forEachItem } from '../../../../shared/items';
import { rateLimitPolicy } from '../../../../shared/options';
import { listPosts, postFilters } from '../../helpers/posts';
import {
	POST_STATUS_OPTIONS,
	accountIdsFilter,
	optionsCollection,
	platformsFilter,
	returnAllOrLimit,
} from '../common.descriptions';

const properties: INodeProperties[] = [
	...returnAllOrLimit,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			accountIdsFilter,
			{
				displayName: 'From',
				name: 'from',
				type: 'dateTime',
				default: '',
				description: 'Only posts scheduled at or after this time',
			},
			platformsFilter,
			{
				displayName: 'Post IDs',
				name: 'ids',
				type: 'string',
				default: '',
				description: 'Only these posts: comma-separated post IDs (up to 100)',
			},
			{
				displayName: 'Statuses',
				name: 'statuses',
				type: 'multiOptions',
				options: POST_STATUS_OPTIONS,
				default: [],
			},
			{
				displayName: 'To',
				name: 'to',
				type: 'dateTime',
				default: '',
				description: 'Only posts scheduled at or before this time',
			},
		],
	},
	optionsCollection(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['socialPost'], operation: ['getMany'] } },
	properties,
);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await forEachItem.call(this, async (i) => {
		const returnAll = this.getNodeParameter('returnAll', i) as boolean;
		const limit = returnAll
			? Number.POSITIVE_INFINITY
			: (this.getNodeParameter('limit', i) as number);
		const qs = postFilters.call(this, this.getNodeParameter('filters', i, {}) as IDataObject, i);
		return await listPosts.call(this, qs, limit, {
			itemIndex: i,
			rateLimit: rateLimitPolicy.call(this, i),
		});
	});
}
