/** `postspool cancel`: stops the targets of an item that have not been created. */
import { cancelItem } from '../pipeline/retry-cancel';
import { EXIT, type GlobalOpts, load, openState, print } from './context';

export function cancelCommand(opts: GlobalOpts, id: string): number {
	const loaded = load(opts);
	const s = openState(loaded);
	try {
		const r = cancelItem(s.store, id, Date.now());
		print(opts, r, () => r.message);
		return r.ok ? EXIT.ok : EXIT.error;
	} finally {
		s.close();
	}
}
