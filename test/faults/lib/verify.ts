/** The invariants every fault run ends with: per drop, exactly the expected posts in the emulators. */
import type { DaemonRig } from './daemon';
import { type Emulator, countMarkers } from './emulators';
import type { Dropped } from './workload';

export interface Outcome {
	dropped: number;
	expectedPosts: number;
	posted: number;
	/** Drops with fewer posts than targets and no item parked for review. */
	lost: string[];
	/** Drops with more posts than targets on some service. */
	duplicated: string[];
	/** Drops parked as needs-review (the daemon could not prove the outcome; never resent blindly). */
	parked: string[];
	itemStates: Record<string, number>;
	integrity: string;
	http429: number;
}

export function verify(rig: DaemonRig, ps: Emulator, pf: Emulator, drops: Dropped[]): Outcome {
	const markers = drops.map((d) => d.marker);
	const inPs = countMarkers(ps, markers);
	const inPf = countMarkers(pf, markers);
	const parkedNames = new Set(
		rig
			.query<{ name: string }>(`SELECT name FROM items WHERE state = 'needs-review'`)
			.map((r) => r.name),
	);
	const lost: string[] = [];
	const duplicated: string[] = [];
	const parked: string[] = [];
	let posted = 0;
	for (const d of drops) {
		const a = inPs.get(d.marker) ?? 0;
		const b = inPf.get(d.marker) ?? 0;
		posted += a + b;
		if (a > d.ps || b > d.pf)
			duplicated.push(`${d.name} (PostSider ${a}/${d.ps}, PostFast ${b}/${d.pf})`);
		else if (a < d.ps || b < d.pf)
			(parkedNames.has(d.name) ? parked : lost).push(
				`${d.name} (PostSider ${a}/${d.ps}, PostFast ${b}/${d.pf})`,
			);
	}
	return {
		dropped: drops.length,
		expectedPosts: drops.reduce((s, d) => s + d.ps + d.pf, 0),
		posted,
		lost,
		duplicated,
		parked,
		itemStates: rig.itemStates(),
		integrity: rig.integrityCheck(),
		http429: [...ps.requests, ...pf.requests].filter((r) => r.status === 429).length,
	};
}
