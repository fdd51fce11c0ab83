/**
 * The server's provider settings DTOs (class-validator 0.14 + class-transformer 0.5 with implicit
 * conversion), restated as data: for each property in the DTO's source order, the conversion its
 * declared type implies and the constraints in the order class-validator reports them (`IsDefined`
 * first, then the other decorators bottom-up). docs/postsider-api.md, "Per-provider settings".
 */

/** The declared TypeScript type: implicit conversion turns values into it before validating. */
type Declared = 'string' | 'boolean' | 'array' | 'object';

type Constraint =
	| { kind: 'defined'; message?: string }
	| { kind: 'string'; message?: string }
	| { kind: 'boolean' }
	| { kind: 'in'; values: readonly string[] }
	| { kind: 'minLength'; n: number; message?: string }
	| { kind: 'maxLength'; n: number }
	| { kind: 'matches'; pattern: RegExp; message: string }
	| { kind: 'url' }
	| { kind: 'array' }
	| { kind: 'youtubeTagsLength' }
	/** `ValidateNested` of a class: each array item (`each`) or the value itself. */
	| { kind: 'nested'; each: boolean; dto: DtoProperty[] };

export interface DtoProperty {
	name: string;
	declared: Declared;
	/** `IsOptional`: null/undefined skip every constraint. */
	optional?: boolean;
	/** `ValidateIf`: when false every constraint is skipped. */
	validateIf?: (settings: Record<string, unknown>) => boolean;
	/** `@Type(() => Class)`: objects become instances (an object is not turned into an array). */
	typed?: boolean;
	constraints: Constraint[];
}

const isNil = (v: unknown) => v === null || v === undefined;

/** The server's `MediaDto` (YouTube thumbnail). */
export const MEDIA_DTO: DtoProperty[] = [
	{ name: 'id', declared: 'string', constraints: [{ kind: 'defined' }, { kind: 'string' }] },
	{
		name: 'path',
		declared: 'string',
		constraints: [
			{ kind: 'defined' },
			{ kind: 'matches', pattern: /./, message: 'EXTENSION' },
			{ kind: 'string' },
		],
	},
	{
		name: 'alt',
		declared: 'string',
		validateIf: (o) => Boolean(o.alt),
		constraints: [{ kind: 'string' }],
	},
	{
		name: 'thumbnail',
		declared: 'string',
		validateIf: (o) => Boolean(o.thumbnail),
		constraints: [{ kind: 'url' }],
	},
];

const YOUTUBE_TAG_DTO: DtoProperty[] = [
	{ name: 'value', declared: 'string', constraints: [{ kind: 'string' }] },
	{ name: 'label', declared: 'string', constraints: [{ kind: 'string' }] },
];
const COLLABORATOR_DTO: DtoProperty[] = [
	{ name: 'label', declared: 'string', constraints: [{ kind: 'defined' }, { kind: 'string' }] },
];

const LINKEDIN: DtoProperty[] = [
	{
		name: 'post_as_images_carousel',
		declared: 'boolean',
		optional: true,
		constraints: [{ kind: 'boolean' }],
	},
	{ name: 'carousel_name', declared: 'string', optional: true, constraints: [{ kind: 'string' }] },
];

export const SETTINGS_DTOS: Record<string, DtoProperty[] | undefined> = {
	x: [
		{
			name: 'community',
			declared: 'string',
			optional: true,
			constraints: [
				{
					kind: 'matches',
					pattern: /^(https:\/\/x\.com\/i\/communities\/\d+)?$/,
					message:
						'Invalid X community URL. It should be in the format: https://x.com/i/communities/1493446837214187523',
				},
			],
		},
		{
			name: 'who_can_reply_post',
			declared: 'string',
			constraints: [
				{
					kind: 'in',
					values: ['everyone', 'following', 'mentionedUsers', 'subscribers', 'verified'],
				},
			],
		},
		{
			name: 'made_with_ai',
			declared: 'boolean',
			optional: true,
			constraints: [{ kind: 'boolean' }],
		},
		{
			name: 'paid_partnership',
			declared: 'boolean',
			optional: true,
			constraints: [{ kind: 'boolean' }],
		},
	],
	linkedin: LINKEDIN,
	'linkedin-page': LINKEDIN,
	instagram: [
		{
			name: 'post_type',
			declared: 'string',
			constraints: [{ kind: 'defined' }, { kind: 'in', values: ['post', 'story'] }],
		},
		{ name: 'is_trial_reel', declared: 'boolean', optional: true, constraints: [] },
		{
			name: 'graduation_strategy',
			declared: 'string',
			optional: true,
			constraints: [{ kind: 'in', values: ['MANUAL', 'SS_PERFORMANCE'] }],
		},
		{
			name: 'collaborators',
			declared: 'array',
			optional: true,
			typed: true,
			constraints: [{ kind: 'array' }, { kind: 'nested', each: true, dto: COLLABORATOR_DTO }],
		},
	],
	facebook: [
		{
			name: 'url',
			declared: 'string',
			optional: true,
			validateIf: (o) => Boolean(o.url),
			constraints: [{ kind: 'url' }],
		},
		{
			name: 'post_type',
			declared: 'string',
			optional: true,
			constraints: [{ kind: 'in', values: ['post', 'story'] }],
		},
	],
	tiktok: [
		{
			name: 'title',
			declared: 'string',
			validateIf: (o) => Boolean(o.title),
			constraints: [{ kind: 'maxLength', n: 90 }],
		},
		{
			name: 'privacy_level',
			declared: 'string',
			constraints: [
				{ kind: 'string' },
				{
					kind: 'in',
					values: [
						'PUBLIC_TO_EVERYONE',
						'MUTUAL_FOLLOW_FRIENDS',
						'FOLLOWER_OF_CREATOR',
						'SELF_ONLY',
					],
				},
			],
		},
		{ name: 'duet', declared: 'boolean', constraints: [{ kind: 'boolean' }] },
		{ name: 'stitch', declared: 'boolean', constraints: [{ kind: 'boolean' }] },
		{ name: 'comment', declared: 'boolean', constraints: [{ kind: 'boolean' }] },
		{
			name: 'autoAddMusic',
			declared: 'string',
			constraints: [{ kind: 'in', values: ['yes', 'no'] }],
		},
		{ name: 'brand_content_toggle', declared: 'boolean', constraints: [{ kind: 'boolean' }] },
		{
			name: 'video_made_with_ai',
			declared: 'boolean',
			optional: true,
			constraints: [{ kind: 'boolean' }],
		},
		{ name: 'brand_organic_toggle', declared: 'boolean', constraints: [{ kind: 'boolean' }] },
		{
			name: 'content_posting_method',
			declared: 'string',
			constraints: [{ kind: 'string' }, { kind: 'in', values: ['DIRECT_POST', 'UPLOAD'] }],
		},
	],
	youtube: [
		{
			name: 'title',
			declared: 'string',
			constraints: [
				{ kind: 'defined' },
				{ kind: 'maxLength', n: 100 },
				{ kind: 'minLength', n: 2 },
				{ kind: 'string' },
			],
		},
		{
			name: 'type',
			declared: 'string',
			constraints: [{ kind: 'defined' }, { kind: 'in', values: ['public', 'private', 'unlisted'] }],
		},
		{
			name: 'selfDeclaredMadeForKids',
			declared: 'string',
			optional: true,
			constraints: [{ kind: 'in', values: ['yes', 'no'] }],
		},
		{
			name: 'thumbnail',
			declared: 'object',
			optional: true,
			typed: true,
			constraints: [{ kind: 'nested', each: false, dto: MEDIA_DTO }],
		},
		{
			name: 'tags',
			declared: 'array',
			optional: true,
			typed: true,
			constraints: [
				{ kind: 'youtubeTagsLength' },
				{ kind: 'array' },
				{ kind: 'nested', each: true, dto: YOUTUBE_TAG_DTO },
			],
		},
	],
	pinterest: [
		{
			name: 'title',
			declared: 'string',
			validateIf: (o) => Boolean(o.title),
			constraints: [{ kind: 'maxLength', n: 100 }, { kind: 'string' }],
		},
		{
			name: 'link',
			declared: 'string',
			validateIf: (o) => Boolean(o.link),
			constraints: [{ kind: 'url' }, { kind: 'string' }],
		},
		{
			name: 'dominant_color',
			declared: 'string',
			validateIf: (o) => Boolean(o.dominant_color),
			constraints: [{ kind: 'string' }],
		},
		{
			name: 'board',
			declared: 'string',
			constraints: [
				{ kind: 'defined', message: 'Board is required' },
				{ kind: 'minLength', n: 1, message: 'Board is required' },
				{ kind: 'string', message: 'Board is required' },
			],
		},
	],
	bluesky: undefined,
	threads: undefined,
};

/** A class-validator message: `text` as the constraint says it, `at` the nested path before it. */
export interface DtoMessage {
	/** Dotted path of the object holding the failing property ('' at the top). */
	at: string;
	text: string;
}

/** Implicit conversion by declared type (class-transformer `enableImplicitConversion`). */
export function convertDeclared(value: unknown, declared: Declared, typed = false): unknown {
	if (isNil(value)) return value;
	if (declared === 'string') return String(value);
	if (declared === 'boolean') return Boolean(value);
	// An untyped array property turns an object into an empty array; a typed one keeps the object.
	if (declared === 'array' && !typed && typeof value === 'object' && !Array.isArray(value))
		return [];
	return value;
}

/**
 * Runs DTO properties against an object like class-validator: returns messages in the server's
 * order. `isUrl`, `hasExtension` are passed in so this file stays data-like.
 */
export function runDto(
	dto: DtoProperty[],
	input: Record<string, unknown>,
	at: string,
	helpers: { isUrl: (v: string) => boolean; hasExtension: (v: string) => boolean },
): DtoMessage[] {
	const out: DtoMessage[] = [];
	const converted: Record<string, unknown> = { ...input };
	for (const p of dto)
		if (p.name in input) converted[p.name] = convertDeclared(input[p.name], p.declared, p.typed);
	for (const p of dto) {
		const value = converted[p.name];
		if (p.optional && isNil(value)) continue;
		if (p.validateIf && !p.validateIf(converted)) continue;
		const own: DtoMessage[] = [];
		const nested: DtoMessage[] = [];
		for (const c of p.constraints) {
			const say = (text: string) => own.push({ at, text });
			switch (c.kind) {
				case 'defined':
					if (isNil(value)) say(c.message ?? `${p.name} should not be null or undefined`);
					break;
				case 'string':
					if (typeof value !== 'string') say(c.message ?? `${p.name} must be a string`);
					break;
				case 'boolean':
					if (typeof value !== 'boolean') say(`${p.name} must be a boolean value`);
					break;
				case 'in':
					if (!c.values.includes(value as string))
						say(`${p.name} must be one of the following values: ${c.values.join(', ')}`);
					break;
				case 'minLength':
					if (typeof value !== 'string' || value.length < c.n)
						say(c.message ?? `${p.name} must be longer than or equal to ${c.n} characters`);
					break;
				case 'maxLength':
					if (typeof value !== 'string' || value.length > c.n)
						say(`${p.name} must be shorter than or equal to ${c.n} characters`);
					break;
				case 'matches':
					if (c.message === 'EXTENSION') {
						if (!(typeof value === 'string' && helpers.hasExtension(value)))
							say('File must have a valid extension: .png, .jpg, .jpeg, .gif, .webp, or .mp4');
					} else if (typeof value !== 'string' || !c.pattern.test(value)) say(c.message);
					break;
				case 'url':
					if (typeof value !== 'string' || !helpers.isUrl(value))
						say(`${p.name} must be a URL address`);
					break;
				case 'array':
					if (!Array.isArray(value)) say(`${p.name} must be an array`);
					break;
				case 'youtubeTagsLength':
					if (Array.isArray(value)) {
						const total = value.reduce((sum: number, tag: unknown) => {
							const label = (tag as { label?: unknown } | null)?.label;
							const text = isNil(label) ? '' : String(label);
							return sum + text.length + (/\s/.test(text) ? 2 : 0);
						}, 0);
						if (total > 500) say('The maximum allowed is 500 characters in total for all tags.');
					}
					break;
				case 'nested': {
					const path = at ? `${at}.${p.name}` : p.name;
					const check = (item: unknown, itemAt: string, itemPath: string, label: string) => {
						if (typeof item === 'object' && item !== null) {
							nested.push(...runDto(c.dto, item as Record<string, unknown>, itemPath, helpers));
						} else (c.each ? nested : own).push({ at: itemAt, text: label });
					};
					if (c.each && !Array.isArray(value) && value !== undefined) {
						// Not a list: an object is validated as one item, anything else is refused.
						if (typeof value === 'object' && value !== null)
							nested.push(...runDto(c.dto, value as Record<string, unknown>, path, helpers));
						else
							own.push({
								at,
								text: `each value in nested property ${p.name} must be either object or array`,
							});
					} else if (c.each) {
						if (Array.isArray(value))
							value.forEach((item, i) =>
								check(
									item,
									path,
									`${path}.${i}`,
									`each value in nested property ${p.name} must be either object or array`,
								),
							);
					} else check(value, at, path, `nested property ${p.name} must be either object or array`);
					break;
				}
			}
		}
		// NestJS's flattening puts a property's children (nested items) before its own messages.
		out.push(...nested, ...own);
	}
	return out;
}
