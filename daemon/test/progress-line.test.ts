/**
 * The live upload line of `postspool run`: its wording, the logger that draws it on a terminal
 * (cleared around every log line, never on a pipe), and the real CLI under a pseudo-terminal
 * (`script` from util-linux) uploading a stalled 12 MB video to the emulator.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostSider } from '../../emulators/src/index';
import { PostSiderClient } from '../src/api/postsider';
import { sampleMp4 } from '../src/demo/media';
import { createLogger } from '../src/log';
import { UploadProgress, type UploadInFlight } from '../src/pipeline/progress';
import { formatProgressLine, showUploadProgress } from '../src/progress-line';
import { buildCli, drop, makeEnv } from './helpers';

const CLEAR = '\r\x1b[2K';
const MB = 1_048_576;

function upload(over: Partial<UploadInFlight>): UploadInFlight {
	return {
		id: 1,
		itemId: 'i',
		name: 'photo',
		target: 'acme-x',
		service: 'postsider',
		file: 'photo.jpg',
		sent: 0,
		total: MB,
		startedAt: 0,
		...over,
	};
}

/** A stream that records each write, a terminal or not. */
function sink(tty: boolean, columns = 120) {
	const writes: string[] = [];
	const stream = new Writable({
		write(chunk, _enc, done) {
			writes.push(String(chunk));
			done();
		},
	});
	Object.assign(stream, { isTTY: tty, columns });
	return { stream, writes };
}

describe('formatProgressLine', () => {
	it('names every upload, the oldest with its sizes; nothing when none', () => {
		expect(formatProgressLine([])).toBe('');
		expect(
			formatProgressLine([
				upload({ sent: 12.1 * MB, total: 27 * MB }),
				upload({ id: 2, file: 'clip.mp4', sent: 3 * MB, total: 100 * MB }),
			]),
		).toBe('↑ 2 uploads  photo.jpg 44% 12.1/27.0 MB · clip.mp4 3%');
		expect(formatProgressLine([upload({ sent: MB })])).toBe(
			'↑ 1 upload  photo.jpg 100% 1.0/1.0 MB',
		);
	});

	it('shows control characters in a file name escaped: a name cannot move the cursor', () => {
		const line = formatProgressLine([upload({ file: 'a\rb\x1b[2Jc.jpg' })]);
		expect(line).not.toMatch(/[\r\x1b]/);
		expect(line).toContain('a\\x0db\\x1b[2Jc.jpg');
	});
});

describe('the progress line on a terminal', () => {
	it('appears, is cleared before each log line and drawn again after it, and is cleared at the end', () => {
		const { stream, writes } = sink(true);
		const log = createLogger({ stream, pretty: true });
		const registry = new UploadProgress();
		const hide = showUploadProgress(log, registry);
		expect(writes).toEqual([]); // nothing to show yet
		const h = registry.begin({ ...upload({}), total: 27 * MB });
		expect(writes.at(-1)).toBe(`${CLEAR}↑ 1 upload  photo.jpg 0% 0.0/27.0 MB`);
		log.log('info', 'something happened');
		const logged = writes.at(-1)!;
		// One write: clear the line, the log line, the progress line again below it.
		expect(logged.startsWith(CLEAR)).toBe(true);
		expect(logged).toMatch(/info .*something happened.*\n↑ 1 upload {2}photo\.jpg 0%/);
		h.update(27 * MB, 27 * MB);
		expect(writes.at(-1)).toBe(`${CLEAR}↑ 1 upload  photo.jpg 100% 27.0/27.0 MB`);
		h.end();
		expect(writes.at(-1)).toBe(CLEAR); // gone
		log.log('info', 'after');
		expect(writes.at(-1)).not.toContain(CLEAR);
		const count = writes.length;
		hide();
		registry.begin(upload({}));
		expect(writes).toHaveLength(count); // stopped following the registry
	});

	it('is cut to the terminal width, so it never wraps and can be rewritten in place', () => {
		const { stream, writes } = sink(true, 30);
		const log = createLogger({ stream });
		log.status?.('↑ 1 upload  a-very-long-file-name-indeed.jpg 5%');
		const line = writes.at(-1)!.slice(CLEAR.length);
		expect([...line]).toHaveLength(29);
		expect(line.endsWith('…')).toBe(true);
	});

	it('is never written off a terminal: log files get JSON lines only', () => {
		for (const pretty of [false, true]) {
			const { stream, writes } = sink(false);
			const log = createLogger({ stream, pretty });
			const registry = new UploadProgress();
			showUploadProgress(log, registry);
			const h = registry.begin(upload({}));
			log.log('info', 'between');
			h.update(MB, MB);
			h.end();
			expect(writes).toHaveLength(1);
			expect(writes.join('')).not.toMatch(/↑|\r/);
		}
	});
});

describe('postspool run with an upload in flight', () => {
	let ps: Awaited<ReturnType<typeof startPostSider>>;
	let cli: string;
	let cleanup = () => {};

	beforeAll(async () => {
		({ cli, cleanup } = buildCli());
		ps = await startPostSider({});
	}, 120_000);

	afterAll(async () => {
		cleanup();
		await ps?.close();
	});

	/** An env whose one post (a 12 MB video) reaches the emulator, which stalls the body for 1.5 s. */
	async function stalledUpload() {
		const ints = await new PostSiderClient({
			baseUrl: ps.baseUrl,
			apiKey: ps.apiKey,
		}).listIntegrations();
		if (!ints.ok) throw new Error(ints.error.message);
		const channel = ints.value.find((i) => i.identifier === 'x' && !i.disabled)!.id;
		const env = makeEnv(
			{ accounts: { 'ps-x': { key: 'sider', id: channel, platform: 'x' } } },
			{ sider: { service: 'postsider', baseUrl: ps.baseUrl, apiKey: { file: 'ps.key' } } },
		);
		writeFileSync(join(env.home, 'ps.key'), ps.apiKey, { mode: 0o600 });
		drop(join(env.inbox, 'clip.mp4'), sampleMp4(12 * MB, 7));
		drop(join(env.inbox, 'clip.json'), {
			version: 1,
			text: 'clip',
			targets: ['ps-x'],
			when: 'next-slot',
		});
		ps.faults.clear();
		ps.faults.add({ method: 'POST', path: '/public/v1/upload', kind: 'latency', delayMs: 1500 });
		return env;
	}

	it('under a pseudo-terminal: the line shows the upload part-way, and is cleared before the next log line', async () => {
		const env = await stalledUpload();
		const command = [process.execPath, cli, '--config', env.configPath, 'run', '--once']
			.map((a) => `'${a}'`)
			.join(' ');
		// `script` gives the daemon a real pseudo-terminal as stdout; what it drew comes back on ours.
		const child = spawn('script', ['-qfec', command, '/dev/null'], {
			stdio: ['ignore', 'pipe', 'pipe'],
			env: { ...process.env, COLUMNS: '120' },
		});
		let out = '';
		child.stdout.on('data', (d: Buffer) => (out += d.toString()));
		const code = await new Promise((resolve) => child.on('exit', resolve));
		expect(code, out).toBe(0);
		const partWay = out.match(/\r\x1b\[2K↑ 1 upload {2}clip\.mp4 (\d+)% [\d.]+\/12\.0 MB/g) ?? [];
		expect(partWay.length, out).toBeGreaterThan(0);
		expect(
			partWay.some((l) => !/ (0|100)% /.test(l)),
			out,
		).toBe(true);
		// Every log line after the upload began starts on a cleared line: none is glued to the bar.
		const afterFirst = out.slice(out.indexOf('↑'));
		expect(afterFirst).not.toMatch(/MB[^\r\n]*\d\d:\d\d:\d\d (info|warn)/);
		expect(afterFirst).toMatch(/\r\x1b\[2K(\x1b\[\d+m)?\d\d:\d\d:\d\d info/);
		expect(out).not.toContain(ps.apiKey);
	}, 60_000);

	it('off a terminal: the same upload leaves no progress line in the log', async () => {
		const env = await stalledUpload();
		// Not spawnSync: the emulator answers from this process's event loop.
		const child = spawn(process.execPath, [cli, '--config', env.configPath, 'run', '--once'], {
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		const r = { stdout: '', stderr: '' };
		child.stdout.on('data', (d: Buffer) => (r.stdout += d.toString()));
		child.stderr.on('data', (d: Buffer) => (r.stderr += d.toString()));
		const code = await new Promise((resolve) => child.on('exit', resolve));
		expect(code, r.stderr).toBe(0);
		expect(ps.requests.some((q) => q.path.endsWith('/upload'))).toBe(true);
		expect(`${r.stdout}${r.stderr}`).not.toMatch(/↑|\r|\x1b/);
		const lines = r.stdout.split('\n').filter(Boolean);
		expect(lines.length).toBeGreaterThan(2);
		for (const l of lines) expect(() => JSON.parse(l), l).not.toThrow();
	}, 60_000);
});
