/**
 * Helpers for the PostFast contract tests: plain `fetch` against a real emulator (no client code
 * of ours in between, so these tests document the wire contract itself).
 */
import { startPostFast } from '../../../emulators/src/index';

export type Emulator = Awaited<ReturnType<typeof startPostFast>>;
export { startPostFast };

export interface Answer {
	status: number;
	headers: Record<string, string>;
	/** Parsed JSON when the answer is JSON, else the text. */
	body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
	text: string;
}

export interface CallOptions {
	body?: unknown;
	/** API key to send; `null` sends no pf-api-key header. Default: the demo key. */
	key?: string | null;
	headers?: Record<string, string>;
}

export async function call(
	pf: Emulator,
	method: string,
	path: string,
	opts: CallOptions = {},
): Promise<Answer> {
	const headers: Record<string, string> = { ...(opts.headers ?? {}) };
	const key = opts.key === undefined ? pf.apiKey : opts.key;
	if (key !== null) headers['pf-api-key'] = key;
	let body: string | undefined;
	if (opts.body !== undefined) {
		body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
		headers['content-type'] ??= 'application/json';
	}
	const response = await fetch(`${pf.baseUrl}${path}`, { method, headers, body });
	return answer(response);
}

export async function answer(response: Response): Promise<Answer> {
	const text = await response.text();
	let parsed: unknown = text;
	if ((response.headers.get('content-type') ?? '').includes('json') && text !== '')
		parsed = JSON.parse(text);
	return {
		status: response.status,
		headers: Object.fromEntries(response.headers),
		body: parsed,
		text,
	};
}

/** Rate headers only (x-ratelimit-*, retry-after*), for exact comparisons. */
export function rateHeaders(a: Answer): Record<string, string> {
	return Object.fromEntries(
		Object.entries(a.headers).filter(
			([k]) => k.startsWith('x-ratelimit-') || k.startsWith('retry-after'),
		),
	);
}

export interface DemoAccount {
	id: string;
	platform: string;
	connectionStatus: string;
}

export async function accounts(pf: Emulator, key: string = pf.apiKey): Promise<DemoAccount[]> {
	const a = await call(pf, 'GET', '/social-media/my-social-accounts', { key });
	if (a.status !== 200) throw new Error(`listing accounts answered ${a.status}: ${a.text}`);
	return a.body as DemoAccount[];
}

export function on(list: DemoAccount[], platform: string, status = 'CONNECTED'): string {
	const found = list.find((a) => a.platform === platform && a.connectionStatus === status);
	if (!found) throw new Error(`the demo workspace has no ${status} ${platform} account`);
	return found.id;
}

export const inFuture = (pf: Emulator, ms = 86_400_000) =>
	new Date(pf.clock.now() + ms).toISOString();

/** Gets one signed URL and PUTs `bytes` to it; returns the key. */
export async function upload(
	pf: Emulator,
	contentType: string,
	bytes: Buffer = Buffer.from('demo-bytes'),
): Promise<string> {
	const urls = await call(pf, 'POST', '/file/get-signed-upload-urls', {
		body: { contentType, count: 1 },
	});
	if (urls.status >= 300) throw new Error(`upload URLs answered ${urls.status}: ${urls.text}`);
	const { key, signedUrl } = urls.body[0] as { key: string; signedUrl: string };
	const put = await fetch(signedUrl, {
		method: 'PUT',
		headers: { 'content-type': contentType },
		body: bytes,
	});
	if (put.status !== 200) throw new Error(`PUT answered ${put.status}: ${await put.text()}`);
	return key;
}
