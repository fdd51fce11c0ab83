/**
 * Published: posts the service published, newest first, with links to the live posts. Paged by
 * keyset (published_at, target_id) over the outcomes_published index, so page 2,000 of a long
 * history costs what page 1 does.
 */
import type { PageContext } from '../context';
import { type Html, html, safeHref, timeEl } from '../html';

export const PAGE_SIZE = 50;

export interface PublishedRow {
	target_id: number;
	published_at: number;
	url: string | null;
	remote_id: string;
	service: string;
	label: string;
	platform: string;
	name: string;
	item: string;
}

/** One page of the history before the cursor `<published_at>.<target_id>` (none: the newest). */
export function publishedPage(
	ctx: Pick<PageContext, 'db'>,
	before?: { at: number; id: number },
): { rows: PublishedRow[]; next?: string } {
	const rows = ctx.db
		.prepare<[number, number, number], PublishedRow>(
			`SELECT o.target_id, o.published_at, o.url, o.remote_id, o.service, t.label, t.platform,
			        i.name, i.id item
			 FROM outcomes o JOIN targets t ON t.id = o.target_id JOIN items i ON i.id = o.item_id
			 WHERE o.published_at IS NOT NULL AND (o.published_at, o.target_id) < (?, ?)
			 ORDER BY o.published_at DESC, o.target_id DESC LIMIT ?`,
		)
		.all(
			before?.at ?? Number.MAX_SAFE_INTEGER,
			before?.id ?? Number.MAX_SAFE_INTEGER,
			PAGE_SIZE + 1,
		);
	const more = rows.length > PAGE_SIZE;
	if (more) rows.pop();
	const last = rows[rows.length - 1];
	return { rows, next: more && last ? `${last.published_at}.${last.target_id}` : undefined };
}

export function parseCursor(value: string | null): { at: number; id: number } | undefined {
	const m = value ? /^(\d{1,16})\.(\d{1,16})$/.exec(value) : null;
	return m ? { at: Number(m[1]), id: Number(m[2]) } : undefined;
}

export function publishedView(ctx: PageContext): Html {
	const before = parseCursor(ctx.query.get('before'));
	const { rows, next } = publishedPage(ctx, before);
	return html`<h1>Published</h1>
		${rows.length === 0
			? html`<p>
					${before
						? 'No older posts.'
						: 'Nothing published yet. Posts appear here once the service has published them.'}
				</p>`
			: html`<table>
					<caption class="sr">
						Published posts, newest first
					</caption>
					<thead>
						<tr>
							<th scope="col">Published</th>
							<th scope="col">Post</th>
							<th scope="col">Account</th>
							<th scope="col">Live post</th>
						</tr>
					</thead>
					<tbody>
						${rows.map((r) => {
							const href = safeHref(r.url);
							return html`<tr>
								<td>${timeEl(r.published_at)}</td>
								<td class="name">${r.name} <small>(${r.item})</small></td>
								<td>${r.label} <small>${r.platform}, ${r.service}</small></td>
								<td>
									${href
										? html`<a href="${href}" rel="noopener noreferrer" target="_blank">${r.url}</a>`
										: html`post ${r.remote_id}`}
								</td>
							</tr>`;
						})}
					</tbody>
				</table>`}
		<nav class="pager" aria-label="Pages of the history">
			${before ? html`<a href="/published">Newest</a>` : ''}
			${next ? html`<a href="/published?before=${next}" rel="next">Older</a>` : ''}
		</nav>`;
}
