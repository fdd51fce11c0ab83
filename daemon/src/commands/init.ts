/** `postspool init`: writes the commented starter config and creates the drop folder. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { defaultConfigPath } from '../config/load';
import { starterConfig } from '../config/starter';
import { layoutOf } from '../journey/layout';
import { CliError, type GlobalOpts, print } from './context';

export function initCommand(
	opts: GlobalOpts & { folder?: string; stateDir?: string; force?: boolean },
): void {
	const path = opts.config ? resolve(opts.config) : defaultConfigPath();
	if (existsSync(path) && !opts.force) {
		throw new CliError(
			`A config already exists at ${path}. Edit it, or pass --force to overwrite it.`,
		);
	}
	const folder = resolve(opts.folder ?? join(homedir(), 'postspool'));
	mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
	writeFileSync(
		path,
		starterConfig({
			dropFolder: folder,
			stateDir: opts.stateDir ? resolve(opts.stateDir) : undefined,
		}),
		{ mode: 0o600 },
	);
	const layout = layoutOf(folder);
	for (const d of [layout.inbox, layout.done, layout.failed]) mkdirSync(d, { recursive: true });
	print(opts, { config: path, folder, inbox: layout.inbox }, () =>
		[
			`Wrote ${path}`,
			`Drop folder: ${layout.inbox}`,
			'Next: put your API keys where the config says (env var or a chmod-600 file), set the account ids',
			'("postspool accounts" lists them), check with "postspool doctor", then start "postspool run".',
		].join('\n'),
	);
}
