/**
 * A virtual-time soak of the daemon's real pipeline (intake → budgets → worker → API clients over
 * HTTP) against an emulator whose clock is the same virtual clock: a backlog of posts is dropped,
 * then the worker runs whenever the store says a target is due, the clock jumping to that time.
 * Optionally a second client spends a share of the same key's scarce budgets, evenly spread.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_POSTS_PER_REQUEST } from '../../contract/postfast';
import { ConfigSchema } from '../../daemon/src/config/schema';
import { createBudgets, createClients } from '../../daemon/src/daemon';
import { Intake } from '../../daemon/src/intake/ingest';
import { silentLogger } from '../../daemon/src/log';
import { Tracker } from '../../daemon/src/outcomes/tracker';
import { Worker } from '../../daemon/src/pipeline/worker';
import { limitsForKey } from '../../daemon/src/daemon';
import { openDb } from '../../daemon/src/state/db';
import { Store } from '../../daemon/src/state/store';
import { postfastAccount, postsiderChannel } from '../../test/faults/lib/daemon';
import type { Emulator, EmulatorModule } from '../../test/faults/lib/emulators';
import { mp4, png } from '../../test/faults/lib/media';

export type Service = 'postsider' | 'postfast';
export type PostKind = 'text' | 'image' | '4-images' | 'video';
export const POST_KINDS: PostKind[] = ['text', 'image', '4-images', 'video'];

const DAY = 86_400_000;

/**
 * Posts per day per key the published limits allow, and what a naive one-request-per-call client
 * gets (one create per post, one upload-URL request per file), from the vendor pages:
 * PostSider API_LIMIT=60: 60/min for every call of the org, and 60/h per mutating handler
 * (POST /posts and POST /upload each); PostFast vendor page: 60/min, 150/5 min, 300/h, 1000/day for
 * all calls, POST /social-posts 75/day with up to 15 posts per request, upload URLs 150/day with
 * up to 4 image URLs (1 video URL) per request. The S3 PUT is not an API call.
 */
export function theoretical(
	service: Service,
	kind: PostKind,
): { max: number; naive: number; why: string } {
	const files = kind === 'text' ? 0 : kind === '4-images' ? 4 : 1;
	if (service === 'postsider') {
		// Each post: `files` uploads + 1 create; hourly handler windows are the binding ones.
		const perHourCreates = 60;
		const perHourUploads = files ? 60 / files : Infinity;
		const perMinuteAll = 60 / (files + 1);
		const perDay = Math.floor(24 * Math.min(perHourCreates, perHourUploads, perMinuteAll * 60));
		return {
			max: perDay,
			naive: perDay,
			why: files ? `POST /upload 60/h ÷ ${files} file(s) per post` : 'POST /posts 60/h',
		};
	}
	const createsPerDay = 75;
	const urlRequestsPerDay = 150;
	const perUrlRequest = kind === 'video' ? 1 : 4;
	const globalDaily = 1000;
	// Best client: full creates; upload URLs batched up to the per-request maximum.
	const byCreates = createsPerDay * MAX_POSTS_PER_REQUEST;
	const byUrls = files ? Math.floor((urlRequestsPerDay * perUrlRequest) / files) : Infinity;
	const byGlobal = Math.floor(
		globalDaily / (1 / MAX_POSTS_PER_REQUEST + (files ? files / perUrlRequest : 0)),
	);
	const max = Math.min(byCreates, byUrls, byGlobal);
	// Naive: one create per post, one URL request per file.
	const naive = Math.floor(
		Math.min(
			createsPerDay,
			files ? urlRequestsPerDay / files : Infinity,
			globalDaily / (1 + files),
		),
	);
	const why =
		max === byCreates
			? 'POST /social-posts 75/day × 15 posts'
			: `upload URLs 150/day × ${perUrlRequest} per request ÷ ${files} file(s)`;
	return { max, naive, why };
}

export interface SoakResult {
	service: Service;
	kind: PostKind;
	hours: number;
	secondShare: number;
	daemonPosts: number;
	perDay: number;
	daemonRequests: number;
	daemon429: number;
	secondRequests: number;
	secondPosts: number;
	second429: number;
	/** With publish tracking on: its list/get calls, and the outcomes it saw. */
	tracking?: { calls: number; published: number; publishFailed: number; stillTracked: number };
	wallSeconds: number;
}

export async function soak(
	mod: EmulatorModule,
	service: Service,
	kind: PostKind,
	opts: { hours: number; secondShare: number; tracking?: boolean },
): Promise<SoakResult> {
	const started = Date.now();
	const t0 = Date.parse('2027-01-04T00:00:00Z');
	let now = t0;
	const clockFn = () => now;
	const e: Emulator =
		service === 'postsider'
			? await mod.startPostSider({ apiLimit: 60, now: t0 })
			: await mod.startPostFast({ profile: 'vendor', now: t0 });
	e.clock.set(t0);
	try {
		const account =
			service === 'postsider'
				? await postsiderChannel(e, 'linkedin')
				: await postfastAccount(e, 'LINKEDIN');
		const dir = mkdtempSync(join(tmpdir(), `postspool-soak-${service}-${kind}-`));
		const drop = join(dir, 'drop');
		const inbox = join(drop, 'inbox');
		mkdirSync(inbox, { recursive: true });
		const config = ConfigSchema.parse({
			version: 1,
			stateDir: join(dir, 'state'),
			keys: {
				k:
					service === 'postsider'
						? { service, baseUrl: e.baseUrl, apiKey: { env: 'BENCH_KEY' }, apiLimit: 60 }
						: { service, baseUrl: e.baseUrl, apiKey: { env: 'BENCH_KEY' }, profile: 'vendor' },
			},
			accounts: { a: { key: 'k', id: account.id, platform: account.platform } },
			folders: [{ path: drop }],
			stableMs: 0,
		});
		const loaded = { path: join(dir, 'config.jsonc'), config, stateDir: join(dir, 'state') };
		const db = openDb(loaded.stateDir);
		const store = new Store(db, clockFn);
		const budgets = createBudgets(db, config, clockFn);
		const worker = new Worker({
			store,
			budgets,
			clients: createClients(loaded, { BENCH_KEY: e.apiKey }, clockFn),
			log: silentLogger,
			owner: 'bench',
			maxAttempts: 8,
			now: clockFn,
		});
		const intake = new Intake({ config, store, log: silentLogger, now: clockFn });
		// Publish tracking, as the daemon runs it: its own share of the windows, through the same budgets.
		const tracker = opts.tracking
			? new Tracker({
					store,
					budgets,
					clients: createClients(loaded, { BENCH_KEY: e.apiKey }, clockFn),
					limitsFor: (k) => limitsForKey(config, k),
					log: silentLogger,
					now: clockFn,
					share: config.tracking.share,
					firstCheckMs: config.tracking.firstCheckMs,
				})
			: undefined;
		// With tracking, every post is published as soon as it is created ("when": "asap"), so the
		// tracker follows all of them during the soak while the daemon keeps posting at full speed.

		// A standing backlog: the inbox is topped up so that more than a whole day's maximum waits at
		// once (waiting posts are parked together when a window every post needs is full).
		const AHEAD = Math.ceil(theoretical(service, kind).max * 1.1) + 10;
		let written = 0;
		const writePost = (i: number) => {
			const name = `p${String(i).padStart(5, '0')}`;
			const sidecar = {
				version: 1,
				text: `daemon-post ${name}`,
				targets: ['a'],
				when: opts.tracking ? 'asap' : new Date(t0 + 30 * DAY + i * 60_000).toISOString(),
			};
			if (kind === '4-images') {
				mkdirSync(join(inbox, name));
				for (let k = 0; k < 4; k++)
					writeFileSync(join(inbox, name, `${k}.png`), png(i * 4 + k + 1));
				writeFileSync(join(inbox, name, 'post.json'), JSON.stringify(sidecar));
			} else {
				if (kind === 'image') writeFileSync(join(inbox, `${name}.png`), png(i + 1));
				if (kind === 'video') writeFileSync(join(inbox, `${name}.mp4`), mp4(32 * 1024, i + 1));
				writeFileSync(
					join(inbox, `${name}${kind === 'image' ? '.png' : kind === 'video' ? '.mp4' : ''}.json`),
					JSON.stringify(sidecar),
				);
			}
		};
		const itemCount = () => (db.prepare('SELECT count(*) n FROM items').get() as { n: number }).n;
		const refill = async () => {
			const live = store.liveTargets().length;
			if (live >= AHEAD / 2) return;
			while (written < itemCount() + AHEAD) writePost(written++);
			for (let k = 0; k < 5 && itemCount() < written; k++) await intake.scan();
			if (itemCount() !== written)
				throw new Error(`intake queued ${itemCount()} of ${written} posts`);
		};
		await refill();

		// The second client: evenly spaced calls on the scarce per-endpoint budgets of the key.
		const second: Array<{ at: number; call: () => Promise<number> }> = [];
		const end = t0 + opts.hours * 3_600_000;
		const spread = (perDay: number, call: () => Promise<number>) => {
			const n = Math.floor((perDay * opts.hours) / 24);
			for (let i = 0; i < n; i++) second.push({ at: t0 + ((i + 0.5) * (end - t0)) / n, call });
		};
		let secondPostSeq = 0;
		const headers =
			service === 'postsider'
				? {
						Authorization: e.apiKey,
						'content-type': 'application/json',
						'user-agent': 'bench-second-client',
					}
				: {
						'pf-api-key': e.apiKey,
						'content-type': 'application/json',
						'user-agent': 'bench-second-client',
					};
		// A network error counts as a failed call (status 0), as the other client would see it.
		const post = async (path: string, body: unknown) => {
			try {
				return (
					await fetch(`${e.baseUrl}${path}`, {
						method: 'POST',
						headers,
						body: JSON.stringify(body),
					})
				).status;
			} catch {
				return 0;
			}
		};
		if (opts.secondShare > 0) {
			if (service === 'postsider') {
				// 20% of each hourly handler window: creates and uploads.
				spread(60 * 24 * opts.secondShare, async () => {
					const form = new FormData();
					form.append(
						'file',
						new Blob([png(900_000 + secondPostSeq)], { type: 'image/png' }),
						'other.png',
					);
					try {
						return (
							await fetch(`${e.baseUrl}/upload`, {
								method: 'POST',
								headers: { Authorization: e.apiKey, 'user-agent': 'bench-second-client' },
								body: form,
							})
						).status;
					} catch {
						return 0;
					}
				});
				spread(60 * 24 * opts.secondShare, () =>
					post('/posts', {
						type: 'schedule',
						date: new Date(t0 + 40 * DAY + ++secondPostSeq * 60_000).toISOString(),
						shortLink: false,
						tags: [],
						posts: [
							{
								integration: { id: account.id },
								value: [{ content: `other-client ${secondPostSeq}`, image: [] }],
								settings: { __type: 'linkedin' },
							},
						],
					}),
				);
			} else {
				spread(75 * opts.secondShare, () =>
					post('/social-posts', {
						posts: [
							{
								content: `other-client ${++secondPostSeq}`,
								socialMediaId: account.id,
								scheduledAt: new Date(t0 + 40 * DAY + secondPostSeq * 60_000).toISOString(),
							},
						],
					}),
				);
				spread(150 * opts.secondShare, () =>
					post('/file/get-signed-upload-urls', { contentType: 'image/png', count: 1 }),
				);
			}
		}
		second.sort((a, b) => a.at - b.at);
		let secondIdx = 0;
		let secondRequests = 0;

		for (;;) {
			await refill();
			const due = store.nextDueAt();
			const nextSecond = second[secondIdx]?.at ?? Infinity;
			const nextTrack = tracker?.nextAt() ?? Infinity;
			const next = Math.min(due ?? Infinity, nextSecond, nextTrack);
			if (next === Infinity || next >= end) break;
			now = Math.max(now, next);
			e.clock.set(now);
			if (nextSecond <= now) {
				secondIdx++;
				secondRequests++;
				await second[secondIdx - 1].call();
				continue;
			}
			if (tracker && nextTrack <= now && (due === undefined || due > now)) {
				const before = e.requests.length;
				await tracker.tick();
				// Nothing sent (held by its share or a budget): let time move on.
				if (e.requests.length === before && (tracker.nextAt() ?? Infinity) <= now) now += 1000;
				continue;
			}
			const ran = await worker.runOne();
			if (!ran) now += 1000;
		}
		const trackingCounts = tracker
			? (db
					.prepare(
						`SELECT SUM(state = 'published') published, SUM(state = 'publish-failed') failed, SUM(state = 'tracking') tracked FROM outcomes`,
					)
					.get() as { published: number; failed: number; tracked: number })
			: undefined;
		db.close();

		const fromDaemon = e.requests.filter((r) =>
			String(r.headers?.['user-agent'] ?? '').startsWith('postspool-daemon'),
		);
		const fromSecond = e.requests.filter(
			(r) => String(r.headers?.['user-agent'] ?? '') === 'bench-second-client',
		);
		const posts = [...valuesOf((e.store as Record<string, unknown>).posts)].map((p) =>
			JSON.stringify(p),
		);
		const daemonPosts = posts.filter((p) => p.includes('daemon-post')).length;
		return {
			service,
			kind,
			hours: opts.hours,
			secondShare: opts.secondShare,
			daemonPosts,
			perDay: Math.round((daemonPosts * 24) / opts.hours),
			daemonRequests: fromDaemon.length,
			daemon429: fromDaemon.filter((r) => r.status === 429).length,
			secondRequests,
			secondPosts: posts.filter((p) => p.includes('other-client')).length,
			second429: fromSecond.filter((r) => r.status === 429).length,
			...(trackingCounts
				? {
						tracking: {
							calls: fromDaemon.filter(
								(r) => r.method === 'GET' && /\/(posts|social-posts)(\/|\?|$)/.test(r.path),
							).length,
							published: trackingCounts.published ?? 0,
							publishFailed: trackingCounts.failed ?? 0,
							stillTracked: trackingCounts.tracked ?? 0,
						},
					}
				: {}),
			wallSeconds: Math.round((Date.now() - started) / 100) / 10,
		};
	} finally {
		await e.close();
	}
}

function valuesOf(x: unknown): unknown[] {
	if (x instanceof Map) return [...x.values()];
	if (Array.isArray(x)) return x;
	return x && typeof x === 'object' ? Object.values(x) : [];
}
