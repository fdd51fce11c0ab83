/**
 * Checks a client can make before sending; the emulator applies the same rules (docs/postfast-api.md, Upload URLs; Creating posts).
 *
 * One file on purpose: it is the one rule list that clients and the emulator both run; should it
 * grow, `checkPostForPlatform` (the per-platform rules) is the seam to split at.
 */

import {
	CREATE_APPROVAL_STATUSES,
	CREATE_STATUSES,
	type CreateStatus,
	MEDIA_TYPES,
	POSTFAST_DEFAULT_PROFILE,
	type Platform,
	type PostFastProfile,
} from './basics';
import {
	FIRST_COMMENT_PLATFORMS,
	MEDIA_REQUIRED_PLATFORMS,
	type PostControls,
	TIKTOK_FIRST_COMMENT_MAX,
	controlDef,
} from './controls';
import { MESSAGES } from './errors';
import {
	MAX_MEDIA_ITEMS_PER_POST,
	MAX_POSTS_PER_REQUEST,
	MAX_SCHEDULE_AHEAD_MS,
	MIN_SCHEDULE_LEAD_MS,
	acceptedContentTypes,
	maxUploadUrlsPerRequest,
	uploadKindOfKey,
} from './media';
import { type PostInput } from './types';

export interface Issue {
	/** Field path, e.g. `posts.2.scheduledAt`, `controls.threadsTopicTag`. */
	path: string;
	/** A PostFast code where it has one (`threadsTopicTag.invalid`), else undefined. */
	code?: string;
	/** The message PostFast sends (class-validator text or the documented sentence). */
	message: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
export const isUuid = (value: unknown): value is string =>
	typeof value === 'string' && UUID.test(value);
export const isUuidV4 = (value: unknown): value is string =>
	typeof value === 'string' && UUID_V4.test(value);

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
export function isIso8601(value: unknown): value is string {
	return typeof value === 'string' && ISO_8601.test(value) && !Number.isNaN(Date.parse(value));
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
	typeof v === 'object' && v !== null && !Array.isArray(v);

/** class-validator-style checks of `POST /file/get-signed-upload-urls` (messages in PostFast's words). */
export function checkUploadUrlsRequest(
	body: unknown,
	profile: PostFastProfile = POSTFAST_DEFAULT_PROFILE,
): Issue[] {
	const issues: Issue[] = [];
	const b = isRecord(body) ? body : {};
	const accepted = acceptedContentTypes(profile);
	if (typeof b.contentType !== 'string' || !accepted.includes(b.contentType)) {
		issues.push({
			path: 'contentType',
			message: `contentType must be one of the following values: ${accepted.join(', ')}`,
		});
	}
	const count = b.count;
	if (typeof count !== 'number' || !Number.isInteger(count)) {
		issues.push({ path: 'count', message: 'count must be an integer number' });
	} else if (count < 1) {
		issues.push({ path: 'count', message: 'count must not be less than 1' });
	} else if (typeof b.contentType === 'string' && accepted.includes(b.contentType)) {
		const max = maxUploadUrlsPerRequest(b.contentType, profile);
		if (count > max) {
			issues.push({
				path: 'count',
				message:
					max === 1
						? `count must be 1 for ${b.contentType} (one URL per video, document or caption file)`
						: `count must not be greater than ${max}`,
			});
		}
	}
	return issues;
}

export interface CreateCheckOptions {
	/** The current time (ms); `scheduledAt` must be after it and within a year. */
	now: number;
	/** Platform of each account id, when known (enables the per-platform rules). */
	platformOf?: (socialMediaId: string) => Platform | undefined;
}

/**
 * Structural checks of `POST /social-posts` (docs/postfast-api.md, Creating posts): shape, 1–15 posts, scheduledAt rules,
 * status/approvalStatus, mediaItems, controls types and the documented per-platform rules.
 * Returns every issue; PostFast reports class-validator issues together and business codes one at
 * a time, so `issues[0]` is what the service answers first.
 */
export function checkCreatePostsRequest(body: unknown, opts: CreateCheckOptions): Issue[] {
	const issues: Issue[] = [];
	const b = isRecord(body) ? body : {};
	// --- class-validator level (DTO) ---
	if (b.status !== undefined && !(CREATE_STATUSES as readonly unknown[]).includes(b.status)) {
		issues.push({
			path: 'status',
			message: `status must be one of the following values: ${CREATE_STATUSES.join(', ')}`,
		});
	}
	if (
		b.approvalStatus !== undefined &&
		!(CREATE_APPROVAL_STATUSES as readonly unknown[]).includes(b.approvalStatus)
	) {
		issues.push({
			path: 'approvalStatus',
			message: `approvalStatus must be one of the following values: ${CREATE_APPROVAL_STATUSES.join(', ')}`,
		});
	}
	if (b.controls !== undefined && !isRecord(b.controls)) {
		issues.push({ path: 'controls', message: 'controls must be an object' });
	}
	if (!Array.isArray(b.posts)) {
		issues.push({ path: 'posts', message: 'posts must be an array' });
		return issues;
	}
	if (b.posts.length < 1)
		issues.push({ path: 'posts', message: 'posts must contain at least 1 elements' });
	if (b.posts.length > MAX_POSTS_PER_REQUEST) {
		issues.push({
			path: 'posts',
			message: `posts must contain no more than ${MAX_POSTS_PER_REQUEST} elements`,
		});
	}
	b.posts.forEach((raw, i) => {
		const at = `posts.${i}`;
		if (!isRecord(raw)) {
			issues.push({ path: at, message: `${at} must be an object` });
			return;
		}
		if (typeof raw.content !== 'string')
			issues.push({ path: `${at}.content`, message: `${at}.content must be a string` });
		if (!isUuid(raw.socialMediaId))
			issues.push({ path: `${at}.socialMediaId`, message: `${at}.socialMediaId must be a UUID` });
		if (raw.scheduledAt !== undefined && !isIso8601(raw.scheduledAt)) {
			issues.push({
				path: `${at}.scheduledAt`,
				message: `${at}.scheduledAt must be a valid ISO 8601 date string`,
			});
		}
		if (raw.firstComment !== undefined && typeof raw.firstComment !== 'string') {
			issues.push({ path: `${at}.firstComment`, message: `${at}.firstComment must be a string` });
		}
		if (raw.mediaItems !== undefined) {
			if (!Array.isArray(raw.mediaItems)) {
				issues.push({ path: `${at}.mediaItems`, message: `${at}.mediaItems must be an array` });
			} else {
				if (raw.mediaItems.length > MAX_MEDIA_ITEMS_PER_POST) {
					issues.push({
						path: `${at}.mediaItems`,
						message: `${at}.mediaItems must contain no more than ${MAX_MEDIA_ITEMS_PER_POST} elements`,
					});
				}
				raw.mediaItems.forEach((m, j) => {
					const mp = `${at}.mediaItems.${j}`;
					if (!isRecord(m)) {
						issues.push({ path: mp, message: `${mp} must be an object` });
						return;
					}
					if (typeof m.key !== 'string' || m.key === '')
						issues.push({ path: `${mp}.key`, message: `${mp}.key must be a string` });
					if (!(MEDIA_TYPES as readonly unknown[]).includes(m.type)) {
						issues.push({
							path: `${mp}.type`,
							message: `${mp}.type must be one of the following values: ${MEDIA_TYPES.join(', ')}`,
						});
					}
					if (typeof m.sortOrder !== 'number' || !Number.isFinite(m.sortOrder)) {
						issues.push({
							path: `${mp}.sortOrder`,
							message: `${mp}.sortOrder must be a number conforming to the specified constraints`,
						});
					}
					if (m.coverTimestamp !== undefined && typeof m.coverTimestamp !== 'string') {
						issues.push({
							path: `${mp}.coverTimestamp`,
							message: `${mp}.coverTimestamp must be a string`,
						});
					}
					if (m.coverImageKey !== undefined && typeof m.coverImageKey !== 'string') {
						issues.push({
							path: `${mp}.coverImageKey`,
							message: `${mp}.coverImageKey must be a string`,
						});
					}
				});
			}
		}
	});
	if (isRecord(b.controls)) issues.push(...checkControlTypes(b.controls));
	if (issues.length > 0) return issues;

	// --- business level (one coded error at a time on the real service) ---
	const status = (b.status as CreateStatus | undefined) ?? 'SCHEDULED';
	const posts = b.posts as PostInput[];
	if (status === 'SCHEDULED' && posts.some((p) => p.scheduledAt === undefined)) {
		issues.push({ path: 'posts', message: MESSAGES.scheduledAtRequired });
	}
	posts.forEach((p, i) => {
		if (p.scheduledAt === undefined) return;
		const issue = checkScheduledAt(p.scheduledAt, opts.now, `posts.${i}.scheduledAt`);
		if (issue) issues.push(issue);
	});
	if (opts.platformOf) {
		const controls = (isRecord(b.controls) ? b.controls : {}) as PostControls;
		posts.forEach((p, i) => {
			const platform = opts.platformOf!(p.socialMediaId);
			if (platform) issues.push(...checkPostForPlatform(p, i, platform, controls));
		});
	}
	return issues;
}

/** A post's `scheduledAt` (at `path`) against the clock `now`: after it, and within a year. */
export function checkScheduledAt(
	scheduledAt: string,
	now: number,
	path: string,
): Issue | undefined {
	const t = Date.parse(scheduledAt);
	if (t <= now) return { path, message: `${path} must be in the future` };
	if (t > now + MAX_SCHEDULE_AHEAD_MS)
		return { path, message: `${path} must be within 1 year from now` };
	return undefined;
}

/**
 * Why a post for `at` cannot be sent at `now`, in words, or undefined when it can: the one rule for
 * a client's preflight, its send and its message (past, or within MIN_SCHEDULE_LEAD_MS).
 */
export function scheduleTooSoon(at: number, now: number): string | undefined {
	const iso = new Date(at).toISOString();
	if (at <= now) return `the time ${iso} has passed`;
	if (at <= now + MIN_SCHEDULE_LEAD_MS)
		return `the time ${iso} is only ${Math.ceil((at - now) / 1000)} s ahead: PostFast refuses a time that has passed when the post arrives, so it needs at least ${MIN_SCHEDULE_LEAD_MS / 1000} s`;
	return undefined;
}

/** Types and values of the known controls; unknown controls are ignored (docs/postfast-api.md, Unknown fields). */
export function checkControlTypes(controls: Record<string, unknown>): Issue[] {
	const issues: Issue[] = [];
	for (const [name, value] of Object.entries(controls)) {
		const def = controlDef(name);
		if (!def || value === undefined || value === null) continue;
		const path = `controls.${name}`;
		if (def.type === 'boolean' && typeof value !== 'boolean')
			issues.push({ path, message: `${path} must be a boolean value` });
		if ((def.type === 'string' || def.type === 'enum') && typeof value !== 'string')
			issues.push({ path, message: `${path} must be a string` });
		if (def.type === 'enum' && typeof value === 'string' && !def.values!.includes(value)) {
			issues.push({
				path,
				message: `${path} must be one of the following values: ${def.values!.join(', ')}`,
			});
		}
		if (
			def.type === 'string' &&
			typeof value === 'string' &&
			def.maxLength !== undefined &&
			value.length > def.maxLength
		) {
			issues.push({
				path,
				message: `${path} must be shorter than or equal to ${def.maxLength} characters`,
			});
		}
		if (def.type === 'string[]') {
			if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
				issues.push({ path, message: `each value in ${path} must be a string` });
			else if (def.maxItems !== undefined && value.length > def.maxItems) {
				issues.push({
					path,
					...(name === 'facebookTargetCountries'
						? { code: 'facebookTargetCountries.tooMany' }
						: {}),
					message: `${path} must contain no more than ${def.maxItems} elements`,
				});
			}
		}
	}
	return issues;
}

/** Documented per-platform create rules (docs/postfast-api.md, Creating posts codes and gotchas). */
export function checkPostForPlatform(
	post: PostInput,
	index: number,
	platform: Platform,
	controls: PostControls,
): Issue[] {
	const issues: Issue[] = [];
	const at = `posts.${index}`;
	const media = post.mediaItems ?? [];
	const coded = (code: string, path: string, message: string = code) =>
		issues.push({ code, path, message });
	if (post.firstComment !== undefined && post.firstComment !== '') {
		if (!FIRST_COMMENT_PLATFORMS.includes(platform)) {
			coded(
				'firstComment.notSupported',
				`${at}.firstComment`,
				`firstComment is not supported on ${platform}`,
			);
		} else if (platform === 'TIKTOK' && post.firstComment.length > TIKTOK_FIRST_COMMENT_MAX) {
			coded(
				'firstComment.tiktok.notSupported',
				`${at}.firstComment`,
				`firstComment on TIKTOK must be at most ${TIKTOK_FIRST_COMMENT_MAX} characters`,
			);
		}
	}
	if (MEDIA_REQUIRED_PLATFORMS.includes(platform) && media.length === 0) {
		coded('media.required', `${at}.mediaItems`, `${platform} posts need at least one media item`);
	}
	switch (platform) {
		case 'THREADS': {
			const tag = controls.threadsTopicTag;
			if (typeof tag === 'string' && (tag.length < 1 || tag.length > 50 || /[.&]/.test(tag))) {
				coded(
					'threadsTopicTag.invalid',
					'controls.threadsTopicTag',
					'threadsTopicTag must be 1–50 characters without "." or "&"',
				);
			}
			break;
		}
		case 'TIKTOK':
			if (
				controls.tiktokAutoAddMusic === true &&
				typeof controls.tiktokMusicSoundId === 'string' &&
				controls.tiktokMusicSoundId !== ''
			) {
				coded(
					'tiktokMusic.conflictAutoAddMusic',
					'controls.tiktokMusicSoundId',
					'tiktokMusicSoundId cannot be combined with tiktokAutoAddMusic: choose one',
				);
			}
			break;
		case 'PINTEREST':
			if (typeof controls.pinterestBoardId !== 'string' || controls.pinterestBoardId === '') {
				coded(
					'pinterestBoardId.required',
					'controls.pinterestBoardId',
					'pinterestBoardId is required for PINTEREST posts',
				);
			}
			break;
		case 'GOOGLE_BUSINESS_PROFILE': {
			if (typeof controls.gbpLocationId !== 'string' || controls.gbpLocationId === '') {
				coded(
					'gbpLocationId.required',
					'controls.gbpLocationId',
					'gbpLocationId is required for GOOGLE_BUSINESS_PROFILE posts',
				);
			}
			const topic = controls.gbpTopicType;
			if (
				(topic === 'EVENT' || topic === 'OFFER') &&
				(!controls.gbpEventStartDate || !controls.gbpEventEndDate)
			) {
				coded(
					'gbpEventDates.required',
					'controls.gbpEventStartDate',
					`gbpEventStartDate and gbpEventEndDate are required for ${topic} posts`,
				);
			}
			break;
		}
		case 'INSTAGRAM': {
			if (
				controls.instagramTrialReelStrategy !== undefined &&
				controls.instagramTrialReelStrategy !== null
			) {
				const collaborators = controls.instagramCollaborators;
				if (
					controls.instagramPublishType !== 'REEL' ||
					(Array.isArray(collaborators) && collaborators.length > 0)
				) {
					coded(
						'instagramTrialReelStrategy.invalid',
						'controls.instagramTrialReelStrategy',
						'instagramTrialReelStrategy needs instagramPublishType REEL and no collaborators',
					);
				}
			}
			if (controls.instagramLocationId !== undefined && controls.instagramLocationId !== null) {
				if (!/^\d+$/.test(String(controls.instagramLocationId)))
					coded(
						'instagramLocationId.invalidId',
						'controls.instagramLocationId',
						'instagramLocationId must be a numeric place id (see GET /social-media/search-places)',
					);
				else if (media.length > 1)
					coded(
						'instagramLocationId.carousel.notSupported',
						'controls.instagramLocationId',
						'instagramLocationId is not supported on carousels (more than one media item)',
					);
			}
			break;
		}
		case 'FACEBOOK': {
			const contentType = (controls.facebookContentType as string | undefined) ?? 'POST';
			// Vendor page: POST up to 10 photos or 1 video (not mixed), REEL 1 video, STORY 1 image or 1 video.
			const videos = media.filter((m) => m.type === 'VIDEO').length;
			const images = media.length - videos;
			const fits =
				contentType === 'REEL'
					? videos === 1 && images === 0
					: contentType === 'STORY'
						? media.length === 1
						: videos === 0 || (videos === 1 && images === 0);
			if (!fits) {
				coded(
					'facebookMedia.invalid',
					`${at}.mediaItems`,
					`Facebook ${contentType} takes ${contentType === 'REEL' ? 'exactly 1 video' : contentType === 'STORY' ? '1 image or 1 video' : 'up to 10 photos or 1 video, not mixed'} (got ${images} image(s), ${videos} video(s))`,
				);
			}
			if (controls.facebookPlaceId !== undefined && controls.facebookPlaceId !== null) {
				if (!/^\d+$/.test(String(controls.facebookPlaceId)))
					coded(
						'facebookPlaceId.invalidId',
						'controls.facebookPlaceId',
						'facebookPlaceId must be a numeric place id (see GET /social-media/search-places)',
					);
				else if (contentType !== 'POST')
					coded(
						'facebookPlaceId.contentType.notSupported',
						'controls.facebookPlaceId',
						'facebookPlaceId needs facebookContentType POST',
					);
				else if (media.some((m) => m.type === 'VIDEO'))
					coded(
						'facebookPlaceId.video.notSupported',
						'controls.facebookPlaceId',
						'facebookPlaceId is not supported on video posts',
					);
			}
			if (
				Array.isArray(controls.facebookTargetCountries) &&
				controls.facebookTargetCountries.length > 0 &&
				contentType !== 'POST'
			) {
				coded(
					'facebookTargetCountries.contentType.notSupported',
					'controls.facebookTargetCountries',
					'facebookTargetCountries needs facebookContentType POST',
				);
			}
			break;
		}
		case 'YOUTUBE': {
			const title = (controls.youtubeTitle as string | undefined) ?? post.content.slice(0, 100);
			if (/[<>]/.test(title) || /[<>]/.test(post.content)) {
				coded(
					'youtubeTitle.invalid',
					'controls.youtubeTitle',
					'YouTube titles and descriptions must not contain < or >',
				);
			}
			if (typeof controls.youtubeCaptionKey === 'string' && controls.youtubeCaptionKey !== '') {
				if (!/^file\/.+\.(srt|vtt)$/.test(controls.youtubeCaptionKey))
					coded(
						'youtubeCaptionKey.invalid',
						'controls.youtubeCaptionKey',
						'youtubeCaptionKey must be an uploaded caption key (file/….srt or file/….vtt)',
					);
				else if (!controls.youtubeLanguage)
					coded(
						'youtubeCaptionKey.languageRequired',
						'controls.youtubeLanguage',
						'youtubeCaptionKey needs youtubeLanguage (a BCP-47 tag such as en-US)',
					);
			}
			if (
				typeof controls.youtubeLanguage === 'string' &&
				!/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(controls.youtubeLanguage)
			) {
				coded(
					'youtubeLanguage.invalid',
					'controls.youtubeLanguage',
					'youtubeLanguage must be a BCP-47 tag such as en or en-US',
				);
			}
			break;
		}
		default:
			break;
	}
	for (const m of media) {
		const kind = uploadKindOfKey(m.key);
		if ((m.type === 'IMAGE' && kind !== 'image') || (m.type === 'VIDEO' && kind !== 'video')) {
			coded(
				'media.invalidMedia',
				`${at}.mediaItems`,
				`${at}.mediaItems: type ${m.type} does not match the key ${m.key} (image/… keys are IMAGE, video/… keys are VIDEO)`,
			);
			break;
		}
	}
	return issues;
}
