/**
 * Child processes for the e2e suite: a promise around `spawn` that keeps the output, plus the
 * environment every child gets (the repo's npm settings stripped, Node 24 first on PATH).
 */
import { spawn, type SpawnOptions } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname } from 'node:path';

export interface RunResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	ms: number;
}

export interface RunOptions {
	cwd: string;
	env?: NodeJS.ProcessEnv;
	timeoutMs?: number;
	/** Called with each chunk of stderr/stdout, for progress on long installs. */
	onOutput?: (chunk: string) => void;
}

/** Set by vitest/vite in its workers; `NODE_ENV=test` makes `n8n start` exit silently with 1. */
const VITE_ENV = new Set(['NODE_ENV', 'TEST', 'MODE', 'DEV', 'PROD', 'SSR', 'BASE_URL']);

/**
 * npm settings worth passing on: where packages come from and the cache. The others that `npm run`
 * exports (ignore_scripts, nodedir, local_prefix pointing at the repo, …) would misdirect installs.
 */
const KEEP_NPM_SETTINGS = /registry|^cache$|^userconfig$|proxy|^cafile$|^strict_ssl$/i;

/**
 * The environment for child processes. `npm run test:e2e` exports the repo's npm config
 * (`npm_config_ignore_scripts=true`, …) to its children; installs outside the repo must not inherit
 * it, and node-gyp must build against the headers of the Node that runs us, not the user .npmrc's.
 */
export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) {
		const npmSetting = /^npm_config_(.*)$/i.exec(key)?.[1];
		if (npmSetting !== undefined && !KEEP_NPM_SETTINGS.test(npmSetting)) continue;
		if (
			/^npm_(package|lifecycle)_/i.test(key) ||
			key === 'NODE_OPTIONS' ||
			key.startsWith('VITEST') ||
			VITE_ENV.has(key)
		)
			continue;
		env[key] = value;
	}
	env.PATH = `${dirname(process.execPath)}:${process.env.PATH ?? ''}`;
	env.npm_config_nodedir = nodeDir();
	return { ...env, ...extra };
}

/** The install prefix of the running Node (…/bin/node → …), whose include/node has the headers. */
export function nodeDir(): string {
	return dirname(dirname(process.execPath));
}

export function run(command: string, args: string[], options: RunOptions): Promise<RunResult> {
	const started = Date.now();
	return new Promise((resolve, reject) => {
		const spawnOptions: SpawnOptions = {
			cwd: options.cwd,
			env: options.env ?? childEnv(),
			stdio: ['ignore', 'pipe', 'pipe'],
		};
		const child = spawn(command, args, spawnOptions);
		let stdout = '';
		let stderr = '';
		child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
			stdout += chunk;
			options.onOutput?.(chunk);
		});
		child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
			stderr += chunk;
			options.onOutput?.(chunk);
		});
		const timer = options.timeoutMs
			? setTimeout(() => {
					child.kill('SIGKILL');
					reject(
						new Error(
							`${command} ${args.join(' ')} did not finish within ${options.timeoutMs} ms (cwd ${options.cwd}); output so far:\n${tail(stdout + stderr)}`,
						),
					);
				}, options.timeoutMs)
			: undefined;
		child.on('error', (error) => {
			clearTimeout(timer);
			reject(
				new Error(`Could not start ${command}: ${error.message}. Is it installed and on PATH?`),
			);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
		});
	});
}

/** Like `run`, but a non-zero exit is an error naming the command and showing its output's tail. */
export async function runOk(
	command: string,
	args: string[],
	options: RunOptions,
): Promise<RunResult> {
	const result = await run(command, args, options);
	if (result.code !== 0) {
		throw new Error(
			`\`${command} ${args.join(' ')}\` exited with ${result.code ?? result.signal} in ${options.cwd}:\n${tail(result.stdout + result.stderr)}`,
		);
	}
	return result;
}

export function tail(text: string, lines = 40): string {
	return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** A TCP port free right now on 127.0.0.1 (n8n's HTTP server and task broker each need one). */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() =>
				typeof address === 'object' && address
					? resolve(address.port)
					: reject(new Error('no port')),
			);
		});
	});
}
