#!/usr/bin/env node
/**
 * n8n's verification scan (`@n8n/scan-community-package`), offline. Before n8n verifies a community
 * package it lints two things with the same ESLint setup: the source checkout its npm provenance
 * points at (`SOURCE_FILE_PATTERNS`: package.json, nodes/ and credentials/ sources) and the
 * published tarball (compiled `.js` and package.json). This runs both legs on this checkout and on
 * `npm pack`'s tarball, with the scanner's own `buildScanConfig`, exactly as its `analyzePackage`
 * does, and fails on any error or warning (n8n fails on errors; warnings are kept at zero here).
 *
 * Usage: node scripts/scan.mjs [--source] [--tarball]   (both legs when neither is given;
 * the tarball leg packs `dist/`, so build first: `npm run scan` does).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// eslint-plugin-n8n-nodes-base pretends every file is "Test.node.ts" when NODE_ENV is "test"
// (read once, at import): the file-name rules would then check nothing.
delete process.env.NODE_ENV;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const scannerPath = require.resolve('@n8n/scan-community-package/scanner/scanner.mjs');
const scanner = await import(pathToFileURL(scannerPath).href);
// The scanner's own ESLint and glob (its exact versions), not whatever the root resolves to.
const fromScanner = createRequire(scannerPath);
const { ESLint } = await import(pathToFileURL(fromScanner.resolve('eslint')).href);
const glob = (await import(pathToFileURL(fromScanner.resolve('fast-glob')).href)).default;

/** `analyzePackage` of scanner.mjs, keeping warnings in the verdict. */
async function lintLeg(label, packageDir, patterns) {
	const eslint = new ESLint({
		cwd: packageDir,
		allowInlineConfig: false,
		overrideConfigFile: true,
		overrideConfig: await scanner.buildScanConfig(),
	});
	const files = glob.sync(patterns, {
		cwd: packageDir,
		absolute: true,
		ignore: ['node_modules/**', '**/package-lock.json'],
	});
	if (files.length === 0) throw new Error(`${label}: no files matched ${patterns.join(', ')}`);
	const results = await eslint.lintFiles(files);
	const errors = results.reduce((sum, r) => sum + r.errorCount, 0);
	const warnings = results.reduce((sum, r) => sum + r.warningCount, 0);
	if (errors + warnings > 0) {
		const formatter = await eslint.loadFormatter('stylish');
		console.log(await formatter.format(results.filter((r) => r.messages.length > 0)));
	}
	const verdict = errors + warnings === 0 ? 'passed' : 'FAILED';
	console.log(
		`${label}: ${verdict} (${files.length} files, ${errors} errors, ${warnings} warnings)`,
	);
	return errors + warnings === 0;
}

function packTarball(into) {
	const out = execFileSync('npm', ['pack', '--json', '--pack-destination', into], {
		cwd: root,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const [{ filename }] = JSON.parse(out);
	execFileSync('tar', ['-xzf', join(into, filename), '-C', into]);
	return join(into, 'package');
}

const args = new Set(process.argv.slice(2));
const legs = args.size === 0 ? new Set(['--source', '--tarball']) : args;
let passed = true;
if (legs.has('--source')) {
	passed = (await lintLeg('source leg', root, scanner.SOURCE_FILE_PATTERNS)) && passed;
}
if (legs.has('--tarball')) {
	const work = mkdtempSync(join(tmpdir(), 'postspool-scan-'));
	try {
		const packageDir = packTarball(work);
		passed = (await lintLeg('tarball leg', packageDir, ['**/*.js', 'package.json'])) && passed;
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
}
process.exit(passed ? 0 : 1);
