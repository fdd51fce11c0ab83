/**
 * A scripted OpenAI-compatible chat model on 127.0.0.1 for the AI-agent run (no network, no real
 * model). It answers `POST /v1/chat/completions` turn by turn from a script: each turn either calls
 * tools (picked by name from the `tools` the agent offered) or gives the final answer. Plain JSON
 * and `stream: true` (server-sent events) are both spoken. `GET /v1/models` lists the one model.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ToolCallStep {
	/** Chooses the tool among the names the agent offered, e.g. `(n) => /postsider/i.test(n)`. */
	tool: (name: string) => boolean;
	/** The arguments the model "decides" on; checked against the tool's JSON schema by the agent. */
	args: Record<string, unknown>;
}

/** One model turn: tool calls (answered by the agent in the next request), or the final text. */
export type Turn = { calls: ToolCallStep[] } | { answer: string };

export interface ChatRequest {
	model?: string;
	stream?: boolean;
	messages: Array<{
		role: string;
		content?: unknown;
		tool_call_id?: string;
		tool_calls?: unknown[];
	}>;
	tools?: Array<{
		type: string;
		function: { name: string; description?: string; parameters?: unknown };
	}>;
}

export interface ScriptedModel {
	/** e.g. `http://127.0.0.1:41234/v1`, the credential's Base URL. */
	baseUrl: string;
	/** Every chat request received, in order. */
	requests: ChatRequest[];
	/** Turns not yet played. */
	remaining(): number;
	close(): Promise<void>;
}

export const MODEL_NAME = 'postspool-scripted';

async function readJson(req: IncomingMessage): Promise<unknown> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	const text = Buffer.concat(chunks).toString('utf8');
	return text ? (JSON.parse(text) as unknown) : {};
}

export async function startScriptedModel(script: Turn[]): Promise<ScriptedModel> {
	const turns = [...script];
	const requests: ChatRequest[] = [];
	let callCounter = 0;

	const server: Server = createServer((req, res) => {
		void (async () => {
			const url = new URL(req.url ?? '/', 'http://localhost');
			if (req.method === 'GET' && url.pathname.endsWith('/models')) {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(
					JSON.stringify({
						object: 'list',
						data: [{ id: MODEL_NAME, object: 'model', owned_by: 'postspool' }],
					}),
				);
				return;
			}
			if (req.method !== 'POST' || !url.pathname.endsWith('/chat/completions')) {
				res.writeHead(404, { 'content-type': 'application/json' });
				res.end(
					JSON.stringify({
						error: { message: `the scripted model has no ${req.method} ${url.pathname}` },
					}),
				);
				return;
			}
			const body = (await readJson(req)) as ChatRequest;
			requests.push(body);
			const turn = turns.shift();
			if (!turn) {
				res.writeHead(500, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ error: { message: 'the scripted model ran out of turns' } }));
				return;
			}
			const offered = (body.tools ?? []).map((t) => t.function.name);
			let message: Record<string, unknown>;
			let finish: string;
			if ('answer' in turn) {
				message = { role: 'assistant', content: turn.answer };
				finish = 'stop';
			} else {
				const toolCalls = turn.calls.map((call) => {
					const name = offered.find(call.tool);
					if (!name)
						throw new Error(`no offered tool matches the script (offered: ${offered.join(', ')})`);
					return {
						id: `call_${++callCounter}`,
						type: 'function',
						function: { name, arguments: JSON.stringify(call.args) },
					};
				});
				message = { role: 'assistant', content: null, tool_calls: toolCalls };
				finish = 'tool_calls';
			}
			const id = `chatcmpl-${requests.length}`;
			const created = Math.floor(Date.now() / 1000);
			const usage = { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 };
			if (body.stream) {
				res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
				const chunk = (delta: Record<string, unknown>, finishReason: string | null) =>
					`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: MODEL_NAME, choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`;
				const delta: Record<string, unknown> = { role: 'assistant' };
				if (message.content) delta.content = message.content;
				if (message.tool_calls)
					delta.tool_calls = (message.tool_calls as Array<Record<string, unknown>>).map(
						(c, index) => ({ index, ...c }),
					);
				res.write(chunk(delta, null));
				res.write(chunk({}, finish));
				res.write(
					`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: MODEL_NAME, choices: [], usage })}\n\n`,
				);
				res.end('data: [DONE]\n\n');
				return;
			}
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(
				JSON.stringify({
					id,
					object: 'chat.completion',
					created,
					model: MODEL_NAME,
					choices: [{ index: 0, message, finish_reason: finish, logprobs: null }],
					usage,
				}),
			);
		})().catch((error: unknown) => {
			if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ error: { message: (error as Error).message } }));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		baseUrl: `http://127.0.0.1:${port}/v1`,
		requests,
		remaining: () => turns.length,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
