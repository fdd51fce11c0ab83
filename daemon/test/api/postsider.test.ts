/**
 * The daemon's PostSider client against the real emulator: success shapes, Idempotency-Key,
 * streaming multipart upload, and the mapping of every error shape to the one ApiError.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { keyFingerprint, startPostSider } from '../../../emulators/src/index';
import { PostSiderClient, type PostSiderCreateBody } from '../../src/api/postsider';
import type { RateObservation } from '../../src/api/http';

type Emulator = Awaited<ReturnType<typeof startPostSider>>;

let ps: Emulator;
let dir: string;
const observations: RateObservation[] = [];

function client(overrides: Partial<ConstructorParameters<typeof PostSiderClient>[0]> = {}) {
	return new PostSiderClient({
		baseUrl: ps.baseUrl,
		apiKey: ps.apiKey,
		now: () => ps.clock.now(),
		onResponse: (o) => observations.push(o),
		...overrides,
	});
}

async function channel(identifier: string): Promise<string> {
	const r = await client().listIntegrations();
	if (!r.ok) throw new Error(r.error.message);
	const found = r.value.find((i) => i.identifier === identifier && !i.disabled);
	if (!found) throw new Error(`the demo organisation has no ${identifier} channel`);
	return found.id;
}

function body(
	channelId: string,
	content: string,
	extra: Partial<PostSiderCreateBody> = {},
): PostSiderCreateBody {
	return {
		type: 'schedule',
		date: new Date(ps.clock.now() + 86_400_000).toISOString(),
		shortLink: false,
		tags: [],
		posts: [{ integration: { id: channelId }, value: [{ content, image: [] }], settings: {} }],
		...extra,
	};
}

beforeAll(async () => {
	ps = await startPostSider({ apiLimit: 1000 });
	dir = mkdtempSync(join(tmpdir(), 'postspool-ps-api-'));
});
afterAll(async () => {
	await ps?.close();
	if (dir) rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
	ps.faults.clear();
	observations.length = 0;
});

describe('PostSider client: success paths', () => {
	it('lists channels with the raw key (no Bearer) and reports every call to onResponse', async () => {
		const r = await client().listIntegrations();
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		expect(r.status).toBe(200);
		expect(r.value.map((i) => i.identifier)).toEqual(
			expect.arrayContaining(['x', 'bluesky', 'threads']),
		);
		const logged = ps.requests.at(-1)!;
		expect(logged.headers.authorization).toBe(keyFingerprint(ps.apiKey));
		expect(observations).toHaveLength(1);
		expect(observations[0]).toMatchObject({
			service: 'postsider',
			endpoint: 'GET /integrations',
			status: 200,
		});
		expect(observations[0].receivedAt).toBe(ps.clock.now());
	});

	it('creates a post once per Idempotency-Key: a retry replays the answer, another body is a 409', async () => {
		const id = await channel('bluesky');
		const key = `postspool-test-${Date.now()}`;
		const first = await client().createPosts(body(id, 'Hello from the daemon'), {
			idempotencyKey: key,
		});
		expect(first.ok).toBe(true);
		if (!first.ok) return;
		expect(first.status).toBe(201);
		expect(first.value).toEqual([{ postId: expect.any(String), integration: id }]);
		const again = await client().createPosts(body(id, 'Hello from the daemon'), {
			idempotencyKey: key,
		});
		expect(again.ok && again.value).toEqual(first.value);
		expect(
			ps.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/posts')).at(-1)?.headers[
				'idempotency-key'
			],
		).toBe(key);
		const other = await client().createPosts(body(id, 'Something else'), { idempotencyKey: key });
		expect(other.ok).toBe(false);
		if (other.ok) return;
		expect(other.error).toMatchObject({ status: 409, kind: 'conflict' });
		expect(other.error.message).toContain(
			'Idempotency-Key was already used with a different request',
		);
	});

	it('find-slot comes back as a UTC instant with Z', async () => {
		const r = await client().findSlot(await channel('x'));
		expect(r.ok).toBe(true);
		if (r.ok) expect(r.value.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$/);
	});

	it('uploads a file as multipart field "file", streamed with an exact Content-Length, with progress', async () => {
		// A PNG: magic bytes, then filler.
		const path = join(dir, 'picture.png');
		const png = Buffer.alloc(3 * 1024 * 1024 + 17, 0x41);
		Buffer.from([
			0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
		]).copy(png);
		writeFileSync(path, png);
		const progress: Array<[number, number]> = [];
		const r = await client().uploadFile(path, {
			onProgress: (sent, total) => progress.push([sent, total]),
		});
		expect(r.ok, r.ok ? '' : r.error.message).toBe(true);
		if (!r.ok) return;
		expect(r.status).toBe(201);
		expect(r.value.path).toMatch(/\.png$/);
		expect(r.value).toMatchObject({ id: expect.any(String), originalName: null });
		const logged = ps.requests.filter((q) => q.path.endsWith('/upload')).at(-1)!;
		expect(logged.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
		expect(logged.headers['transfer-encoding']).toBeUndefined();
		expect(Number(logged.headers['content-length'])).toBeGreaterThan(png.length);
		const [lastSent, total] = progress.at(-1)!;
		expect(lastSent).toBe(total);
		expect(total).toBe(Number(logged.headers['content-length']));
		expect(progress.length).toBeGreaterThan(2);
	});

	it('a file whose bytes differ from the validated SHA-256 is cut off before the server has it whole', async () => {
		const path = join(dir, 'changed.png');
		const original = Buffer.alloc(2 * 1024 * 1024, 0x41);
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(original);
		const expected = {
			size: original.length,
			sha256: createHash('sha256').update(original).digest('hex'),
		};
		const now = Buffer.from(original);
		now[now.length - 5] ^= 1; // one byte in the last chunk differs: same size, same head
		writeFileSync(path, now);
		const stored = (ps.store as { media: Map<string, unknown> }).media.size;
		const r = await client().uploadFile(path, { expected });
		expect(r).toMatchObject({
			ok: false,
			error: {
				kind: 'validation',
				message: expect.stringMatching(/"changed\.png" changed after it was validated/),
			},
		});
		expect((ps.store as { media: Map<string, unknown> }).media.size).toBe(stored);
		// The same bytes as validated go through.
		writeFileSync(path, original);
		expect(await client().uploadFile(path, { expected })).toMatchObject({ ok: true });
	});

	it('a symbolic link in place of the validated file is refused before any request', async () => {
		const target = join(dir, 'target.png');
		writeFileSync(target, Buffer.alloc(64, 0x41));
		const link = join(dir, 'link.png');
		symlinkSync(target, link);
		const before = ps.requests.length;
		expect(await client().uploadFile(link)).toMatchObject({
			ok: false,
			error: { kind: 'validation', message: expect.stringMatching(/it is now a symbolic link/) },
		});
		expect(ps.requests.length).toBe(before);
	});

	it('a missing file is a permanent failure that names the file, before any request', async () => {
		const before = ps.requests.length;
		// Not a thrown error (the worker retried those forever): a result the post fails with.
		expect(await client().uploadFile(join(dir, 'nope.mp4'))).toMatchObject({
			ok: false,
			error: { kind: 'validation', message: expect.stringMatching(/nope\.mp4.*does not exist/) },
		});
		expect(ps.requests.length).toBe(before);
	});
});

describe('PostSider client: every error shape becomes one ApiError', () => {
	it('401 {msg} for a wrong key, and the key is nowhere in the error', async () => {
		const secret = 'wrong-key-0123456789abcdef';
		const r = await client({ apiKey: secret }).listIntegrations();
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.error).toMatchObject({ status: 401, kind: 'auth', message: 'Invalid API key' });
		expect(JSON.stringify(r)).not.toContain(secret);
	});

	it('400 class-validator array: every message and its field path', async () => {
		const r = await client().createPosts(
			{ type: 'schedule', date: new Date().toISOString(), shortLink: false, tags: [], posts: [] },
			{ idempotencyKey: 'validation-1' },
		);
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.error).toMatchObject({ status: 400, kind: 'validation' });
		expect(r.error.messages).toContain('posts must contain at least 1 elements');
		expect(r.error.fieldPaths).toContain('posts');
	});

	it('400 E2 {message, error, statusCode} for an unknown channel', async () => {
		const r = await client().createPosts(body('no-such-channel', 'hi'), { idempotencyKey: 'e2-1' });
		expect(r.ok).toBe(false);
		if (!r.ok)
			expect(r.error).toMatchObject({
				status: 400,
				message: 'Integration with id no-such-channel not found',
			});
	});

	it('400 E4 per-channel error names the channel', async () => {
		const id = await channel('bluesky');
		const r = await client().createPosts(body(id, 'x'.repeat(301)), { idempotencyKey: 'e4-1' });
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.error).toMatchObject({
			status: 400,
			kind: 'validation',
			message: 'post is too long, please fix it',
		});
		expect(r.error.channel?.provider).toBe('bluesky');
	});

	it('5xx, connection reset and a hang become server / network errors without throwing', async () => {
		ps.faults.add({ path: /\/integrations$/, kind: 'status', status: 503, times: 1 });
		const five = await client().listIntegrations();
		expect(five.ok === false && five.error.kind).toBe('server');

		ps.faults.add({ path: /\/integrations$/, kind: 'reset', times: 1 });
		const reset = await client().listIntegrations();
		expect(reset.ok).toBe(false);
		if (!reset.ok) {
			expect(reset.error).toMatchObject({ status: 0, kind: 'network' });
			expect(reset.error.message).toMatch(/PostSider/);
		}
		// The limiter still hears about the attempt, as status 0.
		expect(observations.at(-1)).toMatchObject({ status: 0, endpoint: 'GET /integrations' });

		ps.faults.add({ path: /\/integrations$/, kind: 'hang', times: 1 });
		const hang = await client({ timeoutMs: 300 }).listIntegrations();
		expect(hang.ok).toBe(false);
		if (!hang.ok) expect(hang.error.message).toMatch(/timed out/);
	});
});

describe('PostSider client: a wrong base URL is named, never parsed as data', () => {
	it('a redirect is refused and the error names the base URL, without the target query', async () => {
		ps.faults.add({
			path: /\/integrations$/,
			kind: 'status',
			status: 302,
			body: '',
			headers: { Location: 'https://login.example/auth?session=s3cr3t' },
			times: 1,
		});
		const r = await client().listIntegrations();
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.error.message).toContain('redirect to https://login.example/auth;');
		expect(r.error.message).toContain(ps.baseUrl);
		expect(JSON.stringify(r.error)).not.toContain('s3cr3t');
	});

	it('a 200 HTML page (a self-hosted URL without /api) is an error that says to check the base URL', async () => {
		ps.faults.add({
			path: /\/integrations$/,
			kind: 'status',
			status: 200,
			body: '<!doctype html><html><body>Log in</body></html>',
			headers: { 'Content-Type': 'text/html; charset=utf-8' },
			times: 1,
		});
		const r = await client().listIntegrations();
		expect(r.ok).toBe(false);
		if (!r.ok) expect(r.error.message).toMatch(/text\/html instead of JSON .*check the base URL/);
	});

	it('a truncated JSON body is a server error, not data', async () => {
		ps.faults.add({
			path: /\/integrations$/,
			kind: 'status',
			status: 200,
			body: '[{"id":"cm4',
			headers: { 'Content-Type': 'application/json; charset=utf-8' },
			times: 1,
		});
		const r = await client().listIntegrations();
		expect(r.ok).toBe(false);
		if (!r.ok)
			expect(r.error).toMatchObject({
				kind: 'server',
				message: expect.stringMatching(/not valid JSON/),
			});
	});

	it('a body that trickles slower than the timeout is a network error, not a hang', async () => {
		ps.faults.add({ path: /\/integrations$/, kind: 'slow-body', delayMs: 200, times: 1 });
		const r = await client({ timeoutMs: 400 }).listIntegrations();
		expect(r.ok).toBe(false);
		if (!r.ok) expect(r.error).toMatchObject({ kind: 'network', status: 0 });
	});
});

describe('PostSider client: 429 from the per-minute limiter', () => {
	it('carries Retry-After and the rate headers so the limiter can freeze the key', async () => {
		const small = await startPostSider({ apiLimit: 2 });
		try {
			const c = new PostSiderClient({
				baseUrl: small.baseUrl,
				apiKey: small.apiKey,
				now: () => small.clock.now(),
			});
			const a = await c.listIntegrations();
			expect(a.ok && a.headers['x-ratelimit-remaining']).toBe('1');
			await c.listIntegrations();
			const r = await c.listIntegrations();
			expect(r.ok).toBe(false);
			if (r.ok) return;
			expect(r.error).toMatchObject({ status: 429, kind: 'rate-limited' });
			expect(r.error.retryAfterMs).toBeGreaterThan(0);
			expect(r.headers['retry-after']).toBeDefined();
		} finally {
			await small.close();
		}
	});
});
