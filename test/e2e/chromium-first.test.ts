/**
 * Issue 12 finding 11: on a fresh machine without Chromium, `npm run test:e2e` must stop before the
 * minutes-long n8n install and say how to install the browser. Runs the suite's own global setup
 * in a child vitest with a missing Chromium and an empty n8n cache.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, inject, it } from 'vitest';

const e2e = inject('e2e');

it('a missing Chromium stops the e2e run before n8n is installed, saying how to install it', () => {
	const cache = mkdtempSync(join(tmpdir(), 'postspool-e2e-cache-'));
	try {
		const run = spawnSync(
			process.execPath,
			[
				join(e2e.repoRoot, 'node_modules', 'vitest', 'vitest.mjs'),
				'run',
				'--config',
				'test/e2e/vitest.config.mts',
				'test/e2e/package.test.ts',
			],
			{
				cwd: e2e.repoRoot,
				encoding: 'utf8',
				timeout: 120_000,
				env: {
					...process.env,
					POSTSPOOL_CHROMIUM: join(cache, 'no-such-chromium'),
					POSTSPOOL_E2E_CACHE: cache,
				},
			},
		);
		const output = `${run.stdout}\n${run.stderr}`;
		expect(run.status, output).not.toBe(0);
		expect(output).toContain(`Chromium not found at ${join(cache, 'no-such-chromium')}`);
		expect(output).toContain('apt-get install -y chromium');
		// Nothing was installed: the cache the run would fill is still empty.
		expect(readdirSync(cache)).toEqual([]);
	} finally {
		rmSync(cache, { recursive: true, force: true });
	}
});
