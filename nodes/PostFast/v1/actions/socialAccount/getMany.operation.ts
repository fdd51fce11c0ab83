import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { forEachItem } from '../../../../shared/items';
import { itemRequest } from '../../helpers/request';
import { ACCOUNTS_PATH, type SocialAccount } from '../../helpers/api';
import { PLATFORM_OPTIONS, optionsCollection } from '../common.descriptions';

const properties: INodeProperties[] = [
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Platforms',
				name: 'platforms',
				type: 'multiOptions',
				options: PLATFORM_OPTIONS,
				default: [],
				description: 'Only accounts on these platforms',
			},
			{
				displayName: 'Connection Status',
				name: 'connectionStatus',
				type: 'options',
				options: [
					{ name: 'Any', value: '' },
					{ name: 'Connected', value: 'CONNECTED' },
					{ name: 'Disabled', value: 'DISABLED' },
				],
				default: '',
				description:
					'Only connected or only disabled accounts (disabled accounts accept drafts only)',
			},
		],
	},
	optionsCollection(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['socialAccount'], operation: ['getMany'] } },
	properties,
);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await forEachItem.call(this, async (i) => {
		const request = itemRequest.call(this, i);
		const filters = this.getNodeParameter('filters', i, {}) as {
			platforms?: string[];
			connectionStatus?: string;
		};
		const accounts = (await request('GET', ACCOUNTS_PATH)) as SocialAccount[];
		return accounts.filter(
			(account) =>
				(!filters.platforms?.length || filters.platforms.includes(account.platform)) &&
				(!filters.connectionStatus ||
					(account.connectionStatus ?? 'CONNECTED') === filters.connectionStatus),
		) as unknown as IDataObject[];
	});
}
