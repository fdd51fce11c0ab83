/**
 * The secrets scan: every artifact a run leaves (daemon logs, the state database and its WAL,
 * error.json and receipt.json files, node outputs) is searched for every secret string the
 * emulators know (API keys, fake OAuth tokens), raw and in the encodings a leak would take.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface Leak {
	file: string;
	secret: string;
	encoding: string;
}

function encodings(secret: string): Array<[string, string]> {
	return [
		['raw', secret],
		['base64', Buffer.from(secret).toString('base64')],
		['uri', encodeURIComponent(secret)],
		['json', JSON.stringify(secret).slice(1, -1)],
	];
}

/** Every regular file under `root` (a file or a folder), binary files included. */
export function filesUnder(root: string): string[] {
	if (!existsSync(root)) return [];
	if (!statSync(root).isDirectory()) return [root];
	return readdirSync(root, { withFileTypes: true }).flatMap((e) => {
		const p = join(root, e.name);
		if (e.isDirectory()) return filesUnder(p);
		return e.isFile() ? [p] : [];
	});
}

/** Scans files byte-wise (SQLite pages, WAL frames and logs alike). Media files are skipped by size. */
export function scanForSecrets(
	roots: string[],
	secrets: string[],
	opts: { maxBytes?: number } = {},
): { files: number; bytes: number; leaks: Leak[] } {
	const needles = secrets
		.filter((s) => s.length >= 8)
		.flatMap((s) =>
			encodings(s).map(([encoding, text]) => ({ secret: s, encoding, bytes: Buffer.from(text) })),
		);
	const leaks: Leak[] = [];
	let files = 0;
	let bytes = 0;
	for (const file of roots.flatMap(filesUnder)) {
		const size = statSync(file).size;
		if (size > (opts.maxBytes ?? 64 * 1024 * 1024)) continue;
		const data = readFileSync(file);
		files++;
		bytes += data.length;
		for (const n of needles)
			if (data.includes(n.bytes))
				leaks.push({
					file,
					secret: `${n.secret.slice(0, 4)}…(${n.secret.length} chars)`,
					encoding: n.encoding,
				});
	}
	return { files, bytes, leaks };
}

/** Scans in-memory values (node outputs) the same way. */
export function scanValue(value: unknown, secrets: string[]): string[] {
	const text = JSON.stringify(value) ?? '';
	return secrets
		.filter((s) => s.length >= 8)
		.flatMap((s) =>
			encodings(s)
				.filter(([, e]) => text.includes(e))
				.map(([enc]) => `${s.slice(0, 4)}…(${enc})`),
		);
}
