/**
 * Both nodes have versions 1 and 2, served by one class. Version 2 changed only the Create panel
 * (platform/provider pickers that show one collection each, Draft as the default "Post As", First
 * Comment under Additional Fields); a workflow saved with version 1 keeps version 1's parameters,
 * so its stored values (and the defaults it relied on) mean what they meant.
 */
import type { INodeProperties } from 'n8n-workflow';

export const NODE_VERSIONS = [1, 2];
export const DEFAULT_VERSION = 2;

function onVersions(property: INodeProperties, versions: unknown[]): INodeProperties {
	const show = { ...(property.displayOptions?.show ?? {}), '@version': versions };
	return {
		...property,
		displayOptions: { ...property.displayOptions, show } as INodeProperties['displayOptions'],
	};
}

/** The parameter as version 1 has it (shown only in version-1 nodes). */
export function inVersion1(property: INodeProperties): INodeProperties {
	return onVersions(property, [1]);
}

/** The parameter as version 2 has it (shown from version 2 on). */
export function fromVersion2(property: INodeProperties): INodeProperties {
	return onVersions(property, [{ _cnd: { gte: 2 } }]);
}
