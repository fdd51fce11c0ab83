/**
 * Global setup of the e2e suite (runs once, in vitest's main process):
 *   0. Chromium is there (checked first: the n8n install below takes minutes on a fresh machine);
 *   1. a real n8n@2.41.1 from npm, cached outside the repo (lib/n8nInstall);
 *   2. this package built, packed and installed under `<user folder>/.n8n/nodes` the way n8n
 *      installs community packages (lib/communityPackage).
 * Test files start the emulators themselves (in-process, so they can read the emulators' state and
 * request logs directly) and import credentials pointing at them. Everything else reaches the tests
 * through `inject('e2e')`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { assertChromium } from './lib/chromium';
import { buildAndInstallPackage } from './lib/communityPackage';
import type { E2eContext } from './lib/context';
import { ensureN8n } from './lib/n8nInstall';

declare module 'vitest' {
	export interface ProvidedContext {
		e2e: E2eContext;
	}
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
	assertChromium();
	const started = Date.now();
	const log = (line: string) =>
		console.log(`[e2e setup +${((Date.now() - started) / 1000).toFixed(0)}s] ${line}`);
	const repoRoot = project.config.root;
	const artifacts = join(repoRoot, '.artifacts', 'e2e');
	mkdirSync(artifacts, { recursive: true });
	const work = mkdtempSync(join(tmpdir(), 'postspool-e2e-'));
	const userFolder = join(work, 'home');
	mkdirSync(userFolder, { recursive: true });

	const install = await ensureN8n(log);
	const pkg = await buildAndInstallPackage(repoRoot, userFolder, work, log);
	log(`installed ${pkg.name}@${pkg.version} (${pkg.files.length} files) into ${pkg.dir}`);

	const timings = {
		n8nInstallSeconds: install.installSeconds,
		n8nRebuildSeconds: install.rebuildSeconds,
		packageBuildSeconds: pkg.buildSeconds,
		setupSeconds: (Date.now() - started) / 1000,
	};
	log(`ready in ${timings.setupSeconds.toFixed(0)} s`);
	const context: E2eContext = {
		repoRoot,
		artifacts,
		work,
		userFolder,
		n8nBin: install.bin,
		n8nDir: install.dir,
		packageName: pkg.name,
		packageVersion: pkg.version,
		packageDir: pkg.dir,
		packageFiles: pkg.files,
		timings,
	};
	project.provide('e2e', context);
	writeFileSync(join(artifacts, 'setup.json'), JSON.stringify(context, null, 2));

	return async () => {
		if (process.env.POSTSPOOL_E2E_KEEP)
			console.log(`[e2e] kept ${work} (POSTSPOOL_E2E_KEEP is set)`);
		else rmSync(work, { recursive: true, force: true });
	};
}
