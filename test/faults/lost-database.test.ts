/**
 * Finding 7 (issue 10), the database lost while stopped: posts found in .processing/ without a
 * database row are recovered without a duplicate. PostSider posts are created again under the same
 * Idempotency-Key (derived from the post's identity), so the service answers with the post it
 * already has; PostFast posts are looked up first and not created again; a post whose identity no
 * longer matches its folder is set aside for review with the reason. Real daemon, real files, the
 * emulators; the posts are made, the daemon stopped, the database deleted and the posts' folders
 * put back into .processing/ before it starts again.
 */
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DaemonRig, marker, postfastAccount, postsiderChannel, waitFor } from './lib/daemon';
import { type Emulator, countMarkers, followRealTime, loadEmulators } from './lib/emulators';
import { png } from './lib/media';

const future = () => new Date(Date.now() + 3 * 86_400_000).toISOString();

describe('the database lost while stopped', () => {
	let ps: Emulator;
	let pf: Emulator;
	let stopClock = () => {};
	let rig: DaemonRig;
	beforeAll(async () => {
		const loaded = await loadEmulators();
		if (!loaded.ok) throw new Error(loaded.reason);
		ps = await loaded.mod.startPostSider({ apiLimit: 100_000 });
		pf = await loaded.mod.startPostFast({});
		stopClock = followRealTime(ps, pf);
		rig = new DaemonRig({
			ps,
			pf,
			psApiLimit: 100_000,
			accounts: {
				'ps-li': { key: 'ps', ...(await postsiderChannel(ps, 'linkedin')) },
				'pf-li': { key: 'pf', ...(await postfastAccount(pf, 'LINKEDIN')) },
			},
			stableMs: 100,
		});
	});
	afterAll(async () => {
		stopClock();
		await rig?.kill9();
		await ps?.close();
		await pf?.close();
	});

	it('posts in .processing/ without a row: recovered, exactly one post each on the services, each item ends', async () => {
		const m = { text: marker(), pf: marker(), media: marker(), changed: marker() };
		const when = future();
		rig.dropPost('ps-text', { version: 1, text: `text ${m.text}`, targets: ['ps-li'], when });
		rig.dropPost(
			'pf-image',
			{ version: 1, text: `image ${m.pf}`, targets: ['pf-li'], when },
			{ 'pf-image.png': png(3) },
		);
		rig.dropPost(
			'ps-image',
			{ version: 1, text: `image ${m.media}`, targets: ['ps-li'], media: ['pic.png'], when },
			{ 'pic.png': png(4) },
			{ folder: true },
		);
		rig.dropPost('changed', { version: 1, text: `changed ${m.changed}`, targets: ['ps-li'], when });
		rig.start();
		await waitFor(
			() => rig.doneNames().length === 4,
			60_000,
			() => `not all done: ${rig.doneNames()}; log: ${rig.logText().slice(-1500)}`,
		);
		const before = rig.query<{ id: string; name: string; final_dir: string; remote_id: string }>(
			`SELECT i.id, i.name, i.final_dir, t.remote_id FROM items i JOIN targets t ON t.item_id = i.id`,
		);
		expect(await rig.stop()).toBe(0);
		// The database is lost; the posts' folders are back in .processing/ as if never finished.
		for (const f of readdirSync(rig.stateDir))
			if (f.startsWith('postspool.sqlite')) rmSync(join(rig.stateDir, f));
		const processing = join(rig.drop, '.processing');
		for (const item of before) {
			rmSync(join(item.final_dir, 'receipt.json'));
			renameSync(item.final_dir, join(processing, item.id));
		}
		// One post's sidecar changed meanwhile: it is no longer the post that was sent.
		const changed = before.find((i) => i.name === 'changed')!;
		writeFileSync(
			join(processing, changed.id, 'changed.json'),
			JSON.stringify({ version: 1, text: `changed again ${m.changed}`, targets: ['ps-li'], when }),
		);
		rig.start();
		await waitFor(
			() => readdirSync(processing).length === 0 && rig.itemStates().processing === undefined,
			60_000,
			() => `still in .processing/: ${readdirSync(processing)}; log: ${rig.logText().slice(-2500)}`,
		);
		await new Promise((r) => setTimeout(r, 1500));
		// Exactly one post on the services for each.
		expect(countMarkers(ps, [m.text]).get(m.text)).toBe(1);
		expect(countMarkers(pf, [m.pf]).get(m.pf)).toBe(1);
		expect(countMarkers(ps, [m.media]).get(m.media)).toBe(1);
		expect(countMarkers(ps, [m.changed]).get(m.changed)).toBe(1);
		const after = rig.query<{
			id: string;
			state: string;
			remote_id: string | null;
			final_dir: string;
		}>(
			`SELECT i.id, i.state, t.remote_id, i.final_dir FROM items i JOIN targets t ON t.item_id = i.id`,
		);
		const byId = new Map(after.map((a) => [a.id, a]));
		const of = (name: string) => before.find((b) => b.name === name)!;
		// PostSider, same body: the service answered with the post it has (same id).
		expect(byId.get(of('ps-text').id)).toMatchObject({
			state: 'done',
			remote_id: of('ps-text').remote_id,
		});
		// PostFast: found by its look-up, not created again.
		expect(byId.get(of('pf-image').id)).toMatchObject({
			state: 'done',
			remote_id: of('pf-image').remote_id,
		});
		expect(
			pf.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/social-posts')).length,
		).toBeGreaterThan(0);
		// PostSider with media: the new upload makes another body under the same key; the service
		// refuses it (409), and the post is parked for review — not posted twice.
		const media = byId.get(of('ps-image').id)!;
		expect(media.state).toBe('needs-review');
		const mediaError = JSON.parse(readFileSync(join(media.final_dir, 'error.json'), 'utf8'));
		expect(mediaError.errors[0].message).toMatch(
			/already sent under this post.s Idempotency-Key with another body .* most likely on PostSider already/,
		);
		// The changed one is not the post that was sent: set aside, with the reason.
		expect(byId.has(changed.id)).toBe(false);
		const aside = join(rig.drop, 'failed', `${changed.id}-needs-review`);
		const asideError = JSON.parse(readFileSync(join(aside, 'error.json'), 'utf8'));
		expect(asideError.errors[0].message).toMatch(
			/no record of it .* could not be recovered safely: its sidecar, media or targets are not what it was queued with/,
		);
		expect(existsSync(join(aside, 'changed.json'))).toBe(true);
		expect(rig.logText()).toMatch(/recovered ps-text from \.processing\//);
		await rig.stop();
	});
});
