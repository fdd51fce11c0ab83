/** `postspool doctor`: checks the runtime, the config, the keys, the folders and the services. */
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { resolveApiKey } from '../config/load';
import { WEBHOOK_SECRET } from '../notify/cli-emit';
import type { Config } from '../config/schema';
import { createClients } from '../daemon';
import { layoutOf } from '../journey/layout';
import { getHeader } from '../../../contract/errors';
import { damagedDbMessage, dbPath } from '../state/db';
import { EXIT, type GlobalOpts, load, print } from './context';

interface Check {
	check: string;
	ok: boolean;
	detail: string;
	fix?: string;
}

export async function doctorCommand(opts: GlobalOpts): Promise<number> {
	const checks: Check[] = [];
	const add = (c: Check) => checks.push(c);
	const major = Number(process.versions.node.split('.')[0]);
	add({
		check: 'node',
		ok: major >= 22,
		detail: process.version,
		fix: 'install Node.js 22.22 or newer (24 recommended)',
	});
	try {
		const mem = new Database(':memory:');
		add({
			check: 'sqlite',
			ok: true,
			detail: (mem.prepare('select sqlite_version() v').get() as { v: string }).v,
		});
		mem.close();
	} catch (err) {
		add({
			check: 'sqlite',
			ok: false,
			detail: (err as Error).message,
			fix: 'reinstall postspool (better-sqlite3 did not load)',
		});
	}
	let loaded;
	try {
		loaded = load(opts);
		add({ check: 'config', ok: true, detail: loaded.path });
	} catch (err) {
		add({ check: 'config', ok: false, detail: (err as Error).message });
	}
	if (loaded) {
		if (process.platform !== 'win32') {
			const mode = statSync(loaded.path).mode & 0o777;
			add({
				check: 'config permissions',
				ok: (mode & 0o022) === 0,
				detail: mode.toString(8),
				fix: `chmod 600 ${loaded.path}`,
			});
		}
		if (process.platform === 'linux') {
			try {
				const watches = Number(readFileSync('/proc/sys/fs/inotify/max_user_watches', 'utf8'));
				add({
					check: 'inotify watches',
					ok: watches >= 8192,
					detail: String(watches),
					fix: 'sudo sysctl fs.inotify.max_user_watches=524288 (or set "polling": true)',
				});
			} catch {
				/* not available */
			}
		}
		add(databaseCheck(loaded.stateDir));
		for (const c of configChecks(loaded.config)) add(c);
		for (const f of loaded.config.folders) {
			const inbox = layoutOf(f.path).inbox;
			try {
				accessSync(f.path, constants.R_OK | constants.W_OK);
				add({ check: `folder ${f.path}`, ok: true, detail: `read/write; inbox ${inbox}` });
			} catch {
				add({
					check: `folder ${f.path}`,
					ok: false,
					detail: 'missing or not writable',
					fix: `mkdir -p ${inbox} and make it writable for this user`,
				});
			}
		}
		// The webhook's secret is read like a key: a missing or group-readable file fails here, not at run.
		const secret = loaded.config.notify.webhook?.secret;
		if (secret) {
			try {
				resolveApiKey(WEBHOOK_SECRET, { apiKey: secret } as never, loaded.path);
				add({
					check: 'webhook secret',
					ok: true,
					detail: secret.env ? `$${secret.env}` : `${secret.file} (owner only)`,
				});
			} catch (err) {
				add({ check: 'webhook secret', ok: false, detail: (err as Error).message });
			}
		}
		const clients = createClients(loaded, process.env, Date.now);
		for (const [name, key] of Object.entries(loaded.config.keys)) {
			try {
				resolveApiKey(name, key, loaded.path);
			} catch (err) {
				add({ check: `key ${name}`, ok: false, detail: (err as Error).message });
				continue;
			}
			const r =
				key.service === 'postsider'
					? await clients.postsider(name).isConnected()
					: await clients.postfast(name).listAccounts();
			if (!r.ok) {
				add({
					check: `key ${name}`,
					ok: false,
					detail: `${key.service} answered ${r.error.status || 'nothing'}: ${r.error.message}`,
					fix:
						r.error.kind === 'auth'
							? 'the key is wrong or revoked: create a new one in the service settings'
							: 'check baseUrl and the network',
				});
				continue;
			}
			add({ check: `key ${name}`, ok: true, detail: `${key.service} accepted the key` });
			// Each alias of this key: is its channel there, and usable (a disabled one fails every post)?
			const channels =
				key.service === 'postsider'
					? await clients.postsider(name).listIntegrations()
					: (r as Awaited<ReturnType<ReturnType<typeof clients.postfast>['listAccounts']>>);
			if (channels.ok)
				for (const c of aliasChecks(
					loaded.config,
					name,
					channels.value.map((ch) => ({
						id: ch.id,
						disabled:
							'connectionStatus' in ch
								? ch.connectionStatus === 'DISABLED'
								: Boolean((ch as { disabled?: boolean }).disabled),
					})),
				))
					add(c);
			const date = getHeader(r.headers, 'date');
			if (typeof date === 'string') {
				const skew = Date.parse(date) - r.receivedAt;
				add({
					check: `clock skew vs ${name}`,
					ok: Math.abs(skew) < 30_000,
					detail: `${Math.round(skew / 1000)} s`,
					fix: 'sync the system clock (timedatectl set-ntp true): schedules and rate windows depend on it',
				});
			}
		}
	}
	const ok = checks.every((c) => c.ok);
	print(opts, { ok, checks }, () =>
		checks
			.map(
				(c) =>
					`${c.ok ? 'ok  ' : 'FAIL'} ${c.check}: ${c.detail}${!c.ok && c.fix ? `\n     fix: ${c.fix}` : ''}`,
			)
			.join('\n'),
	);
	return ok ? EXIT.ok : EXIT.error;
}

/** The state database passes SQLite's quick_check (read-only: a running daemon is not disturbed). */
function databaseCheck(stateDir: string): Check {
	const path = dbPath(stateDir);
	if (!existsSync(path))
		return { check: 'database', ok: true, detail: `${path} (not created yet)` };
	try {
		const db = new Database(path, { readonly: true, fileMustExist: true });
		try {
			const rows = db.pragma('quick_check') as Array<{ quick_check: string }>;
			const result = rows.map((r) => r.quick_check).join('; ');
			return result === 'ok'
				? { check: 'database', ok: true, detail: `${path} (quick_check ok)` }
				: {
						check: 'database',
						ok: false,
						detail: damagedDbMessage(path, `quick_check: ${result.slice(0, 300)}`),
					};
		} finally {
			db.close();
		}
	} catch (err) {
		return {
			check: 'database',
			ok: false,
			detail: damagedDbMessage(
				path,
				`${(err as { code?: string }).code ?? 'error'}: ${(err as Error).message}`,
			),
		};
	}
}

/** The starter config's placeholder ids ("<postsider channel id>"). */
const PLACEHOLDER_ID = /^<.*>$|\bchannel id\b|\baccount id\b/i;

/**
 * The aliases of key `keyName` against the channels the service lists for it: an id it does not
 * list, or a channel it lists as disabled (PostSider `disabled: true`, PostFast `DISABLED`), fails
 * every post that names the alias; said here with the fix, before the first drop.
 */
export function aliasChecks(
	config: Config,
	keyName: string,
	channels: ReadonlyArray<{ id: string; disabled: boolean }>,
): Check[] {
	const checks: Check[] = [];
	const key = config.keys[keyName];
	const service = key?.service === 'postfast' ? 'PostFast' : 'PostSider';
	for (const [alias, a] of Object.entries(config.accounts)) {
		// A placeholder id is said by configChecks.
		if (a.key !== keyName || PLACEHOLDER_ID.test(a.id)) continue;
		const channel = channels.find((c) => c.id === a.id);
		if (!channel)
			checks.push({
				check: `alias ${alias}`,
				ok: false,
				detail: `${service} (key "${keyName}") has no channel with the id ${JSON.stringify(a.id)}`,
				fix: `run "postspool accounts" and put the id of the ${a.platform} account in accounts.${alias}.id`,
			});
		else if (channel.disabled)
			checks.push({
				check: `alias ${alias}`,
				ok: false,
				detail: `its ${a.platform} channel ${a.id} is disabled in ${service}: every post to it would fail`,
				fix: `enable or reconnect the channel in ${service}, or remove "${alias}" from the targets that name it`,
			});
		else
			checks.push({ check: `alias ${alias}`, ok: true, detail: `${a.platform} channel ${a.id}` });
	}
	return checks;
}

/**
 * What the config says that no post could use: an alias still holding the starter's placeholder
 * id ("<postsider channel id>"), and folder defaults whose "targets" name an alias the config
 * does not define. Every post would fail on them; doctor says so before the first drop.
 */
export function configChecks(config: Config): Check[] {
	const checks: Check[] = [];
	for (const [alias, a] of Object.entries(config.accounts))
		if (PLACEHOLDER_ID.test(a.id))
			checks.push({
				check: `alias ${alias}`,
				ok: false,
				detail: `its id ${JSON.stringify(a.id)} is a placeholder`,
				fix: `run "postspool accounts" and put the real id of the ${a.platform} account in accounts.${alias}.id`,
			});
	for (const [i, f] of config.folders.entries()) {
		const targets = (f.defaults as { targets?: unknown }).targets;
		if (!Array.isArray(targets)) continue;
		for (const t of targets)
			if (typeof t === 'string' && !config.accounts[t] && !/^(postsider|postfast):.+/.test(t))
				checks.push({
					check: `folder ${f.path} defaults`,
					ok: false,
					detail: `folders.${i}.defaults.targets names "${t}", which is not an account alias in the config`,
					fix: `add "${t}" under "accounts", or fix the name (defined: ${Object.keys(config.accounts).join(', ') || 'none'})`,
				});
	}
	return checks;
}
