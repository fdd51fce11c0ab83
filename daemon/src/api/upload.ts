/**
 * Streaming file bodies: constant memory whatever the file size (a 500 MB video stays on disk and
 * moves in 64 KiB chunks), with an exact Content-Length so no server sees a chunked body.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';

/** Size of a regular file, or an Error that names the file and says what to do. */
export async function fileSize(path: string): Promise<number> {
	let info;
	try {
		info = await stat(path);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
		throw new Error(
			`Cannot upload ${path}: ${code === 'ENOENT' ? 'the file does not exist' : `it cannot be read (${code})`}; check the path and permissions.`,
		);
	}
	if (!info.isFile()) throw new Error(`Cannot upload ${path}: it is not a regular file.`);
	return info.size;
}

/** The raw file as a stream of exactly `length` bytes (S3 PUT). */
export async function rawFileBody(path: string): Promise<{ body: Readable; length: number }> {
	const length = await fileSize(path);
	return { body: createReadStream(path), length };
}

function quoteFilename(name: string): string {
	// RFC 7578: quotes and line breaks cannot appear in a quoted filename.
	return name.replace(/["\r\n\\]/g, '_');
}

/**
 * A `multipart/form-data` body with one file part named `field`, streamed from disk. Built by hand
 * because got serialises a native FormData through `Response`, which has no length (chunked) and so
 * no upload total for progress.
 */
export async function multipartFileBody(
	path: string,
	field: string,
	fileContentType = 'application/octet-stream',
): Promise<{ body: Readable; length: number; contentType: string }> {
	const size = await fileSize(path);
	const boundary = `----postspool${randomBytes(12).toString('hex')}`;
	const head = Buffer.from(
		`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${quoteFilename(
			basename(path),
		)}"\r\nContent-Type: ${fileContentType}\r\n\r\n`,
	);
	const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
	async function* parts(): AsyncGenerator<Buffer> {
		yield head;
		for await (const chunk of createReadStream(path)) yield chunk as Buffer;
		yield tail;
	}
	return {
		body: Readable.from(parts(), { objectMode: false }),
		length: head.length + size + tail.length,
		contentType: `multipart/form-data; boundary=${boundary}`,
	};
}
