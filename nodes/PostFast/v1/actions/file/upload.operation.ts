import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { rateLimitPolicy } from '../../../../shared/options';
import {
	binaryPropertyNames,
	readBinaryMedia,
	uploadAll,
	type PendingUpload,
	type UploadedMedia,
} from '../../helpers/media';
import { finishItems, type ItemOutcome } from '../../../../shared/items';
import { imagesPerRequestOption, optionsCollection } from '../common.descriptions';

const properties: INodeProperties[] = [
	{
		displayName: 'Binary Properties',
		name: 'binaryProperties',
		type: 'string',
		default: 'data',
		required: true,
		placeholder: 'e.g. data, photo_2',
		description:
			'Names of the binary properties holding the files, comma-separated; each file becomes one PostFast media key, in this order',
	},
	optionsCollection([imagesPerRequestOption]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['file'], operation: ['upload'] } },
	properties,
);

/** `mediaItems` entries ready for Social Post → Create ("Media From Earlier Uploads"). */
export function mediaItemsOf(media: UploadedMedia[]) {
	return media
		.filter((m) => m.type !== 'FILE')
		.map((m, sortOrder) => ({ key: m.key, type: m.type, sortOrder }));
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const outcomes: ItemOutcome[] = items.map(() => ({}));
	const pending: PendingUpload[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			pending.push(
				...(await readBinaryMedia.call(
					this,
					i,
					binaryPropertyNames(this.getNodeParameter('binaryProperties', i)),
				)),
			);
		} catch (error) {
			outcomes[i].error = error as Error;
			if (!this.continueOnFail()) return finishItems.call(this, outcomes);
		}
	}
	const options = this.getNodeParameter('options', 0, {}) as { imagesPerRequest?: number };
	const results = await uploadAll.call(
		this,
		pending,
		rateLimitPolicy.call(this, 0),
		options.imagesPerRequest,
	);
	const media: UploadedMedia[][] = items.map(() => []);
	results.forEach((result, n) => {
		const { itemIndex } = pending[n];
		if (result instanceof Error) outcomes[itemIndex].error ??= result;
		else media[itemIndex].push(result);
	});
	for (let i = 0; i < items.length; i++) {
		if (outcomes[i].error) continue;
		outcomes[i].output = [
			{
				json: {
					media: media[i],
					mediaItems: mediaItemsOf(media[i]),
					keys: media[i].map((m) => m.key),
				},
				...(items[i].binary ? { binary: items[i].binary } : {}),
			},
		];
	}
	return finishItems.call(this, outcomes);
}
