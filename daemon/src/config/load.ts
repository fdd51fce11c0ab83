/**
 * Finding, reading and validating the config file, and resolving API keys from the environment or
 * from owner-only files. Keys are resolved on demand and never stored anywhere else.
 */
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { z } from 'zod';
import { type Config, ConfigSchema, type KeyConfig } from './schema';

export class ConfigError extends Error {
	constructor(
		message: string,
		readonly issues: Array<{ path: string; message: string }> = [],
	) {
		super(message);
		this.name = 'ConfigError';
	}
}

/** `$XDG_CONFIG_HOME/postspool/config.jsonc` (or `~/.config/...`), overridable with POSTSPOOL_CONFIG. */
export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
	if (env.POSTSPOOL_CONFIG) return resolve(env.POSTSPOOL_CONFIG);
	const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
	return join(base, 'postspool', 'config.jsonc');
}

/** `$XDG_STATE_HOME/postspool` (or `~/.local/state/postspool`). */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
	const base = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
	return join(base, 'postspool');
}

/**
 * JSON with `//` and `/* *\/` comments and trailing commas (the starter file is commented).
 * Strings are respected, so URLs with `//` survive.
 */
export function stripJsonComments(text: string): string {
	let out = '';
	let i = 0;
	let inString = false;
	while (i < text.length) {
		const c = text[i];
		if (inString) {
			out += c;
			if (c === '\\') {
				out += text[i + 1] ?? '';
				i += 2;
				continue;
			}
			if (c === '"') inString = false;
			i++;
		} else if (c === '"') {
			inString = true;
			out += c;
			i++;
		} else if (c === '/' && text[i + 1] === '/') {
			while (i < text.length && text[i] !== '\n') i++;
		} else if (c === '/' && text[i + 1] === '*') {
			const end = text.indexOf('*/', i + 2);
			i = end < 0 ? text.length : end + 2;
		} else {
			out += c;
			i++;
		}
	}
	// Trailing commas before } or ].
	return out.replace(/,(\s*[}\]])/g, '$1');
}

/** `~/x` → `<home>/x`; then relative to `base`. */
export function expandPath(path: string, base: string): string {
	if (path === '~' || path.startsWith('~/')) return join(homedir(), path.slice(1));
	return isAbsolute(path) ? path : resolve(base, path);
}

export function formatIssues(error: z.ZodError): Array<{ path: string; message: string }> {
	return error.issues.map((issue) => ({
		path: issue.path.length === 0 ? '$' : `$.${issue.path.map(String).join('.')}`,
		message: issue.message,
	}));
}

export interface LoadedConfig {
	path: string;
	config: Config;
	stateDir: string;
}

export function loadConfig(
	path = defaultConfigPath(),
	env: NodeJS.ProcessEnv = process.env,
): LoadedConfig {
	let text: string;
	try {
		text = readFileSync(path, 'utf8');
	} catch (err) {
		const code = (err as NodeJS.ErrnoException).code;
		throw new ConfigError(
			code === 'ENOENT'
				? `No config file at ${path}. Run "postspool init" to write a commented starter, or pass --config <file>.`
				: `Cannot read the config file ${path} (${code}). Check its permissions.`,
		);
	}
	let raw: unknown;
	try {
		raw = JSON.parse(stripJsonComments(text));
	} catch (err) {
		throw new ConfigError(
			`The config file ${path} is not valid JSON: ${(err as Error).message}. Fix the syntax (comments and trailing commas are allowed).`,
		);
	}
	const parsed = ConfigSchema.safeParse(raw);
	if (!parsed.success) {
		const issues = formatIssues(parsed.error);
		throw new ConfigError(
			`The config file ${path} is invalid:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`,
			issues,
		);
	}
	const config = parsed.data;
	const base = dirname(path);
	// Relative folder paths are relative to the config file, not to the working directory.
	for (const folder of config.folders) folder.path = expandPath(folder.path, base);
	const stateDir = config.stateDir ? expandPath(config.stateDir, base) : defaultStateDir(env);
	return { path, config, stateDir };
}

/**
 * The API key of a named key entry. A key file must not be readable by group or others, like ssh
 * keys: a leaked key can post to every connected channel.
 */
export function resolveApiKey(
	name: string,
	key: KeyConfig,
	configPath: string,
	env: NodeJS.ProcessEnv = process.env,
): string {
	// The webhook's signing secret is read the same way; its messages name it as what it is.
	const webhook = name === 'notify.webhook.secret';
	const who = webhook ? 'Webhook secret (notify.webhook.secret)' : `Key "${name}"`;
	const what = webhook ? 'the webhook secret' : 'the API key';
	const kind = webhook ? 'secret file' : 'key file';
	if (key.apiKey.env) {
		const value = env[key.apiKey.env]?.trim();
		if (!value) {
			throw new ConfigError(
				`${who}: the environment variable ${key.apiKey.env} is not set or empty. Export it before starting postspool, or use "file" instead.`,
			);
		}
		return value;
	}
	const file = expandPath(key.apiKey.file!, dirname(configPath));
	let mode: number;
	try {
		mode = statSync(file).mode;
	} catch {
		throw new ConfigError(
			`${who}: the ${kind} ${file} does not exist. Write ${what} into it and run "chmod 600 ${file}".`,
		);
	}
	if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
		throw new ConfigError(
			`${who}: the ${kind} ${file} is readable by group or others (mode ${(mode & 0o777).toString(8)}). Run "chmod 600 ${file}".`,
		);
	}
	const value = readFileSync(file, 'utf8').trim();
	if (!value) throw new ConfigError(`${who}: the ${kind} ${file} is empty. Write ${what} into it.`);
	return value;
}
