/** Service files and human output (issue 10, finding 9): systemd escaping, UTF-16 task XML, control characters. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configChecks } from '../src/commands/doctor';
import { encodeServiceFile, servicePlan } from '../src/commands/service';
import { escapeControl } from '../src/log';
import { openDb } from '../src/state/db';
import { Store } from '../src/state/store';
import { buildCli, makeEnv } from './helpers';

describe('install-service files', () => {
	it('the systemd unit escapes % and $ (systemd would expand them), quotes spaces and sets UMask=0077', () => {
		const plan = servicePlan({
			platform: 'linux',
			config: '/home/a b/100%$HOME/config.jsonc',
			home: '/home/a b',
			node: '/usr/bin/node',
			script: '/opt/postspool/cli.js',
		});
		const exec = plan.content.split('\n').find((l) => l.startsWith('ExecStart='))!;
		expect(exec).toBe(
			'ExecStart=/usr/bin/node /opt/postspool/cli.js run --config "/home/a b/100%%$$HOME/config.jsonc"',
		);
		expect(plan.content).toMatch(/^UMask=0077$/m);
	});

	it('a path with a line break is refused (it would end the ExecStart line)', () => {
		expect(() =>
			servicePlan({ platform: 'linux', config: '/tmp/a\nExecStartPre=/bin/evil', home: '/h' }),
		).toThrow(/contains a line break/);
	});

	it('the Windows task XML is UTF-16LE with a byte-order mark and CRLF, as it declares', () => {
		const plan = servicePlan({
			platform: 'win32',
			config: 'C:\\Users\\ä\\config.jsonc',
			home: 'C:\\Users\\ä',
		});
		const bytes = encodeServiceFile(plan);
		expect([...bytes.subarray(0, 2)]).toEqual([0xff, 0xfe]);
		const text = bytes.subarray(2).toString('utf16le');
		expect(text.startsWith('<?xml version="1.0" encoding="UTF-16"?>\r\n')).toBe(true);
		expect(text).toContain('C:\\Users\\ä');
		expect(text).not.toMatch(/[^\r]\n/);
	});
});

describe('control characters in names are escaped in human output', () => {
	it('escapeControl shows ESC, CR, LF, DEL, C1 and bidi overrides as escapes', () => {
		expect(escapeControl('a\x1b[31mb\rc\nd\x7f\x9b\u202eé')).toBe(
			'a\\x1b[31mb\\x0dc\\x0ad\\x7f\\x9b\\u202eé',
		);
		expect(escapeControl('line1\nline2\tx', '\n\t')).toBe('line1\nline2\tx');
	});

	let cli: string;
	let cleanup = () => {};
	beforeAll(() => {
		({ cli, cleanup } = buildCli());
	}, 120_000);
	afterAll(() => cleanup());

	it('queue ls prints an item named with ESC and a fake log line escaped', () => {
		const env = makeEnv();
		const db = openDb(env.loaded.stateDir);
		const store = new Store(db);
		const name = 'evil\x1b]0;pwned\x07\n12:00:00 info  forged line';
		store.insertItem(
			{
				id: 'abc123abc123',
				identity: 'x'.repeat(64),
				name,
				folder: env.folder,
				work_dir: join(env.folder, '.processing', 'abc123abc123'),
				post: JSON.stringify({
					name,
					kind: 'file',
					media: [],
					when: { kind: 'asap' },
					sidecar: {},
					targets: [],
				}),
			},
			[],
		);
		db.close();
		const r = spawnSync(
			process.execPath,
			[cli, '--config', env.configPath, 'queue', 'ls', '--all'],
			{
				encoding: 'utf8',
			},
		);
		expect(r.stdout).not.toContain('\x1b');
		expect(r.stdout).not.toContain('\x07');
		expect(r.stdout).toContain('evil\\x1b]0;pwned\\x07\\x0a12:00:00 info  forged line');
	});
});

describe('doctor flags what no post could use', () => {
	it('a placeholder alias id and an unknown alias in folder defaults', () => {
		const checks = configChecks({
			accounts: {
				'acme-x': { key: 'k', id: '<postsider channel id>', platform: 'x' },
				real: { key: 'k', id: 'ch_123', platform: 'x' },
			},
			folders: [{ path: '/d', defaults: { targets: ['real', 'ghost', 'postfast:acc_1'] } }],
		} as never);
		expect(checks.map((c) => [c.check, c.ok, c.detail])).toEqual([
			['alias acme-x', false, 'its id "<postsider channel id>" is a placeholder'],
			[
				'folder /d defaults',
				false,
				'folders.0.defaults.targets names "ghost", which is not an account alias in the config',
			],
		]);
	});
});
