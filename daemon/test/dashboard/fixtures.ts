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
