/**
 * `postspool run` caps V8's young generation. Under a burst (thousands of posts dropped at once,
 * a long inbox at startup) V8 grows it from 16 MiB towards 128 MiB and keeps those pages resident
 * for the life of the process, although the daemon idles almost all the time. The cap is the V8
 * option Node documents for this trade (`--max-semi-space-size`, more frequent scavenges for less
 * memory); heap options must be given at startup, so the CLI replaces itself once with them
 * (`process.execve`: same pid, so service managers and `status` see no change). Where execve is
 * missing (Windows) or the user set the option, it runs as started. POSTSPOOL_NO_HEAP_CAP=1 opts out.
 */
import { basename, dirname, join } from 'node:path';

/** MiB per semi-space (V8 starts with 8 here and grows to 64 under load). */
export const SEMI_SPACE_MIB = 4;

export function heapCapArgs(
	argv: readonly string[],
	execArgv: readonly string[],
	env: NodeJS.ProcessEnv,
): string[] | undefined {
	if (!argv.slice(2).includes('run')) return undefined;
	if (env.POSTSPOOL_NO_HEAP_CAP === '1') return undefined;
	const set = (a: string) => /^--max[-_]semi[-_]space[-_]size\b/.test(a);
	if (execArgv.some(set) || (env.NODE_OPTIONS ?? '').split(/\s+/).some(set)) return undefined;
	return [argv[0], ...execArgv, `--max-semi-space-size=${SEMI_SPACE_MIB}`, ...argv.slice(1)];
}

const main = require.main;
if (
	main &&
	// The CLI itself, or the committed bin/postspool.js that requires it (npx, npm's .bin link).
	((/^cli\.[cm]?[jt]s$/.test(basename(main.filename)) &&
		dirname(main.filename) === dirname(__dirname)) ||
		main.filename === join(__dirname, '../../../../bin/postspool.js')) &&
	typeof process.execve === 'function'
) {
	const args = heapCapArgs(process.argv, process.execArgv, process.env);
	if (args) process.execve(process.execPath, args, process.env);
}
