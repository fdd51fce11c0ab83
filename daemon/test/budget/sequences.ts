/**
 * Raw call sequences for the budget tests, which drive the windows' arithmetic directly. The
 * daemon's own rule for which calls a post takes is pipeline/batch-rule.ts.
 */
import type { CallSpec } from '../../src/budget';
import { batchUploadUrlRequests } from '../../src/pipeline/batch-rule';

/** One PostFast create request with its upload-URL requests. */
export function postfastSequence(opts: {
	/** Content types of the media, one entry per file. */
	media?: string[];
	imagesPerRequest?: number;
	posts: Array<{ accountId: string; platform: string; publishAt?: number }>;
}): CallSpec[] {
	const urlRequests = batchUploadUrlRequests(
		(opts.media ?? []).map((contentType) => ({ contentType })),
		opts.imagesPerRequest,
	);
	return [
		...urlRequests.map(
			(): CallSpec => ({ service: 'postfast', endpoint: 'POST /file/get-signed-upload-urls' }),
		),
		{
			service: 'postfast',
			endpoint: 'POST /social-posts',
			accounts: opts.posts.map((p) => ({
				id: p.accountId,
				platform: p.platform,
				publishAt: p.publishAt,
			})),
		},
	];
}

/** One PostSider post: one multipart upload per file, then the create. */
export function postsiderSequence(opts: { files?: number }): CallSpec[] {
	return [
		...Array.from(
			{ length: opts.files ?? 0 },
			(): CallSpec => ({ service: 'postsider', endpoint: 'POST /upload' }),
		),
		{ service: 'postsider', endpoint: 'POST /posts' },
	];
}
