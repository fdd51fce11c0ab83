/**
 * One stableJson for every idempotency hash. The n8n node derives its PostSider Idempotency-Key as
 * `n8n:` + sha256(stableJson(body)), the daemon its item identity and PostFast request groups with
 * the same function; a key must not change between a body and its copy on the wire (JSON.stringify
 * drops undefined members), nor with property order.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stableJson } from '../../contract/stable-json';

const derivedKey = (body: unknown) =>
	`n8n:${createHash('sha256').update(stableJson(body)).digest('hex')}`;

/** A small deterministic generator of nested JSON-like values, undefined members included. */
function* values(seed: number, count: number): Generator<unknown> {
	let s = seed;
	const rand = () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
	const gen = (depth: number): unknown => {
		const r = rand();
		if (depth > 3 || r < 0.3)
			return [undefined, null, true, 7, -1.5, 'x', 'é"\n'][Math.floor(rand() * 7)];
		if (r < 0.6) return Array.from({ length: Math.floor(rand() * 4) }, () => gen(depth + 1));
		const o: Record<string, unknown> = {};
		for (let i = Math.floor(rand() * 5); i > 0; i--)
			o[['b', 'a', 'date', 'Z', 'posts'][Math.floor(rand() * 5)]] = gen(depth + 1);
		return o;
	};
	for (let i = 0; i < count; i++) yield gen(0);
}

/** The same object with its keys in reverse order, all the way down. */
function reordered(v: unknown): unknown {
	if (Array.isArray(v)) return v.map(reordered);
	if (v && typeof v === 'object')
		return Object.fromEntries(
			Object.entries(v)
				.reverse()
				.map(([k, x]) => [k, reordered(x)]),
		);
	return v;
}

describe('stableJson (contract/stable-json.ts)', () => {
	it('sorts keys and drops undefined object members (not array elements, which JSON sends as null)', () => {
		expect(stableJson({ b: 1, a: [{ d: undefined, c: 2 }, undefined] })).toBe(
			'{"a":[{"c":2},null],"b":1}',
		);
	});

	it('a post keeps its key on the wire and in any property order (500 generated bodies)', () => {
		for (const body of values(42, 500)) {
			const wire = JSON.parse(JSON.stringify(body ?? null));
			expect(derivedKey(wire)).toBe(derivedKey(body ?? null));
			expect(derivedKey(reordered(body))).toBe(derivedKey(body));
		}
	});

	it('the PostSider node, the daemon and the PostFast batch key hash with this one function (no local copies)', () => {
		const root = join(__dirname, '..', '..');
		for (const file of [
			'nodes/PostSider/v1/actions/post/create.operation.ts',
			'daemon/src/intake/ingest.ts',
			'contract/postfast/batching.ts',
		]) {
			const text = readFileSync(join(root, file), 'utf8');
			expect(text, file).toMatch(/import \{ stableJson \} from '[./]+\/(contract\/)?stable-json'/);
			expect(text, file).not.toMatch(/function stableJson/);
		}
	});

	it('a real node body: an unset option (undefined) derives the same key as the body without it', () => {
		const body = {
			type: 'schedule',
			shortLink: false,
			tags: [],
			posts: [
				{
					integration: { id: 'ch-1' },
					value: [{ content: 'hello', image: [{ sha256: 'ab'.repeat(32) }] }],
					settings: { __type: 'x', who_can_reply_post: 'everyone' },
				},
			],
		};
		expect(derivedKey({ ...body, date: undefined })).toBe(derivedKey(body));
	});
});
