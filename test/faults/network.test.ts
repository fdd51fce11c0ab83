/**
 * Network faults (issue 5 item 6), injected by the emulators while the real daemon runs: 5xx
 * bursts, connection resets (also on creates, whose outcome is then unknown), a hang until the
 * client's timeout, slow bodies, latency, and 429s with Retry-After / Retry-After-<name>. Then:
 * every drop posted exactly once, nothing lost, the database intact, no secret in any artifact.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DaemonRig, ROOT, postfastAccount, postsiderChannel } from './lib/daemon';
import {
	type Emulator,
	type FaultSpec,
	followRealTime,
	loadEmulators,
	secretsOf,
} from './lib/emulators';
import { scanForSecrets } from './lib/secrets';
import { verify } from './lib/verify';
import { type Dropped, type Kind, dropKind } from './lib/workload';

// PostSider's per-minute limiter (A, docs/postsider-api.md, Per-minute limiter): E1 body, Retry-After and X-RateLimit-*.
const PS_429 = { msg: 'Rate limit exceeded. Try again later.', retryAfter: 2 };
// PostFast's throttler (docs/postfast-api.md, Retry-After headers): Retry-After-<name> for the window that rejected.
const PF_429 = { statusCode: 429, message: 'ThrottlerException: Too Many Requests' };

/** Each fault, where it hits, and how many times (spread over the run with `skip`). */
const PS_FAULTS: FaultSpec[] = [
	{
		method: 'POST',
		path: /\/upload$/,
		kind: 'status',
		status: 503,
		body: { statusCode: 503, message: 'Service Unavailable' },
		times: 3,
	},
	{ method: 'POST', path: /\/upload$/, kind: 'reset', skip: 2, times: 2 },
	{
		method: 'POST',
		path: /\/posts$/,
		kind: 'status',
		status: 500,
		body: { statusCode: 500, message: 'Internal server error' },
		times: 2,
	},
	{ method: 'POST', path: /\/posts$/, kind: 'reset', skip: 1, times: 2 },
	{ method: 'POST', path: /\/posts$/, kind: 'slow-body', delayMs: 150, skip: 2, times: 3 },
	{
		method: 'POST',
		path: /\/posts$/,
		kind: 'status',
		status: 429,
		body: PS_429,
		headers: { 'Retry-After': '2', 'X-RateLimit-Limit': '1000', 'X-RateLimit-Remaining': '0' },
		skip: 3,
		times: 1,
	},
	{ method: 'POST', path: /\/posts$/, kind: 'hang', skip: 5, times: 1 },
	{ method: 'POST', path: /\/posts$/, kind: 'latency', delayMs: 800, skip: 6, times: 2 },
];
const PF_FAULTS: FaultSpec[] = [
	{
		method: 'POST',
		path: /\/file\/get-signed-upload-urls$/,
		kind: 'status',
		status: 502,
		body: { statusCode: 502, message: 'Bad Gateway' },
		times: 2,
	},
	{ method: 'POST', path: /\/social-posts$/, kind: 'reset', times: 2 },
	{
		method: 'POST',
		path: /\/social-posts$/,
		kind: 'status',
		status: 503,
		body: { statusCode: 503, message: 'Service Unavailable' },
		skip: 1,
		times: 2,
	},
	{
		method: 'POST',
		path: /\/social-posts$/,
		kind: 'status',
		status: 429,
		body: PF_429,
		headers: { 'Retry-After-short': '3' },
		skip: 2,
		times: 1,
	},
	{ method: 'POST', path: /\/social-posts$/, kind: 'slow-body', delayMs: 150, skip: 3, times: 2 },
	{
		method: 'GET',
		path: /\/social-posts$/,
		kind: 'status',
		status: 500,
		body: { statusCode: 500, message: 'Internal server error' },
		times: 1,
	},
	{ method: 'GET', path: /\/social-posts$/, kind: 'reset', skip: 1, times: 1 },
];
const INJECTED_429 = 2;

describe('network faults: 5xx bursts, resets, a hang, slow bodies, 429 + Retry-After', () => {
	let ps: Emulator;
	let pf: Emulator;
	let rig: DaemonRig;
	let stopClock = () => {};
	const drops: Dropped[] = [];

	beforeAll(async () => {
		const loaded = await loadEmulators();
		if (!loaded.ok) throw new Error(loaded.reason);
		ps = await loaded.mod.startPostSider({ apiLimit: 1000 });
		pf = await loaded.mod.startPostFast();
		stopClock = followRealTime(ps, pf);
		const li = await postsiderChannel(ps, 'linkedin');
		const pfLi = await postfastAccount(pf, 'LINKEDIN');
		rig = new DaemonRig({
			ps,
			pf,
			psApiLimit: 1000,
			accounts: { 'ps-li': { key: 'ps', ...li }, 'pf-li': { key: 'pf', ...pfLi } },
			stableMs: 100,
		});
		for (const f of PS_FAULTS) ps.faults.add(f);
		for (const f of PF_FAULTS) pf.faults.add(f);
	});

	afterAll(async () => {
		stopClock();
		await rig?.kill9();
		await ps?.close();
		await pf?.close();
	});

	it('posts every drop exactly once and loses nothing', async () => {
		const kinds: Kind[] = [
			'ps-text',
			'ps-image',
			'ps-4images',
			'ps-video',
			'pf-image',
			'pf-text',
			'both-image',
		];
		for (let k = 0; k < 14; k++) drops.push(dropKind(rig, kinds[k % kinds.length]));
		const started = Date.now();
		const run = rig.start(['--once']);
		const code = await Promise.race([
			run.exited,
			new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 240_000)),
		]);
		if (code === 'timeout') await rig.kill9();
		const outcome = verify(rig, ps, pf, drops);
		const figures = {
			seconds: (Date.now() - started) / 1000,
			...outcome,
			lost: outcome.lost.length,
			duplicated: outcome.duplicated.length,
			parked: outcome.parked,
		};
		mkdirSync(join(ROOT, '.artifacts/faults'), { recursive: true });
		writeFileSync(
			join(ROOT, '.artifacts/faults/network.json'),
			JSON.stringify(figures, null, '\t'),
		);
		console.log(`[faults] network: ${JSON.stringify(figures)}`);
		expect(
			code,
			`the daemon did not drain the queue; states ${JSON.stringify(rig.itemStates())}; log tail:\n${rig.logText().slice(-3000)}`,
		).toBe(0);
		expect(outcome.duplicated).toEqual([]);
		expect(outcome.lost).toEqual([]);
		expect(outcome.parked).toEqual([]);
		expect(outcome.integrity).toBe('ok');
		expect(outcome.itemStates).toEqual({ done: drops.length });
		// Only the injected 429s: the daemon's own budget never tripped the emulators' throttlers.
		expect(outcome.http429).toBeLessThanOrEqual(INJECTED_429);
	});

	it('leaks no secret into logs, the state database or receipts', () => {
		const scan = scanForSecrets(
			[rig.logPath, rig.stateDir, join(rig.drop, 'done'), join(rig.drop, 'failed')],
			secretsOf(ps, pf),
			{ maxBytes: 8 * 1024 * 1024 },
		);
		expect(scan.leaks).toEqual([]);
		expect(scan.files).toBeGreaterThan(drops.length);
	});
});
