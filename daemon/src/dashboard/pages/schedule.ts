/**
 * Schedule: a week (or day) calendar of the posts planned (queued: their publish time, or their
 * ETA when the budgets delay them, with the window that gates them — the ETAs of `queue ls`, from
 * commands/eta.ts) and scheduled (accepted by the service) per account, with the media thumbnail.
 * Times are written in UTC (the daemon's clock; the script shows them in the browser's zone),
 * days run 00:00–24:00 UTC.
 */
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

/** The first and last day the calendar shows: four-digit years, a whole week either side. */
const FIRST_DAY = Date.UTC(1970, 0, 8);
const LAST_DAY = Date.UTC(9999, 11, 24);

/** `?date=YYYY-MM-DD` as a day, or why it is refused (Date.parse rolls 02-30 over to March). */
export function askedDay(text: string | null): { day?: number; refused?: string } {
	if (text === null || text === '') return {};
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
	const day = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
	if (!m || new Date(day).toISOString().slice(0, 10) !== text)
		// Quoted as JSON: a control character in the query reads as \u0000, not as an invisible byte.
		return { refused: `${JSON.stringify(text)} is not a date (YYYY-MM-DD, a day that exists)` };
	if (day < FIRST_DAY || day > LAST_DAY)
		return {
			refused: `${text} is out of range (the calendar shows ${isoDay(FIRST_DAY)} to ${isoDay(LAST_DAY)})`,
		};
	return { day };
}

function range(ctx: PageContext): {
	view: 'week' | 'day';
	from: number;
	days: number;
	refused?: string;
} {
	const view = ctx.query.get('view') === 'day' ? 'day' : 'week';
	const asked = askedDay(ctx.query.get('date'));
	const day = Math.floor((asked.day ?? ctx.now) / DAY) * DAY;
	// A week starts on Monday (1970-01-01 was a Thursday).
	const from = view === 'day' ? day : day - ((day / DAY + 3) % 7) * DAY;
	return { view, from, days: view === 'day' ? 1 : 7, refused: asked.refused };
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
	// Scheduled: accepted by the service with a publish time. `+state`: the day's range on
	// targets_publish_at, not every published post of the history through targets_due.
	const states = `+state IN ('confirmed', 'published', 'publish-failed')`;
	const timed = `FROM targets WHERE publish_at >= @from AND publish_at < @to AND ${states}`;
	// An asap post has no publish time: it went out when the service accepted it (updated_at),
	// read through targets_asap_sent.
	const asap = `FROM targets WHERE publish_at IS NULL AND updated_at >= @from AND updated_at < @to AND ${states}`;
	type Range = { from: number; to: number; limit: number };
	const lists = [
		ctx.db.prepare<[Range], TargetRow>(`SELECT * ${timed} ORDER BY publish_at, id LIMIT @limit`),
		ctx.db.prepare<[Range], TargetRow>(`SELECT * ${asap} ORDER BY updated_at, id LIMIT @limit`),
	];
	const counts = [timed, asap].map((q) =>
		ctx.db.prepare<[{ from: number; to: number }], { n: number }>(`SELECT COUNT(*) n ${q}`),
	);
	const atOf = (t: TargetRow) => t.publish_at ?? t.updated_at;
	for (let d = 0; d < days; d++) {
		const range = { from: from + d * DAY, to: from + (d + 1) * DAY };
		const found = lists.flatMap((l) => l.all({ ...range, limit: perDay }));
		const rows = found.sort((a, b) => atOf(a) - atOf(b) || a.id - b.id).slice(0, perDay);
		for (const t of rows) entries.push({ at: atOf(t), t, ...itemOf(t.item_id) });
		if (rows.length === perDay)
			hidden[d] = counts.reduce((n, c) => n + c.get(range)!.n, 0) - perDay;
	}
	// Planned: queued targets at their publish time, or when the budgets let them go.
	const etas = ctx.etas();
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
	const { view, from, days, refused } = range(ctx);
	const to = from + days * DAY;
	const { entries, hidden, unplaceable } = scheduleEntries(ctx, from, days, PER_DAY[view]);
	const step = days * DAY;
	const link = (v: string, d: number, label: string) =>
		html`<a href="/?view=${v}&amp;date=${isoDay(d)}">${label}</a>`;
	const title =
		view === 'day' ? `Day ${isoDay(from)}` : `Week of ${isoDay(from)} to ${isoDay(to - DAY)}`;
	return html`<h1>Schedule</h1>
		${refused
			? html`<p class="flash bad" role="alert">
					${refused}; showing ${view === 'day' ? 'today' : 'this week'} instead.
				</p>`
			: ''}
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
		<h2>${title} <small>(days in UTC)</small></h2>
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
