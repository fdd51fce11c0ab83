import type { INodeProperties } from 'n8n-workflow';
import * as connect from './connect.operation';
import * as disconnect from './disconnect.operation';
import * as findSlot from './findSlot.operation';
import * as getMany from './getMany.operation';
import * as getSettings from './getSettings.operation';
import * as runTool from './runTool.operation';

export { connect, disconnect, findSlot, getMany, getSettings, runTool };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['channel'] } },
		options: [
			{
				name: 'Disconnect',
				value: 'disconnect',
				action: 'Disconnect a channel',
				description: 'Remove a channel and its scheduled posts',
			},
			{
				name: 'Find Next Slot',
				value: 'findSlot',
				action: 'Find the next free slot of a channel',
				description: 'Next free posting time of a channel',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				action: 'Get many channels',
				description: 'List connected channels',
			},
			{
				name: 'Get Settings Schema',
				value: 'getSettings',
				action: 'Get the settings schema of a channel',
				description: 'Settings, rules and maximum length of a channel',
			},
			{
				name: 'Run Provider Tool',
				value: 'runTool',
				action: 'Run a provider tool of a channel',
				description: 'Run a provider tool, e.g. list Pinterest boards',
			},
			{
				name: 'Start Connect',
				value: 'connect',
				action: 'Start connecting a channel',
				description: 'Get the URL that connects a new channel',
			},
		],
		default: 'getMany',
	},
	...getMany.description,
	...connect.description,
	...disconnect.description,
	...findSlot.description,
	...getSettings.description,
	...runTool.description,
];
