import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import { postsiderPath } from '../../../../../contract/postsider';
import { rateLimitPolicy } from '../../../../shared/options';
import { postSiderRequest } from '../../transport';
import { channelLocator, requestOptions } from '../common.descriptions';

export const description = updateDisplayOptions(
	{ show: { resource: ['channel'], operation: ['getSettings'] } },
	[channelLocator, requestOptions],
);

/** `GET /integration-settings/:id`: the channel's rules, max length and settings JSON schema. */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const id = this.getNodeParameter('channel', i, undefined, { extractValue: true }) as string;
	const response = await postSiderRequest.call(this, {
		method: 'GET',
		path: postsiderPath('integrationSettings', { id }),
		itemIndex: i,
		rateLimit: rateLimitPolicy.call(this, i),
	});
	const output = (response.body as IDataObject).output;
	return {
		channel: id,
		...(output && typeof output === 'object' ? (output as IDataObject) : { output }),
	};
}
