/**
 * What n8n reads from the PostFast package without running it: the versioned description, icons,
 * codex files, credential auth, and that the UI offers every control of the catalogue.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NodeHelpers, type INodeProperties, type INodeTypeDescription } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';

import { PostFastApi } from '../../../credentials/PostFastApi.credentials';
import { PostFast } from '../../../nodes/PostFast/PostFast.node';
import { PostFastTrigger } from '../../../nodes/PostFast/PostFastTrigger.node';
import { PLATFORM_CONTROLS } from '../../../nodes/PostFast/v1/actions/socialPost/controls.description';

const root = join(__dirname, '../../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
	name: string;
	n8n: { nodes: string[]; credentials: string[] };
};
const v1 = NodeHelpers.getVersionedNodeType(new PostFast(), 1).description;

function optionValues(
	description: INodeTypeDescription,
	name: string,
	resource?: string,
): string[] {
	const property = description.properties.find(
		(p) =>
			p.name === name &&
			(!resource || (p.displayOptions?.show?.resource as string[] | undefined)?.includes(resource)),
	);
	return ((property?.options ?? []) as Array<{ value: string }>).map((o) => o.value);
}

describe('PostFast package description', () => {
	it('registers both nodes and the credential in the n8n manifest', () => {
		expect(pkg.n8n.nodes).toEqual(
			expect.arrayContaining([
				'dist/nodes/PostFast/PostFast.node.js',
				'dist/nodes/PostFast/PostFastTrigger.node.js',
			]),
		);
		expect(pkg.n8n.credentials).toContain('dist/credentials/PostFastApi.credentials.js');
	});

	it('version 1 is a usable-as-tool node with every resource and operation of issue 3', () => {
		expect(v1.usableAsTool).toBe(true);
		expect(v1.credentials).toEqual([{ name: 'postFastApi', required: true }]);
		expect(optionValues(v1, 'resource')).toEqual(['file', 'socialAccount', 'socialPost']);
		expect(optionValues(v1, 'operation', 'file').sort()).toEqual(['getUploadUrls', 'upload']);
		expect(optionValues(v1, 'operation', 'socialAccount').sort()).toEqual([
			'createConnectLink',
			'getFollowerHistory',
			'getGbpLocations',
			'getMany',
			'getPinterestBoards',
			'getTiktokSounds',
			'getYoutubePlaylists',
			'searchPlaces',
		]);
		expect(optionValues(v1, 'operation', 'socialPost').sort()).toEqual([
			'bulkDelete',
			'create',
			'delete',
			'getAnalytics',
			'getMany',
		]);
	});

	it('has distinct light and dark icons next to each node and the credential, and codex files named for the package', () => {
		const icons: Array<[string, unknown]> = [
			['nodes/PostFast', new PostFast().description.icon],
			['nodes/PostFast', new PostFastTrigger().description.icon],
			['credentials', new PostFastApi().icon],
		];
		for (const [dir, icon] of icons) {
			const { light, dark } = icon as { light: string; dark: string };
			const lightFile = join(root, dir, light.replace('file:', ''));
			const darkFile = join(root, dir, dark.replace('file:', ''));
			expect(existsSync(lightFile) && existsSync(darkFile)).toBe(true);
			expect(readFileSync(lightFile, 'utf8')).not.toBe(readFileSync(darkFile, 'utf8'));
		}
		for (const [file, name] of [
			['PostFast.node.json', 'postFast'],
			['PostFastTrigger.node.json', 'postFastTrigger'],
		]) {
			const codex = JSON.parse(readFileSync(join(root, 'nodes/PostFast', file), 'utf8')) as {
				node: string;
				resources: { primaryDocumentation: unknown[] };
			};
			expect(codex.node).toBe(`${pkg.name}.${name}`);
			expect(codex.resources.primaryDocumentation.length).toBeGreaterThan(0);
		}
	});

	it('the credential sends the key as pf-api-key and tests with my-social-accounts on the configured base URL', async () => {
		const credential = new PostFastApi();
		const signed = await credential.authenticate(
			{ apiKey: 'key-1', baseUrl: 'https://api.postfa.st' },
			{ url: 'https://api.postfa.st/social-media/my-social-accounts', headers: { a: 'b' } },
		);
		expect(signed).toMatchObject({
			headers: { a: 'b', 'pf-api-key': 'key-1' },
			disableFollowRedirect: true,
		});
		expect(credential.properties.find((p) => p.name === 'apiKey')?.typeOptions?.password).toBe(
			true,
		);
		expect(credential.properties.find((p) => p.name === 'baseUrl')?.default).toBe(
			'https://api.postfa.st',
		);
		expect(credential.test.request.url).toBe('/social-media/my-social-accounts');
		expect(credential.test.request.baseURL).toContain('$credentials.baseUrl');
	});

	it('offers every control of the catalogue, each in its platform’s collection', () => {
		const catalogue = [
			'tiktokTitle',
			'tiktokPrivacy',
			'tiktokAllowComments',
			'tiktokAllowDuet',
			'tiktokAllowStitch',
			'tiktokBrandOrganic',
			'tiktokBrandContent',
			'tiktokAutoAddMusic',
			'tiktokIsAigc',
			'tiktokIsDraft',
			'tiktokMusicSoundId',
			'tiktokMusicSoundName',
			'instagramPublishType',
			'instagramPostToGrid',
			'instagramCollaborators',
			'instagramTrialReelStrategy',
			'instagramLocationId',
			'instagramLocationName',
			'instagramIsAiGenerated',
			'facebookContentType',
			'facebookReelsCollaborators',
			'facebookPlaceId',
			'facebookPlaceName',
			'facebookTargetCountries',
			'youtubeIsShort',
			'youtubeMadeForKids',
			'youtubeContainsSyntheticMedia',
			'youtubeTitle',
			'youtubeCategoryId',
			'youtubePlaylistId',
			'youtubeThumbnailKey',
			'youtubeLanguage',
			'youtubeCaptionKey',
			'youtubePrivacy',
			'youtubeTags',
			'linkedinAttachmentKey',
			'linkedinAttachmentTitle',
			'xRetweetUrl',
			'pinterestBoardId',
			'pinterestLink',
			'gbpLocationId',
			'gbpTopicType',
			'gbpCallToActionType',
			'gbpCallToActionUrl',
			'gbpEventTitle',
			'gbpEventStartDate',
			'gbpEventEndDate',
			'gbpOfferCouponCode',
			'gbpOfferRedeemUrl',
			'gbpOfferTerms',
			'threadsTopicTag',
			'xCommunityId', // vendor page; retired by the backend, offered and labelled as ignored
		];
		const offered = new Map<string, string>();
		for (const group of PLATFORM_CONTROLS) {
			const collection = v1.properties.find((p) => p.name === group.parameter) as INodeProperties;
			for (const option of collection.options as INodeProperties[])
				offered.set(option.name, group.platform);
		}
		expect([...offered.keys()].sort()).toEqual([...catalogue].sort());
		for (const [control, platform] of offered) {
			const prefix = platform === 'GOOGLE_BUSINESS_PROFILE' ? 'gbp' : platform.toLowerCase();
			expect(control.toLowerCase().startsWith(prefix)).toBe(true);
		}
	});
});
