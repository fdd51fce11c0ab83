/**
 * The one base-URL rule every client of the project applies before a request carries an API key
 * (both n8n credentials and nodes, the daemon's config and its `doctor`):
 *
 * - `https://`, or plain `http://` for a loopback host only (localhost, 127.x.x.x, [::1]) — a key
 *   sent over plain http to any other host travels in clear text;
 * - no user name or password (the key has its own field), no query, no fragment.
 *
 * Redirects are never followed while a key is attached; that part lives in each transport.
 * Pure function, no dependencies (n8n community lint).
 */

const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

export function isLoopbackHost(hostname: string): boolean {
	return LOOPBACK_HOST.test(hostname);
}

export interface BaseUrlRuleOptions {
	/** Names the service in messages, e.g. "PostSider". */
	service: string;
	/** What a correct value looks like, e.g. "https://api.postsider.com". */
	example: string;
	/** Where the user sets it, e.g. "the PostSider credential" or "keys.sider.baseUrl". */
	where: string;
}

export type BaseUrlCheck = { url: URL } | { error: string };

/** Checks a base URL against the rule; the error text names the value, the place and the fix. */
export function checkApiBaseUrl(raw: unknown, options: BaseUrlRuleOptions): BaseUrlCheck {
	const { service, example, where } = options;
	const text = typeof raw === 'string' ? raw.trim() : '';
	if (!text) return { error: `${where} has no ${service} base URL; use ${example}` };
	let parsed: URL;
	try {
		parsed = new URL(text);
	} catch {
		return { error: `The ${service} base URL "${text}" in ${where} is not a URL; use ${example}` };
	}
	if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
		return {
			error: `The ${service} base URL in ${where} must start with https:// (got "${parsed.protocol}"); use ${example}`,
		};
	}
	if (parsed.username || parsed.password) {
		return {
			error: `The ${service} base URL in ${where} must not contain a user name or password; the API key has its own setting`,
		};
	}
	if (parsed.protocol === 'http:' && !isLoopbackHost(parsed.hostname)) {
		return {
			error: `The ${service} base URL "${parsed.origin}${parsed.pathname}" in ${where} uses plain http, which would send the API key unencrypted; use https:// (plain http is accepted only for localhost, 127.0.0.1 and [::1])`,
		};
	}
	if (parsed.search || parsed.hash) {
		return {
			error: `The ${service} base URL "${parsed.origin}${parsed.pathname}" in ${where} must not have a query or fragment`,
		};
	}
	return { url: parsed };
}
