// The fault suite (`npm run test:faults`, also run by .ci/run): the real daemon as a child process
// against the emulators, killed with SIGKILL, fed network faults and bad input, artifacts scanned for
// secrets. Files run one at a time (2-core machines). Sized for CI: POSTSPOOL_CRASHES (default 200)
// sets the number of kill -9 trials; 1000 is the full run.
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
	resolve: {
		// One copy of n8n-workflow for n8n-core and the nodes (see the root config).
		alias: { 'n8n-workflow': require.resolve('n8n-workflow') },
	},
	test: {
		environment: 'node',
		include: ['test/faults/**/*.test.ts'],
		globalSetup: ['test/faults/globalSetup.ts'],
		setupFiles: ['reflect-metadata'],
		// No desktop notification ever pops up from a test (daemon/src/notify/desktop.ts).
		env: {
			N8N_USER_FOLDER: mkdtempSync(join(tmpdir(), 'postspool-faults-n8n-')),
			POSTSPOOL_DESKTOP: 'off',
		},
		fileParallelism: false,
		testTimeout: 15 * 60_000,
		hookTimeout: 5 * 60_000,
	},
});
