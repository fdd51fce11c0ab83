/**
 * Error paths: PostFast's 400 codes, 401/403 keys, 429 waits and failures, 5xx, S3 errors,
 * continue-on-fail, and that a post PostFast accepted is never sent again.
 */
import { NodeApiError, type IDataObject } from 'n8n-workflow';
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

const listAccounts = { resource: 'socialAccount', operation: 'getMany', filters: {} };

/**
 * Media keys per item (`$json.media`): a key that was never uploaded is a refusal only PostFast
 * can make (the node cannot know which keys exist), so it stands for any server-side 400.
 */
const withMediaKeys = { additionalFields: { mediaItemsJson: '={{ $json.media ?? [] }}' } };
const NEVER_UPLOADED = [{ key: 'image/never-uploaded.png', type: 'IMAGE' }];

describe('On Error → Continue (using error output)', () => {
	it("n8n-core's routing sends failed items of a per-item operation to the error output", async () => {
		pf.faults.add({
			method: 'GET',
			path: '/social-media/my-social-accounts',
			kind: 'status',
			status: 500,
			times: 1,
		});
		const result = await runPostFast(pf, listAccounts, {
			items: [{ json: { n: 0 } }, { json: { n: 1 } }],
			node: { onError: 'continueErrorOutput' },
		});
		expect(result.status).toBe('success');
		const [success, failed] = result.branches.PostFast;
		expect(failed).toHaveLength(1);
		expect(failed[0].pairedItem).toEqual({ item: 0 });
		expect(failed[0].json).toMatchObject({
			n: 0,
			error: expect.stringMatching(/500/),
			details: { status: 500, kind: 'server', description: expect.any(String) },
		});
		expect(success.length).toBeGreaterThan(0);
		expect(success.every((item) => (item.pairedItem as { item: number }).item === 1)).toBe(true);
	});

	it('a batched Create sends the refused post to the error output and the created one to success', async () => {
		const disabled = accounts.find((a) => a.connectionStatus === 'DISABLED')!;
		const x = accountOn(accounts, 'X');
		const at = inFuture(pf);
		const result = await runPostFast(pf, createParameters(), {
			items: [
				{ json: { account: disabled.id, text: 'to disabled', at } },
				{ json: { account: x.id, text: 'fine', at } },
			],
			node: { onError: 'continueErrorOutput' },
		});
		expect(result.status).toBe('success');
		const [success, failed] = result.branches.PostFast;
		expect(success).toHaveLength(1);
		expect(success[0].json.postId).toBeTruthy();
		expect(success[0].pairedItem).toEqual({ item: 1 });
		expect(failed).toHaveLength(1);
		expect(failed[0].pairedItem).toEqual({ item: 0 });
		expect(String(failed[0].json.error)).toMatch(/disconnected/);
		expect(String((failed[0].json.details as IDataObject).description)).toMatch(/Draft/);
	});
});

describe('service errors reach the user with their reason', () => {
	it('a 400 with a PostFast code names the code, the status and what to fix', async () => {
		const x = accountOn(accounts, 'X');
		const result = await runPostFast(
			pf,
			createParameters({
				additionalFields: { mediaItemsJson: '[{"key":"image/never-uploaded.png","type":"IMAGE"}]' },
			}),
			{
				items: [{ json: { account: x.id, text: 'unknown media key', at: inFuture(pf) } }],
			},
		);
		expect(result.status).toBe('error');
		const error = result.errors.PostFast as NodeApiError;
		expect(error.message).toMatch(/PostFast 400 on POST \/social-posts/);
		expect(error.message).toContain('image/never-uploaded.png');
		expect(error.httpCode).toBe('400');
		expect(error.description).toMatch(
			/PostFast code media\.invalidMedia\. .*Upload the file again/,
		);
		expect(error.context.apiError).toMatchObject({ status: 400, code: 'media.invalidMedia' });
	});

	it('a post PostFast would refuse for its platform fails before anything is sent', async () => {
		const threads = accountOn(accounts, 'THREADS');
		const pinterest = accountOn(accounts, 'PINTEREST');
		const x = accountOn(accounts, 'X');
		const at = inFuture(pf);
		const result = await runPostFast(
			pf,
			createParameters({
				controlsPlatforms: ['THREADS'],
				threadsControls: { threadsTopicTag: 'a.b&c' },
			}),
			{
				items: [
					{ json: { account: threads.id, text: 'bad tag', at } },
					{ json: { account: pinterest.id, text: 'no board, no media', at } },
					{ json: { account: x.id, text: 'fine', at } },
				],
				node: { onError: 'continueRegularOutput' },
			},
		);
		expect(result.status).toBe('success');
		const [tag, pin, ok] = output(result);
		expect(String(tag.error)).toMatch(/THREADS post of item 0: .*threadsTopicTag/);
		expect(String((tag.details as IDataObject).description)).toMatch(
			/PostFast code threadsTopicTag\.invalid.*nothing was sent/,
		);
		expect(String(pin.error)).toMatch(/PINTEREST/);
		expect(ok.postId).toBeTruthy();
		const creates = requestsTo(pf, 'POST', '/social-posts');
		expect(creates).toHaveLength(1);
		expect((creates[0].body as { posts: unknown[] }).posts).toHaveLength(1);
	});

	it('a past or too distant scheduled time is refused before anything is sent, naming the item', async () => {
		const x = accountOn(accounts, 'X');
		const result = await runPostFast(pf, createParameters(), {
			items: [
				{ json: { account: x.id, text: 'on time', at: inFuture(pf) } },
				{
					json: { account: x.id, text: 'late', at: new Date(Date.now() - 3_600_000).toISOString() },
				},
				{
					json: {
						account: x.id,
						text: 'far',
						at: new Date(Date.now() + 400 * 86_400_000).toISOString(),
					},
				},
			],
			node: { onError: 'continueRegularOutput' },
		});
		expect(result.status).toBe('success');
		const [ok, late, far] = output(result);
		expect(ok.postId).toBeTruthy();
		expect(late.error).toBe(
			'PostFast would refuse the X post of item 1: scheduledAt must be in the future',
		);
		expect(String((late.details as IDataObject).description)).toMatch(
			/^Field "Scheduled At" \(scheduledAt\)\. .*nothing was sent/,
		);
		expect(far.error).toMatch(/item 2: scheduledAt must be within 1 year from now/);
		// One create, holding only the good post: no 400, no batch sent again.
		const creates = requestsTo(pf, 'POST', '/social-posts');
		expect(creates.map((r) => r.status)).toEqual([201]);
		expect(
			(creates[0].body as { posts: Array<{ content: string }> }).posts.map((p) => p.content),
		).toEqual(['on time']);
	});

	it.each([
		['a wrong key', 'not-the-key-000000000000000000000000000000=', /40[13]/],
		['an empty key', '', /40[13]/],
	])('%s is reported as a credential problem', async (_name, apiKey, status) => {
		const result = await runPostFast(pf, listAccounts, { apiKey });
		expect(result.status).toBe('error');
		const error = result.errors.PostFast as NodeApiError;
		expect(error.httpCode).toMatch(status);
		expect(error.description).toMatch(/refused the API key/);
		expect((error as NodeApiError & { failure?: { cause: string } }).failure?.cause).toBe(
			'credential-invalid',
		);
		if (apiKey) expect(JSON.stringify(error)).not.toContain(apiKey);
		expect(JSON.stringify(result.run.data)).not.toContain(pf.apiKey);
	});

	it('a 5xx fails with the status and a temporarily-unavailable cause; continue-on-fail keeps going', async () => {
		pf.faults.add({
			method: 'GET',
			path: '/social-media/my-social-accounts',
			kind: 'status',
			status: 503,
			times: 1,
		});
		const failed = await runPostFast(pf, listAccounts);
		expect(failed.status).toBe('error');
		const error = failed.errors.PostFast as NodeApiError & { failure?: { cause: string } };
		expect(error.httpCode).toBe('503');
		expect(error.failure?.cause).toBe('temporarily-unavailable');

		pf.faults.add({
			method: 'GET',
			path: '/social-media/my-social-accounts',
			kind: 'status',
			status: 500,
			times: 1,
		});
		const kept = await runPostFast(pf, listAccounts, {
			items: [{ json: { n: 0 } }, { json: { n: 1 } }],
			node: { onError: 'continueRegularOutput' },
		});
		expect(kept.status).toBe('success');
		const out = kept.outputs.PostFast;
		expect(out[0].json).toMatchObject({ error: expect.stringMatching(/500/) });
		expect(out[0].pairedItem).toEqual({ item: 0 });
		expect(
			out
				.slice(1)
				.every((item) => item.pairedItem && (item.pairedItem as { item: number }).item === 1),
		).toBe(true);
		expect(out.length).toBeGreaterThan(1);
	});

	it('an S3 5xx is sent once more (the PUT overwrites the same object), then succeeds', async () => {
		pf.faults.add({
			method: 'PUT',
			path: /./,
			kind: 'status',
			status: 503,
			times: 1,
			body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>',
		});
		const result = await runPostFast(
			pf,
			{ resource: 'file', operation: 'upload', binaryProperties: 'data' },
			{
				items: [
					{ json: {}, binary: { data: { data: PNG, fileName: 'p.png', mimeType: 'image/png' } } },
				],
			},
		);
		expect(result.status, result.error?.message).toBe('success');
		expect(pf.requests.filter((r) => r.method === 'PUT').map((r) => r.status)).toEqual([503, 200]);
		expect(requestsTo(pf, 'POST', '/file/get-signed-upload-urls')).toHaveLength(1);
	});

	it('an S3 refusal fails only the item whose file it was, with the S3 code', async () => {
		pf.faults.add({
			method: 'PUT',
			path: /./,
			kind: 'status',
			status: 403,
			times: 1,
			body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>',
		});
		const result = await runPostFast(
			pf,
			{ resource: 'file', operation: 'upload', binaryProperties: 'data' },
			{
				items: [0, 1].map((n) => ({
					json: { n },
					binary: { data: { data: PNG, fileName: `p${n}.png`, mimeType: 'image/png' } },
				})),
				node: { onError: 'continueRegularOutput' },
			},
		);
		expect(result.status).toBe('success');
		const [first, second] = output(result);
		expect(String(first.error)).toMatch(/403 AccessDenied/);
		const [put] = pf.requests.filter((r) => r.method === 'PUT');
		const signature = new URLSearchParams(put.query).get('X-Amz-Signature')!;
		expect(signature.length).toBeGreaterThan(10);
		expect(JSON.stringify(output(result))).not.toContain(signature);
		expect(String((first.details as IDataObject).description)).toMatch(/expired/);
		expect(second.keys).toHaveLength(1);
	});
});

describe('rate limits', () => {
	it('fails at once with cause rate-limited and the time to retry when the block is long', async () => {
		pf.faults.add({
			method: 'GET',
			path: '/social-media/my-social-accounts',
			kind: 'status',
			status: 429,
			times: 1,
			headers: { 'Retry-After-long': '2395', 'Retry-After': '2395' },
			body: { statusCode: 429, message: 'ThrottlerException: Too Many Requests' },
		});
		const started = Date.now();
		const result = await runPostFast(pf, listAccounts);
		expect(Date.now() - started).toBeLessThan(5_000);
		expect(result.status).toBe('error');
		const error = result.errors.PostFast as NodeApiError & {
			failure?: { cause: string; retryAfterMs?: number };
		};
		expect(error.httpCode).toBe('429');
		expect(error.failure).toMatchObject({ cause: 'rate-limited', retryAfterMs: 2_395_000 });
		expect(error.description).toMatch(/long window/);
	});

	it('waits out a short Retry-After-<window> with sleep and succeeds on the same request', async () => {
		pf.faults.add({
			method: 'GET',
			path: '/social-media/my-social-accounts',
			kind: 'status',
			status: 429,
			times: 1,
			headers: { 'Retry-After-short': '1' },
			body: { statusCode: 429, message: 'ThrottlerException: Too Many Requests' },
		});
		const started = Date.now();
		const result = await runPostFast(pf, listAccounts);
		expect(result.status, result.error?.message).toBe('success');
		expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
		expect(requestsTo(pf, 'GET', '/social-media/my-social-accounts').map((r) => r.status)).toEqual([
			429, 200,
		]);
	});
});

describe('never a duplicate post', () => {
	it('with continue-on-fail, a failed batch does not resend or lose the accepted one', async () => {
		const x = accountOn(accounts, 'X');
		const threads = accountOn(accounts, 'THREADS');
		const at = inFuture(pf);
		const result = await runPostFast(
			pf,
			createParameters({
				controlsPlatforms: ['THREADS'],
				threadsControls: { threadsTopicTag: 'launch' },
				...withMediaKeys,
			}),
			{
				items: [
					{ json: { account: x.id, text: 'x ok', at } },
					{ json: { account: threads.id, text: 'threads refused', at, media: NEVER_UPLOADED } },
				],
				node: { onError: 'continueRegularOutput' },
			},
		);
		expect(result.status).toBe('success');
		const [ok, bad] = output(result);
		expect(ok.postId).toBeTruthy();
		expect(String(bad.error)).toMatch(/400/);
		const creates = requestsTo(pf, 'POST', '/social-posts');
		expect(creates.filter((r) => r.status === 201)).toHaveLength(1);
	});

	it('one refused post in a batch does not stop the others of that batch', async () => {
		const x = accountOn(accounts, 'X');
		const at = inFuture(pf);
		const result = await runPostFast(pf, createParameters(withMediaKeys), {
			items: [
				{ json: { account: x.id, text: 'a', at } },
				{ json: { account: x.id, text: 'b refused', at, media: NEVER_UPLOADED } },
				{ json: { account: x.id, text: 'c', at } },
			],
			node: { onError: 'continueRegularOutput' },
		});
		expect(result.status).toBe('success');
		const [a, b, c] = output(result);
		expect(a.postId).toBeTruthy();
		expect(c.postId).toBeTruthy();
		expect(String(b.error)).toMatch(/400/);
		// Each accepted post was sent in exactly one successful request.
		const accepted = requestsTo(pf, 'POST', '/social-posts')
			.filter((r) => r.status === 201)
			.flatMap((r) =>
				(r.body as { posts: Array<{ content: string }> }).posts.map((p) => p.content),
			);
		expect(accepted.sort()).toEqual(['a', 'c']);
		// PostFast named the post (posts.1.…), so only it was taken out: one refused request, one accepted.
		expect(requestsTo(pf, 'POST', '/social-posts').map((r) => r.status)).toEqual([400, 201]);
	});

	it('a node retry after a later batch failed does not send the accepted batch again', async () => {
		const x = accountOn(accounts, 'X');
		const threads = accountOn(accounts, 'THREADS');
		const at = inFuture(pf);
		// The second create request (the Threads batch) fails once with a 500; the node-level retry runs the node again.
		pf.faults.add({
			method: 'POST',
			path: '/social-posts',
			kind: 'status',
			status: 500,
			times: 1,
			skip: 1,
		});
		const result = await runPostFast(
			pf,
			createParameters({
				controlsPlatforms: ['THREADS'],
				threadsControls: { threadsTopicTag: 'ok' },
			}),
			{
				items: [
					{ json: { account: x.id, text: 'first batch', at } },
					{ json: { account: threads.id, text: 'second batch', at } },
				],
				node: { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 },
			},
		);
		expect(result.status, result.error?.message).toBe('success');
		const creates = requestsTo(pf, 'POST', '/social-posts');
		// 201 (X batch), 500 (Threads batch, injected), then the retry: only the Threads batch, 201.
		expect(creates.map((r) => r.status)).toEqual([201, 500, 201]);
		const accepted = creates
			.filter((r) => r.status === 201)
			.flatMap((r) =>
				(r.body as { posts: Array<{ content: string }> }).posts.map((p) => p.content),
			);
		expect(accepted.sort()).toEqual(['first batch', 'second batch']);
		const [first, second] = output(result);
		expect(first).toMatchObject({ status: 'alreadyCreated' });
		// Once the node succeeded, the memo is gone from the workflow's static data.
		expect(JSON.stringify(result.run.data)).not.toContain('postFastAccepted');
		expect(second.postId).toBeTruthy();
		const stored = pf.store.posts as unknown as Map<string, unknown> | unknown[];
		expect(stored).toBeDefined();
	});

	it('a create whose answer was lost is looked up, not sent again: a stored post counts as accepted', async () => {
		const x = accountOn(accounts, 'X');
		const at = inFuture(pf);
		// As if an earlier attempt reached PostFast and only its answer was lost: the post exists.
		const earlier = await fetch(`${pf.baseUrl}/social-posts`, {
			method: 'POST',
			headers: { 'pf-api-key': pf.apiKey, 'content-type': 'application/json' },
			body: JSON.stringify({
				posts: [{ content: 'lost answer', socialMediaId: x.id, scheduledAt: at }],
			}),
		});
		const [storedId] = ((await earlier.json()) as { postIds: string[] }).postIds;
		pf.faults.add({ method: 'POST', path: '/social-posts', kind: 'reset', times: 1 });
		// Without the look-up before creating (it would find the stored post first).
		const result = await runPostFast(pf, createParameters({ options: { lookUpExisting: false } }), {
			items: [
				{ json: { account: x.id, text: 'lost answer', at } },
				{ json: { account: x.id, text: 'never arrived', at } },
			],
			node: { onError: 'continueRegularOutput' },
		});
		expect(result.status).toBe('success');
		const [found, missing] = output(result);
		expect(found).toMatchObject({ postId: storedId, reconciled: true });
		expect(String(missing.error)).toMatch(/no response|connection to the server was closed/i);
		const lookups = requestsTo(pf, 'GET', '/social-posts');
		expect(lookups).toHaveLength(1);
		expect(lookups[0].query).toMatchObject({ socialMediaIds: x.id, from: at, to: at });
		// Only the one stored post exists with that text: nothing was created twice.
		const listed = await fetch(`${pf.baseUrl}/social-posts?socialMediaIds=${x.id}&limit=50`, {
			headers: { 'pf-api-key': pf.apiKey },
		});
		const posts = ((await listed.json()) as { data: Array<{ content: string }> }).data;
		expect(posts.filter((p) => p.content === 'lost answer')).toHaveLength(1);
		expect(posts.filter((p) => p.content === 'never arrived')).toHaveLength(0);
	});

	it('a connection reset on a read fails with no response and a temporarily-unavailable cause', async () => {
		pf.faults.add({
			method: 'GET',
			path: '/social-media/my-social-accounts',
			kind: 'reset',
			times: 1,
		});
		const result = await runPostFast(pf, listAccounts);
		expect(result.status).toBe('error');
		const error = result.errors.PostFast as NodeApiError & { failure?: { cause: string } };
		expect(error.message).toMatch(/no response|connection to the server was closed/i);
		expect(error.failure?.cause).toBe('temporarily-unavailable');
		expect(error.description).toMatch(/Base URL|reachable/);
	});

	it('without continue-on-fail the error says which items were already created', async () => {
		const x = accountOn(accounts, 'X');
		const threads = accountOn(accounts, 'THREADS');
		const at = inFuture(pf);
		const result = await runPostFast(
			pf,
			createParameters({
				controlsPlatforms: ['THREADS'],
				threadsControls: { threadsTopicTag: 'launch' },
				...withMediaKeys,
			}),
			{
				items: [
					{ json: { account: x.id, text: 'created', at } },
					{ json: { account: threads.id, text: 'refused', at, media: NEVER_UPLOADED } },
				],
			},
		);
		expect(result.status).toBe('error');
		expect((result.errors.PostFast as NodeApiError).description).toMatch(
			/already created the posts of items 0/,
		);
	});
});
