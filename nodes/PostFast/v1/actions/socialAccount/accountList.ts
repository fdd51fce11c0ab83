/** The three per-account lookups (Pinterest boards, YouTube playlists, GBP locations) share this shape. */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { forEachItem } from '../../../../shared/items';
import { itemRequest } from '../../helpers/request';
import { accountPath, type ACCOUNT_LISTS } from '../../helpers/api';
import { getUuidParameter } from '../../helpers/utils';
import { accountLocator, optionsCollection } from '../common.descriptions';

export function accountListOperation(
	operation: string,
	endpoint: keyof typeof ACCOUNT_LISTS,
	searchListMethod: string,
	platform: string,
) {
	const properties: INodeProperties[] = [
		accountLocator({ description: `The ${platform} account` }, searchListMethod),
		optionsCollection(),
	];
	return {
		description: updateDisplayOptions(
			{ show: { resource: ['socialAccount'], operation: [operation] } },
			properties,
		),
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
			return await forEachItem.call(this, async (i) => {
				const request = itemRequest.call(this, i);
				const id = getUuidParameter.call(this, 'account', i, 'Account');
				return (await request('GET', accountPath(id, endpoint))) as IDataObject[];
			});
		},
	};
}
