/**
 * Finding a post again. PostFast has no idempotency key, so a client that does not know whether a
 * create got through (no answer, a 5xx), or that may have sent the same post in an earlier run,
 * looks for it with `GET /social-posts` before sending it (again). A listed post is the same post
 * when it is on the same account with the same text at the same instant; a draft, which has no
 * time, when it is a draft on the same account with the same text. The daemon (unknown outcomes)
 * and the n8n node (before every create) share this rule.
 */
import type { ListPostsQuery, ListedPost } from './types';

/** What identifies a post to create: its account, its text and (unless a draft) its time. */
export interface PostIdentity {
	socialMediaId: string;
	content: string;
	/** Absent for a draft. Any ISO 8601 form; compared as an instant. */
	scheduledAt?: string;
}

/** The listing that holds every post `findExisting` could match for `posts`. */
export function existingPostsQuery(posts: readonly PostIdentity[]): ListPostsQuery {
	const socialMediaIds = [...new Set(posts.map((p) => p.socialMediaId))];
	const times = posts
		.map((p) => p.scheduledAt)
		.filter((t): t is string => t !== undefined)
		.sort((a, b) => Date.parse(a) - Date.parse(b));
	if (times.length === 0) return { socialMediaIds, statuses: ['DRAFT'] };
	if (times.length < posts.length)
		throw new Error('existingPostsQuery: list drafts and scheduled posts separately');
	return { socialMediaIds, from: times[0], to: times[times.length - 1] };
}

/** Whether `listed` is the post `wanted` describes. */
export function isSamePost(
	listed: Pick<ListedPost, 'socialMediaId' | 'content' | 'scheduledAt'> & { status?: string },
	wanted: PostIdentity,
): boolean {
	if (listed.socialMediaId !== wanted.socialMediaId || listed.content !== wanted.content)
		return false;
	if (wanted.scheduledAt === undefined)
		return listed.status === undefined || listed.status === 'DRAFT';
	return (
		typeof listed.scheduledAt === 'string' &&
		Date.parse(listed.scheduledAt) === Date.parse(wanted.scheduledAt)
	);
}

/**
 * For each wanted post, the listed post that is it, or undefined. A listed post answers for one
 * wanted post only, so two identical posts in one request need two posts on PostFast.
 */
export function findExisting<T extends Parameters<typeof isSamePost>[0] & { id: string }>(
	listed: readonly T[],
	wanted: readonly PostIdentity[],
): Array<T | undefined> {
	const taken = new Set<string>();
	return wanted.map((post) => {
		const match = listed.find(
			(candidate) => !taken.has(candidate.id) && isSamePost(candidate, post),
		);
		if (match) taken.add(match.id);
		return match;
	});
}
