/** The org's channels, fetched once per execution (pickers, and provider lookup for settings). */
import { NodeOperationError, type IDataObject, type INode } from 'n8n-workflow';
import { postsiderPath, type Channel } from '../../../../contract/postsider';
import type { RateLimitPolicy, RequestContext } from '../../../shared/transport';
import { postSiderRequest } from '../transport';

export type { Channel };

export async function fetchChannels(
	this: RequestContext,
	group?: string,
	itemIndex?: number,
	rateLimit?: RateLimitPolicy,
): Promise<Channel[]> {
	const qs: IDataObject = group ? { group } : {};
	const response = await postSiderRequest.call<
		RequestContext,
		Parameters<typeof postSiderRequest>,
		ReturnType<typeof postSiderRequest<Channel[]>>
	>(this, { method: 'GET', path: postsiderPath('listChannels'), qs, itemIndex, rateLimit });
	return Array.isArray(response.body) ? response.body : [];
}

/** "Acme (linkedin-page)", with disabled channels marked so nobody schedules into them by mistake. */
export function channelLabel(channel: Channel): string {
	const base = `${channel.name} (${channel.identifier})`;
	return channel.disabled ? `${base} [disabled]` : base;
}

/** The ids in "Channel Names or IDs", refusing holes an expression left (`[undefined]`, `""`). */
export function chosenChannelIds(
	this: { getNode(): INode },
	value: unknown,
	itemIndex: number,
): string[] {
	const entries = Array.isArray(value)
		? value
		: typeof value === 'string'
			? value.split(',')
			: value === undefined || value === null
				? []
				: [value];
	const ids: string[] = [];
	entries.forEach((entry, n) => {
		const id = typeof entry === 'string' || typeof entry === 'number' ? String(entry).trim() : '';
		if (id === '' || id === 'undefined' || id === 'null') {
			if (!Array.isArray(value) && entry === '') return; // "a,,b" or a trailing comma
			throw new NodeOperationError(
				this.getNode(),
				`"Channel Names or IDs" has an empty entry at position ${n + 1}: ${JSON.stringify(entry ?? null)}`,
				{
					itemIndex,
					description:
						'An expression gave no channel ID (e.g. a field missing from this item). Check the expression, or pick the channels from the list.',
				},
			);
		}
		ids.push(id);
	});
	if (ids.length === 0) {
		throw new NodeOperationError(this.getNode(), 'No channel chosen', {
			itemIndex,
			description: 'Pick at least one channel in "Channel Names or IDs".',
		});
	}
	return [...new Set(ids)];
}

/**
 * The chosen channels from the organisation's list: an id that is not there, or a disabled channel
 * for a post that would publish, is refused before anything is uploaded or sent.
 */
export function resolveChannels(
	this: { getNode(): INode },
	ids: string[],
	known: Channel[],
	publishes: boolean,
	itemIndex: number,
): Channel[] {
	const unknown = ids.filter((id) => !known.some((c) => c.id === id));
	if (unknown.length > 0) {
		const available = known
			.filter((c) => !c.disabled)
			.slice(0, 10)
			.map((c) => `${channelLabel(c)}: ${c.id}`);
		throw new NodeOperationError(
			this.getNode(),
			`PostSider has no channel ${unknown.map((id) => `"${id}"`).join(', ')} in this organisation`,
			{
				itemIndex,
				description: `Nothing was uploaded or posted. Pick the channels from the list, or map their IDs. ${available.length ? `Channels: ${available.join('; ')}${known.length > available.length ? '; …' : ''}.` : 'The organisation has no enabled channels.'}`,
			},
		);
	}
	const channels = ids.map((id) => known.find((c) => c.id === id)!);
	const disabled = channels.filter((c) => c.disabled);
	if (publishes && disabled.length > 0) {
		throw new NodeOperationError(
			this.getNode(),
			`The channel${disabled.length > 1 ? 's' : ''} ${disabled.map((c) => `"${c.name}" (${c.identifier})`).join(', ')} ${disabled.length > 1 ? 'are' : 'is'} disabled in PostSider`,
			{
				itemIndex,
				description:
					'PostSider would store the post but never publish it there. Nothing was uploaded or posted: enable the channel in PostSider, remove it from "Channel Names or IDs", or save the post as a draft.',
			},
		);
	}
	return channels;
}
