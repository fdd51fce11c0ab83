/**
 * Issue 12 finding 7: a large video (default 500 MB) through each node's upload operation
 * in-process (n8n-core's WorkflowExecute, test/helpers/n8n.ts) with n8n's filesystem binary-data
 * mode, as a default n8n 2.x install runs: the trigger stores the file through `prepareBinaryData`
 * from a read stream, the node streams it to PostSider's multipart `/upload` or to PostFast's
 * signed S3 URL. Measured: this process's peak RSS growth during the run (VmHWM reset after a
 * warm-up run of a small file) and throughput.
 *
 * The emulators run in a child process (`npm run emulators -- --json`, built by `npm run
 * build:all`), so what they hold of the received file does not count against the node.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
	closeSync,
	createReadStream,
	existsSync,
	mkdtempSync,
	openSync,
	rmSync,
	writeFileSync,
	writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { BinaryDataConfig, BinaryDataService } from 'n8n-core';
import { it } from 'vitest';
import { PostFastApi } from '../credentials/PostFastApi.credentials';
import { PostSiderApi } from '../credentials/PostSiderApi.credentials';
import { PostFast } from '../nodes/PostFast/PostFast.node';
import { PostSider } from '../nodes/PostSider/PostSider.node';
import { mp4Head } from '../test/faults/lib/media';
import { runWorkflow, type WorkflowResult } from '../test/helpers/n8n';
import { type Part, num, procMemory, writePart } from './lib/report';

// n8n-core's own copy of the DI container (the root one is an older version n8n-core does not use).
const { Container } = createRequire(require.resolve('n8n-core'))(
	'@n8n/di',
) as typeof import('@n8n/di');

const MiB = 1024 * 1024;
const root = join(__dirname, '..');

function writeVideo(path: string, bytes: number, seed: number): void {
	const { head, fill } = mp4Head(bytes, seed);
	const fd = openSync(path, 'w');
	writeSync(fd, head);
	const chunk = Buffer.alloc(4 * MiB);
	for (let off = head.length; off < bytes; off += chunk.length) {
		const part = chunk.subarray(0, Math.min(chunk.length, bytes - off));
		fill(part, off);
		writeSync(fd, part);
	}
	closeSync(fd);
}

interface EmulatorsInfo {
	postsider: { origin: string; baseUrl: string; apiKey: string };
	postfast: { baseUrl: string; apiKey: string };
}

async function startEmulatorsChild(): Promise<{ info: EmulatorsInfo; child: ChildProcess }> {
	const cli = join(root, 'emulators', 'dist', 'emulators', 'src', 'cli.js');
	if (!existsSync(cli)) throw new Error(`${cli} is missing: run "npm run build:all" first`);
	const child = spawn(process.execPath, [cli, '--json', '--api-limit', '1000'], {
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const lines = createInterface({ input: child.stdout! });
	for await (const line of lines) {
		if (line.startsWith('{')) return { info: JSON.parse(line) as EmulatorsInfo, child };
	}
	throw new Error('the emulators exited before printing their URLs');
}

/** n8n's filesystem binary-data mode (a default n8n 2.x), stored under a fresh temp folder. */
async function useFilesystemBinaryMode(storage: string): Promise<void> {
	const config = Container.get(BinaryDataConfig);
	config.mode = 'filesystem';
	config.localStoragePath = storage;
	await Container.get(BinaryDataService).init();
}

/** Resets this process's peak RSS (VmHWM) to its current RSS (Linux `clear_refs` 5). */
function resetPeakRss(): boolean {
	try {
		writeFileSync('/proc/self/clear_refs', '5');
		return true;
	} catch {
		return false;
	}
}

it('n8n nodes: a large video through each node with filesystem binary data', async () => {
	const mb = num('BENCH_UPLOAD_MB', 500, 100);
	const bytes = mb * MiB;
	const part: Part = {
		section: 'n8n-upload',
		title: `5. n8n nodes: a ${mb} MB video through each node's upload (in-process, filesystem binary data)`,
		figures: [],
		notes: [],
		notMeasured: [],
	};
	const dir = mkdtempSync(join(tmpdir(), 'postspool-n8n-upload-'));
	let emulators: ChildProcess | undefined;
	try {
		await useFilesystemBinaryMode(join(dir, 'binary-data'));
		const started = await startEmulatorsChild();
		emulators = started.child;
		const { postsider, postfast } = started.info;
		const small = join(dir, 'small.mp4');
		const big = join(dir, 'big.mp4');
		writeVideo(small, 2 * MiB, 1);
		writeVideo(big, bytes, 2);

		const nodes = {
			PostSider: {
				type: 'n8n-nodes-postspool.postSider',
				nodeType: new PostSider(),
				credentials: {
					postSiderApi: {
						type: new PostSiderApi(),
						data: { apiKey: postsider.apiKey, baseUrl: postsider.origin },
					},
				},
				parameters: { resource: 'media', operation: 'upload', binaryPropertyName: 'data' },
				path: 'POST /upload (multipart, streamed)',
			},
			PostFast: {
				type: 'n8n-nodes-postspool.postFast',
				nodeType: new PostFast(),
				credentials: {
					postFastApi: {
						type: new PostFastApi(),
						data: { apiKey: postfast.apiKey, baseUrl: postfast.baseUrl },
					},
				},
				parameters: { resource: 'file', operation: 'upload', binaryProperties: 'data' },
				path: 'signed-URL PUT to S3 (streamed)',
			},
		};
		const runNode = (name: keyof typeof nodes, file: string): Promise<WorkflowResult> => {
			const n = nodes[name];
			return runWorkflow({
				nodeTypes: { [n.type]: n.nodeType },
				credentials: n.credentials,
				items: [
					{
						json: {},
						binary: {
							data: { data: createReadStream(file), fileName: 'video.mp4', mimeType: 'video/mp4' },
						},
					},
				],
				nodes: [{ name, type: n.type, parameters: n.parameters as never }],
			});
		};
		const outcome = (result: WorkflowResult, name: string): string | undefined => {
			const error = result.errors[name] ?? result.error;
			if (error) return error.message;
			const json = result.outputs[name]?.[0]?.json;
			if (!json) return 'no output item';
			if (json.error) return String(json.error);
			return undefined;
		};

		const rows: Array<Array<string | number>> = [];
		for (const name of ['PostSider', 'PostFast'] as const) {
			// Warm-up: loads every module and code path with a small file, so the growth is the file's.
			const warm = await runNode(name, small);
			const warmError = outcome(warm, name);
			if (warmError) {
				part.notMeasured!.push({ name: `${name} node`, reason: `warm-up failed: ${warmError}` });
				continue;
			}
			(globalThis as { gc?: () => void }).gc?.();
			const before = procMemory(process.pid);
			const reset = resetPeakRss();
			const t0 = performance.now();
			const result = await runNode(name, big);
			const ms = performance.now() - t0;
			const after = procMemory(process.pid);
			const error = outcome(result, name);
			if (error || !before || !after || !reset) {
				part.notMeasured!.push({
					name: `${name} node`,
					reason: error ?? 'cannot read or reset this process’s peak RSS (/proc/self)',
				});
				continue;
			}
			rows.push([
				name,
				nodes[name].path,
				+((bytes / MiB / ms) * 1000).toFixed(1),
				+(after.peakMiB - before.rssMiB).toFixed(1),
				+before.rssMiB.toFixed(1),
				+after.peakMiB.toFixed(1),
			]);
		}
		part.table = {
			columns: [
				'node',
				'upload path',
				'MiB/s (store + hash + upload)',
				'peak RSS growth MiB',
				'RSS before MiB',
				'peak RSS MiB',
			],
			rows,
		};
		for (const r of rows)
			part.figures.push({
				name: `${r[0]} node: peak RSS growth for a ${mb} MB video`,
				value: r[3],
				unit: 'MiB',
				target: '≤ 64 MiB',
				met: typeof r[3] === 'number' ? r[3] <= 64 : null,
			});
		part.notes!.push(
			'Before streaming (issue 12 finding 7), a 200 MB video through the PostFast node peaked at 704 MB RSS against 433 MB for a trivial workflow in n8n, i.e. the file was held in memory (more than once).',
			'The growth is Buffer chunks already sent but not yet garbage-collected (V8 frees them in steps of tens of MB), not the file: it does not grow with the file size, and it varies by about ±10 MiB between runs.',
			'MiB/s covers the whole run: the trigger storing the file in the binary-data folder, the node hashing it (for the idempotency key) and uploading it to the emulator in a child process on the same 2 cores.',
		);
	} catch (error) {
		part.notMeasured!.push({ name: 'n8n upload', reason: (error as Error).message.split('\n')[0] });
	} finally {
		emulators?.kill('SIGTERM');
		rmSync(dir, { recursive: true, force: true });
	}
	writePart(part);
});
