/**
 * Times in the browser's own zone: the page is written in UTC (it works without script); the
 * dashboard's script shows each <time> in local time with the UTC text as its tooltip. Run in real
 * Chromium with TZ set (skipped where there is no Chromium).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DASHBOARD_JS } from '../../src/dashboard/assets';
import { timeEl } from '../../src/dashboard/html';
import { tempDir } from '../helpers';

const CHROMIUM = '/usr/bin/chromium';

describe.runIf(existsSync(CHROMIUM))('local times', () => {
	it("shows each time in the browser's zone, the UTC text in its title", () => {
		const at = Date.parse('2026-12-07T23:30:00Z');
		const utc = timeEl(at).text;
		expect(utc).toContain('2026-12-07 23:30 UTC');
		const file = join(tempDir('postspool-local-'), 'page.html');
		writeFileSync(
			file,
			`<!doctype html><html><body><main id="main"><p>${utc}</p></main><script>${DASHBOARD_JS}</script></body></html>`,
		);
		const dom = (tz: string) =>
			execFileSync(
				CHROMIUM,
				['--headless', '--no-sandbox', '--disable-gpu', '--dump-dom', `file://${file}`],
				{
					env: { ...process.env, TZ: tz },
					encoding: 'utf8',
					timeout: 60_000,
					stdio: ['ignore', 'pipe', 'ignore'],
				},
			);
		const tokyo = dom('Asia/Tokyo');
		expect(tokyo).toContain(
			'<time datetime="2026-12-07T23:30:00.000Z" title="2026-12-07 23:30 UTC" data-local="1">2026-12-08 08:30</time>',
		);
		const ny = dom('America/New_York');
		expect(ny).toContain('>2026-12-07 18:30</time>');
	}, 120_000);
});
