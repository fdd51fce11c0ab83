#!/usr/bin/env node
/**
 * `npm run emulators [-- options]`: starts both emulators on 127.0.0.1 with a real-time clock,
 * prints their base URLs and demo keys (`--json`: one JSON object), and stays in the foreground
 * until SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';

import { POSTFAST_PROFILE_NAMES, type PostFastProfile } from '../../contract/postfast';
import { startPostFast } from './postfast';
import { startPostSider } from './postsider';

const USAGE = `Usage: npm run emulators -- [options]
  --json                  print one JSON object instead of text
  --postsider-port <n>    PostSider port (default: random)
  --postfast-port <n>     PostFast API port (default: random)
  --s3-port <n>           PostFast's fake S3 port (default: random)
  --api-limit <n>         PostSider API_LIMIT: requests per minute, and per hour per mutating route (default 60)
  --profile <name>        PostFast limit profile: ${POSTFAST_PROFILE_NAMES.join(' | ')} (default vendor)
  -h, --help              this text`;

function fail(message: string): never {
	process.stderr.write(`${message}\n\n${USAGE}\n`);
	process.exit(2);
}

function port(value: string | undefined, flag: string): number | undefined {
	if (value === undefined) return undefined;
	const n = Number(value);
	if (!Number.isInteger(n) || n < 0 || n > 65535)
		fail(`${flag} must be a port number (0–65535), got "${value}"`);
	return n;
}

async function main(): Promise<void> {
	let values;
	try {
		({ values } = parseArgs({
			options: {
				json: { type: 'boolean', default: false },
				'postsider-port': { type: 'string' },
				'postfast-port': { type: 'string' },
				's3-port': { type: 'string' },
				'api-limit': { type: 'string' },
				profile: { type: 'string' },
				help: { type: 'boolean', short: 'h', default: false },
			},
		}));
	} catch (error) {
		fail((error as Error).message);
	}
	if (values.help) {
		process.stdout.write(USAGE + '\n');
		return;
	}
	const apiLimit = values['api-limit'] === undefined ? undefined : Number(values['api-limit']);
	if (apiLimit !== undefined && !(Number.isInteger(apiLimit) && apiLimit > 0))
		fail(`--api-limit must be a positive integer, got "${values['api-limit']}"`);
	const profile = values.profile as PostFastProfile | undefined;
	if (profile !== undefined && !POSTFAST_PROFILE_NAMES.includes(profile))
		fail(`--profile must be one of ${POSTFAST_PROFILE_NAMES.join(', ')}, got "${profile}"`);

	const ps = await startPostSider({
		clock: 'real',
		apiLimit,
		port: port(values['postsider-port'], '--postsider-port'),
	});
	const pf = await startPostFast({
		clock: 'real',
		profile,
		port: port(values['postfast-port'], '--postfast-port'),
		s3Port: port(values['s3-port'], '--s3-port'),
	});

	const summary = {
		postsider: {
			origin: ps.origin,
			baseUrl: ps.baseUrl,
			admin: `${ps.origin}/__admin/state`,
			apiLimit: ps.apiLimit,
			apiKey: ps.apiKey,
			apiKeys: ps.apiKeys,
		},
		postfast: {
			origin: pf.origin,
			baseUrl: pf.baseUrl,
			s3Origin: pf.s3Origin,
			admin: `${pf.origin}/__admin/state`,
			profile: pf.profile,
			apiKey: pf.apiKey,
			apiKeys: pf.apiKeys,
		},
	};
	if (values.json) {
		process.stdout.write(JSON.stringify(summary) + '\n');
	} else {
		const lines = [
			'postspool emulators (demo data, fake keys; Ctrl-C to stop)',
			'',
			`PostSider  base URL  ${ps.baseUrl}`,
			`           API_LIMIT ${ps.apiLimit}/min`,
			...ps.apiKeys.map((k) => `           key       ${k.apiKey}  (${k.name}, ${k.kind})`),
			`           admin     ${ps.origin}/__admin/state`,
			'',
			`PostFast   base URL  ${pf.baseUrl}`,
			`           S3        ${pf.s3Origin}`,
			`           profile   ${pf.profile}`,
			...pf.apiKeys.map((k) => `           key       ${k.apiKey}  (${k.name})`),
			`           admin     ${pf.origin}/__admin/state`,
		];
		process.stdout.write(lines.join('\n') + '\n');
	}

	let stopping = false;
	const stop = (signal: string) => {
		if (stopping) return;
		stopping = true;
		if (!values.json) process.stdout.write(`\n${signal}: stopping the emulators\n`);
		void Promise.all([ps.close(), pf.close()]).then(() => process.exit(0));
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
	// The servers keep the event loop alive; nothing else to do.
}

main().catch((error: unknown) => {
	process.stderr.write(`The emulators could not start: ${(error as Error).message}\n`);
	process.exit(1);
});
