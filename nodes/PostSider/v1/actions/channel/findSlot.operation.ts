import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import { rateLimitPolicy } from '../../../../shared/options';
import { findSlotToIso, postsiderPath } from '../../../../../contract/postsider';
import { postSiderRequest } from '../../transport';
import { channelLocator, requestOptions } from '../common.descriptions';

export const description = updateDisplayOptions(
	{ show: { resource: ['channel'], operation: ['findSlot'] } },
	[channelLocator, requestOptions],
);

/** `GET /find-slot/:id`; PostSider's UTC time without `Z` is returned with the `Z`, ready for Create. */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const id = this.getNodeParameter('channel', i, undefined, { extractValue: true }) as string;
	const response = await postSiderRequest.call(this, {
		method: 'GET',
		path: postsiderPath('findSlot', { id }),
		itemIndex: i,
		rateLimit: rateLimitPolicy.call(this, i),
	});
	const raw = String((response.body as IDataObject).date ?? '');
	return { channel: id, date: findSlotToIso(raw) };
}
