/**
 * Refuses an unsupported Node in one line, before anything native loads: better-sqlite3 built for
 * another Node ABI crashes the process with a segmentation fault instead of an error. Imported
 * first by every entry point (cli, demo). Keep it free of imports that load native code.
 */

/** The lowest Node the daemon supports; daemon/package.json `engines.node` says the same. */
export const MIN_NODE = '22.22.0';

/** True when `version` ("24.1.0", "v22.22.0") is at least `min`. */
export function supportedNode(version: string, min = MIN_NODE): boolean {
	const parse = (v: string) =>
		v
			.replace(/^v/, '')
			.split('.')
			.map((n) => Number.parseInt(n, 10) || 0);
	const [a, b] = [parse(version), parse(min)];
	for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
	return true;
}

export function unsupportedNodeMessage(version: string): string {
	return `postspool: Node ${version.replace(/^v/, '')} is not supported; postspool needs Node ${MIN_NODE} or newer (${process.execPath}). Install a current Node (e.g. nvm install 24) and run npm ci again.`;
}

if (!supportedNode(process.versions.node)) {
	process.stderr.write(`${unsupportedNodeMessage(process.versions.node)}\n`);
	process.exit(1);
}
