/** Posts (docs/postsider-api.md, Endpoints, approvals docs/postsider-api.md, Other routes): create, list, read, status, delete. */
import { createHash, randomUUID } from 'node:crypto';

import {
	IDEMPOTENCY_MESSAGES,
	POSTSIDER_MESSAGES,
	STATUS_CHANGE_VALUES,
	isIsoDateString,
	isValidIdempotencyKey,
	parsePostSiderDate,
	validateCreatePost,
} from '../../../../contract/postsider';

import { cuid, type PostRecord, type PostSiderStore } from '../store';
import { E7, e2, e3, seeded, type Kit } from '../pipeline';

function tagRows(store: PostSiderStore, post: PostRecord) {
	return post.tagIds
		.map((id) => store.tags.get(id))
		.filter((t) => t !== undefined)
		.map((tag) => ({ tag }));
}

/** A full post row as `GET /posts/:id` shows it (image parsed, `url` and `type` added). */
function fullRow(post: PostRecord) {
	const { tagIds: _tags, image, ...row } = post;
	const parsed = (JSON.parse(image) as Array<Record<string, unknown>>).map((m) => ({
		...m,
		url: m.path,
		type: 'image',
	}));
	return {
		id: row.id,
		state: row.state,
		publishDate: row.publishDate,
		organizationId: row.organizationId,
		integrationId: row.integrationId,
		content: row.content,
		delay: row.delay,
		group: row.group,
		title: row.title,
		description: row.description,
		parentPostId: row.parentPostId,
		releaseId: row.releaseId,
		releaseURL: row.releaseURL,
		settings: row.settings,
		image: parsed,
		submittedForOrderId: row.submittedForOrderId,
		submittedForOrganizationId: row.submittedForOrganizationId,
		approvedSubmitForOrder: row.approvedSubmitForOrder,
		creationMethod: row.creationMethod,
		lastMessageId: row.lastMessageId,
		intervalInDays: row.intervalInDays,
		error: row.error,
		evergreen: row.evergreen,
		lastRecycledAt: row.lastRecycledAt,
		firstComment: row.firstComment,
		shareToken: row.shareToken,
		createdAt: row.createdAt,
		updatedAt: row.updatedAt,
		deletedAt: row.deletedAt,
	};
}

export function postRoutes(kit: Kit): void {
	const { store, now, iso, opts, route, lookup, storedImageSize } = kit;

	route('createPost', (ctx) => {
		const check = validateCreatePost(
			ctx.body,
			lookup(ctx.org),
			(path) => storedImageSize(ctx.org, path),
			{
				restrictUploadDomain: opts.restrictUploadDomain,
			},
		);
		if (!check.ok) {
			if (check.shape === 'E2') return ctx.json(400, e2(check.message));
			if (check.shape === 'E3') return ctx.json(400, e3(check.messages));
			return ctx.json(400, {
				statusCode: 400,
				provider: check.provider,
				name: check.name,
				message: check.message,
			});
		}
		// Step 5: idempotency, only after validation (rejected requests do not consume the key).
		const key = ctx.req.headers['idempotency-key'];
		let idemKey: string | undefined;
		// An empty header is no key at all (the server tests `if (!key)`).
		if (typeof key === 'string' && key !== '') {
			if (!isValidIdempotencyKey(key))
				return ctx.json(409, e2(IDEMPOTENCY_MESSAGES.invalid, 409, 'Conflict'));
			const hash = createHash('sha256').update(JSON.stringify(ctx.body)).digest('hex');
			idemKey = `${ctx.org.id}|${key}`;
			const row = store.idempotency.get(idemKey);
			if (row) {
				if (row.hash !== hash)
					return ctx.json(409, e2(IDEMPOTENCY_MESSAGES.mismatch, 409, 'Conflict'));
				if (row.status === 'processing')
					return ctx.json(409, e2(IDEMPOTENCY_MESSAGES.processing, 409, 'Conflict'));
				return ctx.json(201, row.response);
			}
			store.idempotency.set(idemKey, { orgId: ctx.org.id, key, hash, status: 'processing' });
		}
		try {
			const req = check.request;
			// Cloud trial: X posts are reserved before anything is created (402, the claim released).
			if (opts.trialXPosts !== undefined && req.type !== 'update') {
				const wanted = req.posts.filter((p) => p.channel.identifier === 'x').length;
				const used = [...store.posts.values()].filter(
					(p) =>
						p.organizationId === ctx.org.id &&
						p.parentPostId === null &&
						store.channels.get(p.integrationId)?.providerIdentifier === 'x',
				).length;
				if (wanted > 0 && used + wanted > opts.trialXPosts) {
					if (idemKey) store.idempotency.delete(idemKey);
					return ctx.json(402, {
						statusCode: 402,
						message: 'Your trial includes usage limits. Choose a plan to continue.',
					});
				}
			}
			const minute = Math.floor(now() / 60_000) * 60_000;
			const publishMs = req.type === 'now' ? minute : parsePostSiderDate(req.date);
			const labels = new Set((req.tags ?? []).map((t) => (t as { label?: unknown }).label));
			const tagIds = [...store.tags.values()]
				.filter((t) => t.orgId === ctx.org.id && t.deletedAt === null && labels.has(t.name))
				.map((t) => t.id);
			const out: Array<{ postId: string; integration: string }> = [];
			for (const entry of req.posts) {
				const group = randomUUID();
				let parent: string | null = null;
				let first: string | undefined;
				const stamp = iso();
				for (const [i, item] of entry.value.entries()) {
					const existing = item.id ? store.post(ctx.org.id, item.id) : undefined;
					const state =
						req.type === 'draft'
							? 'DRAFT'
							: req.type === 'update' && existing
								? existing.state
								: 'QUEUE';
					const row: PostRecord = {
						id: existing?.id ?? (item.id && !store.posts.has(item.id) ? item.id : cuid()),
						state,
						publishDate: iso(publishMs),
						organizationId: ctx.org.id,
						integrationId: entry.channel.id,
						content: item.content,
						delay: item.delay ?? 0,
						group,
						title: null,
						description: null,
						parentPostId: parent,
						releaseId: null,
						releaseURL: null,
						settings: JSON.stringify(entry.settings),
						image: JSON.stringify(item.image),
						submittedForOrderId: null,
						submittedForOrganizationId: null,
						approvedSubmitForOrder: 'NO',
						creationMethod: req.creationMethod ?? 'API',
						lastMessageId: null,
						intervalInDays: i === 0 && req.inter ? req.inter : null,
						error: null,
						evergreen: false,
						lastRecycledAt: null,
						firstComment: i === 0 ? (entry.firstComment ?? null) : null,
						shareToken: null,
						createdAt: existing?.createdAt ?? stamp,
						updatedAt: stamp,
						deletedAt: null,
						tagIds: i === 0 ? tagIds : [],
					};
					store.posts.set(row.id, row);
					parent = row.id;
					first ??= row.id;
				}
				// `posts[].group`: the old group's rows are soft-deleted after the new ones exist.
				if (entry.group) store.softDeleteGroup(ctx.org.id, entry.group);
				out.push({ postId: first!, integration: entry.channel.id });
			}
			if (idemKey) {
				const row = store.idempotency.get(idemKey)!;
				row.status = 'completed';
				row.response = out;
			}
			return ctx.json(201, out);
		} catch (error) {
			if (idemKey) store.idempotency.delete(idemKey);
			throw error;
		}
	});

	route('listPosts', (ctx) => {
		const startDate = ctx.query.get('startDate');
		const endDate = ctx.query.get('endDate');
		const messages: string[] = [];
		if (!isIsoDateString(startDate))
			messages.push('startDate must be a valid ISO 8601 date string');
		if (!isIsoDateString(endDate)) messages.push('endDate must be a valid ISO 8601 date string');
		if (messages.length) return ctx.json(400, e3(messages));
		const start = parsePostSiderDate(startDate!);
		const end = parsePostSiderDate(endDate!);
		const customer = ctx.query.get('customer');
		const posts = [];
		for (const post of store.posts.values()) {
			if (
				post.organizationId !== ctx.org.id ||
				post.deletedAt !== null ||
				post.parentPostId !== null
			)
				continue;
			const channel = store.channels.get(post.integrationId);
			if (!channel || channel.deletedAt !== null) continue;
			if (customer && channel.customerId !== customer) continue;
			const at = Date.parse(post.publishDate);
			const item = {
				id: post.id,
				content: post.content,
				publishDate: post.publishDate,
				releaseURL: post.releaseURL,
				releaseId: post.releaseId,
				state: post.state,
				intervalInDays: post.intervalInDays,
				group: post.group,
				creationMethod: post.creationMethod,
				tags: tagRows(store, post),
				integration: {
					id: channel.id,
					providerIdentifier: channel.providerIdentifier,
					name: channel.name,
					picture: channel.picture,
				},
			};
			if (post.intervalInDays) {
				// Recurring: one item per interval from the first date up to endDate (at most 365).
				const step = post.intervalInDays * 86_400_000;
				for (let t = at, n = 0; t <= end && n < 365; t += step, n++) {
					posts.push({ ...item, publishDate: iso(t), actualDate: post.publishDate });
				}
			} else if (at >= start && at <= end) posts.push(item);
		}
		ctx.json(200, { posts });
	});

	route('getPost', (ctx) => {
		const post = store.post(ctx.org.id, ctx.params.id);
		if (!post) return ctx.json(400, e2(POSTSIDER_MESSAGES.postNotFound));
		const channel = store.channels.get(post.integrationId)!;
		const chain = store.chain(post).map(fullRow);
		const rows = chain.map((row, i) =>
			i === 0
				? { ...row, childrenPost: [], tags: tagRows(store, post), integration: channel }
				: { ...row, childrenPost: [] },
		);
		ctx.json(200, {
			group: post.group,
			integrationPicture: channel.picture,
			integration: channel.id,
			settings: JSON.parse(post.settings) as unknown,
			posts: rows,
		});
	});

	route('missingContent', (ctx) => {
		const post = store.post(ctx.org.id, ctx.params.id);
		const channel = post && store.channels.get(post.integrationId);
		if (!post || post.releaseId !== 'missing' || channel?.providerIdentifier !== 'tiktok')
			return ctx.json(200, []);
		const rand = seeded(post.id);
		ctx.json(
			200,
			[0, 1, 2].map(() => {
				const id = String(7_300_000_000_000_000_000 + Math.floor(rand() * 1e15));
				return { id, url: `https://tiktok.postsider.invalid/cover/${id}.jpeg` };
			}),
		);
	});

	route('changeStatus', (ctx) => {
		const status = ctx.body.status;
		if (
			typeof status !== 'string' ||
			!(STATUS_CHANGE_VALUES as readonly string[]).includes(status)
		) {
			return ctx.json(400, e3(['status must be one of the following values: draft, schedule']));
		}
		const post = store.posts.get(ctx.params.id); // this lookup does not filter soft-deleted rows
		if (!post || post.organizationId !== ctx.org.id)
			return ctx.json(400, e2(POSTSIDER_MESSAGES.postNotFound));
		if (post.state === 'PUBLISHED')
			return ctx.json(400, e2(POSTSIDER_MESSAGES.cannotChangePublished));
		if (post.state === 'APPROVAL')
			return ctx.json(400, e2(POSTSIDER_MESSAGES.cannotChangeApproval));
		const state = status === 'draft' ? 'DRAFT' : 'QUEUE';
		for (const row of store.chain(post)) {
			row.state = state;
			row.error = null;
			row.updatedAt = iso();
		}
		ctx.json(200, { id: post.id, state });
	});

	route('setReleaseId', (ctx) => {
		const post = store.post(ctx.org.id, ctx.params.id);
		if (!post || post.releaseId !== 'missing' || typeof ctx.body.releaseId !== 'string')
			return ctx.json(500, E7);
		post.releaseId = ctx.body.releaseId;
		post.updatedAt = iso();
		const { tagIds: _t, ...row } = post;
		ctx.json(200, row);
	});

	route('deletePost', (ctx) => {
		const post = store.post(ctx.org.id, ctx.params.id);
		if (!post) return ctx.json(400, e2(POSTSIDER_MESSAGES.postNotFound));
		store.softDeleteGroup(ctx.org.id, post.group);
		ctx.json(200, { success: true });
	});

	route('deleteGroup', (ctx) => {
		store.softDeleteGroup(ctx.org.id, ctx.params.group);
		ctx.json(200, { success: true });
	});

	route('requestApproval', (ctx) => {
		const post = store.post(ctx.org.id, ctx.params.id);
		if (!post) return ctx.json(404, e2(POSTSIDER_MESSAGES.postNotFound, 404, 'Not Found'));
		if (post.parentPostId !== null)
			return ctx.json(400, e2(POSTSIDER_MESSAGES.onlyMainPostApproval));
		if (post.state !== 'DRAFT') return ctx.json(400, e2(POSTSIDER_MESSAGES.onlyDraftApproval));
		post.state = 'APPROVAL';
		post.updatedAt = iso();
		const approval = {
			id: randomUUID(),
			postId: post.id,
			organizationId: ctx.org.id,
			status: 'PENDING' as const,
			note: null,
			requestedAt: iso(),
			resolvedAt: null,
		};
		store.approvals.set(post.id, approval);
		ctx.json(201, approval);
	});

	route('approvalStatus', (ctx) => {
		const approval = store.approvals.get(ctx.params.id);
		if (!approval || approval.organizationId !== ctx.org.id)
			return ctx.json(200, { status: 'NONE' });
		ctx.json(200, {
			status: approval.status,
			note: approval.note,
			requestedAt: approval.requestedAt,
			resolvedAt: approval.resolvedAt,
		});
	});
}
