/**
 * Every move re-checks the identity of what arrived (issue 10, "the bytes posted are the bytes
 * validated"): the sidecar's identity (dev, inode, size, mtime, SHA-256) is stored with the
 * media's, and a file replaced or rewritten between validation and the move into .processing/
 * ends the post in failed/ with error.json naming the file, before anything is sent.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleMp4, samplePng } from '../src/demo/media';
import { Intake } from '../src/intake/ingest';
import { type PostRecord, validatedFiles } from '../src/item';
import { changedFiles } from '../src/journey/moves';
import { silentLogger } from '../src/log';
import { readBoundedJson } from '../src/sidecar/read';
import { drop, inFuture, makeEnv, openStore, tempDir } from './helpers';

function setup() {
	const env = makeEnv();
	const store = openStore(env);
	const intake = new Intake({ config: env.loaded.config, store, log: silentLogger });
	return { env, store, intake };
}

const sidecar = (text: string) => ({
	version: 1,
	text,
	targets: ['acme-x'],
	when: inFuture(),
});

describe('the sidecar identity, stored and re-checked on every move', () => {
	it('is stored with the post (dev, inode, size, mtime, SHA-256 of the bytes read)', async () => {
		const { env, store, intake } = setup();
		drop(join(env.inbox, 'clip.png'), samplePng());
		drop(join(env.inbox, 'clip.png.json'), sidecar('stored'));
		const read = readBoundedJson(join(env.inbox, 'clip.png.json'));
		await intake.scan();
		const [item] = store.items();
		const post = JSON.parse(item.post) as PostRecord;
		expect(read.ok && post.sidecarFile).toEqual({
			name: 'clip.png.json',
			...(read.ok ? read.identity : {}),
		});
		expect(store.targets(item.id).map((t) => t.state)).toEqual(['pending']);
		// A rename keeps the identity: nothing is reported after the move itself.
		expect(changedFiles(item.work_dir, validatedFiles(post))).toEqual([]);
	});

	it('a sidecar rewritten after it was read, before the move: failed/ with error.json naming the sidecar, nothing pending', async () => {
		const { env, store, intake } = setup();
		drop(join(env.inbox, 'clip.png'), samplePng());
		drop(join(env.inbox, 'clip.png.json'), sidecar('the first text'));
		// The scan reads the sidecar synchronously, then awaits the media check: the writer gets in
		// between, with the same size (only the content differs).
		const scanning = intake.scan();
		writeFileSync(join(env.inbox, 'clip.png.json'), JSON.stringify(sidecar('the other text')));
		await scanning;
		const [item] = store.items();
		expect(item.state).toBe('failed');
		expect(store.targets(item.id).map((t) => t.state)).toEqual(['failed']);
		const error = JSON.parse(readFileSync(join(item.final_dir!, 'error.json'), 'utf8'));
		expect(error.errors[0].message).toMatch(
			/^the sidecar "clip\.png\.json" (has different content|was written to) since it was checked, so nothing was sent$/,
		);
		expect(error.errors[0].fix).toMatch(/Drop the post again/);
		// The user's files moved with it, nothing lost.
		expect(readFileSync(join(item.final_dir!, 'clip.png.json'), 'utf8')).toContain(
			'the other text',
		);
	});

	it('a media file swapped for another between validation and the move: failed/ naming the media file', async () => {
		const { env, store, intake } = setup();
		drop(join(env.inbox, 'clip.png'), samplePng());
		drop(join(env.inbox, 'clip.png.json'), sidecar('media swap'));
		const scanning = intake.scan();
		drop(join(env.inbox, 'clip.png'), samplePng(64, 64, [200, 10, 10]));
		await scanning;
		const [item] = store.items();
		expect(item.state).toBe('failed');
		const error = JSON.parse(readFileSync(join(item.final_dir!, 'error.json'), 'utf8'));
		expect(error.errors[0].message).toMatch(
			/^the media file "clip\.png" was replaced by another file since it was checked/,
		);
	});

	it('names what differs: content, size, a write, a link, a FIFO, a removal', () => {
		const dir = tempDir();
		const write = (name: string, data: string | Buffer) => writeFileSync(join(dir, name), data);
		const files = ['a.json', 'b.json', 'c.json', 'd.json', 'e.json', 'f.json', 'g.mp4'];
		for (const f of files) write(f, f === 'g.mp4' ? sampleMp4() : '{"text":"same size"}');
		const identities = files.map((name) => {
			const r = readBoundedJson(join(dir, name));
			return name.endsWith('.json') && r.ok
				? { what: 'sidecar', name, ...r.identity }
				: { what: 'media file', name, size: sampleMp4().length };
		});
		expect(changedFiles(dir, identities)).toEqual([]);
		write('a.json', '{"text":"diff text"}'); // same size, other bytes
		write('b.json', '{"text":"longer than before"}');
		write('c.json', '{"text":"same size"}'); // same bytes, written again: a new mtime
		rmSync(join(dir, 'd.json'));
		symlinkSync('/etc/passwd', join(dir, 'd.json'));
		rmSync(join(dir, 'e.json'));
		expect(spawnSync('mkfifo', [join(dir, 'e.json')]).status).toBe(0);
		rmSync(join(dir, 'f.json'));
		renameSync(join(dir, 'g.mp4'), join(dir, 'moved.mp4'));
		const changed = changedFiles(dir, identities);
		expect(changed).toEqual([
			'the sidecar "a.json" was written to since it was checked',
			'the sidecar "b.json" changed size (20 → 29 bytes) since it was checked',
			'the sidecar "c.json" was written to since it was checked',
			'the sidecar "d.json" was replaced by a symbolic link since it was checked',
			'the sidecar "e.json" was replaced by something that is not a regular file since it was checked',
			'the sidecar "f.json" was removed since it was checked',
			'the media file "g.mp4" was removed since it was checked',
		]);
	});

	it('same size and the old mtime put back: the SHA-256 still tells the sidecar changed', () => {
		const dir = tempDir();
		const path = join(dir, 'post.json');
		const old = 1_700_000_000; // whole seconds: put back exactly
		writeFileSync(path, '{"text":"aaaa"}');
		utimesSync(path, old, old);
		const r = readBoundedJson(path);
		if (!r.ok) throw new Error(r.message);
		writeFileSync(path, '{"text":"bbbb"}');
		utimesSync(path, old, old);
		expect(changedFiles(dir, [{ what: 'sidecar', name: 'post.json', ...r.identity }])).toEqual([
			'the sidecar "post.json" has different content since it was checked',
		]);
	});
});
