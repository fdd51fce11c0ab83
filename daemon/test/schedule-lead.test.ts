/**
 * A PostFast post due in less than the lead PostFast needs (contract/postfast `scheduleTooSoon`):
 * intake, `check` and the send agree on one rule and one message, and a time the rule lets through
 * is one the emulator accepts on arrival. Real daemon, real PostFast emulator, real folders.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MIN_SCHEDULE_LEAD_MS, checkScheduledAt, scheduleTooSoon } from '../../contract/postfast';
import { startPostFast } from '../../emulators/src/index';
import { PostFastClient } from '../src/api/postfast';
import { checkCommand } from '../src/commands/check';
import { loadConfig } from '../src/config/load';
import { Daemon } from '../src/daemon';
import { silentLogger } from '../src/log';
import { drop, tempDir, until } from './helpers';

let pf: Awaited<ReturnType<typeof startPostFast>>;
let account: { id: string; platform: string };

beforeAll(async () => {
	pf = await startPostFast({});
	const acc = await new PostFastClient({ baseUrl: pf.baseUrl, apiKey: pf.apiKey }).listAccounts();
	if (!acc.ok) throw new Error(acc.error.message);
	const a = acc.value.find((x) => x.connectionStatus !== 'DISABLED' && x.platform === 'LINKEDIN')!;
	account = { id: a.id, platform: 'linkedin' };
}, 60_000);
afterAll(async () => {
	await pf?.close();
});
let running: Daemon | undefined;
afterEach(async () => {
	await running?.stop(2000);
	running = undefined;
});

function setup() {
	const home = tempDir('postspool-lead-');
	writeFileSync(join(home, 'pf.key'), pf.apiKey, { mode: 0o600 });
	const folder = join(home, 'drop');
	const configPath = join(home, 'config.jsonc');
	writeFileSync(
		configPath,
		JSON.stringify({
			version: 1,
			stateDir: join(home, 'state'),
			keys: {
				fast: { service: 'postfast', baseUrl: pf.baseUrl, apiKey: { file: join(home, 'pf.key') } },
			},
			accounts: { 'pf-li': { key: 'fast', id: account.id, platform: account.platform } },
			folders: [{ path: folder, defaults: { version: 1 } }],
			stableMs: 0,
		}),
		{ mode: 0o600 },
	);
	return { home, folder, inbox: join(folder, 'inbox'), configPath };
}

async function cli(fn: () => number | Promise<number>): Promise<{ code: number; out: string }> {
	let out = '';
	const write = process.stdout.write.bind(process.stdout);
	process.stdout.write = ((chunk: string) => {
		out += chunk;
		return true;
	}) as typeof process.stdout.write;
	try {
		return { code: await fn(), out };
	} finally {
		process.stdout.write = write;
	}
}

describe('PostFast lead time', () => {
	it('a post 20 s ahead: check and intake refuse it with the real reason (not "passed"), nothing is sent; with "late": "post-now" it goes out', async () => {
		const env = setup();
		const when = new Date(Date.now() + 20_000).toISOString();
		const sidecar = { text: 'soon', targets: ['pf-li'], when };
		// check on a copy outside the inbox says what intake will say.
		const copy = join(env.home, 'soon.json');
		writeFileSync(copy, JSON.stringify({ version: 1, ...sidecar }));
		const checked = await cli(() => checkCommand({ config: env.configPath, json: true }, copy));
		expect(checked.code).toBe(2);
		expect(checked.out).toMatch(
			/s ahead: PostFast refuses a time that has passed when the post arrives, so it needs at least 30 s/,
		);
		expect(checked.out).not.toMatch(/passed before the budgets/);

		const creates = () =>
			pf.requests.filter((r) => r.method === 'POST' && r.path === '/social-posts').length;
		const before = creates();
		running = new Daemon({ loaded: loadConfig(env.configPath), log: silentLogger, once: true });
		await running.start();
		drop(join(env.inbox, 'soon.json'), sidecar);
		drop(join(env.inbox, 'soon-now.json'), { ...sidecar, text: 'soon now', late: 'post-now' });
		await running.idle();
		const failed = readdirSync(join(env.folder, 'failed'));
		expect(failed).toEqual(['soon']);
		const error = JSON.parse(
			readFileSync(join(env.folder, 'failed', 'soon', 'error.json'), 'utf8'),
		);
		const message = JSON.stringify(error);
		expect(message).toMatch(
			/only \d+ s ahead: PostFast refuses a time that has passed when the post arrives/,
		);
		expect(message).toMatch(/at least 30 s ahead/);
		expect(message).not.toMatch(/passed before the budgets/);
		// Only the post-now one was created, and PostFast accepted it.
		expect(creates()).toBe(before + 1);
		await until(() => readdirSync(join(env.folder, 'done')).length === 1);
	});

	it('a time the rule lets through is in the future when the create arrives within the lead; a refused one names why', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: -300_000, max: 300_000 }),
				fc.integer({ min: 0, max: MIN_SCHEDULE_LEAD_MS - 1 }),
				(ahead, transit) => {
					const now = Date.parse('2027-03-01T09:00:00Z');
					const at = now + ahead;
					const reason = scheduleTooSoon(at, now);
					if (reason === undefined) {
						expect(checkScheduledAt(new Date(at).toISOString(), now + transit, 'at')).toBe(
							undefined,
						);
					} else if (ahead > 0) expect(reason).toMatch(/s ahead: PostFast refuses/);
					else expect(reason).toMatch(/has passed$/);
				},
			),
		);
	});
});
