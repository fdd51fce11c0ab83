import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import { rateLimitPolicy } from '../../../../shared/options';
import { fetchChannels } from '../../helpers/channels';
import { requestOptions } from '../common.descriptions';

const properties: INodeProperties[] = [
	{
		displayName: 'Group Name or ID',
		name: 'group',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getGroups' },
		default: '',
		description:
			'Only channels of this group. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Include Disabled',
		name: 'includeDisabled',
		type: 'boolean',
		default: false,
		description:
			'Whether to include channels that are disabled in PostSider (posts to them fail at publish time)',
	},
	requestOptions,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['channel'], operation: ['getMany'] } },
	properties,
);

/** `GET /integrations`: one item per channel. */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const group = this.getNodeParameter('group', i, '') as string;
	const includeDisabled = this.getNodeParameter('includeDisabled', i, false) as boolean;
	const channels = await fetchChannels.call(
		this,
		group || undefined,
		i,
		rateLimitPolicy.call(this, i),
	);
	return channels.filter((c) => includeDisabled || !c.disabled) as unknown as IDataObject[];
}
