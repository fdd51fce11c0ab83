/**
 * The other PostSider routes (docs/postsider-api.md, Endpoints): listing and reading posts, status,
 * deletes and groups, find-slot, channels and groups, connect/disconnect, analytics, notifications,
 * the simulated publisher, approvals, is-connected and integration settings.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { FAKE_REFRESH_TOKEN, FAKE_TOKEN } from '../../../emulators/src/postsider/store';
import {
	call,
	channelId,
	createBody,
	disabledChannelId,
	startPostSider,
	type Emulator,
} from './helpers';

let ps: Emulator;
// A fixed start: Monday 2026-11-23 08:00 UTC.
const T0 = Date.parse('2026-11-23T08:00:00.000Z');
beforeAll(async () => {
	ps = await startPostSider({ apiLimit: 10_000, now: T0 });
});
afterAll(async () => ps?.close());
beforeEach(() => {
	ps.reset();
	ps.clock.set(T0);
});

async function create(
	provider: string,
	over: Record<string, unknown> = {},
	entry: Record<string, unknown> = {},
): Promise<string> {
	const a = await call(ps, 'POST', '/posts', { body: createBody(ps, provider, over, entry) });
	if (a.status !== 201) throw new Error(`create answered ${a.status}: ${a.text}`);
	return a.body[0].postId as string;
}

const RANGE = '/posts?startDate=2026-01-01T00:00:00Z&endDate=2027-12-31T00:00:00Z';

describe('GET /posts (docs/postsider-api.md, Listing posts)', () => {
	it('both dates missing → both messages; one bad → only that one', async () => {
		const none = await call(ps, 'GET', '/posts');
		expect(none.text).toBe(
			'{"message":["startDate must be a valid ISO 8601 date string","endDate must be a valid ISO 8601 date string"],"error":"Bad Request","statusCode":400}',
		);
		const one = await call(ps, 'GET', '/posts?startDate=2026-01-01&endDate=soon');
		expect(one.body.message).toEqual(['endDate must be a valid ISO 8601 date string']);
	});

	it('items have the documented fields (no image, no settings), every state, inclusive range', async () => {
		const id = await create('threads', { date: '2026-12-01T09:00:00Z' });
		const a = await call(
			ps,
			'GET',
			'/posts?startDate=2026-12-01T09:00:00Z&endDate=2026-12-01T09:00:00Z',
		);
		expect(a.status).toBe(200);
		expect(a.body.posts).toHaveLength(1);
		const item = a.body.posts[0];
		expect(Object.keys(item)).toEqual([
			'id',
			'content',
			'publishDate',
			'releaseURL',
			'releaseId',
			'state',
			'intervalInDays',
			'group',
			'creationMethod',
			'tags',
			'integration',
		]);
		expect(item).toMatchObject({
			id,
			state: 'QUEUE',
			publishDate: '2026-12-01T09:00:00.000Z',
			creationMethod: 'API',
		});
		expect(Object.keys(item.integration)).toEqual(['id', 'providerIdentifier', 'name', 'picture']);
	});

	it("customer filters by the channel's customer; deleted posts are gone", async () => {
		const a = await create('linkedin-page');
		const b = await create('threads');
		const customer = ps.store.channels.get(channelId(ps, 'linkedin-page'))!.customerId!;
		const filtered = await call(ps, 'GET', `${RANGE}&customer=${customer}`);
		expect(filtered.body.posts.map((p: { id: string }) => p.id)).toEqual([a]);
		await call(ps, 'DELETE', `/posts/${a}`);
		const all = await call(ps, 'GET', RANGE);
		expect(all.body.posts.map((p: { id: string }) => p.id)).toEqual([b]);
	});

	it('a recurring post (inter) is expanded up to endDate with actualDate, even before startDate', async () => {
		await create('threads', { date: '2026-12-01T09:00:00Z', inter: '7' });
		const a = await call(
			ps,
			'GET',
			'/posts?startDate=2026-12-10T00:00:00Z&endDate=2026-12-22T00:00:00Z',
		);
		expect(a.body.posts.map((p: { publishDate: string }) => p.publishDate)).toEqual([
			'2026-12-01T09:00:00.000Z',
			'2026-12-08T09:00:00.000Z',
			'2026-12-15T09:00:00.000Z',
		]);
		expect(a.body.posts[1].actualDate).toBe('2026-12-01T09:00:00.000Z');
	});
});

describe('GET /posts/:id (docs/postsider-api.md, Reading one post)', () => {
	it('returns the group, the chain of full rows, the parsed settings, and FAKE channel tokens', async () => {
		const id = await create(
			'x',
			{},
			{
				value: [
					{ content: 'main', image: [{ id: 'm1', path: 'https://cdn.example/a.png' }] },
					{ content: 'reply', image: [] },
				],
			},
		);
		const a = await call(ps, 'GET', `/posts/${id}`);
		expect(a.status).toBe(200);
		expect(Object.keys(a.body)).toEqual([
			'group',
			'integrationPicture',
			'integration',
			'settings',
			'posts',
		]);
		expect(a.body.settings).toEqual({ who_can_reply_post: 'everyone', __type: 'x' });
		expect(a.body.posts.map((p: { content: string }) => p.content)).toEqual(['main', 'reply']);
		expect(a.body.posts[0].image).toEqual([
			{
				id: 'm1',
				path: 'https://cdn.example/a.png',
				url: 'https://cdn.example/a.png',
				type: 'image',
			},
		]);
		expect(typeof a.body.posts[0].settings).toBe('string');
		expect(a.body.posts[0].integration).toMatchObject({
			token: FAKE_TOKEN,
			refreshToken: FAKE_REFRESH_TOKEN,
		});
		expect(a.body.posts[1].parentPostId).toBe(id);
	});

	it('unknown or deleted → 400 E2 "Post not found"', async () => {
		const id = await create('threads');
		await call(ps, 'DELETE', `/posts/${id}`);
		for (const target of [id, 'cnope']) {
			const a = await call(ps, 'GET', `/posts/${target}`);
			expect(a.status).toBe(400);
			expect(a.text).toBe('{"message":"Post not found","error":"Bad Request","statusCode":400}');
		}
	});
});

describe('PUT /posts/:id/status (docs/postsider-api.md, Changing status) and deletes (docs/postsider-api.md, Deleting posts)', () => {
	it('a bad status → E3; unknown id → E2; draft/schedule switch the state', async () => {
		const id = await create('threads');
		expect(
			(await call(ps, 'PUT', `/posts/${id}/status`, { body: { status: 'publish' } })).text,
		).toBe(
			'{"message":["status must be one of the following values: draft, schedule"],"error":"Bad Request","statusCode":400}',
		);
		expect(
			(await call(ps, 'PUT', '/posts/cnope/status', { body: { status: 'draft' } })).body.message,
		).toBe('Post not found');
		const a = await call(ps, 'PUT', `/posts/${id}/status`, { body: { status: 'draft' } });
		expect(a.status).toBe(200);
		expect(a.text).toBe(`{"id":"${id}","state":"DRAFT"}`);
		expect(
			(await call(ps, 'PUT', `/posts/${id}/status`, { body: { status: 'schedule' } })).body.state,
		).toBe('QUEUE');
	});

	it('a published post cannot change', async () => {
		const id = await create('threads', { type: 'now' });
		ps.tick();
		const a = await call(ps, 'PUT', `/posts/${id}/status`, { body: { status: 'draft' } });
		expect(a.text).toBe(
			'{"message":"Cannot change a post that is already published","error":"Bad Request","statusCode":400}',
		);
	});

	it('DELETE /posts/:id removes the whole thread of that channel; unknown → 400 E2', async () => {
		const id = await create(
			'threads',
			{},
			{
				value: [
					{ content: 'a', image: [] },
					{ content: 'b', image: [] },
				],
			},
		);
		expect((await call(ps, 'DELETE', `/posts/${id}`)).text).toBe('{"success":true}');
		expect([...ps.store.posts.values()].every((p) => p.deletedAt !== null)).toBe(true);
		const again = await call(ps, 'DELETE', `/posts/${id}`);
		expect(again.status).toBe(400);
		expect(again.body.message).toBe('Post not found');
	});

	it('DELETE /posts/group/:group always says success', async () => {
		const id = await create('threads');
		const group = ps.store.posts.get(id)!.group;
		expect((await call(ps, 'DELETE', `/posts/group/${group}`)).text).toBe('{"success":true}');
		expect(ps.store.posts.get(id)!.deletedAt).not.toBeNull();
		expect((await call(ps, 'DELETE', '/posts/group/unknown')).text).toBe('{"success":true}');
	});
});

describe('GET /find-slot/:id (docs/postsider-api.md, Next free slot)', () => {
	it('default slots 02:00, 06:40, 11:40 UTC; formatted without Z; the next free one', async () => {
		const x = channelId(ps, 'x');
		// 08:00 now → 11:40 today.
		expect((await call(ps, 'GET', `/find-slot/${x}`)).text).toBe('{"date":"2026-11-23T11:40:00"}');
		// Occupied by this channel → the next slot (tomorrow 02:00).
		await create('x', { date: '2026-11-23T11:40:00Z' });
		expect((await call(ps, 'GET', `/find-slot/${x}`)).body.date).toBe('2026-11-24T02:00:00');
		// Another channel's post does not occupy it.
		expect((await call(ps, 'GET', `/find-slot/${channelId(ps, 'threads')}`)).body.date).toBe(
			'2026-11-23T11:40:00',
		);
	});

	it('an unknown channel still answers 200 with the fallback hours 09/12/15/18 UTC', async () => {
		const a = await call(ps, 'GET', '/find-slot/cnope');
		expect(a.status).toBe(200);
		expect(a.body.date).toBe('2026-11-23T09:00:00');
	});
});

describe('channels and groups (docs/postsider-api.md, Channels and groups; Connecting and disconnecting; Other routes)', () => {
	it('GET /integrations lists the ten providers and the disabled channel; customer only when set', async () => {
		const a = await call(ps, 'GET', '/integrations');
		const identifiers = new Set(a.body.map((c: { identifier: string }) => c.identifier));
		for (const p of [
			'x',
			'linkedin',
			'linkedin-page',
			'instagram',
			'facebook',
			'tiktok',
			'youtube',
			'bluesky',
			'threads',
			'pinterest',
		])
			expect(identifiers.has(p), p).toBe(true);
		const disabled = a.body.find((c: { id: string }) => c.id === disabledChannelId(ps));
		expect(disabled).toMatchObject({ disabled: true });
		expect('customer' in disabled).toBe(false);
		const withCustomer = a.body.find(
			(c: { identifier: string }) => c.identifier === 'linkedin-page',
		);
		expect(Object.keys(withCustomer)).toEqual([
			'id',
			'name',
			'identifier',
			'picture',
			'disabled',
			'profile',
			'customer',
		]);
		expect(JSON.stringify(a.body)).not.toContain('token');
	});

	it('GET /integrations?group= filters by customer; GET /groups lists customers', async () => {
		const groups = await call(ps, 'GET', '/groups');
		expect(groups.body).toEqual([{ id: expect.any(String), name: 'Client A' }]);
		const a = await call(ps, 'GET', `/integrations?group=${groups.body[0].id}`);
		expect(a.body.map((c: { identifier: string }) => c.identifier).sort()).toEqual([
			'instagram',
			'linkedin-page',
		]);
	});

	it('GET /social/:integration → {url}; an unknown provider → 400 {msg}; reddit is not in PostSider', async () => {
		const a = await call(ps, 'GET', '/social/bluesky');
		expect(a.status).toBe(200);
		expect(a.body.url).toMatch(/^https:\/\//);
		expect((await call(ps, 'GET', '/social/reddit')).text).toBe(
			'{"msg":"Integration not allowed"}',
		);
	});

	it('DELETE /integrations/:id → the full row with deletedAt and FAKE tokens; unknown → 500 E7', async () => {
		const id = channelId(ps, 'threads');
		const post = await create('threads');
		const a = await call(ps, 'DELETE', `/integrations/${id}`);
		expect(a.status).toBe(200);
		expect(a.body).toMatchObject({
			id,
			providerIdentifier: 'threads',
			token: FAKE_TOKEN,
			refreshToken: FAKE_REFRESH_TOKEN,
			deletedAt: new Date(T0).toISOString(),
			postingTimes: '[{"time":120}, {"time":400}, {"time":700}]',
		});
		expect(ps.store.posts.get(post)!.deletedAt).not.toBeNull();
		expect(
			(await call(ps, 'GET', '/integrations')).body.some((c: { id: string }) => c.id === id),
		).toBe(false);
		const unknown = await call(ps, 'DELETE', '/integrations/cnope');
		expect(unknown.status).toBe(500);
		expect(unknown.text).toBe('{"statusCode":500,"message":"Internal server error"}');
	});

	it('GET /is-connected is true while an enabled channel exists', async () => {
		expect((await call(ps, 'GET', '/is-connected')).text).toBe('{"connected":true}');
		for (const c of ps.store.channels.values())
			if (c.organizationId === 'org-demo') c.disabled = true;
		expect((await call(ps, 'GET', '/is-connected')).text).toBe('{"connected":false}');
	});

	it('GET /integration-settings/:id → rules, maxLength, the settings schema; unknown → 404 {msg}', async () => {
		const a = await call(ps, 'GET', `/integration-settings/${channelId(ps, 'x')}`);
		expect(a.body.output).toMatchObject({
			maxLength: 280,
			settings: { required: ['who_can_reply_post'] },
		});
		const bluesky = await call(ps, 'GET', `/integration-settings/${channelId(ps, 'bluesky')}`);
		expect(bluesky.body.output.settings).toBe('No additional settings required');
		const unknown = await call(ps, 'GET', '/integration-settings/cnope');
		expect(unknown.status).toBe(404);
		expect(unknown.text).toBe('{"msg":"Integration not found"}');
	});

	it('POST /integration-trigger/:id runs the Pinterest boards tool (201); unknown tool → 404 {msg}', async () => {
		const a = await call(ps, 'POST', `/integration-trigger/${channelId(ps, 'pinterest')}`, {
			body: { methodName: 'boards', data: {} },
		});
		expect(a.status).toBe(201);
		expect(a.body.output[0]).toMatchObject({ id: expect.any(String), name: expect.any(String) });
		expect(
			(
				await call(ps, 'POST', `/integration-trigger/${channelId(ps, 'x')}`, {
					body: { methodName: 'nope' },
				})
			).text,
		).toBe('{"msg":"Tool not found"}');
	});
});

describe('the simulated publisher, notifications and analytics (docs/postsider-api.md, Missing content; Analytics; Notifications)', () => {
	it('a due post becomes PUBLISHED with a release URL, and a notification is written', async () => {
		const id = await create('threads', { date: '2026-11-23T09:00:00Z' });
		ps.clock.advance(59 * 60_000);
		expect(ps.store.posts.get(id)!.state).toBe('QUEUE');
		ps.clock.advance(60_000);
		const post = (await call(ps, 'GET', `/posts/${id}`)).body.posts[0];
		expect(post).toMatchObject({
			state: 'PUBLISHED',
			releaseURL: expect.stringMatching(/^https:\/\//),
			releaseId: expect.any(String),
		});
		const n = await call(ps, 'GET', '/notifications');
		expect(n.body).toMatchObject({ total: 1, page: 0, limit: 100, hasMore: false });
		expect(n.body.notifications[0]).toEqual({
			id: expect.any(String),
			content: 'Your post to Threads was published successfully',
			link: post.releaseURL,
			createdAt: '2026-11-23T09:00:00.000Z',
		});
	});

	it('"[fail]" in the content → ERROR with the error text; a disabled channel → ERROR at publish time', async () => {
		const failing = await create(
			'threads',
			{ type: 'now' },
			{ value: [{ content: 'please [fail]', image: [] }] },
		);
		const disabled = await create(
			'x',
			{ type: 'now' },
			{ integration: { id: disabledChannelId(ps) } },
		);
		ps.tick();
		expect(ps.store.posts.get(failing)).toMatchObject({
			state: 'ERROR',
			error: expect.stringContaining('failure'),
		});
		expect(ps.store.posts.get(disabled)).toMatchObject({
			state: 'ERROR',
			error: expect.stringContaining("because it's disabled"),
		});
		const n = await call(ps, 'GET', '/notifications');
		expect(n.body.total).toBe(2);
	});

	it('a past date on schedule publishes at once; drafts never publish', async () => {
		const past = await create('threads', { date: '2020-01-01T00:00:00Z' });
		const draft = await create('threads', { type: 'draft', date: '2020-01-01T00:00:00Z' });
		await call(ps, 'GET', '/groups'); // the publisher catches up before each request
		expect(ps.store.posts.get(past)!.state).toBe('PUBLISHED');
		expect(ps.store.posts.get(draft)!.state).toBe('DRAFT');
	});

	it('notifications: 100 per page, newest first; bad page values → E3', async () => {
		for (let i = 0; i < 105; i++) ps.store.notify('org-demo', `n${i}`);
		const p0 = await call(ps, 'GET', '/notifications');
		expect(p0.body.notifications).toHaveLength(100);
		expect(p0.body.notifications[0].content).toBe('n104');
		expect(p0.body.hasMore).toBe(true);
		const p1 = await call(ps, 'GET', '/notifications?page=1');
		expect(p1.body).toMatchObject({ page: 1, total: 105, hasMore: false });
		expect(p1.body.notifications).toHaveLength(5);
		expect((await call(ps, 'GET', '/notifications?page=abc')).body.message).toEqual([
			'page must not be less than 0',
			'page must be a number conforming to the specified constraints',
		]);
		expect((await call(ps, 'GET', '/notifications?page=-1')).body.message).toEqual([
			'page must not be less than 0',
		]);
	});

	it('channel analytics: canned series; unsupported providers; bad date → []; unknown channel → 500', async () => {
		const a = await call(ps, 'GET', `/analytics/${channelId(ps, 'x')}?date=7`);
		expect(a.status).toBe(200);
		expect(a.body[0]).toMatchObject({ label: 'Impressions', percentageChange: expect.any(Number) });
		expect(a.body[0].data).toHaveLength(7);
		expect(a.body[0].data[0]).toEqual({
			total: expect.stringMatching(/^\d+$/),
			date: expect.stringMatching(/^\d{4}-\d\d-\d\d$/),
		});
		expect((await call(ps, 'GET', `/analytics/${channelId(ps, 'bluesky')}?date=7`)).text).toBe(
			'{"unsupported":true}',
		);
		expect((await call(ps, 'GET', `/analytics/${channelId(ps, 'x')}`)).text).toBe('[]');
		expect((await call(ps, 'GET', '/analytics/cnope?date=7')).status).toBe(500);
	});

	it('post analytics: [] before publishing, series after, {"missing":true} when the release id is missing', async () => {
		const id = await create('x', { date: '2026-11-23T10:00:00Z' });
		expect((await call(ps, 'GET', `/analytics/post/${id}`)).text).toBe('[]');
		ps.clock.advance(2 * 3_600_000);
		const after = await call(ps, 'GET', `/analytics/post/${id}?date=abc`);
		expect(after.body[0].data).toHaveLength(7); // a bad date falls back to 7 days
		const missing = await create(
			'tiktok',
			{ type: 'now' },
			{
				value: [
					{ content: 'video [missing]', image: [{ id: 'v', path: 'https://cdn.example/v.mp4' }] },
				],
			},
		);
		ps.tick();
		expect((await call(ps, 'GET', `/analytics/post/${missing}`)).text).toBe('{"missing":true}');
		// docs/postsider-api.md, Missing content: the provider's recent items to link, then PUT release-id links one.
		const items = await call(ps, 'GET', `/posts/${missing}/missing`);
		expect(items.body).toHaveLength(3);
		const linked = await call(ps, 'PUT', `/posts/${missing}/release-id`, {
			body: { releaseId: items.body[0].id },
		});
		expect(linked.body.releaseId).toBe(items.body[0].id);
		expect((await call(ps, 'GET', `/posts/${id}/missing`)).text).toBe('[]');
	});
});

describe('approvals (docs/postsider-api.md, Other routes)', () => {
	it('a draft goes to APPROVAL (201 row); status reads back; non-drafts and replies are refused', async () => {
		const draft = await create(
			'threads',
			{ type: 'draft' },
			{
				value: [
					{ content: 'a', image: [] },
					{ content: 'b', image: [] },
				],
			},
		);
		expect((await call(ps, 'GET', `/posts/${draft}/approval`)).text).toBe('{"status":"NONE"}');
		const reply = ps.store.chain(ps.store.posts.get(draft)!)[1].id;
		expect((await call(ps, 'POST', `/posts/${reply}/request-approval`)).body.message).toBe(
			'Only the main post can be sent for approval',
		);
		const a = await call(ps, 'POST', `/posts/${draft}/request-approval`);
		expect(a.status).toBe(201);
		expect(a.body).toMatchObject({ postId: draft, status: 'PENDING' });
		expect((await call(ps, 'GET', `/posts/${draft}/approval`)).body).toMatchObject({
			status: 'PENDING',
			requestedAt: new Date(T0).toISOString(),
		});
		expect((await call(ps, 'POST', `/posts/${draft}/request-approval`)).body.message).toBe(
			'Only draft posts can be sent for approval',
		);
		expect(
			(await call(ps, 'PUT', `/posts/${draft}/status`, { body: { status: 'schedule' } })).body
				.message,
		).toBe('Cannot change a post that is pending approval');
		const unknown = await call(ps, 'POST', '/posts/cnope/request-approval');
		expect(unknown.text).toBe('{"message":"Post not found","error":"Not Found","statusCode":404}');
	});
});

describe('overview and customer report (docs/postsider-api.md, Other routes)', () => {
	it('counts per state over the window, per customer; days outside 1–365 → E3; unknown customer → E2', async () => {
		await create('linkedin-page');
		await create('threads', { type: 'draft' });
		const a = await call(ps, 'GET', '/overview?days=7');
		expect(a.status).toBe(200);
		expect(a.body).toMatchObject({
			generatedAt: new Date(T0).toISOString(),
			windowDays: 7,
			summary: { posts: 2, scheduled: 1, drafts: 1 },
		});
		const clientA = a.body.clients.find(
			(c: { customer: { name: string } | null }) => c.customer?.name === 'Client A',
		);
		expect(clientA).toMatchObject({ channels: 2, posts: 1 });
		expect((await call(ps, 'GET', '/overview')).body.windowDays).toBe(30);
		expect((await call(ps, 'GET', '/overview?days=0')).body.message).toEqual([
			'days must not be less than 1',
		]);
		const report = await call(ps, 'GET', `/customers/${clientA.customer.id}/report`);
		expect(report.body.summary).toMatchObject({ channels: 2, posts: 1 });
		expect((await call(ps, 'GET', '/customers/nope/report')).text).toBe(
			'{"message":"Customer not found","error":"Bad Request","statusCode":400}',
		);
	});
});

describe('value[].id upserts in place (docs/postsider-api.md, Creating posts)', () => {
	it('an existing id of the org is updated; an id of another org is never overwritten', async () => {
		const id = await create('threads');
		await create('threads', {}, { value: [{ id, content: 'edited in place', image: [] }] });
		expect(ps.store.posts.get(id)!.content).toBe('edited in place');
		const other = ps.apiKeys.find((k) => k.orgId === 'org-other')!.apiKey;
		const body = createBody(
			ps,
			'x',
			{},
			{
				integration: { id: channelId(ps, 'x', 'org-other') },
				value: [{ id, content: 'hijack', image: [] }],
			},
		);
		const a = await call(ps, 'POST', '/posts', { key: other, body });
		expect(a.status).toBe(201);
		expect(a.body[0].postId).not.toBe(id);
		expect(ps.store.posts.get(id)!.content).toBe('edited in place');
	});
});
