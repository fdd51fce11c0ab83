/**
 * The PostSider emulator's in-memory state: organisations and their keys, channels (integrations),
 * customers (groups), tags, posts (rows chained by parentPostId, one group per channel entry),
 * media, notifications, idempotency keys and approvals; plus the simulated publisher.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';

import {
	DEFAULT_POSTING_TIMES,
	PROVIDER_RULES,
	type IntegrationRow,
	type PostState,
	type SupportedProvider,
} from '../../../contract/postsider';

export interface Org {
	id: string;
	name: string;
	/** Legacy 64-hex key first, then `ps_` keys. */
	apiKeys: string[];
}

/** A channel is stored as the full integration row the real server keeps (tokens are fake). */
export type Channel = IntegrationRow;

export interface Customer {
	id: string;
	name: string;
	orgId: string;
	deletedAt: string | null;
}

export interface Tag {
	id: string;
	name: string;
	color: string;
	orgId: string;
	deletedAt: string | null;
	createdAt: string;
	updatedAt: string;
}

export interface PostRecord {
	id: string;
	state: PostState;
	publishDate: string;
	organizationId: string;
	integrationId: string;
	content: string;
	delay: number;
	group: string;
	title: string | null;
	description: string | null;
	parentPostId: string | null;
	releaseId: string | null;
	releaseURL: string | null;
	settings: string;
	image: string;
	submittedForOrderId: string | null;
	submittedForOrganizationId: string | null;
	approvedSubmitForOrder: string;
	creationMethod: string;
	lastMessageId: string | null;
	intervalInDays: number | null;
	error: string | null;
	evergreen: boolean;
	lastRecycledAt: string | null;
	firstComment: string | null;
	shareToken: string | null;
	createdAt: string;
	updatedAt: string;
	deletedAt: string | null;
	/** Tag ids (labels matched against org tags at create time). */
	tagIds: string[];
}

export interface Media {
	id: string;
	orgId: string;
	name: string;
	originalName: null;
	path: string;
	thumbnail: string | null;
	alt: string | null;
	type: 'image' | 'video' | 'audio';
	fileSize: number;
	width: number | null;
	height: number | null;
	/** Where the bytes live on disk, its MIME type and real size (not part of the API object). */
	file: string;
	mime: string;
	bytes: number;
}

export interface Notification {
	id: string;
	orgId: string;
	content: string;
	link: string | null;
	createdAt: string;
}

export interface IdempotencyRow {
	orgId: string;
	key: string;
	hash: string;
	status: 'processing' | 'completed';
	response?: unknown;
}

export interface Approval {
	id: string;
	postId: string;
	organizationId: string;
	status: 'PENDING' | 'APPROVED' | 'REJECTED';
	note: string | null;
	requestedAt: string;
	resolvedAt: string | null;
}

/** The demo keys are fixed so docs, workflows and scripts can name them; they are not secrets. */
export const DEMO_KEYS = {
	legacy: createHash('sha256').update('postspool-demo-organisation').digest('hex'),
	selfService: 'ps_' + 'DemoKeyForTheLocalEmulatorOnly0123456789'.slice(0, 40),
	otherOrg: 'ps_' + 'SecondOrgKeyForIsolationTestsOnly0000000'.slice(0, 40),
} as const;

/** What the real server would leak in integration rows: here an obviously fake value. */
export const FAKE_TOKEN = 'fake-oauth-token-from-the-emulator';
export const FAKE_REFRESH_TOKEN = 'fake-refresh-token-from-the-emulator';

/** A cuid-looking id: `c` + 24 lowercase base-36 characters. */
export function cuid(seed?: string): string {
	const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';
	const bytes =
		seed === undefined
			? randomBytes(24)
			: createHash('sha256').update(seed).digest().subarray(0, 24);
	let out = 'c';
	for (const byte of bytes) out += alphabet[byte % 36];
	return out;
}

export interface PublisherOptions {
	/** Decides a publish failure (default: content containing `[fail]`). */
	failWhen?: (post: PostRecord, channel: Channel) => string | undefined;
}

const LABELS: Record<string, string> = Object.fromEntries(
	Object.values(PROVIDER_RULES).map((r) => [r.identifier, r.label]),
);

export class PostSiderStore {
	orgs: Org[] = [];
	channels = new Map<string, Channel>();
	customers = new Map<string, Customer>();
	tags = new Map<string, Tag>();
	posts = new Map<string, PostRecord>();
	media = new Map<string, Media>();
	notifications: Notification[] = [];
	idempotency = new Map<string, IdempotencyRow>();
	approvals = new Map<string, Approval>();

	constructor(
		private readonly now: () => number,
		private readonly publisher: PublisherOptions = {},
	) {
		this.seed();
	}

	iso(ms = this.now()): string {
		return new Date(ms).toISOString();
	}

	/** Resets everything to the demo data (media files on disk are the caller's business). */
	seed(): void {
		this.orgs = [];
		this.channels.clear();
		this.customers.clear();
		this.tags.clear();
		this.posts.clear();
		this.media.clear();
		this.notifications = [];
		this.idempotency.clear();
		this.approvals.clear();
		const created = this.iso();

		const demo: Org = {
			id: 'org-demo',
			name: 'Demo Organisation',
			apiKeys: [DEMO_KEYS.legacy, DEMO_KEYS.selfService],
		};
		const other: Org = {
			id: 'org-other',
			name: 'Other Organisation',
			apiKeys: [DEMO_KEYS.otherOrg],
		};
		this.orgs.push(demo, other);

		const clientA: Customer = {
			id: '0b6a4c1e-7d1f-4a57-9f0e-5c1b2a3d4e5f',
			name: 'Client A',
			orgId: demo.id,
			deletedAt: null,
		};
		this.customers.set(clientA.id, clientA);

		for (const [name, color] of [
			['Launch', '#ff0000'],
			['Evergreen', '#00aa00'],
		] as const) {
			const tag: Tag = {
				id: randomUUID(),
				name,
				color,
				orgId: demo.id,
				deletedAt: null,
				createdAt: created,
				updatedAt: created,
			};
			this.tags.set(tag.id, tag);
		}

		const seedChannel = (
			org: Org,
			provider: string,
			name: string,
			extra: Partial<Channel> = {},
		) => {
			// Stable ids across restarts, so example workflows and scripts can name demo channels.
			const id = cuid(`${org.id}/${provider}/${name}`);
			const channel: Channel = {
				id,
				internalId: String(100000 + this.channels.size),
				organizationId: org.id,
				name,
				picture: `https://avatars.postsider.invalid/${provider}.png`,
				providerIdentifier: provider,
				type: 'social',
				token: FAKE_TOKEN,
				disabled: false,
				tokenExpiration: '2099-01-01T00:00:00.000Z',
				refreshToken: FAKE_REFRESH_TOKEN,
				profile: name
					.toLowerCase()
					.replace(/[^a-z0-9]+/g, '-')
					.replace(/^-|-$/g, ''),
				deletedAt: null,
				createdAt: created,
				updatedAt: created,
				inBetweenSteps: false,
				refreshNeeded: false,
				postingTimes: JSON.stringify(DEFAULT_POSTING_TIMES).replace(/,\{/g, ', {'),
				timezone: 'UTC',
				customInstanceDetails: null,
				customerId: null,
				rootInternalId: null,
				additionalSettings: '[]',
				...extra,
			};
			this.channels.set(id, channel);
			return channel;
		};
		seedChannel(demo, 'x', 'Demo X', {
			additionalSettings: JSON.stringify([{ title: 'Verified', value: false }]),
		});
		seedChannel(demo, 'linkedin', 'Demo LinkedIn');
		seedChannel(demo, 'linkedin-page', 'Acme LinkedIn Page', { customerId: clientA.id });
		seedChannel(demo, 'instagram', 'Acme Instagram', { customerId: clientA.id });
		seedChannel(demo, 'facebook', 'Demo Facebook Page');
		seedChannel(demo, 'tiktok', 'Demo TikTok');
		seedChannel(demo, 'youtube', 'Demo YouTube');
		seedChannel(demo, 'bluesky', 'Demo Bluesky');
		seedChannel(demo, 'threads', 'Demo Threads');
		seedChannel(demo, 'pinterest', 'Demo Pinterest');
		seedChannel(demo, 'x', 'Old X account (disabled)', { disabled: true });
		seedChannel(other, 'x', 'Other Org X');
	}

	orgByKey(key: string): Org | undefined {
		return this.orgs.find((o) => o.apiKeys.includes(key));
	}

	/** Lookup by org and id only (deleted and disabled channels included, as the server does). */
	channel(orgId: string, id: string): Channel | undefined {
		const channel = this.channels.get(id);
		return channel && channel.organizationId === orgId ? channel : undefined;
	}

	activeChannels(orgId: string): Channel[] {
		return [...this.channels.values()].filter(
			(c) => c.organizationId === orgId && c.deletedAt === null,
		);
	}

	/** A non-deleted post of the org. */
	post(orgId: string, id: string): PostRecord | undefined {
		const post = this.posts.get(id);
		return post && post.organizationId === orgId && post.deletedAt === null ? post : undefined;
	}

	softDeleteGroup(orgId: string, group: string): number {
		let n = 0;
		for (const post of this.posts.values()) {
			if (post.organizationId === orgId && post.group === group && post.deletedAt === null) {
				post.deletedAt = this.iso();
				post.updatedAt = post.deletedAt;
				n++;
			}
		}
		return n;
	}

	/** The chain from a post: itself, then its children in order. */
	chain(first: PostRecord): PostRecord[] {
		const out = [first];
		for (let cur: PostRecord | undefined = first; cur; ) {
			const next: PostRecord | undefined = [...this.posts.values()].find(
				(p) => p.parentPostId === cur!.id && p.deletedAt === null,
			);
			if (next) out.push(next);
			cur = next;
		}
		return out;
	}

	notify(orgId: string, content: string, link: string | null = null): void {
		this.notifications.push({ id: randomUUID(), orgId, content, link, createdAt: this.iso() });
	}

	/** The simulated publisher: due QUEUE main posts → PUBLISHED or ERROR, with a notification. */
	publishDue(): number {
		const now = this.now();
		let moved = 0;
		for (const post of this.posts.values()) {
			if (post.state !== 'QUEUE' || post.deletedAt !== null || post.parentPostId !== null) continue;
			if (Date.parse(post.publishDate) > now) continue;
			const channel = this.channels.get(post.integrationId);
			const thread = this.chain(post);
			const at = this.iso(now);
			const label = channel
				? (LABELS[channel.providerIdentifier] ?? channel.providerIdentifier)
				: 'the channel';
			let error: string | undefined;
			if (!channel || channel.deletedAt !== null) error = 'The channel was deleted';
			else if (channel.disabled)
				error = `We couldn't post to ${channel.name} because it's disabled. Please enable it and try again.`;
			else
				error = this.publisher.failWhen
					? this.publisher.failWhen(post, channel)
					: post.content.includes('[fail]')
						? `Simulated ${label} failure: the platform refused the post`
						: undefined;
			for (const row of thread) {
				row.updatedAt = at;
				if (error) {
					row.state = 'ERROR';
					row.error = error;
				} else {
					row.state = 'PUBLISHED';
					row.error = null;
					if (row.content.includes('[missing]')) {
						row.releaseId = 'missing';
					} else {
						row.releaseId = String(
							7_000_000_000_000_000_000n + BigInt(parseInt(randomBytes(6).toString('hex'), 16)),
						);
						row.releaseURL = `https://${channel!.providerIdentifier}.postsider.invalid/${channel!.profile ?? 'p'}/${row.releaseId}`;
					}
				}
			}
			if (error) {
				this.notify(
					post.organizationId,
					channel?.disabled
						? error
						: `Error posting to ${label} for ${channel?.name ?? post.integrationId}: ${error}`,
				);
			} else {
				this.notify(
					post.organizationId,
					`Your post to ${label} was published successfully`,
					post.releaseURL,
				);
			}
			moved++;
		}
		return moved;
	}

	/** Isolation helper for tests: a provider's demo channel of the demo org. */
	demoChannel(provider: SupportedProvider | string, orgId = 'org-demo'): Channel | undefined {
		return [...this.channels.values()].find(
			(c) =>
				c.organizationId === orgId &&
				c.providerIdentifier === provider &&
				!c.disabled &&
				c.deletedAt === null,
		);
	}
}
