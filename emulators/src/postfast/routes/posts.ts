/** Social posts (docs/postfast-api.md, Creating posts; Listing posts; Deleting posts; Bulk delete): create (with the upload check), list, delete, bulk delete. */
import { randomUUID } from 'node:crypto';

import {
	DEFAULT_PAGE_SIZE,
	MAX_BULK_DELETE_IDS,
	MAX_FILTER_IDS,
	MAX_PAGE_SIZE,
	MESSAGES,
	PLATFORMS,
	POST_STATUSES,
	checkCreatePostsRequest,
	fileSizeCap,
	isIso8601,
	isUuid,
	isUuidV4,
	uploadKindOfKey,
	type CreateApprovalStatus,
	type CreateStatus,
	type MediaItemInput,
	type Platform,
	type PostControls,
	type PostInput,
} from '../../../../contract/postfast';
import {
	HttpError,
	coded,
	csv,
	issuesToError,
	parseUuidPipe,
	validation,
	type Ctx,
	type Handlers,
	type Kit,
	type Reply,
} from '../pipeline';

export function postRoutes({
	store,
	s3,
	clock,
	opts,
}: Kit): Pick<Handlers, 'createPosts' | 'listPosts' | 'deletePost' | 'bulkDelete'> {
	function createPosts(c: Ctx): Reply {
		const now = clock.now();
		const ws = c.workspace.id;
		const dto = checkCreatePostsRequest(c.body, { now });
		if (dto.length > 0) throw issuesToError(dto);
		const b = c.body as {
			posts: PostInput[];
			status?: CreateStatus;
			approvalStatus?: CreateApprovalStatus;
			controls?: PostControls;
		};
		const status: CreateStatus = b.status ?? 'SCHEDULED';
		const controls = b.controls ?? {};
		const platforms: Platform[] = [];
		for (const [i, p] of b.posts.entries()) {
			const account = store.account(ws, p.socialMediaId);
			if (!account)
				throw coded(
					'socialMediaNotFound',
					`posts.${i}.socialMediaId ${p.socialMediaId} is not an account of this workspace; list them with GET /social-media/my-social-accounts`,
				);
			// Drafts to a disabled account are accepted; scheduling is refused.
			if (account.connectionStatus === 'DISABLED' && status === 'SCHEDULED') {
				throw coded('socialMediaDisconnected', MESSAGES.socialMediaDisconnected(account.platform));
			}
			platforms.push(account.platform);
		}
		const platformIssues = checkCreatePostsRequest(c.body, {
			now,
			platformOf: (id) => store.account(ws, id)?.platform,
		});
		if (platformIssues.length > 0) throw issuesToError(platformIssues);
		if (opts.mediaCheck === 'strict') checkMedia(ws, b.posts, controls, platforms);

		const groupId = b.posts.length > 1 ? randomUUID() : null;
		const postIds = b.posts.map((p, i) => {
			const platform = platforms[i];
			return store.createPost(
				{
					workspaceId: ws,
					content: p.content,
					status,
					approvalStatus: b.approvalStatus ?? 'APPROVED',
					socialMediaId: p.socialMediaId,
					mediaItems: (p.mediaItems ?? []).map((m) => pick(m)),
					scheduledAt: p.scheduledAt === undefined ? null : Date.parse(p.scheduledAt),
					firstComment: p.firstComment ?? null,
					controls: store.controlsFor(platform, controls),
				},
				groupId,
			).id;
		});
		return { status: 201, body: { postIds } };
	}

	/** `media.invalidMedia`: the backend inspects uploaded objects at create time (docs/postfast-api.md, Creating posts; Checking media at create time). */
	function checkMedia(
		ws: string,
		posts: PostInput[],
		controls: PostControls,
		platforms: Platform[],
	): void {
		const invalid = (detail: string) => coded('media.invalidMedia', detail);
		const object = (key: string, where: string) => {
			const issued = store.issuedKeys.get(key);
			const stored = s3.objects.get(key);
			if (!issued || issued.workspaceId !== ws || !stored)
				throw invalid(
					`${where}: the file "${key}" was never uploaded; PUT it to its signed URL first`,
				);
			if (stored.size === 0) throw invalid(`${where}: the file "${key}" is empty`);
			return { issued, stored };
		};
		posts.forEach((p, i) => {
			for (const [j, m] of (p.mediaItems ?? []).entries()) {
				const where = `posts.${i}.mediaItems.${j}`;
				const { issued, stored } = object(m.key, where);
				const kind = uploadKindOfKey(m.key);
				if (
					(m.type === 'IMAGE') !== (kind === 'image') ||
					(m.type === 'VIDEO') !== (kind === 'video')
				) {
					throw invalid(
						`${where}: type ${m.type} does not match the uploaded ${issued.contentType} file`,
					);
				}
				const cap = fileSizeCap(issued.contentType, opts.profile, platforms[i]);
				if (stored.size > cap)
					throw invalid(
						`${where}: the file is ${stored.size} bytes, over the ${cap}-byte cap for ${issued.contentType}${platforms[i] ? ` on ${platforms[i]}` : ''}`,
					);
				if (m.coverImageKey) {
					const cover = object(m.coverImageKey, `${where}.coverImageKey`);
					if (!cover.issued.contentType.startsWith('image/'))
						throw invalid(
							`${where}.coverImageKey must be an uploaded image; "${m.coverImageKey}" is ${cover.issued.contentType}`,
						);
				}
			}
		});
		// Keys in controls must be uploads of the right kind: thumbnails are images, attachments documents, captions .srt/.vtt.
		const controlKinds: Array<[string, (contentType: string) => boolean, string]> = [
			['youtubeThumbnailKey', (t) => t.startsWith('image/'), 'an uploaded image'],
			[
				'linkedinAttachmentKey',
				(t) => t.startsWith('application/'),
				'an uploaded document (PDF, Word, PowerPoint)',
			],
			[
				'youtubeCaptionKey',
				(t) => t === 'application/x-subrip' || t === 'text/vtt',
				'an uploaded .srt or .vtt caption file',
			],
		];
		for (const [name, accepts, what] of controlKinds) {
			const key = controls[name];
			if (typeof key !== 'string' || key === '') continue;
			const { issued, stored } = object(key, `controls.${name}`);
			if (!accepts(issued.contentType))
				throw invalid(`controls.${name} must be ${what}; "${key}" is ${issued.contentType}`);
			const cap = fileSizeCap(issued.contentType, opts.profile);
			if (stored.size > cap)
				throw invalid(
					`controls.${name}: the file is ${stored.size} bytes, over the ${cap}-byte cap for ${issued.contentType}`,
				);
		}
	}

	function listPosts(c: Ctx): Reply {
		const q = c.url.searchParams;
		const messages: string[] = [];
		const page = q.get('page') === null ? 0 : Number(q.get('page'));
		if (!Number.isInteger(page) || page < 0) messages.push('page must not be less than 0');
		const limit = q.get('limit') === null ? DEFAULT_PAGE_SIZE : Number(q.get('limit'));
		if (!Number.isInteger(limit)) messages.push('limit must be an integer number');
		else if (limit < 1) messages.push('limit must not be less than 1');
		else if (limit > MAX_PAGE_SIZE)
			messages.push(`limit must not be greater than ${MAX_PAGE_SIZE}`);
		const uuidList = (name: 'ids' | 'socialMediaIds') => {
			const list = csv(q.get(name));
			if (list && (list.length > MAX_FILTER_IDS || list.some((id) => !isUuid(id))))
				messages.push(MESSAGES.filterInvalidUuid(name === 'ids' ? 'ids' : 'socialMediaIds'));
			return list;
		};
		const ids = uuidList('ids');
		const accountIds = uuidList('socialMediaIds');
		const platforms = csv(q.get('platforms'))?.map((p) => p.toUpperCase());
		if (platforms?.some((p) => !(PLATFORMS as readonly string[]).includes(p)))
			messages.push(
				`each value in platforms must be one of the following values: ${PLATFORMS.join(', ')}`,
			);
		const statuses = csv(q.get('statuses'))?.map((s) => s.toUpperCase());
		if (statuses?.some((s) => !(POST_STATUSES as readonly string[]).includes(s)))
			messages.push(
				`each value in statuses must be one of the following values: ${POST_STATUSES.join(', ')}`,
			);
		for (const name of ['from', 'to']) {
			const v = q.get(name);
			if (v !== null && !isIso8601(v))
				messages.push(`${name} must be a valid ISO 8601 date string`);
		}
		if (messages.length > 0) throw validation(messages);
		const from = q.get('from') ? Date.parse(q.get('from')!) : undefined;
		const to = q.get('to') ? Date.parse(q.get('to')!) : undefined;
		const matches = [...store.posts.values()]
			.filter((p) => p.workspaceId === c.workspace.id)
			.filter((p) => !ids || ids.includes(p.id))
			.filter((p) => !accountIds || accountIds.includes(p.socialMediaId))
			.filter(
				(p) =>
					!platforms || platforms.includes(store.accounts.get(p.socialMediaId)?.platform ?? ''),
			)
			.filter((p) => !statuses || statuses.includes(p.status))
			.filter((p) => from === undefined || (p.scheduledAt !== null && p.scheduledAt >= from))
			.filter((p) => to === undefined || (p.scheduledAt !== null && p.scheduledAt <= to))
			.sort(
				(a, b) =>
					(a.scheduledAt ?? Infinity) - (b.scheduledAt ?? Infinity) ||
					(a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
			);
		const data = matches
			.slice(page * limit, (page + 1) * limit)
			.map((p) => store.listed(p, (k) => s3.objectUrl(k)));
		return {
			status: 200,
			body: {
				data,
				totalCount: matches.length === 0 ? null : matches.length,
				pageInfo: {
					page: page + 1,
					hasNextPage: (page + 1) * limit < matches.length,
					perPage: limit,
				},
			},
		};
	}

	function deletePost(c: Ctx): Reply {
		const id = c.params.id;
		if (!isUuid(id)) throw new HttpError(400, parseUuidPipe());
		const post = store.posts.get(id);
		if (!post || post.workspaceId !== c.workspace.id)
			return { status: 200, body: { deleted: false } };
		store.posts.delete(id);
		return { status: 200, body: { deleted: true } };
	}

	function bulkDelete(c: Ctx): Reply {
		const ids = (
			c.body && typeof c.body === 'object' ? (c.body as { ids?: unknown }).ids : undefined
		) as unknown;
		if (!Array.isArray(ids) || ids.length === 0) throw validation([MESSAGES.bulkDeleteEmpty]);
		if (ids.length > MAX_BULK_DELETE_IDS) throw validation([MESSAGES.bulkDeleteTooMany]);
		if (ids.some((id) => !isUuidV4(id))) throw validation([MESSAGES.bulkDeleteInvalid]);
		const deletedIds: string[] = [];
		const notFoundIds: string[] = [];
		for (const id of new Set(ids as string[])) {
			const post = store.posts.get(id);
			if (post && post.workspaceId === c.workspace.id) {
				store.posts.delete(id);
				deletedIds.push(id);
			} else notFoundIds.push(id);
		}
		return { status: 200, body: { deletedIds, notFoundIds } };
	}

	return { createPosts, listPosts, deletePost, bulkDelete };
}

function pick(m: MediaItemInput): MediaItemInput {
	return {
		key: m.key,
		type: m.type,
		sortOrder: m.sortOrder,
		...(m.coverTimestamp !== undefined ? { coverTimestamp: m.coverTimestamp } : {}),
		...(m.coverImageKey !== undefined ? { coverImageKey: m.coverImageKey } : {}),
	};
}
