/**
 * The upload leg: a PUT of the raw bytes to PostFast's pre-signed S3 URL. It is deliberately a plain
 * `httpRequest` with no n8n credential, in a function that never reads the credential, so the
 * `pf-api-key` can never reach S3 (docs/postfast-api.md, The S3 upload). The body is streamed from n8n's binary
 * store with an explicit Content-Length (without one it would go chunked and S3 answers 501), and
 * Content-Type is exactly the type the URL was requested for (a signed header: anything else is
 * 403 SignatureDoesNotMatch).
 */
import type { IExecuteFunctions, IN8nHttpFullResponse, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { parseApiError, type HeaderBag } from '../../../../contract/errors';
import { redactSignedUrl } from '../../../../contract/postfast';
import { closeBody, transferTimeoutMs, type FileBody } from '../../../shared/binary';

export interface S3Upload {
	signedUrl: string;
	contentType: string;
	size: number;
	/** The file from byte 0 (a fresh stream); called once per attempt. */
	open(): Promise<FileBody>;
	/** Shown in errors, e.g. `binary property "data" (photo.jpg)`. */
	label: string;
	itemIndex: number;
}

function s3Hint(code: string | undefined, status: number): string {
	switch (code) {
		case 'SignatureDoesNotMatch':
			return "S3 refused the upload signature: the Content-Type sent must equal the one the upload URL was requested for. Check the binary file's MIME type.";
		case 'AccessDenied':
			return 'The upload URL expired or was refused. Run the node again to request a fresh URL; upload right after requesting it.';
		case 'NotImplemented':
		case 'MissingContentLength':
			return 'S3 needs a body with a Content-Length. This is a defect in the node; please report it.';
		case 'EntityTooLarge':
			return 'The file is larger than S3 accepts in one upload (5 GiB). Use a smaller file.';
		default:
			return status >= 500
				? 'The storage service had an error. Try again later.'
				: 'The storage service refused the upload. Request a fresh upload URL and try again.';
	}
}

/**
 * PUTs the bytes; resolves with the ETag S3 returned. A PUT to a signed URL overwrites the same
 * object, so after no answer or a 5xx it is safe to send it once more.
 */
export async function putToSignedUrl(
	this: IExecuteFunctions,
	upload: S3Upload,
): Promise<string | undefined> {
	const first = await putOnce.call(this, upload);
	if (!(first instanceof NodeApiError)) return first;
	if (first.failure?.cause !== 'temporarily-unavailable') throw first;
	const second = await putOnce.call(this, upload);
	if (second instanceof NodeApiError) throw second;
	return second;
}

/** One PUT: the ETag, or the error that stopped it (returned, so the caller decides on a retry). */
async function putOnce(
	this: IExecuteFunctions,
	upload: S3Upload,
): Promise<string | undefined | NodeApiError> {
	let response: IN8nHttpFullResponse;
	const where = redactSignedUrl(upload.signedUrl);
	const body = await upload.open();
	try {
		response = (await this.helpers.httpRequest({
			method: 'PUT',
			url: upload.signedUrl,
			body: body as unknown as Buffer,
			headers: {
				'Content-Type': upload.contentType,
				'Content-Length': String(upload.size),
			},
			json: false,
			encoding: 'text',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
			timeout: transferTimeoutMs(upload.size),
		})) as IN8nHttpFullResponse;
	} catch (error) {
		const text = error instanceof Error ? error.message : String(error);
		return new NodeApiError(
			this.getNode(),
			{ message: text },
			{
				message: `Uploading ${upload.label} to ${where} failed: no response (${text})`,
				description:
					'The storage service did not answer. Check the network and run the node again.',
				itemIndex: upload.itemIndex,
				failure: { cause: 'temporarily-unavailable' },
			},
		);
	} finally {
		// S3 may answer (403, 400) before reading the whole body; close the file either way.
		closeBody(body);
	}
	if (response.statusCode >= 200 && response.statusCode < 300) {
		const etag = response.headers.etag;
		return typeof etag === 'string' ? etag : undefined;
	}
	const error = parseApiError(
		'postfast',
		response.statusCode,
		response.headers as HeaderBag,
		response.body,
	);
	return new NodeApiError(
		this.getNode(),
		{ status: error.status, code: error.code ?? null, message: error.message } as JsonObject,
		{
			message:
				`Uploading ${upload.label} to ${where} failed: ${response.statusCode} ${error.code ?? ''} ${error.message}`.replace(
					/\s+/g,
					' ',
				),
			description: s3Hint(error.code, response.statusCode),
			httpCode: String(response.statusCode),
			itemIndex: upload.itemIndex,
			...(response.statusCode >= 500
				? { failure: { cause: 'temporarily-unavailable' as const } }
				: {}),
		},
	);
}
