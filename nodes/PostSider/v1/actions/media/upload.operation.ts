import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import { rateLimitPolicy } from '../../../../shared/options';
import { hasPostableExtension, readBinaries, uploadBinary } from '../../helpers/media';
import { requestOptions } from '../common.descriptions';

const properties: INodeProperties[] = [
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the input binary field containing the file to upload',
	},
	requestOptions,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['media'], operation: ['upload'] } },
	properties,
);

/**
 * `POST /upload` (multipart `file`). PostSider decides the type from the bytes; `postable` says
 * whether the stored extension can be attached to a post (webm, mov, avif… cannot).
 */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const property = this.getNodeParameter('binaryPropertyName', i) as string;
	const [media] = await readBinaries.call(this, i, [property]);
	const stored = await uploadBinary.call(this, i, media, rateLimitPolicy.call(this, i));
	return { ...stored, postable: hasPostableExtension(String(stored.path ?? '')) };
}
