/**
 * The daemon's one HTTP transport, on got, shared by the PostSider and PostFast clients.
 *
 * - got's own retries are OFF: the daemon's queue is the one retry policy and the budget limiter
 *   must see every attempt (docs/daemon.md, Versions).
 * - Nothing throws for HTTP or network failures: every call resolves to an `ApiResult`.
 * - Redirects are refused: a redirect to a login page answers 200 with HTML (docs/postsider-api.md, Base URL and routing).
 * - The API key travels in a header only and never reaches an error object: got's error messages
 *   are reduced to their code, and URLs are stripped of their query string (S3 signatures).
 */
import type { Readable } from 'node:stream';
import { FileChangedError } from './upload';
import { checkApiBaseUrl } from '../../../contract/base-url';
import got, { type Got, type Method, type Response, RequestError } from 'got';
import {
	type ApiError,
	type HeaderBag,
	type ServiceName,
	networkError,
	parseApiError,
} from '../../../contract/errors';

export type { ApiError, HeaderBag, ServiceName };

/** Every outcome of an API call. `receivedAt` is on the client's clock (see `now`). */
export type ApiResult<T> =
	| { ok: true; value: T; status: number; headers: HeaderBag; receivedAt: number }
	/** `headers` are the response's (empty when none arrived): the limiter reads rate headers off 429s. */
	| { ok: false; error: ApiError; receivedAt: number; headers: HeaderBag };

/**
 * What the budget limiter needs from every response (also failures): which endpoint, when it was
 * sent and when its answer came back, the status and the rate headers. `status` is 0 when no
 * response arrived; `receivedAt` is then the moment the client gave up.
 */
export interface RateObservation {
	service: ServiceName;
	/** Endpoint id as the limit tables name it, e.g. `POST /social-posts`, `DELETE /posts/:id`. */
	endpoint: string;
	sentAt: number;
	receivedAt: number;
	status: number;
	headers: HeaderBag;
}

export interface ClientOptions {
	/** Base URL: PostSider `https://api.postsider.com/public/v1`, PostFast `https://api.postfa.st`. */
	baseUrl: string;
	apiKey: string;
	/** Whole-request timeout for JSON calls (default 30 s). Uploads use `uploadTimeoutMs`. */
	timeoutMs?: number;
	/** Timeout for a file upload; it restarts whenever bytes move (default 120 s of inactivity). */
	uploadIdleTimeoutMs?: number;
	/** Called after every attempt, success or not, before the promise resolves. */
	onResponse?(observation: RateObservation): void;
	/** Clock for sentAt/receivedAt; inject an emulator's virtual clock in tests. Default Date.now. */
	now?(): number;
	/** User-Agent sent with every request. */
	userAgent?: string;
}

export interface RequestSpec {
	method: Method;
	/** Path relative to the base URL, already filled in (`/posts/abc`). */
	path: string;
	/** Endpoint id for budgets and observations (`DELETE /posts/:id`). */
	endpoint: string;
	json?: unknown;
	searchParams?: Record<string, string | number | boolean | undefined>;
	headers?: Record<string, string>;
	/** A streamed body with its exact length (uploads); progress is reported per chunk. */
	stream?: { body: Readable; length: number; contentType: string };
	onProgress?(sent: number, total: number): void;
	/** Overrides the client's timeout (ms of inactivity for streams). */
	idleTimeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_UPLOAD_IDLE_MS = 120_000;

/** The names used in messages. */
export const SERVICE_LABEL: Record<ServiceName, string> = {
	postsider: 'PostSider',
	postfast: 'PostFast',
};

/** `https://host/path?X-Amz-Signature=…` → `https://host/path`: never log or store signatures. */
export function redactUrl(url: string): string {
	const q = url.indexOf('?');
	return q === -1 ? url : url.slice(0, q);
}

/** Describes a got failure without its URL, headers or options (they could carry the key). */
function describeNetworkFailure(error: unknown, timeoutMs: number): string {
	if (error instanceof RequestError) {
		if (error.code === 'ETIMEDOUT' || error.name === 'TimeoutError') {
			return `timed out after ${Math.round(timeoutMs / 1000)} s without an answer (ETIMEDOUT)`;
		}
		const code = error.code ?? 'ERR_NETWORK';
		const hints: Record<string, string> = {
			ECONNREFUSED: 'connection refused; check the base URL and that the service is up',
			ECONNRESET: 'the connection was reset mid-request',
			ENOTFOUND: 'the host name does not resolve; check the base URL',
			EAI_AGAIN: 'DNS lookup failed temporarily',
			EPIPE: 'the server closed the connection while the body was being sent',
			ERR_GOT_REQUEST_ERROR: 'the request failed',
		};
		return `${hints[code] ?? 'the request failed'} (${code})`;
	}
	if (error instanceof Error && 'code' in error && typeof error.code === 'string') {
		return `the request failed (${error.code})`;
	}
	return 'the request failed';
}

/** The FileChangedError a failed streamed request was aborted for, if that is why it failed. */
function fileChangedIn(error: unknown): FileChangedError | undefined {
	for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++)
		if (e instanceof FileChangedError) return e;
	return undefined;
}

/**
 * A file to upload that is not the validated one (or is gone): a permanent failure of the post,
 * never retried (kind 'validation': the input must change), with the file named and no attempt
 * at the service counted as a network error.
 */
/** ApiError.code of a failure that never reached the service: the local file changed or is gone. */
export const LOCAL_FILE_CODE = 'local-file';

export function localFileFailure(
	service: ServiceName,
	error: FileChangedError,
	receivedAt: number,
): ApiResult<never> {
	return {
		ok: false,
		error: {
			service,
			status: 0,
			kind: 'validation',
			// Not the service's answer: describe() words it as a local file problem.
			code: LOCAL_FILE_CODE,
			message: error.message,
			messages: [error.message],
			fieldPaths: [],
		},
		receivedAt,
		headers: {},
	};
}

export class HttpTransport {
	readonly service: ServiceName;
	readonly baseUrl: string;
	private readonly api: Got;
	private readonly bare: Got;
	private readonly timeoutMs: number;
	private readonly uploadIdleMs: number;
	private readonly now: () => number;
	private readonly onResponse?: (observation: RateObservation) => void;

	constructor(service: ServiceName, opts: ClientOptions, authHeaders: Record<string, string>) {
		if (!opts.apiKey) {
			throw new Error(
				`${SERVICE_LABEL[service]} client: the API key is empty; set the key in the daemon config.`,
			);
		}
		// The config checks the rule already; the transport checks it again before any key leaves.
		const checked = checkApiBaseUrl(opts.baseUrl, {
			service: SERVICE_LABEL[service],
			example: 'https://api.example.com',
			where: `the ${SERVICE_LABEL[service]} client`,
		});
		if ('error' in checked) throw new Error(checked.error);
		const parsed = checked.url;
		this.service = service;
		this.baseUrl = parsed.href.replace(/\/+$/, '');
		this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
		this.uploadIdleMs = opts.uploadIdleTimeoutMs ?? DEFAULT_UPLOAD_IDLE_MS;
		this.now = opts.now ?? Date.now;
		this.onResponse = opts.onResponse;
		const common = {
			retry: { limit: 0 },
			throwHttpErrors: false,
			followRedirect: false,
			responseType: 'text' as const,
			headers: { 'user-agent': opts.userAgent ?? 'postspool-daemon' },
		};
		this.bare = got.extend(common);
		this.api = this.bare.extend({ headers: authHeaders });
	}

	/** A call to the service itself, authenticated. */
	request<T>(spec: RequestSpec): Promise<ApiResult<T>> {
		return this.send<T>(this.api, `${this.baseUrl}${spec.path}`, spec, true);
	}

	/**
	 * A call to a foreign URL (S3 pre-signed PUT) WITHOUT the service's auth header. Errors are
	 * still built as this service's so the caller handles one error type; no rate observation.
	 */
	requestExternal<T>(url: string, spec: Omit<RequestSpec, 'path'>): Promise<ApiResult<T>> {
		return this.send<T>(this.bare, url, spec, false);
	}

	private async send<T>(
		client: Got,
		url: string,
		spec: Omit<RequestSpec, 'path'>,
		observed: boolean,
	): Promise<ApiResult<T>> {
		const sentAt = this.now();
		const headers: Record<string, string> = { ...spec.headers };
		let body: Readable | undefined;
		if (spec.stream) {
			headers['content-type'] = spec.stream.contentType;
			// An explicit length keeps got from sending `Transfer-Encoding: chunked` (S3 answers 501).
			headers['content-length'] = String(spec.stream.length);
			body = spec.stream.body;
		}
		const searchParams: Record<string, string | number | boolean> = {};
		for (const [k, v] of Object.entries(spec.searchParams ?? {}))
			if (v !== undefined) searchParams[k] = v;
		const streamed = spec.stream !== undefined;
		const timeoutMs = spec.idleTimeoutMs ?? (streamed ? this.uploadIdleMs : this.timeoutMs);
		let response: Response<string> | undefined;
		let failure: unknown;
		try {
			const promise = client(url, {
				method: spec.method,
				headers,
				...(spec.json !== undefined ? { json: spec.json } : {}),
				...(body ? { body } : {}),
				...(Object.keys(searchParams).length > 0 ? { searchParams } : {}),
				// Streams get an inactivity timeout (a 500 MB video may take minutes); JSON calls a total one.
				timeout: streamed ? { socket: timeoutMs, response: timeoutMs } : { request: timeoutMs },
			});
			if (spec.onProgress) {
				const onProgress = spec.onProgress;
				const total = spec.stream?.length ?? 0;
				promise.on('uploadProgress', (p: { transferred: number; total?: number }) =>
					onProgress(p.transferred, p.total ?? total),
				);
			}
			response = (await promise) as Response<string>;
		} catch (error) {
			failure = error;
			if (body && !body.destroyed) body.destroy();
		}
		const receivedAt = this.now();
		const resHeaders: HeaderBag = response ? { ...response.headers } : {};
		// Foreign URLs (S3) are outside the service's rate budgets, so only API calls are observed.
		if (observed) {
			this.observe({
				service: this.service,
				endpoint: spec.endpoint,
				sentAt,
				receivedAt,
				status: response?.statusCode ?? 0,
				headers: resHeaders,
			});
		}
		const local = fileChangedIn(failure);
		if (local) return localFileFailure(this.service, local, receivedAt);
		if (!response) {
			return {
				ok: false,
				error: networkError(this.service, describeNetworkFailure(failure, timeoutMs)),
				receivedAt,
				headers: {},
			};
		}
		const status = response.statusCode;
		if (status >= 300 && status < 400) {
			const location = response.headers.location;
			const error = parseApiError(this.service, status, resHeaders, '');
			error.message = `${SERVICE_LABEL[this.service]} answered ${status} with a redirect${
				location ? ` to ${redactUrl(location)}` : ''
			}; redirects are refused. Check the base URL (${this.baseUrl}).`;
			error.messages = [error.message];
			return { ok: false, error, receivedAt, headers: resHeaders };
		}
		if (status >= 400) {
			return {
				ok: false,
				error: parseApiError(this.service, status, resHeaders, response.body),
				receivedAt,
				headers: resHeaders,
			};
		}
		const text = response.body;
		const contentType = String(response.headers['content-type'] ?? '');
		if (text.trim() === '')
			return { ok: true, value: undefined as T, status, headers: resHeaders, receivedAt };
		let value: unknown;
		try {
			value = JSON.parse(text) as unknown;
		} catch {
			// A 2xx HTML page is a wrong base URL landing on a dashboard (docs/postsider-api.md, Base URL and routing); a
			// truncated JSON body is a broken answer. Neither may pass as data. Like a 5xx, the
			// outcome of a create is then unknown, which the caller's reconciliation handles.
			const error = parseApiError(this.service, status, resHeaders, text);
			const type = contentType.split(';')[0].trim();
			error.kind = type.includes('json') ? 'server' : 'validation';
			error.message = type.includes('json')
				? `${SERVICE_LABEL[this.service]} answered ${status} at ${spec.endpoint} with a body that is not valid JSON.`
				: `${SERVICE_LABEL[this.service]} answered ${status} with ${type || 'a non-JSON body'} instead of JSON at ${
						spec.endpoint
					}; check the base URL (${this.baseUrl}).`;
			error.messages = [error.message];
			return { ok: false, error, receivedAt, headers: resHeaders };
		}
		return { ok: true, value: value as T, status, headers: resHeaders, receivedAt };
	}

	private observe(observation: RateObservation): void {
		if (!this.onResponse) return;
		try {
			this.onResponse(observation);
		} catch {
			// An observer bug must not turn a delivered post into a network error.
		}
	}
}
