/**
 * The explicit state machines of items and targets, on top of the SQLite file.
 *
 * Target:  pending → uploading → (PostFast: ready, batched) → submitting → confirmed
 *                                  ↘ unknown → (reconcile) → confirmed | submitting | needs-review
 *          any live state → failed | cancelled | skipped;  failed | needs-review → pending (retry)
 *          confirmed → published | publish-failed | cancelled   (publish tracking, `cancel --remote`)
 *          publish-failed → pending (retry: a new post on the service)
 * Item:    processing → done | failed | needs-review | cancelled   (derived from its targets)
 *
 * Every transition is a compare-and-swap on (state, lease owner), committed before the side effect.
 *
 * Longer than most files on purpose: every SQL statement over items and targets lives here, so the
 * rest of the daemon never writes SQL and the state machine has one home.
 */
import type { Db } from './db';

export const TARGET_STATES = [
	'pending',
	'uploading',
	'ready',
	'submitting',
	'unknown',
	'confirmed',
	'published',
	'publish-failed',
	'failed',
	'needs-review',
	'cancelled',
	'skipped',
] as const;
export type TargetState = (typeof TARGET_STATES)[number];
export type ItemState = 'processing' | 'done' | 'failed' | 'needs-review' | 'cancelled';

/** States a worker may pick up. */
export const LIVE: TargetState[] = ['pending', 'uploading', 'ready', 'submitting', 'unknown'];
const LIVE_SQL = LIVE.map((x) => `'${x}'`).join(',');
export const TERMINAL: TargetState[] = [
	'confirmed',
	'published',
	'publish-failed',
	'failed',
	'needs-review',
	'cancelled',
	'skipped',
];

const ALLOWED: Record<TargetState, TargetState[]> = {
	pending: ['uploading', 'ready', 'submitting', 'failed', 'cancelled', 'skipped', 'pending'],
	uploading: ['uploading', 'ready', 'submitting', 'pending', 'failed', 'cancelled', 'skipped'],
	// PostFast: media uploaded and body built; waits to share a create request with others.
	ready: ['ready', 'submitting', 'failed', 'cancelled', 'skipped'],
	submitting: ['confirmed', 'unknown', 'pending', 'ready', 'failed', 'needs-review'],
	// 'pending': a recovered PostFast post looked up and not found (intake/recover.ts).
	unknown: ['confirmed', 'submitting', 'needs-review', 'unknown', 'failed', 'pending'],
	// The service accepted it; publish tracking (outcomes/) follows it to its end there.
	confirmed: ['published', 'publish-failed', 'cancelled'],
	published: [],
	'publish-failed': ['pending', 'cancelled'],
	failed: ['pending', 'cancelled'],
	'needs-review': ['pending', 'cancelled', 'confirmed'],
	cancelled: [],
	skipped: [],
};

export interface ItemRow {
	id: string;
	identity: string;
	name: string;
	folder: string;
	work_dir: string;
	state: ItemState;
	post: string;
	final_dir: string | null;
	error: string | null;
	created_at: number;
	updated_at: number;
}

export interface TargetRow {
	id: number;
	item_id: string;
	idx: number;
	label: string;
	key_name: string;
	service: 'postsider' | 'postfast';
	account_id: string;
	platform: string;
	state: TargetState;
	attempts: number;
	/** Bumped by an explicit retry of a needs-review target: a new Idempotency-Key. */
	generation: number;
	/** 1 after a batched create was refused: send this one alone, so the refusal names its culprit. */
	solo: number;
	next_attempt_at: number;
	lease_owner: string | null;
	lease_until: number | null;
	publish_at: number | null;
	media: string | null;
	request: string | null;
	remote_id: string | null;
	error: string | null;
	gating: string | null;
	updated_at: number;
}

export type TargetPatch = Partial<
	Pick<
		TargetRow,
		| 'attempts'
		| 'generation'
		| 'solo'
		| 'next_attempt_at'
		| 'publish_at'
		| 'media'
		| 'request'
		| 'remote_id'
		| 'error'
		| 'gating'
	>
> & {
	/** Keep the lease (default) or drop it. */
	releaseLease?: boolean;
};

export class TransitionError extends Error {}

export class Store {
	constructor(
		readonly db: Db,
		private readonly now: () => number = Date.now,
	) {}

	insertItem(
		item: Omit<ItemRow, 'created_at' | 'updated_at' | 'final_dir' | 'error' | 'state'>,
		targets: Array<
			Pick<TargetRow, 'label' | 'key_name' | 'service' | 'account_id' | 'platform'> & {
				state?: TargetState;
				error?: string | null;
				request?: string | null;
			}
		>,
	): boolean {
		const now = this.now();
		return this.db
			.transaction(() => {
				const res = this.db
					.prepare(
						`INSERT OR IGNORE INTO items (id, identity, name, folder, work_dir, state, post, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'processing', ?, ?, ?)`,
					)
					.run(item.id, item.identity, item.name, item.folder, item.work_dir, item.post, now, now);
				if (res.changes === 0) return false;
				const ins = this.db.prepare(
					`INSERT INTO targets (item_id, idx, label, key_name, service, account_id, platform, state, error, request, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				);
				targets.forEach((t, i) =>
					ins.run(
						item.id,
						i,
						t.label,
						t.key_name,
						t.service,
						t.account_id,
						t.platform,
						t.state ?? 'pending',
						t.error ?? null,
						t.request ?? null,
						now,
					),
				);
				this.event(item.id, null, 'info', `queued with ${targets.length} target(s)`);
				return true;
			})
			.immediate();
	}

	/** Work folders of the items being worked on (intake/ingest.ts looks for interrupted moves). */
	processingWorkDirs(): string[] {
		return this.db
			.prepare<[], { work_dir: string }>(`SELECT work_dir FROM items WHERE state = 'processing'`)
			.all()
			.map((r) => r.work_dir);
	}

	itemByIdentity(identity: string): ItemRow | undefined {
		return this.db
			.prepare<[string], ItemRow>(`SELECT * FROM items WHERE identity = ?`)
			.get(identity);
	}

	/** By id or unique id prefix. */
	item(idOrPrefix: string): ItemRow | undefined {
		// The exact id first, by its index: LIKE cannot use it (case-insensitive), so a prefix
		// lookup reads every item, which at 100,000 items of history took ~1 ms a call.
		const exact = this.db
			.prepare<[string], ItemRow>(`SELECT * FROM items WHERE id = ?`)
			.get(idOrPrefix);
		if (exact) return exact;
		const rows = this.db
			.prepare<[string], ItemRow>(`SELECT * FROM items WHERE id LIKE ? || '%' LIMIT 2`)
			.all(idOrPrefix);
		return rows.length === 1 ? rows[0] : rows.find((r) => r.id === idOrPrefix);
	}

	items(state?: ItemState): ItemRow[] {
		return state
			? this.db
					.prepare<[string], ItemRow>(`SELECT * FROM items WHERE state = ? ORDER BY created_at, id`)
					.all(state)
			: this.db.prepare<[], ItemRow>(`SELECT * FROM items ORDER BY created_at, id`).all();
	}

	/** Settled items' folders, streamed: a long history must not be loaded into memory at startup. */
	settledDirs(since = 0): IterableIterator<{ id: string; work_dir: string; final_dir: string }> {
		return this.db
			.prepare<
				[number],
				{ id: string; work_dir: string; final_dir: string }
			>(`SELECT id, work_dir, final_dir FROM items WHERE state != 'processing' AND final_dir IS NOT NULL AND updated_at >= ?`)
			.iterate(since);
	}

	/**
	 * Items whose targets all settled but that were not moved yet (a crash in between). Only their
	 * ids: the rows with their post JSON of a long queue are not loaded at once.
	 */
	unfinalizedIds(): string[] {
		return this.db
			.prepare<[], { id: string }>(
				`SELECT id FROM items i WHERE state = 'processing' AND NOT EXISTS (SELECT 1 FROM targets t WHERE t.item_id = i.id AND t.state IN (${LIVE_SQL}))`,
			)
			.all()
			.map((r) => r.id);
	}

	/** Whether any target still has work (one row says enough). */
	hasLiveTargets(): boolean {
		return (
			this.db.prepare(`SELECT 1 FROM targets WHERE state IN (${LIVE_SQL}) LIMIT 1`).get() !==
			undefined
		);
	}

	/** Voids every lease: at startup, the process that held them is gone (we hold the lock). */
	clearLeases(): void {
		this.db
			.prepare(
				`UPDATE targets SET lease_owner = NULL, lease_until = NULL WHERE lease_owner IS NOT NULL`,
			)
			.run();
	}

	targets(itemId: string): TargetRow[] {
		return this.db
			.prepare<[string], TargetRow>(`SELECT * FROM targets WHERE item_id = ? ORDER BY idx`)
			.all(itemId);
	}

	target(id: number): TargetRow | undefined {
		return this.db.prepare<[number], TargetRow>(`SELECT * FROM targets WHERE id = ?`).get(id);
	}

	liveTargets(): TargetRow[] {
		return this.db
			.prepare<
				[],
				TargetRow
			>(`SELECT * FROM targets WHERE state IN (${LIVE_SQL}) ORDER BY next_attempt_at, id`)
			.all();
	}

	/**
	 * Leases the next due target. A lease counts from pickup; an expired lease (a crashed worker)
	 * lets another worker take the target over, and the state it finds says what is safe to do.
	 */
	claim(
		owner: string,
		leaseMs: number,
		exclude: ReadonlySet<number> = new Set(),
	): TargetRow | undefined {
		const now = this.now();
		return this.db
			.transaction(() => {
				const rows = this.db
					.prepare<
						[number, number],
						TargetRow
					>(`SELECT * FROM targets WHERE state IN (${LIVE_SQL}) AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?) ORDER BY next_attempt_at, id LIMIT 50`)
					.all(now, now);
				const row = rows.find((r) => !exclude.has(r.id));
				if (!row) return undefined;
				this.db
					.prepare(
						`UPDATE targets SET lease_owner = ?, lease_until = ?, updated_at = ? WHERE id = ?`,
					)
					.run(owner, now + leaseMs, now, row.id);
				return { ...row, lease_owner: owner, lease_until: now + leaseMs };
			})
			.immediate();
	}

	/**
	 * Leases more PostFast targets to share one create request with `leader`: same key, not sent yet
	 * (pending or uploading and due; ready ones only wait for budget, which the batch reserves, so
	 * they need not be), not leased, not marked solo. `choose` picks among them, in queue order,
	 * inside the same transaction.
	 */
	claimBatch(
		leader: TargetRow,
		owner: string,
		leaseMs: number,
		choose: (candidates: TargetRow[]) => TargetRow[],
	): TargetRow[] {
		const now = this.now();
		return this.db
			.transaction(() => {
				const candidates = this.db
					.prepare<
						[string, number, number, number],
						TargetRow
					>(`SELECT * FROM targets WHERE service = 'postfast' AND key_name = ? AND id != ? AND solo = 0 AND (lease_until IS NULL OR lease_until < ?) AND (state = 'ready' OR (state IN ('pending', 'uploading') AND next_attempt_at <= ?)) ORDER BY next_attempt_at, id LIMIT 200`)
					.all(leader.key_name, leader.id, now, now);
				const rows = choose(candidates);
				const lease = this.db.prepare(
					`UPDATE targets SET lease_owner = ?, lease_until = ?, updated_at = ? WHERE id = ?`,
				);
				for (const r of rows) lease.run(owner, now + leaseMs, now, r.id);
				return rows.map((r) => ({ ...r, lease_owner: owner, lease_until: now + leaseMs }));
			})
			.immediate();
	}

	/**
	 * Puts leased targets back to wait, in one statement, keeping their state: until `at` when given
	 * (with the budget that holds them), or due again at once.
	 */
	unlease(ids: number[], owner: string, wait?: { at: number; gating: string }): void {
		if (ids.length === 0) return;
		const sets = ['lease_owner = NULL', 'lease_until = NULL', 'updated_at = ?'];
		const args: Array<number | string> = [this.now()];
		if (wait) {
			sets.push('next_attempt_at = ?', 'gating = ?');
			args.push(wait.at, wait.gating);
		}
		this.db
			.prepare(
				`UPDATE targets SET ${sets.join(', ')} WHERE lease_owner = ? AND id IN (${ids.map(() => '?').join(',')})`,
			)
			.run(...args, owner, ...ids);
	}

	/**
	 * Parks every other due, unleased target of a key that has not been sent yet until `at`, in one
	 * statement: a window every post of the key needs is full (or the key is frozen), so each would
	 * only be refused in turn. `mediaOnly`: the full window is an upload one, so only posts that
	 * still have every file to upload wait.
	 */
	parkKey(
		keyName: string,
		service: TargetRow['service'],
		at: number,
		gating: string,
		exceptId: number,
		mediaOnly = false,
	): number {
		const now = this.now();
		const media = mediaOnly
			? ` AND state = 'pending' AND item_id IN (SELECT id FROM items WHERE state = 'processing' AND json_array_length(post, '$.media') > 0)`
			: ` AND state IN ('pending', 'uploading', 'ready')`;
		return this.db
			.prepare(
				`UPDATE targets SET next_attempt_at = ?, gating = ?, updated_at = ? WHERE key_name = ? AND service = ? AND id != ? AND next_attempt_at < ? AND (lease_until IS NULL OR lease_until < ?)${media}`,
			)
			.run(at, gating, now, keyName, service, exceptId, at, now).changes;
	}

	extendLease(id: number, owner: string, leaseMs: number): void {
		this.db
			.prepare(`UPDATE targets SET lease_until = ? WHERE id = ? AND lease_owner = ?`)
			.run(this.now() + leaseMs, id, owner);
	}

	/** Compare-and-swap transition; throws when another worker or a command moved the target. */
	transition(
		t: Pick<TargetRow, 'id' | 'state' | 'lease_owner'>,
		to: TargetState,
		patch: TargetPatch = {},
	): TargetRow {
		if (!ALLOWED[t.state].includes(to))
			throw new TransitionError(`target ${t.id}: ${t.state} → ${to} is not a valid transition`);
		const { releaseLease, ...fields } = patch;
		const sets = ['state = @to', 'updated_at = @now'];
		for (const k of Object.keys(fields)) sets.push(`${k} = @${k}`);
		if (releaseLease) sets.push('lease_owner = NULL', 'lease_until = NULL');
		const res = this.db
			.prepare(
				`UPDATE targets SET ${sets.join(', ')} WHERE id = @id AND state = @from AND lease_owner IS @owner`,
			)
			.run({ ...fields, to, now: this.now(), id: t.id, from: t.state, owner: t.lease_owner });
		if (res.changes !== 1)
			throw new TransitionError(
				`target ${t.id} changed under us (expected ${t.state}); leaving it to its new owner`,
			);
		return this.target(t.id)!;
	}

	/** Commands (retry, cancel) act without a lease; they only touch targets no worker holds. */
	force(
		targetId: number,
		from: TargetState[],
		to: TargetState,
		patch: Omit<TargetPatch, 'releaseLease'> = {},
	): boolean {
		const sets = ['state = @to', 'updated_at = @now', 'lease_owner = NULL', 'lease_until = NULL'];
		for (const k of Object.keys(patch)) sets.push(`${k} = @${k}`);
		const res = this.db
			.prepare(
				`UPDATE targets SET ${sets.join(', ')} WHERE id = @id AND state IN (${from.map((s) => `'${s}'`).join(',')}) AND (lease_until IS NULL OR lease_until < @now)`,
			)
			.run({ ...patch, to, now: this.now(), id: targetId });
		return res.changes === 1;
	}

	setItem(
		id: string,
		fields: Partial<Pick<ItemRow, 'state' | 'work_dir' | 'final_dir' | 'error'>>,
	): void {
		const sets = ['updated_at = @now', ...Object.keys(fields).map((k) => `${k} = @${k}`)];
		this.db
			.prepare(`UPDATE items SET ${sets.join(', ')} WHERE id = @id`)
			.run({ ...fields, now: this.now(), id });
	}

	event(
		itemId: string | null,
		targetId: number | null,
		level: 'info' | 'warn' | 'error',
		message: string,
	): void {
		this.db
			.prepare(`INSERT INTO events (at, item_id, target_id, level, message) VALUES (?, ?, ?, ?, ?)`)
			.run(this.now(), itemId, targetId, level, message);
	}

	lastErrors(limit = 5): Array<{ at: number; item_id: string | null; message: string }> {
		return this.db
			.prepare<
				[number],
				{ at: number; item_id: string | null; message: string }
			>(`SELECT at, item_id, message FROM events WHERE level = 'error' ORDER BY id DESC LIMIT ?`)
			.all(limit);
	}

	counts(): { items: Record<string, number>; targets: Record<string, number> } {
		const items = Object.fromEntries(
			this.db
				.prepare<[], { state: string; n: number }>(
					`SELECT state, COUNT(*) n FROM items GROUP BY state`,
				)
				.all()
				.map((r) => [r.state, r.n]),
		);
		const targets = Object.fromEntries(
			this.db
				.prepare<[], { state: string; n: number }>(
					`SELECT state, COUNT(*) n FROM targets GROUP BY state`,
				)
				.all()
				.map((r) => [r.state, r.n]),
		);
		return { items, targets };
	}

	/** When the next target becomes due (for the one re-armed timer), or undefined. */
	nextDueAt(): number | undefined {
		const row = this.db
			.prepare<
				[],
				{ at: number | null }
			>(`SELECT MIN(MAX(next_attempt_at, COALESCE(lease_until, 0))) at FROM targets WHERE state IN (${LIVE_SQL})`)
			.get();
		return row?.at ?? undefined;
	}

	/** Item outcome from its targets, or undefined while any target is live. */
	itemOutcome(itemId: string): ItemState | undefined {
		const states = this.targets(itemId).map((t) => t.state);
		if (states.some((s) => LIVE.includes(s))) return undefined;
		if (states.every((s) => s === 'cancelled')) return 'cancelled';
		if (states.some((s) => s === 'needs-review')) return 'needs-review';
		if (states.some((s) => s === 'failed' || s === 'publish-failed')) return 'failed';
		return 'done';
	}

	prune(olderThanMs: number): number {
		return this.db.prepare(`DELETE FROM events WHERE at < ?`).run(this.now() - olderThanMs).changes;
	}
}
