import {
	searchAccounts,
	searchGbpAccounts,
	searchPinterestAccounts,
	searchTiktokAccounts,
	searchYoutubeAccounts,
} from './listSearch';
import { getGbpLocations, getPinterestBoards, getYoutubePlaylists } from './loadOptions';

export const listSearch = {
	searchAccounts,
	searchGbpAccounts,
	searchPinterestAccounts,
	searchTiktokAccounts,
	searchYoutubeAccounts,
};
export const loadOptions = { getGbpLocations, getPinterestBoards, getYoutubePlaylists };
