import type { INodeProperties } from 'n8n-workflow';

import * as createConnectLink from './createConnectLink.operation';
import * as getFollowerHistory from './getFollowerHistory.operation';
import * as getGbpLocations from './getGbpLocations.operation';
import * as getMany from './getMany.operation';
import * as getPinterestBoards from './getPinterestBoards.operation';
import * as getTiktokSounds from './getTiktokSounds.operation';
import * as getYoutubePlaylists from './getYoutubePlaylists.operation';
import * as searchPlaces from './searchPlaces.operation';

export {
	createConnectLink,
	getFollowerHistory,
	getGbpLocations,
	getMany,
	getPinterestBoards,
	getTiktokSounds,
	getYoutubePlaylists,
	searchPlaces,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['socialAccount'] } },
		options: [
			{
				name: 'Create Connect Link',
				value: 'createConnectLink',
				description:
					'Create a link that lets someone connect their social accounts to the workspace',
				action: 'Create a connect link',
			},
			{
				name: 'Get Follower History',
				value: 'getFollowerHistory',
				description: 'Get the follower count over time of an account',
				action: 'Get follower history',
			},
			{
				name: 'Get Google Business Locations',
				value: 'getGbpLocations',
				description: 'Get the locations of a Google Business Profile account',
				action: 'Get google business locations',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'Get the connected social accounts of the workspace',
				action: 'Get many social accounts',
			},
			{
				name: 'Get Pinterest Boards',
				value: 'getPinterestBoards',
				description: 'Get the boards of a Pinterest account',
				action: 'Get pinterest boards',
			},
			{
				name: 'Get TikTok Sounds',
				value: 'getTiktokSounds',
				description: 'Get trending commercial sounds for a TikTok account (for Music Sound ID)',
				action: 'Get tiktok sounds',
			},
			{
				name: 'Get YouTube Playlists',
				value: 'getYoutubePlaylists',
				description: 'Get the playlists of a YouTube account',
				action: 'Get youtube playlists',
			},
			{
				name: 'Search Places',
				value: 'searchPlaces',
				description: 'Find a place ID for Instagram Location ID or Facebook Place ID',
				action: 'Search places',
			},
		],
		default: 'getMany',
	},
	...createConnectLink.description,
	...getFollowerHistory.description,
	...getGbpLocations.description,
	...getMany.description,
	...getPinterestBoards.description,
	...getTiktokSounds.description,
	...getYoutubePlaylists.description,
	...searchPlaces.description,
];
