/**
 * Issue 5 item 3: a large video (default 500 MB) through each service's upload path with the
 * daemon's own API client in a child process (PostSider multipart POST /upload; PostFast signed
 * URL then raw PUT to the fake S3), against curl sending the same file to the same endpoint:
 * throughput, and the daemon process's peak RSS growth while uploading.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import { type Emulator, loadEmulators } from '../test/faults/lib/emulators';
import { mp4Head } from '../test/faults/lib/media';
import { type Part, num, writePart } from './lib/report';

const MiB = 1024 * 1024;

function writeVideo(path: string, bytes: number): void {
	const { head, fill } = mp4Head(bytes, 3);
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

// Asynchronous on purpose: the emulators receiving the upload run in this process's event loop.
const run = promisify(execFile);

async function daemonUpload(spec: Record<string, unknown>): Promise<{
	ok: boolean;
	status?: number;
	message?: string;
	ms: number;
	rssBeforeMiB: number;
	peakMiB: number;
}> {
	const { stdout } = await run(
		process.execPath,
		[join(__dirname, 'lib/upload-child.cjs'), JSON.stringify(spec)],
		{ encoding: 'utf8', maxBuffer: 10 * MiB, timeout: 20 * 60_000 },
	);
	return JSON.parse(stdout);
}

async function curl(args: string[]): Promise<{ status: number; seconds: number }> {
	const { stdout } = await run(
		'curl',
		['-s', '-o', '/dev/null', '-w', '%{http_code} %{time_total}', ...args],
		{ encoding: 'utf8', timeout: 20 * 60_000 },
	);
	const [status, seconds] = stdout.trim().split(' ');
	return { status: Number(status), seconds: Number(seconds) };
}

async function signedUrl(pf: Emulator): Promise<string> {
	const res = await fetch(`${pf.baseUrl}/file/get-signed-upload-urls`, {
		method: 'POST',
		headers: { 'pf-api-key': pf.apiKey, 'content-type': 'application/json' },
		body: JSON.stringify({ contentType: 'video/mp4', count: 1 }),
	});
	const body = (await res.json()) as Array<{ signedUrl?: string; url?: string }>;
	const url = body[0]?.signedUrl ?? body[0]?.url;
	if (!url) throw new Error(`no signed URL in ${JSON.stringify(body).slice(0, 200)}`);
	return url;
}

it('large video upload: daemon client vs curl', async () => {
	const mb = num('BENCH_UPLOAD_MB', 500, 100);
	const bytes = mb * MiB;
	const part: Part = {
		section: 'upload',
		title: `3. Upload of a ${mb} MB video (daemon client vs curl, same emulator endpoint)`,
		figures: [],
		notes: [],
		notMeasured: [],
	};
	const loaded = await loadEmulators();
	if (!loaded.ok) {
		part.notMeasured!.push({ name: 'upload', reason: loaded.reason });
		writePart(part);
		return;
	}
	const dir = mkdtempSync(join(tmpdir(), 'postspool-upload-'));
	const file = join(dir, 'big.mp4');
	writeVideo(file, bytes);
	const rows: Array<Array<string | number>> = [];
	/** One table row: daemon and curl throughput (MiB/s), their ratio, the daemon's RSS growth and peak. */
	const row = (
		path: string,
		d: Awaited<ReturnType<typeof daemonUpload>>,
		c: Awaited<ReturnType<typeof curl>>,
	): Array<string | number> => {
		const daemonRate = (bytes / MiB / d.ms) * 1000;
		const curlRate = bytes / MiB / c.seconds;
		return [
			path,
			d.ok ? +daemonRate.toFixed(1) : 'failed',
			c.status < 300 ? +curlRate.toFixed(1) : `failed (${c.status})`,
			d.ok && c.status < 300 ? `${(daemonRate / curlRate).toFixed(2)}×` : '',
			+(d.peakMiB - d.rssBeforeMiB).toFixed(1),
			+d.peakMiB.toFixed(1),
		];
	};
	try {
		const ps = await loaded.mod.startPostSider({ apiLimit: 1000 });
		try {
			const d = await daemonUpload({
				service: 'postsider',
				baseUrl: ps.baseUrl,
				apiKey: ps.apiKey,
				file,
			});
			const c = await curl([
				'-H',
				`Authorization: ${ps.apiKey}`,
				'-F',
				`file=@${file};type=video/mp4`,
				`${ps.baseUrl}/upload`,
			]);
			if (!d.ok)
				part.notMeasured!.push({
					name: 'PostSider daemon upload',
					reason: `${d.status ?? ''} ${d.message ?? ''}`,
				});
			rows.push(row('PostSider POST /upload (multipart)', d, c));
		} finally {
			await ps.close();
		}
		const pf = await loaded.mod.startPostFast();
		try {
			const d = await daemonUpload({
				service: 'postfast',
				baseUrl: pf.baseUrl,
				apiKey: pf.apiKey,
				file,
				signedUrl: await signedUrl(pf),
				contentType: 'video/mp4',
			});
			const c = await curl([
				'-X',
				'PUT',
				'-T',
				file,
				'-H',
				'Content-Type: video/mp4',
				await signedUrl(pf),
			]);
			if (!d.ok)
				part.notMeasured!.push({
					name: 'PostFast daemon upload',
					reason: `${d.status ?? ''} ${d.message ?? ''}`,
				});
			rows.push(row('PostFast signed-URL PUT (S3)', d, c));
		} finally {
			await pf.close();
		}
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
	part.table = {
		columns: [
			'path',
			'daemon client MiB/s',
			'curl MiB/s',
			'daemon / curl',
			'daemon peak RSS growth MiB',
			'daemon peak RSS MiB',
		],
		rows,
	};
	for (const r of rows) {
		part.figures.push({
			name: `${r[0]}: daemon throughput relative to curl`,
			value: r[3] || 'n/a',
		});
		// Streaming means the growth stays far below the file size; a quarter of it is the line drawn here.
		part.figures.push({
			name: `${r[0]}: daemon peak RSS growth`,
			value: r[4],
			unit: 'MiB',
			target: `streams: < ${mb / 4} MiB (¼ of the file)`,
			met: typeof r[4] === 'number' ? r[4] < mb / 4 : null,
		});
	}
	part.notes!.push(
		'Both ends are on this machine: the emulator receiving the upload runs in the benchmark process and competes for the same 2 cores, so absolute MiB/s are loopback figures; the ratio is what compares.',
	);
	writePart(part);
});
