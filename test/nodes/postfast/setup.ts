/**
 * Shared setup for the PostFast node tests: one real PostFast emulator per test file, the node
 * types, the credential, and small helpers to run a PostFast node in an in-process workflow.
 */
import { LoadOptionsContext } from 'n8n-core';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type {
	IDataObject,
	ILoadOptionsFunctions,
	INodeListSearchResult,
	INodePropertyOptions,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { startPostFast } from '../../../emulators/src/index';
import { PostFastApi } from '../../../credentials/PostFastApi.credentials';
import { PostFast, PostFastV1 } from '../../../nodes/PostFast/PostFast.node';
import { PostFastTrigger } from '../../../nodes/PostFast/PostFastTrigger.node';
import {
	PollHarness,
	jsonOf,
	runWorkflow,
	type InputItem,
	type WorkflowNode,
	type WorkflowResult,
} from '../../helpers/n8n';

export type Emulator = Awaited<ReturnType<typeof startPostFast>>;

export const NODE_TYPE = 'n8n-nodes-postspool.postFast';
export const TRIGGER_TYPE = 'n8n-nodes-postspool.postFastTrigger';
export const NODE_NAME = 'PostFast';

export { jsonOf, PollHarness, PostFastTrigger, startPostFast };

/** The emulator of the current test file and its demo accounts (live bindings set by `useEmulator`). */
export let pf: Emulator;
export let accounts: Account[];

/** One emulator per test file, reset (state, throttler, faults, log) before each test. */
export function useEmulator(options: Parameters<typeof startPostFast>[0] = {}): void {
	beforeAll(async () => {
		pf = await startPostFast(options);
		accounts = await accountsOf(pf);
	});
	afterAll(async () => {
		await pf.close();
	});
	beforeEach(() => {
		pf.reset();
	});
}

/** Social Post → Create with account, text and time taken from each item's json. */
export function createParameters(extra: IDataObject = {}): IDataObject {
	return {
		resource: 'socialPost',
		operation: 'create',
		account: byId('={{ $json.account }}'),
		content: '={{ $json.text }}',
		status: 'SCHEDULED',
		scheduledAt: '={{ $json.at }}',
		binaryProperties: '',
		...extra,
	};
}

export function credentialsFor(pf: Emulator, apiKey = pf.apiKey) {
	return { postFastApi: { type: new PostFastApi(), data: { apiKey, baseUrl: pf.baseUrl } } };
}

export interface RunOptions {
	items?: InputItem[];
	apiKey?: string;
	node?: Partial<WorkflowNode>;
	/** The workflow's timezone (what `getTimezone()` returns). */
	timezone?: string;
}

/** Runs `Start → PostFast(parameters)` against the emulator. */
export async function runPostFast(
	pf: Emulator,
	parameters: IDataObject,
	options: RunOptions = {},
): Promise<WorkflowResult> {
	return await runWorkflow({
		nodeTypes: { [NODE_TYPE]: new PostFast() },
		credentials: credentialsFor(pf, options.apiKey),
		...(options.items ? { items: options.items } : {}),
		...(options.timezone ? { settings: { timezone: options.timezone } } : {}),
		nodes: [
			{
				name: NODE_NAME,
				type: NODE_TYPE,
				parameters: parameters as WorkflowNode['parameters'],
				...options.node,
			},
		],
	});
}

/** The output json of the PostFast node. */
export function output(result: WorkflowResult): IDataObject[] {
	return jsonOf(result.outputs[NODE_NAME]);
}

/** Requests the emulator logged for `METHOD /path` (path without query). */
export function requestsTo(pf: Emulator, method: string, path: string | RegExp) {
	return pf.requests.filter(
		(r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)),
	);
}

export interface Account {
	id: string;
	platform: string;
	connectionStatus?: string;
	displayName?: string | null;
	platformUsername?: string | null;
}

/** The demo workspace's accounts, read straight from the API (not through the node). */
export async function accountsOf(pf: Emulator): Promise<Account[]> {
	const response = await fetch(`${pf.baseUrl}/social-media/my-social-accounts`, {
		headers: { 'pf-api-key': pf.apiKey },
	});
	if (!response.ok) throw new Error(`accounts: ${response.status} ${await response.text()}`);
	return (await response.json()) as Account[];
}

export function accountOn(accounts: Account[], platform: string, status = 'CONNECTED'): Account {
	const found = accounts.find(
		(a) => a.platform === platform && (a.connectionStatus ?? 'CONNECTED') === status,
	);
	if (!found) throw new Error(`The emulator's demo workspace has no ${status} ${platform} account`);
	return found;
}

/** A resource-locator value by ID. */
export const byId = (id: string) => ({ __rl: true, mode: 'id', value: id });

/** A future time as UTC ISO, relative to the emulator's clock. */
export function inFuture(pf: Emulator, ms = 86_400_000): string {
	return new Date(pf.clock.now() + ms).toISOString();
}

/** Calls a listSearch / loadOptions method of the node through a real n8n LoadOptionsContext. */
export async function loadOptionsContext(
	pf: Emulator,
	parameters: IDataObject,
): Promise<ILoadOptionsFunctions> {
	const harness = new PollHarness({
		nodeType: new PostFastV1(),
		type: NODE_TYPE,
		parameters: parameters as WorkflowNode['parameters'],
		credentials: credentialsFor(pf),
		name: NODE_NAME,
	});
	const additionalData = (harness as unknown as { additionalData: IWorkflowExecuteAdditionalData })
		.additionalData;
	// The editor sends the node's current parameters with every load-options call.
	return new LoadOptionsContext(
		harness.workflow,
		harness.node,
		{
			...additionalData,
			currentNodeParameters: parameters as IWorkflowExecuteAdditionalData['currentNodeParameters'],
		},
		'parameters.account',
	);
}

export async function listSearch(
	pf: Emulator,
	method: string,
	filter?: string,
	parameters: IDataObject = {},
): Promise<INodeListSearchResult> {
	const node = new PostFastV1();
	const fn = (
		node.methods.listSearch as Record<
			string,
			(this: ILoadOptionsFunctions, filter?: string) => Promise<INodeListSearchResult>
		>
	)[method];
	return await fn.call(await loadOptionsContext(pf, parameters), filter);
}

export async function loadOptions(
	pf: Emulator,
	method: string,
	parameters: IDataObject,
): Promise<INodePropertyOptions[]> {
	const node = new PostFastV1();
	const fn = (
		node.methods.loadOptions as Record<
			string,
			(this: ILoadOptionsFunctions) => Promise<INodePropertyOptions[]>
		>
	)[method];
	return await fn.call(await loadOptionsContext(pf, parameters));
}

/** Smallest valid files for upload tests (magic bytes right, so the emulator's sniffing accepts them). */
export const PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
	'base64',
);
export const JPEG = Buffer.concat([
	Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
	Buffer.alloc(60, 1),
	Buffer.from([0xff, 0xd9]),
]);
export const MP4 = Buffer.concat([
	Buffer.from([0x00, 0x00, 0x00, 0x18]),
	Buffer.from('ftypmp42'),
	Buffer.alloc(12, 0),
	Buffer.alloc(64, 7),
]);
