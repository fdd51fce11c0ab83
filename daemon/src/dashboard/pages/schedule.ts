/**
 * Schedule: a week (or day) calendar of the posts planned (queued: their publish time, or their
 * ETA when the budgets delay them, with the window that gates them — the ETAs of `queue ls`, from
 * commands/eta.ts) and scheduled (accepted by the service) per account, with the media thumbnail.
 * Times are UTC (the daemon's clock), days run 00:00–24:00 UTC.
 */
import { planEtas, queuedTargets } from '../../commands/eta';
import { postOf } from '../../item';
import { LIVE, type TargetRow } from '../../state/store';
import type { PageContext } from '../context';
import { type Html, html, time, timeEl } from '../html';
import { thumbOf } from '../thumbs';

const DAY = 86_400_000;

interface Entry {
	at: number;
	eta?: number;
	gating?: string;
	t: TargetRow;
	name: string;
	thumb: ReturnType<typeof thumbOf>;
}

function range(ctx: PageContext): { view: 'week' | 'day'; from: number; days: number } {
	const view = ctx.query.get('view') === 'day' ? 'day' : 'week';
	const asked = Date.parse(`${ctx.query.get('date') ?? ''}T00:00:00Z`);
	const day = Math.floor((Number.isNaN(asked) ? ctx.now : asked) / DAY) * DAY;
	// A week starts on Monday (1970-01-01 was a Thursday).
	const from = view === 'day' ? day : day - ((day / DAY + 3) % 7) * DAY;
	return { view, from, days: view === 'day' ? 1 : 7 };
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Posts shown per day: a busy history (a post a minute) must not make a week a 10,000-row page. */
export const PER_DAY = { week: 40, day: 400 };

export function scheduleEntries(
	ctx: PageContext,
	from: number,
	days: number,
	perDay: number,
): { entries: Entry[]; hidden: number[]; unplaceable: Entry[] } {
	const entries: Entry[] = [];
	const unplaceable: Entry[] = [];
	const hidden = new Array<number>(days).fill(0);
	const to = from + days * DAY;
	const items = new Map<string, { name: string; thumb: ReturnType<typeof thumbOf> }>();
	const itemOf = (id: string) => {
		let i = items.get(id);
		if (!i) {
			const row = ctx.store.item(id)!;
			i = { name: row.name, thumb: thumbOf(postOf(row)) };
			items.set(id, i);
		}
		return i;
	};
	// Scheduled: accepted by the service with a publish time. `+state`: the week's range on
	// targets_publish_at, not every published post of the history through targets_due.
	// An asap post has no publish time: it went out when the service accepted it (updated_at);
	// `publish_at IS NULL` is the front of the same index.
	const scheduled = `FROM targets WHERE ((publish_at >= @from AND publish_at < @to)
	     OR (publish_at IS NULL AND updated_at >= @from AND updated_at < @to))
	   AND +state IN ('confirmed', 'published', 'publish-failed')`;
	const list = ctx.db.prepare<[{ from: number; to: number; limit: number }], TargetRow>(
		`SELECT * ${scheduled} ORDER BY COALESCE(publish_at, updated_at), id LIMIT @limit`,
	);
	const count = ctx.db.prepare<[{ from: number; to: number }], { n: number }>(
		`SELECT COUNT(*) n ${scheduled}`,
	);
	for (let d = 0; d < days; d++) {
		const day = from + d * DAY;
		const rows = list.all({ from: day, to: day + DAY, limit: perDay });
		for (const t of rows)
			entries.push({ at: t.publish_at ?? t.updated_at, t, ...itemOf(t.item_id) });
		if (rows.length === perDay) hidden[d] = count.get({ from: day, to: day + DAY })!.n - perDay;
	}
	// Planned: queued targets at their publish time, or when the budgets let them go.
	const etas = planEtas(ctx.budgets(), ctx.loaded.config, queuedTargets(ctx.store), ctx.now);
	for (const t of ctx.store.liveTargets()) {
		if (!LIVE.includes(t.state)) continue;
		const post = postOf(ctx.store.item(t.item_id)!);
		const planned = post.when.kind === 'at' ? post.when.at : undefined;
		const e = etas.get(`queued:${t.id}`);
		const eta = Math.max(t.next_attempt_at, e?.at ?? 0, ctx.now);
		const at = planned !== undefined ? Math.max(planned, eta) : eta;
		if (!Number.isFinite(at)) {
			unplaceable.push({ at, eta, gating: t.gating ?? e?.gating, t, ...itemOf(t.item_id) });
			continue;
		}
		if (at < from || at >= to) continue;
		const d = Math.floor((at - from) / DAY);
		if (
			entries.filter((x) => x.at >= from + d * DAY && x.at < from + (d + 1) * DAY).length >= perDay
		) {
			hidden[d]++;
			continue;
		}
		const delayed = planned === undefined || eta > planned;
		entries.push({
			at,
			...(delayed ? { eta, gating: t.gating ?? e?.gating } : {}),
			t,
			...itemOf(t.item_id),
		});
	}
	return { entries: entries.sort((a, b) => a.at - b.at || a.t.id - b.t.id), hidden, unplaceable };
}

/** Gone out: published (tracked), or accepted by the service for a time now past. */
const wentOut = (e: Entry, now: number) =>
	e.t.state === 'published' || (e.t.state === 'confirmed' && e.at <= now);

function entryView(e: Entry, now: number): Html {
	const { t } = e;
	return html`<li class="entry${wentOut(e, now) ? ' published' : ''}">
		${e.thumb.image !== undefined
			? html`<img
					class="thumb"
					src="/media/${encodeURIComponent(t.item_id)}/${e.thumb.image}"
					alt=""
					width="48"
					height="48"
					loading="lazy"
				/>`
			: e.thumb.video
				? html`<svg
						class="thumb icon"
						viewBox="0 0 24 24"
						width="48"
						height="48"
						role="img"
						aria-label="video"
					>
						<rect x="2" y="5" width="14" height="14" rx="2" />
						<path d="M16 10l6-4v12l-6-4z" />
					</svg>`
				: html`<span class="thumb none" aria-hidden="true"></span>`}
		<div>
			<p>
				<strong>${timeEl(e.at)}</strong> · ${t.label} <small>${t.platform}, ${t.service}</small>
			</p>
			<p class="name">${e.name}</p>
			<p>
				<span class="state s-${t.state}"
					>${t.state === 'confirmed'
						? e.at <= now
							? 'sent'
							: 'scheduled'
						: LIVE.includes(t.state)
							? 'planned'
							: t.state}</span
				>${e.eta !== undefined && Number.isFinite(e.eta)
					? html` · ETA ${time(e.eta)}${e.gating ? html` · gated by ${e.gating}` : ''}`
					: ''}${e.eta !== undefined && !Number.isFinite(e.eta)
					? html` · cannot fit the budgets as given${e.gating ? html` (${e.gating})` : ''}`
					: ''}
			</p>
		</div>
	</li>`;
}

export function schedulePage(ctx: PageContext): Html {
	const { view, from, days } = range(ctx);
	const to = from + days * DAY;
	const { entries, hidden, unplaceable } = scheduleEntries(ctx, from, days, PER_DAY[view]);
	const step = days * DAY;
	const link = (v: string, d: number, label: string) =>
		html`<a href="/?view=${v}&amp;date=${isoDay(d)}">${label}</a>`;
	const title =
		view === 'day' ? `Day ${isoDay(from)}` : `Week of ${isoDay(from)} to ${isoDay(to - DAY)}`;
	return html`<h1>Schedule</h1>
		<nav class="pager" aria-label="Calendar">
			${link(view, from - step, view === 'day' ? 'Previous day' : 'Previous week')}
			${link(view, ctx.now, 'Today')}
			${link(view, from + step, view === 'day' ? 'Next day' : 'Next week')}
			${view === 'day'
				? link('week', from, 'Week view')
				: link('day', Math.max(from, Math.floor(ctx.now / DAY) * DAY), 'Day view')}
		</nav>
		${unplaceable.length > 0
			? html`<section class="card" aria-labelledby="unplaceable-h">
					<h2 id="unplaceable-h">Cannot fit the budgets as given (${unplaceable.length})</h2>
					<ul class="entries">
						${unplaceable.slice(0, PER_DAY.week).map((e) => entryView(e, ctx.now))}
					</ul>
				</section>`
			: ''}
		<h2>${title} <small>(UTC)</small></h2>
		<div class="calendar">
			${Array.from({ length: days }, (_, d) => {
				const day = from + d * DAY;
				const today = entries.filter((e) => e.at >= day && e.at < day + DAY);
				const accounts = [...new Set(today.map((e) => e.t.label))];
				return html`<section
					class="day${isoDay(day) === isoDay(ctx.now) ? ' today' : ''}"
					aria-labelledby="${`d-${isoDay(day)}`}"
				>
					<h3 id="${`d-${isoDay(day)}`}">${new Date(day).toUTCString().slice(0, 11)}</h3>
					${today.length === 0
						? html`<p class="empty">Nothing planned.</p>`
						: accounts.map(
								(a) =>
									html`<h4>${a}</h4>
										<ul class="entries">
											${today.filter((e) => e.t.label === a).map((e) => entryView(e, ctx.now))}
										</ul>`,
							)}
					${hidden[d] > 0
						? html`<p class="more">
								${hidden[d]} more not
								shown${view === 'week' ? html`: ${link('day', day, 'see the day')}` : ''}
							</p>`
						: ''}
				</section>`;
			})}
		</div>`;
}
