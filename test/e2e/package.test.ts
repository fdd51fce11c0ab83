/**
 * The package as n8n receives it: what `npm pack` put in the tarball and what the community-package
 * install left under `.n8n/nodes` (the global setup did both, exactly as n8n's installer does).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';

const e2e = inject('e2e');
const manifest = JSON.parse(readFileSync(join(e2e.packageDir, 'package.json'), 'utf8')) as {
	name: string;
	dependencies?: Record<string, string>;
	n8n: { n8nNodesApiVersion: number; nodes: string[]; credentials: string[] };
};

describe('the packed n8n package', () => {
	it('has no runtime dependencies, so n8n installs nothing beside it', () => {
		expect(manifest.dependencies ?? {}).toEqual({});
		const modules = join(e2e.packageDir, 'node_modules');
		expect(
			existsSync(modules) ? readdirSync(modules).filter((f) => !f.startsWith('.')) : [],
		).toEqual([]);
	});

	it('holds the compiled package and nothing else (no sources, tests, daemon or emulators)', () => {
		const unexpected = e2e.packageFiles.filter(
			(f) => !(f.startsWith('dist/') || /^(package\.json|README\.md|LICENSE(\.md)?)$/i.test(f)),
		);
		expect(unexpected, 'files outside dist/').toEqual([]);
		expect(e2e.packageFiles, 'the MIT licence text (package.json says MIT)').toContain('LICENSE');
		for (const f of e2e.packageFiles) {
			expect(f, 'only n8n package code in dist/').toMatch(
				/^(dist\/(nodes|credentials|contract)\/|[^/]+$)/,
			);
			expect(
				f.endsWith('.ts') && !f.endsWith('.d.ts'),
				`${f}: TypeScript source in the tarball`,
			).toBe(false);
		}
	});

	it('lists every node and credential n8n must load, and ships their icons and codex files', () => {
		expect(manifest.n8n.n8nNodesApiVersion).toBe(1);
		for (const file of [...manifest.n8n.nodes, ...manifest.n8n.credentials]) {
			expect(existsSync(join(e2e.packageDir, file)), `${file} in the installed package`).toBe(true);
		}
		for (const node of manifest.n8n.nodes) {
			// n8n reads `<Name>.node.json` (codex: categories, docs links) beside each node.
			expect(e2e.packageFiles, `codex of ${node}`).toContain(node.replace(/\.js$/, '.json'));
		}
		expect(
			e2e.packageFiles.filter((f) => f.endsWith('.svg')).length,
			'icons',
		).toBeGreaterThanOrEqual(4);
	});
});
