import {
	NodeConnectionTypes,
	type IDataObject,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';
import { postsiderPath } from '../../contract/postsider';
import { postSiderRequest } from './v1/transport';

type Event = 'notification' | 'postPublished' | 'postFailed';

interface Cursor extends IDataObject {
	/** `createdAt` of the newest notification already emitted (or skipped at activation). */
	notificationsSince?: string;
	/** Ids emitted at exactly `notificationsSince`, so equal timestamps are not emitted twice. */
	notificationIdsAtSince?: string[];
	/** postId → the final state already emitted (or present at activation), with its publish date. */
	postStates?: Record<string, { state: string; publishDate: string }>;
	postsPrimed?: boolean;
}

const FINAL_STATES: Record<string, Event> = { PUBLISHED: 'postPublished', ERROR: 'postFailed' };
const DAY_MS = 24 * 60 * 60 * 1000;
/** Notification pages read per poll at most (100 each); older ones were emitted by earlier polls. */
const MAX_NOTIFICATION_PAGES = 5;

/**
 * Polls PostSider for new notifications and for posts that reached PUBLISHED or ERROR. The cursor
 * lives in the node's static data: the first (activation) poll records what exists without
 * emitting it; later polls emit only what is newer, each once. In manual mode ("Fetch Test Event")
 * the newest matching entry is returned even when it is not new, and the cursor is not moved.
 */
export class PostSiderTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'PostSider Trigger',
		name: 'postSiderTrigger',
		icon: { light: 'file:postsider.svg', dark: 'file:postsider.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["events"].join(", ")}}',
		description:
			'Starts the workflow when PostSider publishes or fails a post, or sends a notification',
		defaults: { name: 'PostSider Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'postSiderApi', required: true }],
		properties: [
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				options: [
					{
						name: 'New Notification',
						value: 'notification',
						description: 'A notification PostSider wrote (publish results, errors, approvals)',
					},
					{
						name: 'Post Failed',
						value: 'postFailed',
						description: 'A post changed to the ERROR state',
					},
					{
						name: 'Post Published',
						value: 'postPublished',
						description: 'A post changed to the PUBLISHED state',
					},
				],
				default: ['postPublished', 'postFailed'],
				required: true,
			},
			{
				displayName: 'Look Back (Days)',
				name: 'lookbackDays',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 90 },
				default: 7,
				description:
					'Posts whose publish date lies this many days back (up to one day ahead) are watched for state changes',
			},
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const events = this.getNodeParameter('events', []) as Event[];
		const lookbackDays = this.getNodeParameter('lookbackDays', 7) as number;
		const manual = this.getMode() === 'manual';
		const stored = this.getWorkflowStaticData('node') as Cursor;
		// Manual runs work on a copy, so testing in the editor never moves the live cursor.
		const cursor: Cursor = manual ? (JSON.parse(JSON.stringify(stored)) as Cursor) : stored;
		const out: IDataObject[] = [];
		const samples: IDataObject[] = [];

		if (events.includes('notification')) {
			const { fresh, newest } = await pollNotifications.call(this, cursor);
			out.push(...fresh.map((n) => ({ event: 'notification', ...n })));
			if (newest) samples.push({ event: 'notification', ...newest });
		}
		const postEvents = events.filter((e) => e !== 'notification');
		if (postEvents.length > 0) {
			const { fresh, newest } = await pollPosts.call(this, cursor, postEvents, lookbackDays);
			out.push(...fresh);
			if (newest) samples.push(newest);
		}

		if (manual) {
			const result = out.length > 0 ? out : samples.slice(0, 1);
			return result.length > 0 ? [this.helpers.returnJsonArray(result)] : null;
		}
		return out.length > 0 ? [this.helpers.returnJsonArray(out)] : null;
	}
}

async function pollNotifications(
	this: IPollFunctions,
	cursor: Cursor,
): Promise<{ fresh: IDataObject[]; newest?: IDataObject }> {
	const primed = cursor.notificationsSince !== undefined;
	const since = cursor.notificationsSince ?? '';
	const idsAtSince = new Set(cursor.notificationIdsAtSince ?? []);
	const isNew = (n: IDataObject) => {
		const at = String(n.createdAt ?? '');
		return at > since || (at === since && !idsAtSince.has(String(n.id)));
	};
	const seen: IDataObject[] = [];
	for (let page = 0; page < MAX_NOTIFICATION_PAGES; page++) {
		const response = await postSiderRequest.call(this, {
			method: 'GET',
			path: postsiderPath('listNotifications'),
			qs: { page },
		});
		const body = response.body as IDataObject;
		const list = (body.notifications ?? []) as IDataObject[];
		seen.push(...list);
		// Newest first: once a page reaches what was already seen, older pages hold nothing new.
		if (!primed || body.hasMore !== true || list.length === 0 || !list.every(isNew)) break;
	}
	const newest = seen.reduce<IDataObject | undefined>(
		(best, n) => (!best || String(n.createdAt) > String(best.createdAt) ? n : best),
		undefined,
	);
	const fresh = primed
		? seen.filter(isNew).sort((a, b) => String(a.createdAt).localeCompare(String(b.createdAt)))
		: [];
	if (newest) {
		const top = String(newest.createdAt);
		const atTop = seen.filter((n) => String(n.createdAt) === top).map((n) => String(n.id));
		cursor.notificationIdsAtSince = top === since ? [...new Set([...idsAtSince, ...atTop])] : atTop;
		cursor.notificationsSince = top;
	} else if (!primed) {
		cursor.notificationsSince = '';
		cursor.notificationIdsAtSince = [];
	}
	return { fresh, newest };
}

async function pollPosts(
	this: IPollFunctions,
	cursor: Cursor,
	events: Event[],
	lookbackDays: number,
): Promise<{ fresh: IDataObject[]; newest?: IDataObject }> {
	const now = Date.now();
	const startDate = new Date(now - lookbackDays * DAY_MS).toISOString();
	const endDate = new Date(now + DAY_MS).toISOString();
	const response = await postSiderRequest.call(this, {
		method: 'GET',
		path: postsiderPath('listPosts'),
		qs: { startDate, endDate },
	});
	const posts = ((response.body as IDataObject).posts ?? []) as IDataObject[];
	const states = cursor.postStates ?? {};
	const fresh: IDataObject[] = [];
	const reached: Record<string, { state: string; publishDate: string }> = {};
	let newest: IDataObject | undefined;
	for (const post of posts) {
		const state = String(post.state ?? '');
		const event = FINAL_STATES[state];
		if (!event || !events.includes(event)) continue;
		const item = { event, ...post };
		if (!newest || String(post.publishDate) > String(newest.publishDate)) newest = item;
		const id = String(post.id);
		if (states[id]?.state === state) continue;
		reached[id] = { state, publishDate: String(post.publishDate ?? '') };
		if (cursor.postsPrimed) fresh.push(item);
	}
	// The list has no publish error; a failed post's own row does. Read it before the cursor moves.
	for (const item of fresh)
		if (item.event === 'postFailed') await addFailureReason.call(this, item);
	if (this.getMode() === 'manual' && fresh.length === 0 && newest?.event === 'postFailed')
		await addFailureReason.call(this, newest);
	Object.assign(states, reached);
	// Forget posts that left the window, so the cursor stays small.
	for (const [id, entry] of Object.entries(states)) {
		if (entry.publishDate && entry.publishDate < startDate) delete states[id];
	}
	cursor.postStates = states;
	cursor.postsPrimed = true;
	return { fresh, newest };
}

/** `reason`: the publish error PostSider recorded on a failed post (`GET /posts/:id`). */
async function addFailureReason(this: IPollFunctions, item: IDataObject): Promise<void> {
	const response = await postSiderRequest.call(this, {
		method: 'GET',
		path: postsiderPath('getPost', { id: String(item.id) }),
	});
	const rows = ((response.body as IDataObject).posts ?? []) as IDataObject[];
	const reason = rows.map((row) => row.error).find((error) => typeof error === 'string' && error);
	item.reason = typeof reason === 'string' ? reason : null;
}
