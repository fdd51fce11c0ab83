import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';
import { postsiderPath } from '../../../../contract/postsider';
import { channelLabel, fetchChannels } from '../helpers/channels';
import { postSiderRequest } from '../transport';

export async function getChannels(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const channels = await fetchChannels.call(this);
	return channels
		.sort((a, b) => Number(a.disabled) - Number(b.disabled) || a.name.localeCompare(b.name))
		.map((c) => ({
			name: channelLabel(c),
			value: c.id,
			description: c.disabled
				? 'Disabled in PostSider: posts to it fail at publish time'
				: (c.profile ?? undefined),
		}));
}

export async function getGroups(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const response = await postSiderRequest.call(this, {
		method: 'GET',
		path: postsiderPath('listGroups'),
	});
	const groups = Array.isArray(response.body)
		? (response.body as Array<{ id: string; name: string }>)
		: [];
	return groups.map((g) => ({ name: g.name, value: g.id }));
}
