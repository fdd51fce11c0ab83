/**
 * The running daemon: one instance per state directory. Watcher events are hints that trigger a
 * rescan; a full rescan also runs at startup and every `rescanMs`. Post due-times live in SQLite
 * and one timer is re-armed to the next one; node-cron only runs housekeeping.
 *
 * Why one file over 450 lines: it is the process's lifecycle (lock, leases, watcher, rescans, the
 * pump, disk-full pause, tracking and notification timers, shutdown) and every part shares the
 * same start/stop state; the work itself lives in intake/, pipeline/, outcomes/ and notify/.
 */
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import cron from 'node-cron';
import { PostFastClient } from './api/postfast';
import { PostSiderClient } from './api/postsider';
import { Budgets } from './budget/budgets';
import { type LimitTable, limitTable, postfastLimits, postsiderLimits } from './budget/limits';
import { type LoadedConfig, resolveApiKey } from './config/load';
import type { Config } from './config/schema';
import { Intake } from './intake/ingest';
import { recoverUnknown } from './intake/recover';
import { isIgnoredName } from './intake/scan';
import { layoutOf } from './journey/layout';
import type { Logger } from './log';
import { finalizeItem, recoverMoves } from './journey/settle';
import { Notifier } from './notify/notifier';
import { Tracker } from './outcomes/tracker';
import { DEFAULT_IMAGES_PER_REQUEST } from './pipeline/batch-rule';
import { type ClientSet, Worker, type WorkerOptions } from './pipeline/worker';
import { type Db, dbPath, openDb, tighten } from './state/db';
import { HEARTBEAT_MS, type Lease, acquireLease } from './state/lease';
import { isDiskFull } from './state/disk';
import { acquireLock } from './state/lock';
import { Store } from './state/store';

/** How often the daemon looks for changes other processes (the CLI) committed. */
const CLI_POLL_MS = 500;
/** How often a paused daemon checks whether disk space is back. */
const DISK_PROBE_MS = 2_000;

/** A missing or empty database file: this start creates the queue from nothing. */
function isFreshDb(path: string): boolean {
	try {
		return statSync(path).size === 0;
	} catch {
		return true;
	}
}

/** What a drop folder holds from earlier runs (done/, failed/, .processing/), for the fresh-database warning. */
export function folderHistory(layout: ReturnType<typeof layoutOf>): string[] {
	const entries = (dir: string) => {
		try {
			return readdirSync(dir).filter((n) => !n.startsWith('.'));
		} catch {
			return [];
		}
	};
	const count = (dir: string) => entries(dir).length;
	// done/ holds posts one level down: done/YYYY-MM/<name>/ and done/duplicates/<name>/.
	const posts = (dir: string) => entries(dir).reduce((n, sub) => n + count(join(dir, sub)), 0);
	return (
		[
			['.processing/', count(layout.processing)],
			['done/', posts(layout.done)],
			['failed/', count(layout.failed)],
		] as const
	)
		.filter(([, n]) => n > 0)
		.map(([name, n]) => `${n} in ${name}`);
}

export function limitsForKey(config: Config, keyName: string): LimitTable | undefined {
	const key = config.keys[keyName];
	if (!key) return undefined;
	const o = config.budgets[keyName] ?? {};
	if (key.service === 'postsider')
		return postsiderLimits({ apiLimit: key.apiLimit, reservePerMinute: o.reservePerMinute });
	return postfastLimits({
		profile: key.profile,
		reserveDaily: o.reserveDaily,
		accountDailyCaps: o.accountDailyCaps,
	});
}

export function createBudgets(db: Db, config: Config, now: () => number): Budgets {
	return new Budgets(db, {
		now,
		limits: limitTable(),
		limitsForKey: (k) => limitsForKey(config, k),
	});
}

/** API clients per key name, created on first use (keys are read then, never stored). */
export function createClients(
	loaded: LoadedConfig,
	env: NodeJS.ProcessEnv,
	now: () => number,
): ClientSet {
	const ps = new Map<string, PostSiderClient>();
	const pf = new Map<string, PostFastClient>();
	const userAgent = 'postspool-daemon/0.1';
	const timeouts = {
		timeoutMs: loaded.config.requestTimeoutMs,
		uploadIdleTimeoutMs: Math.max(120_000, loaded.config.requestTimeoutMs),
	};
	return {
		postsider(name) {
			let c = ps.get(name);
			if (!c) {
				const key = loaded.config.keys[name];
				c = new PostSiderClient({
					baseUrl: key.baseUrl,
					apiKey: resolveApiKey(name, key, loaded.path, env),
					now,
					userAgent,
					...timeouts,
				});
				ps.set(name, c);
			}
			return c;
		},
		postfast(name) {
			let c = pf.get(name);
			if (!c) {
				const key = loaded.config.keys[name];
				c = new PostFastClient({
					baseUrl: key.baseUrl,
					apiKey: resolveApiKey(name, key, loaded.path, env),
					now,
					userAgent,
					...timeouts,
				});
				pf.set(name, c);
			}
			return c;
		},
		imagesPerRequest(name) {
			return (
				limitsForKey(loaded.config, name)?.perRequest.postfastImageUrlsPerRequest ??
				DEFAULT_IMAGES_PER_REQUEST
			);
		},
	};
}

export interface DaemonOptions {
	loaded: LoadedConfig;
	log: Logger;
	env?: NodeJS.ProcessEnv;
	now?(): number;
	/** Targets worked on at once. */
	concurrency?: number;
	/** Exit once the queue is empty and nothing is waiting in an inbox (demo, tests). */
	once?: boolean;
	/** Retry backoff for 5xx and network errors (default 2 s doubling to 10 min, full jitter). */
	backoff?: WorkerOptions['backoff'];
	/** The daemon cannot go on (its folder lease was taken over): the caller stops it. */
	onFatal?(message: string): void;
}

export class Daemon {
	private db!: Db;
	private store!: Store;
	private budgets!: Budgets;
	private intake!: Intake;
	private worker!: Worker;
	private releaseLock?: () => void;
	private leases: Lease[] = [];
	private tracker?: Tracker;
	private notifier!: Notifier;
	private trackTimer?: NodeJS.Timeout;
	private tracking?: Promise<void>;
	private readonly heartbeatWarned = new Set<string>();
	private watcher?: FSWatcher;
	private timers: NodeJS.Timeout[] = [];
	private dueTimer?: NodeJS.Timeout;
	private scanTimer?: NodeJS.Timeout;
	private debounce?: NodeJS.Timeout;
	private cronTask?: { stop(): void | Promise<void> };
	private active = new Map<number, Promise<void>>();
	private stopping = false;
	/**
	 * No work starts before the startup scan has finished: a post committed just before a crash may
	 * still have its files in the inbox, and the scan moves them in ("resumed intake"). A worker
	 * claiming it first would find no file and fail the post (found by the kill -9 run).
	 */
	private scanned = false;
	/** Set while the disk is full: the probe timer that resumes work. */
	private diskFull?: NodeJS.Timeout;
	/** When the disk filled: posts settled since then are finished when space returns. */
	private diskFullSince?: number;
	private readonly now: () => number;
	private idleResolve?: () => void;
	readonly owner = `${hostname()}:${process.pid}`;
	private watcherState: { backend: string; error?: string } = { backend: 'starting' };

	constructor(private readonly o: DaemonOptions) {
		this.now = o.now ?? Date.now;
	}

	get stateDir(): string {
		return this.o.loaded.stateDir;
	}

	/** The live budgets, for reading only (the dashboard's bars and ETAs); set once started. */
	get budgetsView(): Budgets {
		return this.budgets;
	}

	/**
	 * Starts the daemon. A start that fails part way (a bad folder, a lease held by another daemon,
	 * an unreadable key) undoes what it took — lock, leases, database, timers — before it throws, so
	 * the next start in this process (or another) finds nothing left behind.
	 */
	async start(): Promise<void> {
		try {
			await this.startNow();
		} catch (err) {
			await this.stop(0).catch(() => undefined);
			throw err;
		}
	}

	private async startNow(): Promise<void> {
		const { loaded, log } = this.o;
		const config = loaded.config;
		mkdirSync(loaded.stateDir, { recursive: true, mode: 0o700 });
		// An existing state dir is tightened too: it holds the queue (post texts) and the database.
		tighten(loaded.stateDir, 0o700);
		this.releaseLock = acquireLock(loaded.stateDir);
		const freshDb = isFreshDb(dbPath(loaded.stateDir));
		this.db = openDb(loaded.stateDir);
		this.store = new Store(this.db, this.now);
		this.budgets = createBudgets(this.db, config, this.now);
		for (const f of config.folders) {
			const l = layoutOf(f.path);
			for (const d of [l.inbox, l.done, l.failed]) mkdirSync(d, { recursive: true });
			// Only the daemon works in .processing/: nobody else may swap files in there.
			mkdirSync(l.processing, { recursive: true, mode: 0o700 });
			tighten(l.processing, 0o700);
		}
		// One folder, one daemon: a second daemon (another config, another host) is refused.
		for (const f of config.folders)
			this.leases.push(
				acquireLease(f.path, loaded.stateDir, {
					now: this.now,
					onTakeover: (message) => log.log('warn', message),
				}),
			);
		this.timers.push(
			setInterval(() => {
				for (const l of this.leases) {
					let kept: boolean;
					try {
						kept = this.stopping || l.heartbeat();
					} catch (err) {
						// A heartbeat that cannot be written (a full drop folder disk) is not a lost lease.
						if (isDiskFull(err)) this.pauseForDisk(err);
						else this.warnHeartbeat(l.folder, err);
						continue;
					}
					if (kept) {
						this.heartbeatWarned.delete(l.folder);
						continue;
					}
					const message = `the lease of the drop folder ${l.folder} was taken over by another daemon; stopping so the two do not post twice`;
					log.log('error', message);
					this.o.onFatal?.(message);
					return;
				}
			}, HEARTBEAT_MS),
		);
		recoverMoves(this.store, this.now());
		// Posts in .processing/ the database does not know (it was lost while stopped): recovered
		// without a duplicate, or set aside for review (intake/recover.ts).
		for (const f of config.folders)
			await recoverUnknown(
				{ config, store: this.store, log, now: this.now() },
				layoutOf(f.path),
				f.defaults,
			);
		const hook = config.notify.webhook;
		this.notifier = new Notifier({
			db: this.db,
			config: config.notify,
			secret: hook?.secret
				? resolveApiKey(
						'notify.webhook.secret',
						{ apiKey: hook.secret } as never,
						loaded.path,
						this.o.env ?? process.env,
					)
				: undefined,
			log,
			now: this.now,
			env: this.o.env,
		});
		if (freshDb)
			for (const f of config.folders) {
				const history = folderHistory(layoutOf(f.path));
				if (history.length > 0)
					log.log(
						'warn',
						`the state database ${dbPath(loaded.stateDir)} is new, but the drop folder ${f.path} already has a history (${history.join(', ')}): postspool does not remember those posts, so one dropped again is posted again. If the database was lost, restore it from a backup before dropping old posts`,
					);
			}
		// Leases of a previous process are void: it is gone (we hold the lock).
		this.store.clearLeases();
		// Items whose targets all settled but that were not moved yet (a crash in between).
		for (const id of this.store.unfinalizedIds()) finalizeItem(this.store, id, this.now());
		this.worker = new Worker({
			store: this.store,
			budgets: this.budgets,
			clients: createClients(loaded, this.o.env ?? process.env, this.now),
			log,
			owner: this.owner,
			maxAttempts: config.maxAttempts,
			now: this.now,
			backoff: this.o.backoff ?? { baseMs: config.backoffMs, capMs: config.backoffCapMs },
			onSettled: (itemId) => {
				// An accepted post is followed from its publish time on: enroll it now.
				this.trackNow();
				const dest = finalizeItem(this.store, itemId, this.now());
				if (dest) this.notifySettled(itemId, dest);
				if (dest)
					log.log('info', `${basename(dest)} → ${dest}`, {
						item: itemId,
						state: this.store.item(itemId)?.state,
					});
			},
		});
		if (config.tracking.enabled)
			this.tracker = new Tracker({
				store: this.store,
				budgets: this.budgets,
				clients: createClients(loaded, this.o.env ?? process.env, this.now),
				limitsFor: (k) => limitsForKey(config, k),
				log,
				now: this.now,
				share: config.tracking.share,
				firstCheckMs: config.tracking.firstCheckMs,
				onOutcome: (e) =>
					this.notifier.emit({
						...e,
						...(e.type === 'publish-failed' ? { retry: `postspool retry ${e.item}` } : {}),
					}),
			});
		this.intake = new Intake({
			config,
			store: this.store,
			log,
			now: this.now,
			onQueued: (id) => {
				const item = this.store.item(id);
				if (item)
					this.notifier.emit({ type: 'queued', item: id, name: item.name, folder: item.work_dir });
				this.pump();
			},
			onRejected: (name, folder, errors) =>
				this.notifier.emit({
					type: 'failed',
					name,
					folder,
					reason: errors
						.map((e) => `${e.path ? `${e.path}: ` : ''}${e.message}${e.fix ? ` (${e.fix})` : ''}`)
						.join('; '),
				}),
		});
		if (!config.watch) this.watcherState = { backend: 'none (rescans only)' };
		this.timers.push(setInterval(() => this.rescan(), config.rescanMs));
		this.timers.push(setInterval(() => this.writeStatus(), 5_000));
		// A CLI command (retry, cancel, …) commits to the same database from another process: SQLite's
		// data_version changes then (never for this connection's own commits), and the queue is
		// looked at again within CLI_POLL_MS.
		let seen = this.db.pragma('data_version', { simple: true });
		this.timers.push(
			setInterval(() => {
				if (this.stopping) return;
				const now = this.db.pragma('data_version', { simple: true });
				if (now === seen) return;
				seen = now;
				this.pump();
			}, CLI_POLL_MS),
		);
		// Housekeeping only: prune old events nightly. Due times are in SQLite, not in cron.
		this.cronTask = cron.schedule('17 3 * * *', () => {
			const n = this.store.prune(30 * 86_400_000);
			log.log('info', `housekeeping: pruned ${n} old events`);
		});
		log.log('info', 'postspool started', {
			stateDir: loaded.stateDir,
			folders: config.folders.map((f) => f.path),
			pid: process.pid,
		});
		await this.rescan();
		this.scanned = true;
		// The watcher starts once the startup scan has emptied the inbox: it then does not track
		// (and see leave) every post that was waiting. Anything dropped meanwhile is found by the
		// rescan its 'ready' triggers.
		if (config.watch && !this.stopping) this.startWatcher(config);
		this.notifier.start();
		this.pump();
		this.trackNow();
		this.writeStatus();
	}

	/** A failed or parked item: one event, with every failed target's reason and the retry command. */
	private notifySettled(itemId: string, folder: string): void {
		const item = this.store.item(itemId);
		if (!item || (item.state !== 'failed' && item.state !== 'needs-review')) return;
		const bad = this.store
			.targets(itemId)
			.filter((t) => t.state === 'failed' || t.state === 'needs-review');
		this.notifier.emit({
			type: item.state,
			item: itemId,
			name: item.name,
			folder,
			target: bad.map((t) => t.label).join(', '),
			reason: bad
				.map(
					(t) =>
						`${t.label}: ${(JSON.parse(t.error ?? '{}') as { message?: string }).message ?? t.state}`,
				)
				.join('; '),
			retry: `postspool retry ${itemId}`,
		});
	}

	/**
	 * Publish tracking: one pass over the due posts, then the timer is re-armed to the next look (at
	 * most a minute away, so newly accepted posts are enrolled). Never holds the pipeline up.
	 */
	trackNow(): void {
		if (this.stopping || !this.tracker || this.tracking) return;
		clearTimeout(this.trackTimer);
		this.tracking = this.tracker
			.tick()
			.catch((err) => {
				this.o.log.log('warn', `publish tracking: ${(err as Error).message}`);
				return undefined;
			})
			.then((next) => {
				this.tracking = undefined;
				if (this.stopping) return;
				const delay = Math.min(Math.max((next ?? Infinity) - this.now(), 1000), 60_000);
				this.trackTimer = setTimeout(() => this.trackNow(), delay);
			});
	}

	private startWatcher(config: Config): void {
		const roots = config.folders.map((f) => layoutOf(f.path).inbox);
		try {
			this.watcher = watch(roots, {
				ignoreInitial: true,
				depth: 3,
				// Events are only hints for a rescan: no 100 ms hold per unlink to pair editor saves.
				atomic: false,
				ignored: (p) => isIgnoredName(basename(p)) && !roots.includes(p),
				// A linked folder in an inbox is refused, never watched (it could be all of /usr).
				followSymlinks: false,
				...(config.polling ? { backend: 'polling' as const, pollingInterval: 1000 } : {}),
			});
			this.watcherState = { backend: config.polling ? 'polling' : 'native' };
			this.watcher.on('all', () => this.hint());
			// Files that arrive during the watcher's initial scan raise no event: rescan once it is ready.
			this.watcher.on('ready', () => this.hint());
			this.watcher.on('error', (err) => {
				const e = err as NodeJS.ErrnoException;
				const fix =
					e.code === 'ENOSPC'
						? 'the inotify watch limit is reached: raise fs.inotify.max_user_watches (sysctl), or set "polling": true'
						: e.code === 'EMFILE'
							? 'too many open files: raise the limit (ulimit -n) or set "polling": true'
							: 'set "polling": true if the folder is on a network share';
				this.watcherState = {
					backend: this.watcherState.backend,
					error: `${e.code ?? e.message}: ${fix}`,
				};
				this.o.log.log(
					'warn',
					`file watcher error (${e.code ?? e.message}); rescans every ${config.rescanMs / 1000} s still find new posts — ${fix}`,
				);
			});
		} catch (err) {
			this.watcherState = { backend: 'none', error: (err as Error).message };
			this.o.log.log(
				'warn',
				`file watcher unavailable (${(err as Error).message}); relying on rescans every ${config.rescanMs / 1000} s`,
			);
		}
	}

	/** A watcher event: rescan soon (debounced); the scan decides what is real. */
	private hint(): void {
		if (this.stopping) return;
		// A burst of thousands of events re-arms one timer instead of creating one per event.
		if (this.debounce) this.debounce.refresh();
		else
			this.debounce = setTimeout(() => {
				this.debounce = undefined;
				void this.rescan();
			}, 250);
	}

	private async rescan(): Promise<void> {
		if (this.stopping || this.diskFull) return;
		try {
			const wait = await this.intake.scan();
			clearTimeout(this.scanTimer);
			if (wait !== undefined && !this.stopping)
				this.scanTimer = setTimeout(() => void this.rescan(), wait);
		} catch (err) {
			if (isDiskFull(err)) return this.pauseForDisk(err);
			this.o.log.log('error', `scan failed: ${(err as Error).message}`);
		}
		this.checkIdle();
	}

	/**
	 * The disk is full: no intake and no new work (each would fail half way) until a probe write
	 * succeeds again; said once in the log, and once more when work resumes.
	 */
	private pauseForDisk(err: unknown): void {
		if (this.diskFull || this.stopping) return;
		this.diskFull = setInterval(() => this.probeDisk(), DISK_PROBE_MS);
		this.diskFullSince = this.now();
		clearTimeout(this.dueTimer);
		this.o.log.log(
			'error',
			`the disk is full (${(err as Error).message}); intake and work are paused until space is freed under ${this.stateDir} or the drop folder. Nothing is lost: posts wait where they are`,
		);
	}

	/** A heartbeat write failed for another reason than a full disk: said once per folder. */
	private warnHeartbeat(folder: string, err: unknown): void {
		if (this.heartbeatWarned.has(folder)) return;
		this.heartbeatWarned.add(folder);
		this.o.log.log(
			'warn',
			`cannot rewrite the lease of the drop folder ${folder} (${(err as Error).message}); the daemon keeps working and tries again every ${HEARTBEAT_MS / 1000} s`,
		);
	}

	private probeDisk(): void {
		try {
			// A write that needs a page of free space, undone at once.
			this.db.transaction(() => {
				this.db.exec(
					`CREATE TABLE IF NOT EXISTS space_probe (x BLOB); INSERT INTO space_probe VALUES (randomblob(8192)); DELETE FROM space_probe`,
				);
			})();
			// The drop folders too: they may be on another file system (error.json, the lease).
			for (const f of this.o.loaded.config.folders) {
				const probe = join(f.path, `.postspool-space-probe.${process.pid}.tmp`);
				try {
					writeFileSync(probe, Buffer.alloc(8192));
				} finally {
					rmSync(probe, { force: true });
				}
			}
		} catch {
			return; // still full
		}
		clearInterval(this.diskFull);
		this.diskFull = undefined;
		this.o.log.log('info', 'disk space is back: intake and work resume');
		// Posts that settled while the disk was full may lack receipt.json or error.json, or their move.
		try {
			recoverMoves(this.store, this.now(), (this.diskFullSince ?? this.now()) - 60_000);
		} catch (err) {
			if (isDiskFull(err)) return this.pauseForDisk(err);
			this.o.log.log(
				'error',
				`could not finish the posts settled while the disk was full: ${(err as Error).message}`,
			);
		}
		void this.rescan();
		this.pump();
	}

	/** Starts work on due targets up to the concurrency; re-arms the one timer for the next due time. */
	pump(): void {
		if (this.stopping || this.diskFull || !this.scanned) return;
		try {
			this.pumpNow();
		} catch (err) {
			if (!isDiskFull(err)) throw err;
			this.pauseForDisk(err);
		}
	}

	private pumpNow(): void {
		const limit = this.o.concurrency ?? 2;
		while (this.active.size < limit) {
			const t = this.store.claim(this.owner, 5 * 60_000, new Set(this.active.keys()));
			if (!t) break;
			const run = this.worker
				.work(t)
				.catch((err) =>
					isDiskFull(err)
						? this.pauseForDisk(err)
						: this.o.log.log('error', `worker: ${(err as Error).message}`),
				)
				.finally(() => {
					this.active.delete(t.id);
					this.pump();
				});
			this.active.set(t.id, run);
		}
		clearTimeout(this.dueTimer);
		const next = this.store.nextDueAt();
		if (next !== undefined && !this.stopping) {
			// setTimeout holds at most ~24.8 days; re-arming on wake handles longer waits.
			const delay = Math.min(Math.max(next - this.now(), 10), 2 ** 31 - 1);
			this.dueTimer = setTimeout(() => this.pump(), delay);
		}
		this.checkIdle();
	}

	private checkIdle(): void {
		if (!this.o.once || !this.idleResolve || this.active.size > 0) return;
		// This runs after every pump and scan.
		const live = this.store.hasLiveTargets();
		const waiting = this.intake.stability
			? this.o.loaded.config.folders.some((f) => this.hasInboxContent(layoutOf(f.path).inbox))
			: false;
		if (!live && !waiting) this.idleResolve();
	}

	private hasInboxContent(inbox: string): boolean {
		try {
			return readdirSync(inbox).some((n) => !isIgnoredName(n) && n !== '_defaults.json');
		} catch {
			return false;
		}
	}

	/** Resolves when the queue is empty and the inboxes hold nothing (for `run --once`). */
	idle(): Promise<void> {
		return new Promise((resolve) => {
			this.idleResolve = resolve;
			this.checkIdle();
		});
	}

	/** A snapshot for `status` while the daemon runs (the CLI must not touch live budget rows). */
	private writeStatus(): void {
		if (this.stopping && !this.db?.open) return;
		try {
			const keys = Object.keys(this.o.loaded.config.keys);
			const snapshot = {
				pid: process.pid,
				at: new Date(this.now()).toISOString(),
				watcher: this.watcherState,
				folders: this.o.loaded.config.folders.map((f) => f.path),
				inFlight: this.active.size,
				budgets: Object.fromEntries(keys.map((k) => [k, this.budgets.status(k)])),
			};
			writeFileSync(join(this.stateDir, 'status.json'), JSON.stringify(snapshot));
		} catch {
			/* best effort */
		}
	}

	/** Graceful stop: no new work, in-flight calls get up to `graceMs` to finish, state committed. */
	async stop(graceMs = 20_000): Promise<void> {
		if (this.stopping) return;
		this.stopping = true;
		for (const t of this.timers) clearInterval(t);
		clearInterval(this.diskFull);
		clearTimeout(this.dueTimer);
		clearTimeout(this.scanTimer);
		clearTimeout(this.debounce);
		clearTimeout(this.trackTimer);
		// Each step is bounded: a watcher or a scan that never settles (seen once in CI, with a
		// drop folder swapping links thousands of times) must not keep the daemon from stopping.
		const bounded = (p: unknown, ms: number) =>
			Promise.race([
				Promise.resolve(p).catch(() => undefined),
				new Promise((r) => setTimeout(r, ms).unref()),
			]);
		await bounded(this.cronTask?.stop(), 2_000);
		await bounded(this.watcher?.close(), 5_000);
		await bounded(this.intake?.stop(), 5_000);
		const pending = [...this.active.values(), ...(this.tracking ? [this.tracking] : [])];
		if (pending.length > 0) {
			this.o.log.log('info', `stopping: waiting for ${pending.length} call(s) in flight`);
			await Promise.race([
				Promise.allSettled(pending),
				new Promise((r) => setTimeout(r, graceMs).unref()),
			]);
		}
		await this.notifier?.stop();
		// Also after a start that failed part way: only what was taken is given back.
		if (this.releaseLock) this.writeStatusFinal();
		if (this.db?.open) this.db.close();
		for (const l of this.leases) l.release();
		this.leases = [];
		this.releaseLock?.();
		this.releaseLock = undefined;
		this.o.log.log('info', 'postspool stopped');
	}

	private writeStatusFinal(): void {
		try {
			writeFileSync(
				join(this.stateDir, 'status.json'),
				JSON.stringify({ pid: null, stoppedAt: new Date(this.now()).toISOString() }),
			);
		} catch {
			/* best effort */
		}
	}
}
