/**
 * 429s from the emulator's real throttler model (fixed windows per endpoint and key, blocked calls
 * still counted), not injected: the node waits out a short block with n8n's sleep and fails a long
 * one at once with the time to retry. Limits are lowered through the emulator's `limits` option so
 * a window fills in a few calls; the emulator clock is moved by the test.
 */
import type { NodeApiError } from 'n8n-workflow';
import { afterEach, describe, expect, it } from 'vitest';

import {
	PNG,
	accountOn,
	accountsOf,
	byId,
	output,
	requestsTo,
	runPostFast,
	startPostFast,
	type Emulator,
} from './setup';
import { keyFingerprint } from '../../../emulators/src/index';

const ACCOUNTS = 'GET /social-media/my-social-accounts';
let pf: Emulator | undefined;

afterEach(async () => {
	await pf?.close();
	pf = undefined;
});

async function fill(emulator: Emulator, calls: number): Promise<void> {
	for (let n = 0; n < calls; n++) {
		await fetch(`${emulator.baseUrl}/social-media/my-social-accounts`, {
			headers: { 'pf-api-key': emulator.apiKey },
		});
	}
}

const listAccounts = { resource: 'socialAccount', operation: 'getMany', filters: {} };

describe('rate limits from the throttler model', () => {
	it('fails at once on a long block, with cause rate-limited, the window and the wait PostFast sent', async () => {
		pf = await startPostFast({ limits: { endpoints: { [ACCOUNTS]: { long: 2 } } } });
		await fill(pf, 2);
		const started = Date.now();
		const result = await runPostFast(pf, listAccounts);
		expect(Date.now() - started).toBeLessThan(5_000);
		expect(result.status).toBe('error');
		const error = result.errors.PostFast as NodeApiError & {
			failure?: { cause: string; retryAfterMs?: number };
		};
		expect(error.httpCode).toBe('429');
		expect(error.failure).toEqual({ cause: 'rate-limited', retryAfterMs: 3_600_000 });
		expect(error.description).toMatch(/long window/);
		// The node sent the call once: no retry inside a blocked window (it would extend the block).
		expect(requestsTo(pf, 'GET', '/social-media/my-social-accounts').map((r) => r.status)).toEqual([
			200, 200, 429,
		]);
	});

	it('waits out a short block with sleep and sends that one request again', async () => {
		pf = await startPostFast({ limits: { endpoints: { [ACCOUNTS]: { short: 2 } } } });
		await fill(pf, 3); // the third call starts a 60 s block
		pf.clock.advance(59_000); // 1 s of the block left
		const emulator = pf;
		const run = runPostFast(emulator, listAccounts);
		// While the node sleeps on its 429 (Retry-After-short: 1), the emulator's time moves on.
		for (
			let waited = 0;
			!emulator.requests.some((r, n) => n >= 3 && r.status === 429) && waited < 5_000;
			waited += 20
		) {
			await new Promise((resolve) => setTimeout(resolve, 20));
		}
		expect(emulator.requests[3]?.headers['pf-api-key']).toBe(keyFingerprint(emulator.apiKey));
		emulator.clock.advance(2_000);
		const result = await run;
		expect(result.status, result.error?.message).toBe('success');
		const node = requestsTo(emulator, 'GET', '/social-media/my-social-accounts').slice(3);
		expect(node.map((r) => r.status)).toEqual([429, 200]);
		expect(output(result).length).toBeGreaterThan(0);
	});

	it('"Max Rate-Limit Wait" 0 turns every 429 into an immediate failure', async () => {
		pf = await startPostFast({ limits: { endpoints: { [ACCOUNTS]: { short: 1 } } } });
		await fill(pf, 1);
		const result = await runPostFast(pf, { ...listAccounts, options: { maxRateLimitWait: 0 } });
		expect(result.status).toBe('error');
		expect(
			(result.errors.PostFast as NodeApiError & { failure?: { retryAfterMs?: number } }).failure
				?.retryAfterMs,
		).toBe(60_000);
	});
});

describe('current profile', () => {
	it('asks for up to 8 image URLs per request when the option allows it', async () => {
		pf = await startPostFast({ profile: 'current' });
		const items = Array.from({ length: 9 }, (_, n) => ({
			json: { n },
			binary: { data: { data: PNG, fileName: `p${n}.png`, mimeType: 'image/png' } },
		}));
		const result = await runPostFast(
			pf,
			{
				resource: 'file',
				operation: 'upload',
				binaryProperties: 'data',
				options: { imagesPerRequest: 8 },
			},
			{ items },
		);
		expect(result.status, result.error?.message).toBe('success');
		expect(
			requestsTo(pf, 'POST', '/file/get-signed-upload-urls').map(
				(r) => (r.body as { count: number }).count,
			),
		).toEqual([8, 1]);
		const instagram = accountOn(await accountsOf(pf), 'INSTAGRAM');
		const post = await runPostFast(pf, {
			resource: 'socialPost',
			operation: 'create',
			account: byId(instagram.id),
			content: 'carousel of keys',
			status: 'DRAFT',
			binaryProperties: '',
			additionalFields: {
				mediaItemsJson: JSON.stringify(
					output(result)
						.flatMap((o) => o.mediaItems as unknown[])
						.slice(0, 9),
				),
			},
		});
		expect(post.status, post.error?.message).toBe('success');
		expect((output(post)[0].mediaItems as unknown[]).length).toBe(9);
	});
});
