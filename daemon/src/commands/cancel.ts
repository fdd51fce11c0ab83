/**
 * `postspool cancel`: stops the targets of an item that have not been created; with `--remote`,
 * also deletes the posts the service already accepted (outcomes/unschedule.ts).
 */
import { createClients } from '../daemon';
import { consequence, remoteTargets, unschedule } from '../outcomes/unschedule';
import { emitFromCli } from '../notify/cli-emit';
import { cancelItem } from '../pipeline/retry-cancel';
import type { LoadedConfig } from '../config/load';
import type { Db } from '../state/db';
import type { ItemRow, Store } from '../state/store';
import { EXIT, type GlobalOpts, load, openState, print } from './context';

/**
 * Targets not created yet are cancelled here; posts the service already accepted are only deleted
 * there with `--remote`, after the consequence was spelled out (without it, nothing remote changes).
 */
/**
 * The local part of a cancel, shared by the CLI and the dashboard: the targets not created yet are
 * cancelled and the 'cancelled' event is emitted; the posts the service already accepted are listed
 * (only `--remote` deletes them there).
 */
export async function cancelLocally(
	loaded: LoadedConfig,
	db: Db,
	store: Store,
	id: string,
): Promise<{
	r: ReturnType<typeof cancelItem>;
	item: ItemRow | undefined;
	remote: ReturnType<typeof remoteTargets>;
}> {
	const r = cancelItem(store, id, Date.now());
	const item = store.item(id);
	const remote = item ? remoteTargets(store, item) : [];
	if (item && r.cancelled > 0)
		await emitFromCli(loaded, db, [
			{
				type: 'cancelled',
				item: item.id,
				name: item.name,
				folder: store.item(item.id)?.final_dir ?? item.work_dir,
				reason: `cancelled by "postspool cancel" before ${r.cancelled} target(s) were sent`,
			},
		]);
	return { r, item, remote };
}

export async function cancelCommand(
	opts: GlobalOpts & { remote?: boolean },
	id: string,
): Promise<number> {
	const loaded = load(opts);
	const s = openState(loaded);
	try {
		const { r, item, remote } = await cancelLocally(loaded, s.db, s.store, id);
		if (!r.ok || !item || remote.length === 0) {
			print(opts, r, () => r.message);
			return r.ok ? EXIT.ok : EXIT.error;
		}
		if (!opts.remote) {
			const warning = consequence(item, remote);
			print(
				opts,
				{ ...r, ok: false, remote, message: `${r.message}\n${warning}` },
				() => `${r.message}\n${warning}`,
			);
			return EXIT.error;
		}
		const deleted = await unschedule(
			s.store,
			s.budgets,
			createClients(loaded, process.env, Date.now),
			item,
			Date.now,
		);
		const after = s.store.item(item.id)!;
		const ok = deleted.every((d) => d.ok);
		await emitFromCli(
			loaded,
			s.db,
			deleted
				.filter((d) => d.ok)
				.map((d) => ({
					type: 'cancelled' as const,
					item: item.id,
					name: item.name,
					folder: after.final_dir ?? after.work_dir,
					target: d.target,
					service: d.service,
					postId: d.postId,
					reason: d.message,
				})),
		);
		print(
			opts,
			{
				ok,
				local: r,
				remote: deleted,
				state: after.state,
				folder: after.final_dir ?? after.work_dir,
			},
			() =>
				[
					consequence(item, remote),
					r.message,
					...deleted.map((d) => d.message),
					`${after.name}: ${after.state} → ${after.final_dir ?? after.work_dir}`,
				].join('\n'),
		);
		return ok ? EXIT.ok : EXIT.error;
	} finally {
		s.close();
	}
}
