/**
 * The n8n nodes' create operations run in-process (n8n-core's WorkflowExecute through
 * test/helpers/n8n.ts) against the emulators: for the secrets scan of node outputs and for the
 * n8n benchmark (requests made and wall time for many input items).
 */
import type { IDataObject } from 'n8n-workflow';
import { PostFastApi } from '../../../credentials/PostFastApi.credentials';
import { PostSiderApi } from '../../../credentials/PostSiderApi.credentials';
import { PostFast } from '../../../nodes/PostFast/PostFast.node';
import { PostSider } from '../../../nodes/PostSider/PostSider.node';
import { type InputItem, type WorkflowResult, runWorkflow } from '../../helpers/n8n';
import type { Emulator } from './emulators';

export const PS_NODE = 'n8n-nodes-postspool.postSider';
export const PF_NODE = 'n8n-nodes-postspool.postFast';

/** Runs Start → PostSider(parameters). The credential's base URL is the emulator's origin. */
export function runPostSiderNode(
	ps: Emulator,
	parameters: IDataObject,
	items: InputItem[],
	apiKey = ps.apiKey,
): Promise<WorkflowResult> {
	return runWorkflow({
		nodeTypes: { [PS_NODE]: new PostSider() },
		credentials: {
			postSiderApi: { type: new PostSiderApi(), data: { apiKey, baseUrl: ps.origin } },
		},
		items,
		nodes: [
			{
				name: 'PostSider',
				type: PS_NODE,
				parameters: parameters as never,
				onError: 'continueRegularOutput',
			},
		],
	});
}

export function runPostFastNode(
	pf: Emulator,
	parameters: IDataObject,
	items: InputItem[],
	apiKey = pf.apiKey,
): Promise<WorkflowResult> {
	return runWorkflow({
		nodeTypes: { [PF_NODE]: new PostFast() },
		credentials: {
			postFastApi: { type: new PostFastApi(), data: { apiKey, baseUrl: pf.baseUrl } },
		},
		items,
		nodes: [
			{
				name: 'PostFast',
				type: PF_NODE,
				parameters: parameters as never,
				onError: 'continueRegularOutput',
			},
		],
	});
}

/** PostSider Post → Create: one scheduled post per item on the given channel, text from the item. */
export function postsiderCreateParams(channelId: string, scheduledAt: string): IDataObject {
	return {
		resource: 'post',
		operation: 'create',
		channelIds: [channelId],
		postType: 'schedule',
		scheduledAt,
		content: '={{ $json.text }}',
		binaryProperties: '',
	};
}

/** PostFast Social Post → Create: account, text and time from each item (the node batches them). */
export function postfastCreateParams(): IDataObject {
	return {
		resource: 'socialPost',
		operation: 'create',
		account: { __rl: true, mode: 'id', value: '={{ $json.account }}' },
		content: '={{ $json.text }}',
		status: 'SCHEDULED',
		scheduledAt: '={{ $json.at }}',
		binaryProperties: '',
	};
}
