/**
 * The HTTP path both nodes share: n8n's `httpRequestWithAuthentication` with redirects refused and
 * status errors handed back to us, so every failure becomes one `NodeApiError` built from the
 * contract's normalised `ApiError` (status, code, messages, field paths, channel, retry-after).
 *
 * A 429 is handled per request: when the service asks for a short wait (at most the node's
 * "max rate-limit wait") we `sleep` and send that one request again; otherwise the error says when to
 * retry and carries `failure: { cause: 'rate-limited', retryAfterMs }`. Retrying per request, not per
 * node, is what keeps items the service already accepted from being sent twice (docs/n8n.md, User pain points).
 */
import {
	NodeApiError,
	sleep,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type ILoadOptionsFunctions,
	type IN8nHttpFullResponse,
	type IPollFunctions,
	type JsonObject,
} from 'n8n-workflow';
import {
	networkError,
	parseApiError,
	type ApiError,
	type HeaderBag,
	type ServiceName,
} from '../../contract/errors';
import { closeBody, type StreamBody } from './binary';

export type RequestContext = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions;

export interface RateLimitPolicy {
	/** Longest single wait honoured in-node; a longer `Retry-After` fails the item instead. */
	maxWaitMs: number;
	/** How many 429s one request may wait out before failing. */
	maxAttempts: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitPolicy = { maxWaitMs: 60_000, maxAttempts: 3 };

export interface ServiceInfo {
	service: ServiceName;
	/** Human name used in messages: "PostSider". */
	label: string;
	/** n8n credential type name used for authentication. */
	credentialType: string;
	/** Service-specific advice appended to an error's description. */
	hint?: (error: ApiError) => string | undefined;
}

export interface ApiResponse<T = unknown> {
	statusCode: number;
	headers: HeaderBag;
	body: T;
	/** How long the request waited on 429s before it succeeded, in ms. */
	waitedMs: number;
}

export interface RequestOptions {
	itemIndex?: number;
	rateLimit?: RateLimitPolicy;
	/** A streamed body (a file upload), opened afresh for every attempt; replaces `request.body`. */
	streamBody?: StreamBody;
}

/** Sends one request; resolves with a 2xx response, throws a `NodeApiError` otherwise. */
export async function apiRequest<T = unknown>(
	this: RequestContext,
	service: ServiceInfo,
	request: IHttpRequestOptions,
	options: RequestOptions = {},
): Promise<ApiResponse<T>> {
	const policy = options.rateLimit ?? DEFAULT_RATE_LIMIT;
	let waitedMs = 0;
	for (let attempt = 1; ; attempt++) {
		let response: IN8nHttpFullResponse;
		const stream = options.streamBody ? await options.streamBody.open() : undefined;
		const body = options.streamBody
			? {
					body: stream,
					headers: {
						...(request.headers ?? {}),
						'Content-Type': options.streamBody.contentType,
						'Content-Length': String(options.streamBody.length),
					},
				}
			: {};
		try {
			response = (await this.helpers.httpRequestWithAuthentication.call(
				this,
				service.credentialType,
				{
					...request,
					...body,
					returnFullResponse: true,
					ignoreHttpStatusErrors: true,
					// A redirect from an API base URL means a wrong base URL (a login page, http→https):
					// following it would either lose the key's header or send it somewhere else.
					disableFollowRedirect: true,
				},
			)) as IN8nHttpFullResponse;
		} catch (error) {
			throw toNodeApiError(
				this,
				service,
				networkError(service.service, causeOf(error)),
				request,
				options.itemIndex,
			);
		} finally {
			// An answer before the whole body was read (a 413, a 429) leaves the file open otherwise.
			closeBody(stream);
		}
		const status = response.statusCode;
		if (status >= 200 && status < 300) {
			return {
				statusCode: status,
				headers: response.headers as HeaderBag,
				body: response.body as T,
				waitedMs,
			};
		}
		if (status >= 300 && status < 400) {
			const location = (response.headers as HeaderBag).location;
			throw toNodeApiError(
				this,
				service,
				redirectError(service, status, location),
				request,
				options.itemIndex,
			);
		}
		const apiError = parseApiError(
			service.service,
			status,
			response.headers as HeaderBag,
			response.body,
		);
		if (
			apiError.kind === 'rate-limited' &&
			attempt < policy.maxAttempts &&
			apiError.retryAfterMs !== undefined &&
			apiError.retryAfterMs <= policy.maxWaitMs
		) {
			// Wait a little past the window edge so the retry lands in the new window.
			const wait = apiError.retryAfterMs + 250;
			await sleep(wait);
			waitedMs += wait;
			continue;
		}
		throw toNodeApiError(this, service, apiError, request, options.itemIndex);
	}
}

function redirectError(service: ServiceInfo, status: number, location: unknown): ApiError {
	const where = typeof location === 'string' ? ` to ${location}` : '';
	const message = `${service.label} answered with a redirect (${status})${where}; redirects are refused`;
	return {
		service: service.service,
		status,
		kind: 'validation',
		message,
		messages: [message],
		fieldPaths: [],
	};
}

function causeOf(error: unknown): string {
	const seen = new Set<unknown>();
	let current: unknown = error;
	while (current && typeof current === 'object' && !seen.has(current)) {
		seen.add(current);
		const record = current as { code?: unknown; cause?: unknown; message?: unknown };
		if (typeof record.code === 'string' && /^E[A-Z_]+$/.test(record.code)) return record.code;
		current = record.cause;
	}
	return error instanceof Error ? error.message : String(error);
}

function describeTime(ms: number): string {
	const seconds = Math.ceil(ms / 1000);
	if (seconds < 120) return `${seconds} s`;
	const minutes = Math.ceil(seconds / 60);
	return minutes < 120 ? `${minutes} min` : `${Math.ceil(minutes / 60)} h`;
}

/** What the user can do about an error, by kind; the service's own hint comes first. */
function adviceFor(service: ServiceInfo, error: ApiError): string {
	const own = service.hint?.(error);
	if (own) return own;
	switch (error.kind) {
		case 'auth':
			return `Check the API key in the ${service.label} credential.`;
		case 'rate-limited':
			return error.retryAfterMs !== undefined
				? `${service.label} asks to wait ${describeTime(error.retryAfterMs)}. Run again after that, or raise the node's "Max Rate-Limit Wait" option so the node waits by itself.`
				: `${service.label} did not say how long to wait; run again later.`;
		case 'server':
			return `${service.label} failed on its side; run again later.`;
		case 'network':
			return `Check the base URL in the ${service.label} credential and that the service is reachable from n8n.`;
		case 'payment':
			return `Your ${service.label} plan does not allow this; upgrade the plan or reduce usage.`;
		case 'too-large':
			return 'Send a smaller file or body.';
		default:
			return error.fieldPaths.length > 0
				? `Fix ${error.fieldPaths.join(', ')} and run again.`
				: 'Fix the request and run again.';
	}
}

function failureOf(error: ApiError): NodeApiError['failure'] {
	switch (error.kind) {
		case 'rate-limited':
			return {
				cause: 'rate-limited',
				...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
			};
		case 'auth':
			return { cause: 'credential-invalid' };
		case 'payment':
			return { cause: 'quota-exhausted' };
		case 'server':
		case 'network':
			return { cause: 'temporarily-unavailable' };
		default:
			return undefined;
	}
}

/** The structured reason kept on the error (and in continue-on-fail items). */
export function errorDetails(error: ApiError): IDataObject {
	return {
		status: error.status,
		kind: error.kind,
		...(error.code !== undefined ? { code: error.code } : {}),
		messages: error.messages,
		fieldPaths: error.fieldPaths,
		...(error.channel ? { channel: error.channel } : {}),
		...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
		...(error.rateLimitWindows ? { rateLimitWindows: error.rateLimitWindows } : {}),
	};
}

export function toNodeApiError(
	context: RequestContext,
	service: ServiceInfo,
	error: ApiError,
	request: Pick<IHttpRequestOptions, 'method' | 'url'>,
	itemIndex?: number,
): NodeApiError {
	const where = `${request.method ?? 'GET'} ${pathOf(request.url)}`;
	const channel = error.channel
		? ` (channel "${error.channel.name}", ${error.channel.provider})`
		: '';
	const status = error.status === 0 ? 'no response' : String(error.status);
	const message = `${service.label} ${status} on ${where}${channel}: ${error.message}`;
	const failure = failureOf(error);
	const details = errorDetails(error);
	const nodeError = new NodeApiError(
		context.getNode(),
		{ ...details, message: error.message } as JsonObject,
		{
			message,
			description: adviceFor(service, error),
			httpCode: error.status === 0 ? undefined : String(error.status),
			...(itemIndex !== undefined ? { itemIndex } : {}),
			...(failure ? { failure } : {}),
		},
	);
	nodeError.context.apiError = details;
	return nodeError;
}

function pathOf(url: string): string {
	try {
		return new URL(url).pathname;
	} catch {
		return url;
	}
}

/** The structured `apiError` a `NodeApiError` from `apiRequest` carries, if any. */
export function apiErrorDetails(error: unknown): IDataObject | undefined {
	if (
		error instanceof NodeApiError &&
		error.context.apiError &&
		typeof error.context.apiError === 'object'
	) {
		return error.context.apiError as IDataObject;
	}
	return undefined;
}
