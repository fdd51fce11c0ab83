/** The Social Inbox (docs/postfast-api.md, Social Inbox): conversations, their items, replies and item states. */
import { randomUUID } from 'node:crypto';

import {
	DEFAULT_PAGE_SIZE,
	INBOX_ITEM_ACTIONS,
	MAX_PAGE_SIZE,
	type InboxConversation,
	type InboxItem,
} from '../../../../contract/postfast';
import {
	short,
	uuidParam,
	validation,
	type Ctx,
	type Handlers,
	type Kit,
	type Reply,
} from '../pipeline';
import type { Conversation, InboxEntry } from '../store';

export function inboxRoutes({
	store,
	clock,
}: Kit): Pick<
	Handlers,
	| 'inboxConversations'
	| 'inboxConversation'
	| 'inboxItems'
	| 'inboxUnreadCount'
	| 'inboxReply'
	| 'inboxPrivateReply'
	| 'inboxItemState'
	| 'inboxMarkRead'
	| 'inboxStatus'
	| 'inboxAssign'
> {
	function conversation(c: Ctx, id: string): Conversation | undefined {
		const conv = store.conversations.get(id);
		return conv && conv.workspaceId === c.workspace.id ? conv : undefined;
	}

	function requireConversation(c: Ctx): Conversation {
		const conv = conversation(c, uuidParam(c.params.id));
		if (!conv) throw short('inbox.conversationNotFound', 404);
		return conv;
	}

	function conversationView(v: Conversation): InboxConversation {
		const { workspaceId: _w, lastItemAt, ...rest } = v;
		return { ...rest, lastItemAt: new Date(lastItemAt).toISOString() };
	}

	function entryView(e: InboxEntry): InboxItem {
		return {
			id: e.id,
			conversationId: e.conversationId,
			kind: e.kind,
			text: e.text,
			authorName: e.authorName,
			fromPage: e.fromPage,
			hidden: e.hidden,
			createdAt: new Date(e.createdAt).toISOString(),
		};
	}

	function pageOf<T>(c: Ctx, all: T[]): Reply {
		const q = c.url.searchParams;
		const page = q.get('page') === null ? 0 : Number(q.get('page'));
		const limit = q.get('limit') === null ? DEFAULT_PAGE_SIZE : Number(q.get('limit'));
		const messages: string[] = [];
		if (!Number.isInteger(page) || page < 0) messages.push('page must not be less than 0');
		if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE)
			messages.push(`limit must be between 1 and ${MAX_PAGE_SIZE}`);
		if (messages.length > 0) throw validation(messages);
		return {
			status: 200,
			body: {
				data: all.slice(page * limit, (page + 1) * limit),
				totalCount: all.length === 0 ? null : all.length,
				pageInfo: { page: page + 1, hasNextPage: (page + 1) * limit < all.length, perPage: limit },
			},
		};
	}

	function inboxConversations(c: Ctx): Reply {
		const status = c.url.searchParams.get('status')?.toUpperCase();
		const all = [...store.conversations.values()]
			.filter((v) => v.workspaceId === c.workspace.id && (!status || v.status === status))
			.sort((a, b) => b.lastItemAt - a.lastItemAt)
			.map((v) => conversationView(v));
		return pageOf(c, all);
	}

	function inboxItems(c: Ctx): Reply {
		const conv = requireConversation(c);
		const all = [...store.inboxEntries.values()]
			.filter((e) => e.conversationId === conv.id && !e.deleted)
			.sort((a, b) => a.createdAt - b.createdAt)
			.map((e) => entryView(e));
		return pageOf(c, all);
	}

	function requireItem(c: Ctx): InboxEntry {
		const entry = store.inboxEntries.get(uuidParam(c.params.id));
		const conv = entry ? store.conversations.get(entry.conversationId) : undefined;
		if (!entry || entry.deleted || !conv || conv.workspaceId !== c.workspace.id)
			throw short('inbox.itemNotFound', 404);
		return entry;
	}

	function inboxReply(c: Ctx, privately: boolean): Reply {
		const target = requireItem(c);
		const b = (c.body && typeof c.body === 'object' ? c.body : {}) as {
			text?: unknown;
			idempotencyKey?: unknown;
		};
		if (typeof b.text !== 'string' || b.text.trim() === '') throw short('inbox.textRequired');
		if (privately && target.kind !== 'COMMENT') throw short('inbox.privateReplyNotSupported');
		const key = typeof b.idempotencyKey === 'string' ? b.idempotencyKey : undefined;
		if (key) {
			const earlier = [...store.inboxEntries.values()].find(
				(e) => e.idempotencyKey === key && e.conversationId === target.conversationId,
			);
			if (earlier) return { status: 201, body: entryView(earlier) };
		}
		const reply: InboxEntry = {
			id: randomUUID(),
			conversationId: target.conversationId,
			kind: privately ? 'MESSAGE' : target.kind,
			text: b.text,
			authorName: null,
			fromPage: true,
			hidden: false,
			deleted: false,
			createdAt: clock.now(),
			...(key ? { idempotencyKey: key } : {}),
		};
		store.inboxEntries.set(reply.id, reply);
		return { status: 201, body: entryView(reply) };
	}

	function inboxItemState(c: Ctx): Reply {
		const entry = requireItem(c);
		const action = (c.body as { action?: unknown } | undefined)?.action;
		if (!(INBOX_ITEM_ACTIONS as readonly unknown[]).includes(action))
			throw short('inbox.invalidAction');
		if (entry.kind !== 'COMMENT' && action !== 'DELETE') throw short('inbox.actionNotSupported');
		if (action === 'DELETE') entry.deleted = true;
		else entry.hidden = action === 'HIDE';
		return { status: 201, body: { id: entry.id, hidden: entry.hidden, deleted: entry.deleted } };
	}

	return {
		inboxConversations,
		inboxConversation: (c) => {
			uuidParam(c.params.id);
			// A foreign or unknown id answers 200 with a null body (docs/postfast-api.md, Social Inbox).
			const conv = conversation(c, c.params.id);
			return { status: 200, body: conv ? conversationView(conv) : null };
		},
		inboxItems,
		inboxUnreadCount: (c) => ({
			status: 200,
			body: {
				count: [...store.conversations.values()]
					.filter((v) => v.workspaceId === c.workspace.id)
					.reduce((n, v) => n + v.unreadCount, 0),
			},
		}),
		inboxReply: (c) => inboxReply(c, false),
		inboxPrivateReply: (c) => inboxReply(c, true),
		inboxItemState,
		inboxMarkRead: (c) => {
			const conv = requireConversation(c);
			conv.unreadCount = 0;
			return { status: 201, body: conversationView(conv) };
		},
		inboxStatus: (c) => {
			const conv = requireConversation(c);
			const status = (c.body as { status?: unknown } | undefined)?.status;
			if (status !== 'OPEN' && status !== 'DONE') throw short('inbox.invalidStatus');
			conv.status = status;
			return { status: 201, body: conversationView(conv) };
		},
		inboxAssign: (c) => {
			const conv = requireConversation(c);
			const userId = (c.body as { userId?: unknown } | undefined)?.userId;
			if (userId !== null && typeof userId !== 'string') throw short('inbox.invalidAssignee');
			conv.assigneeId = userId;
			return { status: 201, body: conversationView(conv) };
		},
	};
}
