/**
 * Polls `GET /social-posts` for posts that reached PUBLISHED or FAILED.
 *
 * Cursor (workflow static data, so n8n persists it): the ids already emitted with the status they
 * were emitted in, for posts scheduled inside the look-back window. Each poll lists terminal posts
 * scheduled from (the earliest unsettled time − look-back) on; anything not yet emitted in that
 * status is new. Emitted ids leave the cursor only once they fall behind the window, so a post is
 * never emitted twice for one status however often the poll runs. The first poll after activation
 * only records what is already there.
 */
import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { listPosts } from './v1/helpers/posts';
import { checkUuidList, POST_EVENTS, sampleEvent, toEvents } from './v1/helpers/trigger';
import { accountIdsFilter, platformsFilter } from './v1/actions/common.descriptions';

interface Cursor extends IDataObject {
	/** `postId` → status it was emitted (or recorded) in. */
	seen: Record<string, string>;
	/** `postId` → scheduledAt (ms), to drop old ids once they leave the window. */
	scheduled: Record<string, number>;
	initialised: boolean;
}

/**
 * How far back (by scheduled time) to look for posts whose status changes late. PostFast publishes
 * at the scheduled time and gives up 2 h after it (MISSED_NOT_PUBLISHED), so 6 h settles every
 * post while keeping each poll to few pages: GET /social-posts has its own hourly budget.
 */
const DEFAULT_LOOKBACK_HOURS = 6;
/** A safety cap on how many posts one poll reads (50 per page). */
const MAX_POSTS_PER_POLL = 5000;

export class PostFastTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'PostFast Trigger',
		name: 'postFastTrigger',
		icon: { light: 'file:postfast.svg', dark: 'file:postfast.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{"on " + $parameter["events"].join(", ")}}',
		description: 'Starts the workflow when PostFast publishes a post or fails to',
		defaults: { name: 'PostFast Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'postFastApi', required: true }],
		properties: [
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				required: true,
				options: [
					{ name: 'Post Published', value: 'published', description: 'A post reached PUBLISHED' },
					{ name: 'Post Failed', value: 'failed', description: 'A post reached FAILED' },
				],
				default: ['published', 'failed'],
			},
			{
				displayName: 'Filters',
				name: 'filters',
				type: 'collection',
				placeholder: 'Add Filter',
				default: {},
				options: [accountIdsFilter, platformsFilter],
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Look-Back (Hours)',
						name: 'lookbackHours',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: DEFAULT_LOOKBACK_HOURS,
						description:
							'Posts scheduled this long ago are still watched for a status change (a post can fail up to 2 hours after its time)',
					},
				],
			},
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const events = this.getNodeParameter('events', []) as string[];
		const filters = this.getNodeParameter('filters', {}) as IDataObject;
		const options = this.getNodeParameter('options', {}) as { lookbackHours?: number };
		const statuses = POST_EVENTS.filter((e) => events.includes(e.event)).map((e) => e.status);
		if (statuses.length === 0) return null;
		const lookbackMs = (options.lookbackHours ?? DEFAULT_LOOKBACK_HOURS) * 3_600_000;
		const manual = this.getMode() === 'manual';

		const qs: IDataObject = { statuses: statuses.join(',') };
		const accounts = checkUuidList.call(this, filters.socialMediaIds);
		if (accounts.length) qs.socialMediaIds = accounts.join(',');
		const platforms = (filters.platforms as string[] | undefined) ?? [];
		if (platforms.length) qs.platforms = platforms.join(',');

		const staticData = this.getWorkflowStaticData('node');
		const cursor: Cursor = {
			seen: {},
			scheduled: {},
			initialised: false,
			...((staticData.cursor as Cursor | undefined) ?? {}),
		};
		const windowStart = Date.now() - lookbackMs;
		qs.from = new Date(windowStart).toISOString();

		const posts = await listPosts.call(this, qs, MAX_POSTS_PER_POLL);
		const fresh = posts.filter((post) => cursor.seen[String(post.id)] !== post.status);

		if (manual) {
			// "Fetch test event": show the newest real events (or a sample), never move the cursor.
			const shown = (fresh.length ? fresh : posts).slice(-5);
			const items = shown.length
				? await toEvents.call(this, shown)
				: [{ ...sampleEvent(), sample: true }];
			return [this.helpers.returnJsonArray(items)];
		}

		// Before the cursor moves: a failed account lookup leaves these posts for the next poll.
		const emitted = cursor.initialised ? await toEvents.call(this, fresh) : [];

		for (const post of fresh) {
			const id = String(post.id);
			cursor.seen[id] = String(post.status);
			cursor.scheduled[id] = Date.parse(String(post.scheduledAt ?? '')) || Date.now();
		}
		// Forget ids that fell behind the window: the query no longer returns them.
		for (const [id, at] of Object.entries(cursor.scheduled)) {
			if (at < windowStart) {
				delete cursor.scheduled[id];
				delete cursor.seen[id];
			}
		}
		const firstRun = !cursor.initialised;
		cursor.initialised = true;
		staticData.cursor = cursor;
		if (firstRun || emitted.length === 0) return null;
		return [this.helpers.returnJsonArray(emitted)];
	}
}
