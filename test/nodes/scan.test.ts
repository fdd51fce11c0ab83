/**
 * n8n's verification scanner (@n8n/scan-community-package) on the source leg, the one it runs on
 * the provenance-attested repository: node/credential rules on the `.ts` sources and package.json.
 * Runs scripts/scan.mjs in a child process because the scanner's file-name rules read NODE_ENV,
 * which vitest sets to "test". The tarball leg needs a build and runs in `npm run scan`.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '../..');

describe('n8n verification scan', () => {
	it('the source leg reports no error and no warning', () => {
		const run = spawnSync(process.execPath, ['scripts/scan.mjs', '--source'], {
			cwd: root,
			encoding: 'utf8',
			timeout: 120_000,
		});
		expect(run.stdout + run.stderr).toMatch(
			/source leg: passed \(\d+ files, 0 errors, 0 warnings\)/,
		);
		expect(run.status).toBe(0);
	}, 150_000);
});
