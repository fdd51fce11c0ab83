/**
 * Finding 1 (issue 10): a file swapped for a symbolic link (or a FIFO) between validation and
 * upload was uploaded — the link's target, e.g. a private key, went to the service. The real
 * daemon runs with stableMs 0 (every scan ingests at once) while a writer exchanges each dropped
 * image with a link to a secret file of the same size (renameat2 RENAME_EXCHANGE, in a loop) for
 * at least 2,000 swaps: the secret must never be uploaded, every post must end (done, or failed
 * with error.json saying why), and a FIFO must never block the daemon.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DaemonRig, marker, postsiderChannel, waitFor } from './lib/daemon';
import { type Emulator, countMarkers, followRealTime, loadEmulators } from './lib/emulators';
import { png } from './lib/media';

const SWAPS = Number(process.env.POSTSPOOL_SWAPS ?? 2000);
// The swapper runs asynchronously: the emulator lives in this process and must keep answering
// the daemon while the swaps go on (a synchronous child blocked it for the swapper's 240 s).
const run = promisify(execFile);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('the bytes posted are the bytes validated: swap races against the real daemon', () => {
	let ps: Emulator;
	let stopClock = () => {};
	let channel: { id: string; platform: string };
	const rigs: DaemonRig[] = [];

	beforeAll(async () => {
		const loaded = await loadEmulators();
		if (!loaded.ok) throw new Error(loaded.reason);
		ps = await loaded.mod.startPostSider({ apiLimit: 100_000 });
		stopClock = followRealTime(ps);
		channel = await postsiderChannel(ps, 'linkedin');
	});
	afterAll(async () => {
		stopClock();
		for (const r of rigs) await r.kill9();
		await ps?.close();
	});

	/** Every file the emulator stored from an upload, by SHA-256. */
	const uploadedHashes = () =>
		[...(ps.store as { media: Map<string, { file?: string }> }).media.values()]
			.filter((m) => m.file && existsSync(m.file))
			.map((m) => sha(readFileSync(m.file!)));

	it.each(['link', 'fifo'] as const)(
		`a validated image exchanged with a %s ${SWAPS}+ times: 0 uploads of the target, every post ends`,
		async (mode) => {
			const rig = new DaemonRig({
				ps,
				psApiLimit: 100_000,
				accounts: { 'ps-li': { key: 'ps', ...channel } },
				stableMs: 0,
				rescanMs: 1000,
			});
			rigs.push(rig);
			const real = png(mode === 'link' ? 9001 : 9002, 32);
			// The target: same size, valid PNG head and end, different bytes (a stand-in for a secret).
			const secret = Buffer.from(real);
			for (let i = 60; i < secret.length - 20; i += 7) secret[i] ^= 0x5a;
			const secretPath = join(rig.dir, 'secret.png');
			writeFileSync(secretPath, secret);
			writeFileSync(join(rig.dir, 'real.png'), real);
			const m = marker();
			const sidecar = JSON.stringify({
				version: 1,
				text: `race {n} ${m}`,
				targets: ['ps-li'],
				when: new Date(Date.now() + 3 * 86_400_000).toISOString(),
			});
			const before = uploadedHashes().length;
			rig.start();
			await waitFor(
				() => rig.logText().includes('postspool started'),
				30_000,
				() => rig.logText(),
			);
			const swapper = await run(
				'python3',
				[
					join(__dirname, 'lib/swapper.py'),
					rig.inbox,
					join(rig.dir, 'real.png'),
					secretPath,
					mode,
					String(SWAPS),
					sidecar,
				],
				{ encoding: 'utf8', timeout: 300_000 },
			);
			const out = JSON.parse(swapper.stdout) as {
				swaps: number;
				posts: number;
				taken: number;
				exchange: boolean;
			};
			expect(out.swaps).toBeGreaterThanOrEqual(SWAPS);
			expect(
				out.taken,
				'posts the daemon took while they were being swapped',
			).toBeGreaterThanOrEqual(16);
			// Every post leaves the inbox and ends: done with a receipt, or failed with error.json.
			const ended = () => {
				const done = rig.doneNames().filter((n) => n.startsWith('race-')).length;
				const failed = rig.errorFiles().filter((e) => e.name.startsWith('race-')).length;
				return { done, failed, total: done + failed };
			};
			await waitFor(
				() => ended().total >= out.posts,
				120_000,
				() =>
					`ended ${JSON.stringify(ended())} of ${out.posts}; inbox: ${rig.inboxEntries().join(', ')}; log tail: ${rig.logText().slice(-1500)}`,
				250,
			);
			expect(rig.running, 'the daemon must keep running (a FIFO never blocks it)').toBe(true);
			const hashes = uploadedHashes().slice(before);
			expect(
				hashes.filter((h) => h === sha(secret)),
				'uploads of the swapped-in target',
			).toHaveLength(0);
			// What was posted is the real image, once per post that reached done/.
			const posted = countMarkers(ps, [m]).get(m) ?? 0;
			expect(posted).toBe(ended().done);
			for (const e of rig.errorFiles().filter((f) => f.name.startsWith('race-')))
				expect(JSON.stringify(e.body)).toMatch(
					/symbolic link|changed after it was validated|not a regular file|named pipe/,
				);
			// The file identity check did its work at least once (the race was real, not a no-op).
			console.log(
				`${mode}: ${out.swaps} swaps over ${out.posts} posts (renameat2: ${out.exchange}; ${out.taken} taken mid-swap); ${JSON.stringify(ended())}`,
			);
			await rig.stop();
		},
		600_000,
	);
});
