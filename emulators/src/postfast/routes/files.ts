/** Files (docs/postfast-api.md, Upload URLs; The S3 upload): pre-signed S3 PUT URLs for uploads. */
import { randomUUID } from 'node:crypto';

import {
	POSTFAST_ENDPOINTS,
	checkUploadUrlsRequest,
	contentTypeRule,
} from '../../../../contract/postfast';
import { validation, type Ctx, type Handlers, type Kit, type Reply } from '../pipeline';

export function fileRoutes({ store, s3, clock, opts }: Kit): Pick<Handlers, 'uploadUrls'> {
	async function uploadUrls(c: Ctx): Promise<Reply> {
		const issues = checkUploadUrlsRequest(c.body, opts.profile);
		if (issues.length > 0) throw validation(issues.map((i) => i.message));
		const { contentType, count } = c.body as { contentType: string; count: number };
		const rule = contentTypeRule(contentType)!;
		const out: Array<{ key: string; signedUrl: string }> = [];
		for (let i = 0; i < count; i++) {
			const key = `${rule.kind}/${randomUUID()}.${rule.extension}`;
			store.issuedKeys.set(key, {
				key,
				workspaceId: c.workspace.id,
				contentType,
				issuedAt: clock.now(),
			});
			out.push({ key, signedUrl: await s3.presignPut(key, contentType) });
		}
		return { status: POSTFAST_ENDPOINTS.uploadUrls.successStatus[opts.profile], body: out };
	}

	return { uploadUrls };
}
