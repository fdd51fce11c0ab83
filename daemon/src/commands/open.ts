/**
 * `postspool open`: opens the running daemon's dashboard in the browser, signed in. It writes a
 * one-time login code (60 s) into a 0600 page in the state directory that POSTs it to /login, and
 * gives the browser that file's path: a command line is readable by every local user, so no secret
 * goes on one (the way Jupyter does it). The page is removed when its code is used or within 60 s.
 * `--print` prints a sign-in link with the code in its fragment instead: it shows a secret (one use,
 * 60 s) to whoever sees the terminal. The token itself never leaves the state directory.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
	dashboardToken,
	isInstance,
	loginCode,
	sweepOpenPages,
	writeOpenPage,
} from '../dashboard/auth';
import { DASHBOARD_FILE } from '../dashboard/server';
import { lockHolder } from '../state/lock';
import { CliError, EXIT, type GlobalOpts, load, print } from './context';

/** The browser opener of each platform. */
function opener(platform = process.platform): { cmd: string; args: string[] } {
	if (platform === 'darwin') return { cmd: 'open', args: [] };
	if (platform === 'win32') return { cmd: 'cmd', args: ['/c', 'start', '""'] };
	return { cmd: 'xdg-open', args: [] };
}

export async function openCommand(opts: GlobalOpts & { print?: boolean }): Promise<number> {
	const loaded = load(opts);
	if (!loaded.config.dashboard.enabled)
		throw new CliError(
			'the dashboard is off in the config ("dashboard": { "enabled": false }); set it to true and restart "postspool run"',
		);
	let info: { url?: string; pid?: number; instance?: unknown } = {};
	try {
		info = JSON.parse(readFileSync(join(loaded.stateDir, DASHBOARD_FILE), 'utf8'));
	} catch {
		/* not started */
	}
	const running = lockHolder(loaded.stateDir);
	if (!info.url || running === undefined || info.pid !== running)
		throw new CliError(
			running === undefined
				? 'the daemon is not running: "postspool run" starts it and its dashboard'
				: `the daemon (pid ${running}) serves no dashboard: its log says why (e.g. the port is in use; set "dashboard": { "port": 0 } for any free port)`,
			EXIT.notRunning,
		);
	// A code is bound to this start of the dashboard: a restart refuses it, spent or not.
	if (!isInstance(info.instance))
		throw new CliError(
			`the daemon (pid ${running}) runs a dashboard from an older postspool; restart "postspool run"`,
			EXIT.notRunning,
		);
	const code = loginCode(dashboardToken(loaded.stateDir), info.instance);
	if (opts.print) {
		// For a browser on another session or a script: the code works once, for 60 s.
		const link = `${info.url}login#${code}`;
		print(opts, { url: link }, () => link);
		return EXIT.ok;
	}
	const file = writeOpenPage(loaded.stateDir, info.url, code);
	const o = opener();
	await new Promise<void>((resolve, reject) => {
		const child = spawn(o.cmd, [...o.args, file], { stdio: 'ignore', detached: true });
		child.once('error', (err) => {
			sweepOpenPages(loaded.stateDir, code);
			reject(
				new CliError(
					`cannot start a browser (${o.cmd}: ${err.message}); "postspool open --print" prints a sign-in link to open by hand (it works once, for 60 s)`,
				),
			);
		});
		child.once('spawn', () => {
			child.unref();
			resolve();
		});
	});
	print(opts, { url: info.url }, () => `opened ${info.url} in the browser`);
	return EXIT.ok;
}
