/** Bounded reading of sidecars and `_defaults.json` (sidecar/read.ts): caps, links, FIFOs, syntax. */
import { execFileSync } from 'node:child_process';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
	duplicateKeyAt,
	MAX_SIDECAR_BYTES,
	parseBoundedJson,
	readBoundedJson,
	syntaxErrorAt,
} from '../src/sidecar/read';
import { tempDir } from './helpers';

/** A small deterministic generator (no dependency): the same cases on every run. */
function* randomTexts(count: number, seed = 7): Generator<string> {
	let x = seed;
	const next = () => ((x = (x * 1103515245 + 12345) & 0x7fffffff), x);
	const samples = [
		'{"version": 1, "text": "hello", "targets": ["a", "b"], "when": "asap"}',
		'[1, 2.5e3, -0, true, false, null, "x\\u00e9\\n"]',
		'{"a": {"b": [{"c": "d"}]}, "e": ""}',
	];
	const alphabet = '{}[]",:\\ \n0123456789-+.eEtrufalsn';
	for (let i = 0; i < count; i++) {
		const s = samples[next() % samples.length].split('');
		for (let k = 0, edits = 1 + (next() % 3); k < edits; k++) {
			const at = next() % (s.length + 1);
			const op = next() % 3;
			const ch = alphabet[next() % alphabet.length];
			if (op === 0) s.splice(at, 1);
			else if (op === 1) s.splice(at, 0, ch);
			else s[at] = ch;
		}
		yield s.join('');
	}
}

describe('bounded JSON reading', () => {
	it('syntaxErrorAt finds an error exactly when JSON.parse throws (5,000 mutated documents)', () => {
		let invalid = 0;
		for (const text of randomTexts(5000)) {
			let valid = true;
			try {
				JSON.parse(text);
			} catch {
				valid = false;
			}
			const at = syntaxErrorAt(text);
			if (valid) expect(at, text).toBe(text.length);
			else {
				invalid++;
				expect(at, text).toBeLessThanOrEqual(text.length);
				// The text up to the reported offset is a valid prefix: the error is not earlier.
				expect(syntaxErrorAt(text.slice(0, at)), text).toBe(at);
			}
		}
		expect(invalid).toBeGreaterThan(1000);
	});

	it('a syntax error gives line and column and never quotes the content', () => {
		const r = parseBoundedJson(Buffer.from('{\n "a": 1,\n "secret": "TOPSECRET" x\n}'), 's.json');
		expect(r).toMatchObject({ ok: false });
		const message = (r as { message: string }).message;
		expect(message).toBe(
			's.json is not valid JSON (at line 3, column 24); fix the syntax there, e.g. a missing comma, quote or bracket',
		);
		expect(parseBoundedJson(Buffer.from('{"a": '), 's.json')).toMatchObject({
			message: expect.stringContaining('(the file ends too early)'),
		});
	});

	it('refuses a key repeated in one object with its JSON path (JSON.parse would keep the last)', () => {
		const text = '{\n "version": 1,\n "targets": ["a"],\n "text": "x",\n "targets": ["b"]\n}';
		expect(parseBoundedJson(Buffer.from(text), 's.json')).toEqual({
			ok: false,
			path: '$.targets',
			message:
				's.json has the key "targets" twice in one object ($.targets, again at line 5, column 2); keep one of them',
		});
		expect(duplicateKeyAt('{"a": [{"b": 1}, {"c": {"d": 1, "\\u0064": 2}}]}')).toEqual({
			path: '$.a.1.c.d',
			at: 32,
		});
		// The same key in different objects, or as a value, is not a duplicate.
		expect(duplicateKeyAt('{"a": {"x": 1}, "b": {"x": "a"}, "c": ["a", "a"]}')).toBeUndefined();
		// Every document JSON.stringify writes has unique keys (5,000 generated ones).
		for (const text of randomTexts(5000)) {
			let value: unknown;
			try {
				value = JSON.parse(text);
			} catch {
				continue;
			}
			expect(duplicateKeyAt(JSON.stringify(value)), text).toBeUndefined();
		}
	});

	it('a UTF-8 byte-order mark is accepted', () => {
		const r = parseBoundedJson(Buffer.from('\ufeff{"version": 1}', 'utf8'), 's.json');
		expect(r).toEqual({ ok: true, value: { version: 1 } });
	});

	it.each([
		['{"__proto__": {"draft": true}}', '$.__proto__'],
		['{"a": [{"b": {"constructor": 1}}]}', '$.a.0.b.constructor'],
		['{"settings": {"prototype": {}}}', '$.settings.prototype'],
	])('refuses %s with the key path', (text, path) => {
		expect(parseBoundedJson(Buffer.from(text), 's.json')).toMatchObject({ ok: false, path });
	});

	it('refuses nesting past 32 levels before parsing, at any depth of input, without a stack overflow', () => {
		expect(parseBoundedJson(Buffer.from(`${'['.repeat(32)}${']'.repeat(32)}`), 'a')).toMatchObject({
			ok: true,
		});
		for (const depth of [33, 10_000, 1_000_000]) {
			const r = parseBoundedJson(Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`), 'a');
			expect(r).toMatchObject({
				ok: false,
				message: expect.stringContaining('deeper than 32 levels (at line 1, column 33)'),
			});
		}
		// Brackets inside strings do not count.
		expect(parseBoundedJson(Buffer.from(`{"t": "${'['.repeat(100)}"}`), 'a')).toMatchObject({
			ok: true,
		});
	});

	it('checks the size through the handle before reading, refuses links and FIFOs, and hashes what it read', () => {
		const dir = tempDir();
		const big = join(dir, 'big.json');
		writeFileSync(big, `{"t": "${'x'.repeat(MAX_SIDECAR_BYTES)}"}`);
		expect(readBoundedJson(big)).toMatchObject({
			ok: false,
			message: expect.stringContaining('reads at most 262144 bytes'),
		});
		const good = join(dir, 'good.json');
		writeFileSync(good, '{"version": 1}');
		const r = readBoundedJson(good);
		expect(r).toMatchObject({
			ok: true,
			value: { version: 1 },
			identity: { size: 14, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
		});
		const link = join(dir, 'link.json');
		symlinkSync(good, link);
		expect(readBoundedJson(link)).toMatchObject({
			ok: false,
			message: expect.stringContaining('is a symbolic link'),
		});
		const fifo = join(dir, 'fifo.json');
		execFileSync('mkfifo', [fifo]);
		expect(readBoundedJson(fifo)).toMatchObject({
			ok: false,
			message: expect.stringContaining('named pipe (FIFO)'),
		});
	});
});
