/**
 * The daemon's notifications: every event is stored first (the outbox), then shown on the desktop
 * (failures by default, when a desktop session exists) and delivered to the webhook in the
 * background, retried until delivered. Nothing here ever waits on a receiver: the pipeline only
 * pays for one SQLite insert per event.
 */
import type { NotifyConfig } from '../config/schema';
import type { Logger } from '../log';
import type { Db } from '../state/db';
import { desktopCommand, showDesktop } from './desktop';
import { type EventType, Outbox, type PostspoolEvent } from './outbox';
import { deliverDue } from './webhook';

const FAILURES: EventType[] = ['failed', 'needs-review', 'publish-failed'];

export interface NotifierOptions {
	db: Db;
	config: NotifyConfig;
	/** The webhook's signing secret, already read from its source. */
	secret?: string;
	log: Logger;
	now(): number;
	env?: NodeJS.ProcessEnv;
}

/** How often a running daemon looks for events other processes stored (`cancel`, `--redeliver`). */
const OUTBOX_POLL_MS = 1_000;

export class Notifier {
	readonly outbox: Outbox;
	private timer?: NodeJS.Timeout;
	private poll?: NodeJS.Timeout;
	private sending?: Promise<void>;
	private stopped = false;
	private desktopWarned = false;

	constructor(private readonly o: NotifierOptions) {
		this.outbox = new Outbox(o.db, o.now);
	}

	emit(event: Omit<PostspoolEvent, 'id' | 'at'>): PostspoolEvent {
		const hook = this.o.config.webhook;
		const stored = this.outbox.add(event, !!hook && hook.events.includes(event.type));
		const desktop = this.o.config.desktop.on;
		if (desktop === 'all' || (desktop === 'failures' && FAILURES.includes(event.type))) {
			const argv = desktopCommand(titleOf(stored), messageOf(stored), {
				command: this.o.config.desktop.command,
				env: this.o.env,
			});
			if (argv)
				showDesktop(argv, (message) => {
					if (this.desktopWarned) return;
					this.desktopWarned = true;
					this.o.log.log('warn', `desktop notification failed: ${message}`);
				});
		}
		if (hook && stored) this.wake(0);
		return stored;
	}

	/**
	 * Starts delivering what earlier runs left undelivered, and watches the outbox for events a CLI
	 * command stored while this runs (a `cancel` whose own delivery failed): they go out within a
	 * second, not at the daemon's next event.
	 */
	start(): void {
		if (!this.o.config.webhook) return;
		this.wake(0);
		this.poll = setInterval(() => {
			if (this.sending || this.stopped) return;
			const next = this.outbox.nextWebhookAt();
			if (next !== undefined && next <= this.o.now()) this.wake(0);
		}, OUTBOX_POLL_MS);
		this.poll.unref?.();
	}

	private wake(delay: number): void {
		if (this.stopped || this.sending) return;
		clearTimeout(this.timer);
		this.timer = setTimeout(() => this.send(), Math.min(Math.max(delay, 0), 2 ** 31 - 1));
		this.timer.unref?.();
	}

	private send(): void {
		const hook = this.o.config.webhook;
		if (!hook || this.stopped) return;
		this.sending = deliverDue(
			this.outbox,
			{ url: hook.url, secret: this.o.secret, timeoutMs: hook.timeoutMs, retryMs: hook.retryMs },
			this.o.now,
			(row, message) =>
				this.o.log.log(
					'warn',
					`webhook: event ${row.id} (${row.type}) not delivered: ${message}; kept and retried (attempt ${row.attempts + 1})`,
				),
			(row, message) =>
				this.o.log.log(
					'warn',
					`webhook: event ${row.id} (${row.type}) parked: ${message}, which sending it again will not change; the next events are delivered. Fix the receiver (n8n: is the workflow published?) and run "postspool events --redeliver"`,
				),
		)
			.catch((err) => {
				this.o.log.log('warn', `webhook: ${(err as Error).message}`);
				return 0;
			})
			.then(() => {
				this.sending = undefined;
				const next = this.outbox.nextWebhookAt();
				if (next !== undefined) this.wake(next - this.o.now());
			});
	}

	async stop(): Promise<void> {
		this.stopped = true;
		clearTimeout(this.timer);
		clearInterval(this.poll);
		await this.sending;
	}
}

function titleOf(e: PostspoolEvent): string {
	const what: Record<EventType, string> = {
		queued: 'queued',
		failed: 'failed',
		'needs-review': 'needs review',
		published: 'published',
		'publish-failed': 'not published',
		cancelled: 'cancelled',
	};
	return `postspool: ${e.name} ${what[e.type]}`;
}

function messageOf(e: PostspoolEvent): string {
	return [e.target, e.reason ?? e.url, e.retry].filter(Boolean).join(' — ') || e.folder || e.name;
}
