/**
 * A post's image for the calendar, read the way intake reads media: one handle opened without
 * following a link (SAFE_OPEN_FLAGS), a regular file, the size and type intake recorded, at most
 * MAX_THUMB_BYTES, and its type sniffed again from the bytes read. Images only (never SVG: it can
 * hold script); anything else gets no bytes.
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { postOf } from '../item';
import { SAFE_OPEN_FLAGS } from '../sidecar/read';
import { sniff } from '../sidecar/media';
import type { Store } from '../state/store';

export const MAX_THUMB_BYTES = 8 * 1024 * 1024;
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

export async function readThumb(
	store: Store,
	itemId: string,
	index: number,
): Promise<{ mime: string; bytes: Buffer } | undefined> {
	const item = store.item(itemId);
	if (!item || item.id !== itemId) return undefined;
	const media = postOf(item).media[index];
	if (!media || !IMAGE_TYPES.has(media.mime) || media.size > MAX_THUMB_BYTES) return undefined;
	// The name is the one intake recorded (a plain file name inside the post's folder).
	if (media.name.includes('/') || media.name.includes('\\') || media.name.startsWith('.'))
		return undefined;
	let handle;
	try {
		handle = await open(join(item.final_dir ?? item.work_dir, media.name), SAFE_OPEN_FLAGS);
	} catch {
		return undefined;
	}
	try {
		const st = await handle.stat();
		if (!st.isFile() || st.size > MAX_THUMB_BYTES || st.size !== media.size) return undefined;
		const bytes = Buffer.alloc(st.size);
		const { bytesRead } = await handle.read(bytes, 0, st.size, 0);
		const sniffed = sniff(bytes.subarray(0, Math.min(bytesRead, 4096)));
		if (bytesRead !== st.size || !sniffed || sniffed.mime !== media.mime) return undefined;
		return { mime: media.mime, bytes };
	} finally {
		await handle.close();
	}
}

/** Which of a post's media the calendar shows: the first image, else a video icon, else nothing. */
export function thumbOf(post: ReturnType<typeof postOf>): { image?: number; video?: boolean } {
	const image = post.media.findIndex((m) => IMAGE_TYPES.has(m.mime));
	if (image >= 0) return { image };
	return { video: post.media.some((m) => m.kind === 'video') };
}
