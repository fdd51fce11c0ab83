/**
 * Uploads stream from disk: a 200 MB video goes through each service's upload path while the
 * client's RSS barely moves. The client runs in a child process (the emulators, which keep what
 * they receive, stay in this one), so its RSS is the client's alone. The precise figures for a
 * 500 MB file belong to the benchmark; the bound here is generous.
 */
import { execFile } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostFast, startPostSider } from '../../../emulators/src/index';
import { PostFastClient } from '../../src/api/postfast';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../../..');
const SIZE = 200 * 1024 * 1024;
/** Generous: a buffered upload would grow by the file's 200 MB; streaming stays near 16 MB here. */
const RSS_GROWTH_LIMIT = 48 * 1024 * 1024;

let dir: string;
let video: string;
let build: string;

/** Compiles the daemon's API clients to CommonJS in a temp dir, for the child process. */
function compileClients(outDir: string): void {
	const program = ts.createProgram([join(ROOT, 'daemon/src/api/index.ts')], {
		outDir,
		rootDir: ROOT,
		module: ts.ModuleKind.NodeNext,
		moduleResolution: ts.ModuleResolutionKind.NodeNext,
		target: ts.ScriptTarget.ES2023,
		esModuleInterop: true,
		skipLibCheck: true,
		types: ['node'],
	});
	const emitted = program.emit();
	if (emitted.emitSkipped)
		throw new Error('could not compile daemon/src/api for the child process');
}

const CHILD = `
const api = require(process.env.API_BUILD);
(async () => {
	const [service, baseUrl, file, contentType, signedUrl] = process.argv.slice(1);
	global.gc();
	const before = process.memoryUsage().rss;
	let peak = before;
	// Collect garbage as we sample: the bound is on what the upload keeps, not on the 64 KiB read
	// buffers V8 has not collected yet.
	const timer = setInterval(() => { global.gc(); peak = Math.max(peak, process.memoryUsage().rss); }, 25);
	let last = 0;
	const onProgress = (sent) => { last = sent; };
	const r = service === 'postsider'
		? await new api.PostSiderClient({ baseUrl, apiKey: process.env.API_KEY }).uploadFile(file, { onProgress })
		: await new api.PostFastClient({ baseUrl, apiKey: process.env.API_KEY }).putToS3(signedUrl, file, contentType, onProgress);
	clearInterval(timer);
	peak = Math.max(peak, process.memoryUsage().rss);
	console.log(JSON.stringify({ ok: r.ok, status: r.ok ? r.status : r.error.status, message: r.ok ? '' : r.error.message, before, peak, last }));
})();
`;

async function child(args: string[], apiKey: string) {
	const { stdout } = await run(process.execPath, ['--expose-gc', '-e', CHILD, ...args], {
		env: {
			...process.env,
			API_BUILD: join(build, 'daemon/src/api/index.js'),
			API_KEY: apiKey,
			NODE_PATH: join(ROOT, 'node_modules'),
		},
		maxBuffer: 1024 * 1024,
	});
	const line = stdout.trim().split('\n').at(-1)!;
	if (process.env.POSTSPOOL_FIGURES)
		console.info(`${args[0]} upload of ${SIZE / 1048576} MB: ${line}`);
	return JSON.parse(line) as {
		ok: boolean;
		status: number;
		message: string;
		before: number;
		peak: number;
		last: number;
	};
}

beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'postspool-upload-'));
	build = join(dir, 'build');
	compileClients(build);
	// An MP4 header (ftyp box) then a sparse tail: real bytes on the wire, none on the disk.
	video = join(dir, 'clip.mp4');
	const fd = openSync(video, 'w');
	writeSync(
		fd,
		Buffer.from('00000020667479706973736f6d0000020069736f6d69736f32617663316d703431', 'hex'),
	);
	ftruncateSync(fd, SIZE);
	closeSync(fd);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('streaming uploads keep the client in constant memory', () => {
	it('PostSider multipart POST /upload of a 200 MB video', async () => {
		const ps = await startPostSider();
		try {
			const r = await child(['postsider', ps.baseUrl, video], ps.apiKey);
			expect(r, r.message).toMatchObject({ ok: true, status: 201 });
			expect(r.last).toBeGreaterThan(SIZE);
			expect(r.peak - r.before).toBeLessThan(RSS_GROWTH_LIMIT);
		} finally {
			await ps.close();
		}
	}, 120_000);

	it('PostFast signed URL → S3 PUT of a 200 MB video', async () => {
		const pf = await startPostFast();
		try {
			const urls = await new PostFastClient({
				baseUrl: pf.baseUrl,
				apiKey: pf.apiKey,
			}).getUploadUrls('video/mp4', 1);
			if (!urls.ok) throw new Error(urls.error.message);
			const r = await child(
				['postfast', pf.baseUrl, video, 'video/mp4', urls.value[0].signedUrl],
				pf.apiKey,
			);
			expect(r, r.message).toMatchObject({ ok: true, status: 200 });
			expect(r.last).toBe(SIZE);
			expect(r.peak - r.before).toBeLessThan(RSS_GROWTH_LIMIT);
		} finally {
			await pf.close();
		}
	}, 120_000);
});
