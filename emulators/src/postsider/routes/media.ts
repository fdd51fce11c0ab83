/** Uploads (docs/postsider-api.md, Uploads), the stored files they point at, and the unauthenticated OpenAPI document. */
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

import {
	POSTSIDER_API_PREFIX,
	POSTSIDER_ENDPOINTS,
	type SniffedType,
	type EndpointDef,
} from '../../../../contract/postsider';

import { type Org } from '../store';
import {
	fetchToFile,
	receiveMultipart,
	storedPath,
	validateUploaded,
	validateUploadFromUrl,
	type ReceivedFile,
} from '../upload';
import { E7, e3, type Kit } from '../pipeline';

export function mediaRoutes(kit: Kit): void {
	const { router, store, now, opts, route } = kit;

	const storeMedia = (org: Org, received: ReceivedFile, type: SniffedType) => {
		const { name, path } = storedPath(opts.origin(), type, now());
		const media = {
			id: randomUUID(),
			name,
			originalName: null,
			path,
			thumbnail: null,
			alt: null,
			type: type.kind,
			fileSize: 0,
			width: null,
			height: null,
		};
		store.media.set(media.id, {
			...media,
			orgId: org.id,
			file: received.file,
			mime: type.mime,
			bytes: received.size,
		});
		return media;
	};

	route(
		'upload',
		async (ctx) => {
			const received = await receiveMultipart(ctx.req, opts.uploadDir, opts.maxUploadBytes);
			ctx.entry.bodyBytes = Number(ctx.req.headers['content-length']) || undefined;
			if (received === undefined) return ctx.json(400, { msg: 'No file provided' });
			if ('status' in received) return ctx.json(received.status, received.body);
			const checked = validateUploaded(received);
			if (!checked.ok) return ctx.json(checked.answer.status, checked.answer.body);
			ctx.json(201, storeMedia(ctx.org, received, checked.type));
		},
		false,
	);

	route('uploadFromUrl', async (ctx) => {
		const messages = validateUploadFromUrl(ctx.body, opts.uploadFromUrlAllow);
		if (messages.length) return ctx.json(400, e3(messages));
		let result: Awaited<ReturnType<typeof fetchToFile>>;
		try {
			result = await fetchToFile(String(ctx.body.url), opts.uploadDir);
		} catch {
			return ctx.json(500, E7); // PostSider does not catch fetch failures or timeouts
		}
		if (!result.ok) return ctx.json(result.answer.status, result.answer.body);
		// No per-type caps and no content scan here: fetchToFile already checked the sniffed type.
		ctx.json(201, storeMedia(ctx.org, result.received, result.type));
	});

	// ----- no auth: stored files, OpenAPI ------------------------------------------------------

	router.add('GET', '/uploads/:kind/:y/:m/:d/:name', async (ctx) => {
		const media = [...store.media.values()].find(
			(m) => m.name === ctx.params.name && m.type === ctx.params.kind,
		);
		if (!media)
			return ctx.json(404, {
				message: `Cannot GET ${ctx.path}`,
				error: 'Not Found',
				statusCode: 404,
			});
		const info = await stat(media.file);
		ctx.res.writeHead(200, {
			...ctx.headers,
			'Content-Type': media.mime,
			'Content-Length': String(info.size),
		});
		ctx.entry.status = 200;
		createReadStream(media.file).pipe(ctx.res);
	});

	router.add('GET', `${POSTSIDER_API_PREFIX}/openapi.json`, (ctx) => {
		const paths: Record<string, Record<string, unknown>> = {};
		for (const [name, def] of Object.entries(POSTSIDER_ENDPOINTS) as Array<[string, EndpointDef]>) {
			const p = POSTSIDER_API_PREFIX + def.path.replace(/:([A-Za-z]+)/g, '{$1}');
			paths[p] ??= {};
			paths[p][def.method.toLowerCase()] = {
				operationId: name,
				summary: def.description,
				responses: { [def.status]: { description: 'OK' } },
			};
		}
		ctx.json(200, {
			openapi: '3.0.0',
			info: { title: 'PostSider Public API', version: '1.0' },
			components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
			paths,
		});
	});
}
