/**
 * The posts the fault runs drop: a mix of text, image and video posts to PostSider, PostFast or
 * both, each carrying a unique marker so the emulators' stored posts can be counted per drop.
 */
import type { DaemonRig } from './daemon';
import { marker } from './daemon';
import { mp4, png } from './media';

export interface Dropped {
	name: string;
	marker: string;
	/** Posts expected per emulator. */
	ps: number;
	pf: number;
}

export type Kind =
	| 'ps-text'
	| 'ps-image'
	| 'ps-video'
	| 'pf-image'
	| 'pf-text'
	| 'both-image'
	| 'ps-4images';

export const KINDS: Kind[] = [
	'ps-text',
	'ps-image',
	'ps-video',
	'pf-image',
	'pf-text',
	'both-image',
	'ps-4images',
];

let n = 0;

/**
 * Drops one post of the given kind, three days ahead (no publisher races it) and 61 minutes after
 * the previous drop, so per-account fair-use caps (PostFast: posts per account per 24 h) never bind.
 */
export function dropKind(rig: DaemonRig, kind: Kind): Dropped {
	n++;
	const m = marker();
	const name = `post-${String(n).padStart(4, '0')}-${kind}`;
	const when = new Date(Date.now() + 3 * 86_400_000 + n * 61 * 60_000).toISOString();
	const text = `${kind} ${m}`;
	const seed = Number.parseInt(m.slice(1, -1), 36) % 0xffffff;
	switch (kind) {
		case 'ps-text':
			rig.dropPost(name, { version: 1, text, targets: ['ps-li'], when });
			return { name, marker: m, ps: 1, pf: 0 };
		case 'ps-image':
			rig.dropPost(
				name,
				{ version: 1, text, targets: ['ps-li'], when },
				{ [`${name}.png`]: png(seed) },
			);
			return { name, marker: m, ps: 1, pf: 0 };
		case 'ps-video':
			rig.dropPost(
				name,
				{ version: 1, text, targets: ['ps-li'], when },
				{ [`${name}.mp4`]: mp4(256 * 1024, seed) },
			);
			return { name, marker: m, ps: 1, pf: 0 };
		case 'ps-4images':
			rig.dropPost(
				name,
				{ version: 1, text, targets: ['ps-li'], when },
				Object.fromEntries([1, 2, 3, 4].map((k) => [`${k}.png`, png(seed + k)])),
				{ folder: true },
			);
			return { name, marker: m, ps: 1, pf: 0 };
		case 'pf-image':
			rig.dropPost(
				name,
				{ version: 1, text, targets: ['pf-li'], when },
				{ [`${name}.png`]: png(seed) },
			);
			return { name, marker: m, ps: 0, pf: 1 };
		case 'pf-text':
			rig.dropPost(name, { version: 1, text, targets: ['pf-li'], when });
			return { name, marker: m, ps: 0, pf: 1 };
		case 'both-image':
			rig.dropPost(
				name,
				{ version: 1, text, targets: ['ps-li', 'pf-li'], when },
				{ [`${name}.png`]: png(seed) },
			);
			return { name, marker: m, ps: 1, pf: 1 };
	}
}
