/**
 * Social Post operations against the real PostFast emulator, run through n8n-core's WorkflowExecute.
 */
import type { IDataObject } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';

import {
	accountOn,
	accounts,
	createParameters,
	inFuture,
	JPEG,
	output,
	pf,
	PNG,
	requestsTo,
	runPostFast,
	useEmulator,
} from './setup';

useEmulator();

async function storedPosts(ids: string[]) {
	const response = await fetch(`${pf.baseUrl}/social-posts?ids=${ids.join(',')}&limit=50`, {
		headers: { 'pf-api-key': pf.apiKey },
	});
	expect(response.status).toBe(200);
	return ((await response.json()) as { data: Array<Record<string, unknown>> }).data;
}

describe('Social Post → Create', () => {
	it('batches many items into as few create requests as 15-post batches and per-platform controls allow', async () => {
		const x = accountOn(accounts, 'X');
		const threads = accountOn(accounts, 'THREADS');
		const at = inFuture(pf);
		const items = Array.from({ length: 20 }, (_, n) => ({
			json: { account: n % 5 === 4 ? threads.id : x.id, text: `post ${n}`, at },
		}));
		const result = await runPostFast(
			pf,
			createParameters({ threadsControls: { threadsTopicTag: 'launch' } }),
			{ items },
		);

		expect(result.status).toBe('success');
		const out = output(result);
		expect(out).toHaveLength(20);
		// 16 X posts → 15 + 1; 4 Threads posts (their own controls) → 1; plus one account lookup.
		const creates = requestsTo(pf, 'POST', '/social-posts');
		expect(creates.map((r) => (r.body as { posts: unknown[] }).posts.length).sort()).toEqual([
			1, 15, 4,
		]);
		expect(requestsTo(pf, 'GET', '/social-media/my-social-accounts')).toHaveLength(1);
		for (const request of creates) {
			const body = request.body as {
				posts: Array<{ socialMediaId: string }>;
				controls?: Record<string, unknown>;
			};
			const toThreads = body.posts.every((p) => p.socialMediaId === threads.id);
			expect(body.controls).toEqual(toThreads ? { threadsTopicTag: 'launch' } : undefined);
		}
		// Every returned post id maps back to its own input item.
		result.outputs.PostFast.forEach((item, n) => {
			expect(item.pairedItem).toEqual({ item: n });
			expect(item.json.content).toBe(`post ${n}`);
		});
		const stored = await storedPosts(out.map((o) => String(o.postId)));
		expect(stored).toHaveLength(20);
		for (const o of out) {
			const post = stored.find((p) => p.id === o.postId)!;
			expect(post.content).toBe(o.content);
			expect(post.socialMediaId).toBe(o.socialMediaId);
		}
	});

	it('100 text items to several platforms without controls take one account lookup, one look for existing posts and ceil(100/15) = 7 creates', async () => {
		const targets = ['X', 'BLUESKY', 'THREADS', 'LINKEDIN'].map((platform) =>
			accountOn(accounts, platform),
		);
		const at = inFuture(pf);
		const items = Array.from({ length: 100 }, (_, n) => ({
			json: { account: targets[n % targets.length].id, text: `bulk ${n}`, at },
		}));
		const result = await runPostFast(pf, createParameters(), { items });
		expect(result.status, result.error?.message).toBe('success');
		expect(new Set(output(result).map((o) => o.postId)).size).toBe(100);
		expect(pf.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
			'GET /social-media/my-social-accounts',
			'GET /social-posts',
			...Array(7).fill('POST /social-posts'),
		]);
	});

	it('sends scheduled times as UTC, whatever offset the input has', async () => {
		const x = accountOn(accounts, 'X');
		const local = new Date(pf.clock.now() + 3 * 86_400_000);
		local.setUTCMinutes(0, 0, 0);
		const withOffset = new Date(local.getTime() + 2 * 3_600_000)
			.toISOString()
			.replace('Z', '+02:00');
		const result = await runPostFast(pf, createParameters(), {
			items: [{ json: { account: x.id, text: 'tz', at: withOffset } }],
		});
		expect(result.status).toBe('success');
		const [create] = requestsTo(pf, 'POST', '/social-posts');
		const sent = (create.body as { posts: Array<{ scheduledAt: string }> }).posts[0].scheduledAt;
		expect(sent).toBe(local.toISOString());
		expect(sent.endsWith('Z')).toBe(true);
	});

	it('reads "2027-01-20 10:00" (Sheets/SQL style) and 20.01.2027 10:00 in the workflow timezone', async () => {
		const x = accountOn(accounts, 'X');
		// 10:00 wall time in New York, three days ahead: 15:00 UTC in winter, 14:00 in summer.
		const day = new Date(pf.clock.now() + 3 * 86_400_000).toISOString().slice(0, 10);
		const [year, month, date] = day.split('-');
		const utc = new Date(`${day}T10:00:00Z`).getTime();
		const result = await runPostFast(pf, createParameters(), {
			timezone: 'America/New_York',
			items: [
				{ json: { account: x.id, text: 'sheet', at: `${day} 10:00` } },
				{ json: { account: x.id, text: 'dotted', at: `${date}.${month}.${year} 10:00` } },
			],
		});
		expect(result.error?.message).toBeUndefined();
		const [create] = requestsTo(pf, 'POST', '/social-posts');
		const sent = (create.body as { posts: Array<{ scheduledAt: string }> }).posts.map(
			(p) => p.scheduledAt,
		);
		expect(sent).toHaveLength(2);
		expect(sent[1]).toBe(sent[0]);
		const offsetHours = (Date.parse(sent[0]) - utc) / 3_600_000;
		expect([4, 5]).toContain(offsetHours);
	});

	it('refuses an ambiguous 01/20/2027 date and names the field and the forms it takes', async () => {
		const x = accountOn(accounts, 'X');
		const result = await runPostFast(pf, createParameters(), {
			items: [{ json: { account: x.id, text: 'us', at: '01/20/2027 10:00' } }],
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(
			'"Scheduled At" is not a date the node can read: "01/20/2027 10:00"',
		);
		expect((result.error as { description?: string }).description).toMatch(/2027-01-20 10:00/);
		expect(requestsTo(pf, 'POST', '/social-posts')).toHaveLength(0);
	});

	it('uploads binaries inline, sharing image URL requests across items, without the API key on S3', async () => {
		const instagram = accountOn(accounts, 'INSTAGRAM');
		const at = inFuture(pf);
		const items = [0, 1, 2].map((n) => ({
			json: { account: instagram.id, text: `carousel ${n}`, at },
			binary: {
				data: { data: PNG, fileName: `a${n}.png`, mimeType: 'image/png' },
				second: { data: PNG, fileName: `b${n}.png`, mimeType: 'image/png' },
			},
		}));
		items.push({
			json: { account: instagram.id, text: 'jpeg one', at },
			binary: { data: { data: JPEG, fileName: 'photo.jpg', mimeType: 'image/jpg' } } as never,
		});
		const result = await runPostFast(
			pf,
			createParameters({ binaryProperties: '={{ $binary.second ? "data, second" : "data" }}' }),
			{ items },
		);
		expect(result.status, result.error?.message).toBe('success');

		const urlRequests = requestsTo(pf, 'POST', '/file/get-signed-upload-urls');
		// 6 PNGs → ceil(6/4) = 2 requests; 1 JPEG (image/jpg corrected to image/jpeg) → 1 request.
		expect(urlRequests.map((r) => r.body)).toEqual([
			{ contentType: 'image/png', count: 4 },
			{ contentType: 'image/png', count: 2 },
			{ contentType: 'image/jpeg', count: 1 },
		]);
		const puts = pf.requests.filter((r) => r.method === 'PUT');
		expect(puts).toHaveLength(7);
		for (const put of puts) {
			expect(put.status).toBe(200);
			expect(put.headers['pf-api-key']).toBeUndefined();
			expect(JSON.stringify(put.headers)).not.toContain(pf.apiKey);
			expect(['image/png', 'image/jpeg']).toContain(put.headers['content-type']);
			expect(put.headers['content-length']).toBeDefined();
		}
		const out = output(result);
		expect(out.map((o) => (o.mediaItems as unknown[]).length)).toEqual([2, 2, 2, 1]);
		const stored = await storedPosts(out.map((o) => String(o.postId)));
		for (const o of out) {
			const post = stored.find((p) => p.id === o.postId)!;
			expect((post.mediaItems as Array<{ key: string }>).map((m) => m.key)).toEqual(
				(o.mediaItems as Array<{ key: string }>).map((m) => m.key),
			);
		}
	});

	it('refuses a scheduled post to a disabled account before sending, and creates drafts for it', async () => {
		const disabled = accountOn(
			accounts,
			accounts.find((a) => a.connectionStatus === 'DISABLED')!.platform,
			'DISABLED',
		);
		const x = accountOn(accounts, 'X');
		const at = inFuture(pf);
		const result = await runPostFast(pf, createParameters(), {
			items: [
				{ json: { account: disabled.id, text: 'to disabled', at } },
				{ json: { account: x.id, text: 'fine', at } },
			],
			node: { onError: 'continueRegularOutput' },
		});
		expect(result.status).toBe('success');
		const [bad, good] = output(result);
		expect(String(bad.error)).toMatch(/disconnected/);
		expect(String((bad.details as IDataObject).description)).toMatch(/Draft/);
		expect(good.postId).toBeTruthy();
		expect(requestsTo(pf, 'POST', '/social-posts')).toHaveLength(1);

		// The disabled demo account is on Instagram, which needs media even for drafts.
		const draft = await runPostFast(
			pf,
			createParameters({ status: 'DRAFT', binaryProperties: 'data' }),
			{
				items: [
					{
						json: { account: disabled.id, text: 'draft to disabled' },
						binary: { data: { data: PNG, fileName: 'd.png', mimeType: 'image/png' } },
					},
				],
			},
		);
		expect(draft.status, draft.error?.message).toBe('success');
		expect(output(draft)[0]).toMatchObject({ status: 'created', postStatus: 'DRAFT' });
	});
});

describe('Social Post → Get Many / Delete / Bulk Delete / Analytics', () => {
	async function seed(count: number, status = 'DRAFT'): Promise<string[]> {
		const x = accountOn(accounts, 'X');
		const result = await runPostFast(pf, createParameters({ status }), {
			items: Array.from({ length: count }, (_, n) => ({
				json: { account: x.id, text: `seed ${n}`, at: inFuture(pf, 3_600_000 * (n + 1)) },
			})),
		});
		expect(result.status, result.error?.message).toBe('success');
		return output(result).map((o) => String(o.postId));
	}

	it('returns all posts across pages, and honours limit and filters', async () => {
		const ids = await seed(60);
		pf.requests.length = 0;
		const all = await runPostFast(pf, {
			resource: 'socialPost',
			operation: 'getMany',
			returnAll: true,
			filters: { statuses: ['DRAFT'] },
		});
		expect(all.status).toBe('success');
		expect(output(all).map((p) => p.id)).toEqual(expect.arrayContaining(ids));
		const pages = requestsTo(pf, 'GET', '/social-posts');
		expect(pages.map((r) => r.query.page)).toEqual(['0', '1']);
		expect(pages.every((r) => r.query.statuses === 'DRAFT' && r.query.limit === '50')).toBe(true);

		const limited = await runPostFast(pf, {
			resource: 'socialPost',
			operation: 'getMany',
			returnAll: false,
			limit: 7,
			filters: {},
		});
		expect(output(limited)).toHaveLength(7);
		// 55 over two pages of 50: no post twice, none skipped.
		pf.requests.length = 0;
		const across = await runPostFast(pf, {
			resource: 'socialPost',
			operation: 'getMany',
			returnAll: false,
			limit: 55,
			filters: { statuses: ['DRAFT'] },
		});
		const acrossIds = output(across).map((p) => p.id);
		expect(new Set(acrossIds).size).toBe(55);
		expect(acrossIds).toEqual(
			output(all)
				.map((p) => p.id)
				.slice(0, 55),
		);
		expect(
			requestsTo(pf, 'GET', '/social-posts').map((r) => [r.query.page, r.query.limit]),
		).toEqual([
			['0', '50'],
			['1', '50'],
		]);

		const byIds = await runPostFast(pf, {
			resource: 'socialPost',
			operation: 'getMany',
			returnAll: true,
			filters: { ids: ids.slice(0, 3).join(', ') },
		});
		expect(
			output(byIds)
				.map((p) => p.id)
				.sort(),
		).toEqual(ids.slice(0, 3).sort());
	});

	it('filters by time range (as UTC), platform and account', async () => {
		const x = accountOn(accounts, 'X');
		const threads = accountOn(accounts, 'THREADS');
		const base = pf.clock.now() + 10 * 86_400_000;
		const result = await runPostFast(pf, createParameters(), {
			items: [0, 1, 2].flatMap((day) =>
				[x, threads].map((account) => ({
					json: {
						account: account.id,
						text: `${account.platform} day ${day}`,
						at: new Date(base + day * 86_400_000).toISOString(),
					},
				})),
			),
		});
		expect(result.status, result.error?.message).toBe('success');
		pf.requests.length = 0;
		const from = new Date(base + 86_400_000).toISOString().replace('Z', '+00:00');
		const filtered = await runPostFast(pf, {
			resource: 'socialPost',
			operation: 'getMany',
			returnAll: true,
			filters: {
				from,
				to: new Date(base + 2 * 86_400_000).toISOString(),
				platforms: ['THREADS'],
				socialMediaIds: threads.id,
				statuses: ['SCHEDULED'],
			},
		});
		expect(filtered.status, filtered.error?.message).toBe('success');
		expect(
			output(filtered)
				.map((p) => p.content)
				.sort(),
		).toEqual(['THREADS day 1', 'THREADS day 2']);
		const [request] = requestsTo(pf, 'GET', '/social-posts');
		expect(request.query).toMatchObject({
			from: new Date(base + 86_400_000).toISOString(),
			platforms: 'THREADS',
			socialMediaIds: threads.id,
		});

		const bad = await runPostFast(pf, {
			resource: 'socialPost',
			operation: 'getMany',
			returnAll: true,
			filters: { ids: 'not-a-uuid' },
		});
		expect(bad.status).toBe('error');
		expect(bad.error?.message).toMatch(/not UUIDs: not-a-uuid/);
	});

	it('deletes one post, reports an unknown id as not deleted, and bulk-deletes', async () => {
		const ids = await seed(4);
		const one = await runPostFast(pf, {
			resource: 'socialPost',
			operation: 'delete',
			postId: ids[0],
		});
		expect(output(one)).toEqual([{ id: ids[0], deleted: true }]);
		const again = await runPostFast(pf, {
			resource: 'socialPost',
			operation: 'delete',
			postId: ids[0],
		});
		expect(output(again)).toEqual([{ id: ids[0], deleted: false }]);

		const bulk = await runPostFast(pf, {
			resource: 'socialPost',
			operation: 'bulkDelete',
			postIds: ids.join(','),
		});
		expect(bulk.status).toBe('success');
		expect(output(bulk)[0].deletedIds).toEqual(expect.arrayContaining(ids.slice(1)));
		expect(output(bulk)[0].notFoundIds).toEqual([ids[0]]);
		expect(await storedPosts(ids)).toHaveLength(0);
	});

	it('bulk-deletes more than 100 ids in requests of 100, de-duplicated', async () => {
		const ids = await seed(3);
		const unknown = Array.from(
			{ length: 120 },
			(_, n) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
		);
		const result = await runPostFast(pf, {
			resource: 'socialPost',
			operation: 'bulkDelete',
			postIds: [...ids, ...unknown, ids[0]].join(', '),
		});
		expect(result.status, result.error?.message).toBe('success');
		const requests = requestsTo(pf, 'POST', '/social-posts/bulk-delete');
		expect(requests.map((r) => (r.body as { ids: string[] }).ids.length)).toEqual([100, 23]);
		expect((output(result)[0].deletedIds as string[]).sort()).toEqual([...ids].sort());
		expect(output(result)[0].notFoundIds).toHaveLength(120);
	});

	it('gets analytics of published posts with startDate/endDate (not from/to)', async () => {
		const x = accountOn(accounts, 'X');
		const start = new Date(pf.clock.now()).toISOString();
		const created = await runPostFast(pf, createParameters(), {
			items: [{ json: { account: x.id, text: 'to measure', at: inFuture(pf, 60_000) } }],
		});
		const postId = output(created)[0].postId;
		pf.clock.advance(10 * 60_000); // the emulator's publisher publishes it
		const end = new Date(pf.clock.now() + 60_000).toISOString();
		const result = await runPostFast(pf, {
			resource: 'socialPost',
			operation: 'getAnalytics',
			startDate: start,
			endDate: end,
			filters: { platforms: ['X'] },
		});
		expect(result.status, result.error?.message).toBe('success');
		const [request] = requestsTo(pf, 'GET', '/social-posts/analytics');
		expect(request.query).toMatchObject({ startDate: start, endDate: end, platforms: 'X' });
		expect(request.query.from).toBeUndefined();
		const measured = output(result).find((p) => p.id === postId);
		expect(measured).toBeDefined();
		expect(measured).toHaveProperty('latestMetric');
		expect(
			result.outputs.PostFast.every((item) => (item.pairedItem as { item: number }).item === 0),
		).toBe(true);
	});
});
