import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { forEachItem } from '../../../../shared/items';
import { itemRequest } from '../../helpers/request';
import { TIKTOK_SOUND_DATE_RANGES, accountPath } from '../../helpers/api';
import { getUuidParameter } from '../../helpers/utils';
import { accountLocator, optionsCollection } from '../common.descriptions';

const properties: INodeProperties[] = [
	accountLocator({ description: 'The TikTok account' }, 'searchTiktokAccounts'),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Country Code',
				name: 'countryCode',
				type: 'string',
				default: 'US',
				description: 'ISO 3166 alpha-2 country of the chart',
			},
			{
				displayName: 'Date Range',
				name: 'dateRange',
				type: 'options',
				options: TIKTOK_SOUND_DATE_RANGES.map((range) => ({ name: range, value: range })),
				default: '7DAY',
			},
			{
				displayName: 'Genre',
				name: 'genre',
				type: 'string',
				default: '',
				placeholder: 'e.g. POP',
				description: 'Only sounds of this genre (default: all)',
			},
		],
	},
	optionsCollection(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['socialAccount'], operation: ['getTiktokSounds'] } },
	properties,
);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await forEachItem.call(this, async (i) => {
		const request = itemRequest.call(this, i);
		const id = getUuidParameter.call(this, 'account', i, 'Account');
		const filters = this.getNodeParameter('filters', i, {}) as IDataObject;
		const qs: IDataObject = {};
		for (const [name, value] of Object.entries(filters)) if (value !== '') qs[name] = value;
		return await request<IDataObject[]>('GET', accountPath(id, 'tiktok-sounds'), { qs });
	});
}
