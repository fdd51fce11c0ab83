/**
 * One normalised error for both services, built from every error-body shape the specs list.
 *
 * PostSider (docs/postsider-api.md, Error bodies): E1 `{msg, retryAfter?}`, E2 `{message, error, statusCode}`,
 * E3 `{message: string[], error, statusCode}`, E4 `{statusCode, provider, name, message}`,
 * E5 `{statusCode, message, url}`, E6 `{statusCode, message}`, E7 500, E8 401 with an empty body.
 * PostFast (docs/postfast-api.md, Error bodies; 429 bodies): class-validator arrays, `{statusCode, message: <code>,
 * error, description}`, `{statusCode, message}`, and both 429 generations.
 *
 * Pure functions, no dependencies: the n8n nodes, the daemon and the contract tests all use it.
 */

export type ServiceName = 'postsider' | 'postfast';

export type ApiErrorKind =
	| 'validation' // 400/422: the request must change before it is sent again
	| 'auth' // 401/403: the key is missing, wrong or revoked
	| 'payment' // 402: plan or quota
	| 'not-found' // 404
	| 'conflict' // 409 (PostSider Idempotency-Key reuse)
	| 'too-large' // 413
	| 'rate-limited' // 429
	| 'server' // 5xx: worth retrying later
	| 'network'; // no HTTP response at all

export interface ApiError {
	service: ServiceName;
	/** HTTP status; 0 when no response arrived. */
	status: number;
	kind: ApiErrorKind;
	/** The service's stable code where it sends one (PostFast `socialMediaDisconnected`), else undefined. */
	code?: string;
	/** One human sentence: the service's own words, joined when it sent several. */
	message: string;
	/** Every message the service sent (class-validator sends an array). */
	messages: string[];
	/** Request field paths named by the messages, e.g. `posts.0.value.0.image`. */
	fieldPaths: string[];
	/** PostSider per-channel validation (E4): which channel refused the post. */
	channel?: { provider: string; name: string };
	/** How long to wait before retrying, from `Retry-After`, `Retry-After-<name>` or a body `retryAfter`. */
	retryAfterMs?: number;
	/** On PostFast, the throttler window(s) that refused the call (`short`, `medium`, `long`, `daily`). */
	rateLimitWindows?: string[];
	/** The parsed body, for debugging; never contains request secrets. */
	body?: unknown;
}

export type HeaderBag = Record<string, string | string[] | undefined>;

function header(headers: HeaderBag, name: string): string | undefined {
	const wanted = name.toLowerCase();
	for (const [key, value] of Object.entries(headers)) {
		if (key.toLowerCase() === wanted) return Array.isArray(value) ? value[0] : value;
	}
	return undefined;
}

export function kindForStatus(status: number): ApiErrorKind {
	if (status === 0) return 'network';
	if (status === 401 || status === 403) return 'auth';
	if (status === 402) return 'payment';
	if (status === 404) return 'not-found';
	if (status === 409) return 'conflict';
	if (status === 413) return 'too-large';
	if (status === 429) return 'rate-limited';
	if (status >= 500) return 'server';
	return 'validation';
}

/** Seconds in `Retry-After` / `Retry-After-<name>` headers (the largest wins), as milliseconds. */
export function retryAfterFromHeaders(headers: HeaderBag): { ms?: number; windows: string[] } {
	let ms: number | undefined;
	const windows: string[] = [];
	for (const [key, raw] of Object.entries(headers)) {
		const match = /^retry-after(?:-(.+))?$/i.exec(key);
		if (!match) continue;
		const value = Array.isArray(raw) ? raw[0] : raw;
		const seconds = Number(value);
		let valueMs: number | undefined;
		if (value !== undefined && Number.isFinite(seconds)) valueMs = Math.max(0, seconds) * 1000;
		else if (value !== undefined && !Number.isNaN(Date.parse(value))) {
			valueMs = Math.max(0, Date.parse(value) - Date.now());
		}
		if (valueMs === undefined) continue;
		if (match[1]) windows.push(match[1].toLowerCase());
		ms = ms === undefined ? valueMs : Math.max(ms, valueMs);
	}
	return { ms, windows };
}

const FIELD_PATH = /^((?:[A-Za-z_$][\w$]*|\d+)(?:\.(?:[A-Za-z_$][\w$]*|\d+))*)\s/;

/** class-validator messages start with the property path: "posts.0.value.0.image must be an array". */
export function fieldPathOf(message: string): string | undefined {
	const match = FIELD_PATH.exec(message);
	if (!match) return undefined;
	const path = match[1];
	// A bare English word ("Post not found") is not a path; a path has a dot or is a known-looking field.
	return path.includes('.') || /^[a-z]+[A-Z]\w*$/.test(path) || /^(posts|content|type|date|file|url|count)$/.test(path)
		? path
		: undefined;
}

function parseBody(body: unknown): unknown {
	if (typeof body !== 'string') return body;
	if (body.trim() === '') return undefined;
	try {
		return JSON.parse(body) as unknown;
	} catch {
		return body;
	}
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const GENERIC_BY_KIND: Record<ApiErrorKind, string> = {
	validation: 'The service refused the request as invalid',
	auth: 'The API key was refused',
	payment: 'The plan does not allow this request',
	'not-found': 'Not found',
	conflict: 'The request conflicts with an earlier one',
	'too-large': 'The request body is too large',
	'rate-limited': 'Too many requests',
	server: 'The service had an internal error',
	network: 'No response from the service',
};

/**
 * Builds the normalised error from a response. `body` may be the raw text or already-parsed JSON.
 */
export function parseApiError(
	service: ServiceName,
	status: number,
	headers: HeaderBag,
	body: unknown,
): ApiError {
	const parsed = parseBody(body);
	const messages: string[] = [];
	let code: string | undefined;
	let channel: ApiError['channel'];
	let bodyRetryMs: number | undefined;

	if (isRecord(parsed)) {
		const { message, msg, description, provider, name, retryAfter } = parsed;
		if (Array.isArray(message)) messages.push(...message.map(String));
		else if (typeof message === 'string') {
			// PostFast business errors: `message` is a stable camelCase/dotted code, `description` the text.
			if (typeof description === 'string' && /^[a-z][\w.]*$/i.test(message) && !message.includes(' ')) {
				code = message;
				messages.push(description);
			} else {
				messages.push(message);
			}
		}
		if (typeof msg === 'string') messages.push(msg);
		if (typeof provider === 'string' && typeof name === 'string') channel = { provider, name };
		if (typeof retryAfter === 'number' && retryAfter > 0) bodyRetryMs = retryAfter * 1000;
	} else if (typeof parsed === 'string' && parsed.trim() !== '') {
		// Non-JSON (an HTML page from a wrong base URL, an S3 XML error): keep a short excerpt.
		const xmlCode = /<Code>([^<]+)<\/Code>/.exec(parsed)?.[1];
		const xmlMessage = /<Message>([^<]+)<\/Message>/.exec(parsed)?.[1];
		if (xmlCode) code = xmlCode;
		messages.push(xmlMessage ?? parsed.replace(/\s+/g, ' ').trim().slice(0, 200));
	}

	const kind = kindForStatus(status);
	const retry = retryAfterFromHeaders(headers);
	const retryAfterMs = retry.ms ?? bodyRetryMs;
	const fieldPaths = [...new Set(messages.map(fieldPathOf).filter((p): p is string => p !== undefined))];
	const message = messages.length > 0 ? messages.join('; ') : GENERIC_BY_KIND[kind];

	return {
		service,
		status,
		kind,
		...(code !== undefined ? { code } : {}),
		message,
		messages,
		fieldPaths,
		...(channel ? { channel } : {}),
		...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
		...(kind === 'rate-limited' && retry.windows.length > 0 ? { rateLimitWindows: retry.windows } : {}),
		...(parsed !== undefined ? { body: parsed } : {}),
	};
}

/** An error for a request that got no HTTP response (reset, timeout, DNS). */
export function networkError(service: ServiceName, cause: string): ApiError {
	return {
		service,
		status: 0,
		kind: 'network',
		message: `No response from ${service === 'postsider' ? 'PostSider' : 'PostFast'}: ${cause}`,
		messages: [cause],
		fieldPaths: [],
	};
}

/** Whether sending the very same request again later can succeed. */
export function isRetryable(error: Pick<ApiError, 'kind'>): boolean {
	return error.kind === 'rate-limited' || error.kind === 'server' || error.kind === 'network';
}

/** Header value lookup that ignores case, exported for clients that read rate headers. */
export { header as getHeader };
