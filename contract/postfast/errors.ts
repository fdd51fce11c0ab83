/** Error bodies and the service's own messages (docs/postfast-api.md, Error bodies; 429 bodies). */

import { type PostFastProfile } from './basics';

/** class-validator failure: `message` is an array. */
export interface ValidationErrorBody {
	message: string[];
	error: 'Bad Request';
	statusCode: 400;
}
/** Business validation with a stable code in `message` and the human text in `description`. */
export interface CodedErrorBody {
	statusCode: number;
	message: string;
	error: string;
	description: string;
}
/** Short form: `{statusCode, message}`. */
export interface ShortErrorBody {
	statusCode: number;
	message: string;
	error?: string;
}
export type PostFastErrorBody = ValidationErrorBody | CodedErrorBody | ShortErrorBody;

export const MESSAGES = {
	scheduledAtRequired:
		'All posts must have scheduledAt when status is not present, as default is SCHEDULED',
	authForbidden: 'Missing organizationId or activeWorkspaceId',
	authUnauthorized: 'Invalid or missing API key',
	socialMediaDisconnected: (platform: string) =>
		`This ${platform} account is disconnected. Reconnect it before scheduling posts.`,
	bulkDeleteEmpty: 'At least one id is required',
	bulkDeleteTooMany: 'ids cannot exceed 100 entries',
	bulkDeleteInvalid: 'Each id must be a valid UUID',
	filterInvalidUuid: (name: string) => `Each ${name.replace(/s$/, '')} must be a valid UUID`,
} as const;

/** The 429 body of each profile (docs/postfast-api.md, 429 bodies): the vendor page shows the library default. */
export const THROTTLE_BODIES: Record<PostFastProfile, ShortErrorBody> = {
	vendor: { statusCode: 429, message: 'ThrottlerException: Too Many Requests' },
	current: {
		statusCode: 429,
		message: 'Too many requests. Please try again later.',
		error: 'Too Many Requests',
	},
};
