/** Rows for dashboard tests that need many of them (the pages' own tests drop real posts instead). */
import { randomUUID } from 'node:crypto';
import type { PostRecord } from '../../src/item';
import type { Store } from '../../src/state/store';

/** A failed post as the pipeline leaves it: item failed, one failed target with its error. */
export function insertFailed(
	store: Store,
	name: string,
	error: { message: string; fix?: string } = {
		message: 'the service refused it',
		fix: 'fix the sidecar',
	},
): string {
	const id = randomUUID().slice(0, 8);
	const post: PostRecord = {
		name,
		kind: 'file',
		sidecar: {} as never,
		targets: [
			{ label: 'acme-x', keyName: 'sider', service: 'postsider', accountId: 'ch-x', platform: 'x' },
		],
		when: { kind: 'asap' },
		media: [],
		droppedAt: Date.now(),
	};
	store.insertItem(
		{
			id,
			identity: randomUUID(),
			name,
			folder: '/drop',
			work_dir: `/drop/failed/${id}`,
			post: JSON.stringify(post),
		},
		[
			{
				label: 'acme-x',
				key_name: 'sider',
				service: 'postsider',
				account_id: 'ch-x',
				platform: 'x',
				state: 'failed',
				error: JSON.stringify(error),
			},
		],
	);
	store.setItem(id, { state: 'failed', final_dir: `/drop/failed/${id}` });
	return id;
}

/**
 * `n` published posts (item, target, outcome) in one transaction, one every `everyMs` back from
 * `newest`: a long history for paging tests and the bench. Returns the target ids, newest first.
 */
export function insertHistory(
	store: Store,
	n: number,
	opts: { newest?: number; everyMs?: number } = {},
): number[] {
	const newest = opts.newest ?? Date.now();
	const every = opts.everyMs ?? 60_000;
	const db = store.db;
	const item = db.prepare(
		`INSERT INTO items (id, identity, name, folder, work_dir, state, post, final_dir, created_at, updated_at)
		 VALUES (?, ?, ?, '/drop', ?, 'done', ?, ?, ?, ?)`,
	);
	const target = db.prepare(
		`INSERT INTO targets (item_id, idx, label, key_name, service, account_id, platform, state, publish_at, remote_id, updated_at)
		 VALUES (?, 0, 'acme-x', 'sider', 'postsider', 'ch-x', 'x', 'published', ?, ?, ?)`,
	);
	const outcome = db.prepare(
		`INSERT INTO outcomes (target_id, item_id, key_name, service, account_id, remote_id, publish_at, state, url, published_at, next_check_at, updated_at)
		 VALUES (?, ?, 'sider', 'postsider', 'ch-x', ?, ?, 'published', ?, ?, 0, ?)`,
	);
	const ids: number[] = [];
	db.transaction(() => {
		for (let i = 0; i < n; i++) {
			const at = newest - i * every;
			const id = `h${String(i).padStart(7, '0')}`;
			const name = `history-${i}.png`;
			const post: PostRecord = {
				name,
				kind: 'file',
				sidecar: {} as never,
				targets: [
					{
						label: 'acme-x',
						keyName: 'sider',
						service: 'postsider',
						accountId: 'ch-x',
						platform: 'x',
					},
				],
				when: { kind: 'at', at },
				media: [],
				droppedAt: at - 3_600_000,
			};
			item.run(
				id,
				`identity-${id}`,
				name,
				`/drop/done/${id}`,
				JSON.stringify(post),
				`/drop/done/${id}`,
				at,
				at,
			);
			const t = Number(target.run(id, at, `post-${i}`, at).lastInsertRowid);
			outcome.run(t, id, `post-${i}`, at, `https://x.example/status/${i}`, at + 1_000, at);
			ids.push(t);
		}
	})();
	return ids;
}
