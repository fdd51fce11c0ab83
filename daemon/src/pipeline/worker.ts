/**
 * The worker loop for one target: claim a due target, then dispatch it by what its state needs —
 * an unknown outcome is reconciled first (reconcile.ts), a PostFast target leads a batch
 * (postfast-batch.ts), a PostSider target is posted on its own (postsider-post.ts). Each step
 * commits its state before its side effect; how a turn ends is in outcomes.ts.
 */
import type { PostFastClient } from '../api/postfast';
import type { PostSiderClient } from '../api/postsider';
import type { Budgets } from '../budget/budgets';
import { ConfigError } from '../config/load';
import type { PostRecord } from '../item';
import type { Logger } from '../log';
import type { ItemRow, Store, TargetRow } from '../state/store';
import { LIVE, TransitionError } from '../state/store';
import { TargetOutcomes } from './turn-end';
import { PostFastBatch } from './postfast-batch';
import { PostSiderPost } from './postsider-post';
import { Reconciler } from './reconcile';

export interface ClientSet {
	postsider(keyName: string): PostSiderClient;
	postfast(keyName: string): PostFastClient;
	/** Image URLs per PostFast upload-URL request for this key's profile. */
	imagesPerRequest(keyName: string): number;
}

export interface WorkerOptions {
	store: Store;
	budgets: Budgets;
	clients: ClientSet;
	log: Logger;
	owner: string;
	maxAttempts: number;
	now?(): number;
	leaseMs?: number;
	/** Called when a target settles; the item may be ready to finalize. */
	onSettled?(itemId: string): void;
	/** Backoff base and cap (ms). */
	backoff?: { baseMs: number; capMs: number };
	random?(): number;
}

export class Worker extends TargetOutcomes {
	private readonly postsider: PostSiderPost;
	private readonly postfast: PostFastBatch;
	private readonly reconciler: Reconciler;

	constructor(o: WorkerOptions) {
		super(o);
		this.postsider = new PostSiderPost(o);
		this.postfast = new PostFastBatch(o);
		this.reconciler = new Reconciler(o);
	}

	/** Claims and works one due target. Returns false when nothing is due. */
	async runOne(exclude: ReadonlySet<number> = new Set()): Promise<boolean> {
		const t = this.o.store.claim(this.o.owner, this.leaseMs, exclude);
		if (!t) return false;
		await this.work(t);
		return true;
	}

	async work(claimed: TargetRow): Promise<void> {
		const { store, log } = this.o;
		const item = store.item(claimed.item_id)!;
		const post = JSON.parse(item.post) as PostRecord;
		let t = claimed;
		try {
			// A target found in `submitting` was being sent by a worker that died: outcome unknown.
			if (t.state === 'submitting')
				t = store.transition(t, 'unknown', {
					error: JSON.stringify({ message: 'the daemon stopped while this create was in flight' }),
				});
			if (t.state === 'unknown') t = await this.reconciler.resolveUnknown(item, t);
			if (t.service === 'postfast') {
				if (t.state === 'pending' || t.state === 'uploading' || t.state === 'ready')
					t = await this.postfast.postfastBatch(item, post, t);
			} else if (t.state === 'pending' || t.state === 'uploading')
				t = await this.postsider.advance(item, post, t);
		} catch (err) {
			if (err instanceof TransitionError) {
				log.log('warn', err.message, { item: item.id });
				return;
			}
			// Steps commit as they go: continue from the state the database holds now.
			const current = store.target(t.id);
			if (!current || current.lease_owner !== this.o.owner) return;
			t = current;
			if (err instanceof ConfigError) {
				// The key could not be read (unset variable, missing or too-open file): nothing was sent.
				try {
					t = this.fail(item, t, {
						message: err.message,
						fix: 'Fix the key as the message says, then run "postspool retry".',
						path: `$.targets.${t.idx}`,
					});
					this.o.onSettled?.(item.id);
				} catch {
					/* moved meanwhile */
				}
				return;
			}
			log.log(
				'error',
				`unexpected error on ${item.name} → ${t.label}: ${(err as Error).stack ?? err}`,
				{ item: item.id },
			);
			try {
				t = this.unexpected(item, t, err as Error);
				if (!LIVE.includes(t.state)) this.o.onSettled?.(item.id);
			} catch {
				/* someone else moved it */
			}
			return;
		} finally {
			// Yield to the event loop before the caller claims more: a target that settles or re-parks
			// without I/O must not starve timers and sockets. (At the end, not the start: a batch
			// leader gathers its followers before the caller leases them.)
			await new Promise<void>((resolve) => setImmediate(resolve));
		}
		if (!LIVE.includes(t.state)) this.o.onSettled?.(item.id);
	}

	/**
	 * An error that is not the service's answer (a bug, a local fault): it uses an attempt like a 5xx,
	 * so an item that keeps failing this way ends (failed, or needs-review when a create may have been
	 * in flight) with error.json instead of being retried every minute for ever.
	 */
	private unexpected(item: ItemRow, t: TargetRow, err: Error): TargetRow {
		const attempts = t.attempts + 1;
		const message = `unexpected error in postspool: ${String(err?.message ?? err)}`;
		if (attempts >= this.o.maxAttempts) {
			if (t.state === 'submitting' || t.state === 'unknown')
				return this.park(
					item,
					t,
					`${message} — ${attempts} attempts, the outcome of the last create is unknown`,
				);
			return this.fail(item, t, {
				message: `${message} (gave up after ${attempts} attempts)`,
				fix: `This is a fault in postspool or on this machine, not in the post: see the daemon's log for the stack, then run "postspool retry ${item.id}".`,
			});
		}
		// Thrown while a create was in flight: its outcome is unknown (reconciled before any resend).
		return this.o.store.transition(t, t.state === 'submitting' ? 'unknown' : t.state, {
			attempts,
			next_attempt_at: this.now() + 60_000,
			releaseLease: true,
			error: JSON.stringify({ message }),
		});
	}
}
