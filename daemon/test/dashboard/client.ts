/** A tiny HTTP client for the dashboard tests: node:http, so the Host and Origin headers are ours to set. */
import { request } from 'node:http';

export interface Reply {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: string;
}

export function call(
	base: string,
	path: string,
	opts: { method?: string; headers?: Record<string, string>; form?: Record<string, string> } = {},
): Promise<Reply> {
	const url = new URL(path, base);
	const body = opts.form ? new URLSearchParams(opts.form).toString() : undefined;
	return new Promise((resolve, reject) => {
		const req = request(
			{
				host: '127.0.0.1',
				port: url.port,
				path: url.pathname + url.search,
				method: opts.method ?? (body !== undefined ? 'POST' : 'GET'),
				headers: {
					Host: url.host,
					...(body !== undefined
						? {
								'Content-Type': 'application/x-www-form-urlencoded',
								'Content-Length': String(Buffer.byteLength(body)),
							}
						: {}),
					...opts.headers,
				},
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () =>
					resolve({
						status: res.statusCode ?? 0,
						headers: res.headers,
						body: Buffer.concat(chunks).toString('utf8'),
					}),
				);
			},
		);
		req.on('error', reject);
		req.end(body);
	});
}

/** Signs in with a secret (a login code or the token); returns the session cookie and the page's CSRF token. */
export async function signIn(
	base: string,
	secret: string,
): Promise<{ cookie: string; csrf: string }> {
	const r = await call(base, '/login', {
		form: { secret },
		headers: { Origin: base.replace(/\/$/, '') },
	});
	if (r.status !== 303) throw new Error(`login refused: ${r.status}`);
	const cookie = String(r.headers['set-cookie']).split(';')[0];
	const page = await call(base, '/problems', { headers: { Cookie: cookie } });
	return { cookie, csrf: csrfOf(page.body) ?? '' };
}

export function csrfOf(html: string): string | undefined {
	return /name="csrf-token" content="([^"]+)"/.exec(html)?.[1];
}
