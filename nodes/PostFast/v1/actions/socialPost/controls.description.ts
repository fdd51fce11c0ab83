/**
 * PostFast's platform controls, one collection per platform, generated from the contract's
 * catalogue (contract/postfast.ts `CONTROLS`). PostFast applies `controls` to every post of a
 * create request, so the node sends each post only its own platform's collection and batches posts
 * whose resulting controls are equal.
 */
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { CONTROLS, type ControlDef, type Platform } from '../../helpers/api';

export interface PlatformControls {
	platform: Platform;
	/** Node parameter holding this platform's controls. */
	parameter: string;
	displayName: string;
	controls: ControlDef[];
}

const PLATFORM_LABELS: Partial<
	Record<Platform, { parameter: string; label: string; prefix: string }>
> = {
	TIKTOK: { parameter: 'tiktokControls', label: 'TikTok', prefix: 'tiktok' },
	INSTAGRAM: { parameter: 'instagramControls', label: 'Instagram', prefix: 'instagram' },
	FACEBOOK: { parameter: 'facebookControls', label: 'Facebook', prefix: 'facebook' },
	YOUTUBE: { parameter: 'youtubeControls', label: 'YouTube', prefix: 'youtube' },
	LINKEDIN: { parameter: 'linkedinControls', label: 'LinkedIn', prefix: 'linkedin' },
	X: { parameter: 'xControls', label: 'X', prefix: 'x' },
	PINTEREST: { parameter: 'pinterestControls', label: 'Pinterest', prefix: 'pinterest' },
	GOOGLE_BUSINESS_PROFILE: {
		parameter: 'gbpControls',
		label: 'Google Business Profile',
		prefix: 'gbp',
	},
	THREADS: { parameter: 'threadsControls', label: 'Threads', prefix: 'threads' },
};

/** Display names where the one derived from the control name reads badly. */
const DISPLAY_NAMES: Record<string, string> = {
	tiktokIsAigc: 'AI-Generated Content',
	tiktokIsDraft: 'Send as TikTok Draft',
	instagramIsAiGenerated: 'AI-Generated',
	youtubeIsShort: 'Is Short',
	youtubeCategoryId: 'Category ID',
	youtubeCaptionKey: 'Caption File Key',
	linkedinAttachmentKey: 'Document Key',
	linkedinAttachmentTitle: 'Document Title',
	xRetweetUrl: 'Retweet URL',
	xCommunityId: 'Community ID',
	gbpCallToActionUrl: 'Call to Action URL',
	gbpCallToActionType: 'Call to Action Type',
	gbpOfferRedeemUrl: 'Offer Redeem URL',
	instagramLocationId: 'Location ID',
	facebookPlaceId: 'Place ID',
	tiktokMusicSoundId: 'Music Sound ID',
	pinterestBoardId: 'Board Name or ID',
	youtubePlaylistId: 'Playlist Name or ID',
	gbpLocationId: 'Location Name or ID',
};

/** Controls whose value is picked from the chosen account's boards, playlists or locations. */
const PICKERS: Record<string, string> = {
	pinterestBoardId: 'getPinterestBoards',
	youtubePlaylistId: 'getYoutubePlaylists',
	gbpLocationId: 'getGbpLocations',
};

function displayNameOf(def: ControlDef, prefix: string): string {
	if (DISPLAY_NAMES[def.name]) return DISPLAY_NAMES[def.name];
	const words = def.name
		.slice(prefix.length)
		.replace(/([a-z0-9])([A-Z])/g, '$1 $2')
		.split(' ');
	return words.map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join(' ');
}

function optionsOf(values: readonly string[]): INodePropertyOptions[] {
	return values.map((value) => ({
		name: value
			.toLowerCase()
			.split('_')
			.map((word) => word.charAt(0).toUpperCase() + word.slice(1))
			.join(' '),
		value,
	}));
}

function descriptionOf(def: ControlDef): string {
	const parts = [def.description.replace(/\.$/, '')];
	if (def.type === 'string[]')
		parts.push(`comma-separated${def.maxItems ? `, at most ${def.maxItems}` : ''}`);
	if (def.maxLength) parts.push(`max ${def.maxLength} characters`);
	if (def.requiredForPlatform) parts.push('required for this platform');
	if (def.noOp) parts.push('PostFast accepts it but ignores it');
	const text = parts.join('; ');
	return PICKERS[def.name]
		? `${text}. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.`
		: text;
}

function propertyOf(def: ControlDef, prefix: string): INodeProperties {
	const base = {
		displayName: displayNameOf(def, prefix),
		name: def.name,
		description: descriptionOf(def),
	};
	if (PICKERS[def.name]) {
		return {
			...base,
			type: 'options',
			default: '',
			typeOptions: {
				loadOptionsMethod: PICKERS[def.name],
				loadOptionsDependsOn: ['account.value'],
			},
		};
	}
	switch (def.type) {
		case 'boolean':
			return {
				...base,
				type: 'boolean',
				default: typeof def.default === 'boolean' ? def.default : false,
			};
		case 'enum':
			return {
				...base,
				type: 'options',
				options: optionsOf(def.values ?? []),
				default: typeof def.default === 'string' ? def.default : (def.values?.[0] ?? ''),
			};
		default:
			return { ...base, type: 'string', default: '' };
	}
}

export const PLATFORM_CONTROLS: PlatformControls[] = Object.entries(PLATFORM_LABELS).map(
	([platform, meta]) => ({
		platform: platform as Platform,
		parameter: meta!.parameter,
		displayName: `${meta!.label} Controls`,
		controls: CONTROLS.filter((def) => def.platform === platform),
	}),
);

/** One "<Platform> Controls" collection per platform, options sorted by display name. */
export const controlsProperties: INodeProperties[] = PLATFORM_CONTROLS.map((group) => {
	const prefix = PLATFORM_LABELS[group.platform]!.prefix;
	return {
		displayName: group.displayName,
		name: group.parameter,
		type: 'collection',
		placeholder: 'Add Control',
		default: {},
		description: `Sent only with posts to ${PLATFORM_LABELS[group.platform]!.label} accounts`,
		options: group.controls
			.map((def) => propertyOf(def, prefix))
			.sort((a, b) => a.displayName.localeCompare(b.displayName)),
	};
});

/** Controls whose value is a list: comma-separated text in the UI, an array for PostFast. */
export const LIST_CONTROLS = new Set(
	CONTROLS.filter((def) => def.type === 'string[]').map((def) => def.name),
);
