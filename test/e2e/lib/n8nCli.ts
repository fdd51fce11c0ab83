/**
 * Drives the real n8n CLI: import credentials and workflows, `n8n execute --id --rawOutput`
 * (docs/n8n.md, Headless CLI runs), and `n8n start` for the editor check (docs/n8n.md, Server and REST API).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { childEnv, freePort, run, runOk, tail, type RunResult } from './proc';

export interface N8nContext {
	/** Path of the n8n CLI script (run with the current Node). */
	bin: string;
	userFolder: string;
}

/** The environment of every n8n process: offline, quiet, its own user folder and broker port. */
export async function n8nEnv(
	ctx: N8nContext,
	extra: NodeJS.ProcessEnv = {},
): Promise<NodeJS.ProcessEnv> {
	return childEnv({
		N8N_USER_FOLDER: ctx.userFolder,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_SECURE_COOKIE: 'false',
		// The task broker defaults to 5679: a second n8n on the machine (a developer's, a server
		// started by another test) would make `n8n execute` fail, so every process gets its own.
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		// Read/Write Files from Disk may read only here (n8n's default is ~/.n8n-files of the real home).
		N8N_RESTRICT_FILE_ACCESS_TO: filesFolder(ctx),
		...extra,
	});
}

/** The folder workflows may read files from (e2e fixtures put large media there). */
export function filesFolder(ctx: N8nContext): string {
	return `${ctx.userFolder}/files`;
}

export async function n8n(
	ctx: N8nContext,
	args: string[],
	timeoutMs = 180_000,
): Promise<RunResult> {
	return run(process.execPath, [ctx.bin, ...args], {
		cwd: ctx.userFolder,
		env: await n8nEnv(ctx),
		timeoutMs,
	});
}

export async function n8nOk(
	ctx: N8nContext,
	args: string[],
	timeoutMs = 180_000,
): Promise<RunResult> {
	return runOk(process.execPath, [ctx.bin, ...args], {
		cwd: ctx.userFolder,
		env: await n8nEnv(ctx),
		timeoutMs,
	});
}

/** The subset of n8n's `IRun` the tests read. */
export interface Item {
	json: Record<string, unknown>;
	binary?: Record<string, { mimeType?: string; fileName?: string; data?: string; id?: string }>;
	pairedItem?: unknown;
}
export interface TaskData {
	executionStatus?: string;
	error?: { message?: string; description?: string; [key: string]: unknown };
	data?: { main?: (Item[] | null)[] };
}
export interface IRunSubset {
	status?: string;
	data: {
		resultData: {
			runData: Record<string, TaskData[]>;
			error?: { message?: string };
			lastNodeExecuted?: string;
		};
	};
}
export interface ExecutionResult {
	code: number | null;
	/** Set when the process died of a signal (code is then null). */
	signal: NodeJS.Signals | null;
	/** The JSON n8n printed (parsed from the first line starting with `{`), if any. */
	run?: IRunSubset;
	/** Everything printed, stdout then stderr (for secret scans and failure messages). */
	output: string;
	ms: number;
}

export async function execute(ctx: N8nContext, workflowId: string): Promise<ExecutionResult> {
	const result = await n8n(ctx, ['execute', `--id=${workflowId}`, '--rawOutput'], 240_000);
	return {
		code: result.code,
		signal: result.signal,
		run: parseRun(result.stdout),
		output: `${result.stdout}\n${result.stderr}`,
		ms: result.ms,
	};
}

/**
 * `--rawOutput` still prints log lines before the JSON, and on failure an error report after it:
 * the run is the pretty-printed object from the first line starting with `{` to the first line that
 * is exactly `}` (nested braces are indented, so that line closes the top-level object).
 */
export function parseRun(stdout: string): IRunSubset | undefined {
	const lines = stdout.split('\n');
	const start = lines.findIndex((line) => line.startsWith('{'));
	const end = lines.findIndex((line, i) => i > start && line === '}');
	if (start < 0 || end < 0) return undefined;
	try {
		return JSON.parse(lines.slice(start, end + 1).join('\n')) as IRunSubset;
	} catch {
		return undefined;
	}
}

/** Each node's output items (main output 0, every run) of an execution, by node name. */
export function nodeOutputs(result: ExecutionResult): Record<string, Item[]> {
	const out: Record<string, Item[]> = {};
	for (const [name, runs] of Object.entries(result.run?.data.resultData.runData ?? {})) {
		out[name] = runs.flatMap((r) => r.data?.main?.[0] ?? []);
	}
	return out;
}

/** One output branch (0 = success, 1 = the error output) of a node, every run, by node name. */
export function nodeBranch(result: ExecutionResult, name: string, branch: number): Item[] {
	return (result.run?.data.resultData.runData[name] ?? []).flatMap(
		(r) => r.data?.main?.[branch] ?? [],
	);
}

/** A readable summary of a failed execution, for assertion messages. */
export function describeFailure(result: ExecutionResult): string {
	const errors = Object.entries(result.run?.data.resultData.runData ?? {})
		.flatMap(([name, runs]) =>
			runs
				.filter((r) => r.error)
				.map((r) => `${name}: ${r.error?.message ?? ''} ${r.error?.description ?? ''}`),
		)
		.join('\n');
	return `exit ${result.code ?? `by signal ${result.signal}`}; ${result.run?.data.resultData.error?.message ?? ''}\n${errors}\n--- output tail ---\n${tail(result.output, 30)}`;
}

export interface N8nServer {
	url: string;
	port: number;
	process: ChildProcess;
	log: () => string;
	stop(): Promise<void>;
}

/** `n8n start` on 127.0.0.1 with a free port; resolves once `/healthz/readiness` answers 200. */
export async function startServer(ctx: N8nContext, timeoutMs = 120_000): Promise<N8nServer> {
	const port = await freePort();
	const env = await n8nEnv(ctx, {
		N8N_PORT: String(port),
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: `http://127.0.0.1:${port}/`,
	});
	const child = spawn(process.execPath, [ctx.bin, 'start'], {
		cwd: ctx.userFolder,
		env,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	child.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
	child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
	const url = `http://127.0.0.1:${port}`;
	const server: N8nServer = {
		url,
		port,
		process: child,
		log: () => output,
		stop: () =>
			new Promise<void>((resolve) => {
				if (child.exitCode !== null || child.signalCode !== null) return resolve();
				const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
				child.once('exit', () => {
					clearTimeout(force);
					resolve();
				});
				child.kill('SIGTERM');
			}),
	};
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (child.exitCode !== null)
			throw new Error(
				`n8n start exited with ${child.exitCode} before it was ready:\n${tail(output)}`,
			);
		try {
			const res = await fetch(`${url}/healthz/readiness`);
			if (res.ok) return server;
		} catch {
			// not listening yet
		}
		await new Promise((r) => setTimeout(r, 500));
	}
	await server.stop();
	throw new Error(
		`n8n start did not become ready on ${url} within ${timeoutMs} ms:\n${tail(output)}`,
	);
}
