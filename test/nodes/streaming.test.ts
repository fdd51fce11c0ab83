/**
 * Issue 12 finding 7, in-process: with n8n's filesystem binary-data mode (the default of n8n 2.x)
 * both nodes send a file from n8n's binary store as a stream with an exact Content-Length, the
 * bytes arrive unchanged, and a retried upload sends the whole file again from the start. How much
 * memory that saves is measured in the bench (bench/n8n-upload.run.ts), not here.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { BinaryDataConfig, BinaryDataService } from 'n8n-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { mp4 } from '../faults/lib/media';
import { runPostFast, startPostFast, type Emulator as PostFastEmulator } from './postfast/setup';
import {
	runPostSider,
	startPostSider,
	type Emulator as PostSiderEmulator,
} from './postsider/setup';

// n8n-core's own DI container (the root @n8n/di is another version that n8n-core does not use).
const { Container } = createRequire(require.resolve('n8n-core'))(
	'@n8n/di',
) as typeof import('@n8n/di');

const video = mp4(3 * 1024 * 1024 + 17, 5);
/** Small enough that the emulator's early 429 is read before the body is sent (a big body gets EPIPE). */
const smallVideo = mp4(20 * 1024 + 3, 6);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
/** A fresh stream per run: the harness stores it through `prepareBinaryData`, never as a Buffer. */
const videoItem = (bytes = video) => ({
	json: {},
	binary: { data: { data: Readable.from([bytes]), fileName: 'clip.mp4', mimeType: 'video/mp4' } },
});

let storage: string;
let ps: PostSiderEmulator;
let pf: PostFastEmulator;

beforeAll(async () => {
	storage = mkdtempSync(join(tmpdir(), 'postspool-binary-'));
	const config = Container.get(BinaryDataConfig);
	config.mode = 'filesystem';
	config.localStoragePath = storage;
	await Container.get(BinaryDataService).init();
	ps = await startPostSider();
	pf = await startPostFast();
});

afterEach(() => {
	vi.restoreAllMocks();
});

/** Spies on n8n's whole-file read: the nodes must never call it for a stored file. */
function watchWholeFileReads() {
	return vi.spyOn(Container.get(BinaryDataService), 'getAsBuffer');
}

afterAll(async () => {
	await ps?.close();
	await pf?.close();
	rmSync(storage, { recursive: true, force: true });
});

const psUpload = { resource: 'media', operation: 'upload', binaryPropertyName: 'data' };
const pfUpload = { resource: 'file', operation: 'upload', binaryProperties: 'data' };

async function storedOnPostSider(path: string): Promise<Buffer> {
	const res = await fetch(new URL(path, ps.origin));
	expect(res.status).toBe(200);
	return Buffer.from(await res.arrayBuffer());
}

describe('uploads from filesystem binary data', () => {
	it('the harness really stores the binary in the filesystem store (an id, no inline data)', async () => {
		const result = await runPostSider(ps, psUpload, { items: [videoItem()] });
		const start = result.outputs.Start?.[0]?.binary?.data;
		expect(start?.id).toMatch(/^filesystem-v2:/);
		expect(start?.data).toBe('filesystem-v2');
	});

	it('PostSider: one multipart POST /upload with an exact Content-Length, the same bytes stored', async () => {
		const from = ps.requests.length;
		const wholeFileReads = watchWholeFileReads();
		const result = await runPostSider(ps, psUpload, { items: [videoItem()] });
		expect(result.error?.message).toBeUndefined();
		expect(wholeFileReads, 'the file is never read into one Buffer').not.toHaveBeenCalled();
		const uploads = ps.requests
			.slice(from)
			.filter((r) => r.method === 'POST' && r.path === '/public/v1/upload');
		expect(uploads).toHaveLength(1);
		expect(uploads[0].headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
		expect(uploads[0].headers['transfer-encoding'], 'not chunked').toBeUndefined();
		expect(Number(uploads[0].headers['content-length'])).toBeGreaterThan(video.length);
		const [out] = result.outputs.PostSider ?? [];
		expect(sha256(await storedOnPostSider(String(out.json.path)))).toBe(sha256(video));
	});

	it('PostSider: after a 429 the upload is sent again in full (a fresh stream, not the spent one)', async () => {
		ps.faults.add({
			method: 'POST',
			path: '/public/v1/upload',
			kind: 'status',
			status: 429,
			body: { msg: 'Rate limit exceeded. Try again later.', retryAfter: 1 },
			headers: { 'Retry-After': '1' },
			times: 1,
		});
		const from = ps.requests.length;
		const result = await runPostSider(ps, psUpload, { items: [videoItem(smallVideo)] });
		expect(result.error?.message).toBeUndefined();
		const uploads = ps.requests
			.slice(from)
			.filter((r) => r.method === 'POST' && r.path === '/public/v1/upload');
		expect(uploads.map((r) => r.status)).toEqual([429, 201]);
		const [out] = result.outputs.PostSider ?? [];
		expect(sha256(await storedOnPostSider(String(out.json.path)))).toBe(sha256(smallVideo));
	});

	it('PostFast: the signed-URL PUT carries Content-Length = file size (S3 refuses chunked), the same bytes stored', async () => {
		pf.reset();
		const wholeFileReads = watchWholeFileReads();
		const result = await runPostFast(pf, pfUpload, { items: [videoItem()] });
		expect(result.error?.message).toBeUndefined();
		expect(wholeFileReads, 'the file is never read into one Buffer').not.toHaveBeenCalled();
		const puts = pf.requests.filter((r) => r.service === 's3' && r.method === 'PUT');
		expect(puts).toHaveLength(1);
		expect(puts[0].headers['content-length']).toBe(String(video.length));
		expect(puts[0].headers['transfer-encoding']).toBeUndefined();
		const [out] = result.outputs.PostFast ?? [];
		const object = pf.objects.get(String((out.json.keys as string[])[0]));
		expect(object?.size).toBe(video.length);
		expect(sha256(readFileSync(object!.file))).toBe(sha256(video));
	});

	it('PostFast: a PUT cut off mid-body is sent once more from byte 0', async () => {
		pf.reset();
		pf.faults.add({ method: 'PUT', path: /./, kind: 'reset', times: 1 });
		const result = await runPostFast(pf, pfUpload, { items: [videoItem()] });
		expect(result.error?.message).toBeUndefined();
		const [out] = result.outputs.PostFast ?? [];
		const object = pf.objects.get(String((out.json.keys as string[])[0]));
		expect(sha256(readFileSync(object!.file))).toBe(sha256(video));
	});
});
