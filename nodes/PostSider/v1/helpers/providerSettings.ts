/**
 * Provider settings for the ten main providers (docs/postsider-api.md, "Per-provider settings") as real
 * fields, and how a channel's `settings` object is built from them. PostSider validates settings
 * even for drafts, so required fields get safe defaults here (X `who_can_reply_post`, Instagram
 * `post_type`, the eight TikTok fields, YouTube `type`); YouTube `title` and Pinterest `board` have
 * no safe default, so a channel without them is stopped before anything is sent, naming the field.
 *
 * The editor (actions/post/providerSettings.description.ts) shows these fields flat in version 1
 * ("Provider Settings", option `<provider>_<key>`) and as one collection per provider from version
 * 2 (`<provider>Settings`, option `<key>`); `chosenSettings` reads either into the version-1 shape.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import {
	PROVIDER_RULES,
	SUPPORTED_PROVIDERS,
	defaultSettings,
	isSupportedProvider,
	type SettingField,
	type SupportedProvider,
} from '../../../../contract/postsider';

export type Field = INodeProperties & {
	/** The provider whose form holds the field ("linkedin" also serves LinkedIn pages). */
	provider: SupportedProvider;
	providers: string[];
	key: string;
	kind: SettingField['kind'];
	/** The field's own words, without the provider's name: the version-2 label. */
	label: string;
};

/** Providers whose settings are the same DTO share one set of fields (named after the first). */
const SHARED: Partial<Record<SupportedProvider, string[]>> = {
	linkedin: ['linkedin', 'linkedin-page'],
	instagram: ['instagram', 'instagram-standalone'],
};
const SKIP = new Set<string>(['linkedin-page']);

/** What the form preselects where the contract has no default (YouTube asks yes/no: no). */
const FORM_DEFAULTS: Record<string, string> = { youtube_selfDeclaredMadeForKids: 'no' };

/** Labels the description cannot give short enough for the panel. */
const FORM_LABELS: Record<string, string> = {
	tiktok_content_posting_method: 'Publish or Send to Inbox',
	// PostFast's TikTok and Instagram AI labels are "Made with AI" too (docs/n8n.md, one vocabulary).
	tiktok_video_made_with_ai: 'Made with AI',
};

const SMALL_WORDS = new Set(['a', 'an', 'and', 'as', 'or', 'of', 'to', 'the', 'in', 'with']);
const ACRONYMS: Record<string, string> = { id: 'ID', ai: 'AI', url: 'URL' };

/** "Board id (list boards …)" → "Board ID": the words before any detail, in title case. */
function labelOf(description: string): string {
	const words = description
		.replace(/ [([{].*$/, '')
		.split(' ')
		.filter(Boolean);
	return words
		.map((word, i) => {
			const lower = word.toLowerCase();
			if (ACRONYMS[lower]) return ACRONYMS[lower];
			if (i > 0 && SMALL_WORDS.has(lower)) return lower;
			return word.charAt(0).toUpperCase() + word.slice(1);
		})
		.join(' ');
}

/** The version-2 collection of a provider's fields, e.g. `youtubeSettings`. */
export function settingsParameter(provider: string): string {
	return `${provider.replace(/-/g, '')}Settings`;
}

function fieldFor(provider: SupportedProvider, field: SettingField): Field | undefined {
	const rules = PROVIDER_RULES[provider];
	const name = `${provider.replace(/-/g, '')}_${field.name}`;
	const label = FORM_LABELS[name] ?? labelOf(field.description);
	const detail = field.description.replace(/ \[.*$/, '').replace(/ \{.*$/, '');
	const base = {
		provider,
		providers: SHARED[provider] ?? [provider],
		key: field.name,
		kind: field.kind,
		label,
		displayName: `${rules.label}: ${label}`,
		name,
		description: `${detail}${field.required ? ' (required by PostSider)' : ''}`,
	};
	switch (field.kind) {
		case 'enum':
			return {
				...base,
				type: 'options',
				options: (field.values ?? []).map((value) => ({ name: value, value })),
				default:
					FORM_DEFAULTS[name] ??
					(typeof field.default === 'string' ? field.default : (field.values?.[0] ?? '')),
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
export const FIELDS: Field[] = SUPPORTED_PROVIDERS.filter((p) => !SKIP.has(p)).flatMap((provider) =>
	PROVIDER_RULES[provider].fields
		.map((field) => fieldFor(provider, field))
		.filter((f): f is Field => f !== undefined),
);

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

/** The providers with a form, in the contract's order ("linkedin" serves LinkedIn pages too). */
export const FORM_PROVIDERS: SupportedProvider[] = SUPPORTED_PROVIDERS.filter(
	(provider) => !SKIP.has(provider) && FIELDS.some((field) => field.provider === provider),
);

/**
 * The provider fields chosen for item `itemIndex`, in version 1's flat shape (`<provider>_<key>`):
 * version 1's "Provider Settings", or version 2's per-provider collections. n8n drops the
 * parameters a version does not show, so only one of the two holds values.
 */
export function chosenSettings(this: IExecuteFunctions, itemIndex: number): IDataObject {
	const chosen = { ...(this.getNodeParameter('providerSettings', itemIndex, {}) as IDataObject) };
	for (const provider of FORM_PROVIDERS) {
		const values = this.getNodeParameter(settingsParameter(provider), itemIndex, {}) as IDataObject;
		for (const [key, value] of Object.entries(values))
			chosen[`${provider.replace(/-/g, '')}_${key}`] = value;
	}
	return chosen;
}

/**
 * A channel's settings without a value the provider requires and the node cannot choose (YouTube
 * title, Pinterest board): one message naming the channel and where to set each field, or
 * undefined when nothing is missing.
 */
export function missingSettingsMessage(
	channel: { id: string; name?: string; identifier: string },
	settings: IDataObject,
	nodeVersion: number,
): string | undefined {
	const provider = channel.identifier === 'instagram-standalone' ? 'instagram' : channel.identifier;
	if (!isSupportedProvider(provider)) return undefined;
	const rules = PROVIDER_RULES[provider];
	const missing = rules.fields.filter(
		(field) =>
			field.required &&
			field.kind !== 'media' &&
			(settings[field.name] === undefined ||
				settings[field.name] === null ||
				settings[field.name] === ''),
	);
	if (missing.length === 0) return undefined;
	const formFields = missing.map(
		(field) =>
			FIELDS.find((f) => f.providers.includes(channel.identifier) && f.key === field.name)!,
	);
	const where = formFields
		.map((field) =>
			nodeVersion >= 2
				? `"${field.label}" in "${PROVIDER_RULES[field.provider].label} Settings"`
				: `"${field.displayName}" in "Provider Settings"`,
		)
		.join(' and ');
	const pick =
		nodeVersion >= 2
			? ` (choose ${PROVIDER_RULES[formFields[0].provider].label} under "Settings For Providers")`
			: '';
	const keys = missing.map((field) => `"${field.name}"`).join(', ');
	return `The ${rules.label} channel "${channel.name ?? channel.id}" needs ${where}${pick}, or ${keys} for "${channel.identifier}" in Options → Settings JSON`;
}
