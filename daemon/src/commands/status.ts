/** `postspool status`: the daemon, the queue counts, every budget and the last errors. */
import type { WindowStatus } from '../budget/types';
import { webhookBacklog } from '../notify/outbox';
import { EXIT, type GlobalOpts, load, openState, print, statusSnapshot, when } from './context';

export function statusCommand(opts: GlobalOpts): number {
	const loaded = load(opts);
	const s = openState(loaded);
	try {
		const snapshot = s.running !== undefined ? statusSnapshot(loaded.stateDir) : undefined;
		const budgets: Record<string, WindowStatus[]> = Object.fromEntries(
			Object.keys(loaded.config.keys).map((k) => [k, s.budgets.status(k)]),
		);
		const value = {
			running: s.running !== undefined,
			pid: s.running ?? null,
			stateDir: loaded.stateDir,
			watcher: snapshot?.watcher ?? null,
			folders: loaded.config.folders.map((f) => f.path),
			queue: s.store.counts(),
			budgets,
			webhook: loaded.config.notify.webhook ? webhookBacklog(s.db) : null,
			lastErrors: s.store
				.lastErrors(5)
				.map((e) => ({ at: new Date(e.at).toISOString(), item: e.item_id, message: e.message })),
		};
		print(opts, value, () => {
			const lines = [
				s.running !== undefined
					? `daemon: running (pid ${s.running})`
					: 'daemon: not running ("postspool run" starts it)',
				`state: ${loaded.stateDir}`,
				`folders: ${value.folders.join(', ')}`,
				...(value.watcher ? [`watcher: ${JSON.stringify(value.watcher)}`] : []),
				`items: ${
					Object.entries(value.queue.items)
						.map(([k, v]) => `${k} ${v}`)
						.join(', ') || 'none'
				}`,
				`targets: ${
					Object.entries(value.queue.targets)
						.map(([k, v]) => `${k} ${v}`)
						.join(', ') || 'none'
				}`,
				...(value.webhook ? [webhookLine(value.webhook)] : []),
				'budgets:',
			];
			for (const [key, windows] of Object.entries(budgets)) {
				lines.push(`  ${key}:`);
				for (const w of windows) {
					lines.push(
						`    ${w.label}${w.endpoint && !w.label.includes(w.endpoint) ? ` [${w.endpoint}]` : ''}${w.account ? ` [account ${w.account}]` : ''}: used ${w.used}/${w.effectiveLimit}, remaining ${w.remaining}, next free ${when(w.nextFreeAt)}${w.frozenUntil ? `, FROZEN until ${new Date(w.frozenUntil).toISOString()}` : ''}`,
					);
				}
			}
			if (value.lastErrors.length > 0)
				lines.push('last errors:', ...value.lastErrors.map((e) => `  ${e.at} ${e.message}`));
			return lines.join('\n');
		});
		return s.running !== undefined ? EXIT.ok : EXIT.notRunning;
	} finally {
		s.close();
	}
}

function webhookLine(b: ReturnType<typeof webhookBacklog>): string {
	const parts = [`webhook: ${b.pending} event(s) waiting`];
	if (b.oldest)
		parts.push(
			`oldest ${b.oldest.id} (${b.oldest.type}) since ${b.oldest.at}, ${b.oldest.attempts} attempt(s)${b.oldest.lastError ? `, last: ${b.oldest.lastError}` : ''}, next try ${b.oldest.nextAt}`,
		);
	if (b.parked > 0)
		parts.push(
			`${b.parked} parked (the receiver refused them${b.lastParked?.error ? `: ${b.lastParked.error}` : ''}; "postspool events --redeliver" sends them again)`,
		);
	return parts.join('; ');
}
