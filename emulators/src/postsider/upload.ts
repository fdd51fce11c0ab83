/**
 * PostSider uploads (docs/postsider-api.md, Uploads): multipart parsing like multer (busboy underneath),
 * streamed to a temp dir (a 500 MB video never sits in memory), then the server's validation pipe
 * (magic bytes, dangerous content, per-type caps); and upload-from-url with an injectable allow-list.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import busboy from 'busboy';

import {
	DANGEROUS_SCAN_BYTES,
	UPLOAD_FROM_URL_ACCEPTED_MIME,
	UPLOAD_FROM_URL_MAX_BYTES,
	UPLOAD_MAX_BYTES,
	UPLOAD_MESSAGES,
	hasDangerousContent,
	hasPostableExtension,
	sniffMediaType,
	detectFileType,
	TruncatedMediaError,
	type SniffedType,
} from '../../../contract/postsider';

export interface ReceivedFile {
	file: string;
	head: Buffer;
	size: number;
}

export type HttpAnswer = { status: number; body: unknown };

/** Keeps the first bytes for sniffing while the rest streams to disk, and counts the size. */
function headKeeper(onHead: (head: Buffer) => void, limit?: number): Transform & { size: number } {
	const chunks: Buffer[] = [];
	let kept = 0;
	const t = new Transform({
		transform(chunk: Buffer, _enc, done) {
			t.size += chunk.length;
			if (limit !== undefined && t.size > limit)
				return done(Object.assign(new Error('too large'), { code: 'TOO_LARGE' }));
			if (kept < DANGEROUS_SCAN_BYTES) {
				chunks.push(chunk.subarray(0, DANGEROUS_SCAN_BYTES - kept));
				kept += Math.min(chunk.length, DANGEROUS_SCAN_BYTES - kept);
			}
			done(null, chunk);
		},
		flush(done) {
			onHead(Buffer.concat(chunks));
			done();
		},
	}) as Transform & { size: number };
	t.size = 0;
	return t;
}

/**
 * Parses `multipart/form-data` like `FileInterceptor('file', {limits:{fileSize}})`. Resolves to the
 * stored file, `undefined` when there is no file part (or no multipart body), or an HTTP answer.
 */
export function receiveMultipart(
	req: IncomingMessage,
	dir: string,
	maxBytes: number,
): Promise<ReceivedFile | HttpAnswer | undefined> {
	const type = req.headers['content-type'] ?? '';
	if (!/^multipart\/form-data/i.test(type)) {
		req.resume();
		return Promise.resolve(undefined);
	}
	return new Promise((resolve) => {
		let settled = false;
		let received: ReceivedFile | undefined;
		let pending: Promise<void> | undefined;
		const files: string[] = [];
		const finish = (value: ReceivedFile | HttpAnswer | undefined) => {
			if (settled) return;
			settled = true;
			if (value === undefined || 'status' in value)
				void Promise.all(files.map((f) => rm(f, { force: true })));
			req.unpipe();
			req.resume();
			resolve(value);
		};
		let bb: busboy.Busboy;
		try {
			bb = busboy({ headers: req.headers, limits: { fileSize: maxBytes } });
		} catch (error) {
			return finish({
				status: 400,
				body: { message: (error as Error).message, error: 'Bad Request', statusCode: 400 },
			});
		}
		bb.on('file', (name, stream) => {
			if (name !== 'file' || received || pending) {
				stream.resume();
				return finish({
					status: 400,
					body: { message: UPLOAD_MESSAGES.unexpectedField, error: 'Bad Request', statusCode: 400 },
				});
			}
			const file = join(dir, randomUUID());
			files.push(file);
			let head: Buffer = Buffer.alloc(0);
			const keeper = headKeeper((h) => (head = h));
			let truncated = false;
			stream.on('limit', () => {
				truncated = true;
				finish({
					status: 413,
					body: {
						message: UPLOAD_MESSAGES.multerTooLarge,
						error: 'Payload Too Large',
						statusCode: 413,
					},
				});
			});
			pending = pipeline(stream, keeper, createWriteStream(file)).then(
				() => {
					if (!truncated) received = { file, head, size: keeper.size };
				},
				() =>
					finish({
						status: 400,
						body: { message: 'Unexpected end of form', error: 'Bad Request', statusCode: 400 },
					}),
			);
		});
		bb.on('error', (error: Error) =>
			finish({
				status: 400,
				body: { message: error.message, error: 'Bad Request', statusCode: 400 },
			}),
		);
		bb.on('close', () => {
			void (pending ?? Promise.resolve()).then(() => finish(received));
		});
		req.pipe(bb);
	});
}

/** What the server's global filter answers when the type detection throws (file-type 16 rejects). */
const INTERNAL_ERROR: HttpAnswer = {
	status: 500,
	body: { statusCode: 500, message: 'Internal server error' },
};
/** Files up to this size are sniffed whole, like the server (PNG chunk walks, ID3 tags). */
const SNIFF_WHOLE_FILE_BYTES = 64 * 1024 * 1024;

function detectForUpload(received: ReceivedFile): SniffedType | undefined | 'truncated' {
	const bytes =
		received.size <= SNIFF_WHOLE_FILE_BYTES ? readFileSync(received.file) : received.head;
	try {
		detectFileType(bytes);
	} catch (error) {
		if (error instanceof TruncatedMediaError) return 'truncated';
		throw error;
	}
	return sniffMediaType(bytes);
}

/** The upload validation pipe: type from magic bytes, the 4 KB scan, the per-type cap. */
export function validateUploaded(
	received: ReceivedFile,
): { ok: true; type: SniffedType } | { ok: false; answer: HttpAnswer } {
	const bad = (message: string): { ok: false; answer: HttpAnswer } => ({
		ok: false,
		answer: { status: 400, body: { message, error: 'Bad Request', statusCode: 400 } },
	});
	// multer's memory storage hands even a 0-byte part over as a (zero-length) buffer, so the
	// server's "no buffer" check passes and detection finds nothing: "Unsupported file type".
	const detected = detectForUpload(received);
	if (detected === 'truncated') return { ok: false, answer: INTERNAL_ERROR };
	const type = detected;
	if (!type) return bad(UPLOAD_MESSAGES.unsupported);
	if (hasDangerousContent(received.head)) return bad(UPLOAD_MESSAGES.dangerous);
	if (received.size > UPLOAD_MAX_BYTES[type.kind])
		return bad(UPLOAD_MESSAGES.tooLargeFor(type.kind));
	return { ok: true, type };
}

/** The server's public-URL rule without DNS: https, not localhost, not a private/loopback literal. */
export function looksPublicHttps(raw: string): boolean {
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		return false;
	}
	if (url.protocol !== 'https:') return false;
	const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
	if (host === 'localhost' || host.endsWith('.localhost')) return false;
	const family = isIP(host);
	if (family === 4) {
		const [a, b] = host.split('.').map(Number);
		return !(
			a === 0 ||
			a === 10 ||
			a === 127 ||
			a >= 224 ||
			(a === 169 && b === 254) ||
			(a === 172 && b >= 16 && b <= 31) ||
			(a === 192 && b === 168) ||
			(a === 100 && b >= 64 && b <= 127) ||
			(a === 198 && (b === 18 || b === 19))
		);
	}
	if (family === 6)
		return !(host === '::1' || host === '::' || /^(fc|fd|fe8|fe9|fea|feb|ff)/.test(host));
	return true;
}

/** E3 messages of `UploadDto` (all at once). `allow` replaces the public-address rule in tests. */
export function validateUploadFromUrl(
	body: Record<string, unknown>,
	allow?: (url: string) => boolean,
): string[] {
	const url = body.url;
	const messages: string[] = [];
	if (url === undefined || url === null) messages.push('url should not be null or undefined');
	if (typeof url !== 'string') messages.push('url must be a string');
	if (typeof url !== 'string' || !hasPostableExtension(url))
		messages.push(UPLOAD_MESSAGES.badExtension);
	const isPublic = typeof url === 'string' && (allow ? allow(url) : looksPublicHttps(url));
	if (!isPublic) messages.push(UPLOAD_MESSAGES.urlNotPublic);
	return messages;
}

/** Fetches and stores; network errors propagate (the server answers them with 500). */
export async function fetchToFile(
	url: string,
	dir: string,
): Promise<
	{ ok: true; received: ReceivedFile; type: SniffedType } | { ok: false; answer: HttpAnswer }
> {
	const response = await fetch(url, { signal: AbortSignal.timeout(15_000), redirect: 'follow' });
	if (!response.ok || !response.body) {
		await response.body?.cancel();
		return { ok: false, answer: { status: 400, body: { msg: UPLOAD_MESSAGES.fetchFailed } } };
	}
	const declared = Number(response.headers.get('content-length'));
	const tooLarge: HttpAnswer = { status: 413, body: { msg: UPLOAD_MESSAGES.urlTooLarge } };
	if (Number.isFinite(declared) && declared > UPLOAD_FROM_URL_MAX_BYTES) {
		await response.body.cancel();
		return { ok: false, answer: tooLarge };
	}
	const file = join(dir, randomUUID());
	let head: Buffer = Buffer.alloc(0);
	const keeper = headKeeper((h) => (head = h), UPLOAD_FROM_URL_MAX_BYTES);
	try {
		await pipeline(
			Readable.fromWeb(response.body as import('node:stream/web').ReadableStream),
			keeper,
			createWriteStream(file),
		);
	} catch (error) {
		await rm(file, { force: true });
		if ((error as { code?: string }).code === 'TOO_LARGE') return { ok: false, answer: tooLarge };
		throw error;
	}
	const received: ReceivedFile = { file, head, size: keeper.size };
	const type = detectForUpload(received);
	if (type === 'truncated') {
		await rm(file, { force: true });
		return { ok: false, answer: INTERNAL_ERROR };
	}
	if (!type || !(UPLOAD_FROM_URL_ACCEPTED_MIME as readonly string[]).includes(type.mime)) {
		await rm(file, { force: true });
		return { ok: false, answer: { status: 400, body: { msg: UPLOAD_MESSAGES.urlUnsupported } } };
	}
	return { ok: true, received, type };
}

/** Local-storage style path: `<origin>/uploads/<kind>/<yyyy>/<mm>/<dd>/<32 hex>.<ext>`. */
export function storedPath(
	origin: string,
	type: SniffedType,
	now: number,
): { name: string; path: string } {
	const d = new Date(now);
	const name = `${randomBytes(16).toString('hex')}.${type.ext}`;
	const yyyy = String(d.getUTCFullYear());
	const mm = String(d.getUTCMonth() + 1).padStart(2, '0');
	const dd = String(d.getUTCDate()).padStart(2, '0');
	return { name, path: `${origin}/uploads/${type.kind}/${yyyy}/${mm}/${dd}/${name}` };
}
