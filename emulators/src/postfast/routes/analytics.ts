/** Post analytics (docs/postfast-api.md, Post analytics): published posts with canned, deterministic metrics. */
import { MESSAGES, isIso8601, isUuid } from '../../../../contract/postfast';
import { csv, validation, type Ctx, type Handlers, type Kit, type Reply } from '../pipeline';

export function analyticsRoutes({ store, clock }: Kit): Pick<Handlers, 'analytics'> {
	function analytics(c: Ctx): Reply {
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
		const now = clock.now();
		const data = [...store.posts.values()]
			.filter(
				(p) =>
					p.workspaceId === c.workspace.id &&
					p.status === 'PUBLISHED' &&
					p.platformPostId !== null &&
					p.publishedAt !== null,
			)
			.filter((p) => p.publishedAt! >= start && p.publishedAt! <= end)
			.filter((p) => {
				const platform = store.accounts.get(p.socialMediaId)?.platform;
				// LinkedIn personal accounts are excluded (docs/postfast-api.md, Post analytics); the demo LinkedIn account is personal.
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

	return { analytics };
}
