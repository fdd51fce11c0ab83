/**
 * The PostSider `/public/v1` routes (docs/postsider-api.md, Endpoints): the shared pipeline (`pipeline.ts`) and
 * one routes file per concern.
 */
import type { Router } from '../common';
import type { PostSiderLimiters } from './limiters';
import { createKit, type ApiOptions } from './pipeline';
import { channelRoutes } from './routes/channels';
import { mediaRoutes } from './routes/media';
import { postRoutes } from './routes/posts';
import { reportRoutes } from './routes/reports';
import type { PostSiderStore } from './store';

export { SECURITY_HEADERS, type ApiOptions, type BillingOptions } from './pipeline';

export function postsiderRouter(
	store: PostSiderStore,
	limiters: PostSiderLimiters,
	now: () => number,
	opts: ApiOptions,
): Router {
	const kit = createKit(store, limiters, now, opts);
	postRoutes(kit);
	channelRoutes(kit);
	reportRoutes(kit);
	mediaRoutes(kit);
	return kit.router;
}
