/**
 * Our nodes as AI-agent tools in a real n8n: n8n's AI Agent with the OpenAI Chat Model pointed (by
 * the credential's Base URL) at a scripted OpenAI-compatible server on 127.0.0.1. The script calls
 * the PostSider and PostFast tools in one turn, then answers. Nothing leaves the machine; what
 * the agent did is read back from the emulators.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
	credentialData,
	CREDENTIALS,
	emulatorPlaceholders,
	postFastCall,
	postSiderGet,
	secretsOf,
	startEmulators,
	type Emulators,
} from './lib/emulators';
import { describeFailure, execute, n8nOk, nodeOutputs, type ExecutionResult } from './lib/n8nCli';
import { startScriptedModel, type ScriptedModel } from './lib/scriptedModel';
import { fillPlaceholders, loadWorkflows, writeForImport } from './lib/workflows';

const e2e = inject('e2e');
const ctx = { bin: e2e.n8nBin, userFolder: e2e.userFolder };
const MODEL_CREDENTIAL = { id: 'e2eScriptedModel', name: 'Scripted model (local)' };

/** 10:00 UTC, 32 days from now: in the future and inside PostFast's one-year window. */
const day = new Date(Date.now() + 32 * 86_400_000);
const at = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 10));
const PS_TEXT = 'e2e agent: the spring sale starts today (PostSider)';
const PF_TEXT = 'e2e agent: the spring sale starts today (PostFast)';
const ANSWER = 'Both posts are scheduled.';

let emulators: Emulators;
let model: ScriptedModel;
let result: ExecutionResult;

beforeAll(async () => {
	emulators = await startEmulators();
	model = await startScriptedModel([
		{
			calls: [
				{
					tool: (n) => /postsider/i.test(n),
					args: { content: PS_TEXT, scheduledAt: at.toISOString() },
				},
				{
					tool: (n) => /postfast/i.test(n),
					args: { content: PF_TEXT, scheduledAt: at.toISOString() },
				},
			],
		},
		{ answer: ANSWER },
	]);
	const data = credentialData(emulators);
	const credentialsFile = join(e2e.work, 'agent-credentials.json');
	writeFileSync(
		credentialsFile,
		JSON.stringify([
			{ ...CREDENTIALS.postSiderApi, type: 'postSiderApi', data: data.postSiderApi },
			{ ...CREDENTIALS.postFastApi, type: 'postFastApi', data: data.postFastApi },
			{
				...MODEL_CREDENTIAL,
				type: 'openAiApi',
				data: { apiKey: 'sk-scripted-e2e', url: model.baseUrl },
			},
		]),
		{ mode: 0o600 },
	);
	await n8nOk(ctx, ['import:credentials', `--input=${credentialsFile}`]);
	rmSync(credentialsFile);

	const [wf] = loadWorkflows(join(e2e.repoRoot, 'test', 'e2e', 'agent'), e2e.packageName, {
		...CREDENTIALS,
		openAiApi: MODEL_CREDENTIAL,
	});
	const placeholders = await emulatorPlaceholders(emulators);
	fillPlaceholders(wf, { ...placeholders, SCHEDULE_3: at.toISOString() });
	const dir = join(e2e.work, 'import-agent');
	mkdirSync(dir, { recursive: true });
	writeForImport([wf], dir);
	await n8nOk(ctx, ['import:workflow', '--separate', `--input=${dir}`]);
	result = await execute(ctx, wf.id);
	writeFileSync(join(e2e.artifacts, 'execute-agent-schedules-both.log'), result.output);
});

afterAll(async () => {
	await model?.close();
	await emulators?.close();
});

describe('n8n AI Agent with the PostSider and PostFast tools (scripted OpenAI-compatible model)', () => {
	it('the agent run succeeds and ends with the model’s final answer', () => {
		expect(result.code, describeFailure(result)).toBe(0);
		const [answer] = nodeOutputs(result)['Social Agent'] ?? [];
		expect(answer?.json.output, describeFailure(result)).toBe(ANSWER);
		expect(model.remaining(), 'every scripted turn was played').toBe(0);
	});

	it('the model was offered both nodes as tools, with the $fromAI fields as parameters', () => {
		const tools = model.requests[0]?.tools ?? [];
		const ps = tools.find((t) => /postsider/i.test(t.function.name));
		const pf = tools.find((t) => /postfast/i.test(t.function.name));
		expect(ps, `tools offered: ${tools.map((t) => t.function.name).join(', ')}`).toBeDefined();
		expect(pf).toBeDefined();
		for (const tool of [ps!, pf!]) {
			const properties = Object.keys(
				(tool.function.parameters as { properties?: Record<string, unknown> }).properties ?? {},
			);
			expect(properties).toEqual(expect.arrayContaining(['content', 'scheduledAt']));
		}
	});

	it('each tool ran our node, and the post it made is in the emulator, once, at the time the model chose', async () => {
		const { ps, pf } = emulators;
		const psDay = await postSiderGet<{
			posts: { id: string; content: string; publishDate: string }[];
		}>(
			ps,
			`/posts?startDate=${new Date(at.getTime() - 3_600_000).toISOString()}&endDate=${new Date(at.getTime() + 3_600_000).toISOString()}`,
		);
		const psPosts = psDay.posts.filter((p) => p.content.includes(PS_TEXT));
		expect(psPosts, 'one PostSider post from the agent').toHaveLength(1);
		expect(new Date(psPosts[0].publishDate).getTime()).toBe(at.getTime());

		const pfAll = await postFastCall<{
			data: { id: string; content: string; scheduledAt: string }[];
		}>(pf, '/social-posts?limit=50');
		const pfPosts = pfAll.data.filter((p) => p.content === PF_TEXT);
		expect(pfPosts, 'one PostFast post from the agent').toHaveLength(1);
		expect(new Date(pfPosts[0].scheduledAt).getTime()).toBe(at.getTime());

		// Each call got its tool result in the next request. (Under `n8n execute`, n8n 2.41.1 hands
		// the model an empty observation for every tool, its own Date & Time tool included, so the
		// content is not checked here: the emulators are the record of what the tools did.)
		const toolMessages = (model.requests[1]?.messages ?? []).filter((m) => m.role === 'tool');
		expect(toolMessages.map((m) => m.tool_call_id).sort(), 'one tool result per call').toEqual([
			'call_1',
			'call_2',
		]);
		// What each tool node returned (its `ai_tool` output) names the post the emulator holds.
		const toolOutput = (name: string) =>
			(result.run?.data.resultData.runData[name] ?? []).flatMap(
				(r) =>
					(r.data as { ai_tool?: { json: Record<string, unknown> }[][] } | undefined)
						?.ai_tool?.[0] ?? [],
			);
		expect(toolOutput('PostSider').map((i) => i.json.postId)).toEqual([psPosts[0].id]);
		expect(toolOutput('PostFast').map((i) => i.json.postId ?? i.json.id)).toEqual([pfPosts[0].id]);
	});

	it('no API key reaches the model or n8n’s output', () => {
		const sentToModel = JSON.stringify(model.requests);
		for (const secret of secretsOf(emulators)) {
			expect(
				sentToModel.includes(secret),
				`a secret (${secret.slice(0, 4)}…) was sent to the model`,
			).toBe(false);
			expect(
				result.output.includes(secret),
				`a secret (${secret.slice(0, 4)}…) in n8n's output`,
			).toBe(false);
		}
	});
});
