/** Channels, groups, find-slot, connect/disconnect, settings, tools and overviews (docs/postsider-api.md, Next free slot; Channels and groups; Connecting and disconnecting; Other routes). */
import { randomUUID } from 'node:crypto';

import {
	ALL_PROVIDER_IDENTIFIERS,
	FIND_SLOT_FALLBACK_MINUTES,
	POSTSIDER_MESSAGES,
	PROVIDER_RULES,
	isSupportedProvider,
	maxLengthFor,
} from '../../../../contract/postsider';

import { type Channel } from '../store';
import { E7, e2, e3, type Authed, type Kit } from '../pipeline';

function stripInternal(channel: Channel) {
	return {
		id: channel.id,
		name: channel.name,
		identifier: channel.providerIdentifier,
		picture: channel.picture,
		disabled: channel.disabled,
		profile: channel.profile,
	};
}

/** Minutes east of UTC for `timeZone` at `ms` (DST-aware, via Intl). */
function tzOffsetMinutes(timeZone: string, ms: number): number {
	try {
		const parts = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit',
		}).formatToParts(new Date(ms));
		const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
		const asUtc = Date.UTC(
			get('year'),
			get('month') - 1,
			get('day'),
			get('hour'),
			get('minute'),
			get('second'),
		);
		return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
	} catch {
		return 0;
	}
}

export function channelRoutes(kit: Kit): void {
	const { store, now, iso, route } = kit;

	route('findSlot', (ctx) => {
		const channel = store.channel(ctx.org.id, ctx.params.id);
		let slots: Array<{ time: number; days?: number[] }> = [];
		try {
			slots = channel ? (JSON.parse(channel.postingTimes) as typeof slots) : [];
		} catch {
			slots = [];
		}
		const tz = channel?.timezone ?? 'UTC';
		if (!channel || slots.length === 0)
			slots = FIND_SLOT_FALLBACK_MINUTES.map((time) => ({ time }));
		const current = now();
		const taken = new Set(
			[...store.posts.values()]
				.filter((p) => channel && p.integrationId === channel.id && p.deletedAt === null)
				.map((p) => Math.floor(Date.parse(p.publishDate) / 60_000)),
		);
		// Today 00:00 in the channel's zone, then day by day for a year.
		const offset = tzOffsetMinutes(tz, current) * 60_000;
		const localMidnight = Math.floor((current + offset) / 86_400_000) * 86_400_000;
		for (let day = 0; day < 365; day++) {
			const localDay = localMidnight + day * 86_400_000;
			const weekday = new Date(localDay).getUTCDay();
			const candidates = slots
				.filter((s) => !s.days || s.days.includes(weekday))
				.map((s) => {
					const local = localDay + s.time * 60_000;
					return local - tzOffsetMinutes(tz, local - offset) * 60_000;
				})
				.filter((t) => t > current && !taken.has(Math.floor(t / 60_000)))
				.sort((x, y) => x - y);
			if (candidates.length > 0)
				return ctx.json(200, { date: iso(candidates[0]).slice(0, 16) + ':00' });
		}
		ctx.json(400, e2(POSTSIDER_MESSAGES.noFreeSlot));
	});

	route('listChannels', (ctx) => {
		const group = ctx.query.get('group');
		const list = store
			.activeChannels(ctx.org.id)
			.filter((c) => !group || c.customerId === group)
			.map((c) => {
				const customer = c.customerId ? store.customers.get(c.customerId) : undefined;
				return {
					...stripInternal(c),
					...(customer ? { customer: { id: customer.id, name: customer.name } } : {}),
				};
			});
		ctx.json(200, list);
	});

	route('listGroups', (ctx) => {
		ctx.json(
			200,
			[...store.customers.values()]
				.filter((c) => c.orgId === ctx.org.id && c.deletedAt === null)
				.map((c) => ({ id: c.id, name: c.name })),
		);
	});

	route('connectChannel', (ctx) => {
		const provider = ctx.params.integration;
		if (!(ALL_PROVIDER_IDENTIFIERS as readonly string[]).includes(provider))
			return ctx.json(400, { msg: POSTSIDER_MESSAGES.integrationNotAllowed });
		const state = randomUUID().replace(/-/g, '');
		ctx.json(200, {
			url: `https://oauth.postsider.invalid/${provider}/authorize?state=${state}${ctx.query.get('refresh') ? '&refresh=' + encodeURIComponent(ctx.query.get('refresh')!) : ''}`,
		});
	});

	route('deleteChannel', (ctx) => {
		const channel = store.channel(ctx.org.id, ctx.params.id);
		if (!channel) return ctx.json(500, E7);
		for (const post of store.posts.values()) {
			if (post.integrationId === channel.id && post.deletedAt === null) post.deletedAt = iso();
		}
		channel.deletedAt = iso();
		channel.updatedAt = channel.deletedAt;
		ctx.json(200, channel);
	});

	// docs/postsider-api.md, Other routes: agency overview: counts per state over the last `days`, per customer.
	const overview = (ctx: Authed, customerId?: string) => {
		const raw = ctx.query.get('days');
		const days = raw === null ? 30 : Number(raw);
		const messages: string[] = [];
		if (!Number.isInteger(days)) messages.push('days must be an integer number');
		if (!(days >= 1)) messages.push('days must not be less than 1');
		if (days > 365) messages.push('days must not be greater than 365');
		if (messages.length) return ctx.json(400, e3(messages));
		const since = now() - days * 86_400_000;
		const channels = store
			.activeChannels(ctx.org.id)
			.filter((c) => !customerId || c.customerId === customerId);
		const counts = (list: Channel[]) => {
			const ids = new Set(list.map((c) => c.id));
			const posts = [...store.posts.values()].filter(
				(p) =>
					ids.has(p.integrationId) &&
					p.deletedAt === null &&
					p.parentPostId === null &&
					Date.parse(p.publishDate) >= since,
			);
			const n = (state: string) => posts.filter((p) => p.state === state).length;
			return {
				channels: list.length,
				posts: posts.length,
				published: n('PUBLISHED'),
				scheduled: n('QUEUE'),
				drafts: n('DRAFT'),
				errors: n('ERROR'),
			};
		};
		const customers = [...store.customers.values()].filter(
			(c) => c.orgId === ctx.org.id && c.deletedAt === null && (!customerId || c.id === customerId),
		);
		const clients: Array<
			{ customer: { id: string; name: string } | null } & ReturnType<typeof counts>
		> = customers.map((c) => ({
			customer: { id: c.id, name: c.name },
			...counts(channels.filter((ch) => ch.customerId === c.id)),
		}));
		// Channels without a customer form their own entry in the org-wide overview.
		if (!customerId)
			clients.push({ customer: null, ...counts(channels.filter((ch) => ch.customerId === null)) });
		ctx.json(200, { generatedAt: iso(), windowDays: days, summary: counts(channels), clients });
	};
	route('overview', (ctx) => overview(ctx));
	route('customerReport', (ctx) => {
		const customer = store.customers.get(ctx.params.customerId);
		if (!customer || customer.orgId !== ctx.org.id || customer.deletedAt !== null)
			return ctx.json(400, e2('Customer not found'));
		overview(ctx, customer.id);
	});

	route('isConnected', (ctx) => {
		ctx.json(200, { connected: store.activeChannels(ctx.org.id).some((c) => !c.disabled) });
	});

	route('integrationSettings', (ctx) => {
		const channel = store.channel(ctx.org.id, ctx.params.id);
		if (!channel || channel.deletedAt !== null)
			return ctx.json(404, { msg: POSTSIDER_MESSAGES.integrationSettingsNotFound });
		const provider = channel.providerIdentifier;
		if (!isSupportedProvider(provider))
			return ctx.json(200, {
				output: { rules: '', maxLength: 0, settings: 'No additional settings required', tools: [] },
			});
		const rules = PROVIDER_RULES[provider];
		const properties: Record<string, unknown> = {};
		for (const f of rules.fields) {
			properties[f.name] =
				f.kind === 'enum'
					? { type: 'string', enum: f.values }
					: f.kind === 'boolean'
						? { type: 'boolean' }
						: f.kind === 'tags' || f.kind === 'labels'
							? { type: 'array' }
							: f.kind === 'media'
								? { type: 'object' }
								: { type: 'string' };
		}
		const settings =
			rules.fields.length === 0
				? 'No additional settings required'
				: {
						type: 'object',
						properties,
						required: rules.fields.filter((f) => f.required).map((f) => f.name),
					};
		const tools =
			provider === 'pinterest'
				? [{ methodName: 'boards', description: 'List the boards of the account', dataSchema: [] }]
				: [];
		ctx.json(200, {
			output: {
				rules: rules.media.summary,
				maxLength: maxLengthFor(provider, channel.additionalSettings),
				settings,
				tools,
			},
		});
	});

	route('integrationTrigger', (ctx) => {
		const channel = store.channel(ctx.org.id, ctx.params.id);
		if (!channel || channel.deletedAt !== null)
			return ctx.json(404, { msg: 'Integration not found' });
		if (channel.providerIdentifier === 'pinterest' && ctx.body.methodName === 'boards') {
			return ctx.json(201, {
				output: [
					{ id: '1000000000000001', name: 'Demo board' },
					{ id: '1000000000000002', name: 'Product shots' },
				],
			});
		}
		ctx.json(404, { msg: 'Tool not found' });
	});
}
