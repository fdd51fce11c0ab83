/**
 * Posts found in .processing/ without a database row (the database was lost, replaced or restored
 * while the daemon was stopped) are recovered without a duplicate. Each is validated again from its
 * own folder and taken back only when it is the same post: the identity derived from its sidecar,
 * targets and media names the same folder id. PostSider then creates it under the same
 * Idempotency-Key (derived from that identity), so a service that has it answers with the post it
 * already has; PostFast, which has no such key, looks the post up first (pipeline/reconcile.ts)
 * and creates it only when it is absent. A post that cannot be recovered this way is set aside for
 * review with the reason (journey/enter.ts), never sent blind.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Config } from '../config/schema';
import type { Logger } from '../log';
import type { PostRecord, TargetError } from '../item';
import { setAsideUnknown, unknownInProcessing } from '../journey/enter';
import type { FolderLayout } from '../journey/layout';
import type { StoredRequest } from '../pipeline/batch-rule';
import { postfastBody } from '../pipeline/requests';
import type { Store, TargetState } from '../state/store';
import { validateCandidate } from './ingest';
import { type Candidate, folderMedia, inboxCandidates } from './scan';

/** Files the daemon writes beside a post: never a post's sidecar. */
const OWN_FILES = new Set(['error.json', 'receipt.json', 'duplicate-of.json']);

/** The post a .processing/<id>/ folder holds, or why it cannot be told. */
function candidateIn(dir: string, id: string): Candidate | string {
	if (existsSync(join(dir, 'post.json')))
		return {
			kind: 'folder',
			name: id,
			sidecarPath: join(dir, 'post.json'),
			mediaPaths: folderMedia(dir).map((m) => join(dir, m)),
			folderPath: dir,
			defaults: [],
			movePaths: [dir],
		};
	const found = [...inboxCandidates(dir)].filter(
		(c) => c.kind === 'file' && !OWN_FILES.has(basename(c.sidecarPath)),
	);
	if (found.length === 1) return found[0];
	return found.length === 0
		? 'its folder holds no sidecar'
		: `its folder holds ${found.length} sidecars`;
}

export interface RecoverOptions {
	config: Config;
	store: Store;
	log: Logger;
	now: number;
}

/** Recovers (or sets aside) every unknown folder in a drop folder's .processing/. */
export async function recoverUnknown(
	o: RecoverOptions,
	layout: FolderLayout,
	folderDefaults: unknown,
): Promise<void> {
	for (const id of unknownInProcessing(layout, (x) => o.store.item(x) !== undefined)) {
		const dir = join(layout.processing, id);
		const why = await recoverOne(o, layout, folderDefaults, id, dir);
		if (why === undefined) continue;
		const dest = setAsideUnknown(layout, id, why, o.now);
		o.log.log(
			'warn',
			`found a post in .processing/ with no database record that could not be recovered (${why}): set aside for review in ${dest}`,
		);
	}
}

/** Queues the folder's post again as the same item; returns why it cannot, otherwise undefined. */
async function recoverOne(
	o: RecoverOptions,
	layout: FolderLayout,
	folderDefaults: unknown,
	id: string,
	dir: string,
): Promise<string | undefined> {
	const c = candidateIn(dir, id);
	if (typeof c === 'string') return c;
	const v = await validateCandidate(c, folderDefaults, o.config, o.now);
	if (!v.ok)
		return `it no longer validates: ${v.errors.map((e) => `${e.path ? `${e.path}: ` : ''}${e.message}`).join('; ')}`;
	if (v.identity.slice(0, 12) !== id)
		return 'its sidecar, media or targets are not what it was queued with (the config or a _defaults.json changed?), so it cannot be matched with what was sent';
	// Placeholders such as {date} are filled from when it was dropped: the folder's creation is closest.
	const st = statSync(dir);
	const post: PostRecord = {
		...v.post,
		droppedAt: st.birthtimeMs > 0 ? st.birthtimeMs : st.mtimeMs,
	};
	const targets = post.targets.map((t, i) => ({
		label: t.label,
		key_name: t.keyName,
		service: t.service,
		account_id: t.accountId,
		platform: t.platform,
		...recoveredTarget(post, i, v.skip, id),
	}));
	o.store.insertItem(
		{
			id,
			identity: v.identity,
			name: c.kind === 'file' ? c.name : id,
			folder: layout.root,
			work_dir: dir,
			post: JSON.stringify(post),
		},
		targets,
	);
	o.store.event(id, null, 'warn', 'recovered from .processing/ without a database record');
	o.log.log(
		'warn',
		`recovered ${c.name} from .processing/ (the database had no record of it): PostSider posts are sent under the same Idempotency-Key, PostFast posts are looked up before any create`,
		{ item: id },
	);
	return undefined;
}

/** How a recovered target starts: PostSider as new (same key), PostFast with a look-up first. */
function recoveredTarget(
	post: PostRecord,
	idx: number,
	skip: boolean,
	id: string,
): { state: TargetState; request?: string; error?: string } {
	if (skip) return { state: 'skipped' };
	const t = post.targets[idx];
	if (t.service === 'postsider') return { state: 'pending' };
	const scheduled = post.sidecar.draft
		? undefined
		: post.when.kind === 'at'
			? new Date(post.when.at).toISOString()
			: null;
	if (scheduled === null) {
		const error: TargetError = {
			message:
				'recovered from .processing/ without its database record; PostFast cannot be asked whether it already has this post, because its publish time was chosen when it was sent. The daemon will not resend on its own, to avoid a duplicate post.',
			fix: `Look in PostFast for this post on ${t.label}. If it is there, run "postspool cancel ${id}" (it stays posted); if not, run "postspool retry ${id}".`,
		};
		return { state: 'needs-review', error: JSON.stringify(error) };
	}
	const lookup: StoredRequest = {
		body: postfastBody(post, idx, [], scheduled),
		publishAt: scheduled ? Date.parse(scheduled) : undefined,
		index: 0,
		lookupOnly: true,
	};
	return { state: 'unknown', request: JSON.stringify(lookup) };
}
