/**
 * One batch rule for PostFast creates: the node (`batchGroups`) and the daemon (`postfastWork`'s
 * group) put a generated set of posts into the same create groups, because both use the contract's
 * `batchGroupKey`. The posts vary in what is request-wide: status, approval (left out or given),
 * and controls (none, empty, or the same controls written in another key order).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { batchGroupKey } from '../../../contract/postfast';
import { postfastWork, type TargetProgress } from '../../../daemon/src/pipeline/batch-rule';
import type { PostRecord } from '../../../daemon/src/item';
import { batchGroups } from '../../../nodes/PostFast/v1/helpers/createBatches';
import type { ReadyPost } from '../../../nodes/PostFast/v1/helpers/createPost';

interface Wide {
	draft: boolean;
	approval?: 'APPROVED' | 'PENDING_APPROVAL';
	controls?: Record<string, unknown>;
}

const controlsArb = fc.oneof(
	fc.constant(undefined),
	fc.constant({}),
	fc.constant({ xReplySettings: 'following' }),
	// The same controls in two key orders, and a third set.
	fc.constant({ xReplySettings: 'following', xQuoteTweetId: '1' }),
	fc.constant({ xQuoteTweetId: '1', xReplySettings: 'following' }),
	fc.constant({ xQuoteTweetId: '2' }),
);
const wideArb: fc.Arbitrary<Wide> = fc.record(
	{
		draft: fc.boolean(),
		approval: fc.constantFrom('APPROVED' as const, 'PENDING_APPROVAL' as const),
		controls: controlsArb,
	},
	{ requiredKeys: ['draft'] },
);

/** The post as the node holds it after reading an item (approval defaults to APPROVED there). */
function nodePost(w: Wide, n: number): ReadyPost {
	return {
		itemIndex: n,
		socialMediaId: '00000000-0000-4000-8000-000000000001',
		content: `post ${n}`,
		status: w.draft ? 'DRAFT' : 'SCHEDULED',
		approvalStatus: w.approval ?? 'APPROVED',
		uploads: [],
		uploadedMedia: [],
		controlsByParameter: {},
		fingerprint: String(n),
		controls: (w.controls ?? {}) as ReadyPost['controls'],
		mediaItems: [],
	};
}

/** The same post as the daemon holds it (a sidecar leaves approval and controls out when unset). */
function daemonGroup(w: Wide, n: number): string {
	const post = {
		name: `post-${n}.txt`,
		kind: 'file',
		sidecar: {
			text: `post ${n}`,
			...(w.draft ? { draft: true } : {}),
			postfast: {
				...(w.approval ? { approval: w.approval } : {}),
				...(w.controls ? { controls: { x: w.controls } } : {}),
			},
		},
		targets: [{ label: 'x', keyName: 'k', service: 'postfast', accountId: 'acc', platform: 'x' }],
		when: { kind: 'at', at: Date.parse('2030-01-01T00:00:00Z') },
		media: [],
		droppedAt: 0,
	} as unknown as PostRecord;
	const t: TargetProgress = {
		idx: 0,
		state: 'queued',
		request: null,
		media: null,
		publish_at: null,
		account_id: 'acc',
		platform: 'x',
	} as unknown as TargetProgress;
	return postfastWork(post, t).group;
}

/** A partition as a set of sorted member lists, comparable across both sides. */
function partition(groups: number[][]): string[] {
	return groups.map((g) => [...g].sort((a, b) => a - b).join(',')).sort();
}

describe('PostFast batch groups: node and daemon agree', () => {
	it('equal request-wide fields by meaning share a group: defaults and key order do not split', () => {
		expect(batchGroupKey({})).toBe(
			batchGroupKey({ status: 'SCHEDULED', approvalStatus: 'APPROVED', controls: {} }),
		);
		expect(batchGroupKey({ controls: { a: 1, b: 2 } })).toBe(
			batchGroupKey({ controls: { b: 2, a: 1 } }),
		);
		expect(batchGroupKey({ status: 'DRAFT' })).not.toBe(batchGroupKey({}));
		expect(batchGroupKey({ approvalStatus: 'PENDING_APPROVAL' })).not.toBe(batchGroupKey({}));
	});

	it('the node and the daemon group any generated set of posts identically', () => {
		fc.assert(
			fc.property(fc.array(wideArb, { minLength: 1, maxLength: 30 }), (wides) => {
				const node = batchGroups(wides.map(nodePost)).map((g) => g.map((p) => p.itemIndex));
				const byKey = new Map<string, number[]>();
				wides.forEach((w, n) => {
					const key = daemonGroup(w, n);
					byKey.set(key, [...(byKey.get(key) ?? []), n]);
				});
				expect(partition(node)).toEqual(partition([...byKey.values()]));
			}),
			{ numRuns: 300 },
		);
	});
});
