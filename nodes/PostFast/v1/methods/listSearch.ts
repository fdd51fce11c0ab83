import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { ACCOUNTS_PATH, type SocialAccount } from '../helpers/api';
import { postFastApiRequest } from '../transport';

/** "Acme (@acme) · INSTAGRAM", with disabled accounts marked so nobody schedules to them. */
export function accountLabel(account: SocialAccount): string {
	const name = account.displayName || account.platformUsername || account.id;
	const handle =
		account.platformUsername && account.platformUsername !== name
			? ` (@${account.platformUsername})`
			: '';
	const disabled =
		account.connectionStatus === 'DISABLED'
			? ` — DISABLED${account.disabledReason ? `: ${account.disabledReason}` : ''} (drafts only)`
			: '';
	return `${name}${handle} · ${account.platform}${disabled}`;
}

async function search(
	this: ILoadOptionsFunctions,
	filter: string | undefined,
	platform?: string,
): Promise<INodeListSearchResult> {
	const accounts = (await postFastApiRequest.call(this, 'GET', ACCOUNTS_PATH)) as SocialAccount[];
	const needle = (filter ?? '').trim().toLowerCase();
	const results = accounts
		.filter((account) => !platform || account.platform === platform)
		.map((account) => ({
			name: accountLabel(account),
			value: account.id,
			disabled: account.connectionStatus === 'DISABLED',
		}))
		.filter(
			(entry) =>
				!needle || entry.name.toLowerCase().includes(needle) || entry.value.includes(needle),
		)
		// Connected accounts first, then by name.
		.sort((a, b) => Number(a.disabled) - Number(b.disabled) || a.name.localeCompare(b.name))
		.map(({ name, value }) => ({ name, value }));
	return { results };
}

export async function searchAccounts(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	return await search.call(this, filter);
}

export async function searchPinterestAccounts(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	return await search.call(this, filter, 'PINTEREST');
}

export async function searchYoutubeAccounts(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	return await search.call(this, filter, 'YOUTUBE');
}

export async function searchGbpAccounts(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	return await search.call(this, filter, 'GOOGLE_BUSINESS_PROFILE');
}

export async function searchTiktokAccounts(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	return await search.call(this, filter, 'TIKTOK');
}
