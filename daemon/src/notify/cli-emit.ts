/**
 * Events from a CLI command (`cancel`): stored in the outbox like the daemon's, shown on the desktop
 * per the config, and offered to the webhook once right away; what is not delivered now stays
 * pending, and a running daemon delivers it within a second (it watches the outbox), else the next
 * one at its start.
 */
import { type LoadedConfig, resolveApiKey } from '../config/load';
import { silentLogger } from '../log';
import type { Db } from '../state/db';
import { Notifier } from './notifier';
import type { PostspoolEvent } from './outbox';
import { deliverDue } from './webhook';

export async function emitFromCli(
	loaded: LoadedConfig,
	db: Db,
	events: Array<Omit<PostspoolEvent, 'id' | 'at'>>,
	env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
	if (events.length === 0) return;
	const config = loaded.config.notify;
	const notifier = new Notifier({ db, config, log: silentLogger, now: Date.now, env });
	const hook = config.webhook;
	// Stored before anything is sent; the timer the notifier arms for the webhook is replaced below.
	for (const e of events) notifier.emit(e);
	await notifier.stop();
	if (!hook) return;
	let secret: string | undefined;
	try {
		secret = hook.secret
			? resolveApiKey(WEBHOOK_SECRET, { apiKey: hook.secret } as never, loaded.path, env)
			: undefined;
	} catch {
		return; // doctor and run name the problem; the event waits in the outbox.
	}
	await deliverDue(
		notifier.outbox,
		{ url: hook.url, secret, timeoutMs: hook.timeoutMs, retryMs: hook.retryMs },
		Date.now,
	).catch(() => 0);
}

/** The name `resolveApiKey` gets for the webhook's secret (its messages then say "webhook secret"). */
export const WEBHOOK_SECRET = 'notify.webhook.secret';
