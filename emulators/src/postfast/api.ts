/**
 * The PostFast REST API as NestJS serves it (postfast-api.md §1–§3): route match (unknown route →
 * Nest 404, no rate headers) → `pf-api-key` auth (§1.3) → throttler (§3) → validation (§2.11) →
 * handler. Error bodies use the four Nest shapes of §1.3.
 */
import { randomUUID } from 'node:crypto';

import {
	DEFAULT_PAGE_SIZE,
	MAX_BULK_DELETE_IDS,
	MAX_FILTER_IDS,
	MAX_PAGE_SIZE,
	MESSAGES,
	PLATFORMS,
	POST_STATUSES,
	POSTFAST_ENDPOINTS,
	THROTTLE_BODIES,
	TIKTOK_SOUND_DATE_RANGES,
	checkCreatePostsRequest,
	checkUploadUrlsRequest,
	contentTypeRule,
	fileSizeCap,
	isIso8601,
	isUuid,
	isUuidV4,
	uploadKindOfKey,
	INBOX_ITEM_ACTIONS,
	type CreateApprovalStatus,
	type InboxConversation,
	type InboxItem,
	type CreateStatus,
	type EndpointDef,
	type Issue,
	type MediaItemInput,
	type Platform,
	type PostControls,
	type PostFastEndpointName,
	type PostFastProfile,
	type PostInput,
} from '../../../contract/postfast';
import type { RequestContext, Router } from '../common';
import type { S3Bucket } from './s3';
import { PostFastStore, type Conversation, type InboxEntry, type Workspace } from './store';
import type { Throttler } from './throttler';

export interface ApiOptions {
	profile: PostFastProfile;
	/** §1.3: absent or unknown key → 403 (default) or 401; a present-but-empty header is always 401. */
	missingKeyStatus: 401 | 403;
	/** Serve only the vendor page's four endpoints (the others answer Nest's 404). Default false. */
	vendorPageOnly: boolean;
	/** `strict` (default): create refuses media keys never uploaded, empty, of the wrong type or too big. */
	mediaCheck: 'strict' | 'off';
	/** JSON body limit in bytes (Express' default 100 KB; over it → 413). */
	bodyLimit: number;
}

interface Ctx {
	ctx: RequestContext;
	url: URL;
	body: unknown;
	workspace: Workspace;
	params: Record<string, string>;
}

type Handler = (ctx: Ctx) => Promise<Reply> | Reply;
interface Reply {
	status: number;
	body: unknown;
}

class HttpError extends Error {
	constructor(
		readonly status: number,
		readonly body: unknown,
	) {
		super(typeof body === 'object' ? JSON.stringify(body) : String(body));
	}
}

/** class-validator failure (shape 1). */
const validation = (messages: string[]) =>
	new HttpError(400, { message: messages, error: 'Bad Request', statusCode: 400 });
/** Business failure with a stable code (shape 2). */
const coded = (code: string, description: string, status = 400) =>
	new HttpError(status, {
		statusCode: status,
		message: code,
		error: status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST',
		description,
	});
/** Short form (shape 3). */
const short = (message: string, status = 400) =>
	new HttpError(status, { statusCode: status, message });
const parseUuidPipe = () => validation(['Validation failed (uuid is expected)']).body;

function issuesToError(issues: Issue[]): HttpError {
	const first = issues[0];
	if (first.code)
		return coded(first.code, first.message === first.code ? describeCode(first) : first.message);
	if (first.message === MESSAGES.scheduledAtRequired) return short(first.message);
	if (/must be (in the future|within 1 year)/.test(first.message)) return short(first.message);
	return validation(issues.map((i) => i.message));
}

function describeCode(issue: Issue): string {
	return `${issue.code}: ${issue.path} was refused`;
}

const csv = (value: string | null): string[] | undefined =>
	value === null ? undefined : value.split(',');

export class PostFastApi {
	private readonly handlers: Record<PostFastEndpointName, Handler>;

	constructor(
		readonly store: PostFastStore,
		private readonly throttler: Throttler,
		private readonly s3: S3Bucket,
		private readonly clock: { now(): number },
		private readonly opts: ApiOptions,
	) {
		this.handlers = {
			uploadUrls: (c) => this.uploadUrls(c),
			listAccounts: (c) => ({
				status: 200,
				body: this.store
					.accountsOf(c.workspace.id)
					.map(({ workspaceId: _w, createdAt: _c, ...a }) => a),
			}),
			pinterestBoards: (c) => this.helperList(c, this.store.pinterestBoards),
			youtubePlaylists: (c) => this.helperList(c, this.store.youtubePlaylists),
			gbpLocations: (c) => this.helperList(c, this.store.gbpLocations),
			followerHistory: (c) => this.followerHistory(c),
			searchPlaces: (c) => this.searchPlaces(c),
			tiktokSounds: (c) => this.tiktokSounds(c),
			connectLink: (c) => this.connectLink(c),
			createPosts: (c) => this.createPosts(c),
			listPosts: (c) => this.listPosts(c),
			deletePost: (c) => this.deletePost(c),
			bulkDelete: (c) => this.bulkDelete(c),
			analytics: (c) => this.analytics(c),
			inboxConversations: (c) => this.inboxConversations(c),
			inboxConversation: (c) => {
				uuidParam(c.params.id);
				// A foreign or unknown id answers 200 with a null body (§2.16).
				const conv = this.conversation(c, c.params.id);
				return { status: 200, body: conv ? this.conversationView(conv) : null };
			},
			inboxItems: (c) => this.inboxItems(c),
			inboxUnreadCount: (c) => ({
				status: 200,
				body: {
					count: [...this.store.conversations.values()]
						.filter((v) => v.workspaceId === c.workspace.id)
						.reduce((n, v) => n + v.unreadCount, 0),
				},
			}),
			inboxReply: (c) => this.inboxReply(c, false),
			inboxPrivateReply: (c) => this.inboxReply(c, true),
			inboxItemState: (c) => this.inboxItemState(c),
			inboxMarkRead: (c) => {
				const conv = this.requireConversation(c);
				conv.unreadCount = 0;
				return { status: 201, body: this.conversationView(conv) };
			},
			inboxStatus: (c) => {
				const conv = this.requireConversation(c);
				const status = (c.body as { status?: unknown } | undefined)?.status;
				if (status !== 'OPEN' && status !== 'DONE') throw short('inbox.invalidStatus');
				conv.status = status;
				return { status: 201, body: this.conversationView(conv) };
			},
			inboxAssign: (c) => {
				const conv = this.requireConversation(c);
				const userId = (c.body as { userId?: unknown } | undefined)?.userId;
				if (userId !== null && typeof userId !== 'string') throw short('inbox.invalidAssignee');
				conv.assigneeId = userId;
				return { status: 201, body: this.conversationView(conv) };
			},
		};
	}

	/** Registers every served endpoint; static paths first so `/social-posts/analytics` never matches `/social-posts/:id`. */
	register(router: Router): void {
		const entries = (
			Object.entries(POSTFAST_ENDPOINTS) as Array<[PostFastEndpointName, EndpointDef]>
		).sort(([, a], [, b]) => Number(a.path.includes(':')) - Number(b.path.includes(':')));
		for (const [name, def] of entries) {
			if (this.opts.vendorPageOnly && !def.onVendorPage) continue;
			router.add(def.method, def.path, (ctx) => this.handle(ctx, name));
		}
	}

	/** Nest's answer for a route it does not have: no guard ran, so no rate headers. */
	static notFound(ctx: RequestContext): void {
		ctx.json(404, {
			message: `Cannot ${ctx.method} ${ctx.path}`,
			error: 'Not Found',
			statusCode: 404,
		});
	}

	/** body parser → auth guard → throttler guard → validation → handler, as the Nest app runs them. */
	private async handle(ctx: RequestContext, name: PostFastEndpointName): Promise<void> {
		const def = POSTFAST_ENDPOINTS[name];
		// Express' JSON body parser runs before guards: a malformed or oversized body has no rate headers.
		const raw = await ctx.readBody(this.opts.bodyLimit);
		if (raw === 'too-large')
			return ctx.json(413, {
				message: 'request entity too large',
				error: 'Payload Too Large',
				statusCode: 413,
			});
		let body: unknown;
		if (raw.length > 0 && /json/i.test(ctx.req.headers['content-type'] ?? '')) {
			try {
				body = JSON.parse(raw.toString('utf8'));
			} catch (e) {
				return ctx.json(400, {
					message: (e as Error).message,
					error: 'Bad Request',
					statusCode: 400,
				});
			}
		}
		const header = ctx.req.headers['pf-api-key'];
		const key = Array.isArray(header) ? header[0] : header;
		if (key !== undefined && key.trim() === '') {
			return ctx.json(401, {
				message: MESSAGES.authUnauthorized,
				error: 'Unauthorized',
				statusCode: 401,
			});
		}
		const workspace = key === undefined ? undefined : this.store.workspaceByKey(key);
		if (!workspace) {
			return this.opts.missingKeyStatus === 403
				? ctx.json(403, { message: MESSAGES.authForbidden, error: 'Forbidden', statusCode: 403 })
				: ctx.json(401, {
						message: MESSAGES.authUnauthorized,
						error: 'Unauthorized',
						statusCode: 401,
					});
		}
		const throttle = this.throttler.hit(workspace.id, def.key);
		Object.assign(ctx.headers, throttle.headers);
		if (!throttle.allowed) return ctx.json(429, THROTTLE_BODIES[this.opts.profile]);
		try {
			const reply = await this.handlers[name]({
				ctx,
				url: ctx.url,
				body,
				workspace,
				params: ctx.params,
			});
			ctx.json(reply.status, reply.body);
		} catch (e) {
			if (e instanceof HttpError) return ctx.json(e.status, e.body);
			ctx.json(500, { statusCode: 500, message: 'Internal server error' });
		}
	}

	// ------------------------------------------------------------------------------------------
	// Files

	private async uploadUrls(c: Ctx): Promise<Reply> {
		const issues = checkUploadUrlsRequest(c.body, this.opts.profile);
		if (issues.length > 0) throw validation(issues.map((i) => i.message));
		const { contentType, count } = c.body as { contentType: string; count: number };
		const rule = contentTypeRule(contentType)!;
		const out: Array<{ key: string; signedUrl: string }> = [];
		for (let i = 0; i < count; i++) {
			const key = `${rule.kind}/${randomUUID()}.${rule.extension}`;
			this.store.issuedKeys.set(key, {
				key,
				workspaceId: c.workspace.id,
				contentType,
				issuedAt: this.clock.now(),
			});
			out.push({ key, signedUrl: await this.s3.presignPut(key, contentType) });
		}
		return { status: POSTFAST_ENDPOINTS.uploadUrls.successStatus[this.opts.profile], body: out };
	}

	// ------------------------------------------------------------------------------------------
	// Social accounts

	private helperList<T>(c: Ctx, source: Map<string, T[]>): Reply {
		const id = c.params.id;
		if (!isUuid(id)) throw new HttpError(400, parseUuidPipe());
		// A foreign or other-platform id answers an empty list (§2.4).
		return {
			status: 200,
			body: this.store.account(c.workspace.id, id) ? (source.get(id) ?? []) : [],
		};
	}

	private followerHistory(c: Ctx): Reply {
		const id = c.params.id;
		if (!isUuid(id)) throw new HttpError(400, parseUuidPipe());
		const q = c.url.searchParams;
		const now = this.clock.now();
		const messages: string[] = [];
		for (const name of ['from', 'to']) {
			const v = q.get(name);
			if (v !== null && !isIso8601(v))
				messages.push(`${name} must be a valid ISO 8601 date string`);
		}
		if (messages.length > 0) throw validation(messages);
		const to = q.get('to') ? Date.parse(q.get('to')!) : now;
		const from = q.get('from') ? Date.parse(q.get('from')!) : to - 90 * 86_400_000;
		if (from > to) throw validation(['from must be before to']);
		if (to - from > 365 * 86_400_000) throw validation(['The date range must not exceed 365 days']);
		const account = this.store.account(c.workspace.id, id);
		if (!account || account.followerCount === null || account.followerCount === undefined) {
			return { status: 200, body: { socialMediaId: id, series: [] } };
		}
		const current = Number(account.followerCount);
		const day = 86_400_000;
		const series: Array<{ capturedAt: string; followerCount: string }> = [];
		const start = Math.max(from, account.createdAt);
		for (let t = Math.ceil(start / day) * day; t <= to && t <= now; t += day) {
			const daysAgo = Math.round((now - t) / day);
			series.push({
				capturedAt: new Date(t).toISOString(),
				followerCount: String(Math.max(0, current - daysAgo * 3)),
			});
		}
		const first = series[0] ? Number(series[0].followerCount) : current;
		const last = series.at(-1) ? Number(series.at(-1)!.followerCount) : current;
		return {
			status: 200,
			body: {
				socialMediaId: id,
				series,
				currentFollowerCount: account.followerCount,
				delta: String(last - first),
				trackingStartedAt: new Date(account.createdAt).toISOString(),
			},
		};
	}

	private searchPlaces(c: Ctx): Reply {
		const q = c.url.searchParams.get('q') ?? '';
		if (q.length < 2) throw validation(['q must be longer than or equal to 2 characters']);
		const places = [
			{ id: '108424279189115', name: 'Berlin, Germany', city: 'Berlin', country: 'Germany' },
			{ id: '110714572282163', name: 'Paris, France', city: 'Paris', country: 'France' },
			{
				id: '108424279189116',
				name: 'Berlin Hauptbahnhof',
				city: 'Berlin',
				country: 'Germany',
				street: 'Europaplatz 1',
				zip: '10557',
			},
			{ id: '104048449631599', name: 'Lisbon, Portugal', city: 'Lisbon', country: 'Portugal' },
		];
		return {
			status: 200,
			body: places.filter((p) => p.name.toLowerCase().includes(q.toLowerCase())).slice(0, 100),
		};
	}

	private tiktokSounds(c: Ctx): Reply {
		const id = c.params.id;
		if (!isUuid(id)) throw new HttpError(400, parseUuidPipe());
		const q = c.url.searchParams;
		const genres = [
			'POP',
			'HIP_HOP',
			'ELECTRONIC',
			'ROCK',
			'COUNTRY',
			'LATIN',
			'RNB',
			'CLASSICAL',
			'JAZZ',
			'K_POP',
		];
		const genre = q.get('genre');
		if (genre !== null && !genres.includes(genre.toUpperCase()))
			throw coded(
				'tiktokSounds.invalidGenre',
				`Unknown genre "${genre}"; use one of ${genres.join(', ')}`,
			);
		const country = q.get('countryCode') ?? 'US';
		if (!/^[A-Z]{2}$/.test(country))
			throw coded(
				'tiktokSounds.invalidCountryCode',
				`countryCode must be an ISO 3166 alpha-2 code such as US (got "${country}")`,
			);
		const range = q.get('dateRange') ?? '7DAY';
		if (!(TIKTOK_SOUND_DATE_RANGES as readonly string[]).includes(range)) {
			throw coded(
				'tiktokSounds.invalidDateRange',
				`dateRange must be one of ${TIKTOK_SOUND_DATE_RANGES.join(', ')}`,
			);
		}
		const account = this.store.account(c.workspace.id, id);
		if (!account || account.platform !== 'TIKTOK')
			throw coded(
				'tiktokSounds.socialMediaNotFound',
				'No TikTok account with this id in the workspace',
				404,
			);
		// A valid country without a chart answers an empty list.
		if (!['US', 'GB', 'DE', 'FR'].includes(country)) return { status: 200, body: [] };
		const sounds = Array.from({ length: 5 }, (_, i) => ({
			musicSoundId: `7${String(100000000000000000 + i * 7919).slice(0, 18)}`,
			name: `Demo sound ${i + 1}`,
			artist: 'Postspool Band',
			duration: 30 + i * 5,
			thumbnailUrl: null,
			previewUrl: null,
			rankPosition: i + 1,
			genres: [genre?.toUpperCase() ?? genres[i % genres.length]],
			commercialMusicId: null,
			fullDurationClipId: null,
			trendingClipId: null,
		}));
		return { status: 200, body: sounds };
	}

	private connectLink(c: Ctx): Reply {
		const b = (c.body && typeof c.body === 'object' ? c.body : {}) as Record<string, unknown>;
		const messages: string[] = [];
		if (
			b.expiryDays !== undefined &&
			(!Number.isInteger(b.expiryDays) ||
				(b.expiryDays as number) < 1 ||
				(b.expiryDays as number) > 30)
		) {
			messages.push('expiryDays must not be less than 1', 'expiryDays must not be greater than 30');
		}
		if (b.platforms !== undefined) {
			if (!Array.isArray(b.platforms)) messages.push('platforms must be an array');
			else if (b.platforms.length === 0) messages.push('platforms should not be empty');
			else if (b.platforms.some((p) => !(PLATFORMS as readonly unknown[]).includes(p))) {
				messages.push(
					`each value in platforms must be one of the following values: ${PLATFORMS.join(', ')}`,
				);
			}
		}
		if (
			b.externalId !== undefined &&
			typeof b.externalId === 'string' &&
			b.externalId.length > 128
		) {
			messages.push('externalId must be shorter than or equal to 128 characters');
		}
		if (b.sendEmail !== undefined && typeof b.sendEmail !== 'boolean')
			messages.push('sendEmail must be a boolean value');
		if (
			b.sendEmail === true &&
			(typeof b.email !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(b.email))
		)
			messages.push('email must be an email');
		if (messages.length > 0) throw validation(messages);
		if (
			b.externalId !== undefined &&
			(typeof b.externalId !== 'string' || !/^[A-Za-z0-9\-._~:@]+$/.test(b.externalId))
		) {
			throw coded(
				'connectLink.externalIdInvalid',
				'externalId may only contain A-Z a-z 0-9 - . _ ~ : @',
			);
		}
		if (b.redirectUrl !== undefined) {
			let u: URL;
			try {
				u = new URL(String(b.redirectUrl));
			} catch {
				throw coded('connectLink.redirectUrlInvalid', 'redirectUrl must be an absolute URL');
			}
			if (String(b.redirectUrl).length > 2000 || u.username || u.password)
				throw coded(
					'connectLink.redirectUrlInvalid',
					'redirectUrl must be at most 2000 characters and carry no credentials',
				);
			const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
			if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback))
				throw coded(
					'connectLink.redirectUrlNotHttps',
					'redirectUrl must use https (http only on loopback)',
				);
		}
		const days = (b.expiryDays as number | undefined) ?? 7;
		const claims = Buffer.from(
			JSON.stringify({
				ws: c.workspace.id,
				exp: Math.floor((this.clock.now() + days * 86_400_000) / 1000),
			}),
		).toString('base64url');
		return {
			status: 201,
			body: {
				connectUrl: `https://app.postfa.st/connect?token=eyJhbGciOiJIUzI1NiJ9.${claims}.emulated`,
			},
		};
	}

	// ------------------------------------------------------------------------------------------
	// Social posts

	private createPosts(c: Ctx): Reply {
		const now = this.clock.now();
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
			const account = this.store.account(ws, p.socialMediaId);
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
			platformOf: (id) => this.store.account(ws, id)?.platform,
		});
		if (platformIssues.length > 0) throw issuesToError(platformIssues);
		if (this.opts.mediaCheck === 'strict') this.checkMedia(ws, b.posts, controls, platforms);

		const groupId = b.posts.length > 1 ? randomUUID() : null;
		const postIds = b.posts.map((p, i) => {
			const platform = platforms[i];
			return this.store.createPost(
				{
					workspaceId: ws,
					content: p.content,
					status,
					approvalStatus: b.approvalStatus ?? 'APPROVED',
					socialMediaId: p.socialMediaId,
					mediaItems: (p.mediaItems ?? []).map((m) => pick(m)),
					scheduledAt: p.scheduledAt === undefined ? null : Date.parse(p.scheduledAt),
					firstComment: p.firstComment ?? null,
					controls: this.store.controlsFor(platform, controls),
				},
				groupId,
			).id;
		});
		return { status: 201, body: { postIds } };
	}

	/** `media.invalidMedia`: the backend inspects uploaded objects at create time (§2.11, §4.5 point 6). */
	private checkMedia(
		ws: string,
		posts: PostInput[],
		controls: PostControls,
		platforms: Platform[],
	): void {
		const invalid = (detail: string) => coded('media.invalidMedia', detail);
		const object = (key: string, where: string) => {
			const issued = this.store.issuedKeys.get(key);
			const stored = this.s3.objects.get(key);
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
				const cap = fileSizeCap(issued.contentType, this.opts.profile, platforms[i]);
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
			const cap = fileSizeCap(issued.contentType, this.opts.profile);
			if (stored.size > cap)
				throw invalid(
					`controls.${name}: the file is ${stored.size} bytes, over the ${cap}-byte cap for ${issued.contentType}`,
				);
		}
	}

	private listPosts(c: Ctx): Reply {
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
		const matches = [...this.store.posts.values()]
			.filter((p) => p.workspaceId === c.workspace.id)
			.filter((p) => !ids || ids.includes(p.id))
			.filter((p) => !accountIds || accountIds.includes(p.socialMediaId))
			.filter(
				(p) =>
					!platforms ||
					platforms.includes(this.store.accounts.get(p.socialMediaId)?.platform ?? ''),
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
			.map((p) => this.store.listed(p, (k) => this.s3.objectUrl(k)));
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

	private deletePost(c: Ctx): Reply {
		const id = c.params.id;
		if (!isUuid(id)) throw new HttpError(400, parseUuidPipe());
		const post = this.store.posts.get(id);
		if (!post || post.workspaceId !== c.workspace.id)
			return { status: 200, body: { deleted: false } };
		this.store.posts.delete(id);
		return { status: 200, body: { deleted: true } };
	}

	private bulkDelete(c: Ctx): Reply {
		const ids = (
			c.body && typeof c.body === 'object' ? (c.body as { ids?: unknown }).ids : undefined
		) as unknown;
		if (!Array.isArray(ids) || ids.length === 0) throw validation([MESSAGES.bulkDeleteEmpty]);
		if (ids.length > MAX_BULK_DELETE_IDS) throw validation([MESSAGES.bulkDeleteTooMany]);
		if (ids.some((id) => !isUuidV4(id))) throw validation([MESSAGES.bulkDeleteInvalid]);
		const deletedIds: string[] = [];
		const notFoundIds: string[] = [];
		for (const id of new Set(ids as string[])) {
			const post = this.store.posts.get(id);
			if (post && post.workspaceId === c.workspace.id) {
				this.store.posts.delete(id);
				deletedIds.push(id);
			} else notFoundIds.push(id);
		}
		return { status: 200, body: { deletedIds, notFoundIds } };
	}

	// ------------------------------------------------------------------------------------------
	// Social Inbox (§2.16)

	private conversation(c: Ctx, id: string): Conversation | undefined {
		const conv = this.store.conversations.get(id);
		return conv && conv.workspaceId === c.workspace.id ? conv : undefined;
	}

	private requireConversation(c: Ctx): Conversation {
		const conv = this.conversation(c, uuidParam(c.params.id));
		if (!conv) throw short('inbox.conversationNotFound', 404);
		return conv;
	}

	private conversationView(v: Conversation): InboxConversation {
		const { workspaceId: _w, lastItemAt, ...rest } = v;
		return { ...rest, lastItemAt: new Date(lastItemAt).toISOString() };
	}

	private entryView(e: InboxEntry): InboxItem {
		return {
			id: e.id,
			conversationId: e.conversationId,
			kind: e.kind,
			text: e.text,
			authorName: e.authorName,
			fromPage: e.fromPage,
			hidden: e.hidden,
			createdAt: new Date(e.createdAt).toISOString(),
		};
	}

	private pageOf<T>(c: Ctx, all: T[]): Reply {
		const q = c.url.searchParams;
		const page = q.get('page') === null ? 0 : Number(q.get('page'));
		const limit = q.get('limit') === null ? DEFAULT_PAGE_SIZE : Number(q.get('limit'));
		const messages: string[] = [];
		if (!Number.isInteger(page) || page < 0) messages.push('page must not be less than 0');
		if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE)
			messages.push(`limit must be between 1 and ${MAX_PAGE_SIZE}`);
		if (messages.length > 0) throw validation(messages);
		return {
			status: 200,
			body: {
				data: all.slice(page * limit, (page + 1) * limit),
				totalCount: all.length === 0 ? null : all.length,
				pageInfo: { page: page + 1, hasNextPage: (page + 1) * limit < all.length, perPage: limit },
			},
		};
	}

	private inboxConversations(c: Ctx): Reply {
		const status = c.url.searchParams.get('status')?.toUpperCase();
		const all = [...this.store.conversations.values()]
			.filter((v) => v.workspaceId === c.workspace.id && (!status || v.status === status))
			.sort((a, b) => b.lastItemAt - a.lastItemAt)
			.map((v) => this.conversationView(v));
		return this.pageOf(c, all);
	}

	private inboxItems(c: Ctx): Reply {
		const conv = this.requireConversation(c);
		const all = [...this.store.inboxEntries.values()]
			.filter((e) => e.conversationId === conv.id && !e.deleted)
			.sort((a, b) => a.createdAt - b.createdAt)
			.map((e) => this.entryView(e));
		return this.pageOf(c, all);
	}

	private entry(c: Ctx): InboxEntry {
		const entry = this.store.inboxEntries.get(uuidParam(c.params.id));
		const conv = entry ? this.store.conversations.get(entry.conversationId) : undefined;
		if (!entry || entry.deleted || !conv || conv.workspaceId !== c.workspace.id)
			throw short('inbox.itemNotFound', 404);
		return entry;
	}

	private inboxReply(c: Ctx, privately: boolean): Reply {
		const target = this.entry(c);
		const b = (c.body && typeof c.body === 'object' ? c.body : {}) as {
			text?: unknown;
			idempotencyKey?: unknown;
		};
		if (typeof b.text !== 'string' || b.text.trim() === '') throw short('inbox.textRequired');
		if (privately && target.kind !== 'COMMENT') throw short('inbox.privateReplyNotSupported');
		const key = typeof b.idempotencyKey === 'string' ? b.idempotencyKey : undefined;
		if (key) {
			const earlier = [...this.store.inboxEntries.values()].find(
				(e) => e.idempotencyKey === key && e.conversationId === target.conversationId,
			);
			if (earlier) return { status: 201, body: this.entryView(earlier) };
		}
		const reply: InboxEntry = {
			id: randomUUID(),
			conversationId: target.conversationId,
			kind: privately ? 'MESSAGE' : target.kind,
			text: b.text,
			authorName: null,
			fromPage: true,
			hidden: false,
			deleted: false,
			createdAt: this.clock.now(),
			...(key ? { idempotencyKey: key } : {}),
		};
		this.store.inboxEntries.set(reply.id, reply);
		return { status: 201, body: this.entryView(reply) };
	}

	private inboxItemState(c: Ctx): Reply {
		const entry = this.entry(c);
		const action = (c.body as { action?: unknown } | undefined)?.action;
		if (!(INBOX_ITEM_ACTIONS as readonly unknown[]).includes(action))
			throw short('inbox.invalidAction');
		if (entry.kind !== 'COMMENT' && action !== 'DELETE') throw short('inbox.actionNotSupported');
		if (action === 'DELETE') entry.deleted = true;
		else entry.hidden = action === 'HIDE';
		return { status: 201, body: { id: entry.id, hidden: entry.hidden, deleted: entry.deleted } };
	}

	private analytics(c: Ctx): Reply {
		const q = c.url.searchParams;
		const messages: string[] = [];
		for (const name of ['startDate', 'endDate']) {
			const v = q.get(name);
			if (v === null || v === '') messages.push(`${name} should not be empty`);
			else if (!isIso8601(v)) messages.push(`${name} must be a valid ISO 8601 date string`);
		}
		const accountIds = csv(q.get('socialMediaIds'));
		if (accountIds?.some((id) => !isUuid(id)))
			messages.push(MESSAGES.filterInvalidUuid('socialMediaIds'));
		if (messages.length > 0) throw validation(messages);
		const start = Date.parse(q.get('startDate')!);
		const end = Date.parse(q.get('endDate')!);
		const platforms = csv(q.get('platforms'))?.map((p) => p.toUpperCase());
		const now = this.clock.now();
		const data = [...this.store.posts.values()]
			.filter(
				(p) =>
					p.workspaceId === c.workspace.id &&
					p.status === 'PUBLISHED' &&
					p.platformPostId !== null &&
					p.publishedAt !== null,
			)
			.filter((p) => p.publishedAt! >= start && p.publishedAt! <= end)
			.filter((p) => {
				const platform = this.store.accounts.get(p.socialMediaId)?.platform;
				// LinkedIn personal accounts are excluded (§2.15); the demo LinkedIn account is personal.
				return (
					platform !== 'LINKEDIN' &&
					(!platforms || platforms.includes(platform ?? '')) &&
					(!accountIds || accountIds.includes(p.socialMediaId))
				);
			})
			.sort((a, b) => a.publishedAt! - b.publishedAt!)
			.map((p) => {
				const fetchedAt = p.publishedAt! + 3_600_000;
				const seed = parseInt(p.id.slice(0, 6), 16);
				return {
					id: p.id,
					content: p.content,
					socialMediaId: p.socialMediaId,
					platformPostId: p.platformPostId,
					publishedAt: new Date(p.publishedAt!).toISOString(),
					// Metrics are fetched an hour after publishing; canned, deterministic per post.
					latestMetric:
						now < fetchedAt
							? null
							: {
									impressions: String(500 + (seed % 1000)),
									reach: String(400 + (seed % 800)),
									likes: String(seed % 90),
									comments: String(seed % 12),
									shares: String(seed % 7),
									totalInteractions: String((seed % 90) + (seed % 12) + (seed % 7)),
									fetchedAt: new Date(fetchedAt).toISOString(),
									extras: {},
								},
				};
			});
		return { status: 200, body: { data } };
	}
}

function uuidParam(id: string | undefined): string {
	if (!isUuid(id)) throw new HttpError(400, parseUuidPipe());
	return id;
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
