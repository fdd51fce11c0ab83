/** Tiny but real sample media for the demo and the tests: a PNG of any size and colour, an MP4 header. */
import { deflateSync } from 'node:zlib';
import { hasDangerousContent } from '../../../contract/postsider/upload';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});

function crc32(buf: Buffer): number {
	let c = 0xffffffff;
	for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
	const len = Buffer.alloc(4);
	len.writeUInt32BE(data.length);
	const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(td));
	return Buffer.concat([len, td, crc]);
}

/**
 * A valid RGB PNG filled with one colour. Different colours give different content hashes. About
 * 6% of compressed images contain "<%" or "<script" by chance, which PostSider's upload refuses as
 * markup: then the rows are encoded another way (same pixels, other bytes).
 */
export function samplePng(
	width = 64,
	height = 64,
	rgb: [number, number, number] = [32, 120, 200],
): Buffer {
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(width, 0);
	ihdr.writeUInt32BE(height, 4);
	ihdr[8] = 8;
	ihdr[9] = 2;
	const rows = (filter: 0 | 1 | 2) =>
		Array.from({ length: height }, (_, y) => {
			const row = Buffer.alloc(1 + width * 3);
			row[0] = filter;
			// None: every pixel; Sub: the first pixel, then zero differences; Up: the first row, then zeros.
			const pixels = filter === 0 || (filter === 2 && y === 0) ? width : filter === 1 ? 1 : 0;
			for (let x = 0; x < pixels; x++) row.set(rgb, 1 + x * 3);
			return row;
		});
	// Deflate's codes for the first pixel can spell the markup whatever the filter; stored (level 0)
	// blocks keep the pixel bytes as they are.
	let png = Buffer.alloc(0);
	for (const [filter, level] of [
		[0, 6],
		[1, 6],
		[2, 6],
		[0, 0],
	] as const) {
		png = Buffer.concat([
			Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
			chunk('IHDR', ihdr),
			chunk('IDAT', deflateSync(Buffer.concat(rows(filter)), { level })),
			chunk('IEND', Buffer.alloc(0)),
		]);
		if (!hasDangerousContent(png)) break;
	}
	return png;
}

/** An MP4 container (ftyp + free + mdat boxes) of about `bytes` bytes; detected as video/mp4 by its magic. */
export function sampleMp4(bytes = 64 * 1024, seed = 1): Buffer {
	const box = (type: string, body: Buffer) => {
		const head = Buffer.alloc(8);
		head.writeUInt32BE(8 + body.length);
		head.write(type, 4, 'latin1');
		return Buffer.concat([head, body]);
	};
	const ftyp = box(
		'ftyp',
		Buffer.concat([
			Buffer.from('isom', 'latin1'),
			Buffer.from([0, 0, 2, 0]),
			Buffer.from('isomiso2avc1mp41', 'latin1'),
		]),
	);
	const payload = Buffer.alloc(Math.max(0, bytes - ftyp.length - 16));
	// Deterministic filler without "<%" or "<script" (PostSider's dangerous-content scan).
	for (let i = 0; i < payload.length; i++) payload[i] = 0x41 + ((i * 7 + seed) % 26);
	return Buffer.concat([ftyp, box('free', Buffer.alloc(0)), box('mdat', payload)]);
}
