import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { rateLimitPolicy } from '../../../../shared/options';
import { postSiderRequest } from '../../transport';
import { requestOptions } from '../common.descriptions';

const PROVIDERS = [
	'x', 'linkedin', 'linkedin-page', 'instagram', 'instagram-standalone', 'facebook', 'threads', 'youtube', 'gmb', 'blogger',
	'tiktok', 'pinterest', 'dribbble', 'discord', 'slack', 'twitch', 'mastodon', 'bluesky', 'lemmy', 'wrapcast', 'telegram',
	'nostr', 'medium', 'devto', 'hashnode', 'wordpress', 'listmonk', 'moltbook', 'whop', 'ghost', 'notion', 'mataroa', 'writeas',
];

const properties: INodeProperties[] = [
	{
		displayName: 'Provider',
		name: 'provider',
		type: 'options',
		options: PROVIDERS.map((p) => ({ name: p, value: p })),
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

export const description = updateDisplayOptions({ show: { resource: ['channel'], operation: ['connect'] } }, properties);

/** `GET /social/:provider`: the OAuth URL a person opens to connect the channel. */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const provider = this.getNodeParameter('provider', i) as string;
	const refresh = this.getNodeParameter('refresh', i, '') as string;
	const response = await postSiderRequest.call(this, {
		method: 'GET',
		path: `/social/${encodeURIComponent(provider)}`,
		...(refresh ? { qs: { refresh } } : {}),
		itemIndex: i,
		rateLimit: rateLimitPolicy.call(this, i),
	});
	return { provider, ...(response.body as IDataObject) };
}
