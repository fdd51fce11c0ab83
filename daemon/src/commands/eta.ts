/**
 * ETAs for what is queued and what would be: each target's work as the worker does it (a PostSider
 * post is one call sequence; PostFast posts go up to 15 per create, no more posts of one account
 * than its cap, cut where images fill whole upload-URL requests), placed in queue order as early as
 * every window allows (daemon-anchors.md §4.4 point 4). Used by `plan` and `queue ls`.
 */
import type { Budgets, CallSpec } from '../budget/budgets';
import { alignedPrefix, planBacklog, postfastSequence, postsiderSequence } from '../budget/planner';
import type { Config, Platform } from '../config/schema';
import { limitsForKey } from '../daemon';
import type { PostRecord } from '../item';
import { POSTFAST_PLATFORM } from '../pipeline/requests';
import type { Store } from '../state/store';

/** One target's work as the worker does it: PostSider alone, PostFast batched (see below). */
export interface Job {
	ref: string;
	service: 'postsider' | 'postfast';
	media: string[];
	post: { accountId: string; platform: string; publishAt?: number };
	findSlot: boolean;
}

export function jobOf(
	ref: string,
	service: 'postsider' | 'postfast',
	post: Pick<PostRecord, 'media' | 'when'>,
	accountId: string,
	platform: string,
): Job {
	return {
		ref,
		service,
		media: post.media.map((m) => m.mime),
		findSlot: post.when.kind === 'next-slot',
		post: {
			accountId,
			platform:
				service === 'postfast'
					? (POSTFAST_PLATFORM[platform as Platform] ?? platform.toUpperCase())
					: platform,
			publishAt: post.when.kind === 'at' ? post.when.at : undefined,
		},
	};
}

/**
 * The call sequences a key's queue turns into, in order: a PostSider post is one sequence; PostFast
 * posts go as the worker sends them, up to 15 per create, no more posts of one account than its cap
 * (`caps`: platform → posts per day), cut where images fill whole URL requests.
 */
function sequencesOf(
	jobs: Job[],
	imagesPerRequest: number,
	caps: Record<string, number>,
): Array<{ item: string[]; calls: CallSpec[] }> {
	const out: Array<{ item: string[]; calls: CallSpec[] }> = [];
	for (let i = 0; i < jobs.length; ) {
		const job = jobs[i];
		if (job.service === 'postsider') {
			out.push({
				item: [job.ref],
				calls: [
					...(job.findSlot
						? [{ service: 'postsider' as const, endpoint: 'GET /find-slot/:id' }]
						: []),
					...postsiderSequence({ files: job.media.length }),
				],
			});
			i++;
			continue;
		}
		let end = i;
		const perAccount = new Map<string, number>();
		while (end < jobs.length && end - i < 15 && jobs[end].service === 'postfast') {
			const { accountId, platform } = jobs[end].post;
			const count = (perAccount.get(accountId) ?? 0) + 1;
			if (end > i && count > (caps[platform] ?? Infinity)) break;
			perAccount.set(accountId, count);
			end++;
		}
		const window = jobs.slice(i, end);
		const n = alignedPrefix(
			window.map((j) => j.media.filter((m) => m.startsWith('image/')).length),
			imagesPerRequest,
		);
		const batch = window.slice(0, n);
		out.push({
			item: batch.map((j) => j.ref),
			calls: postfastSequence({
				media: batch.flatMap((j) => j.media),
				imagesPerRequest,
				posts: batch.map((j) => j.post),
			}),
		});
		i += n;
	}
	return out;
}

/** The live targets as jobs, per key, in the order the worker takes them. */
export function queuedJobs(store: Store): Map<string, Job[]> {
	const jobs = new Map<string, Job[]>();
	for (const t of store.liveTargets()) {
		const post = JSON.parse(store.item(t.item_id)!.post) as PostRecord;
		const list = jobs.get(t.key_name) ?? [];
		list.push(jobOf(`queued:${t.id}`, t.service, post, t.account_id, t.platform));
		jobs.set(t.key_name, list);
	}
	return jobs;
}

/** Earliest send time and gating budget per job ref. */
export function planEtas(
	budgets: Budgets,
	config: Config,
	jobs: Map<string, Job[]>,
): Map<string, { at: number; gating?: string }> {
	const etas = new Map<string, { at: number; gating?: string }>();
	for (const [key, list] of jobs) {
		const limits = limitsForKey(config, key);
		const caps = Object.fromEntries(
			(limits?.rules ?? [])
				.filter((r) => r.partition === 'account')
				.flatMap((r) => (r.platforms ?? []).map((p) => [p.toUpperCase(), r.limit])),
		);
		const sequences = sequencesOf(list, limits?.perRequest.postfastImageUrlsPerRequest ?? 4, caps);
		for (const p of planBacklog(budgets, key, sequences))
			for (const ref of p.item) etas.set(ref, { at: p.at, gating: p.gating });
	}
	return etas;
}
