import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import { postsiderPath } from '../../../../../contract/postsider';
import { rateLimitPolicy } from '../../../../shared/options';
import { postSiderRequest } from '../../transport';
import { channelLocator, daysProperty, requestOptions } from '../common.descriptions';

export const description = updateDisplayOptions(
	{ show: { resource: ['analytics'], operation: ['channel'] } },
	[channelLocator, daysProperty, requestOptions],
);

/** `GET /analytics/:id?date=<days>`: one item per metric (or `{unsupported: true}`). */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const id = this.getNodeParameter('channel', i, undefined, { extractValue: true }) as string;
	const days = this.getNodeParameter('days', i, 7) as number;
	const response = await postSiderRequest.call(this, {
		method: 'GET',
		path: postsiderPath('channelAnalytics', { integration: id }),
		qs: { date: String(days) },
		itemIndex: i,
		rateLimit: rateLimitPolicy.call(this, i),
	});
	const body = response.body;
	if (Array.isArray(body))
		return (body as IDataObject[]).map((metric) => ({ channel: id, ...metric }));
	return [{ channel: id, ...(body as IDataObject) }];
}
