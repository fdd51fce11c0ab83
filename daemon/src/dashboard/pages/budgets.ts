/**
 * Budgets: every window of every key as a bar (used, reserved, free) with its next free time
 * (budget/report.ts via Budgets.status), and a 24-hour chart of calls per hour against the
 * tightest hourly pace of the key's windows over every call, 429s marked. Inline SVG drawn here: no script,
 * no style attribute (the CSP allows neither).
 */
import type { WindowStatus } from '../../budget/types';
import type { PageContext } from '../context';
import { type Html, html, time, timeEl } from '../html';

const HOUR = 3_600_000;

function windowName(ms: number): string {
	if (ms % 86_400_000 === 0) return `${ms / 86_400_000} day${ms === 86_400_000 ? '' : 's'}`;
	if (ms % HOUR === 0) return `${ms / HOUR} h`;
	if (ms % 60_000 === 0) return `${ms / 60_000} min`;
	return `${ms / 1000} s`;
}

function windowBar(w: WindowStatus, now: number): Html {
	const cap = Math.max(w.effectiveLimit, w.used + w.inFlight, 1);
	const W = 300;
	const used = Math.round((Math.min(w.used, cap) / cap) * W);
	const reserved = Math.round((Math.min(w.inFlight, cap - Math.min(w.used, cap)) / cap) * W);
	const next =
		// Within a second: now (the status was taken a moment after the page's clock).
		w.nextFreeAt <= now + 1_000
			? 'now'
			: Number.isFinite(w.nextFreeAt)
				? time(w.nextFreeAt)
				: 'never';
	const summary = `${w.used} used, ${w.inFlight} reserved, ${w.remaining} free of ${w.effectiveLimit}${w.effectiveLimit !== w.limit ? ` (published limit ${w.limit})` : ''}; next free: ${next}`;
	return html`<li class="window">
		<h3>
			${w.label}${w.endpoint && !w.label.includes(w.endpoint)
				? html` <small>${w.endpoint}</small>`
				: ''}${w.account ? html` <small>account ${w.account}</small>` : ''}
			<small>per ${windowName(w.windowMs)}</small>
		</h3>
		<svg
			class="bar"
			viewBox="0 0 ${W} 16"
			preserveAspectRatio="none"
			width="100%"
			height="16"
			role="img"
			aria-label="${summary}"
		>
			<rect x="0" y="0" width="${W}" height="16" class="free" />
			<rect x="0" y="0" width="${used}" height="16" class="used" />
			<rect x="${used}" y="0" width="${reserved}" height="16" class="reserved" />
		</svg>
		<p>
			${summary}${w.frozenUntil
				? html` <strong>Frozen until ${timeEl(w.frozenUntil)}</strong> (after a 429)`
				: ''}
		</p>
	</li>`;
}

/**
 * Calls per hour over the last 24 h. A call is logged once in each window it counts against
 * (per endpoint for some rules): per hour, the rule whose logs hold the most calls in all, which
 * is every call when a window covers every endpoint. Per-account caps (anchored at publish times) are left out.
 */
export function hourlyCalls(
	ctx: Pick<PageContext, 'db'>,
	key: string,
	now: number,
): { calls: number[]; rejections: Array<{ n: number; reasons: string[] }> } {
	const first = Math.floor(now / HOUR) - 23;
	const perRule = new Map<string, number[]>();
	for (const r of ctx.db
		.prepare<[string, number], { bucket: string; h: number; n: number }>(
			`SELECT bucket, at / ${HOUR} h, COUNT(*) n FROM budget_events
			 WHERE key_id = ? AND kind = 'hit' AND fixed_anchor = 0 AND at >= ? GROUP BY bucket, h`,
		)
		.all(key, first * HOUR)) {
		const i = r.h - first;
		if (i < 0 || i >= 24) continue;
		const rule = r.bucket.split('@')[0];
		const hours = perRule.get(rule) ?? new Array<number>(24).fill(0);
		hours[i] += r.n;
		perRule.set(rule, hours);
	}
	const calls = new Array<number>(24).fill(0);
	for (const hours of perRule.values())
		for (let i = 0; i < 24; i++) calls[i] = Math.max(calls[i], hours[i]);
	const rejections = Array.from({ length: 24 }, () => ({ n: 0, reasons: [] as string[] }));
	for (const r of ctx.db
		.prepare<
			[string, number],
			{ at: number; reason: string }
		>(`SELECT at, reason FROM budget_rejections WHERE key_id = ? AND at >= ? ORDER BY at`)
		.all(key, first * HOUR)) {
		const slot = rejections[Math.floor(r.at / HOUR) - first];
		if (!slot) continue;
		slot.n++;
		if (slot.reasons.length < 3) slot.reasons.push(r.reason);
	}
	return { calls, rejections };
}

function chart(key: string, windows: WindowStatus[], ctx: PageContext): Html {
	const { calls, rejections } = hourlyCalls(ctx, key, ctx.now);
	// The tightest hourly pace of the windows that count every call of the key and last at most an
	// hour (a minute window × 60); per-endpoint and per-account windows count only some calls.
	const paces = windows
		.filter((w) => !w.endpoint && !w.account && w.windowMs <= HOUR)
		.map((w) => ({ pace: (w.effectiveLimit * HOUR) / w.windowMs, w }));
	const tightest = paces.length ? paces.reduce((a, b) => (b.pace < a.pace ? b : a)) : undefined;
	const limit = tightest ? Math.round(tightest.pace * 10) / 10 : undefined;
	const top = Math.max(...calls, limit ?? 0, 1) * 1.1;
	const W = 480;
	const H = 160;
	const bw = W / 24;
	const y = (v: number) => H - (v / top) * H;
	const first = Math.floor(ctx.now / HOUR) - 23;
	const total = calls.reduce((a, b) => a + b, 0);
	const total429 = rejections.reduce((a, b) => a + b.n, 0);
	return html`<figure class="chart">
		<svg
			viewBox="0 0 ${W} ${H + 36}"
			width="100%"
			role="img"
			aria-label="${`Calls per hour over the last 24 hours for ${key}: ${total} calls, ${total429} answered 429${limit !== undefined ? `; limit ${limit} per hour` : ''}`}"
		>
			${calls.map(
				(n, i) =>
					html`<rect
						x="${(i * bw + 1).toFixed(1)}"
						y="${y(n).toFixed(1)}"
						width="${(bw - 2).toFixed(1)}"
						height="${(H - y(n)).toFixed(1)}"
						class="calls"
						><title>${`${time((first + i) * HOUR).slice(11, 16)}: ${n} call(s)`}</title></rect
					>`,
			)}
			${limit !== undefined
				? html`<line
						x1="0"
						x2="${W}"
						y1="${y(limit).toFixed(1)}"
						y2="${y(limit).toFixed(1)}"
						class="limit"
					/>`
				: ''}
			${rejections.map((r, i) =>
				r.n > 0
					? html`<path d="M${(i * bw + bw / 2).toFixed(1)} ${H + 4} l5 12 h-10 z" class="r429"
							><title>${`${r.n} × 429: ${r.reasons.join('; ')}`}</title></path
						>`
					: '',
			)}
			<line x1="0" x2="${W}" y1="${H}" y2="${H}" class="axis" />
			${[0, 6, 12, 18, 23].map(
				(i) =>
					html`<text
						x="${i === 23 ? W : (i * bw + bw / 2).toFixed(1)}"
						y="${H + 30}"
						class="${i === 23 ? 'tick end' : 'tick'}"
					>
						${time((first + i) * HOUR).slice(11, 16)}
					</text>`,
			)}
		</svg>
		<figcaption>
			Calls per hour, last 24 hours (${total} in all).
			${limit !== undefined && tightest
				? `Line: ${limit} calls/hour, the pace "${tightest.w.label}" allows.`
				: ''}
			${total429 > 0 ? `Red marks: ${total429} answer(s) 429.` : 'No 429 answers.'}
		</figcaption>
	</figure>`;
}

export function budgetsPage(ctx: PageContext): Html {
	const budgets = ctx.budgets();
	const keys = Object.keys(ctx.loaded.config.keys);
	return html`<h1>Budgets</h1>
		${keys.map((k) => {
			// Every window of the key's service, also before its first call.
			const windows = budgets.status(k, ctx.loaded.config.keys[k].service);
			return html`<section aria-labelledby="${`key-${k}`}">
				<h2 id="${`key-${k}`}">${k} <small>${ctx.loaded.config.keys[k].service}</small></h2>
				${windows.length === 0
					? html`<p>No calls yet.</p>`
					: html`<ul class="windows">
							${windows.map((w) => windowBar(w, ctx.now))}
						</ul>`}
				${chart(k, windows, ctx)}
			</section>`;
		})}`;
}
