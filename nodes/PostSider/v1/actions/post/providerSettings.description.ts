/**
 * The provider-settings part of Post → Create. Version 1: one flat "Provider Settings" collection
 * of every provider's fields ("X: Who Can Reply", …). From version 2: "Settings For Providers"
 * picks the providers of the chosen channels and each gets its own "<Provider> Settings" collection
 * with short labels; values reach PostSider the same way (helpers/providerSettings.ts).
 */
import type { INodeProperties } from 'n8n-workflow';

import { PROVIDER_RULES } from '../../../../../contract/postsider';
import { fromVersion2, inVersion1 } from '../../../../shared/versions';
import {
	FIELDS,
	FORM_PROVIDERS,
	settingsParameter,
	type Field,
} from '../../helpers/providerSettings';

/** A field as a collection option: the helper's bookkeeping keys removed. */
function optionOf(field: Field, overrides: Partial<INodeProperties> = {}): INodeProperties {
	const property: Partial<Field> = { ...field };
	for (const key of ['provider', 'providers', 'key', 'kind', 'label'] as const)
		delete property[key];
	return { ...(property as INodeProperties), ...overrides };
}

const labelOf = (provider: keyof typeof PROVIDER_RULES) =>
	provider === 'linkedin' ? 'LinkedIn and LinkedIn Page' : PROVIDER_RULES[provider].label;

export const providerSettingsProperties: INodeProperties[] = [
	inVersion1({
		displayName: 'Provider Settings',
		name: 'providerSettings',
		type: 'collection',
		placeholder: 'Add Provider Setting',
		default: {},
		description:
			'Settings for the channels of each provider; a setting applies to every chosen channel of that provider. Required values the node can choose safely are filled in for you.',
		options: FIELDS.map((field) => optionOf(field)),
	}),
	fromVersion2({
		displayName: 'Settings For Providers',
		name: 'settingsProviders',
		type: 'multiOptions',
		options: FORM_PROVIDERS.map((provider) => ({ name: labelOf(provider), value: provider })).sort(
			(a, b) => a.name.localeCompare(b.name),
		),
		default: [],
		description:
			'Providers whose settings you want to set; a setting applies to every chosen channel of that provider. Required values the node can choose safely are filled in for you.',
	}),
	...FORM_PROVIDERS.map((provider) =>
		fromVersion2({
			displayName: `${PROVIDER_RULES[provider].label} Settings`,
			name: settingsParameter(provider),
			type: 'collection',
			placeholder: 'Add Setting',
			default: {},
			description: `Sent with the post to each ${labelOf(provider)} channel`,
			displayOptions: { show: { settingsProviders: [provider] } },
			options: FIELDS.filter((field) => field.provider === provider)
				.map((field) => optionOf(field, { name: field.key, displayName: field.label }))
				.sort((a, b) => a.displayName.localeCompare(b.displayName)),
		}),
	),
];
