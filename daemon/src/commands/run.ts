/** `postspool run`: the daemon in the foreground (JSON logs, or readable lines on a TTY). */
import { Daemon } from '../daemon';
import { isDiskFull } from '../state/disk';
import { ConfigError } from '../config/load';
import { LockError } from '../state/lock';
import { type Dashboard, startDashboard } from '../dashboard/server';
import { createLogger } from '../log';
import { showUploadProgress } from '../progress-line';
import { CliError, EXIT, type GlobalOpts, load } from './context';

/** After SIGTERM/SIGINT the process exits by this time, whatever still runs. */
const STOP_DEADLINE_MS = 35_000;

export async function runCommand(
	opts: GlobalOpts & { once?: boolean; concurrency?: string; pretty?: boolean },
): Promise<number> {
	const loaded = load(opts);
	const tty = Boolean(process.stdout.isTTY);
	const log = createLogger({ pretty: opts.pretty ?? (tty && !opts.json) });
	let fatal: ((message: string) => void) | undefined;
	const daemon = new Daemon({
		onFatal: (message) => fatal?.(message),
		loaded,
		log,
		once: opts.once,
		concurrency: opts.concurrency ? Number(opts.concurrency) : undefined,
	});
	// Upload progress as one live line on a terminal only (the logger ignores it elsewhere).
	const hideProgress = showUploadProgress(log);
	try {
		await daemon.start();
	} catch (err) {
		if (err instanceof LockError) throw new CliError(err.message, EXIT.error);
		// A full disk at start (the database cannot be created or migrated): one line, no stack.
		if (isDiskFull(err))
			throw new CliError(
				`the disk is full (${(err as Error).message}); free space under the state directory and the drop folders, then start again. Nothing was lost`,
				EXIT.error,
			);
		// A key or the webhook secret that cannot be read: a config error, not a crash (start()
		// has released its lock and leases).
		if (err instanceof ConfigError)
			throw new CliError(err.message, EXIT.validation, { issues: err.issues });
		throw err;
	}
	// The dashboard is an extra: a port in use is said in the log, the daemon works on without it.
	let dashboard: Dashboard | undefined;
	if (loaded.config.dashboard.enabled && !opts.once)
		dashboard = await startDashboard({ loaded, log, budgets: daemon.budgetsView }).catch(
			(err: NodeJS.ErrnoException) => {
				log.log(
					'warn',
					`dashboard not started: ${err.code === 'EADDRINUSE' ? `port ${loaded.config.dashboard.port} on 127.0.0.1 is in use (set "dashboard": { "port": 0 } for any free port, or another number)` : err.message}`,
				);
				return undefined;
			},
		);
	return new Promise<number>((resolve) => {
		let stopping = false;
		const stop = (signal: string, code: number = EXIT.ok) => {
			if (stopping) return;
			stopping = true;
			log.log('info', `${signal}: finishing in-flight calls`);
			// A stop always ends: whatever still holds the event loop after the grace for in-flight
			// calls (20 s) and the bounded shutdown steps, the process exits (SQLite's WAL keeps the
			// database consistent either way).
			setTimeout(() => {
				log.log('warn', `${signal}: shutdown took over ${STOP_DEADLINE_MS / 1000} s; exiting now`);
				hideProgress();
				process.exit(code);
			}, STOP_DEADLINE_MS).unref();
			(dashboard?.close() ?? Promise.resolve())
				.catch(() => undefined)
				.then(() => daemon.stop())
				.then(
					() => {
						hideProgress();
						resolve(code);
					},
					(err) => {
						hideProgress();
						log.log('error', `stop failed: ${(err as Error).message}`);
						resolve(EXIT.error);
					},
				);
		};
		fatal = (message) => stop(message, EXIT.error);
		process.once('SIGTERM', () => stop('SIGTERM'));
		process.once('SIGINT', () => stop('SIGINT'));
		if (opts.once) void daemon.idle().then(() => stop('queue empty'));
	});
}
