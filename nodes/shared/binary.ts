/**
 * Binary data for uploads without holding the file in memory. With n8n's filesystem (or S3)
 * binary-data mode an item's binary has an `id`; we read it once as a stream to learn its size,
 * first bytes and SHA-256, and open a fresh stream for each upload attempt (a 429 or a retried PUT
 * sends the body again). Only in n8n's in-memory mode, where the bytes already live in the item,
 * do we use the buffer.
 */
import { createHash } from 'crypto';
import { Readable } from 'stream';
import type { IExecuteFunctions } from 'n8n-workflow';

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
	/** A new stream over the whole file; each call starts at byte 0. */
	open(): Promise<Readable>;
}

/** Reads one binary property of item `itemIndex` as a `BinaryFile` (one streaming pass). */
export async function readBinaryFile(
	this: IExecuteFunctions,
	itemIndex: number,
	property: string,
): Promise<BinaryFile> {
	const binary = this.helpers.assertBinaryData(itemIndex, property);
	let open: () => Promise<Readable>;
	if (binary.id) {
		const id = binary.id;
		open = async () => await this.helpers.getBinaryStream(id, STREAM_CHUNK_BYTES);
	} else {
		const buffer = await this.helpers.getBinaryDataBuffer(itemIndex, property);
		open = async () => Readable.from([buffer]);
	}
	const hash = createHash('sha256');
	const headParts: Buffer[] = [];
	let headLength = 0;
	let size = 0;
	for await (const chunk of await open()) {
		const bytes = chunk as Buffer;
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

/** A body that can be sent more than once: its length and a way to open it from the start. */
export interface StreamBody {
	contentType: string;
	length: number;
	open(): Promise<Readable>;
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
	return {
		contentType: `multipart/form-data; boundary=${boundary}`,
		length: preamble.length + file.size + epilogue.length,
		open: async () => {
			const source = await file.open();
			return Readable.from(
				(async function* () {
					yield preamble;
					yield* source;
					yield epilogue;
				})(),
			);
		},
	};
}
