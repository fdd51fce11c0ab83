/**
 * Intake: scan every inbox, wait for stability, validate the sidecar and the media, compute the
 * content identity, record the item in SQLite and move it to .processing/<id>/. The row is
 * committed before the move, so a crash in between is finished by the next scan (same identity).
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import type { Config } from '../config/schema';
import type { Logger } from '../log';
import { stableJson } from '../../../contract/stable-json';
import { checkLength } from '../../../contract/postsider/providers';
import { scheduleTooSoon } from '../../../contract/postfast';
import { POSTSIDER_PROVIDER_OF } from '../platforms';
import {
	MEDIA_EXTENSIONS,
	type MediaInfo,
	checkMediaFor,
	inspectMedia,
	symlinkMessage,
} from '../sidecar/media';
import { type Issue, resolveWhen, validateSidecar } from '../sidecar/resolve';
import { type FileIdentity, readBoundedJson } from '../sidecar/read';
import { textFor } from '../sidecar/schema';
import { isDiskFull } from '../state/disk';
import type { ItemRow, Store, TargetState } from '../state/store';
import { type PostRecord, type TargetError, validatedFiles } from '../item';
import { ingestCsvBatch, inboxCsvFiles } from './csv';
import {
	type Arrival,
	type ErrorFile,
	enterProcessing,
	rejectArrival,
	setAsideDuplicate,
} from '../journey/enter';
import { changedFiles } from '../journey/moves';
import { finalizeItem } from '../journey/settle';
import { type FolderLayout, layoutOf } from '../journey/layout';
import { type Candidate, StabilityTracker, inboxCandidates } from './scan';

export type Validation =
	| { ok: true; post: PostRecord; identity: string; skip: boolean }
	| {
			ok: false;
			errors: ErrorFile['errors'];
			/** Media files cut short (maybe still being written). */
			incompleteMedia?: string[];
			/** Files "media" names that are not there (maybe not synced yet). */
			missingMedia?: string[];
	  };

/**
 * How long a sidecar waits for the files its "media" list names, counted from when the sidecar last
 * changed: a synced folder often delivers the sidecar first (docs in daemon/README.md).
 */
export const NAMED_MEDIA_WAIT_MS = 15 * 60_000;

function isLink(path: string): boolean {
	try {
		return lstatSync(path).isSymbolicLink();
	} catch {
		return false; // gone meanwhile: reading it says so
	}
}

/** A sidecar or defaults file, read once through a bounded, link-refusing handle (sidecar/read.ts). */
function readJson(
	path: string,
):
	| { ok: true; value: unknown; identity?: FileIdentity }
	| { ok: false; message: string; path?: string } {
	return readBoundedJson(path);
}

/**
 * The fix for a time that has passed (or is too soon for PostFast) only: the other "when" errors
 * (no offset, a day the calendar does not have, a bad form) say their own fix in their message.
 */
const LATE_FIX =
	'Set "when" to a later time with an offset (for PostFast at least 30 s ahead), or add "late": "post-now" / "skip".';

/** Validates a candidate without moving anything (also used by `plan`). */
export async function validateCandidate(
	c: Candidate,
	folderDefaults: unknown,
	config: Config,
	now: number,
): Promise<Validation> {
	if (c.problem) return { ok: false, errors: [c.problem] };
	const raw = readJson(c.sidecarPath);
	if (!raw.ok) return { ok: false, errors: [{ path: raw.path ?? '$', message: raw.message }] };
	const v = await validateSidecarValue(c, raw.value, folderDefaults, config, now);
	// The sidecar's identity as read, so every move can re-check it (journey/moves.ts).
	if (v.ok && raw.identity) v.post.sidecarFile = { name: basename(c.sidecarPath), ...raw.identity };
	return v;
}

/** Validates a sidecar already read (a file's JSON, or a CSV row) with the candidate's defaults and media. */
export async function validateSidecarValue(
	c: Candidate,
	value: unknown,
	folderDefaults: unknown,
	config: Config,
	now: number,
): Promise<Validation> {
	const errors: ErrorFile['errors'] = [];
	const asErrors = (issues: Issue[]) => issues.map((i) => ({ path: i.path, message: i.message }));
	const defaults: unknown[] = [folderDefaults];
	for (const d of c.defaults) {
		if (isLink(d))
			return { ok: false, errors: [{ path: d, message: symlinkMessage(d, 'defaults file') }] };
		const v = readJson(d);
		if (!v.ok) return { ok: false, errors: [{ path: d, message: v.message }] };
		defaults.push(v.value);
	}
	const validated = validateSidecar(value, defaults, config);
	if (!validated.ok) return { ok: false, errors: asErrors(validated.issues) };
	const { sidecar, targets } = validated;

	// Media: a folder post's order comes from "media" when given.
	let mediaPaths = c.mediaPaths;
	const missingMedia: string[] = [];
	if (sidecar.media) {
		const dir = c.folderPath ?? join(c.sidecarPath, '..');
		mediaPaths = [];
		sidecar.media.forEach((name, i) => {
			const p = join(dir, name);
			const where = c.kind === 'folder' ? 'the post folder' : 'the inbox';
			if (basename(name) !== name) {
				// Never followed out of the post's folder (or into a sub-folder): refused at once.
				const outside = isAbsolute(name) || name.split(/[\\/]/).includes('..');
				errors.push({
					path: `$.media.${i}`,
					message: `media "${name}" is a path ${outside ? `outside ${where}` : `into a sub-folder of ${where}`}, which is not allowed; name a file in ${where} (no "/" or ".."), and put the file there`,
				});
			} else if (!existsSync(p)) {
				errors.push({
					path: `$.media.${i}`,
					message: `media file "${name}" is not in ${where} (waited ${NAMED_MEDIA_WAIT_MS / 60_000} minutes after the sidecar last changed); fix the name or add the file`,
				});
				missingMedia.push(p);
			} else mediaPaths.push(p);
		});
	}
	// A folder post without a "media" list posts every media file in it; anything else in the
	// folder would silently stay behind, so it is refused (a "media" list picks files explicitly).
	if (!sidecar.media && c.strays && c.strays.length > 0)
		errors.push({
			path: '$',
			message: `the post folder holds ${c.strays.map((n) => `"${n}"`).join(', ')}, which postspool does not post (media files end in ${MEDIA_EXTENSIONS.join(' ')}); remove what is not part of the post, start a name with "." to have it ignored, or list the files to post in "media"`,
		});
	const media: MediaInfo[] = [];
	const incompleteMedia: string[] = [];
	for (const [i, p] of mediaPaths.entries()) {
		const info = await inspectMedia(p);
		if ('error' in info) {
			errors.push({ path: sidecar.media ? `$.media.${i}` : '$', message: info.error });
			if (info.incomplete) incompleteMedia.push(p);
		} else media.push(info);
	}
	if (errors.length > 0)
		return {
			ok: false,
			errors,
			...(incompleteMedia.length > 0 ? { incompleteMedia } : {}),
			...(missingMedia.length > 0 ? { missingMedia } : {}),
		};
	targets.forEach((t, i) => {
		const key = config.keys[t.keyName];
		const profile = key.service === 'postfast' ? key.profile : undefined;
		for (const message of checkMediaFor(t.service, t.platform, media, sidecar.draft, {
			profile,
			firstComment: sidecar.firstComment,
		}))
			errors.push({ path: `$.targets.${i}`, target: t.label, message });
		// PostSider refuses over-long text for non-drafts, counted its way (escaped HTML, UTF-16,
		// X's link weighting). X: verified accounts get 4000, which only the server knows, so intake
		// refuses only what every X account would; the pipeline asks for the account's limit.
		const provider = POSTSIDER_PROVIDER_OF[t.platform];
		if (t.service === 'postsider' && provider && !sidecar.draft) {
			const length = checkLength(provider, textFor(sidecar, t.platform), provider === 'x');
			if (!length.ok) {
				const own =
					typeof sidecar.text === 'object' &&
					(sidecar.text as Record<string, unknown>)[t.platform] !== undefined;
				errors.push({
					path: own ? `$.text.${t.platform}` : '$.text',
					target: t.label,
					message: `the text is too long as PostSider counts it: ${length.explanation}. Shorten it, or add a shorter "text": {"${t.platform}": "..."}`,
				});
			}
		}
	});
	let when = resolveWhen(sidecar.when);
	let skip = false;
	// Past for any target, or too soon for PostFast (one rule with the send: contract/postfast).
	const tooSoon =
		when.kind === 'at' && !sidecar.draft
			? when.at <= now
				? `the time ${new Date(when.at).toISOString()} is in the past`
				: targets.some((t) => t.service === 'postfast')
					? scheduleTooSoon(when.at, now)
					: undefined
			: undefined;
	if (tooSoon) {
		if (sidecar.late === 'post-now') when = { kind: 'asap' };
		else if (sidecar.late === 'skip') skip = true;
		else errors.push({ path: '$.when', message: tooSoon, fix: LATE_FIX });
	}
	if (errors.length > 0) return { ok: false, errors };

	const hashes = media.map((m) => m.sha256);
	const identity = createHash('sha256')
		.update(
			stableJson({
				sidecar,
				targets: targets.map((t) => `${t.service}:${t.accountId}`),
				media: hashes,
			}),
		)
		.digest('hex');
	const post: PostRecord = {
		name: c.name,
		kind: c.kind,
		sidecar,
		targets,
		when,
		media: media.map((m, i) => ({
			name: m.name,
			mime: m.mime,
			kind: m.kind,
			size: m.size,
			sha256: hashes[i],
			dev: m.dev,
			ino: m.ino,
			mtimeMs: m.mtimeMs,
		})),
		droppedAt: now,
	};
	return { ok: true, post, identity, skip };
}

export interface IntakeOptions {
	config: Config;
	store: Store;
	log: Logger;
	now?(): number;
	/** Called after an item was queued (wake the pipeline). */
	onQueued?(itemId: string): void;
	/** Called after a post was refused at intake and filed in failed/ (notifications). */
	onRejected?(name: string, folder: string, errors: ErrorFile['errors']): void;
}

export class Intake {
	readonly stability: StabilityTracker;
	private readonly now: () => number;
	private scanning: Promise<number | undefined> | undefined;
	private again = false;
	private stopped = false;

	constructor(private readonly opts: IntakeOptions) {
		this.now = opts.now ?? Date.now;
		this.stability = new StabilityTracker(opts.config.stableMs);
	}

	get layouts(): FolderLayout[] {
		return this.opts.config.folders.map((f) => layoutOf(f.path));
	}

	/**
	 * Scans every inbox once (coalescing concurrent calls). Resolves to the delay after which
	 * files that were not stable yet should be looked at again, if any.
	 */
	scan(): Promise<number | undefined> {
		if (this.stopped) return Promise.resolve(undefined);
		if (this.scanning) {
			this.again = true;
			return this.scanning;
		}
		this.scanning = (async () => {
			let wait: number | undefined;
			do {
				this.again = false;
				wait = undefined;
				for (const folder of this.opts.config.folders) {
					const w = await this.scanFolder(layoutOf(folder.path), folder.defaults);
					if (w !== undefined) wait = Math.min(wait ?? w, w);
				}
			} while (this.again && !this.stopped);
			return wait;
		})().finally(() => {
			this.scanning = undefined;
		});
		return this.scanning;
	}

	/** No new scans; resolves once the one in progress has stopped (between two posts). */
	async stop(): Promise<void> {
		this.stopped = true;
		await this.scanning?.catch(() => undefined);
	}

	private async scanFolder(
		layout: FolderLayout,
		folderDefaults: unknown,
	): Promise<number | undefined> {
		let wait: number | undefined;
		for (const c of inboxCandidates(layout.inbox)) {
			if (this.stopped) return undefined;
			const watched = [c.sidecarPath, ...c.mediaPaths];
			// Every post waits until its files stayed unchanged for stableMs, even with the sidecar
			// written last: a writer can pause mid-file after the sidecar landed (test/faults).
			if (!this.stability.stable(watched)) {
				// After a crash between a post's commit and its move, its files are still here but this
				// process has not watched them yet: finish that move now (they were stable when it was
				// committed, and their identity proves they are the same), before any worker looks for them.
				if (await this.resumeUnmoved(c, folderDefaults)) {
					this.stability.forget(watched);
					continue;
				}
				const w = this.stability.waitFor(watched);
				wait = Math.min(wait ?? w, w);
				continue;
			}
			// A sidecar cut short is most likely still being written by a writer that paused longer
			// than stableMs: it is waited for (a while longer) before it is refused as broken JSON.
			const hold = this.holdIncomplete(c);
			if (hold !== undefined) {
				wait = Math.min(wait ?? hold, hold);
				continue;
			}
			try {
				// A media file cut short is held the same way (its writer may only have paused).
				const held = await this.ingest(layout, c, folderDefaults);
				if (held !== undefined) {
					wait = Math.min(wait ?? held, held);
					continue;
				}
			} catch (err) {
				// A full disk stops the whole scan (the daemon pauses); the post waits in the inbox.
				if (isDiskFull(err)) throw err;
				this.opts.log.log('error', `could not ingest ${c.name}: ${(err as Error).message}`, {
					folder: layout.root,
				});
			}
			this.stability.forget(watched);
		}
		// Bulk CSV files: one post per row (intake/csv.ts).
		for (const file of inboxCsvFiles(layout.inbox)) {
			if (this.stopped) return undefined;
			try {
				const w = await ingestCsvBatch(
					{ ...this.opts, stability: this.stability, now: this.now() },
					layout,
					file,
					folderDefaults,
				);
				if (w !== undefined) wait = Math.min(wait ?? w, w);
			} catch (err) {
				this.opts.log.log('error', `could not ingest ${file.path}: ${(err as Error).message}`);
			}
		}
		return wait;
	}

	/**
	 * Milliseconds to keep waiting for a sidecar whose JSON ends too early and that changed less than
	 * INCOMPLETE_GRACE (10 × stableMs, 5 s to 60 s) ago; undefined to take it now. A sidecar over the
	 * size cap is not held: it is refused by its size before a byte is read.
	 */
	private holdIncomplete(c: Candidate): number | undefined {
		if (c.problem) return undefined;
		const read = readBoundedJson(c.sidecarPath);
		if (read.ok || !read.incomplete) return undefined;
		return this.holdRecent([c.sidecarPath]);
	}

	/**
	 * Milliseconds until the newest of `paths` changed `grace` ago (INCOMPLETE_GRACE, 10 × stableMs
	 * within 5 s to 60 s, unless given); undefined once it has.
	 */
	private holdRecent(
		paths: string[],
		grace = Math.min(Math.max(10 * this.opts.config.stableMs, 5_000), 60_000),
	): number | undefined {
		let age = Number.POSITIVE_INFINITY;
		for (const p of paths) {
			try {
				age = Math.min(age, this.now() - lstatSync(p).mtimeMs);
			} catch {
				// Gone: nothing to wait for on this one.
			}
		}
		return age < grace ? Math.max(grace - age, 50) : undefined;
	}

	/**
	 * A post committed just before a crash whose files never left the inbox (no work folder, or an
	 * empty one): moves them into it. False when `existing` is anything else.
	 */
	private resumeMove(existing: ItemRow, arrival: Arrival, post: PostRecord): boolean {
		const unmoved = !existsSync(existing.work_dir) || readdirSync(existing.work_dir).length === 0;
		if (existing.state !== 'processing' || !unmoved) return false;
		enterProcessing(arrival, existing.work_dir);
		this.opts.log.log('info', `resumed intake of ${arrival.name}`, { item: existing.id });
		this.checkArrived(existing.id, post, existing.work_dir);
		return true;
	}

	/**
	 * The startup side of resumeMove: a candidate not yet seen stable is moved at once when it is
	 * exactly a committed post whose move was interrupted (same identity); anything else waits.
	 */
	private async resumeUnmoved(c: Candidate, folderDefaults: unknown): Promise<boolean> {
		const { store, config } = this.opts;
		const unmoved = (dir: string) => !existsSync(dir) || readdirSync(dir).length === 0;
		if (!store.processingWorkDirs().some(unmoved)) return false;
		const v = await validateCandidate(c, folderDefaults, config, this.now());
		if (!v.ok) return false;
		const existing = store.itemByIdentity(v.identity);
		if (!existing) return false;
		return this.resumeMove(existing, arrivalOf(c, namedMedia(c, v.post)), v.post);
	}

	/** Files the post, or returns milliseconds to wait when a media file may still be being written. */
	private async ingest(
		layout: FolderLayout,
		c: Candidate,
		folderDefaults: unknown,
	): Promise<number | undefined> {
		const { store, log, config } = this.opts;
		const now = this.now();
		const v = await validateCandidate(c, folderDefaults, config, now);
		if (!v.ok && v.incompleteMedia) {
			const hold = this.holdRecent(v.incompleteMedia);
			if (hold !== undefined) return hold;
		}
		// Named media not there yet: wait for it (the watcher rescans when it lands; a minute at most between looks).
		if (!v.ok && v.missingMedia && v.missingMedia.length === v.errors.length) {
			const hold = this.holdRecent([c.sidecarPath], NAMED_MEDIA_WAIT_MS);
			if (hold !== undefined) return Math.min(hold, 60_000);
		}
		// A single-file sidecar may name its media in "media": those files move with it (they were
		// left in the inbox, and the upload then failed "file does not exist" forever).
		const named = v.ok ? namedMedia(c, v.post) : [];
		// Those files were not watched with the sidecar: they too must stay unchanged for stableMs,
		// or a file still being rewritten is posted in its first version.
		const unwatched = named.filter((p) => !c.mediaPaths.includes(p));
		if (!this.stability.stable(unwatched)) return this.stability.waitFor(unwatched);
		this.stability.forget(unwatched); // they move with the post now
		const arrival = arrivalOf(c, named);
		if (!v.ok) {
			const dest = rejectArrival(layout, arrival, v.errors, now);
			store.event(
				null,
				null,
				'error',
				`${c.name}: ${v.errors.map((e) => `${e.path ?? ''} ${e.message}`.trim()).join('; ')}`,
			);
			log.log('warn', `rejected ${c.name}: ${v.errors[0].message}`, {
				path: v.errors[0].path,
				movedTo: dest,
			});
			this.opts.onRejected?.(c.name, dest, v.errors);
			return undefined;
		}
		const existing = store.itemByIdentity(v.identity);
		if (existing) {
			if (this.resumeMove(existing, arrival, v.post)) return undefined;
			const dest = setAsideDuplicate(layout, arrival, {
				id: existing.id,
				state: existing.state,
				location: existing.final_dir ?? existing.work_dir,
			});
			store.event(existing.id, null, 'info', `re-drop of ${c.name} ignored (duplicate)`);
			log.log('info', `duplicate of ${existing.id}: ${c.name}`, { movedTo: dest });
			return undefined;
		}
		const id = v.identity.slice(0, 12);
		const workDir = join(layout.processing, id);
		const targetState: TargetState = v.skip ? 'skipped' : 'pending';
		store.insertItem(
			{
				id,
				identity: v.identity,
				name: c.name,
				folder: layout.root,
				work_dir: workDir,
				post: JSON.stringify(v.post),
			},
			v.post.targets.map((t) => ({
				label: t.label,
				key_name: t.keyName,
				service: t.service,
				account_id: t.accountId,
				platform: t.platform,
				state: targetState,
			})),
		);
		enterProcessing(arrival, workDir);
		if (this.checkArrived(id, v.post, workDir)) return undefined;
		log.log('info', `queued ${c.name}`, { item: id, targets: v.post.targets.map((t) => t.label) });
		this.opts.onQueued?.(id);
		return undefined;
	}

	/**
	 * After the move into .processing/: a file replaced or written to since it was validated ends
	 * the post before anything is sent, in failed/ with error.json naming the file. True when it did.
	 */
	private checkArrived(id: string, post: PostRecord, workDir: string): boolean {
		const changed = changedFiles(workDir, validatedFiles(post));
		if (changed.length === 0) return false;
		const { store, log } = this.opts;
		const error: TargetError = {
			message: `${changed.join('; ')}, so nothing was sent`,
			fix: 'Drop the post again once nothing writes to its files any more: postspool posts only the files it checked.',
		};
		for (const t of store.targets(id))
			store.force(t.id, ['pending', 'uploading'], 'failed', { error: JSON.stringify(error) });
		const dest = finalizeItem(store, id, this.now());
		log.log('error', `${post.name}: ${error.message}`, { item: id, movedTo: dest });
		return true;
	}
}

/** Files a single-file sidecar names in "media": they move with it. */
function namedMedia(c: Candidate, post: PostRecord): string[] {
	return c.kind === 'file' ? post.media.map((m) => join(c.sidecarPath, '..', m.name)) : [];
}

/** The candidate as it moves out of the inbox: its own paths and the media it names. */
function arrivalOf(c: Candidate, named: string[]): Arrival {
	return {
		name: c.name,
		movePaths: [...new Set([...named, ...c.movePaths])],
		folderPost: c.kind === 'folder',
	};
}
