/**
 * The nodes' shape (issue 9 item 6): every operation the editor offers has a handler in the typed
 * router map, operations share code through helpers (never through each other), helpers never pull
 * in editor descriptions, and failed items are turned into output in one place.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { NodeHelpers, type INodeTypeDescription } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';

import { PostFast } from '../../nodes/PostFast/PostFast.node';
import { operations as postFastOperations } from '../../nodes/PostFast/v1/actions/router';
import { PostSider } from '../../nodes/PostSider/PostSider.node';
import { operations as postSiderOperations } from '../../nodes/PostSider/v1/actions/router';

const root = join(__dirname, '../..');
const nodesDir = join(root, 'nodes');

function filesUnder(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return filesUnder(path);
		return path.endsWith('.ts') ? [path] : [];
	});
}

/** Relative imports of a source file, resolved to repository paths ("nodes/…/x.ts"). */
function importsOf(file: string): string[] {
	const source = readFileSync(file, 'utf8');
	const specifiers = [...source.matchAll(/from\s+'(\.[^']+)'/g)].map((m) => m[1]);
	return specifiers.map((s) => relative(root, resolve(dirname(file), s)) + '.ts');
}

const sources = filesUnder(nodesDir);
const rel = (file: string) => relative(root, file);

/** Operation values per resource, as the editor offers them. */
function offered(description: INodeTypeDescription): Record<string, string[]> {
	const resources = description.properties.find((p) => p.name === 'resource');
	const out: Record<string, string[]> = {};
	for (const { value } of (resources?.options ?? []) as Array<{ value: string }>) {
		const operation = description.properties.find(
			(p) =>
				p.name === 'operation' &&
				(p.displayOptions?.show?.resource as string[] | undefined)?.includes(value),
		);
		out[value] = ((operation?.options ?? []) as Array<{ value: string }>).map((o) => o.value);
	}
	return out;
}

describe('node structure', () => {
	it.each([
		[
			'PostFast',
			NodeHelpers.getVersionedNodeType(new PostFast(), 1).description,
			postFastOperations,
		],
		[
			'PostSider',
			NodeHelpers.getVersionedNodeType(new PostSider(), 1).description,
			postSiderOperations,
		],
	])(
		'%s: every resource and operation the editor offers has a handler in the router map',
		(_, description, operations) => {
			const map = operations as unknown as Record<string, Record<string, { execute?: unknown }>>;
			const offeredPairs = offered(description);
			expect(Object.keys(offeredPairs).sort()).toEqual(Object.keys(map).sort());
			for (const [resource, list] of Object.entries(offeredPairs)) {
				expect(list.length).toBeGreaterThan(0);
				for (const operation of list)
					expect(typeof map[resource][operation]?.execute, `${resource}/${operation}`).toBe(
						'function',
					);
			}
		},
	);

	it('operations never import other operations; the trigger nodes import no operation', () => {
		const offenders: string[] = [];
		for (const file of sources) {
			const isOperation = /\.operation\.ts$/.test(file) || /Trigger\.node\.ts$/.test(file);
			if (!isOperation) continue;
			for (const target of importsOf(file))
				if (/\.operation\.ts$/.test(target)) offenders.push(`${rel(file)} → ${target}`);
		}
		expect(offenders).toEqual([]);
	});

	it('helpers, transports and shared code never import editor descriptions or actions', () => {
		const offenders: string[] = [];
		for (const file of sources) {
			if (!/\/(helpers|transport|shared)\//.test(file)) continue;
			for (const target of importsOf(file))
				if (/\/actions\//.test(target) || /descriptions?\.ts$/.test(target))
					offenders.push(`${rel(file)} → ${target}`);
		}
		expect(offenders).toEqual([]);
	});

	it('one item loop: only nodes/shared/items.ts turns a failed item into output', () => {
		const builders = sources
			.filter((file) => /errorItemJson\(|json:\s*\{\s*error:/.test(readFileSync(file, 'utf8')))
			.map(rel);
		expect(builders).toEqual(['nodes/shared/items.ts']);
		const loops = sources
			.filter((file) =>
				/export (async )?function (forEachItem|eachItem|finishItems)\b/.test(
					readFileSync(file, 'utf8'),
				),
			)
			.map(rel);
		expect(loops).toEqual(['nodes/shared/items.ts']);
	});
});
