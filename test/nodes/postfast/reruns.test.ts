/**
 * PostFast has no idempotency key: Social Post → Create looks for each post (same account, time and
 * text; drafts by account and text) before creating it, so running a workflow again posts nothing
 * twice and uploads nothing again.
 */
import { describe, expect, it } from 'vitest';

import {
	accountOn,
	accounts,
	createParameters,
	inFuture,
	output,
	pf,
	PNG,
	requestsTo,
	runPostFast,
	useEmulator,
} from './setup';

useEmulator();

async function storedContents(): Promise<string[]> {
	const response = await fetch(`${pf.baseUrl}/social-posts?limit=50`, {
		headers: { 'pf-api-key': pf.apiKey },
	});
	return ((await response.json()) as { data: Array<{ content: string }> }).data
		.map((p) => p.content)
		.sort();
}

describe('a second run of the same workflow', () => {
	it('creates nothing and uploads nothing again; each item reports alreadyCreated with the first id', async () => {
		const x = accountOn(accounts, 'X');
		const instagram = accountOn(accounts, 'INSTAGRAM');
		const at = inFuture(pf);
		const parameters = createParameters({
			status: '={{ $json.at ? "SCHEDULED" : "DRAFT" }}',
			binaryProperties: '={{ $binary.data ? "data" : "" }}',
		});
		const items = [
			{ json: { account: x.id, text: 'text post', at } },
			{
				json: { account: instagram.id, text: 'photo post', at },
				binary: { data: { data: PNG, fileName: 'p.png', mimeType: 'image/png' } },
			},
			{ json: { account: x.id, text: 'a draft' } },
		];
		const first = await runPostFast(pf, parameters, { items });
		expect(first.status, first.error?.message).toBe('success');
		expect(output(first).map((o) => o.status)).toEqual(['created', 'created', 'created']);
		const sent = {
			creates: requestsTo(pf, 'POST', '/social-posts').length,
			uploads: requestsTo(pf, 'POST', '/file/get-signed-upload-urls').length,
			puts: pf.requests.filter((r) => r.method === 'PUT').length,
		};

		const second = await runPostFast(pf, parameters, { items });
		expect(second.status, second.error?.message).toBe('success');
		const again = output(second);
		expect(again.map((o) => o.status)).toEqual([
			'alreadyCreated',
			'alreadyCreated',
			'alreadyCreated',
		]);
		expect(again.map((o) => o.postId)).toEqual(output(first).map((o) => o.postId));
		expect(again[1].mediaItems).toHaveLength(1);
		expect(String(again[0].message)).toMatch(/same account, time and text/);
		expect(requestsTo(pf, 'POST', '/social-posts')).toHaveLength(sent.creates);
		expect(requestsTo(pf, 'POST', '/file/get-signed-upload-urls')).toHaveLength(sent.uploads);
		expect(pf.requests.filter((r) => r.method === 'PUT')).toHaveLength(sent.puts);
		expect(await storedContents()).toEqual(['a draft', 'photo post', 'text post']);
	});

	it('posts what differs in account, time or text, and two identical items need two posts', async () => {
		const x = accountOn(accounts, 'X');
		const bluesky = accountOn(accounts, 'BLUESKY');
		const at = inFuture(pf);
		await runPostFast(pf, createParameters(), {
			items: [{ json: { account: x.id, text: 'same', at } }],
		});
		const result = await runPostFast(pf, createParameters(), {
			items: [
				{ json: { account: x.id, text: 'same', at } },
				{ json: { account: x.id, text: 'same', at } },
				{ json: { account: bluesky.id, text: 'same', at } },
				{ json: { account: x.id, text: 'same', at: inFuture(pf, 2 * 86_400_000) } },
				{ json: { account: x.id, text: 'Same', at } },
			],
		});
		expect(result.status, result.error?.message).toBe('success');
		expect(output(result).map((o) => o.status)).toEqual([
			'alreadyCreated',
			'created',
			'created',
			'created',
			'created',
		]);
		expect(await storedContents()).toEqual(['Same', 'same', 'same', 'same', 'same']);
	});

	it('with "Look Up Existing Posts" off, the same post is posted again on purpose', async () => {
		const x = accountOn(accounts, 'X');
		const at = inFuture(pf);
		const parameters = createParameters({ options: { lookUpExisting: false } });
		const items = [{ json: { account: x.id, text: 'twice on purpose', at } }];
		await runPostFast(pf, parameters, { items });
		const again = await runPostFast(pf, parameters, { items });
		expect(output(again)[0].status).toBe('created');
		expect(requestsTo(pf, 'GET', '/social-posts')).toHaveLength(0);
		expect(await storedContents()).toEqual(['twice on purpose', 'twice on purpose']);
	});

	it('a failed look-up fails the items (nothing is sent blind) and says why', async () => {
		const x = accountOn(accounts, 'X');
		pf.faults.add({ method: 'GET', path: '/social-posts', kind: 'status', status: 503, times: 1 });
		const result = await runPostFast(pf, createParameters(), {
			items: [{ json: { account: x.id, text: 'not sent blind', at: inFuture(pf) } }],
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/PostFast 503 on GET \/social-posts/);
		expect(requestsTo(pf, 'POST', '/social-posts')).toHaveLength(0);
	});
});
