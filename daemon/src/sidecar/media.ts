/**
 * Media checks before any API call: the type by magic bytes (never by extension), the size caps of
 * each service and the media count rules of each platform (docs/postsider-api.md, Multipart upload; Per-platform rules,
 * docs/postfast-api.md, Upload URLs; Creating posts).
 */
import { createHash } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { SAFE_OPEN_FLAGS, fileKind } from './read';
import { basename } from 'node:path';
import type { Platform } from '../config/schema';
import {
	FIRST_COMMENT_PLATFORMS,
	MAX_MEDIA_ITEMS_PER_POST,
	MEDIA_REQUIRED_PLATFORMS,
	type PostFastProfile,
	fileSizeCap,
} from '../../../contract/postfast';
import { POSTFAST_PLATFORM_OF, POSTSIDER_PROVIDER_OF } from '../platforms';
import { PROVIDER_RULES, isSupportedProvider } from '../../../contract/postsider/providers';
import {
	DANGEROUS_SCAN_BYTES,
	hasDangerousContent,
	sniffMediaType,
} from '../../../contract/postsider/upload';

export type MediaKind = 'image' | 'video';

export interface MediaInfo {
	path: string;
	name: string;
	size: number;
	mime: string;
	kind: MediaKind;
	/** Extension PostSider's create accepts for this type, when it accepts it at all. */
	postsiderOk: boolean;
	/** The first 4 KB hold a pattern PostSider's upload refuses as dangerous (`<%`, `<script`…). */
	dangerous?: boolean;
	/** SHA-256 of the bytes read through the one handle that was checked (never a second open). */
	sha256: string;
	/** The file's identity through that handle: an upload re-checks it before sending a byte. */
	dev: number;
	ino: number;
	mtimeMs: number;
}

/** Detects the media type from the first bytes. Returns undefined for anything we cannot post. */
export function sniff(head: Buffer): { mime: string; kind: MediaKind } | undefined {
	const at = (offset: number, bytes: number[]) => bytes.every((b, i) => head[offset + i] === b);
	const ascii = (offset: number, text: string) =>
		head.subarray(offset, offset + text.length).toString('latin1') === text;
	if (at(0, [0xff, 0xd8, 0xff])) return { mime: 'image/jpeg', kind: 'image' };
	if (at(0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
		return { mime: 'image/png', kind: 'image' };
	if (ascii(0, 'GIF87a') || ascii(0, 'GIF89a')) return { mime: 'image/gif', kind: 'image' };
	if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return { mime: 'image/webp', kind: 'image' };
	if (ascii(4, 'ftyp')) {
		// The brand decides, as in PostSider's detection: M4V, 3GP/3G2, HEIC/HEIF, M4A, CR3 are not MP4.
		const type = sniffMediaType(head);
		return type?.kind === 'video' ? { mime: type.mime, kind: 'video' } : undefined;
	}
	if (at(0, [0x1a, 0x45, 0xdf, 0xa3])) return { mime: 'video/webm', kind: 'video' };
	return undefined;
}

export const MEDIA_EXTENSIONS = [
	'.jpg',
	'.jpeg',
	'.png',
	'.gif',
	'.webp',
	'.mp4',
	'.mov',
	'.m4v',
	'.webm',
];

/** Codes for "the daemon's user may not read this": the fix is permissions, not the content. */
const PERMISSION_CODES = new Set(['EACCES', 'EPERM']);

/** Why a file could not be read, with the fix (permissions, or the OS message otherwise). */
export function unreadableMessage(what: string, name: string, err: unknown): string {
	const e = err as NodeJS.ErrnoException;
	if (e.code && PERMISSION_CODES.has(e.code))
		return `${what} "${name}" is not readable by the user postspool runs as (${e.code}: permission denied); make it readable, e.g. chmod 644 "${name}", or chown it to that user`;
	return `cannot read ${what} "${name}" (${e.code ?? 'error'}: ${e.message}); check the file and drop it again`;
}

/**
 * A symbolic link is never followed: the daemon moves what it posts, and must never post or move a
 * file outside its folders (a link can point anywhere). Inside or outside the folder, the rule is
 * the same, so the user copies the real file in.
 */
export function symlinkMessage(path: string, what = 'media file'): string {
	let to = '';
	try {
		to = ` to ${readlinkSync(path)}`;
	} catch {
		// unreadable link: name it without its target
	}
	return `${what} "${basename(path)}" is a symbolic link${to}; postspool does not follow links (it never posts or moves files outside its folders). Copy the real file into the folder instead of linking it`;
}

/** `incomplete`: the file is cut short, which a writer still at work looks like (intake waits). */
export async function inspectMedia(
	path: string,
): Promise<MediaInfo | { error: string; incomplete?: true }> {
	const name = basename(path);
	let size: number;
	let handle: FileHandle;
	try {
		// One handle, opened without following a link and without waiting on a FIFO; what it is
		// comes from the handle (fstat), not from the path, which can be swapped meanwhile.
		handle = await open(path, SAFE_OPEN_FLAGS);
	} catch (err) {
		const code = (err as NodeJS.ErrnoException).code;
		if (code === 'ELOOP' || code === 'EMLINK') return { error: symlinkMessage(path) };
		if (code === 'ENOENT')
			return {
				error: `media file "${name}" is missing; put it next to the sidecar or fix the name in "media"`,
			};
		return { error: unreadableMessage('media file', name, err) };
	}
	let type: ReturnType<typeof sniff>;
	let short: string | undefined;
	let dangerous = false;
	let identity = { sha256: '', dev: 0, ino: 0, mtimeMs: 0 };
	try {
		const st = await handle.stat();
		if (!st.isFile())
			return {
				error: `media file "${name}" is ${fileKind(st)}, not a regular file; copy the real file into the folder`,
			};
		size = st.size;
		if (size === 0) return { error: `media file "${name}" is empty (0 bytes); copy it again` };
		const head = Buffer.alloc(Math.min(DANGEROUS_SCAN_BYTES, size));
		try {
			await handle.read(head, 0, head.length, 0);
			type = sniff(head);
			if (type?.mime === 'video/mp4' || type?.mime === 'video/quicktime')
				short = await truncatedBox(handle, size);
			else if (type?.kind === 'image') short = await truncatedImage(handle, type.mime, head, size);
			dangerous = hasDangerousContent(head);
			// Hashed through the same handle: what is stored is what was checked, whatever the path is now.
			if (type && !short) {
				const hash = createHash('sha256');
				let read = 0;
				for await (const chunk of handle.createReadStream({ start: 0, autoClose: false })) {
					hash.update(chunk as Buffer);
					read += (chunk as Buffer).length;
				}
				if (read !== size) short = `it changed size while it was read (${size} then ${read} bytes)`;
				identity = { sha256: hash.digest('hex'), dev: st.dev, ino: st.ino, mtimeMs: st.mtimeMs };
			}
		} catch (err) {
			return { error: unreadableMessage('media file', name, err) };
		}
	} finally {
		await handle.close();
	}
	if (!type) {
		return {
			error: `media file "${name}" is not a JPEG, PNG, GIF, WebP, MP4, MOV or WebM file (checked by its content, not its name); convert it to one of those`,
		};
	}
	if (short)
		return {
			incomplete: true,
			error: `media file "${name}" is incomplete: ${short}. If it is still being copied, let the copy finish and drop the post again; otherwise export the ${type.kind} again`,
		};
	// PostSider's create only accepts media paths ending in png/jpg/jpeg/gif/webp/mp4 (docs/postsider-api.md, Creating posts).
	const postsiderOk = type.mime !== 'video/quicktime' && type.mime !== 'video/webm';
	return { path, name, size, ...type, postsiderOk, dangerous, ...identity };
}

/**
 * An MP4/MOV file is a sequence of top-level boxes, each declaring its size. A partial copy (the
 * writer paused longer than the stability wait) has a box that runs past the end of the file.
 * Reads through the open `handle`; returns what is short, or undefined when the boxes tile the file.
 */
async function truncatedBox(handle: FileHandle, size: number): Promise<string | undefined> {
	const header = Buffer.alloc(16);
	const seen: string[] = [];
	// A video's frames are in an "mdat" box; a file of only ftyp (a copy cut off after its
	// header, or not a video at all) has boxes that all fit and would otherwise pass.
	const noMediaData = () =>
		seen.includes('mdat')
			? undefined
			: `it has no media data (no "mdat" box; its boxes: ${seen.join(', ') || 'none'})`;
	let offset = 0;
	for (let boxes = 0; offset < size && boxes < 10_000; boxes++) {
		const { bytesRead } = await handle.read(header, 0, 16, offset);
		if (bytesRead < 8) return `it ends ${bytesRead} bytes into a box header at byte ${offset}`;
		const type = header.toString('latin1', 4, 8);
		seen.push(JSON.stringify(type).slice(1, -1));
		let length = header.readUInt32BE(0);
		if (length === 0) return noMediaData(); // the last box runs to the end of the file
		if (length === 1) {
			if (bytesRead < 16) return `its "${type}" box header at byte ${offset} is cut off`;
			length = Number(header.readBigUInt64BE(8));
		}
		if (length < 8) return `its "${type}" box at byte ${offset} has an impossible size (${length})`;
		if (offset + length > size)
			return `its "${type}" box needs ${offset + length} bytes but the file has ${size}`;
		offset += length;
	}
	return noMediaData();
}

/** How far from the end an image's end marker may sit (some cameras append a few bytes after it). */
const IMAGE_TAIL_BYTES = 1024;

/**
 * Whether an image ends the way its format ends: JPEG with its EOI marker (FF D9), PNG with its
 * IEND chunk, GIF with its trailer byte (3B), WebP with as many bytes as its RIFF header declares.
 * A copy cut short (a writer that paused longer than the stability wait) has none of these.
 * Reads the tail through the open `handle`; returns what is missing, or undefined when complete.
 */
export async function truncatedImage(
	handle: FileHandle,
	mime: string,
	head: Buffer,
	size: number,
): Promise<string | undefined> {
	if (mime === 'image/webp') {
		const declared = head.length >= 8 ? head.readUInt32LE(4) + 8 : Infinity;
		return declared > size
			? `its RIFF header declares ${declared} bytes but the file has ${size}`
			: undefined;
	}
	const tail = Buffer.alloc(Math.min(IMAGE_TAIL_BYTES, size));
	const { bytesRead } = await handle.read(tail, 0, tail.length, size - tail.length);
	const end = tail.subarray(0, bytesRead);
	if (mime === 'image/jpeg')
		return end.includes(Buffer.from([0xff, 0xd9]))
			? undefined
			: 'it has no JPEG end marker (FF D9)';
	if (mime === 'image/png')
		return end.includes(Buffer.from('IEND', 'latin1')) &&
			end.lastIndexOf('IEND', undefined, 'latin1') + 8 <= end.length
			? undefined
			: 'it has no PNG end chunk (IEND)';
	if (mime === 'image/gif')
		return end[end.length - 1] === 0x3b ? undefined : 'it has no GIF trailer (3B)';
	return undefined;
}

const MB = 1024 * 1024;

/** PostSider's upload pipe caps (docs/postsider-api.md, Multipart upload); PostFast's come from contract/postfast.ts. */
export const POSTSIDER_SIZE_CAPS = { image: 10 * MB, video: 500 * MB } as const;

interface CountRule {
	min?: number;
	max?: number;
	videoMax?: number;
	/** A video must be the only item. */
	videoAlone?: boolean;
	needsVideo?: boolean;
}

/** Media counts per platform (the stricter of both services' rules). */
export const COUNT_RULES: Partial<Record<Platform, CountRule>> = {
	instagram: { min: 1, max: 10 },
	tiktok: { min: 1, max: 35, videoAlone: true },
	youtube: { min: 1, max: 1, needsVideo: true },
	pinterest: { min: 1, max: 5 },
	bluesky: { max: 4, videoAlone: true },
	x: { max: 4, videoAlone: true },
	linkedin: { max: 20, videoAlone: true },
	threads: { max: 10 },
	facebook: { max: 10 },
	gbp: { min: 1, max: 1 },
};

/** Problems of one target's media (and first comment), as messages (empty when fine). */
export function checkMediaFor(
	service: 'postsider' | 'postfast',
	platform: Platform,
	media: Array<Omit<MediaInfo, 'sha256' | 'dev' | 'ino' | 'mtimeMs'>>,
	draft: boolean,
	opts: { profile?: PostFastProfile; firstComment?: string } = {},
): string[] {
	const problems: string[] = [];
	const pfPlatform = POSTFAST_PLATFORM_OF[platform];
	for (const m of media) {
		const cap =
			service === 'postsider'
				? POSTSIDER_SIZE_CAPS[m.kind]
				: fileSizeCap(m.mime, opts.profile, pfPlatform);
		if (m.size > cap) {
			problems.push(
				`"${m.name}" is ${(m.size / MB).toFixed(1)} MB; ${service} accepts at most ${cap / MB} MB for a ${m.kind}${service === 'postfast' && m.kind === 'video' ? ` on ${platform}` : ''}. Compress it`,
			);
		}
		if (service === 'postsider' && m.dangerous) {
			problems.push(
				`"${m.name}" starts with bytes PostSider's upload refuses as markup ("<%", "<script"…; about 6% of compressed files do by chance). Re-export or re-encode it`,
			);
		}
		if (service === 'postsider' && !m.postsiderOk) {
			problems.push(
				`"${m.name}" is ${m.mime}; PostSider posts only JPEG, PNG, GIF, WebP and MP4. Convert it to MP4`,
			);
		}
	}
	if (service === 'postfast') {
		if (media.length > MAX_MEDIA_ITEMS_PER_POST)
			problems.push(
				`${media.length} media files; PostFast accepts at most ${MAX_MEDIA_ITEMS_PER_POST} per post`,
			);
		if (pfPlatform && MEDIA_REQUIRED_PLATFORMS.includes(pfPlatform) && media.length === 0)
			problems.push(
				`${platform} on PostFast needs at least 1 media file, even for a draft; add one`,
			);
		if (pfPlatform && opts.firstComment && !FIRST_COMMENT_PLATFORMS.includes(pfPlatform))
			problems.push(
				`PostFast does not post a first comment on ${platform}; remove "firstComment" or post it from a separate sidecar`,
			);
	}
	// PostSider's own provider rules (contract/postsider/providers.ts) where it has them.
	const provider = POSTSIDER_PROVIDER_OF[platform];
	const psRules =
		service === 'postsider' && provider && isSupportedProvider(provider)
			? PROVIDER_RULES[provider].media
			: undefined;
	const rule = psRules
		? { ...COUNT_RULES[platform], min: psRules.min, max: psRules.max }
		: COUNT_RULES[platform];
	// PostSider checks media rules only for non-drafts; PostFast requires media even for drafts.
	if (rule && !(draft && service === 'postsider')) {
		if (
			rule.min &&
			media.length < rule.min &&
			!(service === 'postfast' && problems.some((p) => p.includes('needs at least')))
		)
			problems.push(
				`${platform} needs at least ${rule.min} media file${rule.min > 1 ? 's' : ''}; add one`,
			);
		if (rule.max !== undefined && media.length > rule.max)
			problems.push(
				`${platform} takes at most ${rule.max} media files, this post has ${media.length}`,
			);
		if (rule.videoAlone && media.length > 1 && media.some((m) => m.kind === 'video'))
			problems.push(`${platform} takes a video only on its own; post the video separately`);
		if (rule.needsVideo && media.some((m) => m.kind !== 'video'))
			problems.push(`${platform} needs a video`);
	}
	return problems;
}
