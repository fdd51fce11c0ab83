/** Parameters several PostSider operations share. */
import type { INodeProperties } from 'n8n-workflow';
import { maxRateLimitWaitOption } from '../../../shared/options';

/** A searchable channel picker (disabled channels are marked), or an id. */
export const channelLocator: INodeProperties = {
	displayName: 'Channel',
	name: 'channel',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The connected channel (PostSider calls it an integration)',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchChannels', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'cm4ean69r0003w8w1cdomox9n',
		},
	],
};

export const postIdProperty: INodeProperties = {
	displayName: 'Post ID',
	name: 'postId',
	type: 'string',
	default: '',
	required: true,
	description: 'The ID of the post (the "postId" that Create returns)',
};

/** The options collection every operation offers. */
export const requestOptions: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [maxRateLimitWaitOption],
};

/** Analytics: how far back the metrics go. */
export const daysProperty: INodeProperties = {
	displayName: 'Days',
	name: 'days',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 7,
	description: 'How many days back',
};
