/**
 * The PostFast REST API routes (docs/postfast-api.md, Transport and authentication; Error bodies; Endpoints; Rate limits): the shared pipeline (`pipeline.ts`) and
 * one routes file per resource.
 */
import {
	POSTFAST_ENDPOINTS,
	type EndpointDef,
	type PostFastEndpointName,
} from '../../../contract/postfast';
import { Router } from '../common';
import { handle, type Handlers, type Kit } from './pipeline';
import { accountRoutes } from './routes/accounts';
import { analyticsRoutes } from './routes/analytics';
import { fileRoutes } from './routes/files';
import { inboxRoutes } from './routes/inbox';
import { postRoutes } from './routes/posts';

export { notFound, type ApiOptions } from './pipeline';

export function postfastRouter(kit: Kit): Router {
	const handlers: Handlers = {
		...fileRoutes(kit),
		...accountRoutes(kit),
		...postRoutes(kit),
		...analyticsRoutes(kit),
		...inboxRoutes(kit),
	};
	const router = new Router();
	// Static paths first, so `/social-posts/analytics` never matches `/social-posts/:id`.
	const entries = (
		Object.entries(POSTFAST_ENDPOINTS) as Array<[PostFastEndpointName, EndpointDef]>
	).sort(([, a], [, b]) => Number(a.path.includes(':')) - Number(b.path.includes(':')));
	for (const [name, def] of entries) {
		// Vendor-page-only mode: the other endpoints answer Nest's 404.
		if (kit.opts.vendorPageOnly && !def.onVendorPage) continue;
		router.add(def.method, def.path, (ctx) => handle(kit, handlers[name], ctx, name));
	}
	return router;
}
