/**
 * Webhook delivery: each stored event is POSTed as JSON, signed with HMAC-SHA256 over the raw body
 * (`X-Postspool-Signature: sha256=<hex>`), until the receiver answers 2xx. A receiver that is down
 * (5xx, 408, 429, no answer) holds the queue in order, backing off from `retryMs` doubling up to
 * 5 min; a receiver that refuses an event for good (410, and any other 4xx) gets it parked, so the
 * rest is still delivered (`postspool events --redeliver` sends parked events again).
 */
import { createHmac } from 'node:crypto';
import type { Outbox, OutboxRow } from './outbox';

export const SIGNATURE_HEADER = 'x-postspool-signature';

export function sign(secret: string, body: string): string {
	return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface WebhookOptions {
	url: string;
	/** The signing secret (read from its env variable or file at start, never logged). */
	secret?: string;
	timeoutMs: number;
	retryMs: number;
	retryCapMs?: number;
}

/** The longest wait between two attempts: a receiver back up is noticed within minutes. */
export const WEBHOOK_BACKOFF_CAP_MS = 5 * 60_000;

/** The delay before attempt `attempts + 1`. */
export function webhookBackoff(
	attempts: number,
	retryMs: number,
	capMs = WEBHOOK_BACKOFF_CAP_MS,
): number {
	return Math.min(retryMs * 2 ** Math.min(attempts, 30), capMs);
}

/**
 * An answer that sending the same event again will not change: a 4xx, except 408 (timeout), 425
 * and 429 (come back later).
 */
export function refusedForGood(status: number): boolean {
	return status >= 400 && status < 500 && ![408, 425, 429].includes(status);
}

/** Sends every due event once, in order; returns how many were delivered. */
export async function deliverDue(
	outbox: Outbox,
	o: WebhookOptions,
	now: () => number,
	onError?: (row: OutboxRow, message: string) => void,
	onParked?: (row: OutboxRow, message: string) => void,
): Promise<number> {
	let delivered = 0;
	for (const row of outbox.dueForWebhook()) {
		const { error, status } = await post(o, row);
		if (error === undefined) {
			outbox.delivered(row.id);
			delivered++;
			continue;
		}
		if (status !== undefined && refusedForGood(status)) {
			// This event, not the receiver: park it and go on with the rest.
			outbox.park(row.id, error);
			onParked?.(row, error);
			continue;
		}
		outbox.failedAttempt(
			row.id,
			error,
			now() + webhookBackoff(row.attempts, o.retryMs, o.retryCapMs),
		);
		onError?.(row, error);
		// The receiver is down: the rest wait for the next round instead of each timing out now.
		break;
	}
	return delivered;
}

async function post(
	o: WebhookOptions,
	row: OutboxRow,
): Promise<{ error?: string; status?: number }> {
	const headers: Record<string, string> = {
		'content-type': 'application/json',
		'user-agent': 'postspool-daemon/0.1',
		'x-postspool-event': row.type,
		'x-postspool-delivery': String(row.id),
	};
	if (o.secret) headers[SIGNATURE_HEADER] = sign(o.secret, row.payload);
	try {
		const res = await fetch(o.url, {
			method: 'POST',
			headers,
			body: row.payload,
			redirect: 'manual',
			signal: AbortSignal.timeout(o.timeoutMs),
		});
		await res.arrayBuffer().catch(() => undefined);
		if (res.status >= 200 && res.status < 300) return {};
		return { error: `the receiver answered ${res.status}`, status: res.status };
	} catch (err) {
		const e = err as Error & { cause?: { code?: string } };
		return {
			error:
				e.name === 'TimeoutError'
					? `no answer within ${o.timeoutMs} ms`
					: `could not reach the receiver (${e.cause?.code ?? e.message})`,
		};
	}
}
