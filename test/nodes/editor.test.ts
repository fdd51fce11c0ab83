/**
 * The Create panels (issue 12 finding 8), as n8n's editor resolves them: which parameters a node of
 * a given version shows for given values (n8n-workflow's own display rules, `@version` included),
 * the labels and descriptions, and that version-1 workflows keep their parameters and defaults.
 */
import {
	NodeHelpers,
	type INode,
	type INodeParameters,
	type INodeProperties,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CONTROLS } from '../../contract/postfast';
import { startPostFast, startPostSider } from '../../emulators/src/index';
import { PostFastApi } from '../../credentials/PostFastApi.credentials';
import { PostSiderApi } from '../../credentials/PostSiderApi.credentials';
import { runWorkflow } from '../helpers/n8n';
import { PostFast } from '../../nodes/PostFast/PostFast.node';
import { PostSider } from '../../nodes/PostSider/PostSider.node';

const postFast = new PostFast();
const postSider = new PostSider();

function descriptionOf(node: PostFast | PostSider, version: number): INodeTypeDescription {
	return NodeHelpers.getVersionedNodeType(node, version).description;
}

/** The parameters the editor shows (with their values) for a Create node of `version`. */
function shown(
	node: PostFast | PostSider,
	version: number,
	values: INodeParameters,
): INodeParameters {
	const description = descriptionOf(node, version);
	const resource = node === postFast ? 'socialPost' : 'post';
	const nodeValues = { resource, operation: 'create', ...values };
	const inode = {
		id: 'n',
		name: 'Create',
		type: `n8n-nodes-postspool.${description.name}`,
		typeVersion: version,
		position: [0, 0],
		parameters: nodeValues,
	} as INode;
	return NodeHelpers.getNodeParameters(
		description.properties,
		nodeValues,
		true,
		false,
		inode,
		description,
	)!;
}

/** The Create property `name` as the editor shows it for `version`. */
function property(node: PostFast | PostSider, version: number, name: string): INodeProperties {
	const description = descriptionOf(node, version);
	const values = shown(node, version, {});
	expect(values, `${name} shown in version ${version}`).toHaveProperty(name);
	const resource = node === postFast ? 'socialPost' : 'post';
	return description.properties.find(
		(p) =>
			p.name === name &&
			(p.displayOptions?.show?.resource as string[] | undefined)?.includes(resource) &&
			(p.displayOptions?.show?.operation as string[] | undefined)?.includes('create') &&
			NodeHelpers.displayParameter(
				{ resource, operation: 'create' },
				p,
				{ typeVersion: version } as INode,
				description,
			),
	)!;
}

const controlsShown = (values: INodeParameters) =>
	Object.keys(values).filter((name) => name.endsWith('Controls'));
const settingsShown = (values: INodeParameters) =>
	Object.keys(values).filter((name) => /Settings$/.test(name) && name !== 'providerSettings');

describe('PostFast Create panel', () => {
	it('version 2 shows no Controls until platforms are chosen, then only theirs', () => {
		expect(controlsShown(shown(postFast, 2, {}))).toEqual([]);
		expect(controlsShown(shown(postFast, 2, { controlsPlatforms: ['YOUTUBE'] }))).toEqual([
			'youtubeControls',
		]);
		expect(
			controlsShown(shown(postFast, 2, { controlsPlatforms: ['THREADS', 'X'] })).sort(),
		).toEqual(['threadsControls', 'xControls']);
	});

	it('version 1 keeps all nine Controls collections and Scheduled as the default', () => {
		expect(controlsShown(shown(postFast, 1, {}))).toHaveLength(9);
		expect(shown(postFast, 1, {}).status).toBe('SCHEDULED');
		expect(shown(postFast, 1, {})).not.toHaveProperty('controlsPlatforms');
	});

	it('control descriptions use the panel’s names and say each fact once', () => {
		const controls = descriptionOf(postFast, 2)
			.properties.filter((p) => p.name.endsWith('Controls'))
			.flatMap((p) => (p.options ?? []) as INodeProperties[]);
		// Each catalogue control twice: version 1's collections and version 2's.
		expect(controls.length).toBe(2 * CONTROLS.length);
		for (const control of controls) {
			const text = String(control.description);
			for (const def of CONTROLS)
				expect(text, control.name).not.toMatch(new RegExp(`\\b${def.name}\\b`));
			expect(text, control.name).not.toMatch(
				/tiktok-sounds|search-places|-playlists|-boards|-locations/,
			);
			// A limit the text states is not repeated by a suffix ("up to 25 …; at most 25").
			expect(text, control.name).not.toMatch(/\b(\d+)\b.*\b(at most|max) \1\b/);
			expect((text.match(/required/gi) ?? []).length, text).toBeLessThanOrEqual(1);
			expect((text.match(/ignore/gi) ?? []).length, text).toBeLessThanOrEqual(1);
		}
	});
});

describe('PostSider Create panel', () => {
	it('version 2 groups Provider Settings per provider, shown for the chosen providers only', () => {
		expect(settingsShown(shown(postSider, 2, {}))).toEqual([]);
		expect(shown(postSider, 2, {})).not.toHaveProperty('providerSettings');
		expect(settingsShown(shown(postSider, 2, { settingsProviders: ['youtube'] }))).toEqual([
			'youtubeSettings',
		]);
		expect(
			settingsShown(shown(postSider, 2, { settingsProviders: ['x', 'tiktok'] })).sort(),
		).toEqual(['tiktokSettings', 'xSettings']);
	});

	it('labels are short and whole: no provider prefix, no bracketed detail', () => {
		const collections = descriptionOf(postSider, 2).properties.filter(
			(p) => /^[a-z]+Settings$/.test(p.name) && p.name !== 'providerSettings',
		);
		expect(collections.length).toBeGreaterThanOrEqual(7);
		for (const collection of collections) {
			for (const option of (collection.options ?? []) as INodeProperties[]) {
				expect(option.displayName, option.name).not.toMatch(/[:([{]/);
				expect(option.displayName.length, option.displayName).toBeLessThanOrEqual(32);
			}
		}
	});

	it('"Made for Kids" is No once added, in both versions', () => {
		for (const version of [1, 2]) {
			const options = descriptionOf(postSider, version)
				.properties.filter((p) => p.name === 'youtubeSettings' || p.name === 'providerSettings')
				.flatMap((p) => (p.options ?? []) as INodeProperties[]);
			const madeForKids = options.find((o) => /selfDeclaredMadeForKids$/.test(o.name));
			expect(madeForKids?.default, `version ${version}`).toBe('no');
		}
	});
});

describe('one vocabulary in both Create panels (version 2)', () => {
	it('"Post As" with Draft as the default', () => {
		expect(property(postFast, 2, 'status').displayName).toBe('Post As');
		expect(property(postSider, 2, 'postType').displayName).toBe('Post As');
		expect(shown(postFast, 2, {}).status).toBe('DRAFT');
		expect(shown(postSider, 2, {}).postType).toBe('draft');
		const names = (p: INodeProperties) => (p.options as Array<{ name: string }>).map((o) => o.name);
		expect(names(property(postFast, 2, 'status'))).toEqual(['Draft', 'Scheduled']);
		expect(names(property(postSider, 2, 'postType'))).toEqual(['Draft', 'Scheduled', 'Now']);
	});

	it('"Binary Properties", and First Comment under Additional Fields', () => {
		expect(property(postFast, 2, 'binaryProperties').displayName).toBe('Binary Properties');
		expect(property(postSider, 2, 'binaryProperties').displayName).toBe('Binary Properties');
		for (const [node, version] of [
			[postFast, 2],
			[postSider, 2],
		] as const) {
			const fields = property(node, version, 'additionalFields');
			expect(fields.displayName).toBe('Additional Fields');
			expect((fields.options as INodeProperties[]).map((o) => o.name)).toContain('firstComment');
			const options = property(node, version, 'options');
			expect((options.options as INodeProperties[]).map((o) => o.name)).not.toContain(
				'firstComment',
			);
		}
	});

	it('earlier uploads are "Media From Earlier Uploads" under Additional Fields in both', () => {
		const inFields = (node: PostFast | PostSider, name: string) =>
			(property(node, 2, 'additionalFields').options as INodeProperties[]).find(
				(o) => o.name === name,
			);
		expect(inFields(postSider, 'media')?.displayName).toBe('Media From Earlier Uploads');
		expect(inFields(postFast, 'uploadedMedia')?.displayName).toBe('Media From Earlier Uploads');
		expect(inFields(postFast, 'mediaItemsJson')?.displayName).toBe(
			'Media From Earlier Uploads (JSON)',
		);
		expect(
			(property(postSider, 2, 'options').options as INodeProperties[]).map((o) => o.name),
		).not.toContain('media');
		// Version 1 keeps it in Options.
		expect(
			(property(postSider, 1, 'options').options as INodeProperties[]).map((o) => o.name),
		).toContain('media');
	});

	it('a setting both services have carries the same label in both panels', () => {
		// [PostSider provider, its setting key, PostFast platform, its control, the shared label]
		const same: Array<[string, string, string, string, string]> = [
			['tiktok', 'privacy_level', 'TIKTOK', 'tiktokPrivacy', 'Who Can View'],
			['tiktok', 'duet', 'TIKTOK', 'tiktokAllowDuet', 'Allow Duets'],
			['tiktok', 'stitch', 'TIKTOK', 'tiktokAllowStitch', 'Allow Stitches'],
			['tiktok', 'comment', 'TIKTOK', 'tiktokAllowComments', 'Allow Comments'],
			['tiktok', 'autoAddMusic', 'TIKTOK', 'tiktokAutoAddMusic', 'Add Music Automatically'],
			['tiktok', 'brand_content_toggle', 'TIKTOK', 'tiktokBrandContent', 'Branded Content'],
			['tiktok', 'brand_organic_toggle', 'TIKTOK', 'tiktokBrandOrganic', 'Your Own Brand'],
			['tiktok', 'title', 'TIKTOK', 'tiktokTitle', 'Title'],
			['tiktok', 'video_made_with_ai', 'TIKTOK', 'tiktokIsAigc', 'Made with AI'],
			['youtube', 'title', 'YOUTUBE', 'youtubeTitle', 'Video Title'],
			['youtube', 'type', 'YOUTUBE', 'youtubePrivacy', 'Visibility'],
			['youtube', 'selfDeclaredMadeForKids', 'YOUTUBE', 'youtubeMadeForKids', 'Made For Kids'],
			['youtube', 'tags', 'YOUTUBE', 'youtubeTags', 'Tags'],
			['instagram', 'collaborators', 'INSTAGRAM', 'instagramCollaborators', 'Collaborators'],
			[
				'instagram',
				'graduation_strategy',
				'INSTAGRAM',
				'instagramTrialReelStrategy',
				'Trial Reel Graduation',
			],
			['pinterest', 'link', 'PINTEREST', 'pinterestLink', 'Destination Link'],
		];
		const labelIn = (collection: INodeProperties, name: string) =>
			(collection.options as INodeProperties[]).find((o) => o.name === name)?.displayName;
		for (const [provider, key, platform, control, label] of same) {
			const siderSettings = descriptionOf(postSider, 2).properties.find(
				(p) => p.name === `${provider}Settings`,
			)!;
			const fastParameter = `${platform.toLowerCase()}Controls`;
			const fastControls = descriptionOf(postFast, 2).properties.find(
				(p) =>
					p.name === fastParameter &&
					(p.displayOptions?.show?.controlsPlatforms as string[] | undefined)?.includes(platform),
			)!;
			expect([labelIn(siderSettings, key), labelIn(fastControls, control)], control).toEqual([
				label,
				label,
			]);
		}
		// The Instagram/Facebook post kind differs because the services' choices differ.
		expect(
			labelIn(
				descriptionOf(postFast, 2).properties.find(
					(p) => p.name === 'instagramControls' && p.displayOptions?.show?.controlsPlatforms,
				)!,
				'instagramPublishType',
			),
		).toBe('Post, Reel or Story');
	});

	it('PostSider version 1 keeps First Comment in Options and the flat Provider Settings', () => {
		const values = shown(postSider, 1, {});
		expect(values).toHaveProperty('providerSettings');
		expect(values).not.toHaveProperty('additionalFields');
		expect(
			(property(postSider, 1, 'options').options as INodeProperties[]).map((o) => o.name),
		).toContain('firstComment');
	});
});

describe('a workflow saved with version 1 runs as before', () => {
	let pf: Awaited<ReturnType<typeof startPostFast>>;
	let ps: Awaited<ReturnType<typeof startPostSider>>;
	beforeAll(async () => {
		pf = await startPostFast();
		ps = await startPostSider();
	});
	afterAll(async () => {
		await pf.close();
		await ps.close();
	});

	it('PostFast: Controls without a platform picker, Scheduled by default', async () => {
		const accounts = (await (
			await fetch(`${pf.baseUrl}/social-media/my-social-accounts`, {
				headers: { 'pf-api-key': pf.apiKey },
			})
		).json()) as Array<{ id: string; platform: string; connectionStatus?: string }>;
		const threads = accounts.find(
			(a) => a.platform === 'THREADS' && a.connectionStatus !== 'DISABLED',
		)!;
		const at = new Date(pf.clock.now() + 86_400_000).toISOString();
		const result = await runWorkflow({
			nodeTypes: { 'n8n-nodes-postspool.postFast': postFast },
			credentials: {
				postFastApi: { type: new PostFastApi(), data: { apiKey: pf.apiKey, baseUrl: pf.baseUrl } },
			},
			nodes: [
				{
					name: 'PostFast',
					type: 'n8n-nodes-postspool.postFast',
					typeVersion: 1,
					// As saved by version 1: "status" left at its default (Scheduled) is not stored.
					parameters: {
						resource: 'socialPost',
						operation: 'create',
						account: { __rl: true, mode: 'id', value: threads.id },
						content: 'saved with version 1',
						scheduledAt: at,
						threadsControls: { threadsTopicTag: 'launch' },
					},
				},
			],
		});
		expect(result.status, result.error?.message).toBe('success');
		const create = pf.requests.find((r) => r.method === 'POST' && r.path === '/social-posts')!;
		expect(create.body).toMatchObject({
			status: 'SCHEDULED',
			controls: { threadsTopicTag: 'launch' },
		});
	});

	it('PostSider: flat Provider Settings and First Comment under Options', async () => {
		const channels = (await (
			await fetch(`${ps.baseUrl}/integrations`, { headers: { Authorization: ps.apiKey } })
		).json()) as Array<{ id: string; identifier: string; disabled: boolean }>;
		const x = channels.find((c) => c.identifier === 'x' && !c.disabled)!;
		const result = await runWorkflow({
			nodeTypes: { 'n8n-nodes-postspool.postSider': postSider },
			credentials: {
				postSiderApi: { type: new PostSiderApi(), data: { apiKey: ps.apiKey, baseUrl: ps.origin } },
			},
			nodes: [
				{
					name: 'PostSider',
					type: 'n8n-nodes-postspool.postSider',
					typeVersion: 1,
					parameters: {
						resource: 'post',
						operation: 'create',
						channelIds: [x.id],
						content: 'saved with version 1',
						providerSettings: { x_who_can_reply_post: 'following' },
						options: { firstComment: 'first!', tags: 'Launch' },
					},
				},
			],
		});
		expect(result.status, result.error?.message).toBe('success');
		const create = ps.requests.find((r) => r.method === 'POST' && r.path === '/public/v1/posts')!;
		const body = create.body as {
			type: string;
			tags: unknown[];
			posts: Array<{ settings: object; firstComment: string }>;
		};
		expect(body.type).toBe('draft');
		expect(body.tags).toEqual([{ value: 'Launch', label: 'Launch' }]);
		expect(body.posts[0]).toMatchObject({
			settings: { who_can_reply_post: 'following' },
			firstComment: 'first!',
		});
	});
});
