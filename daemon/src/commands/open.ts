/**
 * `postspool open`: opens the running daemon's dashboard in the browser, signed in. The URL carries
 * a one-time login code (60 s) in its fragment, which browsers never send to a server; the login
 * page posts it and gets a session cookie. The token itself never leaves the state directory.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dashboardToken, loginCode } from '../dashboard/auth';
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
	let info: { url?: string; pid?: number } = {};
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
	const link = `${info.url}login#${loginCode(dashboardToken(loaded.stateDir))}`;
	if (opts.print) {
		// For a browser on another session or a script: the code works once, for 60 s.
		print(opts, { url: link }, () => link);
		return EXIT.ok;
	}
	const o = opener();
	await new Promise<void>((resolve, reject) => {
		const child = spawn(o.cmd, [...o.args, link], { stdio: 'ignore', detached: true });
		child.once('error', (err) =>
			reject(
				new CliError(
					`cannot start a browser (${o.cmd}: ${err.message}); "postspool open --print" prints a sign-in link to open by hand (it works once, for 60 s)`,
				),
			),
		);
		child.once('spawn', () => {
			child.unref();
			resolve();
		});
	});
	print(opts, { url: info.url }, () => `opened ${info.url} in the browser`);
	return EXIT.ok;
}
