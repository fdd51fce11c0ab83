import type { INodeTypeBaseDescription, IVersionedNodeType } from 'n8n-workflow';
import { VersionedNodeType } from 'n8n-workflow';

import { PostFastV1 } from './v1/PostFastV1.node';

export class PostFast extends VersionedNodeType {
	constructor() {
		const baseDescription: INodeTypeBaseDescription = {
			displayName: 'PostFast',
			name: 'postFast',
			icon: { light: 'file:postfast.svg', dark: 'file:postfast.dark.svg' },
			group: ['output'],
			subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
			description: 'Schedule social media posts with media through PostFast',
			defaultVersion: 1,
		};
		const nodeVersions: IVersionedNodeType['nodeVersions'] = {
			1: new PostFastV1(baseDescription),
		};
		super(nodeVersions, baseDescription);
	}
}
