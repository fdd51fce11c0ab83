/**
 * PostFast Social Inbox (docs/postfast-api.md, Social Inbox): the `{data,totalCount,pageInfo}` envelope, a
 * foreign conversation answering `200 null`, POSTs answering 201, errors `{statusCode, message:
 * "inbox.<code>"}`, and the limits of (docs/postfast-api.md, Limits by profile) on the current profile.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { call, rateHeaders, startPostFast, type Emulator } from './helpers';

let pf: Emulator;
let otherKey: string;

beforeAll(async () => {
	pf = await startPostFast({ profile: 'current' });
	otherKey = pf.apiKeys.find((k) => k.apiKey !== pf.apiKey)!.apiKey;
});
afterAll(async () => pf.close());
beforeEach(() => pf.reset());

async function firstConversation(key = pf.apiKey) {
	const list = await call(pf, 'GET', '/social-inbox/conversations?limit=1', { key });
	return list.body.data[0] as { id: string; unreadCount: number };
}
async function itemsOf(conversationId: string) {
	return (await call(pf, 'GET', `/social-inbox/conversations/${conversationId}/items`)).body
		.data as Array<{ id: string; kind: string }>;
}

describe('docs/postfast-api.md, Social Inbox: Social Inbox', () => {
	it('conversations: the list envelope, 1-based pageInfo, one conversation per inbox-capable account', async () => {
		const a = await call(pf, 'GET', '/social-inbox/conversations?limit=2');
		expect(a.status).toBe(200);
		expect(a.body).toMatchObject({
			totalCount: 5,
			pageInfo: { page: 1, hasNextPage: true, perPage: 2 },
		});
		expect(rateHeaders(a)).toMatchObject({
			'x-ratelimit-limit-long': '1080',
			'x-ratelimit-limit-daily': '10800',
		});
	});

	it('a foreign conversation → 200 null; an unknown one → 200 null; items of a foreign one → 404 inbox.conversationNotFound', async () => {
		const foreign = await firstConversation(otherKey);
		const a = await call(pf, 'GET', `/social-inbox/conversations/${foreign.id}`);
		expect([a.status, a.text]).toEqual([200, 'null']);
		const items = await call(pf, 'GET', `/social-inbox/conversations/${foreign.id}/items`);
		expect([items.status, items.body]).toEqual([
			404,
			{ statusCode: 404, message: 'inbox.conversationNotFound' },
		]);
	});

	it('unread count, then mark-read (201) brings it down', async () => {
		const before = (await call(pf, 'GET', '/social-inbox/unread-count')).body.count;
		const conv = await firstConversation();
		const read = await call(pf, 'POST', `/social-inbox/conversations/${conv.id}/read`);
		expect([read.status, read.body.unreadCount]).toEqual([201, 0]);
		expect((await call(pf, 'GET', '/social-inbox/unread-count')).body.count).toBe(
			before - conv.unreadCount,
		);
	});

	it.each([
		[
			'reply → 201 with the new item',
			() => ['reply', { text: 'Thanks!' }],
			201,
			{ text: 'Thanks!', fromPage: true },
		],
		[
			'reply without text → 400 inbox.textRequired',
			() => ['reply', {}],
			400,
			{ statusCode: 400, message: 'inbox.textRequired' },
		],
		[
			'private reply to a comment → a MESSAGE',
			() => ['private-reply', { text: 'DM sent' }],
			201,
			{ kind: 'MESSAGE' },
		],
		['hide a comment', () => ['state', { action: 'HIDE' }], 201, { hidden: true, deleted: false }],
		[
			'an unknown action → 400 inbox.invalidAction',
			() => ['state', { action: 'ARCHIVE' }],
			400,
			{ message: 'inbox.invalidAction' },
		],
	])('items: %s', async (_n, build, status, expected) => {
		const conv = await firstConversation();
		const comment = (await itemsOf(conv.id)).find((i) => i.kind === 'COMMENT')!;
		const [what, body] = build() as [string, unknown];
		const a = await call(pf, 'POST', `/social-inbox/items/${comment.id}/${what}`, { body });
		expect(a.status, a.text).toBe(status);
		expect(a.body).toMatchObject(expected);
	});

	it('a reply with the same idempotencyKey is answered with the first reply, not posted twice', async () => {
		const conv = await firstConversation();
		const [item] = await itemsOf(conv.id);
		const send = () =>
			call(pf, 'POST', `/social-inbox/items/${item.id}/reply`, {
				body: { text: 'once', idempotencyKey: 'k-1' },
			});
		const first = await send();
		const second = await send();
		expect(second.body.id).toBe(first.body.id);
		expect((await itemsOf(conv.id)).filter((i) => i.id === first.body.id)).toHaveLength(1);
	});

	it('status and assign (201); a bad status → 400 inbox.invalidStatus; an unknown item → 404 inbox.itemNotFound', async () => {
		const conv = await firstConversation();
		expect(
			(
				await call(pf, 'POST', `/social-inbox/conversations/${conv.id}/status`, {
					body: { status: 'DONE' },
				})
			).body.status,
		).toBe('DONE');
		expect(
			(
				await call(pf, 'POST', `/social-inbox/conversations/${conv.id}/assign`, {
					body: { userId: 'user-7' },
				})
			).body.assigneeId,
		).toBe('user-7');
		expect(
			(
				await call(pf, 'POST', `/social-inbox/conversations/${conv.id}/status`, {
					body: { status: 'CLOSED' },
				})
			).body,
		).toEqual({ statusCode: 400, message: 'inbox.invalidStatus' });
		const unknown = await call(
			pf,
			'POST',
			'/social-inbox/items/00000000-0000-4000-8000-000000000009/reply',
			{ body: { text: 'x' } },
		);
		expect([unknown.status, unknown.body]).toEqual([
			404,
			{ statusCode: 404, message: 'inbox.itemNotFound' },
		]);
	});

	it('docs/postfast-api.md, Limits by profile: reply limits: short 180 and daily 420', async () => {
		const conv = await firstConversation();
		const [item] = await itemsOf(conv.id);
		const a = await call(pf, 'POST', `/social-inbox/items/${item.id}/reply`, {
			body: { text: 'x' },
		});
		expect(rateHeaders(a)).toMatchObject({
			'x-ratelimit-limit-short': '180',
			'x-ratelimit-limit-daily': '420',
		});
	});
});
