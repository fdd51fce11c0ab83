import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { forEachItem } from '../../../../shared/items';
import { itemRequest } from '../../helpers/request';
import { CONNECT_LINK_PATH } from '../../helpers/api';
import { PLATFORM_OPTIONS, optionsCollection } from '../common.descriptions';

const properties: INodeProperties[] = [
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'Email',
				name: 'email',
				type: 'string',
				placeholder: 'name@email.com',
				default: '',
				description: 'Where to send the link (needed when Send Email is on)',
			},
			{
				displayName: 'Expiry Days',
				name: 'expiryDays',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 30 },
				default: 7,
				description: 'How many days the link stays valid (1–30)',
			},
			{
				displayName: 'External ID',
				name: 'externalId',
				type: 'string',
				default: '',
				description:
					'Your own reference for the person connecting (max 128 characters: letters, digits and -._~:@)',
			},
			{
				displayName: 'Platforms',
				name: 'platforms',
				type: 'multiOptions',
				options: PLATFORM_OPTIONS,
				default: [],
				description: 'Platforms offered on the connect page (default: all)',
			},
			{
				displayName: 'Redirect URL',
				name: 'redirectUrl',
				type: 'string',
				default: '',
				description: 'Where to send the person after connecting (https)',
			},
			{
				displayName: 'Send Email',
				name: 'sendEmail',
				type: 'boolean',
				default: false,
				description: 'Whether PostFast emails the link to Email',
			},
		],
	},
	optionsCollection(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['socialAccount'], operation: ['createConnectLink'] } },
	properties,
);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await forEachItem.call(this, async (i) => {
		const request = itemRequest.call(this, i);
		const fields = this.getNodeParameter('additionalFields', i, {}) as IDataObject;
		const body: IDataObject = {};
		for (const [key, value] of Object.entries(fields)) {
			if (value === '' || (Array.isArray(value) && value.length === 0)) continue;
			body[key] = value;
		}
		if (body.sendEmail === true && !body.email) {
			throw new NodeOperationError(this.getNode(), 'Send Email is on but no Email is set', {
				itemIndex: i,
				description: 'Add the Email field, or turn Send Email off.',
			});
		}
		return (await request('POST', CONNECT_LINK_PATH, { body })) as IDataObject;
	});
}
