/**
 * The emulators' virtual clock: rate windows, scheduling and the simulated publisher read it, so
 * a 24-hour soak runs in seconds. `manual` (the in-process default) stands still until a test moves
 * it; `real` is wall time plus an offset that `advance`/`set` move (the CLI, demos, a real n8n).
 */

export interface Clock {
	now(): number;
	/** Moves forward by `ms` (never backwards: windows and schedules would become ambiguous). */
	advance(ms: number): void;
	/** Jumps to epoch milliseconds. */
	set(ms: number): void;
	/** Called after every move; the emulators run their publisher here. Returns an unsubscribe. */
	onChange(listener: () => void): () => void;
}

export type ClockMode = 'manual' | 'real';

export function createClock(mode: ClockMode = 'manual', start = Date.now()): Clock {
	const listeners = new Set<() => void>();
	const notify = () => {
		for (const listener of listeners) listener();
	};
	// manual: `base` is the time itself; real: `base` is the offset from Date.now().
	let base = mode === 'real' ? start - Date.now() : start;
	const now = () => (mode === 'real' ? Date.now() + base : base);
	return {
		now,
		advance(ms) {
			if (!(Number.isFinite(ms) && ms >= 0)) {
				throw new Error(
					`clock.advance(${ms}): the emulator clock only moves forward; pass a positive number of milliseconds`,
				);
			}
			base += ms;
			notify();
		},
		set(ms) {
			if (!Number.isFinite(ms)) throw new Error(`clock.set(${ms}): pass epoch milliseconds`);
			base = mode === 'real' ? ms - Date.now() : ms;
			notify();
		},
		onChange(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
	};
}
