/**
 * The PostSider node: every operation of the public API, versioned. n8n's verification scanner
 * lints the source and accepts a node class description (with its icon, checked next to the file)
 * only in a registered `<Name>.node.ts`, so the version classes live here; their resources,
 * operations, router and methods live in v1/.
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

export class PostSiderV1 implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'PostSider',
		name: 'postSider',
		icon: { light: 'file:postsider.svg', dark: 'file:postsider.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Schedule and publish social posts with PostSider, upload media, read channels, analytics and notifications',
		defaults: { name: 'PostSider' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'postSiderApi', required: true }],
		properties,
	};

	methods = { listSearch, loadOptions };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}

export class PostSider extends VersionedNodeType {
	constructor() {
		const v1 = new PostSiderV1();
		const { displayName, name, icon, group, subtitle, description, usableAsTool } = v1.description;
		super(
			{ 1: v1 },
			{ displayName, name, icon, group, subtitle, description, usableAsTool, defaultVersion: 1 },
		);
	}
}
