/** The three per-account lookups (Pinterest boards, YouTube playlists, GBP locations) share this shape. */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { forEachItem, maxRateLimitWaitOption, rateLimitPolicy } from '../../../../shared/options';
import { accountPath, type ACCOUNT_LISTS } from '../../helpers/api';
import { getUuidParameter } from '../../helpers/utils';
import { postFastApiRequest } from '../../transport';
import { accountLocator } from '../common.descriptions';

export function accountListOperation(
	operation: string,
	endpoint: keyof typeof ACCOUNT_LISTS,
	searchListMethod: string,
	platform: string,
) {
	const properties: INodeProperties[] = [
		accountLocator({ description: `The ${platform} account` }, searchListMethod),
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [maxRateLimitWaitOption],
		},
	];
	return {
		description: updateDisplayOptions(
			{ show: { resource: ['socialAccount'], operation: [operation] } },
			properties,
		),
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
			return await forEachItem.call(this, async (i) => {
				const id = getUuidParameter.call(this, 'account', i, 'Account');
				return (await postFastApiRequest.call(this, 'GET', accountPath(id, endpoint), {
					itemIndex: i,
					rateLimit: rateLimitPolicy.call(this, i),
				})) as IDataObject[];
			});
		},
	};
}
