/** Every endpoint: method, path template, success status per profile (docs/postfast-api.md, Endpoints, vendor page II). */

import { type PostFastProfile } from './basics';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface EndpointDef {
	method: HttpMethod;
	/** Path template; `:id` is a path parameter. */
	path: string;
	/** `METHOD path`, the id used by rate-limit tables and budgets. */
	key: string;
	/** Success status per profile (Nest POSTs answer 201, bulk-delete 200). */
	successStatus: Record<PostFastProfile, 200 | 201>;
	/** Listed on the vendor page (the other endpoints come from the newer vendor reference). */
	onVendorPage: boolean;
}

function endpoint(
	method: HttpMethod,
	path: string,
	onVendorPage: boolean,
	success: 200 | 201 | Record<PostFastProfile, 200 | 201> = method === 'POST' ? 201 : 200,
): EndpointDef {
	const successStatus =
		typeof success === 'number' ? { vendor: success, current: success } : success;
	return { method, path, key: `${method} ${path}`, successStatus, onVendorPage };
}

export const POSTFAST_ENDPOINTS = {
	/** Pre-signed S3 PUT URLs. The vendor page documents 200; Nest's default (current) is 201. */
	uploadUrls: endpoint('POST', '/file/get-signed-upload-urls', true, { vendor: 200, current: 201 }),
	listAccounts: endpoint('GET', '/social-media/my-social-accounts', true),
	pinterestBoards: endpoint('GET', '/social-media/:id/pinterest-boards', false),
	youtubePlaylists: endpoint('GET', '/social-media/:id/youtube-playlists', false),
	gbpLocations: endpoint('GET', '/social-media/:id/gbp-locations', false),
	followerHistory: endpoint('GET', '/social-media/:id/follower-history', false),
	searchPlaces: endpoint('GET', '/social-media/search-places', false),
	tiktokSounds: endpoint('GET', '/social-media/:id/tiktok-sounds', false),
	connectLink: endpoint('POST', '/social-media/connect-link', false),
	createPosts: endpoint('POST', '/social-posts', true),
	listPosts: endpoint('GET', '/social-posts', false),
	deletePost: endpoint('DELETE', '/social-posts/:id', true),
	bulkDelete: endpoint('POST', '/social-posts/bulk-delete', false, 200),
	analytics: endpoint('GET', '/social-posts/analytics', false),
	// Social Inbox (docs/postfast-api.md, Social Inbox): listed for completeness by the spec; shapes beyond the envelope are inferred.
	inboxConversations: endpoint('GET', '/social-inbox/conversations', false),
	inboxConversation: endpoint('GET', '/social-inbox/conversations/:id', false),
	inboxItems: endpoint('GET', '/social-inbox/conversations/:id/items', false),
	inboxUnreadCount: endpoint('GET', '/social-inbox/unread-count', false),
	inboxReply: endpoint('POST', '/social-inbox/items/:id/reply', false),
	inboxPrivateReply: endpoint('POST', '/social-inbox/items/:id/private-reply', false),
	inboxItemState: endpoint('POST', '/social-inbox/items/:id/state', false),
	inboxMarkRead: endpoint('POST', '/social-inbox/conversations/:id/read', false),
	inboxStatus: endpoint('POST', '/social-inbox/conversations/:id/status', false),
	inboxAssign: endpoint('POST', '/social-inbox/conversations/:id/assign', false),
} as const satisfies Record<string, EndpointDef>;

export type PostFastEndpointName = keyof typeof POSTFAST_ENDPOINTS;

/** Fills a path template: `pathOf('deletePost', { id })` → `/social-posts/<id>` (segments encoded). */
export function pathOf(name: PostFastEndpointName, params: Record<string, string> = {}): string {
	return POSTFAST_ENDPOINTS[name].path.replace(/:(\w+)/g, (_, p: string) => {
		const value = params[p];
		if (value === undefined)
			throw new Error(`PostFast path ${POSTFAST_ENDPOINTS[name].path} needs the parameter "${p}"`);
		return encodeURIComponent(value);
	});
}

/** The endpoint a concrete method + path hits (e.g. for budgets reading a logged request). */
export function endpointOf(method: string, path: string): PostFastEndpointName | undefined {
	const clean = path.split('?')[0].replace(/\/+$/, '') || '/';
	for (const [name, def] of Object.entries(POSTFAST_ENDPOINTS) as Array<
		[PostFastEndpointName, EndpointDef]
	>) {
		if (def.method !== method.toUpperCase()) continue;
		const pattern = new RegExp(`^${def.path.replace(/:\w+/g, '[^/]+')}$`);
		if (pattern.test(clean)) return name;
	}
	return undefined;
}
