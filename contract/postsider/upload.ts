/**
 * PostSider uploads (docs/postsider-api.md, Uploads): multipart field, accepted magic-byte types, size caps,
 * the dangerous-content scan, and which stored extensions `POST /posts` later accepts.
 * Pure functions over bytes, so clients can pre-check a file before spending a request on it.
 */

import { fileTypeOutcome } from './filetype';

export { TruncatedMediaError, detectFileType, fileTypeOutcome } from './filetype';
export const UPLOAD_FIELD_NAME = 'file';
const MB = 1024 * 1024;

export type MediaKind = 'image' | 'video' | 'audio';

export interface SniffedType {
	mime: string;
	/** The extension the server stores the file under. */
	ext: string;
	kind: MediaKind;
}

/** Per-type caps of the upload pipe (`File too large. Max: 10MB for image.`). */
export const UPLOAD_MAX_BYTES: Record<MediaKind, number> = {
	image: 10 * MB,
	video: 500 * MB,
	audio: 50 * MB,
};
/** multer's cap (`MAX_UPLOAD_MB`, default 512) answered with 413 "File too large". */
export const UPLOAD_MULTER_MAX_BYTES = 512 * MB;
/** upload-from-url: declared or actual body over 500 MB → 413 `{msg:"File too large"}`. */
export const UPLOAD_FROM_URL_MAX_BYTES = 500 * MB;

/** Extensions a media `path` may end with in `POST /posts` (case-sensitive, before any `?`). */
export const POSTABLE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.gif', '.webp', '.mp4'] as const;
export function hasPostableExtension(path: string): boolean {
	const bare = path.split('?')[0];
	return POSTABLE_EXTENSIONS.some((ext) => bare.endsWith(ext));
}

/** Types `/upload` accepts (file-type 16 detection). Some of them cannot be posted later. */
export const UPLOAD_ACCEPTED_MIME = [
	'image/jpeg',
	'image/png',
	'image/gif',
	'image/webp',
	'image/avif',
	'image/bmp',
	'image/tiff',
	'video/mp4',
	'video/webm',
	'video/quicktime',
	'video/x-matroska',
	'audio/mpeg',
	'audio/mp4',
	'audio/wav',
	'audio/ogg',
	'audio/webm',
] as const;
/** Types `/upload-from-url` accepts after sniffing. */
export const UPLOAD_FROM_URL_ACCEPTED_MIME = [
	'image/jpeg',
	'image/png',
	'image/gif',
	'image/webp',
	'image/avif',
	'image/bmp',
	'image/tiff',
	'video/mp4',
] as const;

/** Lowercased latin1 patterns the server refuses in the first 4 KB (a `<%` can appear by chance). */
export const DANGEROUS_PATTERNS = [
	'<script',
	'<?php',
	'<%',
	'<html',
	'<svg',
	'javascript:',
	'onload=',
	'onerror=',
] as const;
export const DANGEROUS_SCAN_BYTES = 4096;

export const UPLOAD_MESSAGES = {
	noFile: 'No file provided',
	invalidUpload: 'Invalid file upload.',
	unsupported:
		'Unsupported file type. Allowed: JPEG, PNG, GIF, WebP, AVIF, BMP, TIFF, MP4, WebM, MOV.',
	dangerous: 'File contains potentially dangerous content.',
	tooLargeFor: (kind: MediaKind) =>
		`File too large. Max: ${UPLOAD_MAX_BYTES[kind] / MB}MB for ${kind}.`,
	unexpectedField: 'Unexpected field',
	multerTooLarge: 'File too large',
	fetchFailed: 'Failed to fetch URL',
	urlUnsupported: 'Unsupported file type.',
	urlTooLarge: 'File too large',
	urlNotPublic: 'URL must be a public HTTPS URL and cannot point to internal network addresses',
	badExtension: 'File must have a valid extension: .png, .jpg, .jpeg, .gif, .webp, or .mp4',
	/** Our own text: the server answers 500 "Internal server error" for such a file. */
	truncated:
		'The file ends inside its header (a cut PNG, Ogg, TIFF, MP3 tag or WebM header): PostSider fails on it with "Internal server error". Export the file again.',
} as const;

/**
 * The type `POST /upload` accepts this file as (file-type 16 detection, then the allow-list), or
 * undefined when the server answers "Unsupported file type". Pass the whole file when you can:
 * a few checks read past the head (PNG chunks, ID3 tags, the EBML header).
 */
export function sniffMediaType(bytes: Uint8Array): SniffedType | undefined {
	const detected = fileTypeOutcome(bytes);
	if (
		!detected ||
		detected === 'truncated' ||
		!(UPLOAD_ACCEPTED_MIME as readonly string[]).includes(detected.mime)
	)
		return undefined;
	const kind = detected.mime.split('/')[0] as MediaKind;
	return { mime: detected.mime, ext: detected.ext, kind };
}

/** True when the first 4 KB hold one of the patterns the server refuses. */
export function hasDangerousContent(bytes: Uint8Array): boolean {
	const head = bytes.subarray(0, DANGEROUS_SCAN_BYTES);
	let text = '';
	for (let i = 0; i < head.length; i++) text += String.fromCharCode(head[i]);
	text = text.toLowerCase();
	return DANGEROUS_PATTERNS.some((p) => text.includes(p));
}

export type UploadPrecheck =
	| { ok: true; type: SniffedType; postable: boolean }
	| { ok: false; message: string };

/**
 * What `POST /upload` would say about a file, given its first bytes and total size. `postable`
 * is false for types the server stores but `POST /posts` later refuses (webm, mov, avif, …).
 */
export function precheckUpload(head: Uint8Array, size: number): UploadPrecheck {
	if (fileTypeOutcome(head) === 'truncated')
		return { ok: false, message: UPLOAD_MESSAGES.truncated };
	const type = sniffMediaType(head);
	if (!type) return { ok: false, message: UPLOAD_MESSAGES.unsupported };
	if (hasDangerousContent(head)) return { ok: false, message: UPLOAD_MESSAGES.dangerous };
	if (size > UPLOAD_MAX_BYTES[type.kind])
		return { ok: false, message: UPLOAD_MESSAGES.tooLargeFor(type.kind) };
	return { ok: true, type, postable: hasPostableExtension('.' + type.ext) };
}

/** Width and height from an image header (PNG, GIF, JPEG, WebP); undefined when not readable. */
export function imageSize(bytes: Uint8Array): { width: number; height: number } | undefined {
	const u16be = (i: number) => (bytes[i] << 8) | bytes[i + 1];
	const u16le = (i: number) => bytes[i] | (bytes[i + 1] << 8);
	const u32be = (i: number) =>
		((bytes[i] << 24) >>> 0) + (bytes[i + 1] << 16) + (bytes[i + 2] << 8) + bytes[i + 3];
	const type = sniffMediaType(bytes);
	if (!type) return undefined;
	if (type.ext === 'png' && bytes.length >= 24) return { width: u32be(16), height: u32be(20) };
	if (type.ext === 'gif' && bytes.length >= 10) return { width: u16le(6), height: u16le(8) };
	if (type.ext === 'webp' && bytes.length >= 30) {
		const chunk = String.fromCharCode(...bytes.subarray(12, 16));
		if (chunk === 'VP8X')
			return {
				width: 1 + (bytes[24] | (bytes[25] << 8) | (bytes[26] << 16)),
				height: 1 + (bytes[27] | (bytes[28] << 8) | (bytes[29] << 16)),
			};
		if (chunk === 'VP8 ') return { width: u16le(26) & 0x3fff, height: u16le(28) & 0x3fff };
		if (chunk === 'VP8L') {
			const b = bytes.subarray(21, 25);
			return {
				width: 1 + (((b[1] & 0x3f) << 8) | b[0]),
				height: 1 + (((b[3] & 0xf) << 10) | (b[2] << 2) | ((b[1] & 0xc0) >> 6)),
			};
		}
		return undefined;
	}
	if (type.ext === 'jpg') {
		// Walk the segments to the first start-of-frame marker.
		for (let i = 2; i + 9 < bytes.length; ) {
			if (bytes[i] !== 0xff) return undefined;
			const marker = bytes[i + 1];
			if (
				marker >= 0xc0 &&
				marker <= 0xcf &&
				marker !== 0xc4 &&
				marker !== 0xc8 &&
				marker !== 0xcc
			) {
				return { width: u16be(i + 7), height: u16be(i + 5) };
			}
			i += 2 + u16be(i + 2);
		}
	}
	return undefined;
}
