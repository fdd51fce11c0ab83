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

export class Notifier {
	readonly outbox: Outbox;
	private timer?: NodeJS.Timeout;
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

	/** Starts delivering what earlier runs left undelivered. */
	start(): void {
		if (this.o.config.webhook) this.wake(0);
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
