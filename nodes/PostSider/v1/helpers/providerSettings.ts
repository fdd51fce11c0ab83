/**
 * Provider settings for the ten main providers (postsider-api.md §6.1) as real fields, and how a
 * channel's `settings` object is built from them. PostSider validates settings even for drafts, so
 * required fields get safe defaults here (X `who_can_reply_post`, Instagram `post_type`, the eight
 * TikTok fields, YouTube `type`); YouTube `title` and Pinterest `board` have no safe default and
 * are left to the server to name when missing.
 */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import {
	PROVIDER_RULES,
	SUPPORTED_PROVIDERS,
	defaultSettings,
	isSupportedProvider,
	type SettingField,
	type SupportedProvider,
} from '../../../../contract/postsider';

type Field = INodeProperties & { providers: string[]; key: string; kind: SettingField['kind'] };

/** Providers whose settings are the same DTO share one set of fields (named after the first). */
const SHARED: Partial<Record<SupportedProvider, string[]>> = {
	linkedin: ['linkedin', 'linkedin-page'],
	instagram: ['instagram', 'instagram-standalone'],
};
const SKIP = new Set<string>(['linkedin-page']);

function fieldFor(provider: SupportedProvider, field: SettingField): Field | undefined {
	const rules = PROVIDER_RULES[provider];
	const base = {
		providers: SHARED[provider] ?? [provider],
		key: field.name,
		kind: field.kind,
		displayName: `${rules.label}: ${field.description.replace(/ \[.*$/, '').replace(/ \{.*$/, '')}`,
		name: `${provider.replace(/-/g, '')}_${field.name}`,
		description: `${rules.label} setting "${field.name}"${field.required ? ' (required by PostSider)' : ''}`,
	};
	switch (field.kind) {
		case 'enum':
			return {
				...base,
				type: 'options',
				options: (field.values ?? []).map((value) => ({ name: value, value })),
				default: typeof field.default === 'string' ? field.default : (field.values?.[0] ?? ''),
			};
		case 'boolean':
			return { ...base, type: 'boolean', default: field.default === true };
		case 'labels':
		case 'tags':
			return {
				...base,
				type: 'string',
				default: '',
				description: `${base.description}; comma-separated`,
			};
		case 'media':
			// An {id, path} object: set it through Settings JSON.
			return undefined;
		default:
			return { ...base, type: 'string', default: '' };
	}
}

/** Real fields for the ten providers, generated from the contract's provider table. */
const FIELDS: Field[] = SUPPORTED_PROVIDERS.filter((p) => !SKIP.has(p)).flatMap((provider) =>
	PROVIDER_RULES[provider].fields
		.map((field) => fieldFor(provider, field))
		.filter((f): f is Field => f !== undefined),
);

/** The "Provider Settings" collection of Post → Create. */
export const providerSettingsProperty: INodeProperties = {
	displayName: 'Provider Settings',
	name: 'providerSettings',
	type: 'collection',
	placeholder: 'Add Provider Setting',
	default: {},
	description:
		'Settings for the channels of each provider; a setting applies to every chosen channel of that provider. Required values the node can choose safely are filled in for you.',
	options: FIELDS.map((field) => {
		const property: INodeProperties & Partial<Pick<Field, 'providers' | 'key' | 'kind'>> = {
			...field,
		};
		delete property.providers;
		delete property.key;
		delete property.kind;
		return property;
	}),
};

function listOf(value: string): string[] {
	return value
		.split(',')
		.map((v) => v.trim())
		.filter(Boolean);
}

/** Turns a UI value into the API's shape where they differ. */
function apiValue(field: Field, value: unknown): unknown {
	if (typeof value !== 'string') return value;
	if (field.kind === 'labels') return listOf(value).map((label) => ({ label }));
	if (field.kind === 'tags') return listOf(value).map((label) => ({ value: label, label }));
	return value;
}

/**
 * `settings` for one channel: the contract's defaults (every value the server requires that can be
 * chosen safely), then the chosen provider fields, then the JSON escape hatch keyed by provider
 * identifier, then keyed by channel id (most specific wins).
 */
export function settingsFor(
	channel: { id: string; identifier: string },
	chosen: IDataObject,
	json: IDataObject,
): IDataObject {
	const provider = channel.identifier === 'instagram-standalone' ? 'instagram' : channel.identifier;
	const settings: IDataObject = isSupportedProvider(provider)
		? (defaultSettings(provider) as IDataObject)
		: {};
	for (const field of FIELDS) {
		if (!field.providers.includes(channel.identifier)) continue;
		const value = chosen[field.name];
		if (value === undefined || value === '') continue;
		settings[field.key] = apiValue(field, value) as IDataObject[string];
	}
	const byProvider = json[channel.identifier];
	const byChannel = json[channel.id];
	if (byProvider && typeof byProvider === 'object') Object.assign(settings, byProvider);
	if (byChannel && typeof byChannel === 'object') Object.assign(settings, byChannel);
	return settings;
}
