/**
 * Social accounts and their helper lists (docs/postfast-api.md, Social accounts; Account helper lists; Follower history; Places and TikTok sounds; Connect link): the account list, Pinterest
 * boards, YouTube playlists, GBP locations, follower history, place search, TikTok sounds and the
 * connect link.
 */
import {
	PLATFORMS,
	TIKTOK_SOUND_DATE_RANGES,
	isIso8601,
	isUuid,
} from '../../../../contract/postfast';
import {
	HttpError,
	coded,
	parseUuidPipe,
	validation,
	type Ctx,
	type Handlers,
	type Kit,
	type Reply,
} from '../pipeline';

export function accountRoutes({
	store,
	clock,
}: Kit): Pick<
	Handlers,
	| 'listAccounts'
	| 'pinterestBoards'
	| 'youtubePlaylists'
	| 'gbpLocations'
	| 'followerHistory'
	| 'searchPlaces'
	| 'tiktokSounds'
	| 'connectLink'
> {
	function helperList<T>(c: Ctx, source: Map<string, T[]>): Reply {
		const id = c.params.id;
		if (!isUuid(id)) throw new HttpError(400, parseUuidPipe());
		// A foreign or other-platform id answers an empty list (docs/postfast-api.md, Account helper lists).
		return {
			status: 200,
			body: store.account(c.workspace.id, id) ? (source.get(id) ?? []) : [],
		};
	}

	function followerHistory(c: Ctx): Reply {
		const id = c.params.id;
		if (!isUuid(id)) throw new HttpError(400, parseUuidPipe());
		const q = c.url.searchParams;
		const now = clock.now();
		const messages: string[] = [];
		for (const name of ['from', 'to']) {
			const v = q.get(name);
			if (v !== null && !isIso8601(v))
				messages.push(`${name} must be a valid ISO 8601 date string`);
		}
		if (messages.length > 0) throw validation(messages);
		const to = q.get('to') ? Date.parse(q.get('to')!) : now;
		const from = q.get('from') ? Date.parse(q.get('from')!) : to - 90 * 86_400_000;
		if (from > to) throw validation(['from must be before to']);
		if (to - from > 365 * 86_400_000) throw validation(['The date range must not exceed 365 days']);
		const account = store.account(c.workspace.id, id);
		if (!account || account.followerCount === null || account.followerCount === undefined) {
			return { status: 200, body: { socialMediaId: id, series: [] } };
		}
		const current = Number(account.followerCount);
		const day = 86_400_000;
		const series: Array<{ capturedAt: string; followerCount: string }> = [];
		const start = Math.max(from, account.createdAt);
		for (let t = Math.ceil(start / day) * day; t <= to && t <= now; t += day) {
			const daysAgo = Math.round((now - t) / day);
			series.push({
				capturedAt: new Date(t).toISOString(),
				followerCount: String(Math.max(0, current - daysAgo * 3)),
			});
		}
		const first = series[0] ? Number(series[0].followerCount) : current;
		const last = series.at(-1) ? Number(series.at(-1)!.followerCount) : current;
		return {
			status: 200,
			body: {
				socialMediaId: id,
				series,
				currentFollowerCount: account.followerCount,
				delta: String(last - first),
				trackingStartedAt: new Date(account.createdAt).toISOString(),
			},
		};
	}

	function searchPlaces(c: Ctx): Reply {
		const q = c.url.searchParams.get('q') ?? '';
		if (q.length < 2) throw validation(['q must be longer than or equal to 2 characters']);
		const places = [
			{ id: '108424279189115', name: 'Berlin, Germany', city: 'Berlin', country: 'Germany' },
			{ id: '110714572282163', name: 'Paris, France', city: 'Paris', country: 'France' },
			{
				id: '108424279189116',
				name: 'Berlin Hauptbahnhof',
				city: 'Berlin',
				country: 'Germany',
				street: 'Europaplatz 1',
				zip: '10557',
			},
			{ id: '104048449631599', name: 'Lisbon, Portugal', city: 'Lisbon', country: 'Portugal' },
		];
		return {
			status: 200,
			body: places.filter((p) => p.name.toLowerCase().includes(q.toLowerCase())).slice(0, 100),
		};
	}

	function tiktokSounds(c: Ctx): Reply {
		const id = c.params.id;
		if (!isUuid(id)) throw new HttpError(400, parseUuidPipe());
		const q = c.url.searchParams;
		const genres = [
			'POP',
			'HIP_HOP',
			'ELECTRONIC',
			'ROCK',
			'COUNTRY',
			'LATIN',
			'RNB',
			'CLASSICAL',
			'JAZZ',
			'K_POP',
		];
		const genre = q.get('genre');
		if (genre !== null && !genres.includes(genre.toUpperCase()))
			throw coded(
				'tiktokSounds.invalidGenre',
				`Unknown genre "${genre}"; use one of ${genres.join(', ')}`,
			);
		const country = q.get('countryCode') ?? 'US';
		if (!/^[A-Z]{2}$/.test(country))
			throw coded(
				'tiktokSounds.invalidCountryCode',
				`countryCode must be an ISO 3166 alpha-2 code such as US (got "${country}")`,
			);
		const range = q.get('dateRange') ?? '7DAY';
		if (!(TIKTOK_SOUND_DATE_RANGES as readonly string[]).includes(range)) {
			throw coded(
				'tiktokSounds.invalidDateRange',
				`dateRange must be one of ${TIKTOK_SOUND_DATE_RANGES.join(', ')}`,
			);
		}
		const account = store.account(c.workspace.id, id);
		if (!account || account.platform !== 'TIKTOK')
			throw coded(
				'tiktokSounds.socialMediaNotFound',
				'No TikTok account with this id in the workspace',
				404,
			);
		// A valid country without a chart answers an empty list.
		if (!['US', 'GB', 'DE', 'FR'].includes(country)) return { status: 200, body: [] };
		const sounds = Array.from({ length: 5 }, (_, i) => ({
			musicSoundId: `7${String(100000000000000000 + i * 7919).slice(0, 18)}`,
			name: `Demo sound ${i + 1}`,
			artist: 'Postspool Band',
			duration: 30 + i * 5,
			thumbnailUrl: null,
			previewUrl: null,
			rankPosition: i + 1,
			genres: [genre?.toUpperCase() ?? genres[i % genres.length]],
			commercialMusicId: null,
			fullDurationClipId: null,
			trendingClipId: null,
		}));
		return { status: 200, body: sounds };
	}

	function connectLink(c: Ctx): Reply {
		const b = (c.body && typeof c.body === 'object' ? c.body : {}) as Record<string, unknown>;
		const messages: string[] = [];
		if (
			b.expiryDays !== undefined &&
			(!Number.isInteger(b.expiryDays) ||
				(b.expiryDays as number) < 1 ||
				(b.expiryDays as number) > 30)
		) {
			messages.push('expiryDays must not be less than 1', 'expiryDays must not be greater than 30');
		}
		if (b.platforms !== undefined) {
			if (!Array.isArray(b.platforms)) messages.push('platforms must be an array');
			else if (b.platforms.length === 0) messages.push('platforms should not be empty');
			else if (b.platforms.some((p) => !(PLATFORMS as readonly unknown[]).includes(p))) {
				messages.push(
					`each value in platforms must be one of the following values: ${PLATFORMS.join(', ')}`,
				);
			}
		}
		if (
			b.externalId !== undefined &&
			typeof b.externalId === 'string' &&
			b.externalId.length > 128
		) {
			messages.push('externalId must be shorter than or equal to 128 characters');
		}
		if (b.sendEmail !== undefined && typeof b.sendEmail !== 'boolean')
			messages.push('sendEmail must be a boolean value');
		if (
			b.sendEmail === true &&
			(typeof b.email !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(b.email))
		)
			messages.push('email must be an email');
		if (messages.length > 0) throw validation(messages);
		if (
			b.externalId !== undefined &&
			(typeof b.externalId !== 'string' || !/^[A-Za-z0-9\-._~:@]+$/.test(b.externalId))
		) {
			throw coded(
				'connectLink.externalIdInvalid',
				'externalId may only contain A-Z a-z 0-9 - . _ ~ : @',
			);
		}
		if (b.redirectUrl !== undefined) {
			let u: URL;
			try {
				u = new URL(String(b.redirectUrl));
			} catch {
				throw coded('connectLink.redirectUrlInvalid', 'redirectUrl must be an absolute URL');
			}
			if (String(b.redirectUrl).length > 2000 || u.username || u.password)
				throw coded(
					'connectLink.redirectUrlInvalid',
					'redirectUrl must be at most 2000 characters and carry no credentials',
				);
			const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
			if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback))
				throw coded(
					'connectLink.redirectUrlNotHttps',
					'redirectUrl must use https (http only on loopback)',
				);
		}
		const days = (b.expiryDays as number | undefined) ?? 7;
		const claims = Buffer.from(
			JSON.stringify({
				ws: c.workspace.id,
				exp: Math.floor((clock.now() + days * 86_400_000) / 1000),
			}),
		).toString('base64url');
		return {
			status: 201,
			body: {
				connectUrl: `https://app.postfa.st/connect?token=eyJhbGciOiJIUzI1NiJ9.${claims}.emulated`,
			},
		};
	}

	return {
		listAccounts: (c) => ({
			status: 200,
			body: store.accountsOf(c.workspace.id).map(({ workspaceId: _w, createdAt: _c, ...a }) => a),
		}),
		pinterestBoards: (c) => helperList(c, store.pinterestBoards),
		youtubePlaylists: (c) => helperList(c, store.youtubePlaylists),
		gbpLocations: (c) => helperList(c, store.gbpLocations),
		followerHistory,
		searchPlaces,
		tiktokSounds,
		connectLink,
	};
}
