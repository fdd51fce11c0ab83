/**
 * The daemon's configuration file (`config.jsonc`): named API keys per service, account aliases,
 * watched folders with per-folder defaults, the state directory and budget overrides.
 * Validated with zod; every error names the JSON path and says how to fix it.
 */
import { z } from 'zod';
import { checkApiBaseUrl } from '../../../contract/base-url';

/** A secret comes from an environment variable or from a file only the owner can read. */
export const SecretSource = z
	.object({
		env: z.string().min(1).optional().describe('Name of the environment variable holding the key'),
		file: z
			.string()
			.min(1)
			.optional()
			.describe('Path of a file holding the key (mode 600 or stricter)'),
	})
	.strict()
	.refine((s) => (s.env ? 1 : 0) + (s.file ? 1 : 0) === 1, {
		message:
			'give exactly one of "env" (an environment variable name) or "file" (a path to a mode-600 file)',
	});

/**
 * A key's base URL follows the project's one rule (contract/base-url.ts): https, or http for
 * loopback only; no user-info, query or fragment. The key is never sent anywhere else.
 */
const baseUrl = (service: string, example: string) =>
	z.string().superRefine((raw, ctx) => {
		const checked = checkApiBaseUrl(raw, { service, example, where: 'the daemon config' });
		if ('error' in checked) ctx.addIssue({ code: 'custom', message: checked.error });
	});

export const PostSiderKey = z
	.object({
		service: z.literal('postsider'),
		/** Cloud default; self-hosted: `https://<domain>/api/public/v1`. An origin gets `/public/v1` appended. */
		baseUrl: baseUrl('PostSider', 'https://api.postsider.com/public/v1')
			.default('https://api.postsider.com/public/v1')
			.transform((u) => {
				const trimmed = u.replace(/\/+$/, '');
				return trimmed.endsWith('/public/v1') ? trimmed : `${trimmed}/public/v1`;
			}),
		apiKey: SecretSource,
		/** The server's API_LIMIT (requests per minute), when the instance is self-hosted with another value. */
		apiLimit: z.number().int().positive().optional(),
	})
	.strict();

export const PostFastKey = z
	.object({
		service: z.literal('postfast'),
		baseUrl: baseUrl('PostFast', 'https://api.postfa.st')
			.default('https://api.postfa.st')
			.transform((u) => u.replace(/\/+$/, '')),
		apiKey: SecretSource,
		/** Which published limit table the account is on (docs/postfast-api.md, Limits by profile). */
		profile: z.enum(['vendor', 'current']).default('vendor'),
	})
	.strict();

export const KeyConfig = z.discriminatedUnion('service', [PostSiderKey, PostFastKey]);

/** Platform names the sidecar uses for per-platform text, settings and media rules. */
export const PLATFORMS = [
	'x',
	'linkedin',
	'instagram',
	'facebook',
	'tiktok',
	'youtube',
	'threads',
	'bluesky',
	'pinterest',
	'telegram',
	'gbp',
	'mastodon',
	'other',
] as const;
export const Platform = z.enum(PLATFORMS);
export type Platform = z.infer<typeof Platform>;

export const AccountAlias = z
	.object({
		key: z.string().min(1).describe('Name of an entry in "keys"'),
		/** PostSider channel (integration) id, or PostFast social account id. */
		id: z.string().min(1),
		platform: Platform,
	})
	.strict();

export const FolderConfig = z
	.object({
		path: z.string().min(1).describe('Drop folder; inbox/, done/ and failed/ live inside it'),
		/** Deep-merged under every sidecar of this folder (like a top-level `_defaults.json`). */
		defaults: z.record(z.string(), z.unknown()).default({}),
	})
	.strict();

export const BudgetOverride = z
	.object({
		/** Slots kept free in PostSider's per-minute window (the dashboard shares it). */
		reservePerMinute: z.number().int().min(0).optional(),
		/** Slots kept free on PostFast's daily create/upload budgets. */
		reserveDaily: z.number().int().min(0).optional(),
		/** PostFast per-account daily caps: platform (upper case) → posts per 24 h. */
		accountDailyCaps: z.record(z.string(), z.number().int().positive()).optional(),
	})
	.strict();

/** Publish tracking: following accepted posts to published or publish-failed on the service. */
export const TrackingConfig = z
	.object({
		enabled: z.boolean().default(true),
		/** Share of each rate window the tracker may spend; posting keeps the rest. */
		share: z.number().gt(0).max(0.5).default(0.05),
		/** First look this long after a post's publish time (a service publishes on its own tick). */
		firstCheckMs: z.number().int().min(0).default(30_000),
	})
	.strict();

const EVENT_NAMES = [
	'queued',
	'failed',
	'needs-review',
	'published',
	'publish-failed',
	'cancelled',
] as const;

/** Where the daemon tells about what happened: a webhook, the desktop (`events --follow` always works). */
export const NotifyConfig = z
	.object({
		webhook: z
			.object({
				/** Receives a POST of one JSON event per happening (n8n: a Webhook node's production URL). */
				url: z.url({
					protocol: /^https?$/,
					error: "must be an http:// or https:// URL (n8n: the Webhook node's production URL)",
				}),
				/** Signs each body with HMAC-SHA256 (header X-Postspool-Signature: sha256=<hex>). */
				secret: SecretSource.optional(),
				events: z
					.array(z.enum(EVENT_NAMES))
					.min(1)
					.default([...EVENT_NAMES]),
				timeoutMs: z.number().int().min(100).default(10_000),
				/** First retry delay after a failed delivery; doubles up to 5 min (notify/webhook.ts). */
				retryMs: z.number().int().min(10).default(5_000),
			})
			.strict()
			.optional(),
		desktop: z
			.object({
				/** `failures`: failed, needs-review, publish-failed; shown only where a desktop session exists. */
				on: z.enum(['failures', 'all', 'off']).default('failures'),
				/** Replaces notify-send/osascript/the toast; the title and message are appended. */
				command: z.array(z.string().min(1)).min(1).optional(),
			})
			.strict()
			.prefault({}),
	})
	.strict();
export type NotifyConfig = z.infer<typeof NotifyConfig>;

/** The local dashboard `postspool run` serves on 127.0.0.1 (`postspool open` opens it). */
export const DashboardConfig = z
	.object({
		enabled: z.boolean().default(true),
		/** Port on 127.0.0.1; 0 picks any free port (`postspool open` finds it in <stateDir>/dashboard.json). */
		port: z.number().int().min(0).max(65_535).default(7717),
	})
	.strict();

export const ConfigSchema = z
	.object({
		version: z.literal(1),
		stateDir: z.string().min(1).optional(),
		keys: z.record(
			z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, 'key names use letters, digits, - and _'),
			KeyConfig,
		),
		accounts: z
			.record(
				z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/i, 'aliases use letters, digits, ., - and _'),
				AccountAlias,
			)
			.default({}),
		folders: z.array(FolderConfig).min(1, 'add at least one entry to "folders"'),
		budgets: z.record(z.string(), BudgetOverride).default({}),
		/** How long a media file must keep its size and mtime before it is ingested. */
		stableMs: z.number().int().min(0).default(2000),
		/** Full rescan of every inbox, catching what the watcher missed. */
		rescanMs: z.number().int().min(1000).default(60_000),
		/** Attempts for 5xx and network failures before a target fails. */
		maxAttempts: z.number().int().min(1).default(8),
		/** First retry delay for 5xx/network errors; doubles per attempt up to `backoffCapMs` (full jitter). */
		backoffMs: z.number().int().min(10).default(2000),
		backoffCapMs: z.number().int().min(10).default(600_000),
		/** Give up on an API call after this long without an answer (uploads: this long without progress, at least 120 s). */
		requestTimeoutMs: z.number().int().min(100).default(30_000),
		/** Watch the inboxes for changes (false: rely on the rescans every `rescanMs` alone). */
		watch: z.boolean().default(true),
		/** Use filesystem polling (network shares). */
		polling: z.boolean().default(false),
		tracking: TrackingConfig.prefault({}),
		notify: NotifyConfig.prefault({}),
		dashboard: DashboardConfig.prefault({}),
	})
	.strict()
	.superRefine((cfg, ctx) => {
		for (const [alias, account] of Object.entries(cfg.accounts)) {
			if (!cfg.keys[account.key]) {
				ctx.addIssue({
					code: 'custom',
					path: ['accounts', alias, 'key'],
					message: `account "${alias}" uses key "${account.key}", which is not defined in "keys" (defined: ${Object.keys(cfg.keys).join(', ') || 'none'})`,
				});
			}
		}
	});

export type Config = z.infer<typeof ConfigSchema>;
export type KeyConfig = z.infer<typeof KeyConfig>;
export type AccountAlias = z.infer<typeof AccountAlias>;
