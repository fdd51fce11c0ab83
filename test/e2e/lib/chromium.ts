/**
 * The Chromium the editor checks drive. Checked before anything else in the global setup: on a
 * fresh machine the n8n install takes minutes, and finding the browser missing only afterwards
 * wastes them.
 */
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.POSTSPOOL_CHROMIUM || '/usr/bin/chromium';

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
