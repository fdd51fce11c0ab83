/**
 * Upload type detection as the PostSider server does it: `file-type` 16.5.4 (`fromBuffer`), whose
 * answer the upload pipe compares with its allow-list (docs/postsider-api.md, "Uploads").
 *
 * Written anew from that library's documented decision order, to the depth that decides the
 * server's answer: every signature the library tests *before* one of the accepted formats is
 * listed (in the library's order) so a file that would be caught by an earlier rule is refused
 * here too; accepted formats get the library's own sub-checks (ISO-BMFF brands, APNG, TIFF raw
 * variants, EBML DocType, Ogg codecs, ID3-then-frame-sync). Differential-tested against the
 * library in test/contract/postsider/differential/.
 *
 * Pass the whole file when you have it: like the library, a few checks walk past the first
 * bytes (PNG chunks, an ID3 tag, the EBML header); a head-only buffer is treated as the whole file.
 *
 * One file on purpose: the signatures must stay in the library's decision order, which a split
 * would scatter.
 */

export interface DetectedType {
	mime: string;
	ext: string;
}

/** A signature the library tests before the formats we accept: anything matching it is refused. */
type Signature = [offset: number, bytes: number[] | string];

const OTHER: DetectedType = { mime: 'application/octet-stream', ext: 'other' };

function bytesOf(sig: number[] | string): number[] {
	return typeof sig === 'string' ? [...sig].map((c) => c.charCodeAt(0)) : sig;
}

/** The library compares against a fixed zero-filled buffer: bytes past the data read as 0. */
class Window {
	constructor(private readonly view: Uint8Array) {}
	at(i: number): number {
		return i < this.view.length ? this.view[i] : 0;
	}
	has(offset: number, sig: number[] | string, mask?: number[]): boolean {
		return bytesOf(sig).every(
			(b, i) => b === (mask ? mask[i] & this.at(offset + i) : this.at(offset + i)),
		);
	}
	text(from: number, to: number): string {
		let s = '';
		for (let i = from; i < to; i++) s += String.fromCharCode(this.at(i));
		return s;
	}
}

// Signatures between the JPEG and GIF checks, between GIF and WebP, and so on: each group is
// tested in the library's order at the point where it appears below.
const BEFORE_JPEG: Signature[] = [
	[0, [0x0b, 0x77]],
	[0, [0x78, 0x01]],
	[0, [0x4d, 0x5a]],
	[0, [0x25, 0x21]],
	[0, [0x1f, 0xa0]],
	[0, [0x1f, 0x9d]],
];
const BEFORE_ID3: Signature[] = [
	[0, [0x49, 0x49, 0xbc]],
	[0, [0x1f, 0x8b, 0x08]],
	[0, [0x42, 0x5a, 0x68]],
];
const BEFORE_WEBP: Signature[] = [
	[0, 'FLIF'],
	[0, '8BPS'],
];
const BEFORE_OGG: Signature[] = [
	[0, 'MPCK'],
	[0, 'FORM'],
	[0, 'icns'],
	[0, [0x50, 0x4b, 0x03, 0x04]],
];
const BEFORE_TIFF: Signature[] = [
	[0, 'MThd'],
	[0, 'DSD '],
	[0, 'LZIP'],
	[0, 'fLaC'],
	[0, [0x42, 0x50, 0x47, 0xfb]],
	[0, 'wvpk'],
	[0, '%PDF'],
	[0, [0x00, 0x61, 0x73, 0x6d]],
];
const BEFORE_PNG: Signature[] = [
	[0, 'SQLi'],
	[0, [0x4e, 0x45, 0x53, 0x1a]],
	[0, 'Cr24'],
	[0, 'MSCF'],
	[0, 'ISc('],
	[0, [0xed, 0xab, 0xee, 0xdb]],
	[0, [0xc5, 0xd0, 0xd3, 0xc6]],
	[0, [0x28, 0xb5, 0x2f, 0xfd]],
	[0, [0x4f, 0x54, 0x54, 0x4f, 0x00]],
	[0, '#!AMR'],
	[0, '{\\rtf'],
	[0, [0x46, 0x4c, 0x56, 0x01]],
	[0, 'IMPM'],
	...[
		'-lh0-',
		'-lh1-',
		'-lh2-',
		'-lh3-',
		'-lh4-',
		'-lh5-',
		'-lh6-',
		'-lh7-',
		'-lzs-',
		'-lz4-',
		'-lz5-',
		'-lhd-',
	].map((s): Signature => [2, s]),
];
const BEFORE_PNG_LATE: Signature[] = [
	[0, 'ITSF'],
	[0, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
	[0, '<?xml '],
	[0, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
	[0, 'solid '],
	[0, 'BLENDER'],
	[0, '!<arch>'],
];
const BEFORE_MOV: Signature[] = [
	[0, [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31, 0x00, 0x00]],
	[0, [0x67, 0x6c, 0x54, 0x46, 0x02, 0x00, 0x00, 0x00]],
];
/** After the QuickTime atoms, up to the 256-byte stage (only the first 12 bytes are real here). */
const AFTER_MOV: Signature[] = [
	[0, [0x49, 0x49, 0x52, 0x4f, 0x08, 0x00, 0x00, 0x00, 0x18]],
	[0, 'gimp xcf '],
	[0, [0x49, 0x49, 0x55, 0x00, 0x18, 0x00, 0x00, 0x00, 0x88, 0xe7, 0x74, 0xd8]],
	[0, [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11, 0xa6, 0xd9]],
	[0, [0xab, 0x4b, 0x54, 0x58, 0x20, 0x31, 0x31, 0xbb, 0x0d, 0x0a, 0x1a, 0x0a]],
	[2, [0x27, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]],
	[0, [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a]],
	[0, [0xff, 0x0a]],
	[0, [0x00, 0x00, 0x00, 0x0c, 0x4a, 0x58, 0x4c, 0x20, 0x0d, 0x0a, 0x87, 0x0a]],
	[0, [0x00, 0x00, 0x01, 0xba]],
	[0, [0x00, 0x00, 0x01, 0xb3]],
	[0, [0x00, 0x01, 0x00, 0x00, 0x00]],
	[0, [0x00, 0x00, 0x01, 0x00]],
	[0, [0x00, 0x00, 0x02, 0x00]],
	[0, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]],
];
/** The 256- and 512-byte stages before the MPEG frame-sync check at the very end. */
const LATE: Signature[] = [
	[0, 'FUJIFILMCCD-RAW'],
	[0, 'Extended Module:'],
	[0, 'Creative Voice File'],
	[0, [0x06, 0x0e, 0x2b, 0x34, 0x02, 0x05, 0x01, 0x01, 0x0d, 0x01, 0x02, 0x01, 0x01, 0x02]],
	[44, 'SCRM'],
	[60, 'BOOKMOBI'],
	[128, 'DICM'],
	[
		0,
		[
			0x4c, 0x00, 0x00, 0x00, 0x01, 0x14, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x00,
			0x00, 0x00, 0x00, 0x00, 0x46,
		],
	],
	[
		0,
		[
			0x62, 0x6f, 0x6f, 0x6b, 0x00, 0x00, 0x00, 0x00, 0x6d, 0x61, 0x72, 0x6b, 0x00, 0x00, 0x00,
			0x00,
		],
	],
	[
		0,
		[
			0x06, 0x06, 0xed, 0xf5, 0xd8, 0x1d, 0x46, 0xe5, 0xbd, 0x31, 0xef, 0xe7, 0xfe, 0x74, 0xb7,
			0x1d,
		],
	],
];

function anyOf(w: Window, list: Signature[]): boolean {
	return list.some(([offset, sig]) => w.has(offset, sig));
}

/** ISO-BMFF major brand → the library's answer (every other brand is plain MP4). */
function ftypBrand(brand: string): DetectedType {
	const major = brand.replace('\0', ' ').trim();
	const table: Record<string, DetectedType> = {
		avif: { ext: 'avif', mime: 'image/avif' },
		mif1: { ext: 'heic', mime: 'image/heif' },
		msf1: { ext: 'heic', mime: 'image/heif-sequence' },
		heic: { ext: 'heic', mime: 'image/heic' },
		heix: { ext: 'heic', mime: 'image/heic' },
		hevc: { ext: 'heic', mime: 'image/heic-sequence' },
		hevx: { ext: 'heic', mime: 'image/heic-sequence' },
		qt: { ext: 'mov', mime: 'video/quicktime' },
		M4V: { ext: 'm4v', mime: 'video/x-m4v' },
		M4VH: { ext: 'm4v', mime: 'video/x-m4v' },
		M4VP: { ext: 'm4v', mime: 'video/x-m4v' },
		M4P: { ext: 'm4p', mime: 'video/mp4' },
		M4B: { ext: 'm4b', mime: 'audio/mp4' },
		M4A: { ext: 'm4a', mime: 'audio/x-m4a' },
		F4V: { ext: 'f4v', mime: 'video/mp4' },
		F4P: { ext: 'f4p', mime: 'video/mp4' },
		F4A: { ext: 'f4a', mime: 'audio/mp4' },
		F4B: { ext: 'f4b', mime: 'audio/mp4' },
		crx: { ext: 'cr3', mime: 'image/x-canon-cr3' },
	};
	if (Object.prototype.hasOwnProperty.call(table, major)) return table[major];
	if (major.startsWith('3g2')) return { ext: '3g2', mime: 'video/3gpp2' };
	if (major.startsWith('3g')) return { ext: '3gp', mime: 'video/3gpp' };
	return { ext: 'mp4', mime: 'video/mp4' };
}

/**
 * The file ends inside a structure the library reads (a PNG chunk header, an Ogg page, a short
 * TIFF, an ID3 size, the EBML header). file-type 16.5.4 lets that error escape (its catch does not
 * await), so the server's upload pipe fails with 500 "Internal server error".
 */
export class TruncatedMediaError extends Error {
	constructor() {
		super('the file ends inside its header, where the type detection reads');
		this.name = 'TruncatedMediaError';
	}
}
const EndOfData = TruncatedMediaError;

function u32be(data: Uint8Array, at: number): number {
	if (at + 4 > data.length) throw new EndOfData();
	return (data[at] << 24) | (data[at + 1] << 16) | (data[at + 2] << 8) | data[at + 3] | 0;
}

/** PNG: an `acTL` chunk before the first `IDAT` makes it an animated PNG. */
function pngOrApng(data: Uint8Array, start: number): DetectedType | undefined {
	let pos = start + 8;
	const size = data.length;
	do {
		const length = u32be(data, pos);
		if (pos + 8 > size) throw new EndOfData();
		const type = String.fromCharCode(...data.subarray(pos + 4, pos + 8));
		pos += 8;
		if (length < 0) return undefined;
		if (type === 'IDAT') return { ext: 'png', mime: 'image/png' };
		if (type === 'acTL') return { ext: 'apng', mime: 'image/apng' };
		pos = Math.min(size, pos + length + 4);
	} while (pos + 8 < size);
	return { ext: 'png', mime: 'image/png' };
}

/** EBML (WebM/Matroska): the DocType element inside the header decides. */
function ebmlDocType(data: Uint8Array, start: number): string | undefined {
	let pos = start;
	const field = (): number[] => {
		if (pos >= data.length) throw new EndOfData();
		const msb = data[pos];
		let mask = 0x80;
		let extra = 0;
		while ((msb & mask) === 0 && mask !== 0) {
			extra++;
			mask >>= 1;
		}
		if (pos + extra + 1 > data.length) throw new EndOfData();
		const bytes = [...data.subarray(pos, pos + extra + 1)];
		pos += extra + 1;
		return bytes;
	};
	const uint = (bytes: number[]) => bytes.reduce((n, b) => n * 256 + b, 0);
	const element = () => {
		const id = uint(field());
		const len = field();
		len[0] ^= 0x80 >> (len.length - 1);
		return { id, len: uint(len.slice(len.length - Math.min(6, len.length))) };
	};
	const root = element();
	// The library counts header *bytes* down one per child element; kept as it is.
	for (let children = root.len; children > 0; children--) {
		const e = element();
		if (e.id === 0x4282) {
			if (pos + e.len > data.length) throw new EndOfData();
			return new TextDecoder().decode(data.subarray(pos, pos + e.len));
		}
		pos = Math.min(data.length, pos + e.len);
	}
	return undefined;
}

function tarChecksumMatches(w: Window): boolean {
	const field = w.text(148, 154).replace(/\0.*$/, '').trim();
	const stored = parseInt(field, 8);
	if (Number.isNaN(stored)) return false;
	let sum = 8 * 0x20;
	for (let i = 0; i < 148; i++) sum += w.at(i);
	for (let i = 156; i < 512; i++) sum += w.at(i);
	return stored === sum;
}

function detectAt(data: Uint8Array, start: number): DetectedType | undefined {
	const size = data.length - start;
	const rest = data.subarray(start);
	// Stage 1 reads 12 bytes; the rest of the library's buffer is zeros.
	let w = new Window(rest.subarray(0, 12));

	if (w.has(0, [0x42, 0x4d])) return { ext: 'bmp', mime: 'image/bmp' };
	if (anyOf(w, BEFORE_JPEG)) return OTHER;
	if (w.has(0, [0xff, 0xd8, 0xff])) return { ext: 'jpg', mime: 'image/jpeg' };
	if (anyOf(w, BEFORE_ID3)) return OTHER;
	if (w.has(0, 'ID3')) {
		if (size < 10) throw new EndOfData();
		const tagLength = (rest[9] & 0x7f) | (rest[8] << 7) | (rest[7] << 14) | (rest[6] << 21);
		if (10 + tagLength > size) return { ext: 'mp3', mime: 'audio/mpeg' };
		return detectAt(data, start + 10 + tagLength);
	}
	if (w.has(0, 'MP+')) return OTHER;
	if ((w.at(0) === 0x43 || w.at(0) === 0x46) && w.has(1, [0x57, 0x53])) return OTHER;
	if (w.has(0, 'GIF')) return { ext: 'gif', mime: 'image/gif' };
	if (anyOf(w, BEFORE_WEBP)) return OTHER;
	if (w.has(8, 'WEBP')) return { ext: 'webp', mime: 'image/webp' };
	if (anyOf(w, BEFORE_OGG)) return OTHER;
	if (w.has(0, 'OggS')) {
		if (size < 36) throw new EndOfData();
		const codec = new Window(rest.subarray(28, 36));
		if (codec.has(0, 'OpusHead')) return { ext: 'opus', mime: 'audio/opus' };
		if (codec.has(0, [0x80, 0x74, 0x68, 0x65, 0x6f, 0x72, 0x61]))
			return { ext: 'ogv', mime: 'video/ogg' };
		if (codec.has(0, [0x01, 0x76, 0x69, 0x64, 0x65, 0x6f, 0x00]))
			return { ext: 'ogm', mime: 'video/ogg' };
		if (codec.has(0, [0x7f, 0x46, 0x4c, 0x41, 0x43])) return { ext: 'oga', mime: 'audio/ogg' };
		if (codec.has(0, 'Speex  ')) return { ext: 'spx', mime: 'audio/ogg' };
		if (codec.has(0, [0x01, 0x76, 0x6f, 0x72, 0x62, 0x69, 0x73]))
			return { ext: 'ogg', mime: 'audio/ogg' };
		return { ext: 'ogx', mime: 'application/ogg' };
	}
	if (w.has(0, [0x50, 0x4b]) && [3, 5, 7].includes(w.at(2)) && [4, 6, 8].includes(w.at(3)))
		return OTHER;
	// ISO-BMFF: `ftyp` and a printable first brand character.
	if (w.has(4, 'ftyp') && (w.at(8) & 0x60) !== 0) return ftypBrand(w.text(8, 12));
	if (anyOf(w, BEFORE_TIFF)) return OTHER;
	if (
		(w.has(0, 'wOFF') || w.has(0, 'wOF2')) &&
		(w.has(4, [0x00, 0x01, 0x00, 0x00]) || w.has(4, 'OTTO'))
	)
		return OTHER;
	if (w.has(0, [0xd4, 0xc3, 0xb2, 0xa1]) || w.has(0, [0xa1, 0xb2, 0xc3, 0xd4])) return OTHER;
	if (w.has(0, [0x49, 0x49, 0x2a, 0x00])) {
		if (w.has(8, 'CR')) return OTHER;
		if (w.has(8, [0x1c, 0x00, 0xfe, 0x00]) || w.has(8, [0x1f, 0x00, 0x0b, 0x00])) return OTHER;
		if (
			w.has(4, [0x08, 0, 0, 0]) &&
			(w.has(8, [0x2d, 0x00, 0xfe, 0x00]) || w.has(8, [0x27, 0x00, 0xfe, 0x00]))
		)
			return OTHER;
		if (size < 24) throw new EndOfData();
		const head = new Window(rest.subarray(0, 24));
		if (
			(head.has(4, [0x10, 0xfb, 0x86, 0x01]) || head.has(4, [0x08, 0, 0, 0])) &&
			head.has(
				9,
				[0x00, 0xfe, 0x00, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x03, 0x01],
			)
		)
			return OTHER;
		return { ext: 'tif', mime: 'image/tiff' };
	}
	if (w.has(0, [0x4d, 0x4d, 0x00, 0x2a])) return { ext: 'tif', mime: 'image/tiff' };
	if (w.has(0, 'MAC ')) return OTHER;
	if (w.has(0, [0x1a, 0x45, 0xdf, 0xa3])) {
		const docType = ebmlDocType(data, start);
		if (docType === 'webm') return { ext: 'webm', mime: 'video/webm' };
		if (docType === 'matroska') return { ext: 'mkv', mime: 'video/x-matroska' };
		return undefined;
	}
	if (w.has(0, 'RIFF')) {
		if (w.has(8, 'AVI')) return OTHER;
		if (w.has(8, 'WAVE')) return { ext: 'wav', mime: 'audio/vnd.wave' };
		if (w.has(8, 'QLCM')) return OTHER;
	}
	if (anyOf(w, BEFORE_PNG)) return OTHER;
	if (w.has(0, [0x00, 0x00, 0x01, 0xba]) && (w.has(4, [0x21], [0xf1]) || w.has(4, [0x44], [0xc4])))
		return OTHER;
	if (anyOf(w, BEFORE_PNG_LATE)) return OTHER;
	if (w.has(0, [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07]) && (w.at(6) === 0 || w.at(6) === 1))
		return OTHER;
	if (w.has(0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return pngOrApng(data, start);
	if (anyOf(w, BEFORE_MOV)) return OTHER;
	if (w.has(4, 'free') || w.has(4, 'mdat') || w.has(4, 'moov') || w.has(4, 'wide'))
		return { ext: 'mov', mime: 'video/quicktime' };
	if (anyOf(w, AFTER_MOV)) return OTHER;

	// Stage 2: the first 256 bytes.
	w = new Window(rest.subarray(0, Math.min(256, size)));
	if (w.has(0, 'BEGIN:') && (w.has(6, 'VCARD') || w.has(6, 'VCALENDAR'))) return OTHER;
	if (anyOf(w, LATE.slice(0, 3))) return OTHER;
	if (w.has(0, [0x04, 0x00, 0x00, 0x00]) && asarHeader(rest)) return OTHER;
	if (anyOf(w, LATE.slice(3, 5))) return OTHER;
	if (w.has(4, [0x47]) && (w.has(192, [0x47]) || w.has(196, [0x47]))) return OTHER;
	if (anyOf(w, LATE.slice(5, 9))) return OTHER;
	if (
		w.has(34, [0x4c, 0x50]) &&
		(w.has(8, [0, 0, 1]) || w.has(8, [1, 0, 2]) || w.has(8, [2, 0, 2]))
	)
		return OTHER;
	if (anyOf(w, LATE.slice(9))) return OTHER;

	// Stage 3: the first 512 bytes.
	w = new Window(rest.subarray(0, Math.min(512, size)));
	if (tarChecksumMatches(w)) return OTHER;
	if (w.has(0, [0xff, 0xfe, 0xff, 0x0e, ...bytesOf('S\0k\0e\0t\0c\0h\0U\0p\0 \0M\0o\0d\0e\0l\0')]))
		return OTHER;
	if (w.has(0, '-----BEGIN PGP MESSAGE-----')) return OTHER;
	// MPEG audio frame sync (AAC ADTS is not MP3).
	if (w.has(0, [0xff, 0xe0], [0xff, 0xe0])) {
		if (w.has(1, [0x10], [0x16])) return { ext: 'aac', mime: 'audio/aac' };
		if (w.has(1, [0x02], [0x06])) return { ext: 'mp3', mime: 'audio/mpeg' };
		if (w.has(1, [0x04], [0x06])) return { ext: 'mp2', mime: 'audio/mpeg' };
		if (w.has(1, [0x06], [0x06])) return { ext: 'mp1', mime: 'audio/mpeg' };
	}
	return undefined;
}

/** Electron ASAR archive: a JSON header with `files` (the library's rough check). */
function asarHeader(rest: Uint8Array): boolean {
	if (rest.length < 16) return false;
	const view = new Uint8Array(4100);
	view.set(rest.subarray(0, 256));
	const jsonSize = view[12] | (view[13] << 8) | (view[14] << 16) | (view[15] << 24);
	if (!(jsonSize > 12 && view.length >= jsonSize + 16)) return false;
	try {
		const json = JSON.parse(new TextDecoder().decode(view.subarray(16, jsonSize + 16))) as {
			files?: unknown;
		};
		return Boolean(json.files);
	} catch {
		return false;
	}
}

/**
 * What `file-type` 16 `fromBuffer` answers for these bytes (for the formats that matter to the
 * upload pipe; any other recognised format comes back as `application/octet-stream`). Throws
 * `TruncatedMediaError` where the library's promise rejects.
 */
export function detectFileType(data: Uint8Array): DetectedType | undefined {
	if (data.length <= 1) return undefined;
	return detectAt(data, 0);
}

/**
 * `detectFileType`, with the library's rejection as a value: `'truncated'` where the server would
 * fail with 500 (any other error escaping the detection is treated the same way).
 */
export function fileTypeOutcome(data: Uint8Array): DetectedType | undefined | 'truncated' {
	try {
		return detectFileType(data);
	} catch {
		return 'truncated';
	}
}
