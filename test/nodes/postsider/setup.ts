/**
 * Shared setup for the PostSider node tests: the real PostSider emulator, the node types, the
 * credential, and helpers to run the node in an in-process n8n workflow (test/helpers/n8n.ts).
 */
import type {
	IDataObject,
	ILoadOptionsFunctions,
	INodeListSearchResult,
	INodePropertyOptions,
} from 'n8n-workflow';

import { startPostSider } from '../../../emulators/src/index';
import { PostSiderApi } from '../../../credentials/PostSiderApi.credentials';
import { PostSider, PostSiderV1 } from '../../../nodes/PostSider/PostSider.node';
import { PostSiderTrigger } from '../../../nodes/PostSider/PostSiderTrigger.node';
import {
	PollHarness,
	jsonOf,
	runWorkflow,
	type InputItem,
	type WorkflowNode,
	type WorkflowResult,
} from '../../helpers/n8n';

export type Emulator = Awaited<ReturnType<typeof startPostSider>>;

export const NODE_TYPE = 'n8n-nodes-postspool.postSider';
export const TRIGGER_TYPE = 'n8n-nodes-postspool.postSiderTrigger';
export const NODE_NAME = 'PostSider';

export { jsonOf, PollHarness, PostSiderTrigger, startPostSider };

/** The credential as a user fills it in: the emulator's origin (the node appends /public/v1). */
export function credentialsFor(ps: Emulator, apiKey = ps.apiKey, baseUrl = ps.origin) {
	return { postSiderApi: { type: new PostSiderApi(), data: { apiKey, baseUrl } } };
}

export interface RunOptions {
	items?: InputItem[];
	apiKey?: string;
	baseUrl?: string;
	node?: Partial<WorkflowNode>;
	timezone?: string;
}

/** Runs `Start → PostSider(parameters)` against the emulator. */
export async function runPostSider(
	ps: Emulator,
	parameters: IDataObject,
	options: RunOptions = {},
): Promise<WorkflowResult> {
	return await runWorkflow({
		nodeTypes: { [NODE_TYPE]: new PostSider() },
		credentials: credentialsFor(ps, options.apiKey, options.baseUrl),
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

export function output(result: WorkflowResult): IDataObject[] {
	return jsonOf(result.outputs[NODE_NAME]);
}

/** Requests the emulator logged for `METHOD /public/v1<path>`. */
export function requestsTo(ps: Emulator, method: string, path: string | RegExp) {
	const full = typeof path === 'string' ? `/public/v1${path}` : path;
	return ps.requests.filter(
		(r) => r.method === method && (typeof full === 'string' ? r.path === full : full.test(r.path)),
	);
}

export interface Channel {
	id: string;
	name: string;
	identifier: string;
	disabled: boolean;
}

/** The demo organisation's channels, read straight from the API (not through the node). */
export async function channelsOf(ps: Emulator): Promise<Channel[]> {
	const response = await fetch(`${ps.baseUrl}/integrations`, {
		headers: { authorization: ps.apiKey },
	});
	if (!response.ok) throw new Error(`integrations: ${response.status} ${await response.text()}`);
	return (await response.json()) as Channel[];
}

export function channelOn(channels: Channel[], identifier: string, disabled = false): Channel {
	const found = channels.find((c) => c.identifier === identifier && c.disabled === disabled);
	if (!found)
		throw new Error(
			`The emulator's demo organisation has no ${disabled ? 'disabled' : 'enabled'} ${identifier} channel`,
		);
	return found;
}

/** Direct API call for arranging and checking state. */
export async function api(
	ps: Emulator,
	method: string,
	path: string,
	body?: unknown,
): Promise<{ status: number; body: any }> {
	const response = await fetch(`${ps.baseUrl}${path}`, {
		method,
		headers: {
			authorization: ps.apiKey,
			...(body !== undefined ? { 'content-type': 'application/json' } : {}),
		},
		...(body !== undefined ? { body: JSON.stringify(body) } : {}),
	});
	const text = await response.text();
	return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** Every main post of the org in a wide window, through the API. */
export async function allPosts(ps: Emulator): Promise<any[]> {
	const start = new Date(ps.clock.now() - 400 * 86_400_000).toISOString();
	const end = new Date(ps.clock.now() + 400 * 86_400_000).toISOString();
	const { body } = await api(
		ps,
		'GET',
		`/posts?startDate=${encodeURIComponent(start)}&endDate=${encodeURIComponent(end)}`,
	);
	return body.posts;
}

export const byId = (id: string) => ({ __rl: true, mode: 'id', value: id });

export function inFuture(ps: Emulator, ms = 86_400_000): string {
	return new Date(Math.floor((ps.clock.now() + ms) / 60_000) * 60_000).toISOString();
}

function v1() {
	return new PostSiderV1();
}

async function loadOptionsContext(ps: Emulator): Promise<ILoadOptionsFunctions> {
	const harness = new PollHarness({
		nodeType: v1(),
		type: NODE_TYPE,
		parameters: {},
		credentials: credentialsFor(ps),
		name: NODE_NAME,
	});
	return harness.loadOptionsContext('parameters.channel');
}

export async function listSearch(
	ps: Emulator,
	method: string,
	filter?: string,
): Promise<INodeListSearchResult> {
	const fn = (
		v1().methods.listSearch as Record<
			string,
			(this: ILoadOptionsFunctions, filter?: string) => Promise<INodeListSearchResult>
		>
	)[method];
	return await fn.call(await loadOptionsContext(ps), filter);
}

export async function loadOptions(ps: Emulator, method: string): Promise<INodePropertyOptions[]> {
	const fn = (
		v1().methods.loadOptions as Record<
			string,
			(this: ILoadOptionsFunctions) => Promise<INodePropertyOptions[]>
		>
	)[method];
	return await fn.call(await loadOptionsContext(ps));
}

/** Smallest files whose magic bytes the emulator's sniffing accepts. */
export const PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
	'base64',
);
export const MP4 = Buffer.concat([
	Buffer.from([0x00, 0x00, 0x00, 0x18]),
	Buffer.from('ftypmp42'),
	Buffer.alloc(12, 0),
	Buffer.alloc(64, 7),
]);
/** A WebM (EBML header): PostSider accepts the upload but posts cannot use `.webm`. */
export const WEBM = Buffer.concat([
	Buffer.from([
		0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0xf7, 0x81, 0x01, 0x42, 0xf2, 0x81,
		0x04, 0x42, 0xf3, 0x81, 0x08, 0x42, 0x82, 0x84,
	]),
	Buffer.from('webm'),
	Buffer.alloc(64, 0),
]);
