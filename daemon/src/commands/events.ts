/**
 * `postspool events [--follow] [--json]`: what the daemon told (queued, failed, needs-review,
 * published, publish-failed), from the state database; `--follow` keeps printing new ones, one JSON
 * object per line with `--json` (for scripts). `--redeliver` puts events the webhook receiver
 * refused for good (parked) back in its queue.
 */
import { Outbox, type PostspoolEvent } from '../notify/outbox';
import { CliError, EXIT, type GlobalOpts, load, openState } from './context';

export interface EventsOpts extends GlobalOpts {
	follow?: boolean;
	/** Puts the events the webhook receiver refused for good back in its queue. */
	redeliver?: boolean;
	last?: string;
	/** Poll interval for --follow (tests). */
	intervalMs?: number;
	/** Stops --follow (tests); SIGINT/SIGTERM otherwise. */
	signal?: AbortSignal;
}

export function formatEvent(e: PostspoolEvent): string {
	return [
		`${e.at.replace('.000Z', 'Z')} ${e.type.padEnd(14)} ${e.name}`,
		e.target ? ` → ${e.target}` : '',
		e.url ? ` ${e.url}` : '',
		e.reason ? ` — ${e.reason}` : '',
		e.retry ? ` (${e.retry})` : '',
	].join('');
}

export async function eventsCommand(opts: EventsOpts): Promise<number> {
	const last = opts.last === undefined ? 20 : Number(opts.last);
	if (!Number.isInteger(last) || last < 0)
		throw new CliError(`--last "${opts.last}" must be a whole number (0 or more)`, EXIT.validation);
	const loaded = load(opts);
	const state = openState(loaded);
	const outbox = new Outbox(state.db);
	if (opts.redeliver) {
		try {
			const n = outbox.redeliverParked();
			process.stdout.write(
				opts.json
					? `${JSON.stringify({ redeliver: n })}\n`
					: `${n} parked event(s) back in the webhook's queue; ${state.running !== undefined ? 'the running daemon sends them within a second' : '"postspool run" sends them'}\n`,
			);
			return EXIT.ok;
		} finally {
			state.close();
		}
	}
	const out = (e: PostspoolEvent) =>
		process.stdout.write(`${opts.json ? JSON.stringify(e) : formatEvent(e)}\n`);
	try {
		let after = outbox.tailStart(last);
		const drain = () => {
			for (;;) {
				const batch = outbox.since(after);
				for (const e of batch) out(e);
				if (batch.length > 0) after = batch[batch.length - 1].id;
				if (batch.length < 500) return;
			}
		};
		drain();
		if (!opts.follow) return EXIT.ok;
		await new Promise<void>((resolve) => {
			const timer = setInterval(drain, opts.intervalMs ?? 500);
			const end = () => {
				clearInterval(timer);
				process.off('SIGINT', end);
				process.off('SIGTERM', end);
				resolve();
			};
			process.once('SIGINT', end);
			process.once('SIGTERM', end);
			opts.signal?.addEventListener('abort', end);
		});
		return EXIT.ok;
	} finally {
		state.close();
	}
}
