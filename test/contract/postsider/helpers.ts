/**
 * Helpers for the PostSider contract tests: plain `fetch` against the real emulator (no client code
 * of ours in between, so the tests document the wire contract itself).
 */
import { startPostSider } from '../../../emulators/src/index';

export type Emulator = Awaited<ReturnType<typeof startPostSider>>;
export { startPostSider };

export interface Answer {
	status: number;
	headers: Record<string, string>;
	/** Parsed JSON when the answer is JSON, else the text. */
	body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
	text: string;
}

export interface CallOptions {
	/** An object is sent as JSON; a string is sent as is (with a JSON content type unless given). */
	body?: unknown;
	/** Raw Authorization value; `null` sends none. Default: the demo org's legacy key. */
	key?: string | null;
	headers?: Record<string, string>;
}

export async function call(
	ps: Emulator,
	method: string,
	path: string,
	opts: CallOptions = {},
): Promise<Answer> {
	const headers: Record<string, string> = { ...(opts.headers ?? {}) };
	const key = opts.key === undefined ? ps.apiKey : opts.key;
	if (key !== null) headers.authorization = key;
	let body: string | undefined;
	if (opts.body !== undefined) {
		body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
		headers['content-type'] ??= 'application/json';
	}
	const url =
		path.startsWith('/__admin') || path.startsWith('/uploads')
			? ps.origin + path
			: ps.baseUrl + path;
	return answer(await fetch(url, { method, headers, body }));
}

export async function answer(response: Response): Promise<Answer> {
	const text = await response.text();
	let parsed: unknown = text;
	if ((response.headers.get('content-type') ?? '').includes('json') && text !== '')
		parsed = JSON.parse(text);
	return {
		status: response.status,
		headers: Object.fromEntries(response.headers),
		body: parsed,
		text,
	};
}

/** Rate headers only (x-ratelimit-*, retry-after), for exact comparisons. */
export function rateHeaders(a: Answer): Record<string, string> {
	return Object.fromEntries(
		Object.entries(a.headers).filter(([k]) => k.startsWith('x-ratelimit-') || k === 'retry-after'),
	);
}

/** The demo org's enabled channel of a provider. */
export function channelId(ps: Emulator, provider: string, orgId = 'org-demo'): string {
	const found = ps.store.demoChannel(provider, orgId);
	if (!found)
		throw new Error(`the emulator's demo data has no enabled ${provider} channel in ${orgId}`);
	return found.id;
}

export function disabledChannelId(ps: Emulator): string {
	const found = [...ps.store.channels.values()].find(
		(c) => c.disabled && c.organizationId === 'org-demo',
	);
	if (!found) throw new Error('the demo org has no disabled channel');
	return found.id;
}

/** Settings that pass for each provider (the required fields of docs/postsider-api.md, Per-platform rules). */
export const VALID_SETTINGS: Record<string, Record<string, unknown>> = {
	x: { who_can_reply_post: 'everyone' },
	linkedin: {},
	'linkedin-page': {},
	instagram: { post_type: 'post' },
	facebook: {},
	tiktok: {
		privacy_level: 'PUBLIC_TO_EVERYONE',
		duet: false,
		stitch: false,
		comment: true,
		autoAddMusic: 'no',
		brand_content_toggle: false,
		brand_organic_toggle: false,
		content_posting_method: 'DIRECT_POST',
	},
	youtube: { title: 'Launch video', type: 'public' },
	bluesky: {},
	threads: {},
	pinterest: { board: '1000000000000001' },
};

export const IMG = (n = 1) => ({ id: `img-${n}`, path: `https://cdn.example/image/pic${n}.png` });
export const VID = (n = 1) => ({ id: `vid-${n}`, path: `https://cdn.example/video/clip${n}.mp4` });

/** A create body for one channel; `over` replaces top-level fields, `entry` the posts[0] fields. */
export function createBody(
	ps: Emulator,
	provider: string,
	over: Record<string, unknown> = {},
	entry: Record<string, unknown> = {},
): Record<string, unknown> {
	return {
		type: 'schedule',
		date: new Date(ps.clock.now() + 86_400_000).toISOString(),
		shortLink: false,
		tags: [],
		posts: [
			{
				integration: { id: channelId(ps, provider) },
				value: [
					{
						content: 'Hello from the contract tests',
						image:
							provider === 'youtube'
								? [VID()]
								: ['instagram', 'tiktok', 'pinterest'].includes(provider)
									? [IMG()]
									: [],
					},
				],
				settings: VALID_SETTINGS[provider],
				...entry,
			},
		],
		...over,
	};
}

/** Minimal files with real magic bytes. */
export const FILES = {
	png: () =>
		Buffer.concat([
			Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
			Buffer.from('IHDR'),
			Buffer.alloc(200, 7),
		]),
	jpeg: () => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 7)]),
	gif: () => Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(200, 7)]),
	webp: () =>
		Buffer.concat([
			Buffer.from('RIFF'),
			Buffer.from([0, 1, 0, 0]),
			Buffer.from('WEBPVP8 '),
			Buffer.alloc(200, 7),
		]),
	mp4: () =>
		Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), Buffer.alloc(200, 7)]),
	mov: () =>
		Buffer.concat([Buffer.from([0, 0, 0, 0x14]), Buffer.from('ftypqt  '), Buffer.alloc(200, 7)]),
	// EBML header whose DocType element (0x4282) says "webm": what file-type 16 reads.
	webm: () =>
		Buffer.concat([
			Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x87, 0x42, 0x82, 0x84]),
			Buffer.from('webm'),
			Buffer.alloc(200, 7),
		]),
	text: () => Buffer.from('just some text, not media'),
	pngWithScript: () => Buffer.concat([FILES.png(), Buffer.from('<script>alert(1)</script>')]),
};

/** Sends one multipart body: `parts` in order, each a file (Buffer) or a text field. */
export async function upload(
	ps: Emulator,
	parts: Array<{ name: string; data: Buffer | string; filename?: string }>,
	key: string | null = ps.apiKey,
): Promise<Answer> {
	const form = new FormData();
	for (const part of parts) {
		if (typeof part.data === 'string') form.append(part.name, part.data);
		else
			form.append(part.name, new Blob([new Uint8Array(part.data)]), part.filename ?? 'upload.bin');
	}
	const headers: Record<string, string> = {};
	if (key !== null) headers.authorization = key;
	return answer(await fetch(`${ps.baseUrl}/upload`, { method: 'POST', headers, body: form }));
}
