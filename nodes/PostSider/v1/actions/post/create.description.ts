/** Panel of Post → Create: channels, post type and date, text, media, thread, settings and options. */
import { updateDisplayOptions, type INodeProperties } from 'n8n-workflow';

import { maxRateLimitWaitOption } from '../../../../shared/options';
import { fromVersion2, inVersion1 } from '../../../../shared/versions';
import { providerSettingsProperties } from './providerSettings.description';

const firstCommentOption: INodeProperties = {
	displayName: 'First Comment',
	name: 'firstComment',
	type: 'string',
	default: '',
	description: 'Comment published right after the post where the platform supports it',
};

const tagsOption: INodeProperties = {
	displayName: 'Tags',
	name: 'tags',
	type: 'string',
	default: '',
	description:
		'Comma-separated names of existing PostSider tags (unknown names are ignored by PostSider)',
};

/** Files already in PostSider, attached after the binary media (the same name as in PostFast). */
const earlierMediaOption: INodeProperties = {
	displayName: 'Media From Earlier Uploads',
	name: 'media',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	default: {},
	description: 'Media already in PostSider (from Media → Upload), attached after the binary media',
	options: [
		{
			displayName: 'Media',
			name: 'values',
			values: [
				{ displayName: 'ID', name: 'id', type: 'string', default: '' },
				{
					displayName: 'Path',
					name: 'path',
					type: 'string',
					default: '',
					description: 'The "path" URL Media → Upload returned',
				},
			],
		},
	],
};

/** The Options collection; version 1 also holds the post's First Comment, Tags and earlier media there. */
function optionsProperty(withPostFields: boolean): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Draft Date',
				name: 'draftDate',
				type: 'dateTime',
				default: '',
				description: 'Date stored with a draft (PostSider requires one); default: now',
			},
			...(withPostFields ? [firstCommentOption] : []),
			{
				displayName: 'Idempotency Key',
				name: 'idempotencyKey',
				type: 'string',
				default: '',
				description:
					'Leave empty to derive the key from the post itself (channels, text, media bytes, settings), so running the same post again returns the first result instead of posting twice. Set your own to control it (A-Z, a-z, 0-9, . _ : -).',
			},
			{
				displayName: 'Look Up Existing Posts',
				name: 'lookUpExisting',
				type: 'boolean',
				default: true,
				description:
					'Whether to look for the post on PostSider before uploading and creating it, and return one from an earlier run as "alreadyCreated" without uploading its files again: with a set date, the post on the channel at that date with the same text; for Now and drafts without a date, a post of the last 30 days on the channel with the same texts and files. Turn off to post the same text at the same time on purpose.',
			},
			maxRateLimitWaitOption,
			...(withPostFields ? [earlierMediaOption] : []),
			{
				displayName: 'Settings JSON',
				name: 'settingsJson',
				type: 'json',
				default: '{}',
				description:
					'Extra settings merged over the fields above, keyed by provider identifier or channel ID, e.g. {"x": {"community": "https://x.com/i/communities/1"}, "cm4ean…": {"title": "…"}}',
			},
			{
				displayName: 'Shorten Links',
				name: 'shortLink',
				type: 'boolean',
				default: false,
				description:
					'Whether PostSider should shorten URLs in the text (when a shortener is configured)',
			},
			...(withPostFields ? [tagsOption] : []),
		],
	};
}

const properties: INodeProperties[] = [
	{
		displayName: 'Channel Names or IDs',
		name: 'channelIds',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getChannels' },
		default: [],
		required: true,
		description:
			'Channels to post to, each getting its own copy of the post. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Post As',
		name: 'postType',
		type: 'options',
		options: [
			{ name: 'Draft', value: 'draft', description: 'Save in PostSider without publishing' },
			{ name: 'Scheduled', value: 'schedule', description: 'Publish at the scheduled time' },
			{ name: 'Now', value: 'now', description: 'Publish right away' },
		],
		default: 'draft',
	},
	{
		displayName: 'Scheduled At',
		name: 'scheduledAt',
		type: 'dateTime',
		default: '',
		required: true,
		displayOptions: { show: { postType: ['schedule'] } },
		description:
			"When to publish (in the future). A time without an offset is read in the workflow's timezone; PostSider receives UTC.",
	},
	{
		displayName: 'Content',
		name: 'content',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		description: 'Text of the main post (may be empty when media is attached)',
	},
	{
		displayName: 'Binary Properties',
		name: 'binaryProperties',
		type: 'string',
		default: '',
		placeholder: 'e.g. data, photo_2',
		description:
			'Comma-separated binary properties of the input item to upload and attach, in order',
	},
	{
		displayName: 'Thread',
		name: 'thread',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		default: {},
		placeholder: 'Add Thread Item',
		description:
			'Follow-up items published as replies under the main post (a thread on X, comments elsewhere)',
		options: [
			{
				displayName: 'Item',
				name: 'items',
				values: [
					{
						displayName: 'Content',
						name: 'content',
						type: 'string',
						typeOptions: { rows: 2 },
						default: '',
					},
					{
						displayName: 'Binary Properties',
						name: 'binaryProperties',
						type: 'string',
						default: '',
						description: 'Comma-separated binary properties to upload and attach to this item',
					},
				],
			},
		],
	},
	...providerSettingsProperties,
	// Version 1 keeps First Comment, Tags and earlier media in Options; from version 2 they are post
	// fields, under Additional Fields as in PostFast.
	inVersion1(optionsProperty(true)),
	fromVersion2({
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [firstCommentOption, earlierMediaOption, tagsOption],
	}),
	fromVersion2(optionsProperty(false)),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['post'], operation: ['create'] } },
	properties,
);
