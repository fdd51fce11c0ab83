/**
 * PostSider uploads (docs/postsider-api.md, Uploads): multipart `POST /upload` with multer's errors, magic-byte
 * sniffing, the dangerous-content scan, per-type caps, the media object and the stored file served
 * at its `path`; `POST /upload-from-url` with an injected allow-list (the real one refuses loopback).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { call, createBody, FILES, startPostSider, upload, type Emulator } from './helpers';

let ps: Emulator;
let files: Server;
let filesOrigin: string;

beforeAll(async () => {
	ps = await startPostSider({
		apiLimit: 10_000,
		maxUploadMb: 12,
		uploadFromUrlAllow: (url) => url.startsWith('http://127.0.0.1:'),
	});
	// A little origin serving test files for upload-from-url.
	files = createServer((req, res) => {
		const name = (req.url ?? '').split('?')[0].slice(1);
		const body: Buffer | undefined =
			name === 'pic.png'
				? FILES.png()
				: name === 'clip.mp4'
					? FILES.mp4()
					: name === 'movie.mp4'
						? FILES.mov()
						: name === 'text.png'
							? FILES.text()
							: undefined;
		if (name === 'huge.png') {
			res.writeHead(200, { 'Content-Length': String(600 * 1024 * 1024) });
			res.end();
			return;
		}
		if (!body) {
			res.writeHead(404).end('nope');
			return;
		}
		res
			.writeHead(200, {
				'Content-Type': 'application/octet-stream',
				'Content-Length': String(body.length),
			})
			.end(body);
	});
	await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
	filesOrigin = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
});
afterAll(async () => {
	await ps?.close();
	files?.closeAllConnections();
	await new Promise((r) => files?.close(r));
});
beforeEach(() => ps.reset());

describe('POST /upload (docs/postsider-api.md, Multipart upload)', () => {
	const accepted: Array<{ desc: string; file: () => Buffer; ext: string; type: string }> = [
		{
			desc: 'a PNG (by magic bytes, whatever the filename)',
			file: FILES.png,
			ext: 'png',
			type: 'image',
		},
		{ desc: 'a JPEG is stored as .jpg', file: FILES.jpeg, ext: 'jpg', type: 'image' },
		{ desc: 'a GIF', file: FILES.gif, ext: 'gif', type: 'image' },
		{ desc: 'a WebP', file: FILES.webp, ext: 'webp', type: 'image' },
		{ desc: 'an MP4 video', file: FILES.mp4, ext: 'mp4', type: 'video' },
		{
			desc: 'a MOV is accepted (201) but its .mov path will fail POST /posts later',
			file: FILES.mov,
			ext: 'mov',
			type: 'video',
		},
		{ desc: 'a WebM is accepted too (same trap)', file: FILES.webm, ext: 'webm', type: 'video' },
	];

	it.each(accepted)('201 for $desc', async ({ file, ext, type }) => {
		const a = await upload(ps, [{ name: 'file', data: file(), filename: 'whatever.bin' }]);
		expect(a.status).toBe(201);
		expect(Object.keys(a.body)).toEqual([
			'id',
			'name',
			'originalName',
			'path',
			'thumbnail',
			'alt',
			'type',
			'fileSize',
			'width',
			'height',
		]);
		expect(a.body).toMatchObject({
			originalName: null,
			thumbnail: null,
			alt: null,
			type,
			fileSize: 0,
			width: null,
			height: null,
		});
		expect(a.body.name).toMatch(new RegExp(`^[0-9a-f]{32}\\.${ext}$`));
		expect(a.body.path).toMatch(
			new RegExp(`^${ps.origin}/uploads/${type}/\\d{4}/\\d\\d/\\d\\d/${a.body.name}$`),
		);
	});

	it('the stored file is served at its path, byte for byte, without auth', async () => {
		const png = FILES.png();
		const a = await upload(ps, [{ name: 'file', data: png }]);
		const got = await fetch(a.body.path);
		expect(got.status).toBe(200);
		expect(got.headers.get('content-type')).toBe('image/png');
		expect(Buffer.from(await got.arrayBuffer()).equals(png)).toBe(true);
	});

	const refused: Array<{
		desc: string;
		parts: () => Array<{ name: string; data: Buffer | string }>;
		status: number;
		text: string;
	}> = [
		{
			desc: 'no file part → 400 {msg}',
			parts: () => [{ name: 'note', data: 'hello' }],
			status: 400,
			text: '{"msg":"No file provided"}',
		},
		{
			desc: 'the wrong field name → multer "Unexpected field"',
			parts: () => [{ name: 'media', data: FILES.png() }],
			status: 400,
			text: '{"message":"Unexpected field","error":"Bad Request","statusCode":400}',
		},
		{
			desc: 'a second file part → "Unexpected field"',
			parts: () => [
				{ name: 'file', data: FILES.png() },
				{ name: 'file', data: FILES.png() },
			],
			status: 400,
			text: '{"message":"Unexpected field","error":"Bad Request","statusCode":400}',
		},
		{
			desc: 'an unknown type → the allow-list text',
			parts: () => [{ name: 'file', data: FILES.text() }],
			status: 400,
			text: '{"message":"Unsupported file type. Allowed: JPEG, PNG, GIF, WebP, AVIF, BMP, TIFF, MP4, WebM, MOV.","error":"Bad Request","statusCode":400}',
		},
		{
			desc: '"<script" in the first 4 KB → dangerous content',
			parts: () => [{ name: 'file', data: FILES.pngWithScript() }],
			status: 400,
			text: '{"message":"File contains potentially dangerous content.","error":"Bad Request","statusCode":400}',
		},
		{
			desc: 'an image over 10 MB → the per-type cap',
			parts: () => [
				{ name: 'file', data: Buffer.concat([FILES.png(), Buffer.alloc(10 * 1024 * 1024, 1)]) },
			],
			status: 400,
			text: '{"message":"File too large. Max: 10MB for image.","error":"Bad Request","statusCode":400}',
		},
		{
			desc: "over multer's MAX_UPLOAD_MB (12 here) → 413",
			parts: () => [
				{ name: 'file', data: Buffer.concat([FILES.mp4(), Buffer.alloc(13 * 1024 * 1024, 1)]) },
			],
			status: 413,
			text: '{"message":"File too large","error":"Payload Too Large","statusCode":413}',
		},
	];

	it.each(refused)('$desc', async ({ parts, status, text }) => {
		const a = await upload(ps, parts());
		expect(a.status).toBe(status);
		expect(a.text).toBe(text);
		expect(ps.store.media.size).toBe(0);
	});

	it('an empty (0-byte) file part → 400 "Unsupported file type", as multer hands the server a zero-length buffer', async () => {
		const a = await upload(ps, [{ name: 'file', data: Buffer.alloc(0), filename: 'empty.png' }]);
		expect(a.status).toBe(400);
		expect(a.body).toEqual({
			message:
				'Unsupported file type. Allowed: JPEG, PNG, GIF, WebP, AVIF, BMP, TIFF, MP4, WebM, MOV.',
			error: 'Bad Request',
			statusCode: 400,
		});
	});

	it('a JSON body instead of multipart → 400 {"msg":"No file provided"}', async () => {
		const a = await call(ps, 'POST', '/upload', { body: { file: 'x' } });
		expect(a.status).toBe(400);
		expect(a.text).toBe('{"msg":"No file provided"}');
	});

	it('auth comes before multer: no key → 401', async () => {
		const a = await upload(ps, [{ name: 'file', data: FILES.png() }], null);
		expect(a.status).toBe(401);
	});

	it('the request log keeps the upload headers, not the bytes', async () => {
		await upload(ps, [{ name: 'file', data: FILES.png() }]);
		const logged = ps.requests.at(-1)!;
		expect(logged.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
		expect(logged.body).toBeUndefined();
	});
});

describe('POST /upload-from-url (docs/postsider-api.md, Upload from URL)', () => {
	it('201 with the same media object; the file is stored and served', async () => {
		const a = await call(ps, 'POST', '/upload-from-url', {
			body: { url: `${filesOrigin}/pic.png` },
		});
		expect(a.status).toBe(201);
		expect(a.body).toMatchObject({ type: 'image', fileSize: 0, originalName: null });
		expect(a.body.path).toMatch(/\.png$/);
		const got = await fetch(a.body.path);
		expect(Buffer.from(await got.arrayBuffer()).equals(FILES.png())).toBe(true);
	});

	const rows: Array<{ desc: string; url: () => unknown; status: number; text: string }> = [
		{
			desc: 'no url → all four DTO messages at once',
			url: () => undefined,
			status: 400,
			text: JSON.stringify({
				message: [
					'url should not be null or undefined',
					'url must be a string',
					'File must have a valid extension: .png, .jpg, .jpeg, .gif, .webp, or .mp4',
					'URL must be a public HTTPS URL and cannot point to internal network addresses',
				],
				error: 'Bad Request',
				statusCode: 400,
			}),
		},
		{
			desc: 'a URL without an allowed extension is refused even if the content is fine',
			url: () => `${filesOrigin}/pic`,
			status: 400,
			text: '{"message":["File must have a valid extension: .png, .jpg, .jpeg, .gif, .webp, or .mp4"],"error":"Bad Request","statusCode":400}',
		},
		{
			desc: 'a non-2xx answer → 400 {"msg":"Failed to fetch URL"}',
			url: () => `${filesOrigin}/missing.png`,
			status: 400,
			text: '{"msg":"Failed to fetch URL"}',
		},
		{
			desc: 'a declared Content-Length over 500 MB → 413 {msg}',
			url: () => `${filesOrigin}/huge.png`,
			status: 413,
			text: '{"msg":"File too large"}',
		},
		{
			desc: 'content that is not an allowed type → 400 {msg}',
			url: () => `${filesOrigin}/text.png`,
			status: 400,
			text: '{"msg":"Unsupported file type."}',
		},
		{
			desc: 'a MOV is not in the from-url list (unlike /upload)',
			url: () => `${filesOrigin}/movie.mp4`,
			status: 400,
			text: '{"msg":"Unsupported file type."}',
		},
		{
			desc: 'a network failure is not caught by the server → 500',
			url: () => 'http://127.0.0.1:1/pic.png',
			status: 500,
			text: '{"statusCode":500,"message":"Internal server error"}',
		},
	];

	it.each(rows)('$desc', async ({ url, status, text }) => {
		const a = await call(ps, 'POST', '/upload-from-url', {
			body: url() === undefined ? {} : { url: url() },
		});
		expect(a.status).toBe(status);
		expect(a.text).toBe(text);
	});

	it('without an allow-list the public-address rule refuses http and loopback, as the real server does', async () => {
		const strict = await startPostSider();
		try {
			for (const url of [
				`${filesOrigin}/pic.png`,
				'https://127.0.0.1/pic.png',
				'https://localhost/pic.png',
				'https://10.0.0.8/a.png',
				'https://192.168.1.2/a.png',
			]) {
				const a = await call(strict, 'POST', '/upload-from-url', { body: { url } });
				expect(a.status, url).toBe(400);
				expect(a.body.message).toEqual([
					'URL must be a public HTTPS URL and cannot point to internal network addresses',
				]);
			}
		} finally {
			await strict.close();
		}
	});
});

describe('Pinterest measures images (docs/postsider-api.md, Per-platform rules)', () => {
	const png = (w: number, h: number) => {
		const b = FILES.png();
		b.writeUInt32BE(w, 16);
		b.writeUInt32BE(h, 20);
		return b;
	};
	const pin = async (paths: string[]) =>
		call(ps, 'POST', '/posts', {
			body: createBody(
				ps,
				'pinterest',
				{},
				{ value: [{ content: 'pins', image: paths.map((path, i) => ({ id: `m${i}`, path })) }] },
			),
		});

	it('several images of different sizes → E4; the same size passes', async () => {
		const a = (await upload(ps, [{ name: 'file', data: png(1000, 1500) }])).body.path as string;
		const b = (await upload(ps, [{ name: 'file', data: png(1000, 1500) }])).body.path as string;
		const c = (await upload(ps, [{ name: 'file', data: png(800, 800) }])).body.path as string;
		const mixed = await pin([a, c]);
		expect(mixed.status).toBe(400);
		expect(mixed.body).toMatchObject({
			provider: 'pinterest',
			message: 'Requires all images to have the same width and height',
		});
		expect((await pin([a, b])).status).toBe(201);
	});
});

describe('RESTRICT_UPLOAD_DOMAINS (docs/postsider-api.md, Create steps)', () => {
	it('media paths outside the upload domain are refused with the server text; uploaded ones pass', async () => {
		const strict = await startPostSider({ apiLimit: 10_000, restrictUploadDomain: true });
		try {
			const host = new URL(strict.origin).host;
			const uploaded = (await upload(strict, [{ name: 'file', data: FILES.png() }])).body
				.path as string;
			const ok = await call(strict, 'POST', '/posts', {
				body: createBody(
					strict,
					'threads',
					{},
					{ value: [{ content: 'x', image: [{ id: 'a', path: uploaded }] }] },
				),
			});
			expect(ok.status).toBe(201);
			const bad = await call(strict, 'POST', '/posts', {
				body: createBody(
					strict,
					'threads',
					{},
					{ value: [{ content: 'x', image: [{ id: 'a', path: 'https://cdn.example/a.png' }] }] },
				),
			});
			expect(bad.status).toBe(400);
			expect(bad.body.message).toEqual([
				`posts.0.value.0.image.0.URL must contain the domain: ${host} Make sure you first use the upload API route.`,
			]);
		} finally {
			await strict.close();
		}
	});
});
