/**
 * Secrets in node outputs (issue 5 item 8): the n8n nodes' list and create operations, and their
 * error paths (a wrong key, a 4xx), run in-process against the emulators; no output item, error
 * message or error description may contain an API key or an OAuth token string the emulators hold.
 * (The daemon's artifacts are scanned at the end of the bad-input, crash and network suites.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postfastAccount, postsiderChannel } from './lib/daemon';
import { type Emulator, loadEmulators, secretsOf } from './lib/emulators';
import {
	postfastCreateParams,
	postsiderCreateParams,
	runPostFastNode,
	runPostSiderNode,
} from './lib/nodes';
import { scanValue } from './lib/secrets';

describe('secrets never reach n8n node outputs', () => {
	let ps: Emulator;
	let pf: Emulator;
	let secrets: string[];

	beforeAll(async () => {
		const loaded = await loadEmulators();
		if (!loaded.ok) throw new Error(loaded.reason);
		ps = await loaded.mod.startPostSider({ apiLimit: 1000 });
		pf = await loaded.mod.startPostFast();
		secrets = secretsOf(ps, pf);
	});

	afterAll(async () => {
		await ps?.close();
		await pf?.close();
	});

	it('knows secrets to look for (API keys and the fake OAuth tokens the emulators hold)', () => {
		expect(secrets).toContain(ps.apiKey);
		expect(secrets).toContain(pf.apiKey);
		expect(secrets.length).toBeGreaterThan(2);
	});

	const cases: Array<[string, () => Promise<unknown>]> = [
		[
			'PostSider channel → get many (integrations carry tokens server-side)',
			() => runPostSiderNode(ps, { resource: 'channel', operation: 'getMany' }, [{ json: {} }]),
		],
		[
			'PostSider post → create',
			async () => {
				const ch = await postsiderChannel(ps, 'linkedin');
				return runPostSiderNode(
					ps,
					postsiderCreateParams(ch.id, new Date(ps.clock.now() + 86_400_000).toISOString()),
					[{ json: { text: 'secret scan' } }],
				);
			},
		],
		[
			'PostSider with a wrong key (401 path)',
			() =>
				runPostSiderNode(
					ps,
					{ resource: 'channel', operation: 'getMany' },
					[{ json: {} }],
					`${ps.apiKey.slice(0, -3)}xyz`,
				),
		],
		[
			'PostSider create rejected (4xx path)',
			() =>
				runPostSiderNode(
					ps,
					postsiderCreateParams(
						'no-such-channel',
						new Date(ps.clock.now() + 86_400_000).toISOString(),
					),
					[{ json: { text: 'x' } }],
				),
		],
		[
			'PostFast social account → get many',
			() =>
				runPostFastNode(pf, { resource: 'socialAccount', operation: 'getMany' }, [{ json: {} }]),
		],
		[
			'PostFast social post → create',
			async () => {
				const acc = await postfastAccount(pf, 'LINKEDIN');
				return runPostFastNode(pf, postfastCreateParams(), [
					{
						json: {
							account: acc.id,
							text: 'secret scan',
							at: new Date(pf.clock.now() + 86_400_000).toISOString(),
						},
					},
				]);
			},
		],
		[
			'PostFast with a wrong key (401/403 path)',
			() =>
				runPostFastNode(
					pf,
					{ resource: 'socialAccount', operation: 'getMany' },
					[{ json: {} }],
					`${pf.apiKey.slice(0, -3)}xyz`,
				),
		],
	];

	it.each(cases)('%s', async (_name, run) => {
		const result = (await run()) as {
			outputs: unknown;
			errors: Record<string, { message?: string; description?: string } | undefined>;
			error?: unknown;
		};
		const everything = {
			outputs: result.outputs,
			errors: Object.values(result.errors).map(
				(e) => e && { message: e.message, description: e.description },
			),
			error: result.error && String(result.error),
		};
		expect(JSON.stringify(everything).length).toBeGreaterThan(20);
		expect(scanValue(everything, secrets)).toEqual([]);
	});
});
