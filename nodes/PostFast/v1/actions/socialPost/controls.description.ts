/**
 * PostFast's platform controls, one collection per platform, generated from the contract's
 * catalogue (contract/postfast.ts `CONTROLS`). PostFast applies `controls` to every post of a
 * create request, so the node sends each post only its own platform's collection and batches posts
 * whose resulting controls are equal.
 */
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { fromVersion2, inVersion1 } from '../../../../shared/versions';
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

/**
 * Display names where the one derived from the control name reads badly, or where the PostSider
 * node names the same setting (one vocabulary in both Create panels; test/nodes/editor.test.ts).
 */
const DISPLAY_NAMES: Record<string, string> = {
	tiktokIsAigc: 'Made with AI',
	tiktokIsDraft: 'Send as TikTok Draft',
	tiktokPrivacy: 'Who Can View',
	tiktokAllowDuet: 'Allow Duets',
	tiktokAllowStitch: 'Allow Stitches',
	tiktokAutoAddMusic: 'Add Music Automatically',
	tiktokBrandContent: 'Branded Content',
	tiktokBrandOrganic: 'Your Own Brand',
	instagramIsAiGenerated: 'Made with AI',
	instagramPublishType: 'Post, Reel or Story',
	instagramTrialReelStrategy: 'Trial Reel Graduation',
	facebookContentType: 'Post, Reel or Story',
	youtubeTitle: 'Video Title',
	youtubePrivacy: 'Visibility',
	pinterestLink: 'Destination Link',
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

/** Where a lookup the catalogue names by its API path lives in this node. */
const LOOKUPS: Record<string, string> = {
	'tiktok-sounds': 'Social Account → Get TikTok Sounds',
	'search-places': 'Social Account → Search Places',
	'youtube-playlists': 'Social Account → Get YouTube Playlists',
	'pinterest-boards': 'Social Account → Get Pinterest Boards',
	'gbp-locations': 'Social Account → Get Google Business Locations',
};

/** Descriptions the catalogue's own text cannot give (a picker describes what to pick). */
const DESCRIPTIONS: Record<string, string> = {
	pinterestBoardId: 'The board to pin to (required for Pinterest)',
	youtubePlaylistId: 'A playlist of the account to add the video to',
	gbpLocationId: 'The business location to post for (required for Google Business Profile)',
	tiktokMusicSoundId: `A sound ID from ${LOOKUPS['tiktok-sounds']}; not together with "Add Music Automatically"`,
	tiktokAutoAddMusic: 'Let TikTok add music (photo posts only); not together with "Music Sound ID"',
	tiktokPrivacy: 'Ignored by PostFast on TikTok Business accounts',
	xCommunityId: 'PostFast accepts it but no longer uses it',
	youtubeTitle:
		'Video title, at most 100 characters, without < or > (default: the start of the content)',
	threadsTopicTag: 'One topic tag of 1–50 characters, without "." or "&"',
	instagramCollaborators: 'Usernames of up to 3 collaborators, comma-separated',
	facebookTargetCountries:
		'Up to 25 two-letter country codes (ISO 3166), comma-separated; posts only',
};

/** The catalogue's text in the panel's words: control and API path names become field and operation names. */
function panelWords(text: string): string {
	let out = text;
	for (const [path, where] of Object.entries(LOOKUPS)) out = out.split(path).join(where);
	for (const def of CONTROLS) {
		const prefix = PLATFORM_LABELS[def.platform]?.prefix;
		if (prefix)
			out = out.replace(new RegExp(`\\b${def.name}\\b`, 'g'), `"${displayNameOf(def, prefix)}"`);
	}
	return out;
}

function descriptionOf(def: ControlDef): string {
	const text = DESCRIPTIONS[def.name] ?? panelWords(def.description.replace(/\.$/, ''));
	const parts = [text];
	// Facts the text does not state yet (no "max 50 characters" after "1–50 characters").
	if (def.type === 'string[]' && !/comma-separated/.test(text)) parts.push('comma-separated');
	if (def.maxItems && !text.includes(String(def.maxItems))) parts.push(`at most ${def.maxItems}`);
	if (def.maxLength && !text.includes(String(def.maxLength)))
		parts.push(`at most ${def.maxLength} characters`);
	if (def.requiredForPlatform && !/required/i.test(text)) parts.push('required for this platform');
	if (def.noOp && !/ignore|no longer/i.test(text)) parts.push('PostFast accepts it but ignores it');
	const joined = parts.join('; ');
	return PICKERS[def.name]
		? `${joined}. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.`
		: joined;
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

function controlsCollection(group: PlatformControls): INodeProperties {
	const meta = PLATFORM_LABELS[group.platform]!;
	return {
		displayName: group.displayName,
		name: group.parameter,
		type: 'collection',
		placeholder: 'Add Control',
		default: {},
		description: `Sent only with posts to ${meta.label} accounts`,
		options: group.controls
			.map((def) => propertyOf(def, meta.prefix))
			.sort((a, b) => a.displayName.localeCompare(b.displayName)),
	};
}

/**
 * The controls of Create. Version 1 shows all nine collections; from version 2 "Controls For
 * Platforms" picks the platforms (the accounts' platforms) and only their collections show.
 */
export const controlsProperties: INodeProperties[] = [
	...PLATFORM_CONTROLS.map((group) => inVersion1(controlsCollection(group))),
	fromVersion2({
		displayName: 'Controls For Platforms',
		name: 'controlsPlatforms',
		type: 'multiOptions',
		options: PLATFORM_CONTROLS.map((group) => ({
			name: PLATFORM_LABELS[group.platform]!.label,
			value: group.platform,
		})).sort((a, b) => a.name.localeCompare(b.name)),
		default: [],
		description:
			"Platforms whose controls you want to set; each post gets only its own account's platform controls",
	}),
	...PLATFORM_CONTROLS.map((group) => {
		const collection = fromVersion2(controlsCollection(group));
		collection.displayOptions!.show!.controlsPlatforms = [group.platform];
		return collection;
	}),
];

/** Controls whose value is a list: comma-separated text in the UI, an array for PostFast. */
export const LIST_CONTROLS = new Set(
	CONTROLS.filter((def) => def.type === 'string[]').map((def) => def.name),
);
