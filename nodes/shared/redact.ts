/**
 * Secret redaction for node output. PostSider's `GET /posts/:id` and `DELETE /integrations/:id`
 * return the channel's OAuth `token` and `refreshToken` (postsider-api.md §1 item 12); nothing like
 * that may reach n8n execution data, so every response goes through `redactSecrets` first.
 */
import type { IDataObject } from 'n8n-workflow';

/** Keys whose values are credentials, compared case-insensitively without `_`/`-`. */
const SECRET_KEYS = new Set([
	'token',
	'accesstoken',
	'refreshtoken',
	'idtoken',
	'apikey',
	'secret',
	'clientsecret',
	'password',
	'tokenexpiration',
]);

function isSecretKey(key: string): boolean {
	return SECRET_KEYS.has(key.toLowerCase().replace(/[_-]/g, ''));
}

/** A deep copy of `value` without secret-bearing keys. */
export function redactSecrets<T>(value: T): T {
	if (Array.isArray(value)) return value.map((entry: unknown) => redactSecrets(entry)) as T;
	if (value && typeof value === 'object') {
		const out: IDataObject = {};
		for (const [key, entry] of Object.entries(value as IDataObject)) {
			if (isSecretKey(key)) continue;
			out[key] = redactSecrets(entry);
		}
		return out as T;
	}
	return value;
}
