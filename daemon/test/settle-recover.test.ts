/**
 * A post that settled while the disk was full: its outcome is committed, but receipt.json and
 * error.json could not be written, nor the folder moved. When space returns (and at the next
 * start), `recoverMoves` writes the missing files and moves the folder: every item ends with a
 * file that says why (issue 10).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { samplePng } from '../src/demo/media';
import { Intake } from '../src/intake/ingest';
import { freePath, layoutOf } from '../src/journey/layout';
import { recoverMoves } from '../src/journey/settle';
import { silentLogger } from '../src/log';
import { drop, inFuture, makeEnv, openStore } from './helpers';

async function settledUnwritten() {
	const env = makeEnv();
	const store = openStore(env);
	const intake = new Intake({ config: env.loaded.config, store, log: silentLogger });
	drop(join(env.inbox, 'full.png'), samplePng());
	drop(join(env.inbox, 'full.png.json'), {
		version: 1,
		text: 'settled on a full disk',
		targets: ['acme-x'],
		when: inFuture(),
	});
	await intake.scan();
	const [item] = store.items();
	const [t] = store.targets(item.id);
	const error = { message: 'PostSider refused (400): no', fix: 'fix it' };
	store.force(t.id, ['pending'], 'failed', { error: JSON.stringify(error) });
	// What finalizeItem commits before writing the files (which the full disk then refused).
	const dest = freePath(layoutOf(env.folder).failed, item.name);
	store.setItem(item.id, { state: 'failed', final_dir: dest });
	return { env, store, item, dest };
}

describe('posts settled while the disk was full', () => {
	it('when space returns: receipt.json and error.json are written and the folder moved', async () => {
		const { store, item, dest } = await settledUnwritten();
		expect(existsSync(item.work_dir)).toBe(true);
		recoverMoves(store, Date.now(), Date.now() - 60_000);
		expect(existsSync(item.work_dir)).toBe(false);
		const error = JSON.parse(readFileSync(join(dest, 'error.json'), 'utf8'));
		expect(error.errors[0]).toMatchObject({
			target: 'acme-x',
			message: 'PostSider refused (400): no',
		});
		expect(existsSync(join(dest, 'receipt.json'))).toBe(true);
		expect(existsSync(join(dest, 'full.png'))).toBe(true);
	});

	it('moved but its files not written: written in place when space returns', async () => {
		const { store, dest } = await settledUnwritten();
		recoverMoves(store, Date.now()); // the move alone (startup), files written with it
		rmSync(join(dest, 'receipt.json'));
		rmSync(join(dest, 'error.json'));
		recoverMoves(store, Date.now(), Date.now() - 60_000);
		expect(existsSync(join(dest, 'error.json'))).toBe(true);
		expect(existsSync(join(dest, 'receipt.json'))).toBe(true);
	});

	it('at startup, a settled post already in place with its files is left alone', async () => {
		const { store, dest } = await settledUnwritten();
		recoverMoves(store, Date.now());
		const before = readFileSync(join(dest, 'receipt.json'), 'utf8');
		recoverMoves(store, Date.now() + 5_000);
		expect(readFileSync(join(dest, 'receipt.json'), 'utf8')).toBe(before);
	});
});
