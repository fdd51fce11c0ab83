/** Test helpers: temp drop folders, configs and real SQLite stores. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LoadedConfig, loadConfig } from '../src/config/load';
import { openDb } from '../src/state/db';
import { Store } from '../src/state/store';

export function tempDir(prefix = 'postspool-test-'): string {
	return mkdtempSync(join(tmpdir(), prefix));
}

export interface Env {
	home: string;
	folder: string;
	inbox: string;
	configPath: string;
	loaded: LoadedConfig;
}

/** A config with one key per service and a few aliases; `extra` is merged at the top level. */
export function makeEnv(extra: Record<string, unknown> = {}, keys?: Record<string, unknown>): Env {
	const home = tempDir();
	const folder = join(home, 'drop');
	const inbox = join(folder, 'inbox');
	mkdirSync(inbox, { recursive: true });
	writeFileSync(join(home, 'ps.key'), 'ps-test-key', { mode: 0o600 });
	writeFileSync(join(home, 'pf.key'), 'pf-test-key', { mode: 0o600 });
	const config = {
		version: 1,
		stateDir: join(home, 'state'),
		keys: keys ?? {
			sider: {
				service: 'postsider',
				baseUrl: 'http://127.0.0.1:9/public/v1',
				apiKey: { file: join(home, 'ps.key') },
			},
			fast: {
				service: 'postfast',
				baseUrl: 'http://127.0.0.1:9',
				apiKey: { file: join(home, 'pf.key') },
			},
		},
		accounts: {
			'acme-x': { key: 'sider', id: 'ch-x', platform: 'x' },
			'acme-yt': { key: 'sider', id: 'ch-yt', platform: 'youtube' },
			'acme-ig': { key: 'fast', id: '6a87b56e-ba73-4696-a415-3d524f1a92f8', platform: 'instagram' },
			'acme-bsky': { key: 'fast', id: '7a87b56e-ba73-4696-a415-3d524f1a92f8', platform: 'bluesky' },
		},
		folders: [{ path: folder, defaults: {} }],
		stableMs: 0,
		...extra,
	};
	const configPath = join(home, 'config.jsonc');
	writeFileSync(configPath, `// test config\n${JSON.stringify(config, null, 2)}\n`, {
		mode: 0o600,
	});
	return { home, folder, inbox, configPath, loaded: loadConfig(configPath) };
}

export function openStore(env: Env): Store {
	return new Store(openDb(env.loaded.stateDir));
}

/** Writes like a careful user: temp name, then rename. */
export function drop(path: string, content: string | Buffer | object): void {
	const data =
		typeof content === 'string' || Buffer.isBuffer(content) ? content : JSON.stringify(content);
	writeFileSync(`${path}.part`, data);
	renameSync(`${path}.part`, path);
}

export const inFuture = (ms = 86_400_000) => new Date(Date.now() + ms).toISOString();

/**
 * Compiles the daemon into a private folder inside daemon/ (so node_modules resolve) and returns
 * the CLI path. Each test file gets its own build: a shared dist/ rebuilt by two files at once
 * would hand a half-written module to a child process.
 */
export function buildCli(): { cli: string; cleanup(): void } {
	const root = join(__dirname, '..', '..');
	const out = join(
		root,
		'daemon',
		'.test-build',
		`${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
	);
	// tsc emits even when files outside the daemon (work in progress in contract/) do not typecheck.
	spawnSync(
		process.execPath,
		[
			join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
			'-p',
			join(root, 'daemon', 'tsconfig.json'),
			'--outDir',
			out,
		],
		{ stdio: 'ignore' },
	);
	const cli = join(out, 'daemon', 'src', 'cli.js');
	if (!existsSync(cli)) throw new Error(`the daemon did not build: ${cli} is missing`);
	return { cli, cleanup: () => rmSync(out, { recursive: true, force: true }) };
}

/** Polls `fn` until it returns something truthy, or throws after `ms`. */
export async function until<T>(
	fn: () => T | undefined | false,
	ms = 20_000,
	everyMs = 50,
): Promise<T> {
	const end = Date.now() + ms;
	for (;;) {
		const v = fn();
		if (v) return v;
		if (Date.now() > end) throw new Error('timed out');
		await new Promise((r) => setTimeout(r, everyMs));
	}
}
