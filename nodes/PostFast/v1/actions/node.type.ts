import type { AllEntities } from 'n8n-workflow';

/** Every resource of the PostFast node with its operations: the router must handle each pair. */
export type PostFastMap = {
	file: 'getUploadUrls' | 'upload';
	socialAccount:
		| 'createConnectLink'
		| 'getFollowerHistory'
		| 'getGbpLocations'
		| 'getMany'
		| 'getPinterestBoards'
		| 'getTiktokSounds'
		| 'getYoutubePlaylists'
		| 'searchPlaces';
	socialPost: 'bulkDelete' | 'create' | 'delete' | 'getAnalytics' | 'getMany';
};

export type PostFastType = AllEntities<PostFastMap>;
