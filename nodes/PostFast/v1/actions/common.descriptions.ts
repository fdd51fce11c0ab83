import type { INodeProperties } from 'n8n-workflow';

import { maxRateLimitWaitOption } from '../../../shared/options';
import { MAX_IMAGE_URLS_ANY_PROFILE, MAX_IMAGE_URLS_PER_REQUEST, UUID_REGEX } from '../helpers/api';

/** A searchable account picker (disabled accounts are marked in the list) with an "By ID" mode. */
export function accountLocator(
	overrides: Partial<INodeProperties> = {},
	searchListMethod = 'searchAccounts',
): INodeProperties {
	return {
		displayName: 'Account',
		name: 'account',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'The connected social account (from Social Account → Get Many)',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod, searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. 6a87b56e-ba73-4696-a415-3d524f1a92f8',
				validation: [
					{
						type: 'regex',
						properties: { regex: UUID_REGEX, errorMessage: 'An account ID is a UUID' },
					},
				],
			},
		],
		...overrides,
	};
}

export const PLATFORM_OPTIONS = [
	{ name: 'Bluesky', value: 'BLUESKY' },
	{ name: 'Facebook', value: 'FACEBOOK' },
	{ name: 'Google Business Profile', value: 'GOOGLE_BUSINESS_PROFILE' },
	{ name: 'Instagram', value: 'INSTAGRAM' },
	{ name: 'LinkedIn', value: 'LINKEDIN' },
	{ name: 'Pinterest', value: 'PINTEREST' },
	{ name: 'Telegram', value: 'TELEGRAM' },
	{ name: 'Threads', value: 'THREADS' },
	{ name: 'TikTok', value: 'TIKTOK' },
	{ name: 'X', value: 'X' },
	{ name: 'YouTube', value: 'YOUTUBE' },
];

export const POST_STATUS_OPTIONS = [
	{ name: 'Draft', value: 'DRAFT' },
	{ name: 'Failed', value: 'FAILED' },
	{ name: 'Published', value: 'PUBLISHED' },
	{ name: 'Scheduled', value: 'SCHEDULED' },
];

export const returnAllOrLimit: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
];

/** Every operation's "Options": its own options, then the shared rate-limit wait. */
export function optionsCollection(extra: INodeProperties[] = []): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...extra, maxRateLimitWaitOption],
	};
}

export const platformsFilter: INodeProperties = {
	displayName: 'Platforms',
	name: 'platforms',
	type: 'multiOptions',
	options: PLATFORM_OPTIONS,
	default: [],
	description: 'Only posts to accounts on these platforms',
};

export const accountIdsFilter: INodeProperties = {
	displayName: 'Account IDs',
	name: 'socialMediaIds',
	type: 'string',
	default: '',
	description: 'Only posts to these accounts: comma-separated account IDs (up to 100)',
};

/** File → Upload and Social Post → Create upload the same way. */
export const imagesPerRequestOption: INodeProperties = {
	displayName: 'Images per URL Request',
	name: 'imagesPerRequest',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: MAX_IMAGE_URLS_ANY_PROFILE },
	default: MAX_IMAGE_URLS_PER_REQUEST,
	description: `How many image upload URLs to ask for in one request: PostFast's per-request maximum, ${MAX_IMAGE_URLS_PER_REQUEST} (${MAX_IMAGE_URLS_ANY_PROFILE} on current plans). Images of the same type from all items share requests.`,
};
