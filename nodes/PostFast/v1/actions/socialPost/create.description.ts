/** Panel of Social Post → Create: account, content, status and time, media, controls and options. */
import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { fromVersion2, inVersion1 } from '../../../../shared/versions';
import { accountLocator, imagesPerRequestOption, optionsCollection } from '../common.descriptions';
import { controlsProperties } from './controls.description';

function postAsProperty(byDefault: 'DRAFT' | 'SCHEDULED'): INodeProperties {
	return {
		displayName: 'Post As',
		name: 'status',
		type: 'options',
		options: [
			{ name: 'Draft', value: 'DRAFT', description: 'Save in PostFast without publishing' },
			{ name: 'Scheduled', value: 'SCHEDULED', description: 'Publish at the scheduled time' },
		],
		default: byDefault,
	};
}

const properties: INodeProperties[] = [
	accountLocator({ description: 'The account to post to' }),
	{
		displayName: 'Content',
		name: 'content',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		description: 'Text of the post (may be empty, e.g. for a repost)',
	},
	// Version 1 defaulted to Scheduled; from version 2 both nodes default to Draft.
	inVersion1(postAsProperty('SCHEDULED')),
	fromVersion2(postAsProperty('DRAFT')),
	{
		displayName: 'Scheduled At',
		name: 'scheduledAt',
		type: 'dateTime',
		required: true,
		default: '',
		description:
			"When to publish (in the future, within a year). A time without an offset is read in the workflow's timezone; PostFast receives UTC.",
		displayOptions: { show: { status: ['SCHEDULED'] } },
	},
	{
		displayName: 'Binary Properties',
		name: 'binaryProperties',
		type: 'string',
		default: '',
		placeholder: 'e.g. data, photo_2',
		description:
			"Images or videos to upload from this item's binary properties, comma-separated, in carousel order. Leave empty for a text post.",
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'Approval Status',
				name: 'approvalStatus',
				type: 'options',
				options: [
					{ name: 'Approved', value: 'APPROVED' },
					{ name: 'Pending Approval', value: 'PENDING_APPROVAL' },
				],
				default: 'APPROVED',
			},
			{
				displayName: 'First Comment',
				name: 'firstComment',
				type: 'string',
				typeOptions: { rows: 2 },
				default: '',
				description:
					'Comment posted right after publishing (X, Instagram, Facebook, YouTube, Threads, TikTok)',
			},
			{
				displayName: 'Media From Earlier Uploads',
				name: 'uploadedMedia',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
				description:
					"Media uploaded earlier (File → Upload), placed after the binary properties' media",
				options: [
					{
						displayName: 'Media',
						name: 'media',
						values: [
							{
								displayName: 'Key',
								name: 'key',
								type: 'string',
								default: '',
								description: 'Media key, e.g. image/0b6f….png',
							},
							{
								displayName: 'Type',
								name: 'type',
								type: 'options',
								options: [
									{ name: 'Image', value: 'IMAGE' },
									{ name: 'Video', value: 'VIDEO' },
								],
								default: 'IMAGE',
							},
							{
								displayName: 'Cover Image Key',
								name: 'coverImageKey',
								type: 'string',
								default: '',
								description: 'For a video: key of an uploaded image to use as its cover',
							},
							{
								displayName: 'Cover Timestamp (Ms)',
								name: 'coverTimestamp',
								type: 'number',
								typeOptions: { minValue: 0 },
								default: 0,
								description:
									'For a video: milliseconds into the video for the cover frame (0 = not set)',
							},
						],
					},
				],
			},
			{
				displayName: 'Media From Earlier Uploads (JSON)',
				name: 'mediaItemsJson',
				type: 'json',
				default: '[]',
				description:
					'Media uploaded earlier as a JSON array of {key, type}, e.g. the "mediaItems" output of File → Upload',
			},
			{
				displayName: 'Video Cover Timestamp (Ms)',
				name: 'videoCoverTimestamp',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description:
					'For videos from binary properties: milliseconds into the video for the cover frame (0 = not set)',
			},
		],
	},
	...controlsProperties,
	optionsCollection([
		imagesPerRequestOption,
		{
			displayName: 'Look Up Existing Posts',
			name: 'lookUpExisting',
			type: 'boolean',
			default: true,
			description:
				'Whether to look for each post on PostFast before creating it, and return a post with the same account, time and text (from an earlier run of this workflow) as "alreadyCreated" instead of posting it twice. PostFast has no idempotency key; turn this off only to post the same text at the same time on purpose.',
		},
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['socialPost'], operation: ['create'] } },
	properties,
);
