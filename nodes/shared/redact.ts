/**
 * Secret redaction for node output. PostSider's `GET /posts/:id` and `DELETE /integrations/:id`
 * return the channel's integration row with its OAuth `token`, `refreshToken` and
 * `customInstanceDetails` (docs/postsider-api.md, "Reading one post"); nothing like that may reach
 * n8n execution data, so every PostSider response goes through `redactSecrets` in the transport.
 */
import type { IDataObject } from 'n8n-workflow';
import { POSTSIDER_SECRET_FIELDS } from '../../contract/postsider';

const normalise = (key: string) => key.toLowerCase().replace(/[_-]/g, '');

/** Keys whose values are credentials, compared case-insensitively without `_`/`-`. */
const SECRET_KEYS = new Set(
	[...POSTSIDER_SECRET_FIELDS, 'accessToken', 'idToken', 'apiKey', 'tokenExpiration'].map(
		normalise,
	),
);

/** Any "…secret" or "…password" (clientSecret, tokenSecret, appPassword) is a credential too. */
function isSecretKey(key: string): boolean {
	const name = normalise(key);
	return SECRET_KEYS.has(name) || name.endsWith('secret') || name.endsWith('password');
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
