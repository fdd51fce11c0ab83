/**
 * The S3 leg of PostFast uploads (docs/postfast-api.md, The S3 upload): real SigV4 query-signed PUT URLs made with
 * the AWS SDK's presigner, verified on PUT by recomputing the signature, bodies streamed to a temp
 * dir (never held in memory), and S3's XML errors.
 *
 * One file on purpose: signing, verifying and storing are one bucket class sharing its state.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

import { S3_MAX_PUT_BYTES, S3_REGION } from '../../../contract/postfast';

/** A fake credential: the emulator signs and verifies with it, nothing else ever sees it. */
const ACCESS_KEY_ID = 'AKIAPOSTSPOOLEMULATOR';
const SECRET_ACCESS_KEY = 'postspool-emulator-s3-secret-not-a-real-key';
const MAX_EXPIRES = 604_800;

export interface S3Options {
	/** `http://127.0.0.1:<port>` of the S3 listener. */
	origin: string;
	bucket: string;
	clock: { now(): number };
	/** Where uploaded bodies are streamed to. */
	dir: string;
	/** Signed URL lifetime in seconds (docs/postfast-api.md, S3 refusals: undocumented; 300 is the stricter choice). */
	expiresIn: number;
	/** `strict` signs `content-type;host` (a mismatching Content-Type is a 403); `host` signs only host. */
	signedHeaders: 'strict' | 'host';
}

export interface StoredObject {
	key: string;
	contentType: string;
	size: number;
	etag: string;
	/** File on disk holding the bytes. */
	file: string;
	uploadedAt: number;
}

const xmlEscape = (s: string) =>
	s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** RFC 3986 encoding as SigV4 wants it. */
const sigEncode = (s: string) =>
	encodeURIComponent(s).replace(
		/[!'()*]/g,
		(ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
	);

const hex = (b: Buffer) => b.toString('hex');
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const hmac = (key: Buffer | string, data: string) =>
	createHmac('sha256', key).update(data, 'utf8').digest();

/** `2026-11-23T10:00:00Z` from `20261123T100000Z`. */
function amzDateToMs(value: string): number | undefined {
	const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
	if (!m) return undefined;
	return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
}
const isoNoMillis = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export class S3Bucket {
	readonly objects = new Map<string, StoredObject>();
	private readonly client: S3Client;

	constructor(private readonly opts: S3Options) {
		this.client = new S3Client({
			region: S3_REGION,
			endpoint: opts.origin,
			forcePathStyle: true,
			credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY },
			// No empty-body CRC32 baked into the URL (docs/postfast-api.md, S3 refusals "Checksums").
			requestChecksumCalculation: 'WHEN_REQUIRED',
		});
	}

	async init(): Promise<void> {
		await mkdir(this.opts.dir, { recursive: true });
	}

	/** A SigV4 query-signed PUT URL for `key`, signed at the emulator clock's time. */
	async presignPut(key: string, contentType: string): Promise<string> {
		const command = new PutObjectCommand({
			Bucket: this.opts.bucket,
			Key: key,
			ContentType: contentType,
		});
		return await getSignedUrl(this.client, command, {
			expiresIn: this.opts.expiresIn,
			signingDate: new Date(this.opts.clock.now()),
			...(this.opts.signedHeaders === 'strict'
				? { signableHeaders: new Set(['content-type']) }
				: {}),
		});
	}

	objectUrl(key: string): string {
		return `${this.opts.origin}/${this.opts.bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
	}

	/** The key a request path names, or undefined when it is not in this bucket. */
	private keyOf(pathname: string): string | undefined {
		const prefix = `/${this.opts.bucket}/`;
		if (!pathname.startsWith(prefix)) return undefined;
		try {
			return pathname.slice(prefix.length).split('/').map(decodeURIComponent).join('/');
		} catch {
			return undefined;
		}
	}

	/** Handles one request on the S3 listener. Returns the status sent. */
	async handle(req: IncomingMessage, res: ServerResponse): Promise<number> {
		const url = new URL(req.url ?? '/', this.opts.origin);
		const key = this.keyOf(url.pathname);
		const method = req.method ?? 'GET';
		const signed = url.searchParams.has('X-Amz-Signature');

		if (!signed && (method === 'GET' || method === 'HEAD')) {
			// Objects are served for media URLs in post listings (a public-read bucket is assumed).
			const object = key !== undefined ? this.objects.get(key) : undefined;
			if (!object)
				return this.fail(
					req,
					res,
					404,
					'NoSuchKey',
					'The specified key does not exist.',
					{ Key: key ?? url.pathname },
					method === 'HEAD',
				);
			const { createReadStream } = await import('node:fs');
			res.writeHead(200, {
				'Content-Type': object.contentType,
				'Content-Length': String(object.size),
				ETag: object.etag,
				Server: 'AmazonS3',
			});
			if (method === 'HEAD') {
				res.end();
				return 200;
			}
			await pipeline(createReadStream(object.file), res);
			return 200;
		}
		if (!signed) return this.fail(req, res, 403, 'AccessDenied', 'Access Denied');

		// Header-level refusals come first: never read a body without a length.
		const te = req.headers['transfer-encoding'];
		if (method === 'PUT' && te !== undefined) {
			return this.fail(
				req,
				res,
				501,
				'NotImplemented',
				'A header you provided implies functionality that is not implemented',
				{
					Header: 'Transfer-Encoding',
				},
			);
		}
		if (method === 'PUT' && req.headers['content-length'] === undefined) {
			return this.fail(
				req,
				res,
				411,
				'MissingContentLength',
				'You must provide the Content-Length HTTP header.',
			);
		}

		const q = url.searchParams;
		const expires = Number(q.get('X-Amz-Expires'));
		if (!Number.isInteger(expires) || expires < 0 || expires > MAX_EXPIRES) {
			return this.fail(
				req,
				res,
				400,
				'AuthorizationQueryParametersError',
				'X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds',
			);
		}
		const dateMs = amzDateToMs(q.get('X-Amz-Date') ?? '');
		if (
			q.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256' ||
			dateMs === undefined ||
			!q.get('X-Amz-Credential') ||
			!q.get('X-Amz-SignedHeaders')
		) {
			return this.fail(
				req,
				res,
				400,
				'AuthorizationQueryParametersError',
				'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
			);
		}

		// Signature first: a tampered URL is a mismatch even when it is also expired.
		const check = this.verify(req, url);
		if (!check.ok) {
			return this.fail(
				req,
				res,
				403,
				'SignatureDoesNotMatch',
				'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
				{
					AWSAccessKeyId: ACCESS_KEY_ID,
					StringToSign: check.stringToSign,
					SignatureProvided: q.get('X-Amz-Signature') ?? '',
					StringToSignBytes: [...Buffer.from(check.stringToSign)]
						.map((b) => b.toString(16).padStart(2, '0'))
						.join(' '),
					CanonicalRequest: check.canonicalRequest,
					CanonicalRequestBytes: [...Buffer.from(check.canonicalRequest)]
						.map((b) => b.toString(16).padStart(2, '0'))
						.join(' '),
				},
				method === 'HEAD',
			);
		}
		const now = this.opts.clock.now();
		if (now > dateMs + expires * 1000) {
			return this.fail(
				req,
				res,
				403,
				'AccessDenied',
				'Request has expired',
				{
					'X-Amz-Expires': String(expires),
					Expires: isoNoMillis(dateMs + expires * 1000),
					ServerTime: isoNoMillis(now),
				},
				method === 'HEAD',
			);
		}
		if (dateMs > now + 15 * 60_000)
			return this.fail(req, res, 403, 'AccessDenied', 'Request is not valid yet');
		const signedHeaders = (q.get('X-Amz-SignedHeaders') ?? '').split(';');
		const unsigned = Object.keys(req.headers).filter(
			(h) => h.startsWith('x-amz-') && !signedHeaders.includes(h),
		);
		if (unsigned.length > 0) {
			return this.fail(
				req,
				res,
				403,
				'AccessDenied',
				'There were headers present in the request which were not signed',
				{
					HeadersNotSigned: unsigned.join(', '),
				},
			);
		}
		if (method !== 'PUT' || key === undefined) {
			return this.fail(
				req,
				res,
				405,
				'MethodNotAllowed',
				'The specified method is not allowed against this resource.',
			);
		}
		const length = Number(req.headers['content-length']);
		if (length > S3_MAX_PUT_BYTES) {
			return this.fail(
				req,
				res,
				400,
				'EntityTooLarge',
				'Your proposed upload exceeds the maximum allowed size',
				{
					ProposedSize: String(length),
					MaxSizeAllowed: String(S3_MAX_PUT_BYTES),
				},
			);
		}
		return await this.store(req, res, key, length);
	}

	private async store(
		req: IncomingMessage,
		res: ServerResponse,
		key: string,
		length: number,
	): Promise<number> {
		const file = join(this.opts.dir, randomBytes(12).toString('hex'));
		const md5 = createHash('md5');
		let received = 0;
		req.on('data', (chunk: Buffer) => {
			md5.update(chunk);
			received += chunk.length;
		});
		try {
			await pipeline(req, createWriteStream(file));
		} catch {
			await rm(file, { force: true });
			return this.fail(
				req,
				res,
				400,
				'IncompleteBody',
				'You did not provide the number of bytes specified by the Content-Length HTTP header',
			);
		}
		if (received !== length) {
			await rm(file, { force: true });
			return this.fail(
				req,
				res,
				400,
				'IncompleteBody',
				'You did not provide the number of bytes specified by the Content-Length HTTP header',
			);
		}
		const digest = md5.digest();
		const md5Header = req.headers['content-md5'];
		const contentMd5 = Array.isArray(md5Header) ? md5Header[0] : md5Header;
		if (contentMd5 !== undefined) {
			// Content-MD5 is checked even though it is not signed (docs/postfast-api.md, S3 refusals).
			if (Buffer.from(contentMd5, 'base64').length !== 16) {
				await rm(file, { force: true });
				return this.fail(
					req,
					res,
					400,
					'InvalidDigest',
					'The Content-MD5 you specified was invalid.',
					{ 'Content-MD5': contentMd5 },
				);
			}
			if (contentMd5 !== digest.toString('base64')) {
				await rm(file, { force: true });
				return this.fail(
					req,
					res,
					400,
					'BadDigest',
					'The Content-MD5 you specified did not match what we received.',
					{
						ExpectedDigest: contentMd5,
						CalculatedDigest: digest.toString('base64'),
					},
				);
			}
		}
		const etag = `"${digest.toString('hex')}"`;
		const previous = this.objects.get(key);
		if (previous) await rm(previous.file, { force: true });
		this.objects.set(key, {
			key,
			contentType: req.headers['content-type'] ?? 'binary/octet-stream',
			size: received,
			etag,
			file,
			uploadedAt: this.opts.clock.now(),
		});
		res.writeHead(200, {
			ETag: etag,
			'Content-Length': '0',
			'x-amz-request-id': randomBytes(8).toString('hex').toUpperCase(),
			'x-amz-id-2': randomBytes(24).toString('base64'),
			'x-amz-server-side-encryption': 'AES256',
			Server: 'AmazonS3',
		});
		res.end();
		return 200;
	}

	/** Recomputes the SigV4 query signature of a request. */
	private verify(
		req: IncomingMessage,
		url: URL,
	): { ok: boolean; stringToSign: string; canonicalRequest: string } {
		const q = url.searchParams;
		const signedHeaders = (q.get('X-Amz-SignedHeaders') ?? '').split(';');
		const canonicalQuery = [...q.entries()]
			.filter(([k]) => k !== 'X-Amz-Signature')
			.map(([k, v]) => [sigEncode(k), sigEncode(v)] as const)
			.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
			.map(([k, v]) => `${k}=${v}`)
			.join('&');
		const canonicalHeaders = signedHeaders
			.map((h) => {
				const raw = req.headers[h];
				const value = Array.isArray(raw) ? raw.join(',') : (raw ?? '');
				return `${h}:${value.trim().replace(/\s+/g, ' ')}\n`;
			})
			.join('');
		const rawPath = (req.url ?? '/').split('?')[0];
		const canonicalRequest = [
			req.method ?? 'GET',
			rawPath,
			canonicalQuery,
			canonicalHeaders,
			signedHeaders.join(';'),
			'UNSIGNED-PAYLOAD',
		].join('\n');
		const credential = q.get('X-Amz-Credential') ?? '';
		const [akid, date, region, service, terminator] = credential.split('/');
		const scope = `${date}/${region}/${service}/${terminator}`;
		const amzDate = q.get('X-Amz-Date') ?? '';
		const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
		const kDate = hmac(`AWS4${SECRET_ACCESS_KEY}`, date ?? '');
		const kSigning = hmac(hmac(hmac(kDate, region ?? ''), service ?? ''), 'aws4_request');
		const expected = hex(hmac(kSigning, stringToSign));
		const ok =
			akid === ACCESS_KEY_ID &&
			region === S3_REGION &&
			service === 's3' &&
			terminator === 'aws4_request' &&
			amzDate.startsWith(date ?? '-') &&
			expected === q.get('X-Amz-Signature');
		return { ok, stringToSign, canonicalRequest };
	}

	/** Refuses a request; a small unread body is drained so the client reads the answer, a big one is cut off. */
	private fail(
		req: IncomingMessage,
		res: ServerResponse,
		status: number,
		code: string,
		message: string,
		extra: Record<string, string> = {},
		headOnly = false,
	): number {
		const length = Number(req.headers['content-length'] ?? 0);
		if (!req.readableEnded && length <= 8 * 1024 * 1024) req.resume();
		return this.error(res, status, code, message, extra, headOnly, length > 8 * 1024 * 1024);
	}

	private error(
		res: ServerResponse,
		status: number,
		code: string,
		message: string,
		extra: Record<string, string> = {},
		headOnly = false,
		close = false,
	): number {
		const requestId = randomBytes(8).toString('hex').toUpperCase();
		const body =
			'<?xml version="1.0" encoding="UTF-8"?>\n' +
			`<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message>` +
			Object.entries(extra)
				.map(([k, v]) => `<${k}>${xmlEscape(v)}</${k}>`)
				.join('') +
			`<RequestId>${requestId}</RequestId><HostId>${randomBytes(24).toString('base64')}</HostId></Error>`;
		res.writeHead(status, {
			'Content-Type': 'application/xml',
			'Content-Length': String(Buffer.byteLength(body)),
			'x-amz-request-id': requestId,
			Server: 'AmazonS3',
			// S3 closes the connection after refusing a PUT whose body it did not read.
			...(close ? { Connection: 'close' } : {}),
		});
		res.end(headOnly ? undefined : body);
		return status;
	}

	/** Forgets every object; their files are removed in the background. */
	clear(): void {
		const files = [...this.objects.values()].map((o) => o.file);
		this.objects.clear();
		void Promise.all(files.map((f) => rm(f, { force: true })));
	}

	async destroy(): Promise<void> {
		this.objects.clear();
		await rm(this.opts.dir, { recursive: true, force: true });
		this.client.destroy();
	}
}
