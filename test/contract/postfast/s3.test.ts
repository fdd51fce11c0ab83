/**
 * The S3 leg of PostFast uploads (docs/postfast-api.md, Upload URLs; The S3 upload): real SigV4 query-signed PUT
 * URLs on their own listener, verified on PUT, with S3's statuses, headers and XML errors.
 */
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { answer, call, startPostFast, type Emulator } from './helpers';
import { keyFingerprint } from '../../../emulators/src/index';

let pf: Emulator;

beforeAll(async () => {
	pf = await startPostFast();
});
afterAll(async () => pf.close());
beforeEach(() => pf.reset());

async function signed(contentType = 'image/png'): Promise<{ key: string; signedUrl: string }> {
	const a = await call(pf, 'POST', '/file/get-signed-upload-urls', {
		body: { contentType, count: 1 },
	});
	expect(a.status, a.text).toBe(200);
	return a.body[0];
}

const put = (
	url: string,
	body: Buffer | string,
	headers: Record<string, string> = { 'content-type': 'image/png' },
	method = 'PUT',
) =>
	fetch(url, {
		method,
		headers,
		body: method === 'GET' || method === 'HEAD' ? undefined : body,
	}).then(answer);

/** `<Code>` and `<Message>` of an S3 XML error body. */
function xml(text: string) {
	const tag = (name: string) => new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(text)?.[1];
	return { code: tag('Code'), message: tag('Message'), tag };
}

describe('docs/postfast-api.md, Signed URL shape: the signed URL', () => {
	it('is a SigV4 query-signed, path-style URL on the S3 listener, valid 300 s, signing content-type and host', async () => {
		const { key, signedUrl } = await signed();
		const url = new URL(signedUrl);
		expect(url.origin).toBe(pf.s3Origin);
		expect(url.pathname).toBe(`/postfast-media/${key}`);
		expect(key).toMatch(/^image\/[0-9a-f-]{36}\.png$/);
		const q = Object.fromEntries(url.searchParams);
		expect(q).toMatchObject({
			'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
			'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD',
			'X-Amz-Expires': '300',
			'X-Amz-SignedHeaders': 'content-type;host',
			'x-id': 'PutObject',
		});
		expect(q['X-Amz-Credential']).toMatch(/^[A-Z0-9]+\/\d{8}\/eu-central-1\/s3\/aws4_request$/);
		expect(q['X-Amz-Date']).toBe(
			new Date(pf.clock.now())
				.toISOString()
				.replace(/[-:]/g, '')
				.replace(/\.\d{3}/, ''),
		);
		expect(q['X-Amz-Signature']).toMatch(/^[0-9a-f]{64}$/);
	});

	it.each([
		['image/jpeg', /^image\/[0-9a-f-]{36}\.jpg$/],
		['video/mp4', /^video\/[0-9a-f-]{36}\.mp4$/],
		['video/quicktime', /^video\/[0-9a-f-]{36}\.mov$/],
	])(
		'docs/postfast-api.md, Upload URLs: key prefix and extension for %s',
		async (contentType, pattern) => {
			expect((await signed(contentType)).key).toMatch(pattern);
		},
	);
});

describe('docs/postfast-api.md, Successful PUT: a good PUT', () => {
	it('answers 200 with an empty body, the quoted MD5 ETag and S3 headers, and stores bytes and type', async () => {
		const { key, signedUrl } = await signed();
		const bytes = Buffer.from('a tiny png stand-in');
		const a = await put(signedUrl, bytes);
		expect(a.status).toBe(200);
		expect(a.text).toBe('');
		expect(a.headers).toMatchObject({
			etag: `"${createHash('md5').update(bytes).digest('hex')}"`,
			'content-length': '0',
			'x-amz-server-side-encryption': 'AES256',
			server: 'AmazonS3',
		});
		expect(a.headers['x-amz-request-id']).toMatch(/^[0-9A-F]{16}$/);
		expect(pf.objects.get(key)).toMatchObject({ contentType: 'image/png', size: bytes.length });
	});

	it('may be repeated until expiry: the second PUT overwrites the object', async () => {
		const { key, signedUrl } = await signed();
		await put(signedUrl, 'first');
		const again = await put(signedUrl, 'second, longer');
		expect(again.status).toBe(200);
		expect(pf.objects.get(key)?.size).toBe('second, longer'.length);
	});

	it('streams the body to disk (never kept in memory): 32 MB arrive intact', async () => {
		const { key, signedUrl } = await signed('video/mp4');
		const size = 32 * 1024 * 1024;
		const md5 = createHash('md5');
		const chunk = Buffer.alloc(1024 * 1024, 7);
		for (let i = 0; i < 32; i++) md5.update(chunk);
		const status = await new Promise<{ status: number; etag?: string }>((resolve, reject) => {
			const req = request(
				signedUrl,
				{ method: 'PUT', headers: { 'content-type': 'video/mp4', 'content-length': String(size) } },
				(res) => {
					res.resume();
					resolve({ status: res.statusCode ?? 0, etag: res.headers.etag });
				},
			);
			req.on('error', reject);
			Readable.from(
				(function* () {
					for (let i = 0; i < 32; i++) yield chunk;
				})(),
			).pipe(req);
		});
		expect(status).toEqual({ status: 200, etag: `"${md5.digest('hex')}"` });
		expect(pf.objects.get(key)).toMatchObject({ size, file: expect.any(String) });
	});

	it('docs/postfast-api.md, The S3 upload: an API key sent to S3 is ignored by S3 but shows up in the request log (leak detection)', async () => {
		const { signedUrl } = await signed();
		const a = await put(signedUrl, 'x', { 'content-type': 'image/png', 'pf-api-key': pf.apiKey });
		expect(a.status).toBe(200);
		const logged = pf.requests.filter((r) => r.service === 's3' && r.method === 'PUT');
		expect(logged.at(-1)?.headers['pf-api-key']).toBe(keyFingerprint(pf.apiKey));
	});

	it('the stored object is served at the URL listed posts show (unsigned GET/HEAD, public-read)', async () => {
		const { key, signedUrl } = await signed();
		await put(signedUrl, 'pixels');
		const got = await fetch(`${pf.s3Origin}/postfast-media/${key}`);
		expect(got.status).toBe(200);
		expect(got.headers.get('content-type')).toBe('image/png');
		expect(await got.text()).toBe('pixels');
	});
});

/** Sends a raw HTTP request (for the header combinations fetch refuses to produce). */
function raw(url: string, lines: string[], body = ''): Promise<{ status: number; text: string }> {
	const u = new URL(url);
	return new Promise((resolve, reject) => {
		const socket = connect(Number(u.port), u.hostname, () => {
			socket.write(
				`${lines.join('\r\n').replace('PATH', u.pathname + u.search)}\r\nHost: ${u.host}\r\nConnection: close\r\n\r\n${body}`,
			);
		});
		let data = '';
		socket.on('data', (d) => (data += d.toString('latin1')));
		socket.on('end', () =>
			resolve({
				status: Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0),
				text: data.split('\r\n\r\n').slice(1).join('\r\n\r\n'),
			}),
		);
		socket.on('error', reject);
	});
}

describe('docs/postfast-api.md, S3 refusals: refusals, with the S3 XML error bodies', () => {
	const cases: Array<
		[string, (url: string) => Promise<{ status: number; text: string }>, number, string, RegExp]
	> = [
		[
			'docs/postfast-api.md, Content-Type enforcement: strict mode: a Content-Type other than the requested one',
			(url) => put(url, 'x', { 'content-type': 'image/jpeg' }),
			403,
			'SignatureDoesNotMatch',
			/The request signature we calculated does not match the signature you provided/,
		],
		[
			'docs/postfast-api.md, Content-Type enforcement: strict mode: no Content-Type at all',
			(url) => put(url, Buffer.from('x'), {}),
			403,
			'SignatureDoesNotMatch',
			/does not match/,
		],
		[
			'wrong method: POST on a PUT URL',
			(url) => put(url, 'x', { 'content-type': 'image/png' }, 'POST'),
			403,
			'SignatureDoesNotMatch',
			/does not match/,
		],
		[
			'wrong method: GET on a PUT URL',
			(url) => put(url, '', { 'content-type': 'image/png' }, 'GET'),
			403,
			'SignatureDoesNotMatch',
			/does not match/,
		],
		[
			'altered path',
			(url) => put(url.replace('/image/', '/image/x'), 'x'),
			403,
			'SignatureDoesNotMatch',
			/does not match/,
		],
		[
			'altered query (X-Amz-Date)',
			(url) =>
				put(
					url.replace(/X-Amz-Date=\d{8}T\d{6}Z/, (m) => m.replace(/\d\dZ$/, '00Z')),
					'x',
				),
			403,
			'SignatureDoesNotMatch',
			/does not match/,
		],
		[
			'an x-amz-* header that is not signed',
			(url) => put(url, 'x', { 'content-type': 'image/png', 'x-amz-meta-owner': 'me' }),
			403,
			'AccessDenied',
			/There were headers present in the request which were not signed/,
		],
		[
			'X-Amz-Expires over a week',
			(url) => put(url.replace('X-Amz-Expires=300', 'X-Amz-Expires=604801'), 'x'),
			400,
			'AuthorizationQueryParametersError',
			/X-Amz-Expires must be less than a week/,
		],
		[
			'docs/postfast-api.md, The S3 upload: a chunked body (a stream without length)',
			(url) =>
				raw(
					url,
					['PUT PATH HTTP/1.1', 'Content-Type: image/png', 'Transfer-Encoding: chunked'],
					'1\r\nx\r\n0\r\n\r\n',
				),
			501,
			'NotImplemented',
			/A header you provided implies functionality that is not implemented/,
		],
		[
			'no Content-Length and not chunked',
			(url) => raw(url, ['PUT PATH HTTP/1.1', 'Content-Type: image/png']),
			411,
			'MissingContentLength',
			/You must provide the Content-Length HTTP header/,
		],
	];

	cases.push(
		[
			'a body over S3’s 5 GiB single-PUT maximum (refused from the header, before any byte is read)',
			(url) =>
				raw(url, ['PUT PATH HTTP/1.1', 'Content-Type: image/png', 'Content-Length: 6000000000']),
			400,
			'EntityTooLarge',
			/Your proposed upload exceeds the maximum allowed size/,
		],
		[
			'a Content-MD5 that does not match the body',
			(url) =>
				put(url, 'abc', {
					'content-type': 'image/png',
					'content-md5': Buffer.alloc(16).toString('base64'),
				}),
			400,
			'BadDigest',
			/The Content-MD5 you specified did not match what we received/,
		],
		[
			'a malformed Content-MD5',
			(url) => put(url, 'abc', { 'content-type': 'image/png', 'content-md5': 'bm9wZQ==' }),
			400,
			'InvalidDigest',
			/The Content-MD5 you specified was invalid/,
		],
	);

	it.each(cases)('%s', async (_name, send, status, code, message) => {
		const { signedUrl } = await signed();
		const a = await send(signedUrl);
		expect(a.status).toBe(status);
		expect(a.text.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
		const e = xml(a.text);
		expect(e.code).toBe(code);
		expect(e.message).toMatch(message);
		expect(e.tag('RequestId')).toBeTruthy();
		expect(e.tag('HostId')).toBeTruthy();
	});

	it('SignatureDoesNotMatch carries StringToSign and a CanonicalRequest ending in UNSIGNED-PAYLOAD', async () => {
		const { signedUrl } = await signed();
		const e = xml((await put(signedUrl, 'x', { 'content-type': 'image/gif' })).text);
		expect(e.tag('CanonicalRequest')).toMatch(
			/^PUT\n\/postfast-media\/image\/.*\nX-Amz-Algorithm=AWS4-HMAC-SHA256&amp;.*\ncontent-type:image\/gif\nhost:127\.0\.0\.1:\d+\n\ncontent-type;host\nUNSIGNED-PAYLOAD$/,
		);
		expect(e.tag('StringToSign')).toMatch(
			/^AWS4-HMAC-SHA256\n\d{8}T\d{6}Z\n\d{8}\/eu-central-1\/s3\/aws4_request\n[0-9a-f]{64}$/,
		);
		expect(e.tag('HeadersNotSigned')).toBeUndefined();
	});

	it('HeadersNotSigned names the header', async () => {
		const { signedUrl } = await signed();
		const e = xml(
			(await put(signedUrl, 'x', { 'content-type': 'image/png', 'x-amz-meta-owner': 'me' })).text,
		);
		expect(e.tag('HeadersNotSigned')).toBe('x-amz-meta-owner');
	});

	it('docs/postfast-api.md, S3 refusals: expiry (300 s on the emulator clock): AccessDenied "Request has expired" with X-Amz-Expires, Expires, ServerTime', async () => {
		const { signedUrl } = await signed();
		pf.clock.advance(301_000);
		const a = await put(signedUrl, 'x');
		expect(a.status).toBe(403);
		const e = xml(a.text);
		expect([e.code, e.message, e.tag('X-Amz-Expires')]).toEqual([
			'AccessDenied',
			'Request has expired',
			'300',
		]);
		expect(e.tag('ServerTime')).toBe(
			new Date(pf.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
		);
		expect(e.tag('Expires')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
	});

	it('still valid at exactly 300 s (X-Amz-Date has whole seconds)', async () => {
		pf.clock.set(Math.floor(pf.clock.now() / 1000) * 1000);
		const { signedUrl } = await signed();
		pf.clock.advance(300_000);
		expect((await put(signedUrl, 'x')).status).toBe(200);
	});

	it('docs/postfast-api.md, S3 refusals: a URL dated more than 15 minutes ahead of the server: "Request is not valid yet"', async () => {
		const { signedUrl } = await signed();
		pf.clock.set(pf.clock.now() - 20 * 60_000);
		const e = xml((await put(signedUrl, 'x')).text);
		expect([e.code, e.message]).toEqual(['AccessDenied', 'Request is not valid yet']);
	});
});

describe('docs/postfast-api.md, Content-Type enforcement: host-only signing (the SDK default), selectable', () => {
	let loose: Emulator;
	beforeAll(async () => {
		loose = await startPostFast({ signedHeaders: 'host' });
	});
	afterAll(async () => loose.close());

	it('signs only host, accepts any Content-Type and stores what was sent (none → binary/octet-stream)', async () => {
		const urls = await call(loose, 'POST', '/file/get-signed-upload-urls', {
			body: { contentType: 'image/png', count: 2 },
		});
		const [a, b] = urls.body as Array<{ key: string; signedUrl: string }>;
		expect(new URL(a.signedUrl).searchParams.get('X-Amz-SignedHeaders')).toBe('host');
		expect((await put(a.signedUrl, 'x', { 'content-type': 'image/jpeg' })).status).toBe(200);
		expect((await put(b.signedUrl, Buffer.from('y'), {})).status).toBe(200);
		expect(loose.objects.get(a.key)?.contentType).toBe('image/jpeg');
		expect(loose.objects.get(b.key)?.contentType).toBe('binary/octet-stream');
	});
});
