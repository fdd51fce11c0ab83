/**
 * Streaming file bodies: constant memory whatever the file size (a 500 MB video stays on disk and
 * moves in 64 KiB chunks), with an exact Content-Length so no server sees a chunked body.
 *
 * The bytes sent are the bytes intake validated: the file is opened once without following a link
 * and without blocking on a FIFO, checked through the handle (a regular file, the same device,
 * inode and size as recorded), and its SHA-256 is computed while it streams. The last chunk is held
 * back until the hash matched, so a file changed since validation never reaches the server whole:
 * the body stream fails with FileChangedError and the request is aborted short of its length.
 */
import { createHash, randomBytes } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { SAFE_OPEN_FLAGS, fileKind } from '../sidecar/read';

/** What intake recorded about a file; dev/ino are absent on items queued by older versions. */
export interface ExpectedFile {
	size: number;
	sha256: string;
	dev?: number;
	ino?: number;
}

/** The file is not (or no longer) the one validated, or cannot be read: sending it again cannot help. */
export class FileChangedError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'FileChangedError';
	}
}

const changed = (path: string, what: string) =>
	new FileChangedError(
		`the file "${basename(path)}" changed after it was validated (${what}); nothing of it was posted. Drop the post again with the file as it should be`,
	);

/** Opens `path` as the regular file intake validated; throws FileChangedError otherwise. */
async function openChecked(
	path: string,
	expected?: ExpectedFile,
): Promise<{ handle: FileHandle; size: number }> {
	let handle: FileHandle;
	try {
		handle = await open(path, SAFE_OPEN_FLAGS);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
		if (code === 'ELOOP' || code === 'EMLINK') throw changed(path, 'it is now a symbolic link');
		throw new FileChangedError(
			`Cannot upload "${basename(path)}": ${code === 'ENOENT' ? 'the file does not exist any more (it was moved or deleted after it was queued)' : `it cannot be read (${code})`}; drop the post again`,
		);
	}
	try {
		const st = await handle.stat();
		if (!st.isFile()) throw changed(path, `it is now ${fileKind(st)}`);
		if (expected) {
			if (expected.dev !== undefined && (st.dev !== expected.dev || st.ino !== expected.ino))
				throw changed(path, 'another file is in its place');
			if (st.size !== expected.size)
				throw changed(path, `${st.size} bytes instead of ${expected.size}`);
		}
		return { handle, size: st.size };
	} catch (error) {
		await handle.close();
		throw error;
	}
}

/** The file's bytes, hashed as they go; the last chunk only once the hash matched `expected`. */
async function* verifiedBytes(
	handle: FileHandle,
	path: string,
	size: number,
	expected?: ExpectedFile,
): AsyncGenerator<Buffer> {
	const hash = createHash('sha256');
	let read = 0;
	let held: Buffer | undefined;
	try {
		for await (const chunk of handle.createReadStream({ start: 0, autoClose: false })) {
			const buf = chunk as Buffer;
			read += buf.length;
			if (read > size) throw changed(path, 'it grew while it was sent');
			hash.update(buf);
			if (held) yield held;
			held = buf;
		}
		if (read !== size) throw changed(path, 'it shrank while it was sent');
		if (expected && hash.digest('hex') !== expected.sha256)
			throw changed(path, 'its content differs from the validated file');
		if (held) yield held;
	} finally {
		await handle.close();
	}
}

/** The raw file as a stream of exactly `length` bytes (S3 PUT). */
export async function rawFileBody(
	path: string,
	expected?: ExpectedFile,
): Promise<{ body: Readable; length: number }> {
	const { handle, size } = await openChecked(path, expected);
	return { body: Readable.from(verifiedBytes(handle, path, size, expected)), length: size };
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
	expected?: ExpectedFile,
): Promise<{ body: Readable; length: number; contentType: string }> {
	const { handle, size } = await openChecked(path, expected);
	const boundary = `----postspool${randomBytes(12).toString('hex')}`;
	const head = Buffer.from(
		`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${quoteFilename(
			basename(path),
		)}"\r\nContent-Type: ${fileContentType}\r\n\r\n`,
	);
	const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
	async function* parts(): AsyncGenerator<Buffer> {
		yield head;
		yield* verifiedBytes(handle, path, size, expected);
		yield tail;
	}
	return {
		body: Readable.from(parts(), { objectMode: false }),
		length: head.length + size + tail.length,
		contentType: `multipart/form-data; boundary=${boundary}`,
	};
}
