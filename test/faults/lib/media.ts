/** Small real media files (checked by magic bytes), each with distinct content so identities differ. */
import { deflateSync } from 'node:zlib';

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

function pngChunk(type: string, data: Buffer): Buffer {
	const len = Buffer.alloc(4);
	len.writeUInt32BE(data.length);
	const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(body));
	return Buffer.concat([len, body, crc]);
}

/** A valid 16×16 RGB PNG; `seed` picks the colour, so two seeds give two different files. */
export function png(seed: number, size = 16): Buffer {
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(size, 0);
	ihdr.writeUInt32BE(size, 4);
	ihdr[8] = 8;
	ihdr[9] = 2;
	const rgb = [seed & 0xff, (seed >>> 8) & 0xff, (seed >>> 16) & 0xff];
	const row = Buffer.alloc(1 + size * 3);
	for (let x = 0; x < size; x++) row.set(rgb, 1 + x * 3);
	const raw = Buffer.concat(Array.from({ length: size }, () => row));
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		pngChunk('IHDR', ihdr),
		pngChunk('IDAT', deflateSync(raw)),
		pngChunk('IEND', Buffer.alloc(0)),
	]);
}

/** An MP4 container head (ftyp, mdat) of `bytes` bytes; `seed` varies the payload. */
export function mp4Head(
	bytes: number,
	seed = 1,
): { head: Buffer; fill: (buf: Buffer, offset: number) => void } {
	const ftyp = Buffer.concat([
		Buffer.from([0, 0, 0, 24]),
		Buffer.from('ftypisom', 'latin1'),
		Buffer.from([0, 0, 2, 0]),
		Buffer.from('isomavc1', 'latin1'),
	]);
	const mdat = Buffer.alloc(8);
	mdat.writeUInt32BE(Math.min(0xffffffff, bytes - ftyp.length));
	mdat.write('mdat', 4, 'latin1');
	// Letters only: no "<%" or "<script" in the payload (PostSider's dangerous-content scan).
	const fill = (buf: Buffer, offset: number) => {
		for (let i = 0; i < buf.length; i++) buf[i] = 0x41 + (((offset + i) * 7 + seed) % 26);
	};
	return { head: Buffer.concat([ftyp, mdat]), fill };
}

export function mp4(bytes: number, seed = 1): Buffer {
	const { head, fill } = mp4Head(bytes, seed);
	const body = Buffer.alloc(Math.max(0, bytes - head.length));
	fill(body, 0);
	return Buffer.concat([head, body]);
}
