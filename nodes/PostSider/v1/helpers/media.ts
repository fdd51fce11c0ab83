/** Uploading n8n binary data to PostSider (`POST /upload`, multipart field `file`). */
import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import {
	hasPostableExtension,
	postsiderPath,
	POSTABLE_EXTENSIONS,
	precheckUpload,
	UPLOAD_MESSAGES,
} from '../../../../contract/postsider';
import { multipartFileBody, readBinaryFile, type BinaryFile } from '../../../shared/binary';
import type { RateLimitPolicy } from '../../../shared/transport';
import { postSiderRequest } from '../transport';

export { hasPostableExtension };

export interface MediaRef {
	id: string;
	path: string;
}

/** A binary property to upload: streamed from n8n's binary store, never held whole in memory. */
export interface BinaryMedia extends BinaryFile {
	fileName: string;
	mimeType: string;
}

export function splitNames(value: unknown): string[] {
	if (Array.isArray(value))
		return value
			.map(String)
			.map((v) => v.trim())
			.filter(Boolean);
	return typeof value === 'string'
		? value
				.split(',')
				.map((v) => v.trim())
				.filter(Boolean)
		: [];
}

/** Reads binary properties of item `i` through n8n's helpers (never the raw `data` field). */
export async function readBinaries(
	this: IExecuteFunctions,
	i: number,
	properties: string[],
): Promise<BinaryMedia[]> {
	const out: BinaryMedia[] = [];
	for (const property of properties) {
		const file = await readBinaryFile.call(this, i, property);
		out.push({
			...file,
			fileName: file.fileName ?? property,
			mimeType: file.mimeType ?? 'application/octet-stream',
		});
	}
	return out;
}

function precheckAdvice(message: string): string {
	if (message === UPLOAD_MESSAGES.dangerous) {
		return 'PostSider scans the first 4 KB for text such as "<%" or "<script"; compressed media sometimes contains those bytes by chance. Re-encode or re-export the file and run again.';
	}
	if (message === UPLOAD_MESSAGES.unsupported) {
		return 'Send a JPEG, PNG, GIF, WebP or MP4 file (PostSider decides the type from the file content, not its name).';
	}
	return 'Send a smaller file (PostSider allows 10 MB per image, 500 MB per video, 50 MB per audio file).';
}

export function extensionOf(path: string): string {
	const clean = path.split('?')[0];
	const dot = clean.lastIndexOf('.');
	return dot >= 0 ? clean.slice(dot + 1) : '';
}

/** Uploads one file; returns PostSider's media object. */
export async function uploadBinary(
	this: IExecuteFunctions,
	i: number,
	media: BinaryMedia,
	rateLimit?: RateLimitPolicy,
): Promise<IDataObject> {
	// PostSider sniffs the bytes (file-type 16) and refuses some files; say so before spending an
	// upload. The 64 KiB head holds everything file-type 16 reads for the formats posts can use.
	const check = precheckUpload(media.head, media.size);
	if (!check.ok) {
		throw new NodeOperationError(
			this.getNode(),
			`PostSider would refuse binary property "${media.property}" (${media.fileName}): ${check.message}`,
			{ itemIndex: i, description: precheckAdvice(check.message) },
		);
	}
	const response = await postSiderRequest.call(this, {
		method: 'POST',
		path: postsiderPath('upload'),
		upload: multipartFileBody('file', media),
		itemIndex: i,
		rateLimit,
	});
	return response.body as IDataObject;
}

/** Uploads for a post: fails early when PostSider stored a type that posts cannot reference. */
export async function uploadForPost(
	this: IExecuteFunctions,
	i: number,
	media: BinaryMedia,
	rateLimit?: RateLimitPolicy,
): Promise<MediaRef> {
	const stored = await uploadBinary.call(this, i, media, rateLimit);
	const path = String(stored.path ?? '');
	const extension = extensionOf(path);
	if (!hasPostableExtension(path)) {
		throw new NodeOperationError(
			this.getNode(),
			`PostSider stored binary property "${media.property}" (${media.fileName}) as .${extension || '?'}, which posts cannot use`,
			{
				itemIndex: i,
				description: `Posts accept only ${POSTABLE_EXTENSIONS.join(', ')} media. Convert the file (e.g. video to MP4, image to PNG or JPEG) and run again.`,
			},
		);
	}
	return { id: String(stored.id), path };
}
