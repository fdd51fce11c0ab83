// The end-to-end suite: a real n8n 2.41.1 from npm, the packed package, both emulators, headless
// Chromium. Slow (minutes; the first run on a machine also installs n8n), so one file at a time.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
	root: fileURLToPath(new URL('../..', import.meta.url)),
	resolve: {
		// Same single CJS copy of n8n-workflow as the fast suite.
		alias: { 'n8n-workflow': require.resolve('n8n-workflow') },
	},
	test: {
		environment: 'node',
		include: ['test/e2e/**/*.test.ts'],
		globalSetup: ['test/e2e/globalSetup.ts'],
		// No desktop notification ever pops up from a test (daemon/src/notify/desktop.ts).
		env: { POSTSPOOL_DESKTOP: 'off' },
		fileParallelism: false,
		maxWorkers: 1,
		// Each `n8n` CLI call takes 6–10 s on 2 cores; a test runs several.
		testTimeout: 5 * 60_000,
		// The global setup installs n8n on a fresh machine (~5 min install + ~2.5 min rebuild).
		hookTimeout: 30 * 60_000,
		teardownTimeout: 60_000,
	},
});
