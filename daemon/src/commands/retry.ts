/**
 * `postspool retry`: sends the failed or parked targets of an item again, at a new time when given
 * (`--at <time>`, `--now`) or at the "when" of the sidecar in the item's folder.
 */
import { type RetryTime, retryItem } from '../pipeline/retry-cancel';
import { CliError, EXIT, type GlobalOpts, load, openState, print } from './context';

export function retryCommand(
	opts: GlobalOpts & { failed?: boolean; at?: string; now?: boolean },
	id?: string,
): number {
	if (opts.at !== undefined && opts.now)
		throw new CliError('give either --at <time> or --now, not both', EXIT.validation);
	const time: RetryTime = opts.now
		? { when: 'asap' }
		: opts.at !== undefined
			? { when: opts.at }
			: undefined;
	const loaded = load(opts);
	const s = openState(loaded);
	try {
		const ids = opts.failed
			? s.store
					.items()
					.filter((i) => i.state === 'failed' || i.state === 'needs-review')
					.map((i) => i.id)
			: id
				? [id]
				: [];
		if (ids.length === 0)
			throw new CliError(
				opts.failed
					? 'no failed items'
					: 'give an item id ("postspool queue ls" lists them) or --failed',
			);
		const results = ids.map((i) => retryItem(s.store, i, { time }));
		print(
			opts,
			results,
			() =>
				results.map((r) => r.message).join('\n') +
				(s.running === undefined ? '\nThe daemon is not running; "postspool run" sends them.' : ''),
		);
		return results.every((r) => r.ok) ? EXIT.ok : EXIT.error;
	} finally {
		s.close();
	}
}
