/**
 * The server's `CreatePostDto` and the settings DTOs of our ten providers, rebuilt for the oracle
 * with class-validator 0.14.4 / class-transformer 0.5.1 (the server's versions). The decorators
 * are applied by hand, in the order TypeScript applies the server's (bottom-up), together with
 * the `design:type` metadata `emitDecoratorMetadata` would record: implicit conversion reads it.
 * Then `serverValidate` runs them the way the server does: NestJS's `ValidationPipe` for the body
 * (messages flattened with parent paths), and `validatePosts`' own settings pass (first message).
 */
import 'reflect-metadata';
import { Transform, Type, plainToInstance } from 'class-transformer';
import {
	ArrayMinSize,
	IsArray,
	IsBoolean,
	IsDateString,
	IsDefined,
	IsIn,
	IsNumber,
	IsOptional,
	IsString,
	IsUrl,
	Matches,
	MaxLength,
	MinLength,
	Validate,
	ValidateIf,
	ValidateNested,
	ValidationArguments,
	ValidatorConstraint,
	type ValidationError,
	type ValidatorConstraintInterface,
	registerDecorator,
	validate,
} from 'class-validator';
import striptags from 'striptags';
import { oracleSanitize } from './oracle-length';

type Ctor = new () => object;

/** Applies decorators listed top-to-bottom as TypeScript does (last first) plus `design:type`. */
function prop(target: Ctor, name: string, type: unknown, decorators: PropertyDecorator[]) {
	if (type !== undefined) Reflect.defineMetadata('design:type', type, target.prototype, name);
	for (const d of [...decorators].reverse()) d(target.prototype, name);
}

// ----- helpers of the server (constraints), restated ------------------------------------------

class ValidContent implements ValidatorConstraintInterface {
	validate(contentRaw: string, args: ValidationArguments) {
		const content = striptags(contentRaw || '');
		const image = (args?.object as { image?: unknown })?.image;
		return !(
			(!image || !Array.isArray(image) || !image.length) &&
			(!content || typeof content !== 'string' || content.trim() === '')
		);
	}
	defaultMessage() {
		return ' If images do not exist, content must be a non-empty string.';
	}
}
ValidatorConstraint({ name: 'validateContent', async: false })(ValidContent);

class ValidUrlExtension implements ValidatorConstraintInterface {
	validate(text: string) {
		const bare = (text as unknown as { split?: (s: string) => string[] })?.split?.('?')?.[0];
		return ['.png', '.jpg', '.jpeg', '.gif', '.webp', '.mp4'].some((e) => !!bare?.endsWith(e));
	}
	defaultMessage() {
		return 'File must have a valid extension: .png, .jpg, .jpeg, .gif, .webp, or .mp4';
	}
}
ValidatorConstraint({ name: 'checkValidExtension', async: false })(ValidUrlExtension);

class ValidUrlPath implements ValidatorConstraintInterface {
	validate() {
		return true; // RESTRICT_UPLOAD_DOMAINS unset
	}
	defaultMessage() {
		return '';
	}
}
ValidatorConstraint({ name: 'checkValidPath', async: false })(ValidUrlPath);

class IsYoutubeTagsLengthConstraint implements ValidatorConstraintInterface {
	validate(value: unknown) {
		if (!Array.isArray(value)) return true;
		const total = value.reduce((sum: number, tag: { label?: string }) => {
			const label = tag?.label ?? '';
			return sum + label.length + (/\s/.test(label) ? 2 : 0);
		}, 0);
		return total <= 500;
	}
	defaultMessage() {
		return 'The maximum allowed is 500 characters in total for all tags.';
	}
}
ValidatorConstraint({ name: 'IsYoutubeTagsLength', async: false })(IsYoutubeTagsLengthConstraint);
const IsYoutubeTagsLength = (): PropertyDecorator => (object, propertyName) =>
	registerDecorator({
		target: object.constructor,
		propertyName: propertyName as string,
		validator: IsYoutubeTagsLengthConstraint,
	});

// ----- media ---------------------------------------------------------------------------------

export class MediaDto {}
prop(MediaDto, 'id', String, [IsString(), IsDefined()]);
prop(MediaDto, 'path', String, [
	IsString(),
	IsDefined(),
	Validate(ValidUrlPath),
	Validate(ValidUrlExtension),
]);
prop(MediaDto, 'alt', String, [ValidateIf((o) => o.alt), IsString()]);
prop(MediaDto, 'thumbnail', String, [ValidateIf((o) => o.thumbnail), IsUrl()]);

// ----- provider settings ---------------------------------------------------------------------

export class XDto {}
prop(XDto, 'community', String, [
	IsOptional(),
	Matches(/^(https:\/\/x\.com\/i\/communities\/\d+)?$/, {
		message:
			'Invalid X community URL. It should be in the format: https://x.com/i/communities/1493446837214187523',
	}),
]);
prop(XDto, 'who_can_reply_post', String, [
	IsIn(['everyone', 'following', 'mentionedUsers', 'subscribers', 'verified']),
]);
prop(XDto, 'made_with_ai', Boolean, [IsOptional(), IsBoolean()]);
prop(XDto, 'paid_partnership', Boolean, [IsOptional(), IsBoolean()]);

export class LinkedinDto {}
prop(LinkedinDto, 'post_as_images_carousel', Boolean, [IsBoolean(), IsOptional()]);
prop(LinkedinDto, 'carousel_name', String, [IsString(), IsOptional()]);

export class Collaborators {}
prop(Collaborators, 'label', String, [IsDefined(), IsString()]);

export class InstagramDto {}
prop(InstagramDto, 'post_type', String, [IsIn(['post', 'story']), IsDefined()]);
prop(InstagramDto, 'is_trial_reel', Boolean, [IsOptional()]);
prop(InstagramDto, 'graduation_strategy', String, [
	IsIn(['MANUAL', 'SS_PERFORMANCE']),
	IsOptional(),
]);
prop(InstagramDto, 'collaborators', Array, [
	Type(() => Collaborators),
	ValidateNested({ each: true }),
	IsArray(),
	IsOptional(),
]);

export class FacebookDto {}
prop(FacebookDto, 'url', String, [IsOptional(), ValidateIf((p) => p.url), IsUrl()]);
prop(FacebookDto, 'post_type', String, [IsIn(['post', 'story']), IsOptional()]);

export class TikTokDto {}
prop(TikTokDto, 'title', String, [ValidateIf((p) => p.title), MaxLength(90)]);
prop(TikTokDto, 'privacy_level', String, [
	IsIn(['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'FOLLOWER_OF_CREATOR', 'SELF_ONLY']),
	IsString(),
]);
prop(TikTokDto, 'duet', Boolean, [IsBoolean()]);
prop(TikTokDto, 'stitch', Boolean, [IsBoolean()]);
prop(TikTokDto, 'comment', Boolean, [IsBoolean()]);
prop(TikTokDto, 'autoAddMusic', String, [IsIn(['yes', 'no'])]);
prop(TikTokDto, 'brand_content_toggle', Boolean, [IsBoolean()]);
prop(TikTokDto, 'video_made_with_ai', Boolean, [IsBoolean(), IsOptional()]);
prop(TikTokDto, 'brand_organic_toggle', Boolean, [IsBoolean()]);
prop(TikTokDto, 'content_posting_method', String, [IsIn(['DIRECT_POST', 'UPLOAD']), IsString()]);

export class YoutubeTagsSettings {}
prop(YoutubeTagsSettings, 'value', String, [IsString()]);
prop(YoutubeTagsSettings, 'label', String, [IsString()]);

export class YoutubeSettingsDto {}
prop(YoutubeSettingsDto, 'title', String, [IsString(), MinLength(2), MaxLength(100), IsDefined()]);
prop(YoutubeSettingsDto, 'type', String, [IsIn(['public', 'private', 'unlisted']), IsDefined()]);
prop(YoutubeSettingsDto, 'selfDeclaredMadeForKids', String, [IsIn(['yes', 'no']), IsOptional()]);
prop(YoutubeSettingsDto, 'thumbnail', MediaDto, [
	IsOptional(),
	ValidateNested(),
	Type(() => MediaDto),
]);
prop(YoutubeSettingsDto, 'tags', Array, [
	IsArray(),
	IsOptional(),
	ValidateNested({ each: true }),
	IsYoutubeTagsLength(),
	Type(() => YoutubeTagsSettings),
]);

export class PinterestSettingsDto {}
prop(PinterestSettingsDto, 'title', String, [
	IsString(),
	ValidateIf((o) => !!o.title),
	MaxLength(100),
]);
prop(PinterestSettingsDto, 'link', String, [IsString(), ValidateIf((o) => !!o.link), IsUrl()]);
prop(PinterestSettingsDto, 'dominant_color', String, [
	IsString(),
	ValidateIf((o) => !!o.dominant_color),
]);
prop(PinterestSettingsDto, 'board', String, [
	IsDefined({ message: 'Board is required' }),
	IsString({ message: 'Board is required' }),
	MinLength(1, { message: 'Board is required' }),
]);

const ALL_NAMES = [
	'lemmy',
	'youtube',
	'pinterest',
	'dribbble',
	'tiktok',
	'discord',
	'slack',
	'twitch',
	'x',
	'linkedin',
	'linkedin-page',
	'instagram',
	'instagram-standalone',
	'medium',
	'devto',
	'wordpress',
	'hashnode',
	'listmonk',
	'gmb',
	'wrapcast',
	'facebook',
	'threads',
	'mastodon',
	'bluesky',
	'telegram',
	'nostr',
	'blogger',
	'moltbook',
	'whop',
	'ghost',
	'notion',
	'mataroa',
	'writeas',
];

export class EmptySettings {}
prop(EmptySettings, '__type', String, [
	IsIn(ALL_NAMES, { message: `"__type" must be ${ALL_NAMES.join(', ')}` }),
]);

/** The provider DTO per identifier; bluesky and threads have none (only `__type` is checked). */
export const PROVIDER_DTOS: Record<string, Ctor | undefined> = {
	x: XDto,
	linkedin: LinkedinDto,
	'linkedin-page': LinkedinDto,
	instagram: InstagramDto,
	facebook: FacebookDto,
	tiktok: TikTokDto,
	youtube: YoutubeSettingsDto,
	pinterest: PinterestSettingsDto,
	bluesky: undefined,
	threads: undefined,
};
const subTypes = ALL_NAMES.map((name) => ({ name, value: PROVIDER_DTOS[name] ?? EmptySettings }));

// ----- the body ------------------------------------------------------------------------------

export class Integration {}
prop(Integration, 'id', String, [IsDefined(), IsString()]);

export class PostContent {}
prop(PostContent, 'content', String, [
	IsDefined(),
	IsString(),
	Validate(ValidContent),
	Transform(({ value }) => oracleSanitize(value)),
]);
prop(PostContent, 'id', String, [IsOptional(), IsString()]);
prop(PostContent, 'delay', Number, [IsOptional(), IsNumber()]);
prop(PostContent, 'image', Array, [
	IsArray(),
	Type(() => MediaDto),
	ValidateNested({ each: true }),
]);

export class Post {}
prop(Post, 'integration', Integration, [IsDefined(), Type(() => Integration), ValidateNested()]);
prop(Post, 'value', Array, [
	IsDefined(),
	ArrayMinSize(1),
	IsArray(),
	Type(() => PostContent),
	ValidateNested({ each: true }),
]);
prop(Post, 'group', String, [IsOptional(), IsString()]);
prop(Post, 'firstComment', String, [IsOptional(), IsString()]);
prop(Post, 'settings', Object, [
	ValidateIf((o) => o.type !== 'draft'),
	ValidateNested(),
	Type(() => EmptySettings, {
		keepDiscriminatorProperty: true,
		discriminator: { property: '__type', subTypes },
	}),
]);

export class Tags {}
prop(Tags, 'value', String, [IsDefined(), IsString()]);
prop(Tags, 'label', String, [IsDefined(), IsString()]);

export class CreatePostDto {}
prop(CreatePostDto, 'type', String, [IsDefined(), IsIn(['draft', 'schedule', 'now', 'update'])]);
prop(CreatePostDto, 'order', String, [IsOptional(), IsString()]);
prop(CreatePostDto, 'shortLink', Boolean, [IsDefined(), IsBoolean()]);
prop(CreatePostDto, 'inter', Number, [IsOptional(), IsNumber()]);
prop(CreatePostDto, 'date', String, [IsDefined(), IsDateString()]);
prop(CreatePostDto, 'tags', Array, [IsArray(), IsDefined(), ValidateNested({ each: true })]);
prop(CreatePostDto, 'posts', Array, [
	IsDefined(),
	Type(() => Post),
	IsArray(),
	ValidateNested({ each: true }),
	ArrayMinSize(1),
]);

// ----- running them like the server ------------------------------------------------------------

/** NestJS `ValidationPipe`'s flattening: parent paths prepended, children before their parent. */
function flatten(errors: ValidationError[]): string[] {
	const out: string[] = [];
	const walk = (error: ValidationError, parentPath?: string): ValidationError[] => {
		if (!(error.children && error.children.length)) return [error];
		const list: ValidationError[] = [];
		const path = parentPath ? `${parentPath}.${error.property}` : error.property;
		for (const item of error.children) {
			if (item.children && item.children.length) list.push(...walk(item, path));
			const constraints: Record<string, string> = {};
			for (const key in item.constraints) constraints[key] = `${path}.${item.constraints[key]}`;
			list.push({ ...item, constraints });
		}
		return list;
	};
	for (const e of errors)
		for (const item of walk(e)) if (item.constraints) out.push(...Object.values(item.constraints));
	return out;
}

/** `mapTypeToPost`'s validation of the mapped body: undefined when it passes, else the E3 messages. */
export async function serverBodyMessages(
	mapped: unknown,
): Promise<{ messages?: string[]; body?: Record<string, any> }> {
	const instance = plainToInstance(CreatePostDto, mapped, {
		enableImplicitConversion: true,
	}) as object;
	const errors = await validate(instance, { skipMissingProperties: false });
	if (errors.length > 0) return { messages: flatten(errors) };
	return { body: instance as Record<string, any> };
}

/** `validatePosts`' settings pass: the first class-validator message ('' when none has one). */
export async function serverSettingsFirstMessage(
	provider: string,
	settings: unknown,
): Promise<string | undefined> {
	const dto = PROVIDER_DTOS[provider];
	if (!dto) return undefined;
	const instance = plainToInstance(dto, settings, { enableImplicitConversion: true }) as object;
	const errors = await validate(instance, { skipMissingProperties: false });
	if (errors.length === 0) return undefined;
	const first = (list: ValidationError[]): string => {
		for (const e of list) {
			if (e.constraints) return Object.values(e.constraints)[0] || '';
			const child = e.children?.length ? first(e.children) : '';
			if (child) return child;
		}
		return '';
	};
	return first(errors);
}
