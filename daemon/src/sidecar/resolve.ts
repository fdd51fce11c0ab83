/**
 * From raw sidecar JSON to a validated post: `_defaults.json` merge, schema check, target
 * resolution against the config's keys and aliases, and time resolution. Every problem carries the
 * sidecar JSON path it concerns.
 */
import { zonedToInstant } from './zoned-time';
import type { z } from 'zod';
import type { Config, Platform } from '../config/schema';
import { type Sidecar, SidecarSchema, type When } from './schema';

export interface Issue {
	/** JSON path inside the sidecar, `$.targets.1`. */
	path: string;
	message: string;
}

export interface ResolvedTarget {
	/** What the sidecar said (alias or id). */
	label: string;
	keyName: string;
	service: 'postsider' | 'postfast';
	accountId: string;
	platform: Platform;
}

export type Validated =
	| { ok: true; sidecar: Sidecar; targets: ResolvedTarget[] }
	| { ok: false; issues: Issue[] };

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
	typeof v === 'object' && v !== null && !Array.isArray(v);

/** Objects merge key by key; arrays and scalars in `over` replace those in `base`. */
export function deepMerge(base: unknown, over: unknown): unknown {
	if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
	const out: Record<string, unknown> = { ...base };
	for (const [k, v] of Object.entries(over)) out[k] = deepMerge(base[k], v);
	return out;
}

const REQUIRED: Record<string, string> = {
	version: 'add "version": 1 (in the sidecar or a _defaults.json)',
	text: 'add "text": the post text (or {"default": "...", "x": "..."})',
	targets: 'add "targets": ["<account alias>"] (in the sidecar or a _defaults.json)',
	when: 'add "when": an ISO time with offset, {"local": "...", "tz": "..."}, "next-slot" or "asap" (in the sidecar or a _defaults.json)',
};

const jsonPath = (path: ReadonlyArray<PropertyKey>) =>
	path.length === 0 ? '$' : `$.${path.map(String).join('.')}`;

const valueAt = (root: unknown, path: ReadonlyArray<PropertyKey>): unknown =>
	path.reduce<unknown>(
		(v, k) =>
			typeof v === 'object' && v !== null ? (v as Record<PropertyKey, unknown>)[k] : undefined,
		root,
	);

const kindOf = (v: unknown) =>
	v === null
		? 'null'
		: Array.isArray(v)
			? 'an array'
			: v === undefined
				? 'missing'
				: `a ${typeof v}`;

/**
 * zod reports a value that fits no form of a union as one bare "Invalid input". Say instead what
 * was wrong, from the form the value was meant as (the branch whose type matched, e.g. the object
 * form of a target), followed by the union's own message, which lists the forms and how to fix it.
 */
function unionIssue(
	issue: Extract<z.core.$ZodIssue, { code: 'invalid_union' }>,
	root: unknown,
): Issue {
	const value = valueAt(root, issue.path);
	// A branch failed on the value's shape itself when its only issue sits at the root and is a type/literal mismatch.
	const meant = issue.errors.filter(
		(branch) =>
			!branch.every(
				(b) => b.path.length === 0 && (b.code === 'invalid_type' || b.code === 'invalid_value'),
			),
	);
	let detail = `got ${kindOf(value)}`;
	if (meant.length === 1 && meant[0].length > 0) {
		const inner = meant[0][0];
		const where = [...issue.path, ...inner.path];
		const innerValue = valueAt(root, where);
		if (inner.path.length === 0) detail = inner.message;
		else if (innerValue === undefined)
			detail = `"${String(inner.path.at(-1))}" is missing at ${jsonPath(where)}`;
		else if (inner.code === 'invalid_value')
			detail = `${JSON.stringify(innerValue)} is not allowed at ${jsonPath(where)} (${inner.message.replace(/^Invalid option: /, '')})`;
		else detail = `${jsonPath(where)}: ${inner.message}`;
	}
	const hint =
		issue.message && issue.message !== 'Invalid input'
			? issue.message
			: 'use one of the forms in the sidecar reference (daemon/README.md)';
	return { path: jsonPath(issue.path), message: `${detail}; ${hint}` };
}

export function validateSidecar(raw: unknown, defaults: unknown[], config: Config): Validated {
	if (!isPlainObject(raw))
		return {
			ok: false,
			issues: [
				{
					path: '$',
					message:
						'the sidecar must be a JSON object such as {"version": 1, "text": "...", "targets": ["alias"], "when": "asap"}',
				},
			],
		};
	let merged: unknown = {};
	for (const d of defaults) merged = deepMerge(merged, d);
	merged = deepMerge(merged, raw);
	const parsed = SidecarSchema.safeParse(merged);
	if (!parsed.success) {
		const m = merged as Record<string, unknown>;
		return {
			ok: false,
			issues: parsed.error.issues.map((i) => {
				const field = i.path.length === 1 ? String(i.path[0]) : '';
				// A missing required field gets a message that says what to add, not a type error.
				const required = REQUIRED[field];
				if (required && m[field] === undefined)
					return { path: jsonPath(i.path), message: required };
				if (i.code === 'invalid_union') return unionIssue(i, merged);
				return { path: jsonPath(i.path), message: i.message };
			}),
		};
	}
	const sidecar = parsed.data;
	const issues: Issue[] = [];
	const targets: ResolvedTarget[] = [];
	sidecar.targets.forEach((t, i) => {
		const path = `$.targets.${i}`;
		if (typeof t === 'string') {
			const alias = config.accounts[t];
			if (alias) {
				const key = config.keys[alias.key];
				targets.push({
					label: t,
					keyName: alias.key,
					service: key.service,
					accountId: alias.id,
					platform: alias.platform,
				});
				return;
			}
			const m = /^(postsider|postfast):(.+)$/.exec(t);
			if (m) {
				const keyName = Object.entries(config.keys).find(([, k]) => k.service === m[1])?.[0];
				if (!keyName) {
					issues.push({
						path,
						message: `no ${m[1]} key is configured; add one under "keys" in the config`,
					});
					return;
				}
				targets.push({
					label: t,
					keyName,
					service: m[1] as ResolvedTarget['service'],
					accountId: m[2],
					platform: 'other',
				});
				return;
			}
			const known = Object.keys(config.accounts);
			issues.push({
				path,
				message: `"${t}" is not an account alias in the config (known: ${known.join(', ') || 'none'}); add it under "accounts" or write "postsider:<channel id>" / "postfast:<account id>"`,
			});
			return;
		}
		const key = config.keys[t.key];
		if (!key) {
			issues.push({
				path: `${path}.key`,
				message: `key "${t.key}" is not defined in the config (defined: ${Object.keys(config.keys).join(', ')})`,
			});
			return;
		}
		targets.push({
			label: `${t.key}:${t.id}`,
			keyName: t.key,
			service: key.service,
			accountId: t.id,
			platform: t.platform,
		});
	});
	const seen = new Set<string>();
	targets.forEach((t, i) => {
		const id = `${t.service}:${t.accountId}`;
		if (seen.has(id))
			issues.push({
				path: `$.targets.${i}`,
				message: `the account ${t.label} is listed twice; list each account once`,
			});
		seen.add(id);
	});
	if (sidecar.when === 'next-slot') {
		targets.forEach((t, i) => {
			if (t.service !== 'postsider')
				issues.push({
					path: '$.when',
					message: `"next-slot" uses PostSider's slots, but target ${i} (${t.label}) is on PostFast; give an explicit time or post it from a separate sidecar`,
				});
		});
	}
	return issues.length > 0 ? { ok: false, issues } : { ok: true, sidecar, targets };
}

export { zonedToInstant } from './zoned-time';

export type ResolvedWhen = { kind: 'at'; at: number } | { kind: 'asap' } | { kind: 'next-slot' };

export function resolveWhen(when: When): ResolvedWhen {
	if (when === 'asap' || when === 'next-slot') return { kind: when };
	if (typeof when === 'string') return { kind: 'at', at: Date.parse(when) };
	return { kind: 'at', at: zonedToInstant(when.local, when.tz) };
}

/** Placeholders allowed in text: {{stem}}, {{date}} (drop date, YYYY-MM-DD), {{n}} (media count). No code. */
export function fillPlaceholders(
	text: string,
	vars: { stem: string; date: string; n: number },
): string {
	return text.replace(/\{\{\s*(stem|date|n)\s*\}\}/g, (_, name: 'stem' | 'date' | 'n') =>
		String(vars[name]),
	);
}
