/** Queue: what waits in the inboxes and why, the queued posts with ETAs, uploads with progress. */
import { LIVE } from '../../state/store';
import type { PageContext } from '../context';
import { type Html, html, timeEl } from '../html';
import { inboxWaiting } from '../waiting';

export function queuePage(ctx: PageContext): Html {
	const uploads = ctx.uploads();
	const waiting = inboxWaiting(ctx.loaded.config, ctx.now);
	const etas = ctx.etas();
	const items = ctx.store.items('processing');
	return html`<h1>Queue</h1>
		<section aria-labelledby="sending-h">
			<h2 id="sending-h">Being sent</h2>
			${uploads.length === 0
				? html`<p>No upload in progress.</p>`
				: html`<ul class="uploads">
						${uploads.map((u) => {
							const pct = Math.floor((u.sent / Math.max(u.total, 1)) * 100);
							return html`<li>
								<span class="name">${u.name}</span> → ${u.target} <small>${u.service}</small>:
								${u.file}
								<progress max="${u.total}" value="${u.sent}" aria-label="${`upload of ${u.file}`}">
									${pct}%
								</progress>
								<span
									>${pct}% (${(u.sent / 1048576).toFixed(1)} of ${(u.total / 1048576).toFixed(1)}
									MB)</span
								>
							</li>`;
						})}
					</ul>`}
		</section>
		<section aria-labelledby="inbox-h">
			<h2 id="inbox-h">Waiting in the inboxes</h2>
			${waiting.length === 0
				? html`<p>Nothing waits in the inboxes.</p>`
				: html`<table>
						<caption class="sr">
							Posts in the inboxes not taken yet
						</caption>
						<thead>
							<tr>
								<th scope="col">Post</th>
								<th scope="col">Waiting for</th>
								<th scope="col">Folder</th>
							</tr>
						</thead>
						<tbody>
							${waiting.map(
								(w) =>
									html`<tr>
										<td class="name">${w.name}</td>
										<td>${w.reason}</td>
										<td class="path">${w.folder}</td>
									</tr>`,
							)}
						</tbody>
					</table>`}
		</section>
		<section aria-labelledby="queued-h">
			<h2 id="queued-h">Queued (${items.length})</h2>
			${items.length === 0
				? html`<p>The queue is empty.</p>`
				: html`<table>
						<caption class="sr">
							Queued posts and their targets
						</caption>
						<thead>
							<tr>
								<th scope="col">Post</th>
								<th scope="col">Account</th>
								<th scope="col">State</th>
								<th scope="col">ETA</th>
								<th scope="col">Waiting for</th>
							</tr>
						</thead>
						<tbody>
							${items.flatMap((i) =>
								ctx.store.targets(i.id).map((t) => {
									const live = LIVE.includes(t.state);
									const eta = live
										? Math.max(t.next_attempt_at, etas.get(`queued:${t.id}`)?.at ?? 0, ctx.now)
										: undefined;
									const gating = live
										? (t.gating ?? etas.get(`queued:${t.id}`)?.gating)
										: undefined;
									return html`<tr>
										<td class="name">${i.name} <small>(${i.id})</small></td>
										<td>${t.label} <small>${t.platform}, ${t.service}</small></td>
										<td><span class="state s-${t.state}">${t.state}</span></td>
										<td>${eta === undefined ? '—' : timeEl(eta)}</td>
										<td>${gating ?? (live ? 'nothing: sent when a worker is free' : '')}</td>
									</tr>`;
								}),
							)}
						</tbody>
					</table>`}
		</section>`;
}
