/** `postspool queue ls`: the items, their targets and each waiting target's ETA. */
import { escapeControl } from '../log';
import type { PostRecord } from '../item';
import { LIVE } from '../state/store';
import { explainInbox } from '../intake/waiting';
import { layoutOf } from '../journey/layout';
import { planEtas, queuedTargets } from './eta';
import { waitingLines } from './plan';
import { EXIT, type GlobalOpts, load, openState, print, when } from './context';

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
		const etas = planEtas(s.budgets, loaded.config, queuedTargets(s.store));
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
		// Human output also says what each file still in an inbox waits for (`plan --json` has it as data).
		const waiting = opts.json
			? []
			: loaded.config.folders.flatMap((f) =>
					explainInbox(layoutOf(f.path).inbox, {
						stableMs: loaded.config.stableMs,
						folder: f.path,
						ownStateDir: loaded.stateDir,
					}).map((w) => ({ folder: f.path, ...w })),
				);
		print(opts, rows, () =>
			[
				rows.length === 0
					? 'queue is empty'
					: rows
							.map((r) =>
								[
									`${r.id}  ${r.state.padEnd(12)} ${escapeControl(r.name)} (${r.media} media)`,
									...r.targets.map(
										(t) =>
											`    ${t.target.padEnd(20)} ${t.state.padEnd(12)} ${t.postId ? `post ${t.postId}` : t.eta ? `eta ${when(Date.parse(t.eta))}${t.gating ? ` (waiting for ${t.gating})` : ''}` : ''}${t.error ? ` — ${t.error}` : ''}`,
									),
								].join('\n'),
							)
							.join('\n'),
				...waitingLines(waiting),
			].join('\n'),
		);
		return EXIT.ok;
	} finally {
		s.close();
	}
}
