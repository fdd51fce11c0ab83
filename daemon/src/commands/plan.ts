/**
 * `postspool plan [path]`: a dry run. Validates every post waiting in the inboxes (or under
 * `path`) exactly as intake would, and gives each target an ETA and the budget that gates it,
 * behind what is already queued. Exits 2 when a post is invalid.
 */
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { CallSpec } from '../budget/budgets';
import { alignedPrefix, planBacklog, postfastSequence, postsiderSequence } from '../budget/planner';
import { type PostRecord, validateCandidate } from '../intake/ingest';
import { type Candidate, layoutOf, scanInbox } from '../intake/scan';
import { POSTFAST_PLATFORM } from '../pipeline/requests';
import type { Platform } from '../config/schema';
import { limitsForKey } from '../daemon';
import { EXIT, type GlobalOpts, load, openState, print, when } from './context';

/** One target's work as the worker does it: PostSider alone, PostFast batched (see below). */
interface Job {
	ref: string;
	service: 'postsider' | 'postfast';
	media: string[];
	post: { accountId: string; platform: string; publishAt?: number };
	findSlot: boolean;
}

function jobOf(
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

export async function planCommand(opts: GlobalOpts, path?: string): Promise<number> {
	const loaded = load(opts);
	const config = loaded.config;
	const s = openState(loaded);
	try {
		const groups: Array<{ defaults: unknown; candidates: Candidate[] }> = [];
		if (path) {
			const abs = resolve(path);
			const folder = config.folders.find((f) => abs.startsWith(f.path));
			const isDir = statSync(abs).isDirectory();
			const found = scanInbox(isDir ? abs : dirname(abs)).filter(
				(c) => isDir || c.sidecarPath === abs,
			);
			groups.push({ defaults: folder?.defaults ?? {}, candidates: found });
		} else {
			for (const f of config.folders)
				groups.push({ defaults: f.defaults, candidates: scanInbox(layoutOf(f.path).inbox) });
		}
		const imagesPerRequest = (key: string) =>
			limitsForKey(config, key)?.perRequest.postfastImageUrlsPerRequest ?? 4;
		const accountCaps = (key: string): Record<string, number> =>
			Object.fromEntries(
				(limitsForKey(config, key)?.rules ?? [])
					.filter((r) => r.partition === 'account')
					.flatMap((r) => (r.platforms ?? []).map((p) => [p.toUpperCase(), r.limit])),
			);
		// What is queued goes first.
		const jobs = new Map<string, Job[]>();
		const push = (key: string, job: Job) => {
			if (!jobs.has(key)) jobs.set(key, []);
			jobs.get(key)!.push(job);
		};
		for (const t of s.store.liveTargets()) {
			const post = JSON.parse(s.store.item(t.item_id)!.post) as PostRecord;
			push(t.key_name, jobOf(`queued:${t.id}`, t.service, post, t.account_id, t.platform));
		}
		const results: Array<Record<string, unknown>> = [];
		let invalid = 0;
		for (const g of groups) {
			for (const c of g.candidates) {
				const v = await validateCandidate(c, g.defaults, config, Date.now());
				if (!v.ok) {
					invalid++;
					results.push({ name: c.name, sidecar: c.sidecarPath, valid: false, errors: v.errors });
					continue;
				}
				const existing = s.store.itemByIdentity(v.identity);
				const entry: Record<string, unknown> = {
					name: c.name,
					sidecar: c.sidecarPath,
					valid: true,
					duplicateOf: existing?.id,
					targets: [] as unknown[],
				};
				results.push(entry);
				if (existing || v.skip) continue;
				v.post.targets.forEach((t, i) => {
					const id = `${c.sidecarPath}#${i}`;
					push(t.keyName, jobOf(id, t.service, v.post, t.accountId, t.platform));
					(entry.targets as unknown[]).push({ target: t.label, service: t.service, ref: id });
				});
			}
		}
		const etas = new Map<string, { at: number; gating?: string }>();
		for (const [key, list] of jobs)
			for (const p of planBacklog(
				s.budgets,
				key,
				sequencesOf(list, imagesPerRequest(key), accountCaps(key)),
			))
				for (const ref of p.item) etas.set(ref, { at: p.at, gating: p.gating });
		for (const r of results) {
			for (const t of (r.targets as Array<Record<string, unknown>> | undefined) ?? []) {
				const eta = etas.get(t.ref as string);
				t.eta =
					eta && Number.isFinite(eta.at)
						? new Date(Math.max(eta.at, Date.now())).toISOString()
						: null;
				t.gating = eta?.gating ?? null;
				delete t.ref;
			}
		}
		print(opts, { posts: results, invalid }, () =>
			results.length === 0
				? 'nothing waiting in the inboxes'
				: results
						.map((r) =>
							r.valid
								? [
										`OK   ${r.name}${r.duplicateOf ? ` (duplicate of ${r.duplicateOf}: will not post again)` : ''}`,
										...((r.targets as Array<Record<string, unknown>>) ?? []).map(
											(t) =>
												`     ${t.target}: ${t.eta ? when(Date.parse(t.eta as string)) : 'cannot fit the budgets'}${t.gating ? ` (gated by ${t.gating})` : ''}`,
										),
									].join('\n')
								: [
										`FAIL ${r.name}`,
										...(r.errors as Array<{ path?: string; message: string; fix?: string }>).map(
											(e) => `     ${e.path ?? ''} ${e.message}${e.fix ? ` — ${e.fix}` : ''}`,
										),
									].join('\n'),
						)
						.join('\n'),
		);
		return invalid > 0 ? EXIT.validation : EXIT.ok;
	} finally {
		s.close();
	}
}
