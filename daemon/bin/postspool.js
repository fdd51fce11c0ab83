#!/usr/bin/env node
// The `postspool` command. A committed file (not a build output), so `npm ci` links it into
// node_modules/.bin even before the daemon is built, and `npx postspool` works in a checkout.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const cli = join(__dirname, '../dist/daemon/src/cli.js');
if (!existsSync(cli)) {
	process.stderr.write(
		'postspool: the daemon is not built yet; run "npm run build:all" in the checkout (or "npm run build -w daemon")\n',
	);
	process.exit(1);
}
void require(cli).main();
