/**
 * Workflow files for the real n8n: the example workflows users import (`examples/workflows/`) and
 * the e2e-only fixtures (`test/e2e/workflows/`). Before import, every credential reference of our
 * credential types is pointed at the credentials this run imported, whatever id the file carries.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

export interface WorkflowNodeJson {
	id?: string;
	name: string;
	type: string;
	typeVersion: number;
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	[key: string]: unknown;
}
export interface WorkflowJson {
	id?: string;
	name: string;
	nodes: WorkflowNodeJson[];
	connections: Record<string, unknown>;
	[key: string]: unknown;
}
export interface PreparedWorkflow {
	/** File name without folder, e.g. `postsider-list-channels.json`. */
	file: string;
	path: string;
	id: string;
	json: WorkflowJson;
	/** Names of the nodes of our package (`<packageName>.*`). */
	ourNodes: string[];
}

export type CredentialRefs = Record<string, { id: string; name: string }>;

/** n8n workflow ids are 16 characters of [A-Za-z0-9]; derive one from the file name when absent. */
function workflowId(file: string, id: unknown): string {
	if (typeof id === 'string' && /^[A-Za-z0-9]{16}$/.test(id)) return id;
	return `e2e${createHash('sha256').update(file).digest('hex').slice(0, 13)}`;
}

export function loadWorkflows(
	dir: string,
	packageName: string,
	credentials: CredentialRefs,
): PreparedWorkflow[] {
	if (!existsSync(dir)) return [];
	return readdirSync(dir)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((file) => {
			const path = join(dir, file);
			let json: WorkflowJson;
			try {
				json = JSON.parse(readFileSync(path, 'utf8')) as WorkflowJson;
			} catch (error) {
				throw new Error(
					`${path} is not valid JSON (${(error as Error).message}): fix the workflow file.`,
				);
			}
			if (!Array.isArray(json.nodes))
				throw new Error(`${path} has no "nodes" array: is it an n8n workflow export?`);
			const id = workflowId(file, json.id);
			for (const node of json.nodes) {
				for (const type of Object.keys(node.credentials ?? {})) {
					if (credentials[type]) node.credentials![type] = { ...credentials[type] };
				}
			}
			const ourNodes = json.nodes
				.filter((n) => n.type.startsWith(`${packageName}.`))
				.map((n) => n.name);
			return { file, path, id, json: { ...json, id, active: false }, ourNodes };
		});
}

/** Writes each workflow as its own file for `n8n import:workflow --separate --input=<dir>`. */
export function writeForImport(workflows: PreparedWorkflow[], dir: string): void {
	mkdirSync(dir, { recursive: true });
	for (const wf of workflows)
		writeFileSync(join(dir, `${basename(wf.file, '.json')}.json`), JSON.stringify(wf.json));
}

/** Replaces `__NAME__` placeholders in a fixture's string values (fixtures need emulator ids). */
export function fillPlaceholders(wf: PreparedWorkflow, values: Record<string, string>): void {
	const text = JSON.stringify(wf.json).replace(/__([A-Z0-9_]+)__/g, (match, name: string) => {
		if (!(name in values))
			throw new Error(
				`${wf.path} uses the placeholder ${match}, which the e2e suite does not define (known: ${Object.keys(values).join(', ')})`,
			);
		return values[name];
	});
	wf.json = JSON.parse(text) as WorkflowJson;
}
