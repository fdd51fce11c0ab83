import {
	searchAccounts,
	searchGbpAccounts,
	searchPinterestAccounts,
	searchYoutubeAccounts,
} from './listSearch';
import { getGbpLocations, getPinterestBoards, getYoutubePlaylists } from './loadOptions';

export const listSearch = {
	searchAccounts,
	searchGbpAccounts,
	searchPinterestAccounts,
	searchYoutubeAccounts,
};
export const loadOptions = { getGbpLocations, getPinterestBoards, getYoutubePlaylists };
