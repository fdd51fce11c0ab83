/**
 * Every notification event, stored in the state database before anything is sent: the webhook
 * delivers from here (and retries until it is delivered), and `postspool events --follow` reads it.
 */
import type { Db } from '../state/db';
import { migrateNotifyTables } from '../state/notify-tables';

export const EVENT_TYPES = [
	'queued',
	'failed',
	'needs-review',
	'published',
	'publish-failed',
	'cancelled',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** What a webhook receives (and `events --json` prints), one per event. */
export interface PostspoolEvent {
	/** Unique per state directory and increasing: a receiver can drop duplicates by it. */
	id: number;
	type: EventType;
	at: string;
	item?: string;
	name: string;
	/** Where the post's folder is now. */
	folder?: string;
	target?: string;
	service?: string;
	account?: string;
	postId?: string;
	url?: string;
	publishedAt?: string;
	/** The service's reason, or ours. */
	reason?: string;
	/** The command that re-sends it, for failures. */
	retry?: string;
}

export interface OutboxRow {
	id: number;
	type: EventType;
	at: number;
	payload: string;
	/** `parked`: the receiver refused it for good (a 4xx); kept, sent again only on request. */
	webhook: 'pending' | 'delivered' | 'skipped' | 'parked';
	attempts: number;
	next_at: number;
	last_error: string | null;
}

export class Outbox {
	constructor(
		readonly db: Db,
		private readonly now: () => number = Date.now,
	) {
		migrateNotifyTables(db);
	}

	/** Stores the event; `webhook` says whether the webhook still has to deliver it. */
	add(event: Omit<PostspoolEvent, 'id' | 'at'>, webhook: boolean): PostspoolEvent {
		const at = this.now();
		return this.db
			.transaction(() => {
				const id = Number(
					this.db
						.prepare(
							`INSERT INTO notify_events (type, at, payload, webhook, next_at) VALUES (?, ?, '', ?, ?)`,
						)
						.run(event.type, at, webhook ? 'pending' : 'skipped', at).lastInsertRowid,
				);
				const full: PostspoolEvent = { id, ...event, at: new Date(at).toISOString() };
				this.db
					.prepare(`UPDATE notify_events SET payload = ? WHERE id = ?`)
					.run(JSON.stringify(full), id);
				return full;
			})
			.immediate();
	}

	/** The undelivered events in order, up to the first that must still wait: delivery keeps order. */
	dueForWebhook(limit = 20): OutboxRow[] {
		const rows = this.db
			.prepare<
				[number],
				OutboxRow
			>(`SELECT * FROM notify_events WHERE webhook = 'pending' ORDER BY id LIMIT ?`)
			.all(limit);
		const now = this.now();
		const stop = rows.findIndex((r) => r.next_at > now);
		return stop === -1 ? rows : rows.slice(0, stop);
	}

	/** When the oldest undelivered event may be tried again (the others wait behind it). */
	nextWebhookAt(): number | undefined {
		return (
			this.db
				.prepare<
					[],
					{ next_at: number }
				>(`SELECT next_at FROM notify_events WHERE webhook = 'pending' ORDER BY id LIMIT 1`)
				.get()?.next_at ?? undefined
		);
	}

	delivered(id: number): void {
		this.db
			.prepare(
				`UPDATE notify_events SET webhook = 'delivered', attempts = attempts + 1, delivered_at = ?, last_error = NULL WHERE id = ?`,
			)
			.run(this.now(), id);
	}

	failedAttempt(id: number, error: string, nextAt: number): void {
		this.db
			.prepare(
				`UPDATE notify_events SET attempts = attempts + 1, last_error = ?, next_at = ? WHERE id = ?`,
			)
			.run(error, nextAt, id);
	}

	/** The receiver refused this event for good: it stops holding the queue. */
	park(id: number, error: string): void {
		this.db
			.prepare(
				`UPDATE notify_events SET webhook = 'parked', attempts = attempts + 1, last_error = ? WHERE id = ?`,
			)
			.run(error, id);
	}

	/** Parked events back in the queue (`events --redeliver`); returns how many. */
	redeliverParked(): number {
		return this.db
			.prepare(
				`UPDATE notify_events SET webhook = 'pending', next_at = 0, last_error = NULL WHERE webhook = 'parked'`,
			)
			.run().changes;
	}

	/** Events after `afterId` (for `events --follow`), oldest first. */
	since(afterId: number, limit = 500): PostspoolEvent[] {
		return this.db
			.prepare<[number, number], { payload: string }>(
				`SELECT payload FROM notify_events WHERE id > ? ORDER BY id LIMIT ?`,
			)
			.all(afterId, limit)
			.map((r) => JSON.parse(r.payload) as PostspoolEvent);
	}

	/** The id before the last `n` events. */
	tailStart(n: number): number {
		const row = this.db
			.prepare<
				[number],
				{ id: number }
			>(`SELECT id FROM notify_events ORDER BY id DESC LIMIT 1 OFFSET ?`)
			.get(n);
		return row?.id ?? 0;
	}

	pendingCount(): number {
		return (
			this.db
				.prepare<
					[],
					{ n: number }
				>(`SELECT COUNT(*) n FROM notify_events WHERE webhook = 'pending'`)
				.get()?.n ?? 0
		);
	}
}

/** What `status` shows of the webhook's queue. */
export interface WebhookBacklog {
	pending: number;
	parked: number;
	/** The oldest undelivered event: since when, how often tried, the last error, the next try. */
	oldest?: {
		id: number;
		type: string;
		at: string;
		attempts: number;
		lastError: string | null;
		nextAt: string;
	};
	lastParked?: { id: number; type: string; error: string | null };
}

/** Read-only: a database without the table (no event yet) has no backlog. */
export function webhookBacklog(db: Db): WebhookBacklog {
	const has = db
		.prepare<
			[],
			{ n: number }
		>(`SELECT COUNT(*) n FROM sqlite_master WHERE type = 'table' AND name = 'notify_events'`)
		.get()!.n;
	if (!has) return { pending: 0, parked: 0 };
	const count = (state: string) =>
		db
			.prepare<[string], { n: number }>(`SELECT COUNT(*) n FROM notify_events WHERE webhook = ?`)
			.get(state)!.n;
	const oldest = db
		.prepare<
			[],
			OutboxRow
		>(`SELECT * FROM notify_events WHERE webhook = 'pending' ORDER BY id LIMIT 1`)
		.get();
	const parked = db
		.prepare<
			[],
			OutboxRow
		>(`SELECT * FROM notify_events WHERE webhook = 'parked' ORDER BY id DESC LIMIT 1`)
		.get();
	return {
		pending: count('pending'),
		parked: count('parked'),
		...(oldest
			? {
					oldest: {
						id: oldest.id,
						type: oldest.type,
						at: new Date(oldest.at).toISOString(),
						attempts: oldest.attempts,
						lastError: oldest.last_error,
						nextAt: new Date(oldest.next_at).toISOString(),
					},
				}
			: {}),
		...(parked
			? { lastParked: { id: parked.id, type: parked.type, error: parked.last_error } }
			: {}),
	};
}
