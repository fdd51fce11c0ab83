/**
 * The PostFast node, versioned. n8n's verification scanner lints the source and accepts a node
 * class description (with its icon, checked next to the file) only in a registered `<Name>.node.ts`,
 * so the version classes live here; their resources, operations, router and methods live in v1/.
 */
import {
	NodeConnectionTypes,
	VersionedNodeType,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { properties } from './v1/actions/properties';
import { router } from './v1/actions/router';
import { listSearch, loadOptions } from './v1/methods';

export class PostFastV1 implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'PostFast',
		name: 'postFast',
		icon: { light: 'file:postfast.svg', dark: 'file:postfast.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Schedule social media posts with media through PostFast',
		defaults: { name: 'PostFast' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [{ name: 'postFastApi', required: true }],
		properties,
	};

	methods = { listSearch, loadOptions };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}

export class PostFast extends VersionedNodeType {
	constructor() {
		const v1 = new PostFastV1();
		const { displayName, name, icon, group, subtitle, description } = v1.description;
		super({ 1: v1 }, { displayName, name, icon, group, subtitle, description, defaultVersion: 1 });
	}
}
