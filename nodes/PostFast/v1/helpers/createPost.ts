/**
 * Social Post → Create, the post itself: an item's parameters read into a post (with the
 * fingerprint that identifies it within an execution), its media once uploaded, and the request
 * body and node output of posts. The controls' parameter names come from the operation, so this
 * file knows no panel code.
 */
import { createHash } from 'crypto';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { toUtcIso } from '../../../shared/dates';
import { binaryPropertyNames, readBinaryMedia, type PendingUpload } from './media';
import { getUuidParameter, toList } from './utils';

export interface MediaItem extends IDataObject {
	key: string;
	type: 'IMAGE' | 'VIDEO';
	sortOrder: number;
}

export interface DraftPost {
	itemIndex: number;
	socialMediaId: string;
	content: string;
	status: 'SCHEDULED' | 'DRAFT';
	approvalStatus: string;
	scheduledAt?: string;
	firstComment?: string;
	/** Files to upload, in order, before the earlier-uploaded media. */
	uploads: PendingUpload[];
	uploadedMedia: Array<Omit<MediaItem, 'sortOrder'>>;
	videoCoverTimestamp?: string;
	/** Non-empty controls by platform collection parameter. */
	controlsByParameter: Record<string, IDataObject>;
	/** Identity of the post within this execution (for no-resend on node retry). */
	fingerprint: string;
}

export interface ReadyPost extends DraftPost {
	platform?: string;
	controls: IDataObject;
	mediaItems: MediaItem[];
}

function parseMediaJson(
	this: IExecuteFunctions,
	raw: unknown,
	itemIndex: number,
): Array<Omit<MediaItem, 'sortOrder'>> {
	let value = raw;
	if (typeof raw === 'string') {
		if (raw.trim() === '') return [];
		try {
			value = JSON.parse(raw);
		} catch {
			throw new NodeOperationError(
				this.getNode(),
				'"Media From Earlier Uploads (JSON)" is not valid JSON',
				{
					itemIndex,
					description: 'Give an array such as [{"key":"image/….png","type":"IMAGE"}].',
				},
			);
		}
	}
	if (!Array.isArray(value)) {
		throw new NodeOperationError(
			this.getNode(),
			'"Media From Earlier Uploads (JSON)" must be an array',
			{
				itemIndex,
			},
		);
	}
	return value.map((entry: IDataObject, n) => {
		const key = String(entry?.key ?? '');
		const type = String(entry?.type ?? '').toUpperCase();
		if (!key || (type !== 'IMAGE' && type !== 'VIDEO')) {
			throw new NodeOperationError(
				this.getNode(),
				`"Media From Earlier Uploads (JSON)" entry ${n} needs a key and a type of IMAGE or VIDEO`,
				{
					itemIndex,
					description:
						'Documents and captions are not media items: put their keys in LinkedIn Controls → Document Key or YouTube Controls → Caption File Key.',
				},
			);
		}
		return {
			key,
			type: type as 'IMAGE' | 'VIDEO',
			...(entry.coverImageKey ? { coverImageKey: String(entry.coverImageKey) } : {}),
			...(entry.coverTimestamp ? { coverTimestamp: String(entry.coverTimestamp) } : {}),
		};
	});
}

function controlsOf(collection: IDataObject, listControls: ReadonlySet<string>): IDataObject {
	const controls: IDataObject = {};
	for (const [name, value] of Object.entries(collection)) {
		if (value === '' || value === undefined || value === null) continue;
		if (listControls.has(name)) {
			const list = toList(value);
			if (list.length > 0) controls[name] = list;
		} else {
			controls[name] = value;
		}
	}
	return controls;
}

/**
 * Item `i` read into a post. `controlParameters` are the node parameters holding each platform's
 * controls (the panel's names, given by the operation); `listControls` the controls that are
 * comma-separated lists.
 */
export async function readPost(
	this: IExecuteFunctions,
	i: number,
	controlParameters: readonly string[],
	listControls: ReadonlySet<string>,
): Promise<DraftPost> {
	const socialMediaId = getUuidParameter.call(this, 'account', i, 'Account');
	const content = String(this.getNodeParameter('content', i, '') ?? '');
	const status = this.getNodeParameter('status', i) as 'SCHEDULED' | 'DRAFT';
	const scheduledAt =
		status === 'SCHEDULED'
			? toUtcIso.call(this, this.getNodeParameter('scheduledAt', i), 'Scheduled At', i)
			: undefined;
	const fields = this.getNodeParameter('additionalFields', i, {}) as IDataObject;
	const binaryProperties = binaryPropertyNames(this.getNodeParameter('binaryProperties', i, ''));
	const uploads = await readBinaryMedia.call(this, i, binaryProperties);
	for (const upload of uploads) {
		if (!upload.contentType.startsWith('image/') && !upload.contentType.startsWith('video/')) {
			throw new NodeOperationError(
				this.getNode(),
				`Binary property "${upload.property}" holds a ${upload.contentType} file, not an image or video`,
				{
					itemIndex: i,
					description:
						'Posts carry images and videos. Upload documents or captions with File → Upload and put the key in LinkedIn Controls → Document Key or YouTube Controls → Caption File Key.',
				},
			);
		}
	}
	const fixed = ((fields.uploadedMedia as IDataObject | undefined)?.media ?? []) as IDataObject[];
	const uploadedMedia = [
		...parseMediaJson.call(
			this,
			fixed.map((m) => ({
				...m,
				coverTimestamp: m.coverTimestamp ? String(m.coverTimestamp) : '',
			})),
			i,
		),
		...parseMediaJson.call(this, fields.mediaItemsJson ?? '[]', i),
	];
	const controlsByParameter: Record<string, IDataObject> = {};
	for (const parameter of controlParameters) {
		const controls = controlsOf(
			this.getNodeParameter(parameter, i, {}) as IDataObject,
			listControls,
		);
		if (Object.keys(controls).length > 0) controlsByParameter[parameter] = controls;
	}
	const draft: Omit<DraftPost, 'fingerprint'> = {
		itemIndex: i,
		socialMediaId,
		content,
		status,
		approvalStatus: String(fields.approvalStatus || 'APPROVED'),
		...(scheduledAt ? { scheduledAt } : {}),
		...(fields.firstComment ? { firstComment: String(fields.firstComment) } : {}),
		uploads,
		uploadedMedia,
		...(fields.videoCoverTimestamp
			? { videoCoverTimestamp: String(fields.videoCoverTimestamp) }
			: {}),
		controlsByParameter,
	};
	const identity = {
		...draft,
		uploads: uploads.map((u) => [u.property, u.contentType, u.sha256]),
	};
	return {
		...draft,
		fingerprint: createHash('sha256').update(JSON.stringify(identity)).digest('hex'),
	};
}

export function requestBody(posts: ReadyPost[]): IDataObject {
	const [first] = posts;
	return {
		posts: posts.map((post) => ({
			content: post.content,
			socialMediaId: post.socialMediaId,
			...(post.scheduledAt ? { scheduledAt: post.scheduledAt } : {}),
			...(post.mediaItems.length ? { mediaItems: post.mediaItems } : {}),
			...(post.firstComment ? { firstComment: post.firstComment } : {}),
		})),
		status: first.status,
		approvalStatus: first.approvalStatus,
		...(Object.keys(first.controls).length ? { controls: first.controls } : {}),
	};
}

export function outputOf(post: ReadyPost, postId: string): IDataObject {
	return {
		status: 'created',
		postId,
		socialMediaId: post.socialMediaId,
		...(post.platform ? { platform: post.platform } : {}),
		postStatus: post.status,
		approvalStatus: post.approvalStatus,
		scheduledAt: post.scheduledAt ?? null,
		content: post.content,
		mediaItems: post.mediaItems,
		...(post.firstComment ? { firstComment: post.firstComment } : {}),
		...(Object.keys(post.controls).length ? { controls: post.controls } : {}),
	};
}

/** Sets each post's `mediaItems`: its binaries' uploaded keys in order, then its earlier-uploaded media. */
export function attachMedia(
	posts: ReadyPost[],
	uploadedKeys: Map<PendingUpload, { key: string; type: 'IMAGE' | 'VIDEO' | 'FILE' }>,
): void {
	for (const post of posts) {
		const fromBinary = post.uploads.map((upload): Omit<MediaItem, 'sortOrder'> => {
			const { key, type } = uploadedKeys.get(upload)!;
			return {
				key,
				type: type as 'IMAGE' | 'VIDEO',
				...(type === 'VIDEO' && post.videoCoverTimestamp
					? { coverTimestamp: post.videoCoverTimestamp }
					: {}),
			};
		});
		post.mediaItems = [...fromBinary, ...post.uploadedMedia].map(
			(m, sortOrder): MediaItem => ({ ...m, sortOrder }) as MediaItem,
		);
	}
}
