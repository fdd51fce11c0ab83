/**
 * In-process n8n harness (docs/n8n.md, Testing in-process): runs real node classes through n8n-core's
 * `WorkflowExecute` — expressions, credentials, continue-on-fail and pairedItem checks all real —
 * without an n8n server. Generic: callers pass the node types they want to run.
 *
 * - `runWorkflow`: a tiny manual trigger emits the given items (optionally with binary data), then the
 *   given nodes run in a chain; returns each node's output items and error.
 * - `runPoll`: calls a polling trigger's `poll()` through a real `PollContext`; static data persists
 *   across calls on the same `PollHarness`, as it does between polls in n8n.
 *
 * The credentials helper really applies the credential type's `authenticate` (generic or function),
 * which n8n's own test helper skips, so auth headers are part of what the tests see.
 */
import type { Readable } from 'node:stream';
import {
	ExecutionLifecycleHooks,
	LoadOptionsContext,
	PollContext,
	WorkflowExecute,
} from 'n8n-core';
import {
	ICredentialsHelper,
	NodeConnectionTypes,
	NodeHelpers,
	Workflow,
	type ExecutionError,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type ICredentials,
	type IDataObject,
	type IHttpRequestHelper,
	type IHttpRequestOptions,
	type ILoadOptionsFunctions,
	type INode,
	type INodeCredentialsDetails,
	type INodeExecutionData,
	type INodeProperties,
	type INodeType,
	type INodeTypes,
	type IRequestOptionsSimplified,
	type IRun,
	type IRunExecutionData,
	type ITriggerFunctions,
	type ITriggerResponse,
	type IVersionedNodeType,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	type IWorkflowSettings,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

export type AnyNodeType = INodeType | IVersionedNodeType;

/** Binary data attached to an emitted item: the harness stores it through `prepareBinaryData`. */
export interface BinaryInput {
	/** A stream is stored without being read into memory (n8n's filesystem binary-data mode). */
	data: Buffer | Readable;
	fileName: string;
	mimeType?: string;
}

export interface InputItem {
	json: IDataObject;
	binary?: Record<string, BinaryInput>;
}

export interface CredentialSetup {
	/** The credential class instance (its `authenticate` is applied to every request). */
	type: ICredentialType;
	/** The decrypted values, e.g. `{ apiKey, baseUrl }`. */
	data: ICredentialDataDecryptedObject;
}

export interface WorkflowNode {
	name: string;
	/** The workflow type name, e.g. `n8n-nodes-postspool.postSider`. */
	type: string;
	typeVersion?: number;
	parameters: INode['parameters'];
	/** `continueRegularOutput` makes `continueOnFail()` true, as the node setting does in n8n. */
	onError?: INode['onError'];
	retryOnFail?: boolean;
	maxTries?: number;
	waitBetweenTries?: number;
}

export interface RunWorkflowOptions {
	/** Node types by workflow type name. */
	nodeTypes: Record<string, AnyNodeType>;
	/** Credentials by credential type name; every node gets every listed credential. */
	credentials?: Record<string, CredentialSetup>;
	/** Items the manual trigger emits (default: one empty item). */
	items?: InputItem[];
	/** Nodes after the trigger, connected in order. */
	nodes: WorkflowNode[];
	/** Workflow settings, e.g. `{ timezone: 'Europe/Berlin' }` (what `getTimezone()` returns). */
	settings?: IWorkflowSettings;
}

export interface WorkflowResult {
	run: IRun;
	status: IRun['status'];
	/** The workflow-level error when the run failed. */
	error?: ExecutionError;
	/** Each node's first-output items of its (last) run, by node name. */
	outputs: Record<string, INodeExecutionData[]>;
	/** Each node's items per output of its (last) run; with "continueErrorOutput" index 1 is the error output. */
	branches: Record<string, INodeExecutionData[][]>;
	/** Each node's error, by node name. */
	errors: Record<string, ExecutionError | undefined>;
	/** How many times each node ran (retry-on-fail runs it again). */
	runs: Record<string, number>;
}

export const TRIGGER_NODE = 'Start';
const TRIGGER_TYPE = 'postspool-test.manualItems';

/** A 10-line manual trigger that emits the configured items, with binary data stored the n8n way. */
function manualTrigger(items: InputItem[]): INodeType {
	return {
		description: {
			displayName: 'Test Items',
			name: 'manualItems',
			group: ['trigger'],
			version: 1,
			description: 'Emits fixed test items',
			defaults: { name: TRIGGER_NODE },
			inputs: [],
			outputs: [NodeConnectionTypes.Main],
			properties: [],
		},
		async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
			const emitItems = async () => {
				const out: INodeExecutionData[] = [];
				for (const item of items) {
					const data: INodeExecutionData = { json: item.json };
					if (item.binary) {
						data.binary = {};
						for (const [prop, bin] of Object.entries(item.binary)) {
							data.binary[prop] = await this.helpers.prepareBinaryData(
								bin.data,
								bin.fileName,
								bin.mimeType,
							);
						}
					}
					out.push(data);
				}
				this.emit([out]);
			};
			return { manualTriggerFunction: emitItems };
		},
	};
}

function nodeTypesOf(map: Record<string, AnyNodeType>): INodeTypes {
	return {
		getByName: (type: string) => {
			const found = map[type];
			if (!found)
				throw new Error(`Unknown node type "${type}" in the test workflow; pass it in nodeTypes`);
			return found;
		},
		getByNameAndVersion: (type: string, version?: number) => {
			const found = map[type];
			if (!found)
				throw new Error(`Unknown node type "${type}" in the test workflow; pass it in nodeTypes`);
			return NodeHelpers.getVersionedNodeType(found, version);
		},
		getKnownTypes: () => ({}),
	};
}

/**
 * Resolves a credential's `authenticate` exactly as n8n's CredentialsHelper does: a function is
 * called; a generic definition has each key and value resolved as an expression over $credentials.
 */
export class TestCredentialsHelper extends ICredentialsHelper {
	constructor(private readonly setups: Record<string, CredentialSetup>) {
		super();
	}

	private setup(type: string): CredentialSetup {
		const found = this.setups[type];
		if (!found) throw new Error(`No test credentials of type "${type}" were given to the harness`);
		return found;
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const auth = this.setup(typeName).type.authenticate;
		const options = requestOptions as IHttpRequestOptions;
		if (!auth) return options;
		if (typeof auth === 'function') return await auth(credentials, options);
		if (auth.type !== 'generic') throw new Error(`Unsupported authenticate type ${auth.type}`);
		const resolve = (value: unknown): unknown => {
			if (typeof value !== 'string' || !value.startsWith('=')) return value;
			if (!workflow || !node)
				throw new Error('authenticate needs the workflow and node to resolve expressions');
			return workflow.expression.getSimpleParameterValue(
				node,
				value,
				'internal',
				{ $credentials: credentials },
				undefined,
				'',
			);
		};
		const target = options as unknown as Record<string, Record<string, unknown> | undefined>;
		for (const [outer, inner] of Object.entries(auth.properties)) {
			if (!inner) continue;
			const bag: Record<string, unknown> = { ...(target[outer] ?? {}) };
			for (const [key, value] of Object.entries(inner as Record<string, unknown>)) {
				bag[String(resolve(key))] = resolve(value);
			}
			target[outer] = bag;
		}
		return options;
	}

	async preAuthentication(
		_helpers: IHttpRequestHelper,
		_credentials: ICredentialDataDecryptedObject,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async runPreAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async getCredentials(details: INodeCredentialsDetails, type: string): Promise<ICredentials> {
		throw new Error(`getCredentials(${details.name}, ${type}) is not used by the harness`);
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		return { ...this.setup(type).data };
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.setup(type).type.properties;
	}
}

let executionCounter = 0;

function additionalDataFor(
	credentials: Record<string, CredentialSetup>,
	hooks: ExecutionLifecycleHooks | undefined,
	executionId: string,
): IWorkflowExecuteAdditionalData {
	return {
		hooks,
		credentialsHelper: new TestCredentialsHelper(credentials),
		executionId,
		userId: 'test-user',
		variables: {},
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678',
		formBaseUrl: '',
		formWaitingBaseUrl: '',
		formTestBaseUrl: '',
		webhookBaseUrl: '',
		webhookWaitingBaseUrl: '',
		webhookTestBaseUrl: '',
		mcpBaseUrl: '',
		mcpTestBaseUrl: '',
		currentNodeExecutionIndex: 0,
		currentNodeParameters: undefined,
		setExecutionStatus() {},
		sendDataToUI() {},
		logAiEvent() {},
		executeWorkflow: async () => {
			throw new Error('executeWorkflow is not supported by the harness');
		},
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
	} as unknown as IWorkflowExecuteAdditionalData;
}

function credentialRefs(credentials: Record<string, CredentialSetup>): INode['credentials'] {
	const refs: NonNullable<INode['credentials']> = {};
	for (const type of Object.keys(credentials))
		refs[type] = { id: `cred-${type}`, name: `Test ${type}` };
	return refs;
}

/** Runs `Start (manual trigger) → nodes[0] → nodes[1] → …` and collects what each node produced. */
export async function runWorkflow(options: RunWorkflowOptions): Promise<WorkflowResult> {
	const credentials = options.credentials ?? {};
	const items = options.items ?? [{ json: {} }];
	const nodeTypes = nodeTypesOf({ ...options.nodeTypes, [TRIGGER_TYPE]: manualTrigger(items) });
	const creds = credentialRefs(credentials);

	const nodes: INode[] = [
		{
			id: 'node-start',
			name: TRIGGER_NODE,
			type: TRIGGER_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		...options.nodes.map((n, index): INode => {
			const type = nodeTypes.getByNameAndVersion(n.type, n.typeVersion);
			const version =
				n.typeVersion ??
				(Array.isArray(type.description.version)
					? Math.max(...type.description.version)
					: type.description.version);
			return {
				id: `node-${index + 1}`,
				name: n.name,
				type: n.type,
				typeVersion: version,
				position: [(index + 1) * 200, 0],
				parameters: n.parameters,
				credentials: creds,
				...(n.onError ? { onError: n.onError } : {}),
				...(n.retryOnFail
					? {
							retryOnFail: true,
							maxTries: n.maxTries ?? 3,
							waitBetweenTries: n.waitBetweenTries ?? 0,
						}
					: {}),
			};
		}),
	];
	const connections: IWorkflowBase['connections'] = {};
	for (let i = 0; i < nodes.length - 1; i++) {
		connections[nodes[i].name] = {
			main: [[{ node: nodes[i + 1].name, type: NodeConnectionTypes.Main, index: 0 }]],
		};
	}

	const executionId = `exec-${++executionCounter}`;
	const workflowData: IWorkflowBase = {
		id: 'test-workflow',
		name: 'Test workflow',
		active: false,
		isArchived: false,
		nodes,
		connections,
		settings: options.settings ?? {},
		createdAt: new Date(),
		updatedAt: new Date(),
	} as IWorkflowBase;
	const workflow = new Workflow({
		id: workflowData.id,
		name: workflowData.name,
		nodes,
		connections,
		active: false,
		nodeTypes,
		settings: options.settings ?? {},
	});

	const hooks = new ExecutionLifecycleHooks('manual', executionId, workflowData);
	const finished = new Promise<IRun>((resolve) => {
		hooks.addHandler('workflowExecuteAfter', (run) => resolve(run));
	});
	const additionalData = additionalDataFor(credentials, hooks, executionId);
	const startNode = workflow.getNode(TRIGGER_NODE)!;
	const runExecutionData = {
		version: 1,
		startData: {},
		resultData: { runData: {} },
		executionData: {
			contextData: {},
			metadata: {},
			waitingExecution: {},
			waitingExecutionSource: null,
			nodeExecutionStack: [{ node: startNode, data: { main: [[{ json: {} }]] }, source: null }],
		},
	} as unknown as IRunExecutionData;

	await new WorkflowExecute(additionalData, 'manual', runExecutionData).processRunExecutionData(
		workflow,
	);
	const run = await finished;

	const outputs: WorkflowResult['outputs'] = {};
	const branches: WorkflowResult['branches'] = {};
	const errors: WorkflowResult['errors'] = {};
	const runs: WorkflowResult['runs'] = {};
	for (const [name, taskData] of Object.entries(run.data.resultData.runData)) {
		const last = taskData[taskData.length - 1];
		runs[name] = taskData.length;
		outputs[name] = (last?.data?.main?.[0] ?? []) as INodeExecutionData[];
		branches[name] = (last?.data?.main ?? []).map((items) => (items ?? []) as INodeExecutionData[]);
		errors[name] = last?.error;
	}
	return {
		run,
		status: run.status,
		error: run.data.resultData.error,
		outputs,
		branches,
		errors,
		runs,
	};
}

export interface PollHarnessOptions {
	nodeType: AnyNodeType;
	/** Workflow type name, e.g. `n8n-nodes-postspool.postSiderTrigger`. */
	type: string;
	parameters: INode['parameters'];
	credentials?: Record<string, CredentialSetup>;
	/** The node name; n8n keys static data by it (`node:<name>`). */
	name?: string;
	typeVersion?: number;
}

/**
 * A polling trigger inside one long-lived workflow: each `poll()` builds a real `PollContext` on
 * the same `Workflow`, so the node's static data (its cursor) persists between polls as in n8n.
 */
export class PollHarness {
	readonly workflow: Workflow;
	readonly node: INode;
	private readonly additionalData: IWorkflowExecuteAdditionalData;
	private readonly nodeType: INodeType;

	constructor(options: PollHarnessOptions, staticData: IDataObject = {}) {
		const name = options.name ?? 'Trigger';
		const nodeTypes = nodeTypesOf({ [options.type]: options.nodeType });
		this.nodeType = nodeTypes.getByNameAndVersion(options.type, options.typeVersion);
		const version =
			options.typeVersion ??
			(Array.isArray(this.nodeType.description.version)
				? Math.max(...this.nodeType.description.version)
				: this.nodeType.description.version);
		const credentials = options.credentials ?? {};
		this.node = {
			id: 'node-trigger',
			name,
			type: options.type,
			typeVersion: version,
			position: [0, 0],
			parameters: options.parameters,
			credentials: credentialRefs(credentials),
		};
		this.workflow = new Workflow({
			id: 'test-poll-workflow',
			nodes: [this.node],
			connections: {},
			active: true,
			nodeTypes,
			settings: {},
			staticData,
		});
		this.additionalData = additionalDataFor(credentials, undefined, 'poll-exec');
	}

	/** One poll; `mode` 'manual' is the editor's "Fetch test event". */
	async poll(mode: WorkflowExecuteMode = 'trigger'): Promise<INodeExecutionData[][] | null> {
		if (!this.nodeType.poll) throw new Error(`${this.node.type} has no poll()`);
		const context = new PollContext(
			this.workflow,
			this.node,
			this.additionalData,
			mode,
			mode === 'manual' ? 'manual' : 'activate',
		);
		return await this.nodeType.poll.call(context);
	}

	/**
	 * A real `LoadOptionsContext` on this node (credentials included), for calling a node's
	 * `methods.listSearch` / `methods.loadOptions` the way the editor does.
	 */
	loadOptionsContext(path = 'parameters.value'): ILoadOptionsFunctions {
		return new LoadOptionsContext(this.workflow, this.node, this.additionalData, path);
	}

	/** The node's static data as n8n would persist it. */
	get staticData(): IDataObject {
		return this.workflow.getStaticData('node', this.node);
	}
}

/** All json of a node's output items. */
export function jsonOf(items: INodeExecutionData[] | undefined): IDataObject[] {
	return (items ?? []).map((item) => item.json);
}
