/** Transport, profiles and enumerations (docs/postfast-api.md, Transport and authentication; Enumerations). */

export const POSTFAST_DEFAULT_BASE_URL = 'https://api.postfa.st';
/** The only auth header PostFast reads. Never send it to the S3 signed URL (docs/postfast-api.md, The S3 upload). */
export const POSTFAST_AUTH_HEADER = 'pf-api-key';

export type PostFastProfile = 'vendor' | 'current';
export const POSTFAST_PROFILE_NAMES: readonly PostFastProfile[] = ['vendor', 'current'];
export const POSTFAST_DEFAULT_PROFILE: PostFastProfile = 'vendor';

// ---------------------------------------------------------------------------------------------
// Enumerations (docs/postfast-api.md, Enumerations)

export const PLATFORMS = [
	'TIKTOK',
	'INSTAGRAM',
	'FACEBOOK',
	'X',
	'YOUTUBE',
	'LINKEDIN',
	'THREADS',
	'BLUESKY',
	'PINTEREST',
	'TELEGRAM',
	'GOOGLE_BUSINESS_PROFILE',
] as const;
export type Platform = (typeof PLATFORMS)[number];

export const POST_STATUSES = ['DRAFT', 'SCHEDULED', 'PUBLISHED', 'FAILED'] as const;
export type PostStatus = (typeof POST_STATUSES)[number];
/** What `POST /social-posts` accepts as top-level `status` (default SCHEDULED). */
export const CREATE_STATUSES = ['DRAFT', 'SCHEDULED'] as const;
export type CreateStatus = (typeof CREATE_STATUSES)[number];

/** What `POST /social-posts` accepts as top-level `approvalStatus` (default APPROVED). */
export const CREATE_APPROVAL_STATUSES = ['APPROVED', 'PENDING_APPROVAL'] as const;
export type CreateApprovalStatus = (typeof CREATE_APPROVAL_STATUSES)[number];
/** What reads may return. */
export const APPROVAL_STATUSES = [
	'PENDING_APPROVAL',
	'IN_PROGRESS',
	'APPROVED',
	'REJECTED',
	'NEEDS_WORK',
] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

export const MEDIA_TYPES = ['IMAGE', 'VIDEO'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

export const CONNECTION_STATUSES = ['CONNECTED', 'DISABLED'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];
export const DISABLED_REASONS = [
	'TOKEN_REVOKED',
	'ACCOUNT_SUSPENDED',
	'PERMISSION_REVOKED',
	'MANUAL',
] as const;
export type DisabledReason = (typeof DISABLED_REASONS)[number];

/** Special `lastError.code` values on listed posts (docs/postfast-api.md, Listing posts). */
export const POST_ERROR_CODES = ['MISSED_DISCONNECTED', 'MISSED_NOT_PUBLISHED'] as const;
