/** Analytics and notifications (docs/postsider-api.md, Analytics; Notifications): canned, deterministic numbers. */
import { ANALYTICS_PROVIDERS, NOTIFICATIONS_PAGE_SIZE } from '../../../../contract/postsider';

import { E7, e3, seeded, type Kit } from '../pipeline';

function cannedAnalytics(seed: string, days: number, now: number) {
	const rand = seeded(seed);
	return ['Impressions', 'Likes', 'Comments'].map((label, i) => {
		const base = [5000, 200, 20][i];
		const data = [];
		for (let d = days - 1; d >= 0; d--) {
			data.push({
				total: String(Math.round(base * (0.8 + rand() * 0.4))),
				date: new Date(now - d * 86_400_000).toISOString().slice(0, 10),
			});
		}
		return { label, data, percentageChange: Math.round((rand() - 0.4) * 20) };
	});
}

export function reportRoutes(kit: Kit): void {
	const { store, now, route } = kit;

	route('channelAnalytics', (ctx) => {
		const channel = store.channel(ctx.org.id, ctx.params.integration);
		if (!channel || channel.deletedAt !== null) return ctx.json(500, E7);
		if (!(ANALYTICS_PROVIDERS as readonly string[]).includes(channel.providerIdentifier))
			return ctx.json(200, { unsupported: true });
		const days = Number(ctx.query.get('date'));
		if (!ctx.query.get('date') || !Number.isInteger(days) || days <= 0) return ctx.json(200, []);
		ctx.json(200, cannedAnalytics(`${channel.id}:${days}`, Math.min(days, 365), now()));
	});

	route('postAnalytics', (ctx) => {
		const post = store.post(ctx.org.id, ctx.params.postId);
		if (!post || !post.releaseId) return ctx.json(200, []);
		if (post.releaseId === 'missing') return ctx.json(200, { missing: true });
		const channel = store.channels.get(post.integrationId);
		if (
			!channel ||
			!(ANALYTICS_PROVIDERS as readonly string[]).includes(channel.providerIdentifier)
		)
			return ctx.json(200, []);
		const raw = Number(ctx.query.get('date'));
		const days = Number.isFinite(raw) && raw > 0 ? Math.floor(raw) : 7;
		ctx.json(200, cannedAnalytics(`${post.id}:${days}`, Math.min(days, 365), now()));
	});

	route('listNotifications', (ctx) => {
		const raw = ctx.query.get('page');
		const page = raw === null ? 0 : parseInt(raw, 10);
		const messages: string[] = [];
		if (!(page >= 0)) messages.push('page must not be less than 0');
		if (!Number.isFinite(page))
			messages.push('page must be a number conforming to the specified constraints');
		if (messages.length) return ctx.json(400, e3(messages));
		const all = store.notifications.filter((n) => n.orgId === ctx.org.id).reverse();
		const skip = page * NOTIFICATIONS_PAGE_SIZE;
		const slice = all.slice(skip, skip + NOTIFICATIONS_PAGE_SIZE).map(({ orgId: _o, ...n }) => ({
			id: n.id,
			content: n.content,
			link: n.link,
			createdAt: n.createdAt,
		}));
		ctx.json(200, {
			notifications: slice,
			total: all.length,
			page,
			limit: NOTIFICATIONS_PAGE_SIZE,
			hasMore: skip + slice.length < all.length,
		});
	});
}
