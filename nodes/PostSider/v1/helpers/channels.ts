/** The org's channels, fetched once per execution (pickers, and provider lookup for settings). */
import type { IDataObject } from 'n8n-workflow';
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
