/** `postspool accounts`: each key's channels/accounts and the aliases that point at them. */
import { observationOf } from '../budget/types';
import { createClients } from '../daemon';
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
