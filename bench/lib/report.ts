/** One benchmark section's results, written for bench/run.mjs to assemble into the report. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Figure {
	name: string;
	value: number | string;
	unit?: string;
	/** The target, in words (e.g. "≥ 95%"). */
	target?: string;
	met?: boolean | null;
}

export interface Part {
	section: string;
	title: string;
	description?: string;
	table?: { columns: string[]; rows: Array<Array<number | string>> };
	figures: Figure[];
	notes?: string[];
	notMeasured?: Array<{ name: string; reason: string }>;
}

export const QUICK = process.env.BENCH_QUICK === '1';

export function num(name: string, full: number, quick: number): number {
	const v = process.env[name];
	return v ? Number(v) : QUICK ? quick : full;
}

export function writePart(part: Part): void {
	const dir = join(__dirname, '../results/parts');
	mkdirSync(dir, { recursive: true });
	writeFileSync(
		join(dir, `${part.section}.json`),
		JSON.stringify({ ...part, measuredAt: new Date().toISOString(), quick: QUICK }, null, '\t'),
	);
	console.log(`[bench] ${part.section}: ${JSON.stringify(part.figures)}`);
}

/** Peak and current RSS of a process, from /proc (Linux), in MiB. */
export function procMemory(pid: number): { rssMiB: number; peakMiB: number } | undefined {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = (key: string) =>
			Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
		return { rssMiB: kb('VmRSS') / 1024, peakMiB: kb('VmHWM') / 1024 };
	} catch {
		return undefined;
	}
}

/** CPU time (user + system) a process has used, in ms, from /proc/<pid>/stat. */
export function procCpuMs(pid: number): number | undefined {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		// utime and stime are fields 14 and 15 (1-based), i.e. 11 and 12 after the command name.
		return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
	} catch {
		return undefined;
	}
}
