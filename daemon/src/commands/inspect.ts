/** `postspool status` and `postspool queue ls`. */
import type { WindowStatus } from '../budget/budgets';
import type { PostRecord } from '../item';
import { LIVE } from '../state/store';
import { planEtas, queuedJobs } from './eta';
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

export function queueLsCommand(opts: GlobalOpts & { state?: string; all?: boolean }): number {
	const loaded = load(opts);
	const s = openState(loaded);
	try {
		const items = s.store
			.items()
			.filter((i) =>
				opts.state
					? i.state === opts.state
					: opts.all ||
						i.state === 'processing' ||
						i.state === 'failed' ||
						i.state === 'needs-review',
			);
		// Each waiting target's place in its key's budgets, behind the ones ahead of it.
		const etas = planEtas(s.budgets, loaded.config, queuedJobs(s.store));
		const etaOf = (id: number, due: number) => {
			const at = Math.max(due, etas.get(`queued:${id}`)?.at ?? 0, Date.now());
			return Number.isFinite(at) ? new Date(at).toISOString() : null; // null: can never fit
		};
		const rows = items.map((i) => {
			const post = JSON.parse(i.post) as PostRecord;
			return {
				id: i.id,
				name: i.name,
				state: i.state,
				location: i.final_dir ?? i.work_dir,
				media: post.media.length,
				targets: s.store.targets(i.id).map((t) => ({
					target: t.label,
					service: t.service,
					state: t.state,
					attempts: t.attempts,
					eta: LIVE.includes(t.state) ? etaOf(t.id, t.next_attempt_at) : null,
					gating: t.gating ?? etas.get(`queued:${t.id}`)?.gating ?? null,
					postId: t.remote_id,
					publishAt: t.publish_at ? new Date(t.publish_at).toISOString() : null,
					error: t.error && t.state !== 'confirmed' ? JSON.parse(t.error).message : null,
				})),
			};
		});
		print(opts, rows, () =>
			rows.length === 0
				? 'queue is empty'
				: rows
						.map((r) =>
							[
								`${r.id}  ${r.state.padEnd(12)} ${r.name} (${r.media} media)`,
								...r.targets.map(
									(t) =>
										`    ${t.target.padEnd(20)} ${t.state.padEnd(12)} ${t.postId ? `post ${t.postId}` : t.eta ? `eta ${when(Date.parse(t.eta))}${t.gating ? ` (waiting for ${t.gating})` : ''}` : ''}${t.error ? ` — ${t.error}` : ''}`,
								),
							].join('\n'),
						)
						.join('\n'),
		);
		return EXIT.ok;
	} finally {
		s.close();
	}
}
