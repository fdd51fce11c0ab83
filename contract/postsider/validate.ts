/**
 * `POST /posts` validation exactly as the server runs it (docs/postsider-api.md, Creating posts; Per-provider settings), with its
 * verified messages verbatim. The emulator answers with it; the node and the daemon can run it
 * before sending, so a user sees the same text without spending a request.
 *
 * Order: E2 integration ids → E2 channel lookup → E3 DTO messages (all at once) → E4 per channel
 * (non-drafts: settings, media rule, length; first failure wins).
 */

import type { CreatePostRequest, MediaRef, PostType } from '../postsider';
import {
	ALL_PROVIDER_IDENTIFIERS,
	checkLength,
	checkProviderMedia,
	firstSettingsMessage,
	isSupportedProvider,
	type SupportedProvider,
	isUrlLike,
	validateProviderSettings,
} from './providers';
import { hasVisibleContent, measurePostLength, sanitizePostContent } from './length';
import { MEDIA_DTO, runDto } from './settings-dto';
import { hasPostableExtension, UPLOAD_MESSAGES } from './upload';

export interface ChannelInfo {
	id: string;
	/** Provider identifier, e.g. `x`. */
	identifier: string;
	/** Display name; E4 bodies carry it as `name`. */
	name: string;
	/** X: the channel's additional setting `Verified` allows 4000 weighted characters. */
	verified?: boolean;
	/**
	 * The channel's text limit as the server gives it (`maxLengthFor` on its additional settings,
	 * or `output.maxLength` of `GET /integration-settings/:id`); wins over `verified`.
	 */
	maxLength?: number;
}

export type CreatePostCheck =
	| { ok: true; request: NormalizedCreatePost }
	| { ok: false; shape: 'E2'; message: string }
	| { ok: false; shape: 'E3'; messages: string[] }
	| {
			ok: false;
			shape: 'E4';
			provider: string;
			name: string;
			message: string;
			/** Too long: the counted length and how it was counted (the server gives no figure). */
			detail?: string;
	  };

/** The body after the server's conversions (booleans, numbers, sanitised content, `__type`). */
export interface NormalizedCreatePost extends Omit<CreatePostRequest, 'posts'> {
	posts: Array<{
		channel: ChannelInfo;
		value: Array<{ content: string; image: MediaRef[]; id?: string; delay?: number }>;
		group?: string;
		firstComment?: string;
		settings: Record<string, unknown>;
	}>;
}

const TYPES: readonly PostType[] = ['draft', 'schedule', 'now', 'update'];

// ---------------------------------------------------------------------------------------------
// ISO 8601 as class-validator's `IsDateString` accepts it (validator.js grammar, written anew)

const ISO_DATE = new RegExp(
	'^[+-]?\\d{4}(?:-?(?:(?:0[1-9]|1[0-2])(?:-?(?:0[1-9]|[12]\\d|3[01]))?|W(?:[0-4]\\d|5[0-3])(?:-?[1-7])?|(?:00[1-9]|0[1-9]\\d|[12]\\d{2}|3(?:[0-5]\\d|6[1-6])))' +
		'(?:[T\\s](?:(?:[01]\\d|2[0-3])(?::?[0-5]\\d(?::?[0-5]\\d(?:[.,]\\d+)?)?)?|24:?00)(?:[zZ]|[+-](?:[01]\\d|2[0-3])(?::?[0-5]\\d)?)?)?)?$',
);

export function isIsoDateString(value: unknown): boolean {
	// Not strict: class-validator's IsDateString accepts 2030-02-30 (no calendar check).
	return typeof value === 'string' && ISO_DATE.test(value);
}

/** Milliseconds for an accepted date; offset-less values are UTC (the server runs with TZ=UTC). */
export function parsePostSiderDate(value: string): number {
	let s = value.trim().replace(' ', 'T');
	const week = /^(\d{4})-?W(\d{2})(?:-?(\d))?(T.*)?$/.exec(s);
	if (week) {
		const [y, w, d] = [Number(week[1]), Number(week[2]), Number(week[3] ?? 1)];
		const jan4 = Date.UTC(y, 0, 4);
		const jan4Dow = new Date(jan4).getUTCDay() || 7;
		const monday = jan4 - (jan4Dow - 1) * 86_400_000;
		return monday + ((w - 1) * 7 + (d - 1)) * 86_400_000;
	}
	const basic = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})?(\d{2})?(.*))?$/.exec(s);
	if (basic) {
		s = `${basic[1]}-${basic[2]}-${basic[3]}T${basic[4] ?? '00'}:${basic[5] ?? '00'}:${basic[6] ?? '00'}${basic[7] ?? ''}`;
	}
	if (!s.includes('T')) return Date.parse(s.length === 4 ? `${s}-01-01` : s);
	const [day, time] = s.split('T');
	let t = time;
	if (!/([zZ]|[+-]\d\d:?(\d\d)?)$/.test(t)) t += 'Z';
	t = t.replace(/([+-]\d\d)(\d\d)$/, '$1:$2').replace(/([+-]\d\d)$/, '$1:00');
	s = `${day}T${t}`;
	return Date.parse(s);
}

/** The server's content sanitiser (DOMPurify with the post allow-list); see ./length. */
export { sanitizePostContent as sanitizeContent } from './length';

// ---------------------------------------------------------------------------------------------

function isRecord(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `@IsNumber()` after implicit conversion: `"5"` → 5; anything non-numeric fails. */
function toNumber(value: unknown): number | undefined {
	const n =
		typeof value === 'number'
			? value
			: typeof value === 'string' && value.trim() !== ''
				? Number(value)
				: NaN;
	return Number.isFinite(n) ? n : undefined;
}

/**
 * Runs the server's create-post checks on a parsed body. `lookupChannel` resolves a channel id in
 * the caller's organisation (disabled channels are found too: the server does not reject them).
 */
export function validateCreatePost(
	raw: unknown,
	lookupChannel: (id: string) => ChannelInfo | undefined,
	/** Image sizes by media path, for Pinterest's "same width and height" rule (the server downloads them). */
	sizes?: (path: string) => { width: number; height: number } | undefined,
	/** Server settings: `RESTRICT_UPLOAD_DOMAINS` (media paths must contain this domain). */
	server: { restrictUploadDomain?: string } = {},
): CreatePostCheck {
	const body = isRecord(raw) ? raw : {};
	const postsRaw = body.posts;
	// Step 2.1: every entry needs integration.id (a missing `posts` fails here too).
	if (
		!Array.isArray(postsRaw) ||
		postsRaw.some(
			(p) =>
				!isRecord(p) ||
				!isRecord(p.integration) ||
				typeof p.integration.id !== 'string' ||
				p.integration.id === '',
		)
	) {
		return { ok: false, shape: 'E2', message: 'All posts must have an integration id' };
	}
	// Step 2.2: channel lookup, in order.
	const channels: ChannelInfo[] = [];
	for (const p of postsRaw as Array<{ integration: { id: string } }>) {
		const channel = lookupChannel(p.integration.id);
		if (!channel)
			return {
				ok: false,
				shape: 'E2',
				message: `Integration with id ${p.integration.id} not found`,
			};
		channels.push(channel);
	}

	// Step 2.3: DTO validation, every message at once.
	const messages: string[] = [];
	if (body.type === undefined || body.type === null)
		messages.push('type should not be null or undefined');
	if (typeof body.type !== 'string' || !TYPES.includes(body.type as PostType)) {
		messages.push('type must be one of the following values: draft, schedule, now, update');
	}
	if (body.shortLink === undefined || body.shortLink === null) {
		messages.push('shortLink should not be null or undefined', 'shortLink must be a boolean value');
	}
	const dateText = body.date === undefined || body.date === null ? undefined : String(body.date);
	if (dateText === undefined) messages.push('date should not be null or undefined');
	if (dateText === undefined || !isIsoDateString(dateText))
		messages.push('date must be a valid ISO 8601 date string');
	// Implicit conversion turns a (non-array) object into [] for the untyped `tags: Tags[]`.
	const tags = isRecord(body.tags) ? [] : body.tags;
	if (tags === undefined || tags === null) messages.push('tags should not be null or undefined');
	if (!Array.isArray(tags)) {
		messages.push('tags must be an array');
		if (tags !== undefined)
			messages.push('each value in nested property tags must be either object or array');
	} else if ((tags as unknown[]).some((t) => typeof t !== 'object' || t === null)) {
		messages.push('tags.each value in nested property tags must be either object or array');
	}
	if (body.inter !== undefined && body.inter !== null && toNumber(body.inter) === undefined) {
		messages.push('inter must be a number conforming to the specified constraints');
	}
	if (postsRaw.length === 0) messages.push('posts must contain at least 1 elements');

	const normalizedPosts: NormalizedCreatePost['posts'] = [];
	(postsRaw as Array<Record<string, unknown>>).forEach((entry, i) => {
		const channel = channels[i];
		const at = `posts.${i}`;
		const values: NormalizedCreatePost['posts'][number]['value'] = [];
		if (!Array.isArray(entry.value)) {
			messages.push(`${at}.value must contain at least 1 elements`, `${at}.value must be an array`);
		} else if (entry.value.length === 0) {
			messages.push(`${at}.value must contain at least 1 elements`);
		} else {
			(entry.value as unknown[]).forEach((rawItem, j) => {
				const item = isRecord(rawItem) ? rawItem : {};
				const vat = `${at}.value.${j}`;
				// class-transformer converts a present value to a string, then the sanitiser runs
				// (null becomes ''); a missing `content` stays missing.
				const present = 'content' in item;
				const content = present
					? sanitizePostContent(item.content === null ? null : String(item.content))
					: undefined;
				const images: MediaRef[] = Array.isArray(item.image)
					? (item.image as unknown[]).map((m) => {
							if (!isRecord(m)) return m as MediaRef;
							const id = m.id === undefined || m.id === null ? m.id : String(m.id);
							const path = m.path === undefined || m.path === null ? m.path : String(m.path);
							return { ...m, id, path } as MediaRef;
						})
					: [];
				if (content === undefined) messages.push(`${vat}.content should not be null or undefined`);
				// ValidContent: text required unless there is an image (note the server's ". If").
				if (!hasVisibleContent(content ?? '') && images.length === 0) {
					messages.push(`${vat}. If images do not exist, content must be a non-empty string.`);
				}
				if (content === undefined) messages.push(`${vat}.content must be a string`);
				let delay: number | undefined;
				if (item.delay !== undefined && item.delay !== null) {
					delay = toNumber(item.delay);
					if (delay === undefined)
						messages.push(`${vat}.delay must be a number conforming to the specified constraints`);
				}
				if (!Array.isArray(item.image)) {
					messages.push(`${vat}.image must be an array`);
				} else {
					(item.image as unknown[]).forEach((rawImage, k) => {
						if (!isRecord(rawImage)) {
							messages.push(
								`${vat}.image.each value in nested property image must be either object or array`,
							);
							return;
						}
						const iat = `${vat}.image.${k}`;
						const found = runDto(MEDIA_DTO, rawImage, iat, {
							isUrl: isUrlLike,
							hasExtension: hasPostableExtension,
						}).map((m) => `${m.at}.${m.text}`);
						const domain = server.restrictUploadDomain;
						const path = images[k].path;
						if (domain && (typeof path !== 'string' || !path.includes(domain))) {
							// ValidUrlPath runs right after the extension rule.
							const ext = found.indexOf(`${iat}.${UPLOAD_MESSAGES.badExtension}`);
							const text = `${iat}.URL must contain the domain: ${domain} Make sure you first use the upload API route.`;
							const pathString = found.indexOf(`${iat}.path must be a string`);
							const at = ext >= 0 ? ext + 1 : pathString >= 0 ? pathString : found.length;
							found.splice(at, 0, text);
						}
						messages.push(...found);
					});
				}
				values.push({
					content: content ?? '',
					image: images,
					...(typeof item.id === 'string' && item.id ? { id: item.id } : {}),
					...(delay !== undefined ? { delay } : {}),
				});
			});
		}
		// The server overwrites __type with the channel's provider, then validates that DTO,
		// drafts included; an entry-level `type: "draft"` wins the spread and skips it.
		const settings: Record<string, unknown> = {
			...(isRecord(entry.settings) ? entry.settings : {}),
			__type: channel.identifier,
		};
		const skipSettings = entry.type === 'draft';
		if (!skipSettings) {
			if (isSupportedProvider(channel.identifier)) {
				messages.push(...validateProviderSettings(channel.identifier, settings, `${at}.settings`));
			} else if (!(ALL_PROVIDER_IDENTIFIERS as readonly string[]).includes(channel.identifier)) {
				messages.push(`${at}.settings."__type" must be ${ALL_PROVIDER_IDENTIFIERS.join(', ')}`);
			}
		}
		normalizedPosts.push({
			channel,
			value: values,
			settings,
			...(typeof entry.group === 'string' && entry.group ? { group: entry.group } : {}),
			...(typeof entry.firstComment === 'string' ? { firstComment: entry.firstComment } : {}),
		});
	});
	if (messages.length > 0) return { ok: false, shape: 'E3', messages };

	const type = body.type as PostType;
	const request: NormalizedCreatePost = {
		type,
		date: dateText!,
		shortLink: Boolean(body.shortLink),
		tags: tags as NormalizedCreatePost['tags'],
		posts: normalizedPosts,
		...(body.inter !== undefined && body.inter !== null ? { inter: toNumber(body.inter) } : {}),
		creationMethod: body.creationMethod === 'CLI' ? 'CLI' : 'API',
	};

	// Step 4 (the controller's loops): an empty item on any channel first, then, for non-drafts,
	// each channel's settings, media rule and length in turn; the first failure wins.
	const fail = (channel: ChannelInfo, message: string, detail?: string): CreatePostCheck => ({
		ok: false,
		shape: 'E4',
		provider: channel.identifier,
		name: channel.name,
		message,
		...(detail ? { detail } : {}),
	});
	for (const { channel, value } of normalizedPosts) {
		// Nothing to count and no media (X counts its weighted length here).
		const isX = channel.identifier === 'x';
		if (value.some((v) => measurePostLength(v.content, isX).first === 0 && v.image.length === 0))
			return fail(channel, 'Your post should have at least one character or one image.');
	}
	if (type === 'draft') return { ok: true, request };
	for (const entry of normalizedPosts) {
		const { channel } = entry;
		if (!isSupportedProvider(channel.identifier)) continue;
		const settingsMessages = validateProviderSettings(channel.identifier, entry.settings);
		if (settingsMessages.length > 0)
			return fail(
				channel,
				firstSettingsMessage(channel.identifier, entry.settings) || 'Please fix your settings',
			);
		const mediaProblem = checkProviderMedia(channel.identifier, entry.settings, entry.value, sizes);
		if (mediaProblem) return fail(channel, mediaProblem);
		const tooLong = entry.value
			.map((v) =>
				checkLength(
					channel.identifier as SupportedProvider,
					v.content,
					channel.maxLength ?? channel.verified ?? false,
				),
			)
			.find((c) => !c.ok);
		if (tooLong) return fail(channel, 'post is too long, please fix it', tooLong.explanation);
	}
	return { ok: true, request };
}
