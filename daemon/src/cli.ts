#!/usr/bin/env node
/**
 * The postspool command line. Every command takes --json; exit codes: 0 ok, 1 error,
 * 2 validation errors (config or sidecars), 3 daemon not running (status).
 */
// First: an unsupported Node is refused before better-sqlite3 (native) can crash it.
import './node-version';
// Then: `run` may replace the process with heap options before anything else loads.
import './commands/run-heap';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { accountsCommand } from './commands/accounts';
import { cancelCommand } from './commands/cancel';
import { CliError, EXIT, type GlobalOpts } from './commands/context';
import { checkCommand } from './commands/check';
import { doctorCommand } from './commands/doctor';
import { eventsCommand } from './commands/events';
import { historyCommand } from './commands/history';
import { initCommand } from './commands/init';
import { openCommand } from './commands/open';
import { planCommand } from './commands/plan';
import { queueLsCommand } from './commands/queue';
import { retryCommand } from './commands/retry';
import { runCommand } from './commands/run';
import { StateDbError } from './state/db';
import { installServiceCommand, uninstallServiceCommand } from './commands/service';
import { statusCommand } from './commands/status';

type Handler = (
	opts: GlobalOpts & Record<string, unknown>,
	...args: string[]
) => number | void | Promise<number | void>;

/** The version in daemon/package.json (found upwards from this file: src/ and dist/ differ in depth). */
export function packageVersion(): string {
	for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
		const p = join(dir, 'package.json');
		if (!existsSync(p)) continue;
		const pkg = JSON.parse(readFileSync(p, 'utf8')) as { name?: string; version?: string };
		if (pkg.name === 'postspool' && pkg.version) return pkg.version;
	}
	return 'unknown';
}

export function buildProgram(): Command {
	const program = new Command('postspool')
		.description(
			'Drop folders become scheduled posts on PostSider and PostFast, durably and inside every rate budget.',
		)
		.option(
			'-c, --config <file>',
			'config file (default: $XDG_CONFIG_HOME/postspool/config.jsonc or $POSTSPOOL_CONFIG)',
		)
		.option('--json', 'machine-readable output')
		.version(packageVersion(), '-V, --version', 'print the postspool version')
		.exitOverride()
		.showHelpAfterError();

	const act =
		(fn: Handler) =>
		async (...args: unknown[]) => {
			const cmd = args[args.length - 1] as Command;
			const opts = { ...program.opts(), ...cmd.opts() } as GlobalOpts & Record<string, unknown>;
			const positional = args.slice(0, -2).filter((a): a is string => typeof a === 'string');
			const code = await fn(opts, ...positional);
			process.exitCode = typeof code === 'number' ? code : EXIT.ok;
		};

	program
		.command('init')
		.description('write a commented starter config and create the drop folder')
		.option('--folder <dir>', 'drop folder (default ~/postspool)')
		.option('--state-dir <dir>', 'state directory')
		.option('--force', 'overwrite an existing config')
		.action(act((o) => initCommand(o as never)));
	program
		.command('run')
		.description('run the daemon in the foreground (JSON logs; readable on a TTY)')
		.option('--once', 'exit when the queue is empty and the inboxes hold nothing')
		.option('--concurrency <n>', 'targets worked on at once', '2')
		.option('--pretty', 'readable log lines even without a TTY')
		.action(act((o) => runCommand(o as never)));
	program
		.command('open')
		.description("open the running daemon's dashboard in the browser, signed in")
		.option('--print', 'print a one-time sign-in link (60 s) instead of starting a browser')
		.action(act((o) => openCommand(o as never)));
	program
		.command('status')
		.description('daemon, queue counts, budgets (used, remaining, next free) and last errors')
		.action(act((o) => statusCommand(o)));
	const queue = program.command('queue').description('the queue');
	queue
		.command('ls')
		.description('list items and their targets with ETAs')
		.option('--state <state>', 'processing, done, failed, needs-review or cancelled')
		.option('--all', 'include done and cancelled items')
		.action(act((o) => queueLsCommand(o as never)));
	program
		.command('history')
		.description(
			'recent posts: account, service, post id, scheduled and published times, state, URL',
		)
		.option('--state <state>', 'only this state (published, publish-failed, confirmed, failed, …)')
		.option('--account <alias>', 'only this account alias')
		.option('--since <date>', 'from this time on (2027-03-01, an ISO time, or 7d / 24h ago)')
		.option('--until <date>', 'up to this time')
		.option('--limit <n>', 'at most this many (default 50)')
		.action(act((o) => historyCommand(o as never)));
	program
		.command('events')
		.description('what the daemon told: queued, failed, needs-review, published, publish-failed')
		.option('-f, --follow', 'keep printing new events (one JSON object per line with --json)')
		.option('--last <n>', 'start with the last n events (default 20)')
		.option('--redeliver', 'send the events the webhook receiver refused (parked) again')
		.action(act((o) => eventsCommand(o as never)));
	program
		.command('plan [path]')
		.description('dry run: validate waiting posts, show ETA and the gating budget per target')
		.action(act((o, path) => planCommand(o, path)));
	program
		.command('check <path>')
		.description(
			'validate and plan a sidecar, a post folder or a .csv batch without posting: every error with its fix, the ETA of each valid post',
		)
		.action(act((o, path) => checkCommand(o, path)));
	program
		.command('retry [id]')
		.description('re-queue the failed or parked targets of an item')
		.option('--failed', 'every failed item')
		.option(
			'--at <time>',
			'send for this time instead (ISO time with offset, "asap" or "next-slot"); default: the "when" of the sidecar in the item\'s folder',
		)
		.option('--now', 'send as soon as the budgets allow')
		.action(act((o, id) => retryCommand(o as never, id)));
	program
		.command('cancel <id>')
		.description(
			'cancel the targets of an item that are not created yet; --remote also deletes the posts the service already scheduled',
		)
		.option(
			'--remote',
			'delete accepted, unpublished posts on the service (asked explicitly; cannot be undone)',
		)
		.action(act((o, id) => cancelCommand(o, id)));
	program
		.command('accounts')
		.description("list each key's channels/accounts and the aliases that use them")
		.option('--key <name>', 'only this key')
		.action(act((o) => accountsCommand(o as never)));
	program
		.command('doctor')
		.description(
			'check node, SQLite, config permissions, watch limits, folders, keys and clock skew',
		)
		.action(act((o) => doctorCommand(o)));
	program
		.command('install-service')
		.description('write a systemd user unit, a launchd agent or a Windows task file')
		.option('--platform <p>', 'linux, darwin or win32 (default: this machine)')
		.option('--print', 'print instead of writing')
		.option('--force', 'replace an existing file')
		.action(act((o) => installServiceCommand(o as never)));
	program
		.command('uninstall-service')
		.description('remove the file install-service wrote')
		.option('--platform <p>', 'linux, darwin or win32')
		.action(act((o) => uninstallServiceCommand(o as never)));
	return program;
}

export async function main(argv = process.argv): Promise<void> {
	const program = buildProgram();
	try {
		await program.parseAsync(argv);
	} catch (err) {
		if (err instanceof CommanderError) {
			process.exitCode = err.exitCode === 0 ? 0 : EXIT.error;
			return;
		}
		const json = process.argv.includes('--json');
		if (err instanceof CliError) {
			if (json)
				process.stdout.write(
					`${JSON.stringify({ error: err.message, ...(err.details ? { details: err.details } : {}) }, null, 2)}\n`,
				);
			else process.stderr.write(`postspool: ${err.message}\n`);
			process.exitCode = err.exitCode;
			return;
		}
		// A damaged state database is the user's to repair: its path and remedy, not a stack trace.
		if (err instanceof StateDbError) {
			process.stderr.write(`postspool: ${err.message}\n`);
			process.exitCode = EXIT.error;
			return;
		}
		process.stderr.write(`postspool: ${(err as Error).stack ?? err}\n`);
		process.exitCode = EXIT.error;
	}
}

if (require.main === module) void main();
