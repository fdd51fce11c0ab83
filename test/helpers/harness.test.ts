// Self-test of the in-process harness: a throwaway node calls a local echo server through
// httpRequestWithAuthentication; the harness must apply the generic authenticate, keep pairedItem,
// store binary data, honour continue-on-fail, and persist a poller's static data.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
	NodeApiError,
	NodeConnectionTypes,
	type ICredentialType,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type IPollFunctions,
} from 'n8n-workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PollHarness, jsonOf, runWorkflow } from './n8n';

class EchoApi implements ICredentialType {
	name = 'echoApi';
	displayName = 'Echo API';
	properties = [{ displayName: 'Key', name: 'key', type: 'string' as const, default: '' }];
	authenticate = {
		type: 'generic' as const,
		properties: { headers: { 'X-Key': '={{$credentials.key}}' } },
	};
}

let server: Server;
let origin = '';
let polls = 0;
beforeAll(async () => {
	server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			res.statusCode = req.url === '/fail' ? 500 : 200;
			res.setHeader('content-type', 'application/json');
			res.end(
				JSON.stringify({
					key: req.headers['x-key'],
					url: req.url,
					bytes: Buffer.concat(chunks).length,
				}),
			);
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const echoNode: INodeType = {
	description: {
		displayName: 'Echo',
		name: 'echo',
		group: ['transform'],
		version: 1,
		description: 'echo',
		defaults: { name: 'Echo' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'echoApi', required: true }],
		properties: [{ displayName: 'Path', name: 'path', type: 'string', default: '/' }],
	},
	async execute(this: IExecuteFunctions) {
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < this.getInputData().length; i++) {
			try {
				const bin = this.getInputData()[i].binary?.data;
				const bytes = bin ? (await this.helpers.getBinaryDataBuffer(i, 'data')).length : 0;
				const res = await this.helpers.httpRequestWithAuthentication.call(this, 'echoApi', {
					url: `${origin}${this.getNodeParameter('path', i) as string}`,
					json: true,
				});
				out.push({ json: { ...res, binBytes: bytes }, pairedItem: { item: i } });
			} catch (e) {
				if (this.continueOnFail()) {
					out.push({ json: { error: (e as Error).message }, pairedItem: { item: i } });
					continue;
				}
				throw new NodeApiError(this.getNode(), { message: (e as Error).message }, { itemIndex: i });
			}
		}
		return [out];
	},
};

const pollNode: INodeType = {
	description: {
		displayName: 'Poller',
		name: 'poller',
		group: ['trigger'],
		version: 1,
		description: 'poll',
		polling: true,
		defaults: { name: 'Poller' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	},
	async poll(this: IPollFunctions) {
		const data = this.getWorkflowStaticData('node');
		polls++;
		const last = (data.last as number | undefined) ?? 0;
		if (last >= 2 && this.getMode() !== 'manual') return null;
		data.last = last + 1;
		return [[{ json: { n: data.last } }]];
	},
};

describe('in-process n8n harness', () => {
	it('applies generic authenticate, passes binary data and keeps pairedItem', async () => {
		const result = await runWorkflow({
			nodeTypes: { 'test.echo': echoNode },
			credentials: { echoApi: { type: new EchoApi(), data: { key: 'k-123' } } },
			items: [
				{ json: { a: 1 } },
				{
					json: { a: 2 },
					binary: {
						data: { data: Buffer.from('hello'), fileName: 'h.txt', mimeType: 'text/plain' },
					},
				},
			],
			nodes: [{ name: 'Echo', type: 'test.echo', parameters: { path: '=/x/{{ $json.a }}' } }],
		});
		expect(result.status).toBe('success');
		expect(jsonOf(result.outputs.Echo)).toEqual([
			{ key: 'k-123', url: '/x/1', bytes: 0, binBytes: 0 },
			{ key: 'k-123', url: '/x/2', bytes: 0, binBytes: 5 },
		]);
		expect(result.outputs.Echo.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('reports node errors, and continue-on-fail turns them into items', async () => {
		const failing = await runWorkflow({
			nodeTypes: { 'test.echo': echoNode },
			credentials: { echoApi: { type: new EchoApi(), data: { key: 'k' } } },
			nodes: [{ name: 'Echo', type: 'test.echo', parameters: { path: '/fail' } }],
		});
		expect(failing.status).toBe('error');
		expect(failing.errors.Echo?.message).toMatch(/not able to process/);
		const continued = await runWorkflow({
			nodeTypes: { 'test.echo': echoNode },
			credentials: { echoApi: { type: new EchoApi(), data: { key: 'k' } } },
			nodes: [
				{
					name: 'Echo',
					type: 'test.echo',
					parameters: { path: '/fail' },
					onError: 'continueRegularOutput',
				},
			],
		});
		expect(continued.status).toBe('success');
		expect(jsonOf(continued.outputs.Echo)[0].error).toMatch(/not able to process/);
		expect(continued.outputs.Echo[0].pairedItem).toEqual({ item: 0 });
	});

	it('persists a poller static data between polls', async () => {
		const harness = new PollHarness({ nodeType: pollNode, type: 'test.poller', parameters: {} });
		expect(await harness.poll()).toEqual([[{ json: { n: 1 } }]]);
		expect(await harness.poll()).toEqual([[{ json: { n: 2 } }]]);
		expect(await harness.poll()).toBeNull();
		expect(harness.staticData).toEqual({ last: 2 });
		expect(polls).toBe(3);
	});
});
