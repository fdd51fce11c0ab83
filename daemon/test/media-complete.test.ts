/** End-of-file checks of every accepted image format (sidecar/media.ts inspectMedia). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { samplePng } from '../src/demo/media';
import { inspectMedia } from '../src/sidecar/media';
import { tempDir } from './helpers';

const jpeg = (body: number) =>
	Buffer.concat([
		Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
		Buffer.alloc(body, 0x41),
		Buffer.from([0xff, 0xd9]),
	]);
const gif = (body: number) =>
	Buffer.concat([Buffer.from('GIF89a', 'latin1'), Buffer.alloc(body, 0x42), Buffer.from([0x3b])]);
function webp(total: number, declared = total): Buffer {
	const b = Buffer.alloc(total, 0x43);
	b.write('RIFF', 0, 'latin1');
	b.writeUInt32LE(declared - 8, 4);
	b.write('WEBPVP8 ', 8, 'latin1');
	return b;
}

describe('images are complete: JPEG EOI, PNG IEND, GIF trailer, WebP RIFF length', () => {
	const dir = tempDir();
	const check = async (name: string, data: Buffer) => {
		writeFileSync(join(dir, name), data);
		return inspectMedia(join(dir, name));
	};
	const png = samplePng(64, 64, [1, 2, 3]);
	const cases: Array<[string, Buffer]> = [
		['a.jpg', jpeg(5000)],
		['b.png', png],
		['c.gif', gif(700)],
		['d.webp', webp(3000)],
	];

	it.each(cases)(
		'%s complete is accepted, and every cut of it is refused as incomplete',
		async (name, data) => {
			expect(await check(name, data)).toMatchObject({ size: data.length });
			// Every cut length a paused writer could leave (sampled): never accepted.
			for (let cut = data.length - 1; cut >= 16; cut -= Math.max(1, Math.floor(cut / 40))) {
				const r = await check(`cut-${name}`, data.subarray(0, cut));
				expect(r, `${name} cut at ${cut}`).toMatchObject({
					error: expect.stringContaining('is incomplete'),
				});
			}
		},
	);

	it('a JPEG with a few bytes after its end marker (some cameras) is accepted', async () => {
		expect(await check('pad.jpg', Buffer.concat([jpeg(100), Buffer.alloc(12)]))).toMatchObject({
			mime: 'image/jpeg',
		});
	});
});
