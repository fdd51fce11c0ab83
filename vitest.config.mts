// The fast suite: contract tests against the emulators, in-process n8n workflows, daemon tests.
// The slow suites (test/e2e, test/faults) have their own configs and npm scripts.
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // n8n-core requires the CJS build of n8n-workflow; tests and nodes must share that one copy,
    // or `instanceof NodeApiError` and friends fail across the boundary.
    alias: { 'n8n-workflow': require.resolve('n8n-workflow') },
  },
  test: {
    environment: 'node',
    include: ['test/**/*.test.ts', 'daemon/test/**/*.test.ts', 'emulators/test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'test/faults/**', '**/node_modules/**'],
    setupFiles: ['reflect-metadata'],
    // n8n-core writes an encryption key into $N8N_USER_FOLDER/.n8n at import time.
    // POSTSPOOL_DESKTOP: no desktop notification ever pops up from a test (daemon/src/notify/desktop.ts).
    env: {
      N8N_USER_FOLDER: mkdtempSync(join(tmpdir(), 'postspool-n8n-')),
      POSTSPOOL_DESKTOP: 'off',
    },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
