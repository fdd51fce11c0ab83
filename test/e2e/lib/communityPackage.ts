/**
 * Installs this repo's n8n package into an n8n user folder the way n8n's own community-package
 * installer does (docs/n8n.md, Loading the package): `npm pack`, unpack into `.n8n/nodes/node_modules/<name>`,
 * drop `peerDependencies`/`devDependencies`, `npm install --ignore-scripts` inside it. n8n then loads
 * it by directory scan, and node types get the published names (`n8n-nodes-postspool.postSider`).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { childEnv, runOk } from './proc';

export interface InstalledPackage {
	name: string;
	version: string;
	dir: string;
	tarball: string;
	/** Files in the tarball, as `npm pack --json` lists them. */
	files: string[];
	buildSeconds: number;
}

export async function buildAndInstallPackage(
	repoRoot: string,
	userFolder: string,
	workDir: string,
	log: (line: string) => void,
	options: { build?: boolean } = {},
): Promise<InstalledPackage> {
	let buildMs = 0;
	if (options.build !== false) {
		buildMs = (
			await runOk('npm', ['run', 'build', '--silent'], {
				cwd: repoRoot,
				env: childEnv(),
				timeoutMs: 5 * 60_000,
			})
		).ms;
		log(`package built in ${(buildMs / 1000).toFixed(1)} s`);
	}

	mkdirSync(workDir, { recursive: true });
	const packOut = await runOk(
		'npm',
		['pack', '--json', '--pack-destination', workDir, '--ignore-scripts'],
		{ cwd: repoRoot, env: childEnv(), timeoutMs: 2 * 60_000 },
	);
	const [info] = JSON.parse(packOut.stdout.slice(packOut.stdout.indexOf('['))) as {
		name: string;
		version: string;
		filename: string;
		files: { path: string }[];
	}[];
	const tarball = join(workDir, info.filename);

	const nodesDir = join(userFolder, '.n8n', 'nodes');
	const dir = join(nodesDir, 'node_modules', info.name);
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	await runOk('tar', ['-xzf', tarball, '--strip-components=1', '-C', dir], { cwd: workDir });

	const manifestPath = join(dir, 'package.json');
	const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown> & {
		n8n?: { nodes?: string[]; credentials?: string[] };
	};
	// n8n refuses the whole package when one listed file is missing, and says so only in its log.
	const packed = new Set(info.files.map((f) => f.path));
	const missing = [...(manifest.n8n?.nodes ?? []), ...(manifest.n8n?.credentials ?? [])].filter(
		(file) => !packed.has(file),
	);
	if (missing.length > 0) {
		throw new Error(
			`package.json "n8n" lists ${missing.join(', ')}, but ${info.filename} does not contain ${missing.length > 1 ? 'them' : 'it'}: fix the build (npm run build) or the manifest.`,
		);
	}
	delete manifest.peerDependencies;
	delete manifest.devDependencies;
	writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
	// The package must install with no network and no scripts; it has no runtime dependencies.
	await runOk(
		'npm',
		[
			'install',
			'--ignore-scripts',
			'--install-strategy=shallow',
			'--no-audit',
			'--no-fund',
			'--no-package-lock',
			'--loglevel=error',
		],
		{
			cwd: dir,
			env: childEnv(),
			timeoutMs: 2 * 60_000,
		},
	);
	// n8n's installer records installed packages in the nodes folder's package.json.
	writeFileSync(
		join(nodesDir, 'package.json'),
		JSON.stringify(
			{ name: 'installed-nodes', private: true, dependencies: { [info.name]: info.version } },
			null,
			2,
		),
	);

	return {
		name: info.name,
		version: info.version,
		dir,
		tarball,
		files: info.files.map((f) => f.path),
		buildSeconds: buildMs / 1000,
	};
}
