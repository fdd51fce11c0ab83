/**
 * The one rule for "PostFast already has this post" (contract/postfast/reconcile.ts), used by the
 * daemon after an unknown outcome and by the node before every create. Property-based: a post
 * always finds itself however its time is written; a change of account, text or time never does;
 * identical posts pair one to one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
	existingPostsQuery,
	findExisting,
	isSamePost,
	type PostIdentity,
} from '../../../contract/postfast';

const account = fc.constantFrom(
	'6a87b56e-ba73-4696-a415-3d524f1a92f8',
	'0f5e7c1a-1111-4c3d-9e2f-123456789abc',
	'9d2c3b4a-2222-4d5e-8f90-abcdef012345',
);
const instant = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2030, 0, 1) });
const post = fc.record({ socialMediaId: account, content: fc.string(), at: fc.option(instant) });

const identity = (p: {
	socialMediaId: string;
	content: string;
	at: number | null;
}): PostIdentity => ({
	socialMediaId: p.socialMediaId,
	content: p.content,
	...(p.at === null ? {} : { scheduledAt: new Date(p.at).toISOString() }),
});

/** The post as PostFast lists it: its time in another ISO form (an offset), with an id and status. */
const listed = (p: PostIdentity, id: string, offsetHours: number) => {
	const at = p.scheduledAt ? Date.parse(p.scheduledAt) : undefined;
	const shifted =
		at === undefined
			? null
			: `${new Date(at + offsetHours * 3_600_000).toISOString().slice(0, 23)}${offsetHours < 0 ? '-' : '+'}${String(Math.abs(offsetHours)).padStart(2, '0')}:00`;
	return {
		id,
		socialMediaId: p.socialMediaId,
		content: p.content,
		scheduledAt: shifted,
		status: at === undefined ? 'DRAFT' : 'SCHEDULED',
	};
};

describe('PostFast reconcile rule', () => {
	it('a listed post is the post it was created from, however its time is written', () => {
		fc.assert(
			fc.property(post, fc.integer({ min: -11, max: 12 }), (p, offset) => {
				const wanted = identity(p);
				expect(isSamePost(listed(wanted, 'a', offset), wanted)).toBe(true);
			}),
		);
	});

	it('another account, another text or another instant is another post', () => {
		fc.assert(
			fc.property(post, post, (a, b) => {
				const wanted = identity(a);
				const other = identity(b);
				const same =
					a.socialMediaId === b.socialMediaId && a.content === b.content && a.at === b.at;
				expect(isSamePost(listed(other, 'b', 0), wanted)).toBe(same);
			}),
		);
	});

	it('a scheduled post on the list does not answer for a draft with the same text, nor the reverse', () => {
		fc.assert(
			fc.property(post, instant, (p, at) => {
				const draft = identity({ ...p, at: null });
				const scheduled = identity({ ...p, at });
				expect(isSamePost(listed(scheduled, 's', 0), draft)).toBe(false);
				expect(isSamePost(listed(draft, 'd', 0), scheduled)).toBe(false);
			}),
		);
	});

	it('identical wanted posts pair one to one with listed posts; the rest stay unmatched', () => {
		fc.assert(
			fc.property(post, fc.nat(4), fc.nat(4), (p, onList, wantedCount) => {
				const wanted = identity(p);
				const list = Array.from({ length: onList }, (_, n) => listed(wanted, `id-${n}`, 0));
				const matches = findExisting(list, Array(wantedCount).fill(wanted));
				const ids = matches.filter((m) => m !== undefined).map((m) => m!.id);
				expect(ids).toHaveLength(Math.min(onList, wantedCount));
				expect(new Set(ids).size).toBe(ids.length);
				expect(matches.slice(ids.length).every((m) => m === undefined)).toBe(true);
			}),
		);
	});

	it('the listing query spans the times of the posts, or lists the drafts, of their accounts', () => {
		fc.assert(
			fc.property(fc.array(post, { minLength: 1, maxLength: 8 }), (posts) => {
				const scheduled = posts.filter((p) => p.at !== null).map(identity);
				const drafts = posts.filter((p) => p.at === null).map(identity);
				if (scheduled.length) {
					const query = existingPostsQuery(scheduled);
					const times = scheduled.map((p) => Date.parse(p.scheduledAt!));
					expect(Date.parse(query.from!)).toBe(Math.min(...times));
					expect(Date.parse(query.to!)).toBe(Math.max(...times));
					expect(new Set(query.socialMediaIds)).toEqual(
						new Set(scheduled.map((p) => p.socialMediaId)),
					);
				}
				if (drafts.length) {
					expect(existingPostsQuery(drafts)).toEqual({
						socialMediaIds: [...new Set(drafts.map((p) => p.socialMediaId))],
						statuses: ['DRAFT'],
					});
				}
				if (drafts.length && scheduled.length)
					expect(() => existingPostsQuery([...drafts, ...scheduled])).toThrow(/separately/);
			}),
		);
	});
});
