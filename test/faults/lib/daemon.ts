/**
 * The real daemon as a child process (`postspool run`, the built bin) on real folders and a real
 * SQLite file, for the fault suite and the benchmarks: write a config, drop posts, start it, kill
 * it with SIGKILL, restart it, and read its database and folders afterwards.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
	closeSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	openSync,
	readdirSync,
	readFileSync,
	renameSync,
	statSync,
	writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Emulator } from './emulators';

export const ROOT = join(__dirname, '../../..');
export const DAEMON_BIN = join(ROOT, 'daemon/dist/daemon/src/cli.js');

function newestMtime(dir: string): number {
	let newest = 0;
	for (const e of readdirSync(dir, { withFileTypes: true })) {
		const p = join(dir, e.name);
		newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
	}
	return newest;
}

/** Compiles the daemon (its own `npm run build`) unless daemon/dist is newer than every source. */
export function buildDaemon(): void {
	const sources = Math.max(
		newestMtime(join(ROOT, 'daemon/src')),
		newestMtime(join(ROOT, 'contract')),
	);
	if (existsSync(DAEMON_BIN) && statSync(DAEMON_BIN).mtimeMs >= sources) return;
	try {
		execFileSync(
			process.execPath,
			[join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'daemon/tsconfig.json')],
			{ stdio: 'pipe' },
		);
	} catch (err) {
		// tsc still emits on type errors; only a missing bin is fatal.
		if (!existsSync(DAEMON_BIN))
			throw new Error(
				`building the daemon failed (npm run build -w daemon): ${String((err as { stdout?: Buffer }).stdout ?? err)}`,
			);
	}
}

export interface Channel {
	id: string;
	platform: string;
}

/** A usable PostSider channel (enabled) of the given provider, read through the public API. */
export async function postsiderChannel(ps: Emulator, provider = 'linkedin'): Promise<Channel> {
	const res = await fetch(`${ps.baseUrl}/integrations`, { headers: { Authorization: ps.apiKey } });
	const list = (await res.json()) as Array<{ id: string; identifier: string; disabled?: boolean }>;
	const found = list.find((c) => c.identifier === provider && !c.disabled);
	if (!found) throw new Error(`the PostSider emulator has no enabled ${provider} channel`);
	return { id: found.id, platform: provider };
}

/** A usable PostFast account (not disabled) of the given platform, read through the public API. */
export async function postfastAccount(pf: Emulator, platform = 'LINKEDIN'): Promise<Channel> {
	const res = await fetch(`${pf.baseUrl}/social-media/my-social-accounts`, {
		headers: { 'pf-api-key': pf.apiKey },
	});
	const list = (await res.json()) as Array<{
		id: string;
		platform: string;
		connectionStatus?: string;
		disabledReason?: string | null;
	}>;
	const found = list.find(
		(a) => a.platform === platform && a.connectionStatus !== 'DISABLED' && !a.disabledReason,
	);
	if (!found) throw new Error(`the PostFast emulator has no usable ${platform} account`);
	return { id: found.id, platform: platform.toLowerCase() };
}

export interface RigOptions {
	ps?: Emulator;
	pf?: Emulator;
	/** PostSider API_LIMIT the emulator was started with (the daemon's budget uses the same). */
	psApiLimit?: number;
	pfProfile?: 'vendor' | 'current';
	accounts?: Record<string, { key: 'ps' | 'pf'; id: string; platform: string }>;
	stableMs?: number;
	rescanMs?: number;
	maxAttempts?: number;
	extraConfig?: Record<string, unknown>;
	dir?: string;
	/** Run the daemon as this user id (and its group): as root, chmod 000 does not stop reading. */
	runAs?: { uid: number; gid: number };
}

export interface Spawned {
	child: ChildProcess;
	exited: Promise<number | null>;
}

export class DaemonRig {
	readonly dir: string;
	readonly drop: string;
	readonly inbox: string;
	readonly stateDir: string;
	readonly configPath: string;
	readonly logPath: string;
	readonly env: NodeJS.ProcessEnv;
	private current?: Spawned;
	starts = 0;

	constructor(readonly o: RigOptions) {
		this.dir = o.dir ?? mkdtempSync(join(tmpdir(), 'postspool-faults-'));
		this.drop = join(this.dir, 'drop');
		this.inbox = join(this.drop, 'inbox');
		this.stateDir = join(this.dir, 'state');
		this.configPath = join(this.dir, 'config.jsonc');
		this.logPath = join(this.dir, 'daemon.log');
		mkdirSync(this.inbox, { recursive: true });
		const keys: Record<string, unknown> = {};
		if (o.ps)
			keys.ps = {
				service: 'postsider',
				baseUrl: o.ps.baseUrl,
				apiKey: { env: 'FAULTS_PS_KEY' },
				...(o.psApiLimit ? { apiLimit: o.psApiLimit } : {}),
			};
		if (o.pf)
			keys.pf = {
				service: 'postfast',
				baseUrl: o.pf.baseUrl,
				apiKey: { env: 'FAULTS_PF_KEY' },
				profile: o.pfProfile ?? 'vendor',
			};
		const config = {
			version: 1,
			stateDir: this.stateDir,
			keys,
			accounts: o.accounts ?? {},
			folders: [{ path: this.drop }],
			stableMs: o.stableMs ?? 300,
			rescanMs: o.rescanMs ?? 1000,
			maxAttempts: o.maxAttempts ?? 50,
			...o.extraConfig,
		};
		writeFileSync(this.configPath, JSON.stringify(config, null, '\t'));
		this.env = {
			...process.env,
			FAULTS_PS_KEY: o.ps?.apiKey ?? '',
			FAULTS_PF_KEY: o.pf?.apiKey ?? '',
			NO_COLOR: '1',
		};
	}

	/** Starts `postspool run` in the background; its JSON log lines are appended to daemon.log. */
	start(extraArgs: string[] = []): Spawned {
		if (
			this.current &&
			this.current.child.exitCode === null &&
			this.current.child.signalCode === null
		)
			throw new Error('the daemon is already running');
		const out = openSync(this.logPath, 'a');
		if (this.o.runAs)
			execFileSync('chown', ['-R', `${this.o.runAs.uid}:${this.o.runAs.gid}`, this.dir]);
		const child = spawn(
			process.execPath,
			[DAEMON_BIN, 'run', '--config', this.configPath, '--json', ...extraArgs],
			{
				cwd: this.dir,
				env: this.env,
				stdio: ['ignore', out, out],
				...(this.o.runAs ?? {}),
			},
		);
		closeSync(out);
		const exited = new Promise<number | null>((resolve) =>
			child.once('exit', (code) => resolve(code)),
		);
		this.current = { child, exited };
		this.starts++;
		return this.current;
	}

	get pid(): number | undefined {
		return this.current?.child.pid;
	}

	get running(): boolean {
		return (
			!!this.current &&
			this.current.child.exitCode === null &&
			this.current.child.signalCode === null
		);
	}

	async kill9(): Promise<void> {
		if (!this.current || !this.running) return;
		this.current.child.kill('SIGKILL');
		await this.current.exited;
	}

	async stop(): Promise<number | null> {
		if (!this.current || !this.running) return this.current?.child.exitCode ?? null;
		this.current.child.kill('SIGTERM');
		return this.current.exited;
	}

	/** Writes media first, then the sidecar through tmp + rename (the drop-folder convention). */
	dropPost(
		name: string,
		sidecar: unknown,
		media: Record<string, Buffer> = {},
		opts: { folder?: boolean } = {},
	): void {
		if (opts.folder) {
			const tmp = join(this.inbox, `.${name}.partial`);
			mkdirSync(tmp, { recursive: true });
			for (const [file, data] of Object.entries(media)) writeFileSync(join(tmp, file), data);
			writeFileSync(join(tmp, 'post.json'), JSON.stringify(sidecar));
			renameSync(tmp, join(this.inbox, name));
			return;
		}
		for (const [file, data] of Object.entries(media)) writeFileSync(join(this.inbox, file), data);
		const tmp = join(this.inbox, `.${name}.json.tmp`);
		writeFileSync(tmp, typeof sidecar === 'string' ? sidecar : JSON.stringify(sidecar));
		renameSync(tmp, join(this.inbox, `${name}.json`));
	}

	/** Read-only view of the state database (works while the daemon runs: WAL). */
	query<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T[] {
		if (!existsSync(join(this.stateDir, 'postspool.sqlite'))) return [];
		const db = new Database(join(this.stateDir, 'postspool.sqlite'), {
			readonly: true,
			fileMustExist: true,
		});
		try {
			db.pragma('busy_timeout = 5000');
			return db.prepare(sql).all(...params) as T[];
		} catch (err) {
			// A daemon killed before its first migration leaves an empty database file.
			if (/no such table/.test((err as Error).message)) return [];
			throw err;
		} finally {
			db.close();
		}
	}

	itemStates(): Record<string, number> {
		const rows = this.query<{ state: string; n: number }>(
			'SELECT state, count(*) AS n FROM items GROUP BY state',
		);
		return Object.fromEntries(rows.map((r) => [r.state, r.n]));
	}

	integrityCheck(): string {
		const db = new Database(join(this.stateDir, 'postspool.sqlite'), { fileMustExist: true });
		try {
			return (db.pragma('integrity_check') as Array<{ integrity_check: string }>)
				.map((r) => r.integrity_check)
				.join('; ');
		} finally {
			db.close();
		}
	}

	/** Every `error.json` under failed/, with the folder it is in. */
	errorFiles(): Array<{
		dir: string;
		name: string;
		body: { name: string; errors: Array<{ path?: string; message: string; fix?: string }> };
	}> {
		const failed = join(this.drop, 'failed');
		if (!existsSync(failed)) return [];
		return readdirSync(failed)
			.filter((d) => existsSync(join(failed, d, 'error.json')))
			.map((d) => ({
				dir: join(failed, d),
				name: d,
				body: JSON.parse(readFileSync(join(failed, d, 'error.json'), 'utf8')),
			}));
	}

	/** Names of posts that reached done/ (done/YYYY-MM/<name>/receipt.json). */
	doneNames(): string[] {
		const done = join(this.drop, 'done');
		if (!existsSync(done)) return [];
		return readdirSync(done).flatMap((m) =>
			readdirSync(join(done, m)).filter((d) => existsSync(join(done, m, d, 'receipt.json'))),
		);
	}

	inboxEntries(): string[] {
		return readdirSync(this.inbox).filter((n) => !n.startsWith('.'));
	}

	logText(): string {
		return existsSync(this.logPath) ? readFileSync(this.logPath, 'utf8') : '';
	}
}

/** Polls until `check` returns true, or throws with `describe()` after `timeoutMs`. */
export async function waitFor(
	check: () => boolean | Promise<boolean>,
	timeoutMs: number,
	describe: () => string,
	everyMs = 100,
): Promise<void> {
	const until = Date.now() + timeoutMs;
	for (;;) {
		if (await check()) return;
		if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms: ${describe()}`);
		await new Promise((r) => setTimeout(r, everyMs));
	}
}

/** A unique token to put in a post's text and find again in the emulators' stored posts. */
let seq = 0;
export function marker(): string {
	seq++;
	// base36 digits are lower case, so the upper-case M…Z frame is unambiguous.
	return `M${Date.now().toString(36).slice(-5)}${seq.toString(36).padStart(4, '0')}${Math.floor(Math.random() * 36 ** 3).toString(36)}Z`;
}
