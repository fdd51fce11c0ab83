import { accountListOperation } from './accountList';

export const { description, execute } = accountListOperation(
	'getYoutubePlaylists',
	'youtube-playlists',
	'searchYoutubeAccounts',
	'YouTube',
);
