/** `retry` and `cancel` of an item: which targets go back to the queue or stop, and the item's folder. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { scheduleTooSoon } from '../../../contract/postfast';
import { stableJson } from '../../../contract/stable-json';
import { type PostRecord, postOf } from '../item';
import { finalizeItem, reopenItem } from '../journey/settle';
import { refileItem } from '../outcomes/refile';
import { readBoundedJson } from '../sidecar/read';
import { resolveWhen } from '../sidecar/resolve';
import { When } from '../sidecar/schema';
import type { ItemRow, Store, TargetRow } from '../state/store';

/**
 * The item an id or id prefix names, or why none: a prefix that starts several ids is refused with
 * the candidates (never the first of them), and a number that is no id's start says ids are not
 * row numbers.
 */
export function findItem(
	store: Store,
	idOrPrefix: string,
): { ok: true; item: ItemRow } | { ok: false; message: string } {
	const rows = /^[\w-]+$/.test(idOrPrefix)
		? store.db
				.prepare<
					[number, string],
					Pick<ItemRow, 'id' | 'name' | 'state'>
				>(`SELECT id, name, state FROM items WHERE substr(id, 1, ?) = ? ORDER BY created_at, id LIMIT 11`)
				.all(idOrPrefix.length, idOrPrefix)
		: [];
	const one = rows.find((r) => r.id === idOrPrefix) ?? (rows.length === 1 ? rows[0] : undefined);
	if (one) return { ok: true, item: store.item(one.id)! };
	if (rows.length > 1)
		return {
			ok: false,
			message: [
				`"${idOrPrefix}" is the start of ${rows.length > 10 ? 'more than 10' : rows.length} item ids, so it names none of them (items are named by id, not by a row number); give more of the id:`,
				...rows.slice(0, 10).map((r) => `  ${r.id}  ${r.state.padEnd(12)} ${r.name}`),
			].join('\n'),
		};
	return {
		ok: false,
		message: `no item "${idOrPrefix}"${/^\d+$/.test(idOrPrefix) ? ' (items are named by id, not by a row number)' : ''}; "postspool queue ls --all" lists them`,
	};
}

/** The time a retry gives the post: `--at <time>` or `--now` (undefined: the sidecar's, see below). */
export type RetryTime = { when: string } | undefined;

/** The sidecar in an item's folder: `post.json` (folder posts, CSV rows) or `<name>.json`. */
export function sidecarIn(dir: string, item: Pick<ItemRow, 'name'>): string | undefined {
	return [join(dir, 'post.json'), join(dir, `${item.name}.json`)].find((p) => existsSync(p));
}

/**
 * The time a retried post is sent for. `--at`/`--now` win; else the "when" (and "late") of the
 * sidecar in the item's folder, so a time edited there in failed/ is picked up. Only those two
 * fields are re-read: text, targets and media were checked at intake and are part of the post's
 * identity (change them by dropping the post again). A time that has passed refuses the retry
 * with the ways out, instead of failing again with the same reason.
 */
function retryWhen(
	item: ItemRow,
	targets: TargetRow[],
	time: RetryTime,
	now: number,
):
	| { ok: true; post: PostRecord; changed: boolean; source: string }
	| { ok: false; message: string } {
	const post = postOf(item);
	const dir = item.final_dir ?? item.work_dir;
	const file = sidecarIn(dir, item);
	let when: unknown = post.sidecar.when;
	let late = post.sidecar.late;
	let source = 'the time stored when it was dropped';
	if (time) {
		when = time.when;
		late = 'fail';
		source = `--${time.when === 'asap' ? 'now' : `at ${time.when}`}`;
	} else if (file) {
		const read = readBoundedJson(file);
		if (!read.ok)
			return {
				ok: false,
				message: `${item.name} (${item.id}): retry re-reads "when" from ${file}, which cannot be read: ${read.message}. Fix it, or give the time with --at <time> or --now`,
			};
		if (read.value && typeof read.value === 'object') {
			const edited = read.value as { when?: unknown; late?: unknown };
			if (edited.when !== undefined && stableJson(edited.when) !== stableJson(post.sidecar.when)) {
				when = edited.when;
				source = `"when" in ${file}`;
			}
			if (edited.late === 'fail' || edited.late === 'post-now' || edited.late === 'skip')
				late = edited.late;
		}
	}
	const parsed = When.safeParse(when);
	if (!parsed.success)
		return {
			ok: false,
			message: `${item.name} (${item.id}): ${source} is not a time postspool reads: ${parsed.error.issues[0]?.message}`,
		};
	const resolved = resolveWhen(parsed.data);
	if (resolved.kind === 'next-slot' && targets.some((t) => t.service !== 'postsider'))
		return {
			ok: false,
			message: `${item.name} (${item.id}): "next-slot" uses PostSider's slots, but it also goes to PostFast; give a time (--at 2027-03-01T09:00:00Z) or --now`,
		};
	const tooSoon =
		resolved.kind === 'at' && !post.sidecar.draft && late === 'fail'
			? resolved.at <= now
				? `the time ${new Date(resolved.at).toISOString()} has passed`
				: targets.some((t) => t.service === 'postfast')
					? scheduleTooSoon(resolved.at, now)
					: undefined
			: undefined;
	if (tooSoon)
		return {
			ok: false,
			message: [
				`${item.name} (${item.id}): ${tooSoon} (${source}); retrying it would fail again. Give it a new time:`,
				`  postspool retry ${item.id} --at <ISO time with offset, e.g. ${new Date(now + 3_600_000).toISOString().slice(0, 16)}:00Z>`,
				`  postspool retry ${item.id} --now   (as soon as the budgets allow)`,
				`  or edit "when" (or set "late": "post-now") in ${file ?? `the sidecar in ${dir}`} and run "postspool retry ${item.id}" again (retry re-reads "when" and "late" there; nothing else)`,
			].join('\n'),
		};
	const changed =
		stableJson(parsed.data) !== stableJson(post.sidecar.when) || late !== post.sidecar.late;
	return {
		ok: true,
		post: changed
			? { ...post, when: resolved, sidecar: { ...post.sidecar, when: parsed.data, late } }
			: post,
		changed,
		source,
	};
}

/**
 * `retry`: bring a failed item back from failed/ and re-queue its failed or parked targets, at the
 * time `retryWhen` gives (a new time also means a new request).
 */
export function retryItem(
	store: Store,
	itemId: string,
	opts: { time?: RetryTime; now?: number } = {},
): { ok: boolean; message: string; targets: number } {
	const found = findItem(store, itemId);
	if (!found.ok) return { ok: false, message: found.message, targets: 0 };
	const item = found.item;
	const targets = store
		.targets(item.id)
		.filter(
			(t) => t.state === 'failed' || t.state === 'needs-review' || t.state === 'publish-failed',
		);
	if (targets.length === 0)
		return {
			ok: false,
			message: `item ${item.id} (${item.name}) has no failed targets (state: ${item.state})`,
			targets: 0,
		};
	const time = retryWhen(item, targets, opts.time, opts.now ?? Date.now());
	if (!time.ok) return { ok: false, message: time.message, targets: 0 };
	reopenItem(item);
	store.db.transaction(() => {
		if (time.changed)
			store.db
				.prepare(`UPDATE items SET post = ? WHERE id = ?`)
				.run(JSON.stringify(time.post), item.id);
		for (const t of targets) {
			// A parked create may have reached the service: a new Idempotency-Key and a new body, on the
			// user's word. A post the service failed to publish is created anew (the old one stays failed there).
			const parked = t.state === 'needs-review';
			const republish = t.state === 'publish-failed';
			// A new time: a new body (and, for PostSider, a new Idempotency-Key for it).
			const fresh = parked || republish || time.changed;
			store.force(t.id, ['failed', 'needs-review', 'publish-failed'], 'pending', {
				attempts: 0,
				next_attempt_at: 0,
				error: null,
				...(republish ? { remote_id: null } : {}),
				...(time.changed ? { publish_at: null } : {}),
				...(fresh || !t.remote_id
					? { request: null, generation: t.generation + (fresh ? 1 : 0) }
					: {}),
			});
		}
		store.setItem(item.id, { state: 'processing', final_dir: null, error: null });
		store.event(
			item.id,
			null,
			'info',
			`retry of ${targets.length} target(s) requested${time.changed ? ` with ${time.source}` : ''}`,
		);
	})();
	return {
		ok: true,
		message: `re-queued ${targets.length} target(s) of ${item.id} (${item.name})${time.changed ? `, to be sent for ${time.source}` : ''}`,
		targets: targets.length,
	};
}

/**
 * A target whose create got no clear answer, waiting out a back-off: nothing is in flight, but the
 * service may hold the post, so it cannot simply be dropped. What happens next, and when
 * (pipeline/reconcile.ts), so the user knows when cancel works.
 */
function unknownOutcome(t: TargetRow, itemId: string, now: number): string {
	const at = new Date(Math.max(t.next_attempt_at, now)).toISOString();
	const lookup =
		t.service === 'postsider'
			? 'resends the same request under the same Idempotency-Key (PostSider answers with the post it already made, or makes it once)'
			: 'looks for the post on PostFast first and resends only if it is absent';
	return `target ${t.label} of ${itemId} is not being sent right now, but its last create got no clear answer, so the service may already hold the post; nothing was cancelled. At ${at} the daemon ${lookup}; once it is confirmed, "postspool cancel --remote ${itemId}" takes it back on the service, and if it fails, "postspool cancel ${itemId}" stops it`;
}

/** `cancel`: stop every target that has not been created; the item moves to done/ or failed/. */
export function cancelItem(
	store: Store,
	itemId: string,
	now: number,
): { ok: boolean; message: string; cancelled: number } {
	const found = findItem(store, itemId);
	if (!found.ok) return { ok: false, message: found.message, cancelled: 0 };
	const item = found.item;
	let n = 0;
	for (const t of store.targets(item.id)) {
		if (
			store.force(
				t.id,
				['pending', 'uploading', 'ready', 'failed', 'needs-review', 'publish-failed'],
				'cancelled',
			)
		)
			n++;
		else if (t.state === 'submitting' || t.state === 'unknown') {
			const inFlight = t.state === 'submitting' || (t.lease_until ?? 0) > now;
			return {
				ok: false,
				message: inFlight
					? `target ${t.label} of ${item.id} is being created right now; wait for it to settle and cancel again`
					: unknownOutcome(t, item.id, now),
				cancelled: n,
			};
		}
	}
	const all = store.targets(item.id);
	const published = all.filter((t) => t.state === 'published').map((t) => t.label);
	const gone = published.length
		? `${item.name} (${item.id}) is already published on ${published.join(', ')} and cannot be unscheduled: delete it on the platform`
		: '';
	// Nothing to stop and nothing the service could still take back: saying "cancelled 0" would hide that.
	if (n === 0 && published.length > 0 && !all.some((t) => t.state === 'confirmed'))
		return { ok: false, message: gone, cancelled: 0 };
	if (item.state !== 'processing') {
		// A settled item (done/ or failed/): its receipt and folder name say it was cancelled.
		if (n === 0 || refileItem(store, item.id, now) === undefined)
			store.setItem(item.id, { state: store.itemOutcome(item.id) ?? item.state });
	} else finalizeItem(store, item.id, now);
	return {
		ok: true,
		message: `cancelled ${n} target(s) of ${item.id} (${item.name})${gone ? `\n${gone}` : ''}`,
		cancelled: n,
	};
}
