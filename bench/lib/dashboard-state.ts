/**
 * A dashboard state directory with N items of history, written with the daemon's own schema in
 * one transaction (the dashboard benchmark; a profile of a slow page starts from it too).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bucketOf } from '../../daemon/src/budget/ledger';
import { loadConfig } from '../../daemon/src/config/load';
import { limitsForKey } from '../../daemon/src/daemon';
import type { PostRecord } from '../../daemon/src/item';
import { openDb } from '../../daemon/src/state/db';
import { tempDir } from '../../daemon/test/helpers';

const DAY = 86_400_000;

/** A config over a fresh state directory; keys point nowhere (the dashboard calls no service). */
export function setup(): { home: string; configPath: string; stateDir: string } {
	const home = tempDir('postspool-bench-dash-');
	writeFileSync(join(home, 'ps.key'), 'bench-ps-key', { mode: 0o600 });
	writeFileSync(join(home, 'pf.key'), 'bench-pf-key', { mode: 0o600 });
	const folder = join(home, 'drop');
	mkdirSync(join(folder, 'inbox'), { recursive: true });
	const config = {
		version: 1,
		stateDir: join(home, 'state'),
		keys: {
			ps: {
				service: 'postsider',
				baseUrl: 'http://127.0.0.1:9/public/v1',
				apiKey: { file: join(home, 'ps.key') },
			},
			pf: {
				service: 'postfast',
				baseUrl: 'http://127.0.0.1:9',
				apiKey: { file: join(home, 'pf.key') },
			},
		},
		accounts: {
			'ps-li': { key: 'ps', id: 'ch-li', platform: 'linkedin' },
			'ps-x': { key: 'ps', id: 'ch-x', platform: 'x' },
			'pf-ig': { key: 'pf', id: 'acc-ig', platform: 'instagram' },
		},
		folders: [{ path: folder }],
		dashboard: { port: 0 },
	};
	const configPath = join(home, 'config.jsonc');
	writeFileSync(configPath, JSON.stringify(config), { mode: 0o600 });
	return { home, configPath, stateDir: config.stateDir };
}

/**
 * N items in one transaction: 94% published (outcome with a URL, over the past year), 2% failed
 * (error with message and fix), 3% scheduled over the next four weeks, 1% queued. Each item has
 * one image. Plus 24 h of budget calls keeping every window of each key half full.
 */
export function populate(
	stateDir: string,
	configPath: string,
	n: number,
	now: number,
	/** Keep 1% of the items queued; without, they are scheduled too (history alone). */
	queued = true,
): Record<string, number> {
	const db = openDb(stateDir);
	const accounts = [
		{ label: 'ps-li', key: 'ps', service: 'postsider', id: 'ch-li', platform: 'linkedin' },
		{ label: 'ps-x', key: 'ps', service: 'postsider', id: 'ch-x', platform: 'x' },
		{ label: 'pf-ig', key: 'pf', service: 'postfast', id: 'acc-ig', platform: 'instagram' },
	];
	const insertItem = db.prepare(
		`INSERT INTO items (id, identity, name, folder, work_dir, state, post, final_dir, error, created_at, updated_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)`,
	);
	const insertTarget = db.prepare(
		`INSERT INTO targets (item_id, idx, label, key_name, service, account_id, platform, state, attempts, publish_at, remote_id, error, updated_at)
		 VALUES (?, 0, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)`,
	);
	const insertOutcome = db.prepare(
		`INSERT INTO outcomes (target_id, item_id, key_name, service, account_id, remote_id, publish_at, state, url, published_at, checks, next_check_at, updated_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?, 'published', ?, ?, 1, 0, ?)`,
	);
	const insertCall = db.prepare(
		`INSERT INTO budget_events (key_id, bucket, at, kind, reservation, call_index, fixed_anchor) VALUES (?, ?, ?, 'hit', NULL, NULL, 0)`,
	);
	const counts = { published: 0, failed: 0, scheduled: 0, queued: 0, budgetCalls: 0 };
	db.transaction(() => {
		for (let i = 0; i < n; i++) {
			const a = accounts[i % accounts.length];
			const r = i % 100;
			const kind =
				r < 94 ? 'published' : r < 96 ? 'failed' : r < 99 || !queued ? 'scheduled' : 'queued';
			counts[kind]++;
			const id = `b${i.toString(36).padStart(6, '0')}`;
			const name = `post-${i}.png`;
			const at =
				kind === 'published'
					? now - ((i * 7919) % (365 * DAY))
					: kind === 'scheduled'
						? now + ((i * 7919) % (28 * DAY))
						: now + DAY + (i % 1000) * 60_000;
			const post: PostRecord = {
				name,
				kind: 'file',
				sidecar: {
					version: 1,
					text: `post ${i}`,
					targets: [a.label],
					when: new Date(at).toISOString(),
				} as never,
				targets: [
					{
						label: a.label,
						keyName: a.key,
						service: a.service as 'postsider',
						accountId: a.id,
						platform: a.platform as PostRecord['targets'][number]['platform'],
					},
				],
				when: { kind: 'at', at },
				media: [{ name, mime: 'image/png', kind: 'image', size: 40_000, sha256: '0'.repeat(64) }],
				droppedAt: at - DAY,
			};
			const itemState =
				kind === 'published' || kind === 'scheduled'
					? 'done'
					: kind === 'failed'
						? 'failed'
						: 'processing';
			const dir = `/drop/${itemState === 'done' ? 'done' : itemState === 'failed' ? 'failed' : '.processing'}/${name}`;
			insertItem.run(
				id,
				randomUUID(),
				name,
				'/drop',
				dir,
				itemState,
				JSON.stringify(post),
				itemState === 'processing' ? null : dir,
				at - DAY,
				at,
			);
			const targetState =
				kind === 'published'
					? 'published'
					: kind === 'scheduled'
						? 'confirmed'
						: kind === 'failed'
							? 'failed'
							: 'pending';
			const error =
				kind === 'failed'
					? JSON.stringify({
							message: `the service refused post ${i}: text too long`,
							fix: 'Shorten the text, then run "postspool retry".',
							status: 400,
						})
					: null;
			const remote = kind === 'published' || kind === 'scheduled' ? `remote-${i}` : null;
			const t = insertTarget.run(
				id,
				a.label,
				a.key,
				a.service,
				a.id,
				a.platform,
				targetState,
				kind === 'queued' ? null : at,
				remote,
				error,
				at,
			);
			if (kind === 'published')
				insertOutcome.run(
					t.lastInsertRowid,
					id,
					a.key,
					a.service,
					a.id,
					remote,
					at,
					`https://${a.platform}.example/p/${i}`,
					at + 30_000,
					at + 30_000,
				);
		}
		// The last 24 h of calls: every window of each key kept half full, at most one call a minute.
		const loaded = loadConfig(configPath);
		for (const key of ['ps', 'pf']) {
			for (const rule of limitsForKey(loaded.config, key)?.rules ?? []) {
				if (rule.partition === 'account') continue;
				const bucket = bucketOf(rule, rule.endpoints?.[0] ?? 'POST /posts');
				const every = Math.max(60_000, Math.ceil(rule.windowMs / Math.max(1, rule.limit / 2)));
				for (let at = now - every; at > now - DAY; at -= every) {
					insertCall.run(key, bucket, at);
					counts.budgetCalls++;
				}
			}
		}
	})();
	db.close();
	return counts;
}
