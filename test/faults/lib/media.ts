/** Small real media files (checked by magic bytes), each with distinct content so identities differ. */
import { sampleMp4, samplePng } from '../../../daemon/src/demo/media';

/** A valid 16×16 RGB PNG; `seed` picks the colour, so two seeds give two different files. */
export function png(seed: number, size = 16): Buffer {
	return samplePng(size, size, [seed & 0xff, (seed >>> 8) & 0xff, (seed >>> 16) & 0xff]);
}

/**
 * An MP4 container head (ftyp, mdat) of `bytes` bytes and a filler for its payload, to stream a
 * file of any size (the upload bench writes 500 MB) without holding it; `seed` varies the payload.
 */
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

/** A whole small MP4 of exactly `bytes` bytes. */
export function mp4(bytes: number, seed = 1): Buffer {
	return sampleMp4(bytes, seed);
}
