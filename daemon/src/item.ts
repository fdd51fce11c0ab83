/**
 * The item every stage reads: what intake recorded about a post (stored as JSON in `items.post`),
 * and what a settled target's error holds (stored in `targets.error`, copied into error.json).
 */
import type { MediaInfo } from './sidecar/media';
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
	media: Array<Pick<MediaInfo, 'name' | 'mime' | 'kind' | 'size'> & { sha256: string }>;
	droppedAt: number;
}

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
