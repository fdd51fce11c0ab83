import type { AllEntities } from 'n8n-workflow';

/** Every resource of the PostSider node with its operations: the router must handle each pair. */
export type PostSiderMap = {
	analytics: 'channel' | 'post';
	approval: 'getStatus' | 'request';
	channel: 'connect' | 'disconnect' | 'findSlot' | 'getMany' | 'getSettings' | 'runTool';
	group: 'getMany';
	media: 'importFromUrl' | 'upload';
	notification: 'getMany';
	post:
		| 'changeStatus'
		| 'create'
		| 'delete'
		| 'deleteGroup'
		| 'get'
		| 'getMany'
		| 'missing'
		| 'setReleaseId';
};

export type PostSiderType = AllEntities<PostSiderMap>;
