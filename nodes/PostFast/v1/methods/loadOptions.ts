/** Dropdowns for the controls that name an account's board, playlist or location. */
import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { accountPath, type ACCOUNT_LISTS } from '../helpers/api';
import { postFastApiRequest } from '../transport';

async function accountChildren(
	this: ILoadOptionsFunctions,
	endpoint: keyof typeof ACCOUNT_LISTS,
	valueField: string,
	nameField: string,
): Promise<INodePropertyOptions[]> {
	const accountId = String(this.getCurrentNodeParameter('account', { extractValue: true }) ?? '');
	if (!accountId) return [];
	const list = (await postFastApiRequest.call(
		this,
		'GET',
		accountPath(accountId, endpoint),
	)) as IDataObject[];
	return list.map((entry) => ({
		name: String(entry[nameField] ?? entry[valueField]),
		value: String(entry[valueField]),
		...(entry.description ? { description: String(entry.description) } : {}),
	}));
}

export async function getPinterestBoards(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	return await accountChildren.call(this, 'pinterest-boards', 'boardId', 'name');
}

export async function getYoutubePlaylists(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	return await accountChildren.call(this, 'youtube-playlists', 'playlistId', 'title');
}

export async function getGbpLocations(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	return await accountChildren.call(this, 'gbp-locations', 'locationId', 'title');
}
