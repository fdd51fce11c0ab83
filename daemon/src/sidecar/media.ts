/**
 * Media checks before any API call: the type by magic bytes (never by extension), the size caps of
 * each service and the media count rules of each platform (postsider-api.md §5.1/§6.1,
 * postfast-api.md §2.1/§2.11).
 */
import { readlinkSync } from 'node:fs';
import { type FileHandle, lstat, open } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Platform } from '../config/schema';
import {
	FIRST_COMMENT_PLATFORMS,
	MAX_MEDIA_ITEMS_PER_POST,
	MEDIA_REQUIRED_PLATFORMS,
	type PostFastProfile,
	type Platform as PostFastPlatform,
	fileSizeCap,
} from '../../../contract/postfast';
import {
	PROVIDER_RULES,
	type SupportedProvider,
	isSupportedProvider,
} from '../../../contract/postsider/providers';
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

export async function inspectMedia(path: string): Promise<MediaInfo | { error: string }> {
	const name = basename(path);
	let size: number;
	try {
		const st = await lstat(path);
		if (st.isSymbolicLink()) return { error: symlinkMessage(path) };
		size = st.size;
	} catch {
		return {
			error: `media file "${name}" is missing; put it next to the sidecar or fix the name in "media"`,
		};
	}
	if (size === 0) return { error: `media file "${name}" is empty (0 bytes); copy it again` };
	const head = Buffer.alloc(Math.min(DANGEROUS_SCAN_BYTES, size));
	let type: ReturnType<typeof sniff>;
	let short: string | undefined;
	try {
		const handle = await open(path, 'r');
		try {
			await handle.read(head, 0, head.length, 0);
			type = sniff(head);
			if (type?.mime === 'video/mp4' || type?.mime === 'video/quicktime')
				short = await truncatedBox(handle, size);
		} finally {
			await handle.close();
		}
	} catch (err) {
		return { error: unreadableMessage('media file', name, err) };
	}
	if (!type) {
		return {
			error: `media file "${name}" is not a JPEG, PNG, GIF, WebP, MP4, MOV or WebM file (checked by its content, not its name); convert it to one of those`,
		};
	}
	if (short)
		return {
			error: `media file "${name}" is incomplete: ${short}. If it is still being copied, let the copy finish and drop the post again; otherwise export the video again`,
		};
	// PostSider's create only accepts media paths ending in png/jpg/jpeg/gif/webp/mp4 (§3.1).
	const postsiderOk = type.mime !== 'video/quicktime' && type.mime !== 'video/webm';
	return { path, name, size, ...type, postsiderOk, dangerous: hasDangerousContent(head) };
}

/**
 * An MP4/MOV file is a sequence of top-level boxes, each declaring its size. A partial copy (the
 * writer paused longer than the stability wait) has a box that runs past the end of the file.
 * Reads through the open `handle`; returns what is short, or undefined when the boxes tile the file.
 */
async function truncatedBox(handle: FileHandle, size: number): Promise<string | undefined> {
	const header = Buffer.alloc(16);
	let offset = 0;
	for (let boxes = 0; offset < size && boxes < 10_000; boxes++) {
		const { bytesRead } = await handle.read(header, 0, 16, offset);
		if (bytesRead < 8) return `it ends ${bytesRead} bytes into a box header at byte ${offset}`;
		const type = header.toString('latin1', 4, 8);
		let length = header.readUInt32BE(0);
		if (length === 0) return undefined; // the last box runs to the end of the file
		if (length === 1) {
			if (bytesRead < 16) return `its "${type}" box header at byte ${offset} is cut off`;
			length = Number(header.readBigUInt64BE(8));
		}
		if (length < 8) return `its "${type}" box at byte ${offset} has an impossible size (${length})`;
		if (offset + length > size)
			return `its "${type}" box needs ${offset + length} bytes but the file has ${size}`;
		offset += length;
	}
	return undefined;
}

const MB = 1024 * 1024;

/** PostSider's upload pipe caps (postsider-api.md §5.1); PostFast's come from contract/postfast.ts. */
export const POSTSIDER_SIZE_CAPS = { image: 10 * MB, video: 500 * MB } as const;

/** Sidecar platform → PostSider provider identifier. */
export const POSTSIDER_PROVIDER_OF: Partial<Record<Platform, SupportedProvider>> = {
	x: 'x',
	linkedin: 'linkedin',
	instagram: 'instagram',
	facebook: 'facebook',
	tiktok: 'tiktok',
	youtube: 'youtube',
	bluesky: 'bluesky',
	threads: 'threads',
	pinterest: 'pinterest',
};

/** Sidecar platform → PostFast platform enum. */
export const POSTFAST_PLATFORM_OF: Partial<Record<Platform, PostFastPlatform>> = {
	x: 'X',
	linkedin: 'LINKEDIN',
	instagram: 'INSTAGRAM',
	facebook: 'FACEBOOK',
	tiktok: 'TIKTOK',
	youtube: 'YOUTUBE',
	threads: 'THREADS',
	bluesky: 'BLUESKY',
	pinterest: 'PINTEREST',
	telegram: 'TELEGRAM',
	gbp: 'GOOGLE_BUSINESS_PROFILE',
};

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
	media: MediaInfo[],
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
