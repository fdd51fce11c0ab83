// The benchmark sections (bench/*.run.ts), started by bench/run.mjs; each writes its figures to
// bench/results/parts/<section>.json. One file at a time: timings on a 2-core machine.
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
	resolve: { alias: { 'n8n-workflow': require.resolve('n8n-workflow') } },
	test: {
		environment: 'node',
		include: ['bench/**/*.run.ts'],
		globalSetup: ['test/faults/globalSetup.ts'],
		setupFiles: ['reflect-metadata'],
		env: { N8N_USER_FOLDER: mkdtempSync(join(tmpdir(), 'postspool-bench-n8n-')) },
		fileParallelism: false,
		testTimeout: 4 * 3600_000,
		hookTimeout: 10 * 60_000,
	},
});
