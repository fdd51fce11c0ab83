import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import { ALL_PROVIDER_IDENTIFIERS, postsiderPath } from '../../../../../contract/postsider';
import { rateLimitPolicy } from '../../../../shared/options';
import { postSiderRequest } from '../../transport';
import { requestOptions } from '../common.descriptions';

const properties: INodeProperties[] = [
	{
		displayName: 'Provider',
		name: 'provider',
		type: 'options',
		options: [...ALL_PROVIDER_IDENTIFIERS].sort().map((p) => ({ name: p, value: p })),
		default: 'x',
		description: 'The platform to connect',
	},
	{
		displayName: 'Reconnect Channel ID',
		name: 'refresh',
		type: 'string',
		default: '',
		description: 'To re-authorize an existing channel instead of adding a new one, its ID',
	},
	requestOptions,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['channel'], operation: ['connect'] } },
	properties,
);

/** `GET /social/:provider`: the OAuth URL a person opens to connect the channel. */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const provider = this.getNodeParameter('provider', i) as string;
	const refresh = this.getNodeParameter('refresh', i, '') as string;
	const response = await postSiderRequest.call(this, {
		method: 'GET',
		path: postsiderPath('connectChannel', { integration: provider }),
		...(refresh ? { qs: { refresh } } : {}),
		itemIndex: i,
		rateLimit: rateLimitPolicy.call(this, i),
	});
	return { provider, ...(response.body as IDataObject) };
}
