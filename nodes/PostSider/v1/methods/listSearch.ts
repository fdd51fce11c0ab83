import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { channelLabel, fetchChannels } from '../helpers/channels';

/** Channel picker: enabled channels first, disabled ones marked; filter matches name, provider, profile. */
export async function searchChannels(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const wanted = (filter ?? '').trim().toLowerCase();
	const channels = await fetchChannels.call(this);
	const results = channels
		.filter(
			(c) =>
				!wanted ||
				[c.name, c.identifier, c.profile ?? '', c.id].some((v) => v.toLowerCase().includes(wanted)),
		)
		.sort((a, b) => Number(a.disabled) - Number(b.disabled) || a.name.localeCompare(b.name))
		.map((c) => ({ name: channelLabel(c), value: c.id }));
	return { results };
}
