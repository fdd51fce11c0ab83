import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { forEachItem } from '../../../../shared/items';
import { itemRequest } from '../../helpers/request';
import { accountPath } from '../../helpers/api';
import { toUtcIso } from '../../../../shared/dates';
import { getUuidParameter } from '../../helpers/utils';
import { accountLocator, optionsCollection } from '../common.descriptions';

const properties: INodeProperties[] = [
	accountLocator(),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'From',
				name: 'from',
				type: 'dateTime',
				default: '',
				description: 'Start of the range (default: 90 days ago; the range is at most 365 days)',
			},
			{
				displayName: 'To',
				name: 'to',
				type: 'dateTime',
				default: '',
				description: 'End of the range (default: now)',
			},
		],
	},
	optionsCollection(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['socialAccount'], operation: ['getFollowerHistory'] } },
	properties,
);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await forEachItem.call(this, async (i) => {
		const request = itemRequest.call(this, i);
		const id = getUuidParameter.call(this, 'account', i, 'Account');
		const filters = this.getNodeParameter('filters', i, {}) as IDataObject;
		const qs: IDataObject = {};
		for (const name of ['from', 'to'] as const) {
			if (filters[name])
				qs[name] = toUtcIso.call(this, filters[name], name === 'from' ? 'From' : 'To', i);
		}
		return (await request('GET', accountPath(id, 'follower-history'), { qs })) as IDataObject;
	});
}
