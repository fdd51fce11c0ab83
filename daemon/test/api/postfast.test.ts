/**
 * The daemon's PostFast client against the real emulator: signed URL → S3 PUT (exact Content-Type
 * and Content-Length, no pf-api-key), creates, reconciliation reads, and the error shapes of
 * PostFast and of S3.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPostFast } from '../../../emulators/src/index';
import { PostFastClient, type SocialAccount } from '../../src/api/postfast';

type Emulator = Awaited<ReturnType<typeof startPostFast>>;

let pf: Emulator;
let dir: string;
let accounts: SocialAccount[];

function client(overrides: Partial<ConstructorParameters<typeof PostFastClient>[0]> = {}) {
	return new PostFastClient({
		baseUrl: pf.baseUrl,
		apiKey: pf.apiKey,
		now: () => pf.clock.now(),
		...overrides,
	});
}

function account(platform: string, connected = true): SocialAccount {
	const found = accounts.find(
		(a) => a.platform === platform && (a.connectionStatus !== 'DISABLED') === connected,
	);
	if (!found)
		throw new Error(
			`the demo workspace has no ${connected ? 'connected' : 'disabled'} ${platform} account`,
		);
	return found;
}

const inADay = () => new Date(pf.clock.now() + 86_400_000).toISOString();

function png(path: string, size: number): void {
	const buf = Buffer.alloc(size, 0x42);
	Buffer.from([
		0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
	]).copy(buf);
	writeFileSync(path, buf);
}

beforeAll(async () => {
	pf = await startPostFast();
	dir = mkdtempSync(join(tmpdir(), 'postspool-pf-api-'));
	const r = await client().listAccounts();
	if (!r.ok) throw new Error(r.error.message);
	accounts = r.value;
});
afterAll(async () => {
	await pf?.close();
	if (dir) rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => pf.faults.clear());

describe('PostFast client: upload and create', () => {
	it('signed URLs, then a raw PUT with the exact type and length and without the API key, then a create using the keys', async () => {
		const path = join(dir, 'a.png');
		png(path, 256 * 1024 + 3);
		const urls = await client().getUploadUrls('image/png', 2);
		expect(urls.ok, urls.ok ? '' : urls.error.message).toBe(true);
		if (!urls.ok) return;
		expect(urls.value).toHaveLength(2);
		const progress: number[] = [];
		const put = await client().putToS3(urls.value[0].signedUrl, path, 'image/png', (sent) =>
			progress.push(sent),
		);
		expect(put.ok, put.ok ? '' : put.error.message).toBe(true);
		if (!put.ok) return;
		expect(put.status).toBe(200);
		expect(put.value.etag).toMatch(/^"[0-9a-f]{32}"$/);
		expect(progress.at(-1)).toBe(256 * 1024 + 3);
		const s3 = pf.requests.filter((r) => r.method === 'PUT').at(-1)!;
		expect(s3.headers['content-type']).toBe('image/png');
		expect(s3.headers['content-length']).toBe(String(256 * 1024 + 3));
		expect(s3.headers['transfer-encoding']).toBeUndefined();
		expect(s3.headers['pf-api-key']).toBeUndefined();

		const created = await client().createPosts({
			posts: [
				{
					content: 'From the daemon',
					socialMediaId: account('FACEBOOK').id,
					scheduledAt: inADay(),
					mediaItems: [{ key: urls.value[0].key, type: 'IMAGE', sortOrder: 0 }],
				},
			],
		});
		expect(created.ok, created.ok ? '' : created.error.message).toBe(true);
		if (!created.ok) return;
		expect(created.status).toBe(201);
		expect(created.value.postIds).toHaveLength(1);
		const listed = await client().listPosts({ ids: created.value.postIds });
		expect(listed.ok && listed.value.data.map((p) => p.id)).toEqual(created.value.postIds);
		const gone = await client().deletePost(created.value.postIds[0]);
		expect(gone.ok && gone.value).toEqual({ deleted: true });
		const again = await client().deletePost(created.value.postIds[0]);
		expect(again.ok && again.value).toEqual({ deleted: false });
	});

	it('S3 refuses a PUT with another Content-Type: the XML error becomes an ApiError with its code, and no signature leaks', async () => {
		const path = join(dir, 'b.png');
		png(path, 1000);
		const urls = await client().getUploadUrls('image/png', 1);
		if (!urls.ok) throw new Error(urls.error.message);
		const put = await client().putToS3(urls.value[0].signedUrl, path, 'image/jpeg');
		expect(put.ok).toBe(false);
		if (put.ok) return;
		expect(put.error).toMatchObject({ status: 403, kind: 'auth', code: 'SignatureDoesNotMatch' });
		const signature = new URL(urls.value[0].signedUrl).searchParams.get('X-Amz-Signature')!;
		expect(JSON.stringify(put.error.message)).not.toContain(signature);
	});
});

describe('PostFast client: error shapes', () => {
	it('a wrong key is a credential error and the key is nowhere in it', async () => {
		const secret = 'Zm9vYmFyYmF6cXV1eGZvb2JhcmJhenF1dXhmb29iYXI=';
		const r = await client({ apiKey: secret }).listAccounts();
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.error.kind).toBe('auth');
		expect(JSON.stringify(r)).not.toContain(secret);
	});

	it('class-validator arrays keep every message', async () => {
		const r = await client().getUploadUrls('image/jpg', 1);
		expect(r.ok).toBe(false);
		if (!r.ok) {
			expect(r.error).toMatchObject({ status: 400, kind: 'validation' });
			expect(r.error.messages.length).toBeGreaterThan(0);
		}
	});

	it('business errors keep their stable code and the human description', async () => {
		const r = await client().createPosts({
			posts: [
				{ content: 'x', socialMediaId: account('INSTAGRAM', false).id, scheduledAt: inADay() },
			],
		});
		expect(r.ok).toBe(false);
		if (!r.ok) {
			expect(r.error).toMatchObject({ status: 400, code: 'socialMediaDisconnected' });
			expect(r.error.message).toMatch(/disconnected/);
		}
	});

	it('a 429 from a named window carries Retry-After-<name> and the window name', async () => {
		// Vendor profile: my-social-accounts allows 90 per hour (one was spent in beforeAll, more above).
		let last: Awaited<ReturnType<PostFastClient['listAccounts']>> | undefined;
		for (let i = 0; i < 95; i++) {
			last = await client().listAccounts();
			if (!last.ok) break;
			pf.clock.advance(1_100); // stay under 60 a minute, so the hourly window is the one that refuses
		}
		expect(last?.ok).toBe(false);
		if (!last || last.ok) return;
		expect(last.error).toMatchObject({
			status: 429,
			kind: 'rate-limited',
			rateLimitWindows: ['long'],
		});
		expect(last.headers['retry-after-long']).toBeDefined();
		expect(last.error.retryAfterMs).toBeGreaterThan(0);
		pf.reset();
	});

	it('5xx and a reset never throw', async () => {
		pf.faults.add({ path: /\/social-posts$/, kind: 'status', status: 502, times: 1 });
		const r = await client().listPosts();
		expect(r.ok === false && r.error.kind).toBe('server');
		pf.faults.add({ path: /\/social-posts$/, kind: 'reset', times: 1 });
		const reset = await client().listPosts();
		expect(reset.ok === false && reset.error.kind).toBe('network');
	});
});
