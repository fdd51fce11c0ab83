/**
 * The daemon's folders import each other one way: journey/ (a post's folder journey) sits below
 * outcomes/ (publish tracking refiles through journey/), so journey/ never imports outcomes/. Read
 * from the real sources: every static import, resolved to its folder.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '../src');

function sources(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
		e.isDirectory()
			? sources(join(dir, e.name))
			: e.name.endsWith('.ts')
				? [join(dir, e.name)]
				: [],
	);
}

/** Folder (under src/) → the folders its files import from. */
function folderImports(): Map<string, Set<string>> {
	const edges = new Map<string, Set<string>>();
	for (const file of sources(SRC)) {
		const from = relative(SRC, dirname(file)) || '.';
		for (const m of readFileSync(file, 'utf8').matchAll(
			/^\s*(?:import|export)[^'"]*from\s+'(\.[^']+)'/gm,
		)) {
			const to = relative(SRC, dirname(resolve(dirname(file), m[1])));
			if (to.startsWith('..') || to === from) continue;
			if (!edges.has(from)) edges.set(from, new Set());
			edges.get(from)!.add(to || '.');
		}
	}
	return edges;
}

describe('import layers', () => {
	it('journey/ and outcomes/ do not import each other both ways (outcomes → journey only)', () => {
		const edges = folderImports();
		expect(edges.get('outcomes')?.has('journey')).toBe(true);
		expect([...(edges.get('journey') ?? [])]).not.toContain('outcomes');
	});
});
