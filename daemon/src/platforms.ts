/**
 * A sidecar's platform names (`x`, `linkedin`…, config/schema.ts) as each service names them:
 * PostSider's provider identifiers and PostFast's platform enum.
 */
import type { Platform as PostFastPlatform } from '../../contract/postfast';
import type { SupportedProvider } from '../../contract/postsider/providers';
import type { Platform } from './config/schema';

/** Sidecar platform → PostSider provider identifier. */
export const POSTSIDER_PROVIDER_OF: Partial<Record<Platform, SupportedProvider>> = {
	x: 'x',
	linkedin: 'linkedin',
	instagram: 'instagram',
	facebook: 'facebook',
	tiktok: 'tiktok',
	youtube: 'youtube',
	bluesky: 'bluesky',
	threads: 'threads',
	pinterest: 'pinterest',
};

/** Sidecar platform → PostFast platform enum. */
export const POSTFAST_PLATFORM_OF: Partial<Record<Platform, PostFastPlatform>> = {
	x: 'X',
	linkedin: 'LINKEDIN',
	instagram: 'INSTAGRAM',
	facebook: 'FACEBOOK',
	tiktok: 'TIKTOK',
	youtube: 'YOUTUBE',
	threads: 'THREADS',
	bluesky: 'BLUESKY',
	pinterest: 'PINTEREST',
	telegram: 'TELEGRAM',
	gbp: 'GOOGLE_BUSINESS_PROFILE',
};

/** PostFast's platform name (upper case when the map has none), as its per-account caps name it. */
export const postfastPlatform = (platform: string) =>
	POSTFAST_PLATFORM_OF[platform as Platform] ?? platform.toUpperCase();
