/**
 * Binary data for uploads without holding the file in memory. With n8n's filesystem (or S3)
 * binary-data mode an item's binary has an `id`; we read it once as a stream to learn its size,
 * first bytes and SHA-256, and open a fresh stream for each upload attempt (a 429 or a retried PUT
 * sends the body again). Only in n8n's in-memory mode, where the bytes already live in the item,
 * do we use the buffer.
 */
import { createHash } from 'crypto';
import type { IExecuteFunctions } from 'n8n-workflow';

/** The stream n8n's binary store hands out (a Node Readable; n8n Cloud allows no `stream` import). */
export type BinaryStream = Awaited<ReturnType<IExecuteFunctions['helpers']['getBinaryStream']>>;

/** A request body for one file: n8n's stream, or in in-memory mode the bytes themselves. */
export type FileBody = BinaryStream | Buffer;

/** Closes a streamed body that the request did not read to the end (a 413, a 429). */
export function closeBody(body: unknown): void {
	if (body && !Buffer.isBuffer(body) && typeof (body as BinaryStream).destroy === 'function')
		(body as BinaryStream).destroy();
}

async function* chunksOf(body: FileBody): AsyncGenerator<Buffer> {
	if (Buffer.isBuffer(body)) {
		yield body;
		return;
	}
	try {
		for await (const chunk of body) yield chunk as Buffer;
	} finally {
		body.destroy();
	}
}

/** At least two minutes, and long enough for the file at 50 kB/s: a stalled transfer must end. */
export function transferTimeoutMs(bytes: number): number {
	return Math.max(120_000, Math.ceil(bytes / 50_000) * 1000);
}

/** Bytes kept from the start of a file: enough for every type sniff and content scan we run. */
export const HEAD_BYTES = 64 * 1024;

/** Read size for binary streams, the fs default (256 KiB chunks grew RSS more in bench/n8n-upload.run.ts). */
const STREAM_CHUNK_BYTES = 64 * 1024;

export interface BinaryFile {
	/** The item's binary property the file came from. */
	property: string;
	fileName?: string;
	mimeType?: string;
	/** Exact size in bytes, counted while hashing. */
	size: number;
	/** The first `HEAD_BYTES` bytes (fewer for a smaller file). */
	head: Buffer;
	sha256: string;
	/** The whole file from byte 0, anew on each call: a stream, or the bytes in in-memory mode. */
	open(): Promise<FileBody>;
}

/** Reads one binary property of item `itemIndex` as a `BinaryFile` (one streaming pass). */
export async function readBinaryFile(
	this: IExecuteFunctions,
	itemIndex: number,
	property: string,
): Promise<BinaryFile> {
	const binary = this.helpers.assertBinaryData(itemIndex, property);
	let open: () => Promise<FileBody>;
	if (binary.id) {
		const id = binary.id;
		open = async () => await this.helpers.getBinaryStream(id, STREAM_CHUNK_BYTES);
	} else {
		const buffer = await this.helpers.getBinaryDataBuffer(itemIndex, property);
		open = async () => buffer;
	}
	const hash = createHash('sha256');
	const headParts: Buffer[] = [];
	let headLength = 0;
	let size = 0;
	for await (const bytes of chunksOf(await open())) {
		hash.update(bytes);
		size += bytes.length;
		if (headLength < HEAD_BYTES) {
			const part = bytes.subarray(0, HEAD_BYTES - headLength);
			// A copy, so the head does not pin the whole (possibly large) chunk.
			headParts.push(Buffer.from(part));
			headLength += part.length;
		}
	}
	return {
		property,
		...(binary.fileName ? { fileName: binary.fileName } : {}),
		...(binary.mimeType ? { mimeType: binary.mimeType } : {}),
		size,
		head: Buffer.concat(headParts),
		sha256: hash.digest('hex'),
		open,
	};
}

/**
 * A body that can be sent more than once: its type, its exact length, and a way to open it from
 * the start. `open` gives what n8n's HTTP client sends as a stream with that length: a Blob-like
 * object whose `stream()` yields the parts (axios reads any object tagged `Blob` that way).
 */
export interface StreamBody {
	contentType: string;
	length: number;
	open(): Promise<StreamedBlob>;
}

export interface StreamedBlob {
	readonly [Symbol.toStringTag]: 'Blob';
	readonly type: string;
	readonly size: number;
	stream(): AsyncGenerator<Buffer>;
}

/**
 * A `multipart/form-data` body with one file field, streamed: the part header, the file's bytes
 * and the closing boundary, with the exact length known up front (no chunked encoding).
 */
export function multipartFileBody(
	field: string,
	file: Pick<BinaryFile, 'size' | 'open'> & { fileName: string; mimeType: string },
): StreamBody {
	const boundary = `----postspool${createHash('sha256').update(`${Date.now()}${Math.random()}`).digest('hex').slice(0, 24)}`;
	// Quotes and line breaks would end the header early; RFC 7578 percent-encodes them.
	const safeName = file.fileName.replace(/["\r\n]/g, (c) => encodeURIComponent(c));
	const preamble = Buffer.from(
		`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${safeName}"\r\nContent-Type: ${file.mimeType}\r\n\r\n`,
	);
	const epilogue = Buffer.from(`\r\n--${boundary}--\r\n`);
	const contentType = `multipart/form-data; boundary=${boundary}`;
	const length = preamble.length + file.size + epilogue.length;
	return {
		contentType,
		length,
		open: async () => {
			const source = await file.open();
			return {
				[Symbol.toStringTag]: 'Blob',
				type: contentType,
				size: length,
				async *stream() {
					yield preamble;
					yield* chunksOf(source);
					yield epilogue;
				},
			};
		},
	};
}
