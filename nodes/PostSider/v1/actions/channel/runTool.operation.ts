import {
	NodeOperationError,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import { postsiderPath } from '../../../../../contract/postsider';
import { rateLimitPolicy } from '../../../../shared/options';
import { postSiderRequest } from '../../transport';
import { channelLocator, requestOptions } from '../common.descriptions';

const properties: INodeProperties[] = [
	channelLocator,
	{
		displayName: 'Tool',
		name: 'methodName',
		type: 'string',
		default: 'boards',
		required: true,
		description:
			'The provider tool to run, as listed under "tools" by Get Settings Schema (e.g. "boards" on Pinterest lists the boards a pin can go to)',
	},
	{
		displayName: 'Data (JSON)',
		name: 'data',
		type: 'json',
		default: '{}',
		description: 'Arguments of the tool, if it takes any',
	},
	requestOptions,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['channel'], operation: ['runTool'] } },
	properties,
);

/** `POST /integration-trigger/:id`: one item per entry of the tool's output (e.g. one per board). */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const id = this.getNodeParameter('channel', i, undefined, { extractValue: true }) as string;
	const methodName = this.getNodeParameter('methodName', i) as string;
	const raw = this.getNodeParameter('data', i, '{}') as unknown;
	let data: unknown = raw;
	if (typeof raw === 'string') {
		try {
			data = raw.trim() ? (JSON.parse(raw) as unknown) : {};
		} catch {
			throw new NodeOperationError(this.getNode(), 'Data (JSON) is not valid JSON', {
				itemIndex: i,
				description: 'Write the tool arguments as a JSON object, e.g. {}',
			});
		}
	}
	const response = await postSiderRequest.call(this, {
		method: 'POST',
		path: postsiderPath('integrationTrigger', { id }),
		body: { methodName, data } as IDataObject,
		itemIndex: i,
		rateLimit: rateLimitPolicy.call(this, i),
	});
	const output = (response.body as IDataObject).output;
	if (Array.isArray(output)) {
		return (output as IDataObject[]).map((entry) =>
			entry && typeof entry === 'object'
				? { channel: id, ...entry }
				: { channel: id, value: entry },
		);
	}
	return [{ channel: id, output: output as IDataObject }];
}
