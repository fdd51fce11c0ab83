import {
	VersionedNodeType,
	type INodeTypeBaseDescription,
	type IVersionedNodeType,
} from 'n8n-workflow';
import { PostSiderV1 } from './v1/PostSiderV1.node';

/** PostSider: every operation of the public API (versioned layout; v1 holds the implementation). */
export class PostSider extends VersionedNodeType {
	constructor() {
		const baseDescription: INodeTypeBaseDescription = {
			displayName: 'PostSider',
			name: 'postSider',
			icon: { light: 'file:postsider.svg', dark: 'file:postsider.dark.svg' },
			group: ['output'],
			subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
			description:
				'Schedule and publish social posts with PostSider, upload media, read channels, analytics and notifications',
			defaultVersion: 1,
			usableAsTool: true,
		};
		const nodeVersions: IVersionedNodeType['nodeVersions'] = {
			1: new PostSiderV1(baseDescription),
		};
		super(nodeVersions, baseDescription);
	}
}
