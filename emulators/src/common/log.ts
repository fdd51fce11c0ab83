/** The request log every emulator keeps: method, path, query, headers, body (capped), status. */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Headers that carry API keys: the log keeps a fingerprint, never the key (it is served over HTTP). */
export const KEY_HEADERS = ['authorization', 'pf-api-key', 'x-api-key', 'cookie'] as const;

/**
 * What the log shows instead of a key: `sha256:` and the first 12 hex digits of its SHA-256.
 * Tests that need to know which key was sent compare `keyFingerprint(expectedKey)`.
 */
export function keyFingerprint(value: string): string {
	return `sha256:${createHash('sha256').update(value).digest('hex').slice(0, 12)}`;
}

export interface LoggedRequest {
	/** Virtual-clock time the request arrived. */
	at: number;
	method: string;
	path: string;
	query: Record<string, string>;
	/** Lowercased names; repeated headers joined with ", "; key headers as `keyFingerprint(value)`. */
	headers: Record<string, string | undefined>;
	/** Parsed JSON, or text, up to `BODY_LOG_CAP` bytes; multipart uploads log only `bodyBytes`. */
	body?: unknown;
	bodyBytes?: number;
	/** 0 while pending, after a reset, or for a hang. */
	status: number;
}

/** Bodies above this are not kept in the log (uploads can be 500 MB). */
export const BODY_LOG_CAP = 64 * 1024;

export function logEntry(req: IncomingMessage, url: URL, at: number): LoggedRequest {
	const headers: Record<string, string | undefined> = {};
	for (const [key, value] of Object.entries(req.headers)) {
		const text = Array.isArray(value) ? value.join(', ') : value;
		headers[key] =
			text !== undefined && (KEY_HEADERS as readonly string[]).includes(key)
				? keyFingerprint(text)
				: text;
	}
	return {
		at,
		method: req.method ?? 'GET',
		path: url.pathname,
		query: Object.fromEntries(url.searchParams),
		headers,
		status: 0,
	};
}

/** Records a body in the entry: JSON parsed when it parses, else text; too large → only the size. */
export function logBody(entry: LoggedRequest, raw: Buffer): void {
	entry.bodyBytes = raw.length;
	if (raw.length === 0 || raw.length > BODY_LOG_CAP) return;
	const text = raw.toString('utf8');
	try {
		entry.body = JSON.parse(text) as unknown;
	} catch {
		entry.body = text;
	}
}
