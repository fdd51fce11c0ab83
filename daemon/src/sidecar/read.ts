/**
 * Reading a sidecar or `_defaults.json` from a drop folder someone else may write to: opened once
 * without following links and without blocking (a FIFO never stalls the daemon), checked as a
 * regular file through the handle, its size capped before a byte is read, then read and hashed
 * through that same handle. Parsing is bounded too: a nesting-depth cap (a deeply nested file
 * would otherwise overflow the stack of every recursive step after it), and the keys `__proto__`,
 * `constructor` and `prototype` are refused (a `__proto__` key survives JSON.parse and changes the
 * post once merged). Messages never quote the file's content: a syntax error gives line and column.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { symlinkMessage, unreadableMessage } from './media';

/** Largest sidecar or `_defaults.json` read (a post's text is a few KB; 256 KiB is generous). */
export const MAX_SIDECAR_BYTES = 256 * 1024;
/** Deepest nesting of objects and arrays accepted (a real sidecar nests 3 or 4 levels). */
export const MAX_JSON_DEPTH = 32;
/** Keys that would reach an object's prototype once merged. */
export const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** What was read: (dev, inode, size, mtime) through the handle, and the SHA-256 of the bytes. */
export interface FileIdentity {
	dev: number;
	ino: number;
	size: number;
	mtimeMs: number;
	sha256: string;
}

export type JsonRead =
	| { ok: true; value: unknown; identity: FileIdentity }
	/** `incomplete`: the text ends before the JSON does (empty, or cut short: still being written?). */
	| { ok: false; message: string; incomplete?: boolean };

/** Flags for opening a drop-folder file: read-only, never through a link, never waiting on a FIFO. */
export const SAFE_OPEN_FLAGS =
	constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/** The kind of a non-regular file, in words. */
export function fileKind(st: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean }) {
	return st.isDirectory()
		? 'a folder'
		: st.isFIFO()
			? 'a named pipe (FIFO)'
			: st.isSocket()
				? 'a socket'
				: 'a device or special file';
}

export function readBoundedJson(
	path: string,
	what: 'sidecar' | 'defaults file' = basename(path) === '_defaults.json'
		? 'defaults file'
		: 'sidecar',
	maxBytes = MAX_SIDECAR_BYTES,
): JsonRead {
	const name = basename(path);
	let fd: number;
	try {
		fd = openSync(path, SAFE_OPEN_FLAGS);
	} catch (err) {
		const code = (err as NodeJS.ErrnoException).code;
		if (code === 'ELOOP' || code === 'EMLINK')
			return { ok: false, message: symlinkMessage(path, what) };
		return { ok: false, message: unreadableMessage(what, name, err) };
	}
	let bytes: Buffer;
	let identity: Omit<FileIdentity, 'sha256'>;
	try {
		const st = fstatSync(fd);
		if (!st.isFile())
			return {
				ok: false,
				message: `${what} "${name}" is ${fileKind(st)}, not a regular file; postspool reads only regular files. Replace it with the JSON file itself`,
			};
		if (st.size > maxBytes)
			return {
				ok: false,
				message: `${what} "${name}" is ${st.size} bytes; postspool reads at most ${maxBytes} bytes (${maxBytes / 1024} KiB) per ${what}. Keep it to the post's text and settings`,
			};
		// Read to the end through the handle, never past the cap (the file may grow meanwhile).
		const buf = Buffer.alloc(Math.min(maxBytes + 1, st.size + 1));
		let length = 0;
		for (;;) {
			const n = readSync(fd, buf, length, buf.length - length, length);
			if (n === 0) break;
			length += n;
			if (length === buf.length) break;
		}
		if (length > maxBytes || length !== st.size)
			return {
				ok: false,
				message: `${what} "${name}" changed while it was read; let the writer finish and drop it again`,
			};
		bytes = buf.subarray(0, length);
		identity = { dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs };
	} catch (err) {
		return { ok: false, message: unreadableMessage(what, name, err) };
	} finally {
		closeSync(fd);
	}
	const sha256 = createHash('sha256').update(bytes).digest('hex');
	const parsed = parseBoundedJson(bytes, name);
	if (!parsed.ok) return parsed;
	return { ok: true, value: parsed.value, identity: { ...identity, sha256 } };
}

/** Line and column (1-based) of a character offset. */
function lineColumn(text: string, offset: number): string {
	let line = 1;
	let lineStart = 0;
	for (let i = 0; i < Math.min(offset, text.length); i++)
		if (text.charCodeAt(i) === 10) {
			line++;
			lineStart = i + 1;
		}
	return `line ${line}, column ${offset - lineStart + 1}`;
}

/** Offset where nesting first exceeds `max`, scanning outside strings; undefined when it never does. */
function tooDeepAt(text: string, max: number): number | undefined {
	let depth = 0;
	let inString = false;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (inString) {
			if (c === 92 /* \ */) i++;
			else if (c === 34 /* " */) inString = false;
		} else if (c === 34) inString = true;
		else if (c === 123 || c === 91 /* { [ */) {
			if (++depth > max) return i;
		} else if (c === 125 || c === 93 /* } ] */) depth--;
	}
	return undefined;
}

/**
 * Offset of the first JSON syntax error in `text` (text.length when it ends too early). Only run
 * after JSON.parse failed, on text whose nesting is already within the cap.
 */
export function syntaxErrorAt(text: string): number {
	const r = walkJson(text, false);
	return typeof r === 'number' ? r : text.length;
}

/**
 * The JSON path and position of the first key repeated within one object: JSON.parse silently
 * keeps the last one (two "targets" would post to whichever came second).
 */
export function duplicateKeyAt(text: string): { path: string; at: number } | undefined {
	const r = walkJson(text, true);
	return typeof r === 'object' ? r : undefined;
}

/** Walks JSON text: the offset of its first syntax error, or (when asked) its first repeated key. */
function walkJson(
	text: string,
	findDuplicates: boolean,
): number | { path: string; at: number } | undefined {
	let i = 0;
	const ws = () => {
		while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
	};
	const fail = (at: number) => {
		throw at;
	};
	const literal = (word: string) => {
		for (const ch of word) if (text[i++] !== ch) fail(i - 1);
	};
	const string = () => {
		i++; // opening quote
		for (;;) {
			if (i >= text.length) fail(i);
			const c = text.charCodeAt(i);
			if (c === 34) return void i++;
			if (c < 0x20) fail(i);
			if (c === 92) {
				const e = text[i + 1];
				if (e === 'u') {
					if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail(i);
					i += 6;
				} else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
				else fail(i);
			} else i++;
		}
	};
	const number = () => {
		const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
		if (!m || m[0] === '' || m[0] === '-') fail(i);
		i += m![0].length;
	};
	const value = (path: string): void => {
		ws();
		if (i >= text.length) fail(i);
		const c = text[i];
		if (c === '{') {
			i++;
			ws();
			if (text[i] === '}') return void i++;
			const keys = new Set<string>();
			for (;;) {
				ws();
				if (text[i] !== '"') fail(i);
				const keyAt = i;
				string();
				const key = findDuplicates ? (JSON.parse(text.slice(keyAt, i)) as string) : '';
				if (findDuplicates && keys.has(key)) throw { path: `${path}.${key}`, at: keyAt };
				keys.add(key);
				ws();
				if (text[i] !== ':') fail(i);
				i++;
				value(`${path}.${key}`);
				ws();
				if (text[i] === ',') i++;
				else if (text[i] === '}') return void i++;
				else fail(i);
			}
		}
		if (c === '[') {
			i++;
			ws();
			if (text[i] === ']') return void i++;
			for (let n = 0; ; n++) {
				value(`${path}.${n}`);
				ws();
				if (text[i] === ',') i++;
				else if (text[i] === ']') return void i++;
				else fail(i);
			}
		}
		if (c === '"') return string();
		if (c === 't') return literal('true');
		if (c === 'f') return literal('false');
		if (c === 'n') return literal('null');
		return number();
	};
	try {
		value('$');
		ws();
		if (i < text.length) fail(i);
	} catch (at) {
		if (typeof at === 'number') return Math.min(at, text.length);
		if (typeof at === 'object' && at !== null && 'path' in at)
			return at as { path: string; at: number };
		throw at;
	}
	return undefined;
}

/** The JSON path of the first forbidden key, if any (depth is already bounded). */
function forbiddenKeyPath(value: unknown, path = '$'): string | undefined {
	if (typeof value !== 'object' || value === null) return undefined;
	if (Array.isArray(value)) {
		for (let i = 0; i < value.length; i++) {
			const found = forbiddenKeyPath(value[i], `${path}.${i}`);
			if (found) return found;
		}
		return undefined;
	}
	for (const key of Object.keys(value)) {
		if (FORBIDDEN_KEYS.has(key)) return `${path}.${key}`;
		const found = forbiddenKeyPath((value as Record<string, unknown>)[key], `${path}.${key}`);
		if (found) return found;
	}
	return undefined;
}

/**
 * Parses UTF-8 JSON bytes (a leading byte-order mark, as Windows Notepad writes it, is accepted)
 * within the depth cap, refusing prototype keys.
 */
export function parseBoundedJson(
	bytes: Buffer,
	name: string,
	maxDepth = MAX_JSON_DEPTH,
):
	| { ok: true; value: unknown }
	| { ok: false; message: string; path?: string; incomplete?: boolean } {
	let text = bytes.toString('utf8');
	if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
	const deep = tooDeepAt(text, maxDepth);
	if (deep !== undefined)
		return {
			ok: false,
			message: `${name} nests objects or arrays deeper than ${maxDepth} levels (at ${lineColumn(text, deep)}); a sidecar needs only a few`,
		};
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (err) {
		// V8's message quotes the text around the error (and not always its position): find it ourselves.
		void err;
		const at = syntaxErrorAt(text);
		const incomplete = at >= text.length;
		const where = incomplete ? 'the file ends too early' : `at ${lineColumn(text, at)}`;
		return {
			ok: false,
			message: `${name} is not valid JSON (${where}); fix the syntax there, e.g. a missing comma, quote or bracket`,
			...(incomplete ? { incomplete } : {}),
		};
	}
	const duplicate = duplicateKeyAt(text);
	if (duplicate)
		return {
			ok: false,
			path: duplicate.path,
			message: `${name} has the key "${duplicate.path.slice(duplicate.path.lastIndexOf('.') + 1)}" twice in one object (${duplicate.path}, again at ${lineColumn(text, duplicate.at)}); keep one of them`,
		};
	const forbidden = forbiddenKeyPath(value);
	if (forbidden)
		return {
			ok: false,
			path: forbidden,
			message: `${name} uses the key "${forbidden.slice(forbidden.lastIndexOf('.') + 1)}" at ${forbidden}, which postspool refuses (it could change how the post is built); remove it`,
		};
	return { ok: true, value };
}
