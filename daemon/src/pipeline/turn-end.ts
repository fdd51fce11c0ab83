/**
 * How a target's turn ends, shared by every path of the worker: settled (created, failed, parked
 * for review, skipped), or put back to wait (a retry with backoff, a 429's Retry-After, a budget).
 *
 * Retries: 5xx and network errors back off exponentially with full jitter and use an attempt; a
 * 429 waits for its Retry-After and never uses one; other 4xx fail the target with the service's
 * reason. Targets are independent: one failing never holds back another.
 */
import { scheduleTooSoon } from '../../../contract/postfast';
import { IDEMPOTENCY_MESSAGES } from '../../../contract/postsider';
import { type ApiError, LOCAL_FILE_CODE } from '../api/http';
import type { PostFastCreateBody } from '../api/postfast';
import type { CallSpec, ReserveResult } from '../budget/types';
import type { PostRecord, TargetError } from '../item';
import type { ItemRow, Store, TargetRow } from '../state/store';
import { PF_URL_ENDPOINT, PF_WINDOW_MS, type StoredRequest } from './batch-rule';
import type { WorkerOptions } from './worker';

/** Shortest re-park: a target is never due again at once (no busy loop over a budget). */
export const MIN_REPARK_MS = 1_000;

export type Refused = Extract<ReserveResult, { ok: false }>;

export class TargetOutcomes {
	protected readonly now: () => number;
	protected readonly leaseMs: number;

	constructor(protected readonly o: WorkerOptions) {
		this.now = o.now ?? Date.now;
		this.leaseMs = o.leaseMs ?? 5 * 60_000;
	}

	/**
	 * When a window every post of the key needs (its create's, or one all calls count in) is full, or
	 * the key is frozen, the key's other waiting posts wait too, parked in one statement: each would
	 * otherwise be picked up and refused in turn every time a slot frees. When the full window is the
	 * upload one, the posts with media wait.
	 */
	protected parkOthers(t: TargetRow, refused: Refused): void {
		const ps = t.service === 'postsider';
		const create: CallSpec = {
			service: t.service,
			endpoint: ps ? 'POST /posts' : 'POST /social-posts',
		};
		const upload: CallSpec = {
			service: t.service,
			endpoint: ps ? 'POST /upload' : PF_URL_ENDPOINT,
		};
		const full = (call: CallSpec) =>
			refused.bucket !== undefined &&
			this.o.budgets.bucketsOf(t.key_name, [call]).includes(refused.bucket);
		const everyPost = refused.reason === 'frozen' || (refused.reason === 'window' && full(create));
		const mediaPosts = !everyPost && refused.reason === 'window' && full(upload);
		if (everyPost || mediaPosts)
			this.o.store.parkKey(
				t.key_name,
				t.service,
				Math.max(refused.notBefore, this.now() + MIN_REPARK_MS),
				refused.gating,
				t.id,
				mediaPosts,
			);
	}

	/**
	 * A post whose account is full (its fair-use cap) at the post's fixed publish time: waiting does
	 * not help. "late": "skip" skips it, "post-now" moves it to the earliest time that fits, and
	 * otherwise it fails with the account and cap named.
	 */
	protected overCap(item: ItemRow, post: PostRecord, t: TargetRow, refused: Refused): TargetRow {
		const policy = post.sidecar.late;
		const earliest = refused.publishNotBefore;
		if (policy === 'skip')
			return this.settle(item, t, 'skipped', {
				message: `skipped: ${refused.gating} ("late": "skip")`,
			});
		if (policy === 'post-now' && earliest !== undefined && Number.isFinite(earliest)) {
			const at = Math.max(earliest, this.now() + PF_WINDOW_MS);
			this.o.log.log(
				'warn',
				`${item.name} → ${t.label}: ${refused.gating}; moved to ${new Date(at).toISOString()} ("late": "post-now")`,
				{ item: item.id },
			);
			const next: Parameters<Store['transition']>[2] = {
				publish_at: at,
				next_attempt_at: this.now() + MIN_REPARK_MS,
				gating: refused.gating,
				releaseLease: true,
			};
			if (t.state === 'ready' && t.request) {
				const req = JSON.parse(t.request) as StoredRequest;
				const body = req.body as PostFastCreateBody;
				const index = req.index ?? 0;
				const posts = body.posts.map((p, i) =>
					i === index ? { ...p, scheduledAt: new Date(at).toISOString() } : p,
				);
				next.request = JSON.stringify({ ...req, body: { ...body, posts }, publishAt: at });
			}
			return this.o.store.transition(t, t.state, next);
		}
		return this.fail(item, t, {
			message: `this post exceeds the daily cap of its account at its publish time: ${refused.gating}`,
			fix: `Move "when" of ${t.label} to ${earliest !== undefined && Number.isFinite(earliest) ? `${new Date(earliest).toISOString()} or later` : 'another day'} (or spread these posts over more days), or set "late": "post-now" (send at the earliest time that fits) or "late": "skip" in the sidecar, then drop the post again.`,
			path: '$.when',
		});
	}

	/** The budgets held a post past its time, under "late": "skip" or the default "fail". */
	protected missedTime(item: ItemRow, post: PostRecord, t: TargetRow, at: number): TargetRow {
		if (post.sidecar.late === 'skip')
			return this.settle(item, t, 'skipped', {
				message: `skipped: ${at > this.now() && t.service === 'postfast' ? scheduleTooSoon(at, this.now()) : 'the time passed before the budgets allowed sending'} ("late": "skip")`,
			});
		return this.fail(item, t, {
			message:
				at > this.now() && t.service === 'postfast'
					? scheduleTooSoon(at, this.now())!
					: `the time ${new Date(at).toISOString()} passed before the budgets allowed sending`,
			fix: `Run "postspool retry ${item.id} --at <new time>" (or --now), or edit "when" in the sidecar in failed/ and run "postspool retry ${item.id}" (retry re-reads "when" and "late" there).`,
			path: '$.when',
		});
	}

	protected backoff(attempts: number): number {
		const { baseMs, capMs } = this.o.backoff ?? { baseMs: 2_000, capMs: 10 * 60_000 };
		const ceiling = Math.min(capMs, baseMs * 2 ** attempts);
		return Math.max(250, Math.floor((this.o.random ?? Math.random)() * ceiling));
	}

	/** A failure before the create was sent: nothing was posted, so retrying is always safe. */
	protected onFailure(item: ItemRow, t: TargetRow, error: ApiError, during?: string): TargetRow {
		const where = during ? ` while ${during}` : '';
		if (error.kind === 'rate-limited') {
			this.rateLimited(item, t, error);
			// A 429 never uses an attempt; the budgets froze the key until its Retry-After.
			return this.o.store.transition(t, t.state, {
				next_attempt_at: this.now() + (error.retryAfterMs ?? 60_000),
				gating: `429 from ${error.service}${where}`,
				releaseLease: true,
			});
		}
		if (error.kind === 'server' || error.kind === 'network')
			return this.retryLater(item, t, error, where, t.state);
		return this.fail(item, t, describe(error, t, where));
	}

	/** A failure of the create call itself. */
	protected onCreateFailure(item: ItemRow, t: TargetRow, error: ApiError): TargetRow {
		if (error.kind === 'rate-limited') {
			this.rateLimited(item, t, error);
			// Refused before processing: nothing was created. PostFast posts wait, ready, for the next batch.
			return this.o.store.transition(t, t.service === 'postfast' ? 'ready' : 'pending', {
				next_attempt_at: this.now() + (error.retryAfterMs ?? 60_000),
				gating: `429 from ${error.service} on create`,
				releaseLease: true,
			});
		}
		if (error.kind === 'server' || error.kind === 'network')
			return this.retryLater(item, t, error, ' on create', 'unknown');
		if (error.kind === 'conflict' && t.service === 'postsider') {
			// The first send may still be in progress on the server: ask again later. A key stuck in
			// "processing" for good (the server crashed mid-create) ends parked after maxAttempts.
			if (/already processing/i.test(error.message))
				return this.retryLater(item, t, error, ' on create', 'unknown');
			// The key was used with another body: this post was most likely created before (an earlier
			// run whose record was lost, its media uploaded again since), so it is not sent under a new key.
			if (error.message === IDEMPOTENCY_MESSAGES.mismatch)
				return this.park(
					item,
					t,
					`PostSider answered 409 (${error.message}): a post was already sent under this post's Idempotency-Key with another body (an earlier run, e.g. before its database record was lost), so it is most likely on PostSider already`,
				);
			return this.park(
				item,
				t,
				`PostSider answered 409 (${error.message}) for this post's Idempotency-Key: an earlier send may still be stuck`,
			);
		}
		return this.fail(item, t, describe(error, t, ''));
	}

	protected rateLimited(item: ItemRow, t: TargetRow, error: ApiError): void {
		const wait = Math.round((error.retryAfterMs ?? 60_000) / 1000);
		this.o.log.log(
			'warn',
			`${item.name} → ${t.label}: ${error.service} answered 429; waiting ${wait} s (no attempt used)`,
			{
				item: item.id,
				windows: error.rateLimitWindows,
			},
		);
	}

	protected retryLater(
		item: ItemRow,
		t: TargetRow,
		error: ApiError,
		where: string,
		to: 'pending' | 'uploading' | 'unknown' | TargetRow['state'],
	): TargetRow {
		const attempts = t.attempts + 1;
		const message = `${error.service} ${error.status ? `answered ${error.status}` : 'did not answer'}${where}: ${error.message}`;
		if (attempts >= this.o.maxAttempts) {
			if (to === 'unknown')
				return this.park(
					item,
					t,
					`${message} — ${attempts} attempts, the outcome of the last create is unknown`,
				);
			return this.fail(item, t, {
				message: `${message} (gave up after ${attempts} attempts)`,
				fix: `Check the service status, then run "postspool retry ${item.id}".`,
				service: error.service,
				status: error.status,
			});
		}
		const delay = error.retryAfterMs ?? this.backoff(attempts);
		this.o.store.event(
			item.id,
			t.id,
			'warn',
			`${t.label}: ${message}; attempt ${attempts} of ${this.o.maxAttempts}, next in ${Math.round(delay / 1000)} s`,
		);
		this.o.log.log(
			'warn',
			`${item.name} → ${t.label}: ${message}; retry in ${Math.round(delay / 1000)} s`,
			{ item: item.id, attempts },
		);
		return this.o.store.transition(t, to as TargetRow['state'], {
			attempts,
			next_attempt_at: this.now() + delay,
			error: JSON.stringify({ message, service: error.service, status: error.status }),
			releaseLease: true,
		});
	}

	protected fail(item: ItemRow, t: TargetRow, error: TargetError): TargetRow {
		this.o.store.event(item.id, t.id, 'error', `${item.name} → ${t.label}: ${error.message}`);
		this.o.log.log('error', `${item.name} → ${t.label} failed: ${error.message}`, {
			item: item.id,
			fix: error.fix,
		});
		return this.settle(item, t, 'failed', error);
	}

	protected park(item: ItemRow, t: TargetRow, reason: string): TargetRow {
		const error: TargetError = {
			message: `${reason}. The daemon will not resend on its own, to avoid a duplicate post.`,
			fix: `Look in ${t.service === 'postsider' ? 'PostSider' : 'PostFast'} for a post to ${t.label}${t.publish_at ? ` at ${new Date(t.publish_at).toISOString()}` : ''}. If it is there, run "postspool cancel ${item.id}" (it stays posted); if it is not, run "postspool retry ${item.id}" to send it again.`,
		};
		this.o.store.event(
			item.id,
			t.id,
			'error',
			`${item.name} → ${t.label}: needs review: ${reason}`,
		);
		this.o.log.log('error', `${item.name} → ${t.label} needs review: ${reason}`, { item: item.id });
		return this.settle(item, t, 'needs-review', error);
	}

	protected settle(
		item: ItemRow,
		t: TargetRow,
		to: 'confirmed' | 'failed' | 'needs-review' | 'skipped',
		error?: TargetError,
		remoteId?: string,
	): TargetRow {
		const next = this.o.store.transition(t, to, {
			error: error ? JSON.stringify(error) : null,
			...(remoteId ? { remote_id: remoteId } : {}),
			releaseLease: true,
		});
		if (to === 'confirmed')
			this.o.log.log('info', `${item.name} → ${t.label}: created`, {
				item: item.id,
				postId: remoteId,
			});
		return next;
	}
}

/** The service's reason, and what to do about it. */
export function describe(
	error: ApiError,
	t: Pick<TargetRow, 'label' | 'key_name' | 'idx'>,
	where: string,
): TargetError {
	const service = error.service === 'postsider' ? 'PostSider' : 'PostFast';
	const base = { service: error.service, status: error.status, path: `$.targets.${t.idx}` };
	if (error.code === LOCAL_FILE_CODE)
		return {
			...base,
			message: `A local file problem${where}, not a refusal by ${service}: ${error.message}`,
			fix: 'Drop the post again with its files: postspool sends only the exact file it checked when the post was dropped.',
		};
	const msg = `${service} refused${where} (${error.status}): ${error.message}`;
	switch (error.kind) {
		case 'auth':
			return {
				...base,
				message: msg,
				fix: `The API key "${t.key_name}" is missing, wrong or revoked. Fix it in the config, check with "postspool doctor", then "postspool retry".`,
			};
		case 'payment':
			return {
				...base,
				message: msg,
				fix: `Your ${service} plan does not allow this post. Upgrade the plan or wait for the quota to reset, then "postspool retry".`,
			};
		case 'not-found':
			return {
				...base,
				message: msg,
				fix: `Check the account id of "${t.label}" ("postspool accounts" lists them).`,
			};
		case 'too-large':
			return { ...base, message: msg, fix: 'Compress the media file and drop the post again.' };
		default:
			return {
				...base,
				message: msg,
				fix: `Fix the sidecar (${error.fieldPaths.length > 0 ? `the service named ${error.fieldPaths.join(', ')}` : 'see the message'}) and drop the post again; or fix the account and run "postspool retry".`,
			};
	}
}
