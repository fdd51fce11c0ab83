import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import { postsiderPath } from '../../../../../contract/postsider';
import { rateLimitPolicy } from '../../../../shared/options';
import { postSiderRequest } from '../../transport';
import { daysProperty, postIdProperty, requestOptions } from '../common.descriptions';

export const description = updateDisplayOptions(
	{ show: { resource: ['analytics'], operation: ['post'] } },
	[postIdProperty, daysProperty, requestOptions],
);

/** `GET /analytics/post/:id?date=<days>`: one item per metric (none before the post is published). */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const id = this.getNodeParameter('postId', i) as string;
	const days = this.getNodeParameter('days', i, 7) as number;
	const response = await postSiderRequest.call(this, {
		method: 'GET',
		path: postsiderPath('postAnalytics', { postId: id }),
		qs: { date: String(days) },
		itemIndex: i,
		rateLimit: rateLimitPolicy.call(this, i),
	});
	const body = response.body;
	if (Array.isArray(body))
		return (body as IDataObject[]).map((metric) => ({ postId: id, ...metric }));
	return [{ postId: id, ...(body as IDataObject) }];
}
