/**
 * `postspool install-service` / `uninstall-service`: a systemd user unit (Linux), a LaunchAgent
 * (macOS) or a Task Scheduler "at log on" task file (Windows), always with absolute node and
 * script paths (version-manager shims are not on a service's PATH). See docs/daemon.md, Service install; CLI conventions.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { defaultConfigPath } from '../config/load';
import { CliError, EXIT, type GlobalOpts, print } from './context';

const LABEL = 'com.postspool.daemon';

export interface ServicePlan {
	platform: 'linux' | 'darwin' | 'win32';
	path: string;
	content: string;
	next: string[];
}

const xml = (s: string) =>
	s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function servicePlan(opts: {
	platform: string;
	config: string;
	home?: string;
	node?: string;
	script?: string;
}): ServicePlan {
	const home = opts.home ?? homedir();
	const node = opts.node ?? process.execPath;
	const script = opts.script ?? resolve(__dirname, '..', 'cli.js');
	const args = [script, 'run', '--config', opts.config];
	if (opts.platform === 'linux') {
		// systemd expands %specifiers and $VARIABLES in ExecStart, and a newline ends the line:
		// escape the first two (%% and $$), refuse the third.
		for (const p of [node, ...args, home])
			if (/[\r\n]/.test(p))
				throw new CliError(
					`the path ${JSON.stringify(p)} contains a line break, which a systemd unit cannot hold; move it to a path without one`,
				);
		const unit = (s: string) => s.replace(/%/g, '%%').replace(/\$/g, '$$$$');
		const q = (s: string) =>
			/[\s"\\'$%;]/.test(s) ? `"${unit(s).replace(/(["\\])/g, '\\$1')}"` : s;
		return {
			platform: 'linux',
			path: join(home, '.config', 'systemd', 'user', 'postspool.service'),
			content: [
				'[Unit]',
				'Description=postspool: drop folders to scheduled posts',
				'After=network-online.target',
				'',
				'[Service]',
				'Type=simple',
				`ExecStart=${[node, ...args].map(q).join(' ')}`,
				'Restart=on-failure',
				'RestartSec=5',
				'Environment=NODE_ENV=production',
				'# Files the daemon creates (error.json, receipts, its database) are for this user only.',
				'UMask=0077',
				'# API keys from the environment: put them in this file (chmod 600).',
				`EnvironmentFile=-${unit(join(home, '.config', 'postspool', 'env'))}`,
				'TimeoutStopSec=30',
				'',
				'[Install]',
				'WantedBy=default.target',
				'',
			].join('\n'),
			next: [
				'systemctl --user daemon-reload',
				'systemctl --user enable --now postspool',
				'journalctl --user -u postspool -f',
				`loginctl enable-linger ${userInfo().username}   # keep it running when you are logged out`,
			],
		};
	}
	if (opts.platform === 'darwin') {
		const logs = join(home, 'Library', 'Logs', 'postspool');
		return {
			platform: 'darwin',
			path: join(home, 'Library', 'LaunchAgents', `${LABEL}.plist`),
			content: `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>Label</key><string>${LABEL}</string>
	<key>ProgramArguments</key>
	<array>
${[node, ...args].map((a) => `		<string>${xml(a)}</string>`).join('\n')}
	</array>
	<key>RunAtLoad</key><true/>
	<key>KeepAlive</key><dict><key>SuccessfulExit</key><false/></dict>
	<key>WorkingDirectory</key><string>${xml(home)}</string>
	<key>StandardOutPath</key><string>${xml(join(logs, 'postspool.log'))}</string>
	<key>StandardErrorPath</key><string>${xml(join(logs, 'postspool.err.log'))}</string>
	<key>EnvironmentVariables</key>
	<dict>
		<key>PATH</key><string>${xml(`${dirname(node)}:/usr/bin:/bin:/usr/sbin:/sbin`)}</string>
		<key>NODE_ENV</key><string>production</string>
	</dict>
</dict>
</plist>
`,
			next: [
				`mkdir -p "${logs}"`,
				`launchctl bootstrap gui/$(id -u) "${join(home, 'Library', 'LaunchAgents', `${LABEL}.plist`)}"`,
				`launchctl kickstart -k gui/$(id -u)/${LABEL}`,
			],
		};
	}
	if (opts.platform === 'win32') {
		const path = join(home, 'postspool-task.xml');
		return {
			platform: 'win32',
			path,
			content: `<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo><Description>postspool: drop folders to scheduled posts</Description></RegistrationInfo>
  <Triggers><LogonTrigger><Enabled>true</Enabled></LogonTrigger></Triggers>
  <Principals><Principal id="Author"><LogonType>InteractiveToken</LogonType><RunLevel>LeastPrivilege</RunLevel></Principal></Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
    <ExecutionTimeLimit>PT0S</ExecutionTimeLimit>
    <RestartOnFailure><Interval>PT1M</Interval><Count>999</Count></RestartOnFailure>
  </Settings>
  <Actions Context="Author">
    <Exec>
      <Command>${xml(node)}</Command>
      <Arguments>${xml(args.map((a) => `"${a}"`).join(' '))}</Arguments>
      <WorkingDirectory>${xml(home)}</WorkingDirectory>
    </Exec>
  </Actions>
</Task>
`,
			next: [
				`schtasks /Create /TN postspool /XML "${path}"`,
				'schtasks /Run /TN postspool',
				'(A logon task sees your mapped drives; a Windows service would not.)',
			],
		};
	}
	throw new CliError(`unsupported platform "${opts.platform}"; use linux, darwin or win32`);
}

/**
 * The bytes of the service file: the Windows task XML declares UTF-16, and schtasks reads it as
 * such, so it is written as UTF-16LE with its byte-order mark and CRLF line ends; the others UTF-8.
 */
export function encodeServiceFile(plan: Pick<ServicePlan, 'platform' | 'content'>): Buffer {
	if (plan.platform !== 'win32') return Buffer.from(plan.content, 'utf8');
	return Buffer.concat([
		Buffer.from([0xff, 0xfe]),
		Buffer.from(plan.content.replace(/\r?\n/g, '\r\n'), 'utf16le'),
	]);
}

export function installServiceCommand(
	opts: GlobalOpts & { platform?: string; print?: boolean; force?: boolean },
): number {
	const config = opts.config ? resolve(opts.config) : defaultConfigPath();
	if (!existsSync(config)) throw new CliError(`no config at ${config}; run "postspool init" first`);
	const plan = servicePlan({ platform: opts.platform ?? process.platform, config });
	if (!opts.print) {
		if (existsSync(plan.path) && !opts.force)
			throw new CliError(`${plan.path} exists; pass --force to replace it`);
		mkdirSync(dirname(plan.path), { recursive: true });
		writeFileSync(plan.path, encodeServiceFile(plan));
	}
	print(opts, { ...plan, written: !opts.print }, () =>
		opts.print
			? plan.content
			: [`Wrote ${plan.path}. Next:`, ...plan.next.map((n) => `  ${n}`)].join('\n'),
	);
	return EXIT.ok;
}

export function uninstallServiceCommand(opts: GlobalOpts & { platform?: string }): number {
	const plan = servicePlan({ platform: opts.platform ?? process.platform, config: '' });
	const existed = existsSync(plan.path);
	rmSync(plan.path, { force: true });
	const before =
		plan.platform === 'linux'
			? 'systemctl --user disable --now postspool'
			: plan.platform === 'darwin'
				? `launchctl bootout gui/$(id -u)/${LABEL}`
				: 'schtasks /Delete /TN postspool /F';
	print(opts, { path: plan.path, removed: existed, stopWith: before }, () =>
		existed
			? `Removed ${plan.path}. Stop the running service with: ${before}`
			: `Nothing installed at ${plan.path}.`,
	);
	return EXIT.ok;
}
