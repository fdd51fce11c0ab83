/**
 * Issue 5 item 4: N items (default 100) through each node's create operation in-process (n8n-core's
 * WorkflowExecute, test/helpers/n8n.ts) against the emulators: requests made and wall time. The
 * PostSider node makes one create per item (one date per request); the PostFast node batches up to
 * 15 posts per create.
 */
import { it } from 'vitest';
import { postfastAccount, postsiderChannel } from '../test/faults/lib/daemon';
import { loadEmulators } from '../test/faults/lib/emulators';
import {
	postfastCreateParams,
	postsiderCreateParams,
	runPostFastNode,
	runPostSiderNode,
} from '../test/faults/lib/nodes';
import { type Part, num, writePart } from './lib/report';

it('n8n nodes: N items through create', async () => {
	const n = num('BENCH_ITEMS', 100, 100);
	const part: Part = {
		section: 'n8n',
		title: `4. n8n nodes: ${n} items through each node's create operation (in-process)`,
		figures: [],
		notes: [],
		notMeasured: [],
	};
	const loaded = await loadEmulators();
	if (!loaded.ok) {
		part.notMeasured!.push({ name: 'n8n', reason: loaded.reason });
		writePart(part);
		return;
	}
	const rows: Array<Array<string | number>> = [];
	// PostSider: API_LIMIT raised so the per-minute window does not turn the run into a wait.
	const ps = await loaded.mod.startPostSider({ apiLimit: 1000 });
	try {
		const ch = await postsiderChannel(ps, 'linkedin');
		const items = Array.from({ length: n }, (_, i) => ({ json: { text: `bench item ${i}` } }));
		const t0 = performance.now();
		const result = await runPostSiderNode(
			ps,
			postsiderCreateParams(ch.id, new Date(ps.clock.now() + 2 * 86_400_000).toISOString()),
			items,
		);
		const ms = performance.now() - t0;
		const out = (result.outputs.PostSider ?? []).map((o) => o.json);
		const creates = ps.requests.filter((r) => r.method === 'POST' && /\/posts$/.test(r.path));
		rows.push([
			'PostSider',
			n,
			ps.requests.length,
			creates.length,
			out.filter((o) => !o.error).length,
			+ms.toFixed(0),
			+(ms / n).toFixed(1),
		]);
	} catch (err) {
		part.notMeasured!.push({
			name: 'PostSider node',
			reason: (err as Error).message.split('\n')[0],
		});
	} finally {
		await ps.close();
	}
	const pf = await loaded.mod.startPostFast();
	try {
		const acc = await postfastAccount(pf, 'LINKEDIN');
		const at = (i: number) => new Date(pf.clock.now() + 2 * 86_400_000 + i * 60_000).toISOString();
		const items = Array.from({ length: n }, (_, i) => ({
			json: { account: acc.id, text: `bench item ${i}`, at: at(i) },
		}));
		const t0 = performance.now();
		const result = await runPostFastNode(pf, postfastCreateParams(), items);
		const ms = performance.now() - t0;
		const out = (result.outputs.PostFast ?? []).map((o) => o.json);
		const creates = pf.requests.filter(
			(r) => r.method === 'POST' && /\/social-posts$/.test(r.path),
		);
		rows.push([
			'PostFast',
			n,
			pf.requests.length,
			creates.length,
			out.filter((o) => !o.error).length,
			+ms.toFixed(0),
			+(ms / n).toFixed(1),
		]);
	} catch (err) {
		part.notMeasured!.push({
			name: 'PostFast node',
			reason: (err as Error).message.split('\n')[0],
		});
	} finally {
		await pf.close();
	}
	part.table = {
		columns: [
			'node',
			'items',
			'HTTP requests',
			'create requests',
			'items created',
			'wall ms',
			'ms per item',
		],
		rows,
	};
	for (const r of rows) {
		part.figures.push({ name: `${r[0]}: requests for ${n} items`, value: r[2] });
		part.figures.push({ name: `${r[0]}: wall time`, value: r[5], unit: 'ms' });
		part.figures.push({
			name: `${r[0]}: items created`,
			value: r[4],
			target: String(n),
			met: r[4] === n,
		});
	}
	part.notes!.push(
		"PostSider's emulator runs with API_LIMIT=1000 here (the default 60/min would make 100 creates a wait for the window, which the budget section measures).",
	);
	writePart(part);
});
