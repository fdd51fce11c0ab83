/**
 * `POST /posts` validation as the server's controller runs it, on the oracle DTOs
 * (./server-dtos) and the oracle length (./oracle-length): `mapTypeToPost` (E2 checks, the
 * mapped body, the ValidationPipe → E3), then `validatePosts` and the controller's loops (E4).
 * The providers' `checkValidity` media rules are restated from the server's source.
 */
import { oracleLength } from './oracle-length';
import { serverBodyMessages, serverSettingsFirstMessage } from './server-dtos';

export interface OracleChannel {
	id: string;
	identifier: string;
	name: string;
	verified?: boolean;
}

export type OracleAnswer =
	| { shape: 'E2'; message: string }
	| { shape: 'E3'; messages: string[] }
	| { shape: 'E4'; provider: string; name: string; message: string }
	| { shape: 'OK' };

const MAX: Record<string, number> = {
	x: 280,
	linkedin: 3000,
	'linkedin-page': 3000,
	instagram: 2200,
	facebook: 63206,
	tiktok: 2000,
	youtube: 5000,
	bluesky: 300,
	threads: 500,
	pinterest: 500,
};

type Media = { path?: string };
const has = (m: Media | undefined, needle: string) => (m?.path?.indexOf?.(needle) ?? -1) > -1;

/** The providers' `checkValidity`, as written in the server (note the substring `mp4` tests). */
function checkValidity(
	provider: string,
	posts: Media[][],
	settings: Record<string, unknown>,
): string | true {
	const [first] = posts ?? [];
	switch (provider) {
		case 'linkedin':
		case 'linkedin-page': {
			const [firstPost, ...rest] = posts ?? [];
			if (
				settings?.post_as_images_carousel &&
				((firstPost?.length ?? 0) < 2 || firstPost?.some((p) => has(p, 'mp4')))
			)
				return 'Carousel can only be created with 2 or more images and no videos.';
			if ((firstPost?.length ?? 0) > 1 && firstPost?.some((p) => has(p, 'mp4')))
				return 'Can have maximum 1 media when selecting a video.';
			if (rest?.some((p) => (p?.length ?? 0) > 0)) return 'Comments can only contain text.';
			return true;
		}
		case 'instagram':
			if (!first?.length) return 'Should have at least one media';
			if (first.length > 10) return 'Instagram carousel only supports up to 10 media attachments';
			if (settings?.is_trial_reel) {
				if (first.length > 1) return 'Trial Reels can only have one video';
				if (!first.some((f) => has(f, 'mp4'))) return 'Trial Reels must be a video';
			}
			return true;
		case 'facebook':
			if (settings?.post_type === 'story' && !first?.length)
				return 'Story should have at least one media';
			return true;
		case 'tiktok': {
			if ((first?.length ?? 0) === 0) return 'No video / images selected';
			const isVideo = (p: Media | undefined) =>
				p?.path ? p.path.toLowerCase().indexOf('.mp4') > -1 : false;
			if ((first?.length ?? 0) > 1 && first?.some(isVideo))
				return 'Only pictures are supported when selecting multiple items';
			else if (first?.length !== 1 && isVideo(first?.[0])) return 'You need one media';
			return true;
		}
		case 'youtube':
			if (posts?.[0]?.length !== 1) return 'You need one media';
			if (!has(first?.[0], 'mp4')) return 'Item must be a video';
			return true;
		case 'bluesky':
			if (posts?.some((p) => p?.some((a) => has(a, 'mp4')) && (p?.length ?? 0) > 1))
				return 'You can only upload one video per post.';
			if (posts?.some((p) => (p?.length ?? 0) > 4))
				return 'There can be maximum 4 pictures in a post.';
			return true;
		case 'pinterest': {
			const isMp4 = first?.find((i) => has(i, 'mp4'));
			const isPicture = first?.find((i) => !has(i, 'mp4'));
			if ((first?.length ?? 0) === 0) return 'Requires at least one media';
			if ((first?.length ?? 0) > 5) return 'You can only have up to 5 media items';
			if (isMp4 && first?.length !== 2 && !isPicture)
				return 'If posting a video you have to also include a cover image as second media';
			if (isMp4 && (first?.length ?? 0) > 2)
				return 'If posting a video you can only have two media items';
			// (the same-size rule needs the images: the tests give every image one size)
			return true;
		}
		default:
			return true;
	}
}

export async function oracleCreatePost(
	raw: any,
	lookup: (id: string) => OracleChannel | undefined,
): Promise<OracleAnswer> {
	if (!raw?.posts?.every((p: any) => p?.integration?.id))
		return { shape: 'E2', message: 'All posts must have an integration id' };
	const replaceDraft = raw?.type === 'draft';
	const channels: OracleChannel[] = [];
	for (const post of raw.posts) {
		const channel = lookup(post.integration.id);
		if (!channel)
			return { shape: 'E2', message: `Integration with id ${post.integration.id} not found` };
		channels.push(channel);
	}
	const mapped = {
		...raw,
		type: replaceDraft ? 'schedule' : raw?.type,
		posts: raw.posts.map((post: any, i: number) => ({
			type: replaceDraft ? 'schedule' : raw?.type,
			...post,
			settings: { ...(post.settings || {}), __type: channels[i].identifier },
		})),
	};
	const checked = await serverBodyMessages(mapped);
	if (checked.messages) return { shape: 'E3', messages: checked.messages };
	const body = checked.body!;
	const validation: any[] = [];
	for (const [i, post] of (body.posts as any[]).entries()) {
		const channel = channels[i];
		const settings = post.settings || {};
		const settingsError = await serverSettingsFirstMessage(channel.identifier, settings);
		const media = (post.value || []).map((p: any) => p.image || []);
		const errors = checkValidity(channel.identifier, media, settings);
		const isX = channel.identifier === 'x';
		const lengths = (post.value || []).map((a: any) => oracleLength(a.content || '', isX));
		const max =
			channel.identifier === 'x' && channel.verified ? 4000 : MAX[channel.identifier] || 1000000;
		validation.push({
			channel,
			valid: settingsError === undefined,
			settingsError,
			errors,
			emptyContent: lengths.some(
				(l: any, j: number) => l.empty && (post.value[j].image || []).length === 0,
			),
			tooLong: lengths.some((l: any) => l.length > max),
		});
	}
	const fail = (item: any, message: string): OracleAnswer => ({
		shape: 'E4',
		provider: item.channel.identifier,
		name: item.channel.name,
		message,
	});
	for (const item of validation)
		if (item.emptyContent)
			return fail(item, 'Your post should have at least one character or one image.');
	if (raw.type !== 'draft') {
		for (const item of validation) {
			if (!item.valid) return fail(item, item.settingsError || 'Please fix your settings');
			if (item.errors !== true) return fail(item, item.errors);
			if (item.tooLong) return fail(item, 'post is too long, please fix it');
		}
	}
	return { shape: 'OK' };
}
