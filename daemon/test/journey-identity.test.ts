/**
 * Every move re-checks the identity of what arrived (issue 10, "the bytes posted are the bytes
 * validated"): the sidecar's identity (dev, inode, size, mtime, SHA-256) is stored with the
 * media's, and a file replaced or rewritten between validation and the move into .processing/
 * ends the post in failed/ with error.json naming the file, before anything is sent.
 */
import { spawnSync } from 'node:child_process';
import {
	readFileSync,
	renameSync,
	rmSync,
	statSync,
	symlinkSync,
	utimesSync,
	writeFileSync,
} from 'node:fs';
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
			/^the sidecar "clip\.png\.json" changed after it was validated \((its content differs|it was written to)\), so nothing was sent$/,
		);
		expect(error.errors[0].fix).toMatch(/Drop the post again/);
		// The user's files moved with it, nothing lost.
		expect(readFileSync(join(item.final_dir!, 'clip.png.json'), 'utf8')).toContain(
			'the other text',
		);
	});

	it('names what differs: content, size, a write, a link, a FIFO, a removal', () => {
		const dir = tempDir();
		const write = (name: string, data: string | Buffer) => writeFileSync(join(dir, name), data);
		const files = ['a.json', 'b.json', 'c.json', 'd.json', 'e.json', 'f.json', 'g.mp4', 'h.mp4'];
		for (const f of files) write(f, f.endsWith('.mp4') ? sampleMp4() : '{"text":"same size"}');
		const identities = files.map((name) => {
			if (name.endsWith('.mp4')) {
				const st = statSync(join(dir, name));
				const { dev, ino, size, mtimeMs } = st;
				return { what: 'media file', name, dev, ino, size, mtimeMs };
			}
			const r = readBoundedJson(join(dir, name));
			if (!r.ok) throw new Error(r.message);
			return { what: 'sidecar', name, ...r.identity };
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
		// The same bytes under the same name, but another file: a swap.
		write('h.tmp', sampleMp4());
		renameSync(join(dir, 'h.tmp'), join(dir, 'h.mp4'));
		const changed = changedFiles(dir, identities);
		expect(changed).toEqual([
			'the sidecar "a.json" changed after it was validated (it was written to)',
			'the sidecar "b.json" changed after it was validated (29 bytes instead of 20)',
			'the sidecar "c.json" changed after it was validated (it was written to)',
			'the sidecar "d.json" changed after it was validated (it is now a symbolic link)',
			'the sidecar "e.json" changed after it was validated (it is now a named pipe (FIFO), not a regular file)',
			'the sidecar "f.json" changed after it was validated (it was removed)',
			'the media file "g.mp4" changed after it was validated (it was removed)',
			'the media file "h.mp4" changed after it was validated (another file is in its place)',
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
			'the sidecar "post.json" changed after it was validated (its content differs)',
		]);
	});
});
