/** `postspool accounts` and `postspool doctor`. */
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { observationOf } from '../budget/budgets';
import { resolveApiKey } from '../config/load';
import { createClients } from '../daemon';
import { layoutOf } from '../journey/layout';
import { getHeader } from '../../../contract/errors';
import { EXIT, type GlobalOpts, load, openState, print } from './context';

/** Lists each key's channels/accounts and the aliases that point at them. */
export async function accountsCommand(opts: GlobalOpts & { key?: string }): Promise<number> {
	const loaded = load(opts);
	const s = openState(loaded);
	const clients = createClients(loaded, process.env, Date.now);
	const out: Array<Record<string, unknown>> = [];
	let failed = false;
	try {
		for (const [name, key] of Object.entries(loaded.config.keys)) {
			if (opts.key && opts.key !== name) continue;
			const aliasesOf = (id: string) =>
				Object.entries(loaded.config.accounts)
					.filter(([, a]) => a.key === name && a.id === id)
					.map(([alias]) => alias);
			try {
				if (key.service === 'postsider') {
					const r = await clients.postsider(name).listIntegrations();
					if (s.live)
						s.budgets.recordUnreserved(
							name,
							{ service: 'postsider', endpoint: 'GET /integrations' },
							observationOf(r),
						);
					if (!r.ok) throw new Error(`${r.error.status} ${r.error.message}`);
					for (const i of r.value)
						out.push({
							key: name,
							service: 'postsider',
							id: i.id,
							platform: i.identifier,
							name: i.name,
							disabled: i.disabled,
							aliases: aliasesOf(i.id),
						});
				} else {
					const r = await clients.postfast(name).listAccounts();
					if (s.live)
						s.budgets.recordUnreserved(
							name,
							{ service: 'postfast', endpoint: 'GET /social-media/my-social-accounts' },
							observationOf(r),
						);
					if (!r.ok) throw new Error(`${r.error.status} ${r.error.message}`);
					for (const a of r.value)
						out.push({
							key: name,
							service: 'postfast',
							id: a.id,
							platform: a.platform,
							name: a.displayName ?? a.platformUsername,
							disabled: a.connectionStatus === 'DISABLED',
							aliases: aliasesOf(a.id),
						});
				}
			} catch (err) {
				failed = true;
				out.push({ key: name, service: key.service, error: (err as Error).message });
			}
		}
	} finally {
		s.close();
	}
	print(opts, out, () =>
		out
			.map((a) =>
				a.error
					? `${a.key}: ERROR ${a.error}`
					: `${String(a.key).padEnd(16)} ${String(a.platform).padEnd(12)} ${a.id}  ${a.name ?? ''}${a.disabled ? ' (disabled)' : ''}${(a.aliases as string[]).length ? `  ← ${(a.aliases as string[]).join(', ')}` : ''}`,
			)
			.join('\n'),
	);
	return failed ? EXIT.error : EXIT.ok;
}

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
