/**
 * Differential: upload type detection vs `file-type` 16.5.4 (the server's version), for every
 * ISO-BMFF brand the library distinguishes, every format the upload pipe accepts and the
 * neighbours that share their first bytes; then fast-check on signature-prefixed random bytes.
 * Expected answers come from the library itself: accepted ⇔ its MIME is in the server's allow-list.
 */
import fc from 'fast-check';
import { fromBuffer } from 'file-type-16';
import { describe, expect, it } from 'vitest';
import { TruncatedMediaError, detectFileType } from '../../../../contract/postsider/filetype';
import {
	UPLOAD_ACCEPTED_MIME,
	precheckUpload,
	sniffMediaType,
} from '../../../../contract/postsider/upload';

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
const u32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const bytes = (...parts: Array<number[] | string>) =>
	Buffer.from(parts.flatMap((p) => (typeof p === 'string' ? ascii(p) : p)));
const pad = (b: Buffer, n: number) =>
	Buffer.concat([b, Buffer.alloc(Math.max(0, n - b.length), 0x11)]);

const ftyp = (brand: string) => pad(bytes(u32(24), 'ftyp', brand, u32(0), 'isommp42'), 64);
const pngChunk = (type: string, length = 0) =>
	bytes(u32(length), type, Array(length).fill(1), u32(0));
const PNG_SIG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const ebml = (docType: string) =>
	pad(
		bytes(
			[0x1a, 0x45, 0xdf, 0xa3, 0x80 | (4 + docType.length + 3)],
			[0x42, 0x86, 0x81, 0x01],
			[0x42, 0x82, 0x80 | docType.length],
			docType,
		),
		64,
	);
const ogg = (codec: number[] | string) => pad(bytes('OggS', Array(24).fill(0), codec), 64);
const id3 = (tagLength: number, after: number[]) =>
	bytes(
		'ID3',
		[3, 0, 0],
		[(tagLength >> 21) & 127, (tagLength >> 14) & 127, (tagLength >> 7) & 127, tagLength & 127],
		Array(tagLength).fill(0),
		after,
	);

/** Every brand file-type 16 maps, plus common plain-MP4 ones. */
const BRANDS = [
	'isom',
	'iso2',
	'iso5',
	'iso6',
	'mp41',
	'mp42',
	'avc1',
	'dash',
	'MSNV',
	'NDAS',
	'mmp4',
	'M4V ',
	'M4VH',
	'M4VP',
	'M4A ',
	'M4B ',
	'M4P ',
	'F4V ',
	'F4P ',
	'F4A ',
	'F4B ',
	'3gp4',
	'3gp5',
	'3gp6',
	'3gs7',
	'3ge6',
	'3g2a',
	'3g2b',
	'heic',
	'heix',
	'hevc',
	'hevx',
	'mif1',
	'msf1',
	'avif',
	'avis',
	'crx ',
	'qt  ',
	'M4V\0',
	'qt\0\0',
];

export const FILE_CASES: Array<[string, Buffer]> = [
	...BRANDS.map((b): [string, Buffer] => [`ftyp ${JSON.stringify(b)}`, ftyp(b)]),
	['ftyp with a non-printable brand', pad(bytes(u32(24), 'ftyp', [0x00, 0x10, 0, 0]), 64)],
	['ftyp cut at 8 bytes', bytes(u32(24), 'ftyp')],
	['jpeg', pad(bytes([0xff, 0xd8, 0xff, 0xe0]), 64)],
	['jpeg 3 bytes', bytes([0xff, 0xd8, 0xff])],
	[
		'png (IHDR then IDAT)',
		Buffer.concat([bytes(PNG_SIG), pngChunk('IHDR', 13), pngChunk('IDAT', 4)]),
	],
	[
		'apng (acTL before IDAT)',
		Buffer.concat([bytes(PNG_SIG), pngChunk('IHDR', 13), pngChunk('acTL', 8), pngChunk('IDAT', 4)]),
	],
	['png signature only', bytes(PNG_SIG)],
	['png with a cut chunk header', Buffer.concat([bytes(PNG_SIG), bytes(u32(13), 'IH')])],
	['gif89a', pad(bytes('GIF89a'), 32)],
	['gif87a', pad(bytes('GIF87a'), 32)],
	['bare GIF prefix', pad(bytes('GIFxx'), 32)],
	['webp', pad(bytes('RIFF', u32(100), 'WEBPVP8 '), 64)],
	['WEBP at 8 without RIFF', pad(bytes('XXXX', u32(1), 'WEBP'), 64)],
	['bmp', pad(bytes('BM'), 64)],
	['BM two bytes', bytes('BM')],
	['tiff little-endian', pad(bytes([0x49, 0x49, 0x2a, 0x00], [8, 0, 0, 0]), 64)],
	['tiff big-endian', pad(bytes([0x4d, 0x4d, 0x00, 0x2a]), 64)],
	['tiff shorter than 24 bytes', pad(bytes([0x49, 0x49, 0x2a, 0x00], [8, 0, 0, 0]), 20)],
	['canon cr2', pad(bytes([0x49, 0x49, 0x2a, 0x00], [0x10, 0, 0, 0], 'CR'), 64)],
	['nikon nef', pad(bytes([0x49, 0x49, 0x2a, 0x00], [8, 0, 0, 0], [0x1c, 0x00, 0xfe, 0x00]), 64)],
	['quicktime moov atom', pad(bytes(u32(8), 'moov'), 64)],
	['quicktime mdat atom', pad(bytes(u32(8), 'mdat'), 64)],
	['quicktime free atom', pad(bytes(u32(8), 'free'), 64)],
	['quicktime wide atom', pad(bytes(u32(8), 'wide'), 64)],
	['webm', ebml('webm')],
	['matroska', ebml('matroska')],
	['EBML unknown doctype', ebml('xyz')],
	['EBML cut', bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f])],
	['wav', pad(bytes('RIFF', u32(100), 'WAVEfmt '), 64)],
	['avi', pad(bytes('RIFF', u32(100), 'AVI LIST'), 64)],
	['ogg vorbis', ogg([0x01, ...ascii('vorbis')])],
	['ogg opus', ogg('OpusHead')],
	['ogg flac', ogg([0x7f, ...ascii('FLAC')])],
	['ogg theora', ogg([0x80, ...ascii('theora')])],
	['ogg speex', ogg('Speex  ')],
	['ogg unknown codec', ogg('whatever')],
	['ogg cut', bytes('OggS', Array(10).fill(0))],
	['mp3 frame (FF FB)', pad(bytes([0xff, 0xfb, 0x90, 0x00]), 600)],
	['mp3 frame (FF F3)', pad(bytes([0xff, 0xf3, 0x90, 0x00]), 600)],
	['mp2 frame (FF FD)', pad(bytes([0xff, 0xfd, 0x90, 0x00]), 600)],
	['aac adts (FF F1)', pad(bytes([0xff, 0xf1, 0x50, 0x80]), 600)],
	['ID3 then mp3 frame', pad(id3(20, [0xff, 0xfb, 0x90, 0x00]), 700)],
	['ID3 then png', Buffer.concat([id3(10, PNG_SIG), pngChunk('IHDR', 13), pngChunk('IDAT', 2)])],
	['ID3 tag longer than the file', bytes('ID3', [3, 0, 0], [0, 0, 0x10, 0])],
	['ID3 then nothing known', pad(id3(10, ascii('hello world')), 700)],
	['zip', pad(bytes([0x50, 0x4b, 0x03, 0x04]), 64)],
	['pdf', pad(bytes('%PDF-1.7'), 64)],
	['gzip', pad(bytes([0x1f, 0x8b, 0x08]), 64)],
	['mpeg program stream', pad(bytes([0x00, 0x00, 0x01, 0xba, 0x44]), 64)],
	['heic via mif1 (HEIF)', ftyp('mif1')],
	['one byte', bytes([0xff])],
	['empty', Buffer.alloc(0)],
	['text', pad(bytes('hello, world'), 64)],
	['svg', pad(bytes('<svg xmlns="http://www.w3.org/2000/svg"></svg>'), 64)],
];

const allowed = (mime: string | undefined) =>
	mime !== undefined && (UPLOAD_ACCEPTED_MIME as readonly string[]).includes(mime);

/** The library's answer; `'rejects'` where its promise rejects (the server then answers 500). */
async function oracle(data: Buffer) {
	try {
		return await fromBuffer(data);
	} catch {
		return 'rejects' as const;
	}
}

async function expectSameAnswer(data: Buffer) {
	const answer = await oracle(data);
	if (answer === 'rejects') {
		expect(() => detectFileType(data)).toThrow(TruncatedMediaError);
		expect(sniffMediaType(data)).toBeUndefined();
		return;
	}
	const ours = sniffMediaType(data);
	const oracle_ = answer;
	expect(ours?.mime, 'accepted type').toBe(allowed(oracle_?.mime) ? oracle_!.mime : undefined);
	if (ours) expect(ours.ext).toBe(oracle_!.ext);
}

describe('differential: upload type detection vs file-type 16', () => {
	for (const [name, data] of FILE_CASES) {
		it(name, async () => {
			await expectSameAnswer(data);
			// For the ISO-BMFF family the exact MIME matters (M4V, 3GP, HEIC, M4A, CR3 are refused).
			if (data.subarray(4, 8).toString('latin1') === 'ftyp') {
				const answer = await oracle(data);
				if (answer !== 'rejects') expect(detectFileType(data)?.mime).toBe(answer?.mime);
			}
		});
	}

	it('refuses the brands the server maps away from MP4, before any upload', () => {
		for (const brand of ['M4V ', '3gp4', '3g2a', 'heic', 'mif1', 'M4A ', 'crx ']) {
			expect(precheckUpload(ftyp(brand), 64)).toMatchObject({ ok: false });
		}
		expect(precheckUpload(ftyp('isom'), 64)).toMatchObject({
			ok: true,
			type: { mime: 'video/mp4' },
		});
	});

	const PREFIXES: number[][] = [
		[],
		[0xff, 0xd8, 0xff],
		PNG_SIG,
		ascii('GIF'),
		ascii('BM'),
		ascii('RIFF'),
		ascii('OggS'),
		ascii('ID3'),
		[0x49, 0x49, 0x2a, 0x00],
		[0x4d, 0x4d, 0x00, 0x2a],
		[0x1a, 0x45, 0xdf, 0xa3],
		[0xff, 0xfb],
		[0xff, 0xf1],
		[0x00, 0x00, 0x00, 0x18, ...ascii('ftyp')],
		[0x00, 0x00, 0x00, 0x08, ...ascii('moov')],
		ascii('%PDF'),
	];

	it('agrees on signature-prefixed random bytes (fast-check)', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.constantFrom(...PREFIXES),
				fc.uint8Array({ maxLength: 700 }),
				fc.option(fc.constantFrom(...BRANDS), { nil: undefined }),
				async (prefix, tail, brand) => {
					const head = brand && prefix.length === 8 ? [...prefix, ...ascii(brand)] : prefix;
					await expectSameAnswer(Buffer.concat([Buffer.from(head), Buffer.from(tail)]));
				},
			),
			{ numRuns: 1500 },
		);
	});
});
