/**
 * Which PostFast posts may share one create request (docs/postfast-api.md, Create body): `status`,
 * `approvalStatus` and `controls` are request-wide, so only posts that agree on them go together.
 * The n8n node and the daemon both group by this key, so a set of posts is batched the same way
 * by either.
 */
import { stableJson } from '../stable-json';

/** The request-wide fields of a create body (a body's `posts` are ignored). */
export interface RequestWideFields {
	status?: string;
	approvalStatus?: string;
	controls?: Record<string, unknown>;
}

/**
 * The batch group of a post's request-wide fields: equal keys may share a create. Fields are
 * compared by what PostFast does with them, so a field left out equals its default (status
 * SCHEDULED, approval APPROVED, no controls) and key order does not matter.
 */
export function batchGroupKey(wide: RequestWideFields): string {
	return stableJson({
		status: wide.status ?? 'SCHEDULED',
		approvalStatus: wide.approvalStatus ?? 'APPROVED',
		controls: wide.controls ?? {},
	});
}
