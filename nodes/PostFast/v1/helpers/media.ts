/**
 * Media from n8n binary data to PostFast keys: pick the exact MIME type, ask for signed URLs in as
 * few requests as the per-request count allows (images share a request; video, documents and
 * captions take one each), then PUT each file to S3 without the API key (transport/s3.ts).
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { readBinaryFile, type BinaryFile } from '../../../shared/binary';
import type { RateLimitPolicy } from '../../../shared/transport';
import { postFastApiRequest } from '../transport';
import { putToSignedUrl } from '../transport/s3';
import {
	ACCEPTED_CONTENT_TYPES,
	MAX_IMAGE_URLS_PER_REQUEST,
	UPLOAD_URLS_PATH,
	mediaTypeOf,
	type SignedUpload,
} from './api';

/** A file to upload: streamed from n8n's binary store, never held whole in memory. */
export interface PendingUpload extends BinaryFile {
	itemIndex: number;
	contentType: string;
}

export interface UploadedMedia {
	key: string;
	/** `IMAGE` / `VIDEO` for `mediaItems`; `FILE` for documents and captions (controls keys). */
	type: 'IMAGE' | 'VIDEO' | 'FILE';
	contentType: string;
	binaryProperty: string;
	fileName?: string;
	size: number;
	etag?: string;
}

/** Extension → MIME for binaries that arrive without a usable type. */
const BY_EXTENSION: Record<string, string> = {
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	png: 'image/png',
	gif: 'image/gif',
	webp: 'image/webp',
	mp4: 'video/mp4',
	webm: 'video/webm',
	mov: 'video/quicktime',
	pdf: 'application/pdf',
	doc: 'application/msword',
	docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
	ppt: 'application/vnd.ms-powerpoint',
	pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
	srt: 'application/x-subrip',
	vtt: 'text/vtt',
};

/** PostFast refuses `image/jpg`; n8n and browsers sometimes produce it. */
const ALIASES: Record<string, string> = { 'image/jpg': 'image/jpeg', 'image/pjpeg': 'image/jpeg' };

export function contentTypeOf(
	mimeType: string | undefined,
	fileName: string | undefined,
): string | undefined {
	const declared = (mimeType ?? '').split(';')[0].trim().toLowerCase();
	const normalised = ALIASES[declared] ?? declared;
	if (normalised && normalised !== 'application/octet-stream') return normalised;
	const extension = fileName?.split('.').pop()?.toLowerCase();
	return extension ? BY_EXTENSION[extension] : undefined;
}

/** Splits "data, photo_1" into property names. */
export function binaryPropertyNames(value: unknown): string[] {
	return String(value ?? '')
		.split(',')
		.map((name) => name.trim())
		.filter((name) => name !== '');
}

/** Reads the named binary properties of one item, checking each is a type PostFast accepts. */
export async function readBinaryMedia(
	this: IExecuteFunctions,
	itemIndex: number,
	properties: string[],
): Promise<PendingUpload[]> {
	const uploads: PendingUpload[] = [];
	for (const property of properties) {
		const items = this.getInputData();
		if (!items[itemIndex]?.binary?.[property]) {
			const available = Object.keys(items[itemIndex]?.binary ?? {});
			throw new NodeOperationError(
				this.getNode(),
				`Item ${itemIndex} has no binary property "${property}"`,
				{
					itemIndex,
					description: available.length
						? `Its binary properties are: ${available.join(', ')}. Put one of these names in "Binary Properties".`
						: 'The item carries no binary data. Add a node that reads or downloads the file before this one, or clear "Binary Properties".',
				},
			);
		}
		const binary = this.helpers.assertBinaryData(itemIndex, property);
		const contentType = contentTypeOf(binary.mimeType, binary.fileName);
		const label = `binary property "${property}"${binary.fileName ? ` (${binary.fileName})` : ''}`;
		if (!contentType || !ACCEPTED_CONTENT_TYPES.includes(contentType)) {
			throw new NodeOperationError(
				this.getNode(),
				`PostFast does not accept the file type of ${label}: ${binary.mimeType || 'unknown'}`,
				{
					itemIndex,
					description: `Accepted types: ${ACCEPTED_CONTENT_TYPES.join(', ')}. Convert the file, or set its MIME type correctly in the node that produced it.`,
				},
			);
		}
		const file = await readBinaryFile.call(this, itemIndex, property);
		if (file.size === 0) {
			throw new NodeOperationError(this.getNode(), `The file in ${label} is empty (0 bytes)`, {
				itemIndex,
				description:
					'Check the node that produced the file; PostFast cannot publish an empty file.',
			});
		}
		uploads.push({ ...file, itemIndex, contentType });
	}
	return uploads;
}

/**
 * Uploads every pending file; the result for each is the uploaded media or the error that stopped
 * it, so one bad file fails only its own item.
 */
export async function uploadAll(
	this: IExecuteFunctions,
	uploads: PendingUpload[],
	rateLimit?: RateLimitPolicy,
	imagesPerRequest = MAX_IMAGE_URLS_PER_REQUEST,
): Promise<Array<UploadedMedia | Error>> {
	const results: Array<UploadedMedia | Error> = new Array<UploadedMedia | Error>(uploads.length);
	// Requests for signed URLs: images of one type together (up to the per-request count), others alone.
	const batches: number[][] = [];
	const open = new Map<string, number[]>();
	uploads.forEach((upload, index) => {
		if (mediaTypeOf(upload.contentType) !== 'IMAGE') {
			batches.push([index]);
			return;
		}
		let batch = open.get(upload.contentType);
		if (!batch || batch.length >= imagesPerRequest) {
			batch = [];
			batches.push(batch);
			open.set(upload.contentType, batch);
		}
		batch.push(index);
	});

	for (const batch of batches) {
		const first = uploads[batch[0]];
		let urls: SignedUpload[];
		try {
			urls = (await postFastApiRequest.call(this, 'POST', UPLOAD_URLS_PATH, {
				body: { contentType: first.contentType, count: batch.length } as IDataObject,
				itemIndex: first.itemIndex,
				...(rateLimit ? { rateLimit } : {}),
			})) as SignedUpload[];
			if (!Array.isArray(urls) || urls.length !== batch.length) {
				throw new NodeOperationError(
					this.getNode(),
					`PostFast returned ${Array.isArray(urls) ? urls.length : 'no'} upload URLs for ${batch.length} files`,
					{ itemIndex: first.itemIndex },
				);
			}
		} catch (error) {
			for (const index of batch) results[index] = error as Error;
			continue;
		}
		for (let n = 0; n < batch.length; n++) {
			const upload = uploads[batch[n]];
			try {
				const etag = await putToSignedUrl.call(this, {
					signedUrl: urls[n].signedUrl,
					contentType: upload.contentType,
					size: upload.size,
					open: upload.open,
					label: `binary property "${upload.property}"${upload.fileName ? ` (${upload.fileName})` : ''} of item ${upload.itemIndex}`,
					itemIndex: upload.itemIndex,
				});
				results[batch[n]] = {
					key: urls[n].key,
					type: mediaTypeOf(upload.contentType),
					contentType: upload.contentType,
					binaryProperty: upload.property,
					...(upload.fileName ? { fileName: upload.fileName } : {}),
					size: upload.size,
					...(etag ? { etag } : {}),
				};
			} catch (error) {
				results[batch[n]] = error as Error;
			}
		}
	}
	return results;
}
