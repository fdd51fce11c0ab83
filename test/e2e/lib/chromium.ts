/**
 * The Chromium the editor checks drive. Checked before anything else in the global setup: on a
 * fresh machine the n8n install takes minutes, and finding the browser missing only afterwards
 * wastes them.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = process.env.POSTSPOOL_CHROMIUM || '/usr/bin/chromium';

/** The flags a machine without internet needs: no background fetches, no QUIC. */
export const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

/** Headless Chromium (playwright-core driving the system's binary). */
export function launchChromium(): Promise<Browser> {
	return chromium.launch({ executablePath: assertChromium(), headless: true, args: CHROMIUM_ARGS });
}

/** Throws, saying how to install it, when the Chromium binary is not there. */
export function assertChromium(): string {
	if (!existsSync(CHROMIUM)) {
		throw new Error(
			`Chromium not found at ${CHROMIUM}; the e2e editor checks need it. Install Debian's package ` +
				`(sudo apt-get install -y chromium; .ci/run does this for you) or set POSTSPOOL_CHROMIUM ` +
				`to a Chromium binary, then run "npm run test:e2e" again. Nothing was installed yet.`,
		);
	}
	return CHROMIUM;
}
