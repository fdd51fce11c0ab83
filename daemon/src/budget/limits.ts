/**
 * Rate budgets as data (docs/daemon.md, Budgets as data): each rule is one server window the client
 * must never overrun. The tables below are the published limits of each service profile.
 *
 * A rule applies to a call when the call's service matches, its endpoint is in `endpoints` (all
 * endpoints of the service when absent) and its method is in `methods` (all when absent). The rule's
 * log is kept once per key (`shared`), once per key and endpoint (`endpoint`), or once per key and
 * social account (`account`, a planner constraint on published posts rather than an HTTP window).
 */
import { POSTFAST_ENDPOINTS } from '../api/postfast';
import { POSTSIDER_ENDPOINTS } from '../api/postsider';
import {
	FAIR_USE_DAILY_PUBLISHES,
	MAX_IMAGE_URLS_PER_REQUEST,
	MAX_POSTS_PER_REQUEST,
	POSTFAST_DEFAULT_PROFILE,
	POSTFAST_PROFILES,
	POSTFAST_WINDOWS,
	type PostFastProfile,
	type PostFastWindow,
} from '../../../contract/postfast';
import {
	POSTSIDER_DEFAULT_API_LIMIT,
	POSTSIDER_HOURLY_WINDOW_MS,
	POSTSIDER_MINUTE_WINDOW_MS,
	POSTSIDER_MUTATING_METHODS,
} from '../../../contract/postsider';

export type Service = 'postsider' | 'postfast';

export interface BudgetRule {
	/** Stable id, used in the database and in `status`: e.g. `postfast:daily:POST /social-posts`. */
	id: string;
	service: Service;
	/**
	 * The server's window name, which is also the rate-header suffix: PostFast `short`, `medium`,
	 * `long`, `daily`; `''` for plain `X-RateLimit-*` headers (PostSider's per-minute limiter).
	 * Undefined when the server reports nothing for this window (it is never learned from headers).
	 */
	header?: string;
	/** Human label for status output and gating messages. */
	label: string;
	limit: number;
	windowMs: number;
	endpoints?: string[];
	/** Endpoints that carry their own value for this window name and so are not counted here. */
	excludeEndpoints?: string[];
	/** HTTP methods counted (PostSider's hourly throttler counts mutating calls only). */
	methods?: string[];
	partition: 'shared' | 'endpoint' | 'account';
	/** For `account` rules: platforms the cap applies to (e.g. `X`). */
	platforms?: string[];
	/** Slots kept free for manual or urgent calls (docs/daemon.md, Headroom). */
	reserve?: number;
}

export interface LimitTable {
	rules: BudgetRule[];
	/** Per-request maxima the planner batches up to. */
	perRequest: {
		/** PostFast `POST /social-posts`: posts per request. */
		postfastPostsPerCreate: number;
		/** PostFast `POST /file/get-signed-upload-urls`: image URLs per request (video/docs: 1). */
		postfastImageUrlsPerRequest: number;
	};
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

// The published limits are the contract's (docs/postfast-api.md, Limits by profile): one table for emulator and daemon.
export {
	POSTFAST_PROFILES,
	POSTFAST_WINDOWS,
	type PostFastProfile,
	type PostFastWindow,
} from '../../../contract/postfast';

export interface PostFastLimitOptions {
	profile?: PostFastProfile;
	/**
	 * How the default (global) windows are counted. The vendor page says "global rate limits (all
	 * endpoints)"; the throttler code counts per endpoint (docs/postfast-api.md, Counter scope). `shared` (default,
	 * the stricter reading) counts every call in one log per window; `endpoint` keeps one per endpoint.
	 */
	globalScope?: 'shared' | 'endpoint';
	/**
	 * Per-account caps on published posts (fair use): platform → posts per rolling 24 h (which also
	 * keeps every UTC day under the cap). Default: the profile's published caps (vendor: X 5).
	 */
	accountDailyCaps?: Record<string, number>;
	/** Slots kept free on the scarce daily create and upload-URL budgets. */
	reserveDaily?: number;
}

export function postfastLimits(opts: PostFastLimitOptions = {}): LimitTable {
	const profileName = opts.profile ?? 'vendor';
	const profile = POSTFAST_PROFILES[profileName];
	const scope = opts.globalScope ?? 'shared';
	const rules: BudgetRule[] = [];
	const overridden = Object.entries(profile.endpoints);
	for (const [window, limit] of Object.entries(profile.defaults) as Array<
		[PostFastWindow, number]
	>) {
		// In `endpoint` scope an endpoint's own value replaces the default for that window name only.
		const exempt =
			scope === 'endpoint'
				? overridden.filter(([, w]) => w[window] !== undefined).map(([e]) => e)
				: [];
		rules.push({
			id: `postfast:${window}`,
			service: 'postfast',
			header: window,
			label: `PostFast ${window} window (${limit} per ${describeMs(POSTFAST_WINDOWS[window])}${scope === 'shared' ? ', all endpoints' : ', per endpoint'})`,
			limit,
			windowMs: POSTFAST_WINDOWS[window],
			partition: scope,
			...(exempt.length > 0 ? { excludeEndpoints: exempt } : {}),
		});
	}
	for (const [endpoint, windows] of overridden) {
		for (const [window, limit] of Object.entries(windows) as Array<[PostFastWindow, number]>) {
			const scarce =
				window === 'daily' &&
				(endpoint === POSTFAST_ENDPOINTS.createPosts || endpoint === POSTFAST_ENDPOINTS.uploadUrls);
			rules.push({
				id: `postfast:${window}:${endpoint}`,
				service: 'postfast',
				header: window,
				label: `PostFast ${endpoint} ${window} window (${limit} per ${describeMs(POSTFAST_WINDOWS[window])})`,
				limit,
				windowMs: POSTFAST_WINDOWS[window],
				endpoints: [endpoint],
				partition: 'endpoint',
				...(scarce && opts.reserveDaily ? { reserve: opts.reserveDaily } : {}),
			});
		}
	}
	const caps: Record<string, number> = opts.accountDailyCaps ?? {
		...FAIR_USE_DAILY_PUBLISHES[profileName],
	};
	for (const [platform, limit] of Object.entries(caps)) {
		rules.push({
			id: `postfast:account-daily:${platform}`,
			service: 'postfast',
			label: `PostFast ${platform} posts per account (${limit} per 24 h, fair use)`,
			limit,
			windowMs: DAY,
			endpoints: [POSTFAST_ENDPOINTS.createPosts],
			partition: 'account',
			platforms: [platform],
		});
	}
	return {
		rules,
		perRequest: {
			postfastPostsPerCreate: MAX_POSTS_PER_REQUEST,
			postfastImageUrlsPerRequest: profile.imageUrlsPerRequest,
		},
	};
}

export interface PostSiderLimitOptions {
	/**
	 * The server's `API_LIMIT` (docs/postsider-api.md, Rate limits): requests per minute per organisation over every
	 * call, and, when set on the server, also requests per hour per mutating handler. Default 60.
	 */
	apiLimit?: number;
	/**
	 * The hourly per-handler throttler's limit. Defaults to `apiLimit` (the shipped `.env.example`
	 * sets API_LIMIT=60, and the stricter reading wins when the server's setting is unknown).
	 */
	hourlyLimit?: number;
	/** Slots kept free in the per-minute window (the dashboard shares it). */
	reservePerMinute?: number;
}

export function postsiderLimits(opts: PostSiderLimitOptions = {}): LimitTable {
	const apiLimit = opts.apiLimit ?? POSTSIDER_DEFAULT_API_LIMIT;
	const hourly = opts.hourlyLimit ?? apiLimit;
	return {
		rules: [
			{
				id: 'postsider:minute',
				service: 'postsider',
				header: '',
				label: `PostSider API limit (${apiLimit} per minute, every call of the organisation)`,
				limit: apiLimit,
				windowMs: POSTSIDER_MINUTE_WINDOW_MS,
				partition: 'shared',
				...(opts.reservePerMinute ? { reserve: opts.reservePerMinute } : {}),
			},
			{
				id: 'postsider:hourly',
				service: 'postsider',
				label: `PostSider hourly throttler (${hourly} per hour per mutating endpoint)`,
				limit: hourly,
				windowMs: POSTSIDER_HOURLY_WINDOW_MS,
				methods: [...POSTSIDER_MUTATING_METHODS],
				partition: 'endpoint',
			},
		],
		perRequest: {
			postfastPostsPerCreate: MAX_POSTS_PER_REQUEST,
			postfastImageUrlsPerRequest: MAX_IMAGE_URLS_PER_REQUEST[POSTFAST_DEFAULT_PROFILE],
		},
	};
}

/** Both services' rules in one table (a daemon with keys of both kinds). */
export function limitTable(
	parts: { postsider?: PostSiderLimitOptions; postfast?: PostFastLimitOptions } = {},
): LimitTable {
	const ps = postsiderLimits(parts.postsider);
	const pf = postfastLimits(parts.postfast);
	return { rules: [...ps.rules, ...pf.rules], perRequest: pf.perRequest };
}

/** Every endpoint id each service's client uses, for status listings. */
export const KNOWN_ENDPOINTS: Record<Service, string[]> = {
	postsider: Object.values(POSTSIDER_ENDPOINTS),
	postfast: Object.values(POSTFAST_ENDPOINTS),
};

export function describeMs(ms: number): string {
	if (ms % DAY === 0) return ms === DAY ? 'day' : `${ms / DAY} days`;
	if (ms % HOUR === 0) return ms === HOUR ? 'hour' : `${ms / HOUR} hours`;
	if (ms % MIN === 0) return ms === MIN ? 'minute' : `${ms / MIN} minutes`;
	return `${ms / 1000} s`;
}
