/**
 * The sidecar (`clip.mp4.json`, `clip.json` or a folder's `post.json`), version 1. The JSON Schema
 * for editors is generated from this file (`npm run schema -w daemon` → daemon/schema/sidecar.schema.json).
 */
import { z } from 'zod';
import { PLATFORMS, Platform } from '../config/schema';

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?$/;
const LOCAL_TIME_PARTS = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;

/** `2030-02-30` parses in V8 (it rolls over); refuse days a calendar does not have. */
function isRealDate(s: string): boolean {
	const [y, m, d] = s.slice(0, 10).split('-').map(Number);
	const date = new Date(Date.UTC(y, m - 1, d));
	return !Number.isNaN(Date.parse(s)) && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** A local "YYYY-MM-DD HH:mm[:ss]" that a calendar and a clock have (never rolled over). */
function isRealLocalTime(s: string): boolean {
	const m = LOCAL_TIME_PARTS.exec(s);
	if (!m) return false;
	const [y, mo, d, h, mi, sec] = m.slice(1).map((v) => Number(v ?? 0));
	const date = new Date(Date.UTC(y, mo - 1, d));
	return (
		date.getUTCFullYear() === y &&
		date.getUTCMonth() === mo - 1 &&
		date.getUTCDate() === d &&
		h <= 23 &&
		mi <= 59 &&
		sec <= 59
	);
}

function isTimeZone(tz: string): boolean {
	try {
		new Intl.DateTimeFormat('en-US', { timeZone: tz });
		return true;
	} catch {
		return false;
	}
}

export const When = z.union(
	[
		z
			.literal('asap')
			.describe('As soon as the budgets allow (PostSider "now"; PostFast a minute ahead)'),
		z
			.literal('next-slot')
			.describe("The channel's next free slot from PostSider's find-slot (PostSider targets only)"),
		z
			.string()
			.refine(
				(s) => ISO_WITH_OFFSET.test(s) && isRealDate(s),
				'use a real ISO time WITH an offset, e.g. "2026-12-01T09:00:00+01:00" or "...Z", or {"local": "2026-12-01 09:00", "tz": "Europe/Berlin"}, "next-slot" or "asap"',
			),
		z
			.object({
				local: z
					.string()
					.regex(LOCAL_TIME, 'write the local time as "YYYY-MM-DD HH:mm"')
					.refine(
						isRealLocalTime,
						'that day or time does not exist on a calendar (e.g. 2027-02-30, 24:00); write a real date and a time from 00:00 to 23:59',
					),
				tz: z
					.string()
					.refine(isTimeZone, 'unknown time zone; use an IANA name such as "Europe/Berlin"'),
			})
			.strict(),
	],
	{
		error:
			'use an ISO time WITH an offset, e.g. "2026-12-01T09:00:00+01:00" or "...Z", {"local": "2026-12-01 09:00", "tz": "Europe/Berlin"}, "next-slot" or "asap"',
	},
);

export const Target = z.union(
	[
		z
			.string()
			.min(1)
			.describe(
				'An account alias from the config, or "postsider:<channel id>" / "postfast:<account id>"',
			),
		z
			.object({
				key: z.string().min(1).describe('Key name from the config'),
				id: z.string().min(1).describe('PostSider channel id or PostFast account id'),
				platform: Platform,
			})
			.strict(),
	],
	{
		error: `use an account alias from the config ("acme-x"), "postsider:<channel id>" / "postfast:<account id>", or {"key": "<key name>", "id": "<account id>", "platform": "<one of ${PLATFORMS.join(', ')}>"}`,
	},
);

const platformRecord = <T extends z.ZodType>(value: T) => z.partialRecord(z.enum(PLATFORMS), value);

export const SidecarSchema = z
	.object({
		$schema: z.string().optional(),
		version: z.literal(1).describe('Sidecar format version'),
		text: z
			.union(
				[
					z.string(),
					z
						.object({ default: z.string() })
						.extend(Object.fromEntries(PLATFORMS.map((p) => [p, z.string().optional()])))
						.strict(),
				],
				{
					error:
						'use a string ("text": "Hello") or an object with a "default" text and optional per-platform texts ("text": {"default": "Hello", "x": "Hi"})',
				},
			)
			.describe('The post text, or {"default": "...", "x": "shorter text for X", ...}'),
		targets: z.array(Target).min(1, 'name at least one target (an account alias from the config)'),
		when: When,
		draft: z.boolean().default(false).describe('Create a draft instead of scheduling'),
		media: z
			.array(z.string().min(1))
			.optional()
			.describe('Media file names in posting order (folder posts); default: natural name order'),
		firstComment: z.string().optional(),
		late: z
			.enum(['fail', 'post-now', 'skip'])
			.default('fail')
			.describe(
				'When the time is already past: fail (default), post-now, or skip (move to done/ without posting)',
			),
		postsider: z
			.object({
				settings: platformRecord(z.record(z.string(), z.unknown()))
					.optional()
					.describe('PostSider provider settings per platform (posts[].settings)'),
				tags: z.array(z.string()).optional(),
				shortLink: z.boolean().optional(),
			})
			.strict()
			.optional(),
		postfast: z
			.object({
				controls: platformRecord(z.record(z.string(), z.unknown()))
					.optional()
					.describe('PostFast controls per platform'),
				approval: z.enum(['APPROVED', 'PENDING_APPROVAL']).optional(),
			})
			.strict()
			.optional(),
	})
	.strict();

export type Sidecar = z.infer<typeof SidecarSchema>;
export type When = z.infer<typeof When>;

/** The text for one platform: its override, else the default. */
export function textFor(sidecar: Sidecar, platform: Platform): string {
	if (typeof sidecar.text === 'string') return sidecar.text;
	const texts = sidecar.text as Record<string, string | undefined> & { default: string };
	return texts[platform] ?? texts.default;
}

export function sidecarJsonSchema(): unknown {
	return z.toJSONSchema(SidecarSchema, { io: 'input', unrepresentable: 'any' });
}
