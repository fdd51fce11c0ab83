/**
 * The PostFast emulator's state: workspaces (one API key each), their accounts and helper lists,
 * issued upload keys, posts, and the simulated publisher that moves due posts on the clock.
 */
import { createHash, randomUUID } from 'node:crypto';

import {
	CONTROLS,
	PLATFORMS,
	controlsForPlatform,
	type ApprovalStatus,
	type GbpLocation,
	type ListedPost,
	type MediaItemInput,
	type PinterestBoard,
	type Platform,
	type PostControls,
	type PostStatus,
	type SocialAccount,
	type YoutubePlaylist,
} from '../../../contract/postfast';

export interface Workspace {
	id: string;
	name: string;
	apiKey: string;
}

export interface Account extends SocialAccount {
	workspaceId: string;
	connectionStatus: 'CONNECTED' | 'DISABLED';
	createdAt: number;
}

export interface Post {
	id: string;
	workspaceId: string;
	content: string;
	status: PostStatus;
	approvalStatus: ApprovalStatus;
	socialMediaId: string;
	mediaItems: MediaItemInput[];
	scheduledAt: number | null;
	publishedAt: number | null;
	failedAt: number | null;
	platformPostId: string | null;
	groupId: string | null;
	lastError: { message: string; code: string | null } | null;
	firstComment: string | null;
	firstCommentError: string | null;
	controls: Record<string, unknown>;
	createdAt: number;
}

export interface Conversation {
	id: string;
	workspaceId: string;
	socialMediaId: string;
	platform: Platform;
	participantName: string | null;
	participantUsername: string | null;
	lastItemAt: number;
	unreadCount: number;
	status: 'OPEN' | 'DONE';
	assigneeId: string | null;
}

export interface InboxEntry {
	id: string;
	conversationId: string;
	kind: 'COMMENT' | 'MESSAGE';
	text: string;
	authorName: string | null;
	fromPage: boolean;
	hidden: boolean;
	deleted: boolean;
	createdAt: number;
	/** Reply idempotency: the key a reply was sent with. */
	idempotencyKey?: string;
}

export interface IssuedKey {
	key: string;
	workspaceId: string;
	contentType: string;
	issuedAt: number;
}

/** Deterministic v4-shaped UUID from a seed, so demo ids are stable across runs. */
export function seededUuid(seed: string): string {
	const h = createHash('sha256').update(seed).digest('hex');
	const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A 44-character base64 key ending in `=`, the shape PostFast issues (docs/postfast-api.md, Transport and authentication). */
function demoKey(seed: string): string {
	return createHash('sha256').update(`postspool-postfast-demo-key:${seed}`).digest('base64');
}

const DISPLAY: Record<Platform, string> = {
	TIKTOK: 'TikTok',
	INSTAGRAM: 'Instagram',
	FACEBOOK: 'Facebook Page',
	X: 'X',
	YOUTUBE: 'YouTube',
	LINKEDIN: 'LinkedIn',
	THREADS: 'Threads',
	BLUESKY: 'Bluesky',
	PINTEREST: 'Pinterest',
	TELEGRAM: 'Telegram',
	GOOGLE_BUSINESS_PROFILE: 'Google Business Profile',
};

export interface PublisherOptions {
	/** Decides which due posts fail (default: content containing `[fail]`). */
	failWhen?: (post: Post, account: Account | undefined) => string | undefined;
	/** Per-account publishes per UTC day (fair use, docs/postfast-api.md, Creating posts); a post over the cap fails as FAIR_USE_LIMIT. */
	dailyCaps?: Partial<Record<Platform, number>>;
}

export class PostFastStore {
	workspaces: Workspace[] = [];
	accounts = new Map<string, Account>();
	pinterestBoards = new Map<string, PinterestBoard[]>();
	youtubePlaylists = new Map<string, YoutubePlaylist[]>();
	gbpLocations = new Map<string, GbpLocation[]>();
	posts = new Map<string, Post>();
	issuedKeys = new Map<string, IssuedKey>();
	conversations = new Map<string, Conversation>();
	inboxEntries = new Map<string, InboxEntry>();

	constructor(
		private readonly now: () => number,
		private readonly publisher: PublisherOptions = {},
	) {
		this.seed();
	}

	/** Two workspaces: the demo one (every platform + one DISABLED account) and a second to prove isolation. */
	seed(): void {
		const created = this.now() - 180 * 86_400_000;
		this.workspaces = [
			{ id: seededUuid('ws-demo'), name: 'Demo workspace', apiKey: demoKey('demo') },
			{ id: seededUuid('ws-other'), name: 'Other workspace', apiKey: demoKey('other') },
		];
		this.accounts.clear();
		this.pinterestBoards.clear();
		this.youtubePlaylists.clear();
		this.gbpLocations.clear();
		this.posts.clear();
		this.issuedKeys.clear();
		this.conversations.clear();
		this.inboxEntries.clear();
		const [demo, other] = this.workspaces;
		const add = (ws: Workspace, platform: Platform, n: number, disabled = false) => {
			const id = seededUuid(`${ws.id}:${platform}:${n}`);
			const slug = platform.toLowerCase().replace(/_/g, '');
			const followers =
				platform === 'X' || platform === 'GOOGLE_BUSINESS_PROFILE'
					? null
					: String(1000 + n * 137 + slug.length * 11);
			this.accounts.set(id, {
				id,
				workspaceId: ws.id,
				platform,
				platformUsername:
					platform === 'FACEBOOK' || platform === 'GOOGLE_BUSINESS_PROFILE'
						? null
						: `postspool_${slug}${n > 0 ? n : ''}`,
				displayName: `${ws.name.split(' ')[0]} ${DISPLAY[platform]}${disabled ? ' (disconnected)' : ''}`,
				connectionStatus: disabled ? 'DISABLED' : 'CONNECTED',
				disabledReason: disabled ? 'TOKEN_REVOKED' : null,
				inboxCapable: ['FACEBOOK', 'INSTAGRAM', 'THREADS', 'TIKTOK', 'YOUTUBE'].includes(platform),
				followerCount: followers,
				followerCountUpdatedAt:
					followers === null
						? null
						: new Date(Math.floor(this.now() / 86_400_000) * 86_400_000).toISOString(),
				createdAt: created,
			});
			return id;
		};
		for (const platform of PLATFORMS) add(demo, platform, 0);
		add(demo, 'INSTAGRAM', 1, true);
		add(other, 'X', 0);
		add(other, 'FACEBOOK', 0);
		add(other, 'PINTEREST', 0);
		for (const account of this.accounts.values()) {
			const seed = account.id;
			if (account.inboxCapable && account.connectionStatus === 'CONNECTED') this.seedInbox(account);
			if (account.platform === 'PINTEREST') {
				this.pinterestBoards.set(account.id, [
					{
						id: seededUuid(`${seed}:board:1`),
						boardId: '1234567890123456789',
						name: 'Launches',
						description: 'Product launches',
						imageUrl: null,
					},
					{
						id: seededUuid(`${seed}:board:2`),
						boardId: '9876543210987654321',
						name: 'Behind the scenes',
						description: null,
						imageUrl: null,
					},
				]);
			}
			if (account.platform === 'YOUTUBE') {
				this.youtubePlaylists.set(account.id, [
					{
						id: seededUuid(`${seed}:pl:1`),
						playlistId: 'PLpostspoolDemoShorts0001',
						title: 'Shorts',
						description: null,
						thumbnailUrl: null,
					},
					{
						id: seededUuid(`${seed}:pl:2`),
						playlistId: 'PLpostspoolDemoTutorials02',
						title: 'Tutorials',
						description: 'How-tos',
						thumbnailUrl: null,
					},
				]);
			}
			if (account.platform === 'GOOGLE_BUSINESS_PROFILE') {
				this.gbpLocations.set(account.id, [
					{
						id: seededUuid(`${seed}:loc:1`),
						locationId: 'accounts/1111111111/locations/2222222222',
						title: 'Postspool Café',
						address: '1 Demo Street, Berlin',
						mapsUri: null,
					},
				]);
			}
		}
	}

	/** One conversation with a comment and a direct message per inbox-capable account. */
	private seedInbox(account: Account): void {
		const at = this.now() - 3_600_000;
		const conversation: Conversation = {
			id: seededUuid(`${account.id}:conversation`),
			workspaceId: account.workspaceId,
			socialMediaId: account.id,
			platform: account.platform,
			participantName: 'Ada Demo',
			participantUsername: 'ada_demo',
			lastItemAt: at + 60_000,
			unreadCount: 2,
			status: 'OPEN',
			assigneeId: null,
		};
		this.conversations.set(conversation.id, conversation);
		const texts: Array<[InboxEntry['kind'], string]> = [
			['COMMENT', 'Love this! When is the next one?'],
			['MESSAGE', 'Hi, do you ship to Lisbon?'],
		];
		texts.forEach(([kind, text], i) => {
			const id = seededUuid(`${conversation.id}:item:${i}`);
			this.inboxEntries.set(id, {
				id,
				conversationId: conversation.id,
				kind,
				text,
				authorName: 'Ada Demo',
				fromPage: false,
				hidden: false,
				deleted: false,
				createdAt: at + i * 60_000,
			});
		});
	}

	workspaceByKey(apiKey: string): Workspace | undefined {
		return this.workspaces.find((w) => w.apiKey === apiKey);
	}

	accountsOf(workspaceId: string): Account[] {
		return [...this.accounts.values()].filter((a) => a.workspaceId === workspaceId);
	}

	/** An account of this workspace (foreign ids are invisible). */
	account(workspaceId: string, id: string): Account | undefined {
		const a = this.accounts.get(id);
		return a && a.workspaceId === workspaceId ? a : undefined;
	}

	createPost(
		input: Omit<
			Post,
			| 'id'
			| 'publishedAt'
			| 'failedAt'
			| 'platformPostId'
			| 'groupId'
			| 'lastError'
			| 'firstCommentError'
			| 'createdAt'
		>,
		groupId: string | null,
	): Post {
		const post: Post = {
			...input,
			id: randomUUID(),
			publishedAt: null,
			failedAt: null,
			platformPostId: null,
			groupId,
			lastError: null,
			firstCommentError: null,
			createdAt: this.now(),
		};
		this.posts.set(post.id, post);
		return post;
	}

	/** The controls a listed post shows: its platform's controls with defaults, then what was sent. */
	controlsFor(platform: Platform, sent: PostControls): Record<string, unknown> {
		const out: Record<string, unknown> = {};
		for (const def of controlsForPlatform(platform)) {
			if (def.noOp) continue;
			out[def.name] = sent[def.name] ?? def.default ?? null;
		}
		return out;
	}

	/** Known control names (unknown ones are dropped like the real whitelist pipe does). */
	static knownControls = new Set(CONTROLS.map((c) => c.name));

	/**
	 * The simulated publisher: every SCHEDULED, APPROVED post whose time has come is PUBLISHED or
	 * FAILED; unapproved posts 2 h past their time fail as MISSED_NOT_PUBLISHED (docs/postfast-api.md, Listing posts).
	 */
	publishDue(): number {
		const now = this.now();
		let moved = 0;
		// In time order, so the fair-use cap lets the earliest posts of a day through.
		const due = [...this.posts.values()]
			.filter((p) => p.status === 'SCHEDULED' && p.scheduledAt !== null && p.scheduledAt <= now)
			.sort((a, b) => a.scheduledAt! - b.scheduledAt!);
		for (const post of due) {
			const at = post.scheduledAt!;
			const account = this.accounts.get(post.socialMediaId);
			if (post.approvalStatus !== 'APPROVED') {
				if (now >= at + 2 * 3_600_000) {
					this.fail(
						post,
						at + 2 * 3_600_000,
						'The post was not approved before its scheduled time',
						'MISSED_NOT_PUBLISHED',
					);
					moved += 1;
				}
				continue;
			}
			moved += 1;
			if (!account || account.connectionStatus === 'DISABLED') {
				this.fail(
					post,
					at,
					'The account was disconnected at the scheduled time',
					'MISSED_DISCONNECTED',
				);
				continue;
			}
			const cap = this.publisher.dailyCaps?.[account.platform];
			if (cap !== undefined && this.publishedOnDay(account.id, at) >= cap) {
				this.fail(
					post,
					at,
					`Fair use: ${account.platform} allows ${cap} published posts per account per UTC day; this account reached it`,
					'FAIR_USE_LIMIT',
				);
				continue;
			}
			const reason = (this.publisher.failWhen ?? defaultFailWhen)(post, account);
			if (reason) {
				this.fail(post, at, reason, null);
			} else {
				post.status = 'PUBLISHED';
				post.publishedAt = at;
				post.platformPostId = `${account.platform.toLowerCase()}_${post.id.slice(0, 8)}`;
			}
		}
		return moved;
	}

	private publishedOnDay(accountId: string, at: number): number {
		const day = Math.floor(at / 86_400_000);
		let n = 0;
		for (const p of this.posts.values()) {
			if (
				p.socialMediaId === accountId &&
				p.status === 'PUBLISHED' &&
				p.publishedAt !== null &&
				Math.floor(p.publishedAt / 86_400_000) === day
			)
				n += 1;
		}
		return n;
	}

	private fail(post: Post, at: number, message: string, code: string | null): void {
		post.status = 'FAILED';
		post.failedAt = at;
		post.lastError = { message, code };
	}

	listed(post: Post, mediaUrl: (key: string) => string): ListedPost {
		const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
		return {
			id: post.id,
			content: post.content,
			status: post.status,
			approvalStatus: post.approvalStatus,
			socialMediaId: post.socialMediaId,
			mediaItems: post.mediaItems.map((m) => ({
				key: m.key,
				type: m.type,
				url: mediaUrl(m.key),
				sortOrder: m.sortOrder,
				coverImageKey: m.coverImageKey ?? null,
				coverTimestamp: m.coverTimestamp ?? null,
				coverImageUrl: m.coverImageKey ? mediaUrl(m.coverImageKey) : null,
				coverImageUpdatedUrl: null,
			})),
			scheduledAt: iso(post.scheduledAt),
			publishedAt: iso(post.publishedAt),
			failedAt: iso(post.failedAt),
			platformPostId: post.platformPostId,
			groupId: post.groupId,
			lastError: post.lastError,
			firstComment: post.firstComment,
			firstCommentError: post.firstCommentError,
			controls: post.controls,
		};
	}
}

function defaultFailWhen(post: Post): string | undefined {
	return post.content.includes('[fail]')
		? 'The platform refused the post (emulated failure: the content contains "[fail]")'
		: undefined;
}
