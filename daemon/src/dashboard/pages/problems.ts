/**
 * Problems: failed and needs-review posts (and posts the service failed to publish) with the
 * message and the fix recorded for error.json, and Retry / Cancel buttons (POST, CSRF token).
 */
import type { TargetError } from '../../item';
import type { ItemRow } from '../../state/store';
import type { PageContext } from '../context';
import { type Html, html, timeEl } from '../html';
import { intakeRefusals } from '../refused';

/** The most recent problems; the rest are counted (`postspool queue ls --state failed` lists all). */
export const SHOWN = 100;

const PROBLEMS = `FROM items WHERE state IN ('failed', 'needs-review')
	OR id IN (SELECT item_id FROM targets WHERE state = 'publish-failed')`;

export function problemItems(ctx: PageContext): { items: ItemRow[]; total: number } {
	const items = ctx.db
		.prepare<[number], ItemRow>(`SELECT * ${PROBLEMS} ORDER BY updated_at DESC, id DESC LIMIT ?`)
		.all(SHOWN);
	const total =
		items.length < SHOWN
			? items.length
			: ctx.db.prepare<[], { n: number }>(`SELECT COUNT(*) n ${PROBLEMS}`).get()!.n;
	return { items, total };
}

export function actionForm(ctx: PageContext, action: 'retry' | 'cancel', item: ItemRow): Html {
	const label = action === 'retry' ? 'Retry' : 'Cancel';
	return html`<form method="post" action="/actions/${action}" class="inline">
		<input type="hidden" name="_csrf" value="${ctx.csrf}" />
		<input type="hidden" name="item" value="${item.id}" />
		<button type="submit" class="${action}" aria-label="${`${label} ${item.name}`}">
			${label}
		</button>
	</form>`;
}

/** Posts refused at intake: no item, so no Retry; the fix, then a drop into the inbox again. */
function refusedSection(ctx: PageContext): Html {
	const { refusals, total } = intakeRefusals(
		ctx.loaded.config,
		(id) => ctx.store.item(id) !== undefined,
		SHOWN,
	);
	if (refusals.length === 0) return html``;
	return html`<h2 id="refused">Refused at intake</h2>
		<p>
			${total > refusals.length
				? `${total} posts; the ${refusals.length} most recent are shown.`
				: `${total} post(s).`}
			These never entered the queue (nothing was sent), so there is nothing to retry: fix what
			error.json says, then move the files back into the inbox.
		</p>
		<ul class="cards">
			${refusals.map(
				(r) =>
					html`<li class="card">
						<h3>${r.name}</h3>
						<p>Refused ${timeEl(r.at)}. Folder: <span class="path">${r.dir}</span></p>
						${r.errors.map(
							(e) =>
								html`<p class="msg">${e.where ? `${e.where}: ` : ''}${e.message}</p>
									${e.fix ? html`<p class="fix">Fix: ${e.fix}</p>` : ''}`,
						)}
						${r.fix ? html`<p class="fix">${r.fix}</p>` : ''}
						<p>
							Then move the corrected files from <span class="path">${r.dir}</span> into
							<span class="path">${r.inbox}</span> (error.json stays behind).
						</p>
					</li>`,
			)}
		</ul>`;
}

/** Retry at a new time: the CLI's `retry --now` and `retry --at <time>` (a post whose time passed). */
function retryAtForm(ctx: PageContext, item: ItemRow): Html {
	const at = `at-${item.id}`;
	return html`<details class="retry-at">
		<summary>Retry at a new time</summary>
		<form method="post" action="/actions/retry">
			<input type="hidden" name="_csrf" value="${ctx.csrf}" />
			<input type="hidden" name="item" value="${item.id}" />
			<label for="${at}">New time (ISO with offset, as <code>retry --at</code> takes)</label>
			<input
				id="${at}"
				name="at"
				type="text"
				inputmode="text"
				placeholder="2027-01-05T09:00:00+01:00"
				autocomplete="off"
			/>
			<button
				type="submit"
				name="when"
				value="at"
				aria-label="${`Retry ${item.name} at this time`}"
			>
				Retry at this time
			</button>
			<button type="submit" name="when" value="now" aria-label="${`Retry ${item.name} now`}">
				Or send now
			</button>
		</form>
	</details>`;
}

export function problemsPage(ctx: PageContext): Html {
	const { items, total } = problemItems(ctx);
	return html`<h1>Problems</h1>
		${items.length === 0
			? html`<p>
					No failed queued posts. Posts that fail or need a review show up here with what to do.
				</p>`
			: html`<p>
						${total > items.length
							? `${total} posts; the ${items.length} most recent are shown ("postspool queue ls --state failed" lists every one).`
							: `${total} post(s).`}
						Retry sends the failed targets again (like
						<code>postspool retry ID</code>); Cancel stops the targets not created yet (like
						<code>postspool cancel ID</code>).
					</p>
					<ul class="cards">
						${items.map((i) => {
							const bad = ctx.store
								.targets(i.id)
								.filter(
									(t) =>
										t.state === 'failed' ||
										t.state === 'needs-review' ||
										t.state === 'publish-failed',
								);
							const itemError = i.error ? (JSON.parse(i.error) as Partial<TargetError>) : undefined;
							return html`<li class="card">
								<h2>${i.name} <small>${i.id}</small></h2>
								<p>
									State: <span class="state s-${i.state}">${i.state}</span>, updated
									${timeEl(i.updated_at)}. Folder:
									<span class="path">${i.final_dir ?? i.work_dir}</span>
								</p>
								${itemError?.message && bad.length === 0
									? html`<p class="msg">${itemError.message}</p>
											${itemError.fix ? html`<p class="fix">Fix: ${itemError.fix}</p>` : ''}`
									: ''}
								${bad.map((t) => {
									const e = t.error ? (JSON.parse(t.error) as Partial<TargetError>) : {};
									return html`<div class="target">
										<h3>
											${t.label} <small>${t.platform}, ${t.service}</small>
											<span class="state s-${t.state}">${t.state}</span>
										</h3>
										<p class="msg">${e.message ?? t.state}</p>
										${e.fix ? html`<p class="fix">Fix: ${e.fix}</p>` : ''}
									</div>`;
								})}
								<div class="actions">
									${bad.length > 0 ? actionForm(ctx, 'retry', i) : ''}${bad.length > 0
										? retryAtForm(ctx, i)
										: ''}${actionForm(ctx, 'cancel', i)}
								</div>
							</li>`;
						})}
					</ul>`}
		${refusedSection(ctx)}`;
}
