/** Upload content types, media kinds, key prefixes, file size caps and per-request maxima (docs/postfast-api.md, Upload URLs; Creating posts; Listing posts; Bulk delete; vendor page "File Management"). */

import {
	type MediaType,
	POSTFAST_DEFAULT_PROFILE,
	POSTFAST_PROFILE_NAMES,
	type Platform,
	type PostFastProfile,
} from './basics';

/** `image` and `video` map to mediaItems `IMAGE`/`VIDEO`; `file` keys (documents, captions) go in controls. */
export type UploadKind = 'image' | 'video' | 'file';

export interface ContentTypeRule {
	contentType: string;
	kind: UploadKind;
	/** Extension the emulator puts on keys (clients must treat keys as opaque). */
	extension: string;
	/** Profiles that accept this content type on `POST /file/get-signed-upload-urls`. */
	profiles: readonly PostFastProfile[];
}

const BOTH: readonly PostFastProfile[] = ['vendor', 'current'];
const CURRENT: readonly PostFastProfile[] = ['current'];

export const CONTENT_TYPES: readonly ContentTypeRule[] = [
	{ contentType: 'image/jpeg', kind: 'image', extension: 'jpg', profiles: BOTH },
	{ contentType: 'image/png', kind: 'image', extension: 'png', profiles: BOTH },
	{ contentType: 'image/gif', kind: 'image', extension: 'gif', profiles: BOTH },
	{ contentType: 'image/webp', kind: 'image', extension: 'webp', profiles: BOTH },
	{ contentType: 'video/mp4', kind: 'video', extension: 'mp4', profiles: BOTH },
	{ contentType: 'video/webm', kind: 'video', extension: 'webm', profiles: BOTH },
	{ contentType: 'video/mov', kind: 'video', extension: 'mov', profiles: BOTH },
	{ contentType: 'video/quicktime', kind: 'video', extension: 'mov', profiles: BOTH },
	{ contentType: 'application/pdf', kind: 'file', extension: 'pdf', profiles: CURRENT },
	{ contentType: 'application/msword', kind: 'file', extension: 'doc', profiles: CURRENT },
	{
		contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
		kind: 'file',
		extension: 'docx',
		profiles: CURRENT,
	},
	{
		contentType: 'application/vnd.ms-powerpoint',
		kind: 'file',
		extension: 'ppt',
		profiles: CURRENT,
	},
	{
		contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
		kind: 'file',
		extension: 'pptx',
		profiles: CURRENT,
	},
	{ contentType: 'application/x-subrip', kind: 'file', extension: 'srt', profiles: CURRENT },
	{ contentType: 'text/vtt', kind: 'file', extension: 'vtt', profiles: CURRENT },
];

/** Content types `POST /file/get-signed-upload-urls` accepts under a profile (never `image/jpg`). */
export function acceptedContentTypes(
	profile: PostFastProfile = POSTFAST_DEFAULT_PROFILE,
): string[] {
	return CONTENT_TYPES.filter((c) => c.profiles.includes(profile)).map((c) => c.contentType);
}

export function contentTypeRule(contentType: string): ContentTypeRule | undefined {
	return CONTENT_TYPES.find((c) => c.contentType === contentType);
}

/** `image/png` → IMAGE, `video/mp4` → VIDEO, documents and captions → undefined (not a mediaItem). */
export function mediaTypeForContentType(contentType: string): MediaType | undefined {
	const kind = contentTypeRule(contentType)?.kind;
	return kind === 'image' ? 'IMAGE' : kind === 'video' ? 'VIDEO' : undefined;
}

/** The kind a key's prefix announces (`image/…`, `video/…`, `file/…`). */
export function uploadKindOfKey(key: string): UploadKind | undefined {
	const prefix = key.split('/')[0];
	return prefix === 'image' || prefix === 'video' || prefix === 'file' ? prefix : undefined;
}

const MB = 1024 * 1024;

/**
 * File size caps per upload kind. The vendor page: "Maximum 100 MB per file". Current (docs/postfast-api.md, Upload URLs):
 * video 250 MB (Bluesky 100 MB, Telegram 50 MB), image 10 MB, document 60 MB, caption 10 MB.
 */
export const FILE_SIZE_CAPS: Record<
	PostFastProfile,
	{
		image: number;
		video: number;
		document: number;
		caption: number;
		videoByPlatform: Partial<Record<Platform, number>>;
	}
> = {
	vendor: {
		image: 100 * MB,
		video: 100 * MB,
		document: 100 * MB,
		caption: 100 * MB,
		videoByPlatform: {},
	},
	current: {
		image: 10 * MB,
		video: 250 * MB,
		document: 60 * MB,
		caption: 10 * MB,
		videoByPlatform: { BLUESKY: 100 * MB, TELEGRAM: 50 * MB },
	},
};

/** The cap for one uploaded file of `contentType` (optionally for a target platform). */
export function fileSizeCap(
	contentType: string,
	profile: PostFastProfile = POSTFAST_DEFAULT_PROFILE,
	platform?: Platform,
): number {
	const caps = FILE_SIZE_CAPS[profile];
	const rule = contentTypeRule(contentType);
	if (!rule) return caps.image;
	if (rule.kind === 'image') return caps.image;
	if (rule.kind === 'video') return (platform && caps.videoByPlatform[platform]) ?? caps.video;
	return rule.extension === 'srt' || rule.extension === 'vtt' ? caps.caption : caps.document;
}

/**
 * The cap a file meets under every profile: what a client that cannot tell which limits the server
 * runs checks before uploading (images 10 MB, videos 100 MB, Telegram videos 50 MB…).
 */
export function strictestFileSizeCap(contentType: string, platform?: Platform): number {
	return Math.min(...POSTFAST_PROFILE_NAMES.map((p) => fileSizeCap(contentType, p, platform)));
}

/** S3's own single-PUT maximum (docs/postfast-api.md, S3 refusals EntityTooLarge). */
export const S3_MAX_PUT_BYTES = 5 * 1024 * MB;

// ---------------------------------------------------------------------------------------------
// Per-request maxima (docs/postfast-api.md, Upload URLs; Creating posts; Listing posts; Bulk delete)

export const MAX_POSTS_PER_REQUEST = 15;
export const MAX_MEDIA_ITEMS_PER_POST = 10;
export const MAX_PAGE_SIZE = 50;
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_FILTER_IDS = 100;
export const MAX_BULK_DELETE_IDS = 100;
/** `scheduledAt` must be before now + this (docs/postfast-api.md, Creating posts "within 1 year"). */
export const MAX_SCHEDULE_AHEAD_MS = 365 * 24 * 60 * 60 * 1000;
/**
 * A client's lead before `scheduledAt`. The service refuses a time that is not in the future when
 * the create arrives (docs/postfast-api.md, Create body), so a time closer than this to the moment
 * of sending is too soon: the request and a batch's uploads could land after it.
 */
export const MIN_SCHEDULE_LEAD_MS = 30_000;

/** Image URLs per upload-URL request: vendor page 4, current 8; video/documents/captions exactly 1. */
export const MAX_IMAGE_URLS_PER_REQUEST: Record<PostFastProfile, number> = {
	vendor: 4,
	current: 8,
};

export function maxUploadUrlsPerRequest(
	contentType: string,
	profile: PostFastProfile = POSTFAST_DEFAULT_PROFILE,
): number {
	return contentTypeRule(contentType)?.kind === 'image' ? MAX_IMAGE_URLS_PER_REQUEST[profile] : 1;
}
