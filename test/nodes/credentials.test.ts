/**
 * The base-URL rule on every request that carries a key (issue 12, the base-URL bullet): both
 * credentials' Test requests and the PostFast node refuse plain http to a non-loopback host and
 * user-info before sending, and never follow a redirect.
 *
 * A credential's Test request is run the way n8n's credentials tester runs it: as the routing
 * request of a one-property declarative node, through n8n-core's RoutingNode (expressions over
 * $credentials, the credential's `authenticate`, the real HTTP helper) against the emulators.
 */
import type { ICredentialTestRequest, ICredentialType, INodeType } from 'n8n-workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startPostFast, startPostSider } from '../../emulators/src/index';
import { PostFastApi } from '../../credentials/PostFastApi.credentials';
import { PostSiderApi } from '../../credentials/PostSiderApi.credentials';
import { PostFast } from '../../nodes/PostFast/PostFast.node';
import { runWorkflow } from '../helpers/n8n';

type PostFastEmulator = Awaited<ReturnType<typeof startPostFast>>;
type PostSiderEmulator = Awaited<ReturnType<typeof startPostSider>>;

let pf: PostFastEmulator;
let ps: PostSiderEmulator;

beforeAll(async () => {
	pf = await startPostFast();
	ps = await startPostSider();
});
afterAll(async () => {
	await pf.close();
	await ps.close();
});

const TEST_NODE = 'postspool-test.credentialTest';

/** What n8n's credentials tester builds from a credential's `test`: a declarative one-request node. */
function credentialTestNode(
	credential: ICredentialType & { test: ICredentialTestRequest },
): INodeType {
	return {
		description: {
			displayName: 'Credential Test',
			name: 'credentialTest',
			group: ['transform'],
			version: 1,
			description: '',
			defaults: { name: 'Credential Test' },
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: credential.name, required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					routing: { request: credential.test.request },
					default: '',
				},
			],
		},
	};
}

async function testCredential(
	credential: ICredentialType & { test: ICredentialTestRequest },
	data: { apiKey: string; baseUrl: string },
) {
	const result = await runWorkflow({
		nodeTypes: { [TEST_NODE]: credentialTestNode(credential) },
		credentials: { [credential.name]: { type: credential, data } },
		nodes: [{ name: 'Test', type: TEST_NODE, parameters: {} }],
	});
	return { status: result.status, message: result.errors.Test?.message };
}

const cases = () => [
	{
		name: 'PostFast',
		credential: new PostFastApi(),
		emulator: pf as PostFastEmulator | PostSiderEmulator,
		baseUrl: pf.baseUrl,
		apiKey: pf.apiKey,
		testPath: '/social-media/my-social-accounts',
	},
	{
		name: 'PostSider',
		credential: new PostSiderApi(),
		emulator: ps as PostFastEmulator | PostSiderEmulator,
		baseUrl: ps.origin,
		apiKey: ps.apiKey,
		testPath: '/public/v1/is-connected',
	},
];

describe.each(['PostFast', 'PostSider'])('%s credential Test request', (name) => {
	const setup = () => cases().find((c) => c.name === name)!;

	it('passes against the service on loopback http', async () => {
		const { credential, baseUrl, apiKey } = setup();
		expect(await testCredential(credential, { apiKey, baseUrl })).toMatchObject({
			status: 'success',
		});
	});

	it.each([
		['http://api.example.com', /plain http, which would send the API key unencrypted/],
		['https://user:secret@api.example.com', /must not contain a user name or password/],
		['api.example.com', /is not a URL/],
	])('refuses %s before sending the key', async (baseUrl, message) => {
		const { credential, apiKey } = setup();
		const result = await testCredential(credential, { apiKey, baseUrl });
		expect(result.status).toBe('error');
		expect(result.message).toMatch(message);
	});

	it('does not follow a redirect with the key', async () => {
		const { credential, emulator, baseUrl, apiKey, testPath } = setup();
		emulator.faults.add({
			method: 'GET',
			path: testPath,
			kind: 'status',
			status: 302,
			body: '',
			headers: { Location: `${baseUrl}/followed-with-the-key` },
			times: 1,
		});
		const before = emulator.requests.length;
		const result = await testCredential(credential, { apiKey, baseUrl });
		expect(result.status).toBe('error');
		expect(emulator.requests.slice(before).map((r) => r.path)).toEqual([testPath]);
	});
});

describe('PostFast node base URL', () => {
	async function listAccounts(baseUrl: string) {
		return await runWorkflow({
			nodeTypes: { 'n8n-nodes-postspool.postFast': new PostFast() },
			credentials: {
				postFastApi: { type: new PostFastApi(), data: { apiKey: pf.apiKey, baseUrl } },
			},
			nodes: [
				{
					name: 'PostFast',
					type: 'n8n-nodes-postspool.postFast',
					parameters: { resource: 'socialAccount', operation: 'getMany', filters: {} },
				},
			],
		});
	}

	it.each([
		['http://api.postfast.example', /plain http, which would send the API key unencrypted/],
		['https://user:pw@api.postfa.st', /must not contain a user name or password/],
		['https://api.postfa.st/?key=1', /must not have a query or fragment/],
	])('refuses %s before sending anything', async (baseUrl, message) => {
		const before = pf.requests.length;
		const result = await listAccounts(baseUrl);
		expect(result.errors.PostFast?.message).toMatch(message);
		expect(pf.requests.length).toBe(before);
	});

	it('accepts loopback http with a trailing slash', async () => {
		const result = await listAccounts(`${pf.baseUrl}/`);
		expect(result.status, result.error?.message).toBe('success');
	});
});
