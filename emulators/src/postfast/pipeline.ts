/**
 * The pipeline every PostFast route shares, as the NestJS app runs it (docs/postfast-api.md, Transport and authentication; Error bodies; Endpoints; Rate limits):
 * body parser → `pf-api-key` auth (docs/postfast-api.md, Error bodies) → throttler (docs/postfast-api.md, Rate limits) → the handler (which validates, docs/postfast-api.md, Creating posts);
 * plus the four Nest error shapes of (docs/postfast-api.md, Error bodies) the handlers throw. The handlers live in `routes/*.ts`,
 * one file per resource.
 */
import {
	MESSAGES,
	POSTFAST_ENDPOINTS,
	THROTTLE_BODIES,
	isUuid,
	type Issue,
	type PostFastEndpointName,
	type PostFastProfile,
} from '../../../contract/postfast';
import type { RequestContext } from '../common';
import type { S3Bucket } from './s3';
import type { PostFastStore, Workspace } from './store';
import type { Throttler } from './throttler';

export interface ApiOptions {
	profile: PostFastProfile;
	/** docs/postfast-api.md, Error bodies: absent or unknown key → 403 (default) or 401; a present-but-empty header is always 401. */
	missingKeyStatus: 401 | 403;
	/** Serve only the vendor page's four endpoints (the others answer Nest's 404). Default false. */
	vendorPageOnly: boolean;
	/** `strict` (default): create refuses media keys never uploaded, empty, of the wrong type or too big. */
	mediaCheck: 'strict' | 'off';
	/** JSON body limit in bytes (Express' default 100 KB; over it → 413). */
	bodyLimit: number;
}

/** What every routes file gets. */
export interface Kit {
	store: PostFastStore;
	throttler: Throttler;
	s3: S3Bucket;
	clock: { now(): number };
	opts: ApiOptions;
}

/** One authenticated, throttled request as a handler sees it. */
export interface Ctx {
	ctx: RequestContext;
	url: URL;
	body: unknown;
	workspace: Workspace;
	params: Record<string, string>;
}

export interface Reply {
	status: number;
	body: unknown;
}

export type Handler = (ctx: Ctx) => Promise<Reply> | Reply;
/** Every endpoint's handler; the routes files each supply a `Pick` of it, so a missing one fails to compile. */
export type Handlers = Record<PostFastEndpointName, Handler>;

export class HttpError extends Error {
	constructor(
		readonly status: number,
		readonly body: unknown,
	) {
		super(typeof body === 'object' ? JSON.stringify(body) : String(body));
	}
}

/** class-validator failure (shape 1). */
export const validation = (messages: string[]) =>
	new HttpError(400, { message: messages, error: 'Bad Request', statusCode: 400 });
/** Business failure with a stable code (shape 2). */
export const coded = (code: string, description: string, status = 400) =>
	new HttpError(status, {
		statusCode: status,
		message: code,
		error: status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST',
		description,
	});
/** Short form (shape 3). */
export const short = (message: string, status = 400) =>
	new HttpError(status, { statusCode: status, message });
/** Nest's `ParseUUIDPipe` refusal. */
export const parseUuidPipe = () => validation(['Validation failed (uuid is expected)']).body;

export function uuidParam(id: string | undefined): string {
	if (!isUuid(id)) throw new HttpError(400, parseUuidPipe());
	return id;
}

export function issuesToError(issues: Issue[]): HttpError {
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

/** A comma-separated query value as a list (absent → undefined). */
export const csv = (value: string | null): string[] | undefined =>
	value === null ? undefined : value.split(',');

/** Nest's answer for a route it does not have: no guard ran, so no rate headers. */
export function notFound(ctx: RequestContext): void {
	ctx.json(404, {
		message: `Cannot ${ctx.method} ${ctx.path}`,
		error: 'Not Found',
		statusCode: 404,
	});
}

/** body parser → auth guard → throttler guard → validation → handler, as the Nest app runs them. */
export async function handle(
	kit: Kit,
	handler: Handler,
	ctx: RequestContext,
	name: PostFastEndpointName,
): Promise<void> {
	const { store, throttler, opts } = kit;
	const def = POSTFAST_ENDPOINTS[name];
	// Express' JSON body parser runs before guards: a malformed or oversized body has no rate headers.
	const raw = await ctx.readBody(opts.bodyLimit);
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
	const workspace = key === undefined ? undefined : store.workspaceByKey(key);
	if (!workspace) {
		return opts.missingKeyStatus === 403
			? ctx.json(403, { message: MESSAGES.authForbidden, error: 'Forbidden', statusCode: 403 })
			: ctx.json(401, {
					message: MESSAGES.authUnauthorized,
					error: 'Unauthorized',
					statusCode: 401,
				});
	}
	const throttle = throttler.hit(workspace.id, def.key);
	Object.assign(ctx.headers, throttle.headers);
	if (!throttle.allowed) return ctx.json(429, THROTTLE_BODIES[opts.profile]);
	try {
		const reply = await handler({
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
