/**
 * The item every stage reads: what intake recorded about a post (stored as JSON in `items.post`),
 * and what a settled target's error holds (stored in `targets.error`, copied into error.json).
 */
import type { ValidatedFile } from './journey/moves';
import type { MediaInfo } from './sidecar/media';
import type { FileIdentity } from './sidecar/read';
import type { ResolvedTarget, ResolvedWhen } from './sidecar/resolve';
import type { Sidecar } from './sidecar/schema';
import type { ItemRow } from './state/store';

/** What the pipeline needs about an item, stored as JSON in `items.post`. */
export interface PostRecord {
	name: string;
	kind: 'file' | 'folder';
	sidecar: Sidecar;
	targets: ResolvedTarget[];
	when: ResolvedWhen;
	/** Each file as validated: an upload re-checks this identity and streams only these bytes. */
	media: Array<
		Pick<MediaInfo, 'name' | 'mime' | 'kind' | 'size' | 'sha256'> &
			Partial<Pick<MediaInfo, 'dev' | 'ino' | 'mtimeMs'>>
	>;
	droppedAt: number;
	/** The sidecar as validated (a CSV row has none): every move re-checks it (journey/moves.ts). */
	sidecarFile?: FileIdentity & { name: string };
}

/** The files of a post as validated, as every move re-checks them. */
export const validatedFiles = (post: PostRecord): ValidatedFile[] => [
	...(post.sidecarFile ? [{ what: 'sidecar', ...post.sidecarFile }] : []),
	...post.media.map(({ name, size, dev, ino, mtimeMs }) => ({
		what: 'media file',
		name,
		size,
		dev,
		ino,
		mtimeMs,
	})),
];

/** The post record of an item row. */
export const postOf = (item: Pick<ItemRow, 'post'>): PostRecord =>
	JSON.parse(item.post) as PostRecord;

/** Why a target failed or was parked, and what to do about it. */
export interface TargetError {
	message: string;
	fix?: string;
	path?: string;
	service?: string;
	status?: number;
}
