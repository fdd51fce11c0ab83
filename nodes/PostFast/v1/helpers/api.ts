/**
 * The PostFast API facts the node uses, in one place. TEMPORARY local values until
 * contract/postfast.ts lands; then this file only re-exports from the contract.
 */
export const UPLOAD_URLS_PATH = '/file/get-signed-upload-urls';
export const ACCOUNTS_PATH = '/social-media/my-social-accounts';
export const POSTS_PATH = '/social-posts';
export const BULK_DELETE_PATH = '/social-posts/bulk-delete';
export const ANALYTICS_PATH = '/social-posts/analytics';
export const CONNECT_LINK_PATH = '/social-media/connect-link';
export const accountPath = (id: string, what: string) => `/social-media/${encodeURIComponent(id)}/${what}`;
export const postPath = (id: string) => `/social-posts/${encodeURIComponent(id)}`;

export const MAX_POSTS_PER_REQUEST = 15;
export const MAX_IMAGE_URLS_PER_REQUEST = 4;
export const MAX_PAGE_SIZE = 50;
export const MAX_BULK_DELETE_IDS = 100;
export const MAX_FILTER_IDS = 100;

export const ACCEPTED_CONTENT_TYPES = [
	'image/jpeg',
	'image/png',
	'image/gif',
	'image/webp',
	'video/mp4',
	'video/webm',
	'video/mov',
	'video/quicktime',
	'application/pdf',
	'application/msword',
	'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
	'application/vnd.ms-powerpoint',
	'application/vnd.openxmlformats-officedocument.presentationml.presentation',
	'application/x-subrip',
	'text/vtt',
];

export function mediaTypeOf(contentType: string): 'IMAGE' | 'VIDEO' | 'FILE' {
	if (contentType.startsWith('image/')) return 'IMAGE';
	if (contentType.startsWith('video/')) return 'VIDEO';
	return 'FILE';
}

export interface SocialAccount {
	id: string;
	platform: string;
	platformUsername?: string | null;
	displayName?: string | null;
	connectionStatus?: 'CONNECTED' | 'DISABLED';
	disabledReason?: string | null;
}

export interface PostsPage {
	data: Array<Record<string, unknown>>;
	totalCount: number | null;
	pageInfo: { page: number; hasNextPage: boolean; perPage: number };
}
