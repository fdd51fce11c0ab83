/**
 * Both emulators in the test process, plus what the e2e tests need around them: the credentials
 * n8n gets, reads through the services' public APIs (never through our nodes), and every secret
 * the emulators hold, for the leak scans.
 */
import { startPostFast, startPostSider } from '../../../emulators/src/index';

export type PostSiderEmulator = Awaited<ReturnType<typeof startPostSider>>;
export type PostFastEmulator = Awaited<ReturnType<typeof startPostFast>>;
/** One logged request; PostFast's also say which listener (`api` or `s3`) took it. */
export type LoggedRequest = PostSiderEmulator['requests'][number] & { service?: string };

export interface Emulators {
	ps: PostSiderEmulator;
	pf: PostFastEmulator;
	close(): Promise<void>;
}

export async function startEmulators(): Promise<Emulators> {
	// The real PostSider refuses to fetch loopback URLs; here every media server is loopback.
	const ps = await startPostSider({ uploadFromUrlAllow: () => true });
	const pf = await startPostFast({});
	return { ps, pf, close: async () => void (await Promise.allSettled([ps.close(), pf.close()])) };
}

/** Credential ids the e2e workflows are pointed at (lib/workflows re-points every reference). */
export const CREDENTIALS = {
	postSiderApi: { id: 'e2ePostSiderCred', name: 'PostSider (emulator)' },
	postFastApi: { id: 'e2ePostFastCred0', name: 'PostFast (emulator)' },
};

/** The credentials as a user fills them in: PostSider's origin (the node adds /public/v1), PostFast's base URL. */
export function credentialData({ ps, pf }: Emulators) {
	return {
		postSiderApi: { apiKey: ps.apiKey, baseUrl: ps.origin },
		postFastApi: { apiKey: pf.apiKey, baseUrl: pf.baseUrl },
	};
}

export async function postSiderGet<T>(ps: PostSiderEmulator, path: string): Promise<T> {
	const res = await fetch(`${ps.baseUrl}${path}`, { headers: { authorization: ps.apiKey } });
	if (!res.ok) throw new Error(`PostSider emulator GET ${path}: ${res.status} ${await res.text()}`);
	return (await res.json()) as T;
}

export async function postFastCall<T>(
	pf: PostFastEmulator,
	path: string,
	init: RequestInit = {},
): Promise<T> {
	const res = await fetch(`${pf.baseUrl}${path}`, {
		...init,
		headers: {
			'pf-api-key': pf.apiKey,
			'content-type': 'application/json',
			...(init.headers as Record<string, string>),
		},
	});
	if (!res.ok)
		throw new Error(
			`PostFast emulator ${init.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`,
		);
	return (await res.json()) as T;
}

/** Every API key and OAuth-token-like value the emulators hold: none may leave n8n. */
export function secretsOf({ ps, pf }: Emulators): string[] {
	const found = new Set<string>();
	for (const emulator of [ps, pf]) {
		found.add(emulator.apiKey);
		for (const key of emulator.apiKeys) found.add(key.apiKey);
	}
	const walk = (value: unknown, key = ''): void => {
		if (typeof value === 'string') {
			// token, refreshToken, clientSecret, apiKey, … but not tokenExpiration dates.
			if (
				/(token|secret|password|apikey)$/i.test(key) &&
				value.length >= 8 &&
				Number.isNaN(Date.parse(value))
			)
				found.add(value);
		} else if (value instanceof Map) {
			for (const [k, v] of value) walk(v, String(k));
		} else if (Array.isArray(value)) {
			for (const v of value) walk(v, key);
		} else if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
			for (const [k, v] of Object.entries(value)) walk(v, k);
		}
	};
	walk(ps.store);
	walk(pf.store);
	return [...found].filter((s) => s.length >= 8);
}

export function apiKeysOf({ ps, pf }: Emulators): string[] {
	return [ps, pf].flatMap((e) => [e.apiKey, ...e.apiKeys.map((k) => k.apiKey)]);
}

interface ChannelRef {
	id: string;
	identifier: string;
	disabled: boolean;
}
interface AccountRef {
	id: string;
	platform: string;
	connectionStatus?: string;
}

/**
 * Placeholder values for e2e workflow files: `PS_CHANNEL_<PROVIDER>` (first enabled PostSider
 * channel of each provider), `PF_ACCOUNT_<PLATFORM>` and `PF_DISABLED_ACCOUNT` (PostFast), read
 * through the public APIs.
 */
export async function emulatorPlaceholders({ ps, pf }: Emulators): Promise<Record<string, string>> {
	const channels = await postSiderGet<ChannelRef[]>(ps, '/integrations');
	const accounts = await postFastCall<AccountRef[]>(pf, '/social-media/my-social-accounts');
	const placeholders: Record<string, string> = {};
	for (const c of channels)
		if (!c.disabled)
			placeholders[`PS_CHANNEL_${c.identifier.toUpperCase().replace(/-/g, '_')}`] ??= c.id;
	for (const a of accounts) {
		if (a.connectionStatus === 'DISABLED') placeholders.PF_DISABLED_ACCOUNT ??= a.id;
		else placeholders[`PF_ACCOUNT_${a.platform.toUpperCase()}`] ??= a.id;
	}
	return placeholders;
}
