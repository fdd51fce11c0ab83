import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Budgets, planBacklog, postfastLimits } from '../../src/budget';
import { alignedPrefix, batchUploadUrlRequests } from '../../src/pipeline/batch-rule';
import { postfastSequence } from './sequences';

const T0 = Date.UTC(2026, 10, 23);
const DAY = 86_400_000;

describe('batching up to the per-request maxima', () => {
	it('upload URLs: images of a type share a request up to the count; video and documents get one each', () => {
		const files = [
			...Array.from({ length: 6 }, () => ({ contentType: 'image/png' })),
			{ contentType: 'image/jpeg' },
			{ contentType: 'video/mp4' },
			{ contentType: 'video/mp4' },
		];
		expect(batchUploadUrlRequests(files, 4).map((b) => [b.contentType, b.items.length])).toEqual([
			['image/png', 4],
			['image/png', 2],
			['image/jpeg', 1],
			['video/mp4', 1],
			['video/mp4', 1],
		]);
	});

	it('posts per create chosen so their images fill whole upload-URL requests', () => {
		expect([0, 1, 2, 3, 4].map((n) => alignedPrefix(Array(15).fill(n), 4))).toEqual([
			15, 12, 14, 12, 15,
		]);
		expect(alignedPrefix(Array(15).fill(1), 8)).toBe(8);
	});

	it('a queue of mixed posts is cut where its images fill whole upload-URL requests', () => {
		expect(alignedPrefix(Array(15).fill(1), 4)).toBe(12);
		expect(alignedPrefix([1, 2, 1, 3, 2], 4)).toBe(3);
		expect(alignedPrefix([4, 4, 0, 0], 4)).toBe(4);
		// No prefix fills a request, or no images at all: the whole queue.
		expect(alignedPrefix([1, 1], 4)).toBe(2);
		expect(alignedPrefix([0, 0, 0], 4)).toBe(3);
		expect(alignedPrefix(Array(15).fill(1), 8)).toBe(8);
	});
});

describe('ETAs with per-account caps', () => {
	it('X posts to one account spread at 5 per rolling day and name the cap; other accounts are not held', () => {
		const clock = { t: T0 };
		const budgets = new Budgets(new Database(':memory:'), {
			now: () => clock.t,
			limits: postfastLimits(),
			assumedLatencyMs: 0,
		});
		const jobs = Array.from({ length: 12 }, (_, i) => ({
			item: i,
			calls: postfastSequence({ posts: [{ accountId: i < 11 ? 'x1' : 'x2', platform: 'X' }] }),
		}));
		const plan = planBacklog(budgets, 'k', jobs);
		expect(plan.slice(0, 5).every((p) => p.at === T0)).toBe(true);
		expect(plan[5].at).toBe(T0 + DAY);
		expect(plan[5].gating).toContain('X posts per account');
		expect(plan[10].at).toBe(T0 + 2 * DAY);
		// The x1 backlog does not hold up a post to another account.
		expect(plan[11].at).toBe(T0);
		expect(plan[11].gating).toBeUndefined();
	});
});

describe('ETAs for several posts of one account in one request', () => {
	it('three X posts for one account wait until three slots are free together; six never fit', () => {
		const clock = { t: T0 };
		const budgets = new Budgets(new Database(':memory:'), {
			now: () => clock.t,
			limits: postfastLimits(),
			assumedLatencyMs: 0,
		});
		const one = postfastSequence({ posts: [{ accountId: 'x1', platform: 'X' }] });
		const three = postfastSequence({
			posts: Array.from({ length: 3 }, () => ({ accountId: 'x1', platform: 'X' })),
		});
		const six = postfastSequence({
			posts: Array.from({ length: 6 }, () => ({ accountId: 'x1', platform: 'X' })),
		});
		const plan = budgets.plan('k', [one, one, one, three, six]);
		expect(plan.slice(0, 3).map((p) => p.at)).toEqual([T0, T0, T0]);
		expect(plan[3].at).toBe(T0 + DAY);
		expect(plan[4].at).toBe(Number.POSITIVE_INFINITY);
	});
});
