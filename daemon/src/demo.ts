/**
 * `npm run demo`: both emulators on 127.0.0.1, a fresh drop folder and config, the daemon as a real
 * child process, sample posts for both services dropped the way users drop them (media first,
 * sidecar last), and every post followed to done/ (or, for the deliberately broken one, failed/).
 * No keys needed. Exits 0 when everything arrived where it should.
 */
// First: an unsupported Node is refused in one line (the daemon child would crash natively).
import './node-version';
import { type ChildProcess, spawn } from 'node:child_process';
import {
	existsSync,
	mkdirSync,
	mkdtempSync,
	readFileSync,
	readdirSync,
	renameSync,
	writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostFastClient } from './api/postfast';
import { PostSiderClient } from './api/postsider';
import { sampleMp4, samplePng } from './demo/media';
import { type EmulatorHandle, loadEmulators } from './demo/emulators';

const cli = join(__dirname, 'cli.js');

function say(text: string): void {
	process.stdout.write(`\x1b[1m▸\x1b[0m ${text}\n`);
}

/** Writes like a careful user: the content under a temp name, then a rename. */
function drop(path: string, content: string | Buffer): void {
	writeFileSync(`${path}.part`, content);
	renameSync(`${path}.part`, path);
}

async function pickChannel(ps: EmulatorHandle): Promise<{ id: string; identifier: string }> {
	const r = await new PostSiderClient({
		baseUrl: ps.baseUrl,
		apiKey: ps.apiKey,
	}).listIntegrations();
	if (!r.ok) throw new Error(`PostSider emulator: ${r.error.message}`);
	const live = r.value.filter((i) => !i.disabled);
	const found =
		live.find((i) => i.identifier === 'x') ??
		live.find((i) => i.identifier === 'linkedin') ??
		live[0];
	if (!found) throw new Error('the PostSider emulator has no channel');
	return { id: found.id, identifier: found.identifier };
}

async function pickAccount(pf: EmulatorHandle): Promise<{ id: string; platform: string }> {
	const r = await new PostFastClient({ baseUrl: pf.baseUrl, apiKey: pf.apiKey }).listAccounts();
	if (!r.ok) throw new Error(`PostFast emulator: ${r.error.message}`);
	const live = r.value.filter((a) => a.connectionStatus !== 'DISABLED');
	const found =
		live.find((a) => a.platform === 'INSTAGRAM') ??
		live.find((a) => a.platform === 'FACEBOOK') ??
		live[0];
	if (!found) throw new Error('the PostFast emulator has no account');
	return { id: found.id, platform: found.platform };
}

const SIDE_PLATFORM: Record<string, string> = {
	INSTAGRAM: 'instagram',
	FACEBOOK: 'facebook',
	X: 'x',
	LINKEDIN: 'linkedin',
	THREADS: 'threads',
	BLUESKY: 'bluesky',
	TIKTOK: 'tiktok',
	YOUTUBE: 'youtube',
};

function countFiles(dir: string, name: string): string[] {
	const out: string[] = [];
	const walk = (d: string) => {
		if (!existsSync(d)) return;
		for (const e of readdirSync(d, { withFileTypes: true })) {
			const p = join(d, e.name);
			if (e.isDirectory()) walk(p);
			else if (e.name === name) out.push(p);
		}
	};
	walk(dir);
	return out;
}

async function main(): Promise<number> {
	const { startPostSider, startPostFast } = loadEmulators();
	const ps = await startPostSider({});
	const pf = await startPostFast({});
	let child: ChildProcess | undefined;
	try {
		say(`PostSider emulator ${ps.baseUrl}, PostFast emulator ${pf.baseUrl}`);
		const home = mkdtempSync(join(tmpdir(), 'postspool-demo-'));
		const folder = join(home, 'drop');
		const inbox = join(folder, 'inbox');
		mkdirSync(inbox, { recursive: true });
		writeFileSync(join(home, 'postsider.key'), ps.apiKey, { mode: 0o600 });
		writeFileSync(join(home, 'postfast.key'), pf.apiKey, { mode: 0o600 });
		const channel = await pickChannel(ps);
		const account = await pickAccount(pf);
		const igPlatform = SIDE_PLATFORM[account.platform] ?? 'other';
		const config = {
			version: 1,
			stateDir: join(home, 'state'),
			keys: {
				sider: {
					service: 'postsider',
					baseUrl: ps.baseUrl,
					apiKey: { file: join(home, 'postsider.key') },
				},
				fast: {
					service: 'postfast',
					baseUrl: pf.baseUrl,
					apiKey: { file: join(home, 'postfast.key') },
				},
			},
			accounts: {
				'demo-sider': {
					key: 'sider',
					id: channel.id,
					platform:
						SIDE_PLATFORM[channel.identifier.toUpperCase()] ??
						(channel.identifier === 'x' ? 'x' : 'other'),
				},
				'demo-fast': { key: 'fast', id: account.id, platform: igPlatform },
			},
			folders: [{ path: folder, defaults: { version: 1 } }],
			stableMs: 300,
			rescanMs: 5000,
		};
		const configPath = join(home, 'config.jsonc');
		writeFileSync(configPath, `// written by npm run demo\n${JSON.stringify(config, null, 2)}\n`, {
			mode: 0o600,
		});
		say(`drop folder ${inbox}`);
		say(
			`PostSider channel ${channel.identifier} ${channel.id} → alias demo-sider; PostFast ${account.platform} account ${account.id} → alias demo-fast`,
		);

		child = spawn(process.execPath, [cli, 'run', '--config', configPath, '--pretty'], {
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		child.stdout!.on('data', (d: Buffer) =>
			process.stdout.write(
				`  daemon │ ${d.toString().trimEnd().split('\n').join('\n  daemon │ ')}\n`,
			),
		);
		child.stderr!.on('data', (d: Buffer) => process.stderr.write(`  daemon │ ${d}`));
		// A daemon that dies (bad Node, bad config) ends the demo with its exit code, not a wait.
		const daemon = child;
		const died = new Promise<string>((resolve) =>
			daemon.once('exit', (code, signal) =>
				resolve(`the daemon exited (${signal ?? `code ${code}`}) before the posts settled`),
			),
		);
		let death: string | undefined;
		void died.then((why) => {
			death = why;
		});
		await new Promise((r) => setTimeout(r, 800));

		const tomorrow = new Date(Date.now() + 86_400_000);
		const day = tomorrow.toISOString().slice(0, 10);
		// 1. An image for both services, scheduled with an explicit offset.
		drop(join(inbox, 'launch.png'), samplePng(320, 320, [220, 80, 40]));
		drop(
			join(inbox, 'launch.png.json'),
			JSON.stringify({
				text: { default: 'Launch day! {{date}}', x: 'Launch day 🚀' },
				targets: ['demo-sider', 'demo-fast'],
				when: `${day}T09:00:00+01:00`,
			}),
		);
		// 2. A carousel folder for PostFast, in local time of a named zone; post.json last.
		const carousel = join(inbox, 'carousel');
		mkdirSync(carousel);
		drop(join(carousel, '01.png'), samplePng(200, 200, [10, 150, 90]));
		drop(join(carousel, '02.png'), samplePng(200, 200, [150, 10, 90]));
		drop(
			join(carousel, 'post.json'),
			JSON.stringify({
				text: 'Behind the scenes (2 photos)',
				targets: ['demo-fast'],
				when: { local: `${day} 18:30`, tz: 'Europe/Berlin' },
				firstComment: 'More tomorrow',
			}),
		);
		// 3. A video for PostSider at the channel's next free slot.
		drop(join(inbox, 'teaser.mp4'), sampleMp4(256 * 1024));
		drop(
			join(inbox, 'teaser.json'),
			JSON.stringify({ text: 'Teaser', targets: ['demo-sider'], when: 'next-slot' }),
		);
		// 4. A broken sidecar: lands in failed/ with error.json saying what to fix.
		drop(join(inbox, 'oops.json'), JSON.stringify({ text: 'no targets here', when: 'yesterday' }));
		say('dropped 4 posts (3 good, 1 broken); waiting for them to settle');

		const deadline = Date.now() + 90_000;
		let receipts: string[] = [];
		let errors: string[] = [];
		while (Date.now() < deadline) {
			receipts = countFiles(join(folder, 'done'), 'receipt.json');
			errors = countFiles(join(folder, 'failed'), 'error.json');
			if (receipts.length >= 3 && errors.length >= 1) break;
			if (death) {
				say(`demo FAILED: ${death}; see its output above`);
				return 1;
			}
			await new Promise((r) => setTimeout(r, 300));
		}
		let ok = receipts.length === 3 && errors.length === 1;
		for (const r of receipts) {
			const receipt = JSON.parse(readFileSync(r, 'utf8')) as {
				name: string;
				state: string;
				targets: Array<{ target: string; state: string; postId?: string; publishAt?: string }>;
			};
			say(
				`done: ${receipt.name} (${receipt.state}) ${receipt.targets.map((t) => `${t.target}=${t.state}${t.postId ? ` post ${t.postId}` : ''}${t.publishAt ? ` at ${t.publishAt}` : ''}`).join(', ')}`,
			);
			if (receipt.state !== 'done') ok = false;
		}
		for (const e of errors)
			say(`failed (as intended): ${readFileSync(e, 'utf8').replace(/\s+/g, ' ').slice(0, 300)}`);
		say(
			`PostSider emulator requests: ${ps.requests.length}; PostFast emulator requests: ${pf.requests.length}`,
		);
		const status = spawn(process.execPath, [cli, 'status', '--config', configPath], {
			stdio: 'inherit',
		});
		await new Promise((r) => status.on('exit', r));
		child.kill('SIGTERM');
		const code = await new Promise<number | null>((r) => child!.on('exit', (c) => r(c)));
		say(`daemon stopped on SIGTERM with exit code ${code}`);
		if (code !== 0) ok = false;
		say(ok ? `demo OK — everything is in ${folder}` : 'demo FAILED: see the daemon output above');
		return ok ? 0 : 1;
	} finally {
		if (child && child.exitCode === null) child.kill('SIGKILL');
		await ps.close();
		await pf.close();
	}
}

main().then(
	(code) => process.exit(code),
	(err) => {
		process.stderr.write(`demo: ${(err as Error).stack ?? err}\n`);
		process.exit(1);
	},
);
