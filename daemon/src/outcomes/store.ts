/**
 * What happened to each accepted post on the service (publish tracking), in its own table beside the
 * targets: a target the service accepted (`confirmed`) is enrolled here and checked from its publish
 * time, backing off, until the service reports it published (URL, time) or failed (its reason).
 * The target's state moves to `published` / `publish-failed`; this table keeps the details.
 */
import type { Db } from '../state/db';
import { type OutcomeRow, type OutcomeState, migrateOutcomeTables } from '../state/outcome-tables';

export type { OutcomeRow, OutcomeState } from '../state/outcome-tables';
export { outcomeFields } from '../state/outcome-tables';

/** First look this long after the publish time (a service publishes on its own minute tick). */
export const FIRST_CHECK_DELAY_MS = 30_000;
/** Back-off between looks at a post still not final: doubling from 1 min up to 6 h. */
export const CHECK_BACKOFF = { baseMs: 60_000, capMs: 6 * 3_600_000 };
/** A post that has no final state this long after its time is left alone (`gave-up`). */
export const GIVE_UP_AFTER_MS = 7 * 86_400_000;

export class OutcomeStore {
	constructor(
		readonly db: Db,
		private readonly now: () => number = Date.now,
		private readonly firstCheckMs = FIRST_CHECK_DELAY_MS,
	) {
		migrateOutcomeTables(db);
	}

	/**
	 * Enrolls every accepted target not tracked yet (or re-sent since: a new post id). Drafts are
	 * recorded as such and never polled: the service does not publish them.
	 */
	enroll(): number {
		const now = this.now();
		const rows = this.db
			.prepare<
				[],
				{
					id: number;
					item_id: string;
					key_name: string;
					service: 'postsider' | 'postfast';
					account_id: string;
					remote_id: string;
					publish_at: number | null;
					updated_at: number;
					draft: number | null;
				}
			>(
				`SELECT t.id, t.item_id, t.key_name, t.service, t.account_id, t.remote_id, t.publish_at, t.updated_at,
					json_extract(i.post, '$.sidecar.draft') AS draft
				 FROM targets t JOIN items i ON i.id = t.item_id
				 LEFT JOIN outcomes o ON o.target_id = t.id
				 WHERE t.state = 'confirmed' AND t.remote_id IS NOT NULL AND (o.target_id IS NULL OR o.remote_id != t.remote_id)`,
			)
			.all();
		const put = this.db.prepare(
			`INSERT OR REPLACE INTO outcomes (target_id, item_id, key_name, service, account_id, remote_id, publish_at, state, checks, next_check_at, updated_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
		);
		this.db.transaction(() => {
			for (const r of rows) {
				const at = r.publish_at ?? r.updated_at;
				put.run(
					r.id,
					r.item_id,
					r.key_name,
					r.service,
					r.account_id,
					r.remote_id,
					at,
					r.draft ? 'draft' : 'tracking',
					Math.max(now, at + this.firstCheckMs),
					now,
				);
			}
		})();
		return rows.length;
	}

	/** Tracked posts due for a look, per key, in publish order. */
	due(keyName: string, limit: number): OutcomeRow[] {
		return this.db
			.prepare<
				[string, number, number],
				OutcomeRow
			>(`SELECT * FROM outcomes WHERE state = 'tracking' AND key_name = ? AND next_check_at <= ? ORDER BY publish_at, target_id LIMIT ?`)
			.all(keyName, this.now(), limit);
	}

	dueKeys(): string[] {
		return this.db
			.prepare<[number], { key_name: string }>(
				`SELECT DISTINCT key_name FROM outcomes WHERE state = 'tracking' AND next_check_at <= ?`,
			)
			.all(this.now())
			.map((r) => r.key_name);
	}

	/** When the next tracked post is due for a look, or undefined when none is tracked. */
	nextCheckAt(): number | undefined {
		return (
			this.db
				.prepare<
					[],
					{ at: number | null }
				>(`SELECT MIN(next_check_at) at FROM outcomes WHERE state = 'tracking'`)
				.get()?.at ?? undefined
		);
	}

	/** Not final yet: look again later, backing off; give up a week after the publish time. */
	notYet(row: OutcomeRow): OutcomeState {
		const now = this.now();
		const checks = row.checks + 1;
		if (now - row.publish_at > GIVE_UP_AFTER_MS) {
			this.db
				.prepare(
					`UPDATE outcomes SET state = 'gave-up', checks = ?, updated_at = ? WHERE target_id = ?`,
				)
				.run(checks, now, row.target_id);
			return 'gave-up';
		}
		const delay = Math.min(
			CHECK_BACKOFF.baseMs * 2 ** Math.min(checks - 1, 20),
			CHECK_BACKOFF.capMs,
		);
		this.db
			.prepare(
				`UPDATE outcomes SET checks = ?, next_check_at = ?, updated_at = ? WHERE target_id = ?`,
			)
			.run(checks, now + delay, now, row.target_id);
		return 'tracking';
	}

	settle(
		targetId: number,
		state: 'published' | 'publish-failed',
		details: { url?: string | null; publishedAt?: number | null; reason?: string | null },
	): void {
		this.db
			.prepare(
				`UPDATE outcomes SET state = ?, url = ?, published_at = ?, reason = ?, checks = checks + 1, updated_at = ? WHERE target_id = ?`,
			)
			.run(
				state,
				details.url ?? null,
				details.publishedAt ?? null,
				details.reason ?? null,
				this.now(),
				targetId,
			);
	}

	/** The post was removed on the service by us (`cancel --remote`): nothing left to follow. */
	forget(targetId: number): void {
		this.db.prepare(`DELETE FROM outcomes WHERE target_id = ?`).run(targetId);
	}

	of(targetId: number): OutcomeRow | undefined {
		return this.db
			.prepare<[number], OutcomeRow>(`SELECT * FROM outcomes WHERE target_id = ?`)
			.get(targetId);
	}

	// ------------------------------------------------------------ the tracker's share of each window

	recordPoll(keyName: string): void {
		this.db
			.prepare(`INSERT INTO outcome_polls (key_name, at) VALUES (?, ?)`)
			.run(keyName, this.now());
	}

	/** The tracker's calls of a key since `since`, oldest first. */
	polls(keyName: string, since: number): number[] {
		return this.db
			.prepare<[string, number], { at: number }>(
				`SELECT at FROM outcome_polls WHERE key_name = ? AND at > ? ORDER BY at`,
			)
			.all(keyName, since)
			.map((r) => r.at);
	}

	prunePolls(olderThan: number): void {
		this.db.prepare(`DELETE FROM outcome_polls WHERE at < ?`).run(olderThan);
	}
}
