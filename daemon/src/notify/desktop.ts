/**
 * Desktop notifications where the platform has them: `notify-send` (Linux, in a graphical
 * session), `osascript` (macOS), a PowerShell toast (Windows). A configured command replaces them
 * (title and message are appended as two arguments), which is also how tests observe them.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * `POSTSPOOL_DESKTOP=off` turns the built-in notifications off whatever the config says (the test
 * configs set it, so no test run ever pops one up on a developer's desktop); a configured
 * `command` still runs.
 */
export const DESKTOP_ENV = 'POSTSPOOL_DESKTOP';

/** The argv that shows one notification, or undefined when this machine has no desktop session. */
export function desktopCommand(
	title: string,
	message: string,
	opts: { command?: string[]; platform?: NodeJS.Platform; env?: NodeJS.ProcessEnv } = {},
): string[] | undefined {
	if (opts.command && opts.command.length > 0) return [...opts.command, title, message];
	const platform = opts.platform ?? process.platform;
	const env = opts.env ?? process.env;
	if (env[DESKTOP_ENV] === 'off') return undefined;
	if (platform === 'darwin')
		return [
			'osascript',
			'-e',
			`display notification ${JSON.stringify(message)} with title ${JSON.stringify(title)}`,
		];
	if (platform === 'win32') {
		const q = (s: string) => s.replace(/'/g, "''");
		return [
			'powershell.exe',
			'-NoProfile',
			'-Command',
			`[Windows.UI.Notifications.ToastNotificationManager, Windows.UI.Notifications, ContentType = WindowsRuntime] > $null; $x = [Windows.UI.Notifications.ToastNotificationManager]::GetTemplateContent([Windows.UI.Notifications.ToastTemplateType]::ToastText02); $t = $x.GetElementsByTagName('text'); $t.Item(0).AppendChild($x.CreateTextNode('${q(title)}')) > $null; $t.Item(1).AppendChild($x.CreateTextNode('${q(message)}')) > $null; [Windows.UI.Notifications.ToastNotificationManager]::CreateToastNotifier('postspool').Show([Windows.UI.Notifications.ToastNotification]::new($x))`,
		];
	}
	// Linux and the BSDs: only inside a graphical session, and only when notify-send is installed.
	if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return undefined;
	if (!onPath('notify-send', env)) return undefined;
	return ['notify-send', '--app-name=postspool', title, message];
}

function onPath(cmd: string, env: NodeJS.ProcessEnv): boolean {
	return (env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, cmd)));
}

/** Shows it without waiting; a failure is reported once through `onError`, never thrown. */
export function showDesktop(argv: string[], onError: (message: string) => void): void {
	try {
		const child = spawn(argv[0], argv.slice(1), { stdio: 'ignore', windowsHide: true });
		child.on('error', (err) => onError(`${argv[0]}: ${err.message}`));
		child.unref();
	} catch (err) {
		onError(`${argv[0]}: ${(err as Error).message}`);
	}
}
