/** Test helpers: temp drop folders, configs and real SQLite stores. */
import { mkdirSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
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
