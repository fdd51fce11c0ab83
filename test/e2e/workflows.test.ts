/**
 * The example workflows users import (examples/workflows/*.json) and the e2e-only fixtures
 * (test/e2e/workflows/*.json), run by a real n8n 2.41.1 with `n8n execute` against both emulators.
 *
 * Every workflow: exit 0, every node of ours ran and succeeded, every output item is paired, and no
 * API key or OAuth token appears in anything n8n printed or stored. Then each workflow's effect is
 * checked in the emulators: their request logs and their state, read back through the public API.
 */
import { createHash } from 'node:crypto';
import {
	closeSync,
	createReadStream,
	mkdirSync,
	openSync,
	readFileSync,
	readdirSync,
	rmSync,
	writeFileSync,
	writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { mp4Head } from '../faults/lib/media';
import { keyFingerprint } from '../../emulators/src/index';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
	apiKeysOf,
	credentialData,
	CREDENTIALS,
	emulatorPlaceholders,
	postFastCall,
	postSiderGet,
	secretsOf,
	startEmulators,
	type Emulators,
	type LoggedRequest,
	type PostFastEmulator,
	type PostSiderEmulator,
} from './lib/emulators';
import {
	describeFailure,
	execute,
	filesFolder,
	n8nOk,
	nodeBranch,
	nodeOutputs,
	type ExecutionResult,
	type Item,
} from './lib/n8nCli';
import {
	fillPlaceholders,
	loadWorkflows,
	writeForImport,
	type PreparedWorkflow,
} from './lib/workflows';

const e2e = inject('e2e');
const ctx = { bin: e2e.n8nBin, userFolder: e2e.userFolder };

const examples = loadWorkflows(
	join(e2e.repoRoot, 'examples', 'workflows'),
	e2e.packageName,
	CREDENTIALS,
);
const fixtures = loadWorkflows(
	join(e2e.repoRoot, 'test', 'e2e', 'workflows'),
	e2e.packageName,
	CREDENTIALS,
);

let emulators: Emulators;
let ps: PostSiderEmulator;
let pf: PostFastEmulator;
const timings: Record<string, number> = {};
const executions: Record<string, number> = {};
const runStart = Date.now();

/** 10:00 UTC on the day `30 + n - 1` days after this run started. */
function scheduleDay(n: number): Date {
	const day = new Date(runStart + (29 + n) * 86_400_000);
	return new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 10));
}

/**
 * A wall-clock time as a spreadsheet or SQL column gives it ("YYYY-MM-DD HH:mm", no zone), 40 days
 * ahead, for a workflow in Asia/Kolkata (UTC+05:30 all year, so no DST edge): the nodes must read
 * it in the workflow's timezone (issue 12 finding 6).
 */
const LOCAL_DAY = new Date(runStart + 40 * 86_400_000);
const LOCAL_DATE_TIME = `${LOCAL_DAY.toISOString().slice(0, 10)} 10:00`;
const LOCAL_DATE_TIME_UTC = new Date(
	Date.UTC(LOCAL_DAY.getUTCFullYear(), LOCAL_DAY.getUTCMonth(), LOCAL_DAY.getUTCDate(), 10) -
		5.5 * 3_600_000,
);

/** A video large enough that buffering it would show (96 MiB; under PostFast's 100 MB vendor cap). */
const LARGE_VIDEO_BYTES = 96 * 1024 * 1024;

function writeLargeVideo(path: string): void {
	const { head, fill } = mp4Head(LARGE_VIDEO_BYTES, 7);
	const fd = openSync(path, 'w');
	writeSync(fd, head);
	const chunk = Buffer.alloc(4 * 1024 * 1024);
	for (let off = head.length; off < LARGE_VIDEO_BYTES; off += chunk.length) {
		const part = chunk.subarray(0, Math.min(chunk.length, LARGE_VIDEO_BYTES - off));
		fill(part, off);
		writeSync(fd, part);
	}
	closeSync(fd);
}

async function sha256Of(stream: AsyncIterable<Buffer | Uint8Array>): Promise<string> {
	const hash = createHash('sha256');
	for await (const chunk of stream) hash.update(chunk);
	return hash.digest('hex');
}

/** What one workflow run did: n8n's result and the requests each emulator saw meanwhile. */
interface Run {
	wf: PreparedWorkflow;
	result: ExecutionResult;
	outputs: Record<string, Item[]>;
	postSider: LoggedRequest[];
	postFast: LoggedRequest[];
}

// ---------------------------------------------------------------------------------------------
// Reading the emulators back through their public APIs (not through our nodes).

const postSiderApi = <T>(path: string) => postSiderGet<T>(ps, path);
const postFastApi = <T>(path: string, init?: RequestInit) => postFastCall<T>(pf, path, init);

interface PsChannel {
	id: string;
	identifier: string;
	disabled: boolean;
}
interface PfAccount {
	id: string;
	platform: string;
	connectionStatus?: string;
	[key: string]: unknown;
}
interface PfPost {
	id: string;
	status: string;
	socialMediaId: string;
	content: string;
	mediaItems: { key: string }[];
	scheduledAt: string | null;
}

const header = (request: LoggedRequest, name: string) => request.headers[name.toLowerCase()];
/** The emulators log JSON bodies parsed. */
const bodyOf = (request: LoggedRequest) => (request.body ?? {}) as Record<string, unknown>;

const secrets = () => secretsOf(emulators);

/** n8n's database and logs after the run: plaintext keys must not be there (credentials are encrypted). */
function userFolderFiles(): string[] {
	const dir = join(e2e.userFolder, '.n8n');
	return readdirSync(dir)
		.filter((f) => f.startsWith('database.sqlite') || f.endsWith('.log'))
		.map((f) => join(dir, f));
}

// ---------------------------------------------------------------------------------------------

beforeAll(async () => {
	const started = Date.now();
	emulators = await startEmulators();
	({ ps, pf } = emulators);
	const data = credentialData(emulators);

	const dir = join(e2e.work, 'import');
	mkdirSync(dir, { recursive: true });
	const credentialsFile = join(e2e.work, 'credentials.json');
	writeFileSync(
		credentialsFile,
		JSON.stringify([
			{ ...CREDENTIALS.postSiderApi, type: 'postSiderApi', data: data.postSiderApi },
			{ ...CREDENTIALS.postFastApi, type: 'postFastApi', data: data.postFastApi },
		]),
		{ mode: 0o600 },
	);
	const creds = await n8nOk(ctx, ['import:credentials', `--input=${credentialsFile}`]);
	timings.importCredentialsSeconds = creds.ms / 1000;
	// n8n holds them encrypted now; the plaintext file goes.
	rmSync(credentialsFile);

	const placeholders = await emulatorPlaceholders(emulators);
	// Fixture times: 10:00 UTC, 30–33 days ahead (future and inside PostFast's one-year window).
	for (const n of [1, 2, 3, 4]) placeholders[`SCHEDULE_${n}`] = scheduleDay(n).toISOString();
	// The Sheets/SQL style, wall time without an offset: 10:00 on day 5 in the workflow's timezone.
	placeholders.SHEET_TIME_5 = `${scheduleDay(5).toISOString().slice(0, 10)} 10:00`;
	placeholders.LOCAL_DATE_TIME = LOCAL_DATE_TIME;
	mkdirSync(filesFolder(ctx), { recursive: true });
	placeholders.LARGE_VIDEO_PATH = join(filesFolder(ctx), 'large-video.mp4');
	writeLargeVideo(placeholders.LARGE_VIDEO_PATH);
	for (const wf of fixtures) fillPlaceholders(wf, placeholders);

	writeForImport([...examples, ...fixtures], dir);
	const imported = await n8nOk(ctx, ['import:workflow', '--separate', `--input=${dir}`]);
	timings.importWorkflowsSeconds = imported.ms / 1000;
	timings.beforeAllSeconds = (Date.now() - started) / 1000;
});

afterAll(async () => {
	writeFileSync(join(e2e.artifacts, 'workflows-timings.json'), JSON.stringify(timings, null, 2));
	await emulators?.close();
});

async function runWorkflow(wf: PreparedWorkflow): Promise<Run> {
	const psFrom = ps.requests.length;
	const pfFrom = pf.requests.length;
	const result = await execute(ctx, wf.id);
	// One log per execution (a fixture may run twice): execute-<workflow>[-<n>].log
	const runs = (executions[wf.file] = (executions[wf.file] ?? 0) + 1);
	const log = `execute-${wf.file.replace(/\.json$/, '')}${runs > 1 ? `-${runs}` : ''}.log`;
	writeFileSync(join(e2e.artifacts, log), result.output);
	timings[log.replace(/\.log$/, '')] = result.ms / 1000;
	return {
		wf,
		result,
		outputs: nodeOutputs(result),
		postSider: ps.requests.slice(psFrom),
		postFast: pf.requests.slice(pfFrom),
	};
}

/** What holds for every workflow run that is meant to succeed. */
function expectCleanRun(run: Run): void {
	const { wf, result } = run;
	// n8n 2.41.1 sometimes dies of SIGSEGV while exiting on a loaded machine, after it printed the
	// whole finished execution (seen twice on this 2-core machine, in a native module's teardown).
	// That run did what it says; everything below still checks it. Any other exit fails here.
	const crashedOnExit =
		result.code === null &&
		result.signal === 'SIGSEGV' &&
		result.run !== undefined &&
		result.run.data.resultData.error === undefined;
	if (crashedOnExit) console.warn(`[e2e] ${wf.file}: n8n exited by SIGSEGV after a finished run`);
	else expect(result.code, `${wf.file}: n8n execute failed\n${describeFailure(result)}`).toBe(0);
	expect(
		result.run,
		`${wf.file}: no execution JSON in n8n's output\n${describeFailure(result)}`,
	).toBeDefined();
	const runData = result.run!.data.resultData.runData;
	for (const name of wf.ourNodes) {
		expect(
			runData[name],
			`${wf.file}: node "${name}" did not run\n${describeFailure(result)}`,
		).toBeDefined();
		for (const task of runData[name])
			expect(task.executionStatus, `${wf.file}: "${name}"\n${describeFailure(result)}`).toBe(
				'success',
			);
		for (const item of run.outputs[name] ?? [])
			expect(item.pairedItem, `${wf.file}: "${name}" output without pairedItem`).toBeDefined();
	}
	expectNoSecrets(wf.file, result.output);
	// PostSider takes the raw key; a "Bearer " prefix would be a 401 on the real service.
	for (const r of run.postSider)
		if (!r.path.startsWith('/__'))
			expect(header(r, 'authorization'), `${r.method} ${r.path}`).toBe(keyFingerprint(ps.apiKey));
	for (const r of run.postFast) expectPostFastAuth(r);
}

function expectNoSecrets(where: string, text: string): void {
	for (const secret of secrets()) {
		expect(
			text.includes(secret),
			`${where}: a secret (${secret.slice(0, 4)}…) appears in n8n's output`,
		).toBe(false);
	}
}

/** API calls carry `pf-api-key`; the S3 leg never carries the key, in headers or URL. */
function expectPostFastAuth(r: LoggedRequest): void {
	const isS3 = r.service === 's3';
	if (isS3) {
		expect(header(r, 'pf-api-key'), `S3 ${r.method} ${r.path} carried pf-api-key`).toBeUndefined();
		expect(
			JSON.stringify(r.headers).includes(pf.apiKey) ||
				JSON.stringify(r.headers).includes(keyFingerprint(pf.apiKey)) ||
				JSON.stringify(r.query ?? {}).includes(pf.apiKey),
			`S3 ${r.path} carried the key`,
		).toBe(false);
	} else if (!r.path.startsWith('/__')) {
		expect(header(r, 'pf-api-key'), `${r.method} ${r.path}`).toBe(keyFingerprint(pf.apiKey));
	}
}

const requestsTo = (list: LoggedRequest[], method: string, path: string | RegExp) =>
	list.filter(
		(r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)),
	);

/** Checks specific to each workflow file, on top of `expectCleanRun`. */
const CHECKS: Record<string, (run: Run) => Promise<void>> = {
	async 'postsider-list-channels.json'(run) {
		const enabled = (await postSiderApi<PsChannel[]>('/integrations')).filter((c) => !c.disabled);
		const listed = (run.outputs.Channels ?? []).map((i) => i.json.id);
		expect(new Set(listed)).toEqual(new Set(enabled.map((c) => c.id)));
	},

	async 'postsider-schedule-next-slot.json'(run) {
		const creates = requestsTo(run.postSider, 'POST', '/public/v1/posts');
		expect(creates, 'one create request').toHaveLength(1);
		expect(header(creates[0], 'idempotency-key'), 'Idempotency-Key sent by default').toBeTruthy();
		const body = bodyOf(creates[0]);
		expect(body.type).toBe('schedule');
		const out = run.outputs['Schedule Post'] ?? [];
		expect(out).toHaveLength(1);
		const post = await postSiderApi<{
			id?: string;
			integration?: { id?: string } | string;
			publishDate?: string;
		}>(`/posts/${String(out[0].json.postId)}`);
		expect(JSON.stringify(post)).toContain(String(out[0].json.postId));
		const slot = run.outputs['Next Slot']?.[0]?.json;
		expect(new Date(String(out[0].json.date)).getTime(), 'scheduled into the slot found').toBe(
			new Date(String(slot?.date)).getTime(),
		);
	},

	async 'postsider-image-draft.json'(run) {
		const uploads = requestsTo(run.postSider, 'POST', '/public/v1/upload');
		expect(uploads, 'the binary is uploaded once, multipart').toHaveLength(1);
		expect(header(uploads[0], 'content-type')).toMatch(/^multipart\/form-data/);
		const creates = requestsTo(run.postSider, 'POST', '/public/v1/posts');
		expect(creates).toHaveLength(1);
		const body = bodyOf(creates[0]) as {
			type: string;
			posts: { value: { image?: { path: string }[] }[] }[];
		};
		expect(body.type).toBe('draft');
		const path = body.posts[0].value[0].image?.[0]?.path;
		expect(path, 'the post references the uploaded media').toBeTruthy();
		// The stored file is served at its path and holds the PNG the workflow made.
		const media = await fetch(new URL(path!, ps.origin));
		expect(media.status).toBe(200);
		expect(Buffer.from(await media.arrayBuffer()).subarray(0, 8)).toEqual(
			Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		);
	},

	async 'postfast-list-accounts.json'(run) {
		const accounts = await postFastApi<PfAccount[]>('/social-media/my-social-accounts');
		const listed = (run.outputs['Get Accounts'] ?? []).map((i) => String(i.json.id));
		expect(listed.length).toBeGreaterThan(0);
		for (const id of listed) expect(accounts.map((a) => a.id)).toContain(id);
	},

	async 'postfast-schedule-text-posts.json'(run) {
		const targets = run.outputs['Text Accounts'] ?? [];
		const created = run.outputs['Schedule Post'] ?? [];
		expect(created).toHaveLength(targets.length);
		const creates = requestsTo(run.postFast, 'POST', '/social-posts');
		// Batched: one request per group of equal controls (Threads' topic tag), not one per item.
		expect(creates.length).toBeGreaterThan(0);
		expect(creates.length).toBeLessThanOrEqual(2);
		expect(creates.length).toBeLessThan(targets.length);
		const ids = created.map((i) => String(i.json.id ?? i.json.postId));
		expect(new Set(ids).size, 'no duplicate post ids').toBe(ids.length);
		const stored = await postFastApi<{ data: PfPost[] }>(
			`/social-posts?ids=${ids.join(',')}&limit=50`,
		);
		expect(stored.data.map((p) => p.id).sort()).toEqual([...ids].sort());
		for (const p of stored.data) expect(p.status).toBe('SCHEDULED');
	},

	async 'postfast-image-post.json'(run) {
		const puts = run.postFast.filter((r) => r.service === 's3' && r.method === 'PUT');
		expect(puts, 'one PUT to the signed URL').toHaveLength(1);
		expect(puts[0].status).toBe(200);
		expect(header(puts[0], 'content-type')).toBe('image/png');
		expect(
			Number(header(puts[0], 'content-length')),
			'a Content-Length, not chunked',
		).toBeGreaterThan(0);
		const urls = requestsTo(run.postFast, 'POST', '/file/get-signed-upload-urls');
		expect(urls, 'one upload-URL request').toHaveLength(1);
		const creates = requestsTo(run.postFast, 'POST', '/social-posts');
		expect(creates).toHaveLength(1);
		const body = bodyOf(creates[0]) as {
			posts: { mediaItems?: { key: string; type: string }[]; firstComment?: string }[];
		};
		const key = body.posts[0].mediaItems?.[0]?.key;
		expect(key, 'the post carries the uploaded media key').toBeTruthy();
		expect(body.posts[0].mediaItems?.[0]?.type).toBe('IMAGE');
		const out = run.outputs['Schedule Image Post'] ?? [];
		expect(out).toHaveLength(1);
		const id = String(out[0].json.id ?? out[0].json.postId);
		const stored = await postFastApi<{ data: PfPost[] }>(`/social-posts?ids=${id}`);
		expect(stored.data[0]?.mediaItems?.[0]?.key).toBe(key);
		// The bytes landed in the emulator's bucket under that key.
		expect(pf.objects.has(key!), `S3 object ${key}`).toBe(true);
	},

	async 'postfast-delete-drafts.json'(run) {
		expect(requestsTo(run.postFast, 'POST', '/social-posts/bulk-delete').length).toBeGreaterThan(0);
		const left = await postFastApi<{ data: PfPost[] }>('/social-posts?statuses=DRAFT&limit=50');
		expect(left.data, 'no drafts left').toHaveLength(0);
	},
};

/** Seeds state a workflow needs before it runs (through the public API, as another client would). */
const PREPARE: Record<string, () => Promise<void>> = {
	async 'postfast-delete-drafts.json'() {
		const accounts = await postFastApi<PfAccount[]>('/social-media/my-social-accounts');
		const x = accounts.find((a) => a.platform === 'X');
		if (!x) throw new Error('The PostFast emulator has no X account to seed drafts on');
		await postFastApi('/social-posts', {
			method: 'POST',
			body: JSON.stringify({
				status: 'DRAFT',
				posts: [
					{ content: 'draft one', socialMediaId: x.id },
					{ content: 'draft two', socialMediaId: x.id },
				],
			}),
		});
	},
};

// Listing and reading first, creating next, deleting last.
const order = (file: string) => (/list/.test(file) ? 0 : /delete/.test(file) ? 2 : 1);

describe('example workflows in a real n8n', () => {
	it('the examples cover both nodes and only use our package-form node types', () => {
		const types = new Set(examples.flatMap((wf) => wf.json.nodes.map((n) => n.type)));
		expect(types).toContain(`${e2e.packageName}.postSider`);
		expect(types).toContain(`${e2e.packageName}.postFast`);
		for (const type of types)
			expect(
				type.startsWith('CUSTOM.'),
				`${type}: CUSTOM.* types do not exist in a real install`,
			).toBe(false);
	});

	for (const wf of [...examples].sort(
		(a, b) => order(a.file) - order(b.file) || a.file.localeCompare(b.file),
	)) {
		it(`${wf.file}: runs with n8n execute and does what it says`, async () => {
			await PREPARE[wf.file]?.();
			const run = await runWorkflow(wf);
			expectCleanRun(run);
			await CHECKS[wf.file]?.(run);
		});
	}
});

/** Fixture checks drive the runs themselves (some run a workflow twice, some expect a failure). */
const FIXTURE_CHECKS: Record<string, (wf: PreparedWorkflow) => Promise<void>> = {
	async 'postsider-rerun-idempotent.json'(wf) {
		const dayStart = new Date(scheduleDay(1).getTime() - 10 * 3_600_000);
		const first = await runWorkflow(wf);
		expectCleanRun(first);
		const second = await runWorkflow(wf);
		expectCleanRun(second);
		const [a] = requestsTo(first.postSider, 'POST', '/public/v1/posts');
		expect(header(a, 'idempotency-key'), 'Idempotency-Key on the first run').toBeTruthy();
		// The re-run finds the post at its date and sends nothing.
		expect(
			requestsTo(second.postSider, 'POST', '/public/v1/posts'),
			'no create on the re-run',
		).toHaveLength(0);
		const outOf = (run: Run) => run.outputs['Schedule Post']?.[0]?.json;
		expect(outOf(first)?.status).toBe('created');
		expect(outOf(second)?.status, 'the re-run says it is a replay').toBe('alreadyCreated');
		expect(outOf(second)?.postId, 'the re-run answers with the first post').toBe(
			outOf(first)?.postId,
		);
		const day = await postSiderApi<{ posts: { id: string; content: string }[] }>(
			`/posts?startDate=${dayStart.toISOString()}&endDate=${new Date(dayStart.getTime() + 86_399_999).toISOString()}`,
		);
		const ours = day.posts.filter((p) => p.content.startsWith('e2e: one post'));
		expect(ours, 'exactly one post in PostSider after two runs').toHaveLength(1);
	},

	async 'postfast-rerun-sheet-time.json'(wf) {
		const first = await runWorkflow(wf);
		expectCleanRun(first);
		const second = await runWorkflow(wf);
		expectCleanRun(second);
		const created = first.outputs['Schedule Posts'] ?? [];
		expect(created.map((i) => i.json.status)).toEqual(['created', 'created']);
		// "2026-…-… 10:00" read in the workflow's timezone (America/New_York): 14:00 or 15:00 UTC.
		const [create] = requestsTo(first.postFast, 'POST', '/social-posts');
		const sent = (bodyOf(create).posts as { scheduledAt: string }[]).map((p) => p.scheduledAt);
		const utcTen = Date.parse(`${scheduleDay(5).toISOString().slice(0, 10)}T10:00:00Z`);
		for (const at of sent) expect([4, 5]).toContain((Date.parse(at) - utcTen) / 3_600_000);
		// The second run found both posts (same account, time and text) and created nothing.
		expect(
			requestsTo(second.postFast, 'POST', '/social-posts'),
			'no create on the re-run',
		).toHaveLength(0);
		const again = second.outputs['Schedule Posts'] ?? [];
		expect(again.map((i) => i.json.status)).toEqual(['alreadyCreated', 'alreadyCreated']);
		expect(again.map((i) => i.json.postId)).toEqual(created.map((i) => i.json.postId));
		const ids = created.map((i) => String(i.json.postId));
		const stored = await postFastApi<{ data: PfPost[] }>(`/social-posts?ids=${ids.join(',')}`);
		expect(stored.data).toHaveLength(2);
	},

	async 'postsider-error-continue.json'(wf) {
		const run = await runWorkflow(wf);
		expectCleanRun(run);
		const [item] = run.outputs['Too Long'] ?? [];
		expect(item?.json.error, 'an error item, not a crash').toBeDefined();
		// PostSider's own reason, not a bare "400 Bad Request".
		expect(JSON.stringify(item.json)).toMatch(/too long/i);
		const creates = requestsTo(run.postSider, 'POST', '/public/v1/posts');
		expect(creates.length, 'the post reached PostSider').toBeGreaterThan(0);
		expect(
			creates.map((r) => r.status),
			'and PostSider refused it',
		).toEqual(creates.map(() => 400));
	},

	async 'postsider-error-stops.json'(wf) {
		const run = await runWorkflow(wf);
		expect(run.result.code, 'n8n execute exits 1 on a node error').toBe(1);
		expect(describeFailure(run.result)).toMatch(/too long/i);
		expectNoSecrets(wf.file, run.result.output);
	},

	async 'postfast-partial-failure.json'(wf) {
		const run = await runWorkflow(wf);
		expectCleanRun(run);
		const out = run.outputs['Schedule Posts'] ?? [];
		expect(out, 'one output item per input item').toHaveLength(3);
		const failed = out.filter((i) => i.json.error);
		const created = out.filter((i) => !i.json.error);
		expect(failed, 'only the disabled account fails').toHaveLength(1);
		expect(JSON.stringify(failed[0].json)).toMatch(/disconnected|disabled/i);
		expect(created).toHaveLength(2);
		// Each accepted post exists exactly once, however the node split the batch after the 400.
		const sent = requestsTo(run.postFast, 'POST', '/social-posts')
			.filter((r) => r.status < 300)
			.flatMap((r) => (bodyOf(r).posts as { content: string }[]).map((p) => p.content));
		expect(sent.sort()).toEqual(['e2e: accepted post', 'e2e: second accepted post']);
		const ids = created.map((i) => String(i.json.id ?? i.json.postId));
		const stored = await postFastApi<{ data: PfPost[] }>(`/social-posts?ids=${ids.join(',')}`);
		expect(stored.data).toHaveLength(2);
	},

	async 'error-output-routing.json'(wf) {
		// Issue 12 finding 1: n8n-core moves an item to the error output only when its json holds
		// nothing but error/message/details; the nodes' error items must keep to that.
		const run = await runWorkflow(wf);
		expectCleanRun(run);
		const psFailed = nodeBranch(run.result, 'PS Too Long', 1);
		expect(psFailed, 'the PostSider failure leaves through the error output').toHaveLength(1);
		expect(nodeBranch(run.result, 'PS Too Long', 0), 'and not through the success output').toEqual(
			[],
		);
		expect(JSON.stringify(psFailed[0].json)).toMatch(/too long/i);
		expect(run.outputs['PS Failed'], 'the error branch ran').toHaveLength(1);
		expect(run.outputs['PS Created'] ?? [], 'the success branch got nothing').toEqual([]);

		const pfCreated = nodeBranch(run.result, 'PF Create', 0);
		const pfFailed = nodeBranch(run.result, 'PF Create', 1);
		expect(pfCreated, 'the accepted PostFast item on the success output').toHaveLength(1);
		expect(pfFailed, 'the disabled account on the error output').toHaveLength(1);
		expect(JSON.stringify(pfFailed[0].json)).toMatch(/disconnected|disabled/i);
		expect(pfCreated[0].json.error).toBeUndefined();
		expect(run.outputs['PF Created']).toHaveLength(1);
		expect(run.outputs['PF Failed']).toHaveLength(1);
	},

	async 'postfast-rerun-reconciled.json'(wf) {
		// Issue 12 finding 3: running the same workflow again finds the post instead of creating it.
		const first = await runWorkflow(wf);
		expectCleanRun(first);
		const second = await runWorkflow(wf);
		expectCleanRun(second);
		const [a] = first.outputs['Schedule Post'] ?? [];
		const [b] = second.outputs['Schedule Post'] ?? [];
		const idOf = (item: Item | undefined) => String(item?.json.id ?? item?.json.postId);
		expect(b?.json.status, 'the re-run reports the post as already created').toBe('alreadyCreated');
		expect(idOf(b), 'with the id of the first run').toBe(idOf(a));
		const accepted = requestsTo(second.postFast, 'POST', '/social-posts').filter(
			(r) => r.status < 300,
		);
		expect(accepted, 'the re-run creates nothing').toEqual([]);
		const all = await postFastApi<{ data: PfPost[] }>('/social-posts?limit=50');
		expect(
			all.data.filter((p) => p.content === 'e2e: one PostFast post, the workflow run twice'),
			'exactly one post in PostFast after two runs',
		).toHaveLength(1);
	},

	async 'dates-workflow-timezone.json'(wf) {
		const run = await runWorkflow(wf);
		expectCleanRun(run);
		const [psCreate] = requestsTo(run.postSider, 'POST', '/public/v1/posts');
		expect(
			new Date(String(bodyOf(psCreate).date)).getTime(),
			`PostSider got ${LOCAL_DATE_TIME} +05:30`,
		).toBe(LOCAL_DATE_TIME_UTC.getTime());
		const [pfCreate] = requestsTo(run.postFast, 'POST', '/social-posts');
		const [pfPost] = (bodyOf(pfCreate).posts ?? []) as { scheduledAt: string }[];
		expect(new Date(pfPost.scheduledAt).getTime(), `PostFast got ${LOCAL_DATE_TIME} +05:30`).toBe(
			LOCAL_DATE_TIME_UTC.getTime(),
		);
		const id = String(
			run.outputs['PostFast Local Time']?.[0]?.json.id ??
				run.outputs['PostFast Local Time']?.[0]?.json.postId,
		);
		const stored = await postFastApi<{ data: PfPost[] }>(`/social-posts?ids=${id}`);
		expect(new Date(String(stored.data[0]?.scheduledAt)).getTime()).toBe(
			LOCAL_DATE_TIME_UTC.getTime(),
		);
	},

	async 'large-video-filesystem-mode.json'(wf) {
		// Issue 12 finding 7: n8n keeps the file in its filesystem binary store; the nodes stream it.
		const run = await runWorkflow(wf);
		expectCleanRun(run);
		const read = run.outputs['Read Video']?.[0];
		expect(read?.binary?.data?.id, "n8n's filesystem binary-data mode").toMatch(/^filesystem/);
		const expected = await sha256Of(createReadStream(join(filesFolder(ctx), 'large-video.mp4')));

		const [upload] = requestsTo(run.postSider, 'POST', '/public/v1/upload');
		expect(
			Number(header(upload, 'content-length')),
			'multipart with a Content-Length',
		).toBeGreaterThan(LARGE_VIDEO_BYTES);
		const stored = run.outputs['PostSider Upload']?.[0]?.json;
		const media = await fetch(new URL(String(stored?.path), ps.origin));
		expect(media.status).toBe(200);
		expect(
			await sha256Of(media.body as AsyncIterable<Uint8Array>),
			'PostSider stored the same bytes',
		).toBe(expected);

		const [put] = run.postFast.filter((r) => r.service === 's3' && r.method === 'PUT');
		expect(Number(header(put, 'content-length')), 'the PUT says its length (not chunked)').toBe(
			LARGE_VIDEO_BYTES,
		);
		const key = String(
			(run.outputs['PostFast Upload']?.[0]?.json.keys as string[] | undefined)?.[0],
		);
		const object = pf.objects.get(key);
		expect(object?.size, `S3 object ${key}`).toBe(LARGE_VIDEO_BYTES);
		expect(await sha256Of(createReadStream(object!.file)), 'S3 holds the same bytes').toBe(
			expected,
		);
	},
};

describe('e2e fixtures in a real n8n', () => {
	for (const wf of fixtures) {
		it(`${wf.file}`, async () => {
			const check = FIXTURE_CHECKS[wf.file];
			if (!check)
				throw new Error(
					`test/e2e/workflows/${wf.file} has no entry in FIXTURE_CHECKS: add what it must prove`,
				);
			await check(wf);
		});
	}
});

describe('after all runs', () => {
	it('no post exists twice in either emulator', async () => {
		const from = new Date(Date.now() - 86_400_000).toISOString();
		const to = new Date(Date.now() + 2 * 365 * 86_400_000).toISOString();
		const { posts } = await postSiderApi<{
			posts: { content: string; publishDate: string; integration: { id: string } }[];
		}>(`/posts?startDate=${from}&endDate=${to}`);
		const psKeys = posts.map((p) => `${p.integration.id}|${p.publishDate}|${p.content}`);
		expect(psKeys.length, 'the runs above created PostSider posts').toBeGreaterThan(0);
		expect(new Set(psKeys).size, `duplicate PostSider posts: ${psKeys.join('\n')}`).toBe(
			psKeys.length,
		);

		const pfPosts: PfPost[] = [];
		for (let page = 0; ; page++) {
			const res = await postFastApi<{ data: PfPost[]; pageInfo: { hasNextPage: boolean } }>(
				`/social-posts?limit=50&page=${page}`,
			);
			pfPosts.push(...res.data);
			if (!res.pageInfo.hasNextPage) break;
		}
		const pfKeys = pfPosts.map((p) => `${p.socialMediaId}|${p.scheduledAt}|${p.content}`);
		expect(pfKeys.length, 'the runs above created PostFast posts').toBeGreaterThan(0);
		expect(new Set(pfKeys).size, `duplicate PostFast posts: ${pfKeys.join('\n')}`).toBe(
			pfKeys.length,
		);
	});

	it("the secret scan knows both services' API keys and the OAuth tokens PostSider holds", () => {
		const known = secrets();
		expect(known).toContain(ps.apiKey);
		expect(known).toContain(pf.apiKey);
		const apiKeys = new Set(apiKeysOf(emulators));
		expect(
			known.filter((s) => !apiKeys.has(s)).length,
			'OAuth tokens found in the emulator state',
		).toBeGreaterThan(0);
	});

	it("n8n's database and log files hold no API key or OAuth token in plain text", () => {
		for (const file of userFolderFiles())
			expectNoSecrets(file, readFileSync(file).toString('latin1'));
	});
});
