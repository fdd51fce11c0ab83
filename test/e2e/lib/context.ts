/** What the global setup hands every e2e test file (`inject('e2e')`). */
export interface E2eContext {
	repoRoot: string;
	/** `.artifacts/e2e/` in the repo (gitignored): screenshots, logs, timings. */
	artifacts: string;
	/** Per-run temp folder (removed at the end unless POSTSPOOL_E2E_KEEP is set). */
	work: string;
	/** N8N_USER_FOLDER of every n8n process of the run (the package is installed in it). */
	userFolder: string;
	n8nBin: string;
	n8nDir: string;
	packageName: string;
	packageVersion: string;
	/** `<userFolder>/.n8n/nodes/node_modules/<packageName>`. */
	packageDir: string;
	/** What `npm pack` put in the tarball. */
	packageFiles: string[];
	timings: Record<string, number>;
}
