/**
 * Loads the emulators' compiled build (`npm run build -w emulators`) at run time, so the daemon's
 * own build and package never include them.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface EmulatorHandle {
	origin: string;
	baseUrl: string;
	apiKey: string;
	requests: Array<{ method: string; path: string; status: number }>;
	store: unknown;
	faults: { add(f: Record<string, unknown>): void; clear(): void };
	clock: { now(): number; advance(ms: number): void; set(ms: number): void };
	close(): Promise<void>;
}

export interface Emulators {
	startPostSider(opts: Record<string, unknown>): Promise<EmulatorHandle>;
	startPostFast(opts: Record<string, unknown>): Promise<EmulatorHandle>;
}

export function loadEmulators(): Emulators {
	// daemon/dist/daemon/src/demo → repo root
	const root = join(__dirname, '..', '..', '..', '..', '..');
	const entry = join(root, 'emulators', 'dist', 'emulators', 'src', 'index.js');
	if (!existsSync(entry))
		throw new Error(
			`The emulators are not built (${entry} is missing). Run "npm run build:all" at the repository root.`,
		);
	return require(entry) as Emulators;
}
