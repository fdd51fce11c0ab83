import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { forEachItem } from '../../../../shared/items';
import { itemRequest } from '../../helpers/request';
import { ANALYTICS_PATH } from '../../helpers/api';
import { toUtcIso } from '../../../../shared/dates';
import { checkUuids, toList } from '../../helpers/utils';
import { accountIdsFilter, optionsCollection, platformsFilter } from '../common.descriptions';

const properties: INodeProperties[] = [
	{
		displayName: 'Start Date',
		name: 'startDate',
		type: 'dateTime',
		required: true,
		default: '',
		description: 'Posts published at or after this time',
	},
	{
		displayName: 'End Date',
		name: 'endDate',
		type: 'dateTime',
		required: true,
		default: '',
		description: 'Posts published at or before this time',
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [accountIdsFilter, platformsFilter],
	},
	optionsCollection(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['socialPost'], operation: ['getAnalytics'] } },
	properties,
);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await forEachItem.call(this, async (i) => {
		const request = itemRequest.call(this, i);
		const filters = this.getNodeParameter('filters', i, {}) as IDataObject;
		// The API names the range startDate/endDate (from/to are silently ignored there).
		const qs: IDataObject = {
			startDate: toUtcIso.call(this, this.getNodeParameter('startDate', i), 'Start Date', i),
			endDate: toUtcIso.call(this, this.getNodeParameter('endDate', i), 'End Date', i),
		};
		const platforms = toList(filters.platforms);
		if (platforms.length) qs.platforms = platforms.join(',');
		const accounts = toList(filters.socialMediaIds);
		if (accounts.length)
			qs.socialMediaIds = checkUuids.call(this, accounts, 'Account IDs', i).join(',');
		const result = (await request('GET', ANALYTICS_PATH, { qs })) as { data?: IDataObject[] };
		return result.data ?? [];
	});
}
