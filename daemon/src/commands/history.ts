/**
 * `postspool history`: recent posts, one line per post on a service (an item's target), with the
 * account, platform, service, post id, scheduled and published times, state and public URL.
 */
import { TARGET_STATES } from '../state/store';
import { CliError, EXIT, type GlobalOpts, load, openState, print } from './context';

export interface HistoryOpts extends GlobalOpts {
	state?: string;
	account?: string;
	since?: string;
	until?: string;
	limit?: string;
}

export interface HistoryRow {
	item: string;
	name: string;
	account: string;
	platform: string;
	service: string;
	postId: string | null;
	state: string;
	scheduledAt: string | null;
	publishedAt: string | null;
	url: string | null;
	error: string | null;
	folder: string;
}

/**
 * A date given as `2027-03-01`, a full ISO time, or `7d` / `24h` ago. A date alone is a whole day
 * (UTC, as history prints times): `end` gives the first instant after it, so `--until 2027-03-01`
 * includes that day.
 */
export function parseWhen(
	value: string,
	flag: string,
	now = Date.now(),
	end: 'start' | 'end' = 'start',
): number {
	const rel = /^(\d+)([dhm])$/.exec(value);
	if (rel) return now - Number(rel[1]) * { d: 86_400_000, h: 3_600_000, m: 60_000 }[rel[2] as 'd'];
	const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
	if (day) {
		const [y, m, d] = day.slice(1).map(Number);
		const start = Date.UTC(y, m - 1, d);
		const real = new Date(start);
		if (real.getUTCFullYear() === y && real.getUTCMonth() === m - 1 && real.getUTCDate() === d)
			return end === 'end' ? start + 86_400_000 : start;
		throw new CliError(
			`${flag} "${value}" is not a day on the calendar; give a real date like 2027-03-01`,
			EXIT.validation,
		);
	}
	const at = Date.parse(value);
	if (Number.isNaN(at))
		throw new CliError(
			`${flag} "${value}" is not a date: give 2027-03-01, 2027-03-01T09:00:00Z, or a span back from now like 7d, 24h, 30m`,
			EXIT.validation,
		);
	return at;
}

export function historyCommand(opts: HistoryOpts): number {
	const states = [...TARGET_STATES, 'draft'];
	if (opts.state && !states.includes(opts.state))
		throw new CliError(
			`--state "${opts.state}" is not a state; use one of ${states.join(', ')}`,
			EXIT.validation,
		);
	const limit = opts.limit === undefined ? 50 : Number(opts.limit);
	if (!Number.isInteger(limit) || limit < 1)
		throw new CliError(
			`--limit "${opts.limit}" must be a whole number of at least 1`,
			EXIT.validation,
		);
	const since = opts.since ? parseWhen(opts.since, '--since') : undefined;
	const until = opts.until ? parseWhen(opts.until, '--until', Date.now(), 'end') : undefined;
	const untilDay = opts.until !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(opts.until);
	const loaded = load(opts);
	if (opts.account && !loaded.config.accounts[opts.account])
		throw new CliError(
			`--account "${opts.account}" is not an alias in the config (aliases: ${Object.keys(loaded.config.accounts).join(', ') || 'none'})`,
			EXIT.validation,
		);
	const s = openState(loaded);
	try {
		const where: string[] = [];
		const args: Array<string | number> = [];
		// A draft the service accepted is a draft, not a post confirmed to go out.
		const state = `CASE WHEN t.state = 'confirmed' AND json_extract(i.post, '$.sidecar.draft') = 1 THEN 'draft' ELSE t.state END`;
		if (opts.state) {
			where.push(`${state} = ?`);
			args.push(opts.state);
		}
		if (opts.account) {
			where.push('t.label = ?');
			args.push(opts.account);
		}
		// The post's time: when it is (or was) to be published, else when it was dropped.
		const at = 'COALESCE(o.published_at, t.publish_at, i.created_at)';
		if (since !== undefined) {
			where.push(`${at} >= ?`);
			args.push(since);
		}
		if (until !== undefined) {
			// A whole day runs up to (not including) the next midnight; a time is inclusive.
			where.push(untilDay ? `${at} < ?` : `${at} <= ?`);
			args.push(until);
		}
		const raw = s.db
			.prepare<
				Array<string | number>,
				{
					item: string;
					name: string;
					label: string;
					platform: string;
					service: string;
					remote_id: string | null;
					state: string;
					publish_at: number | null;
					published_at: number | null;
					url: string | null;
					error: string | null;
					folder: string;
				}
			>(
				`SELECT i.id item, i.name, t.label, t.platform, t.service, t.remote_id, ${state} state, t.publish_at,
					o.published_at, o.url, t.error, COALESCE(i.final_dir, i.work_dir) folder
				 FROM targets t JOIN items i ON i.id = t.item_id LEFT JOIN outcomes o ON o.target_id = t.id
				 ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
				 ORDER BY ${at} DESC, t.id DESC LIMIT ?`,
			)
			.all(...args, limit);
		const iso = (ms: number | null) => (ms ? new Date(ms).toISOString() : null);
		const rows: HistoryRow[] = raw.map((r) => ({
			item: r.item,
			name: r.name,
			account: r.label,
			platform: r.platform,
			service: r.service,
			postId: r.remote_id,
			state: r.state,
			scheduledAt: iso(r.publish_at),
			publishedAt: iso(r.published_at),
			url: r.url,
			error:
				r.error && r.state !== 'confirmed' && r.state !== 'published' && r.state !== 'draft'
					? (JSON.parse(r.error) as { message: string }).message
					: null,
			folder: r.folder,
		}));
		print(opts, rows, () => {
			if (rows.length === 0) return 'no posts match';
			return rows
				.map((r) =>
					[
						`${(r.publishedAt ?? r.scheduledAt ?? '-').replace('.000Z', 'Z').padEnd(20)} ${r.state.padEnd(14)} ${r.account} (${r.platform}, ${r.service}) ${r.name}`,
						`    item ${r.item}${r.postId ? `  post ${r.postId}` : ''}${r.url ? `  ${r.url}` : ''}`,
						...(r.error ? [`    ${r.error}`] : []),
					].join('\n'),
				)
				.join('\n');
		});
		return EXIT.ok;
	} finally {
		s.close();
	}
}
