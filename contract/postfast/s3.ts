/** The S3 leg (docs/postfast-api.md, The S3 upload): facts a client needs to PUT to a signed URL without leaking secrets. */

/** The region PostFast's bucket lives in (SigV4 only). */
export const S3_REGION = 'eu-central-1';
/** Query parameters of a SigV4 signed URL that must never be logged. */
export const SIGNED_URL_SECRET_PARAMS = [
	'X-Amz-Signature',
	'X-Amz-Credential',
	'X-Amz-Security-Token',
];

/** The signed URL with its secret query parameters masked, for logs and error messages. */
export function redactSignedUrl(url: string): string {
	return url.replace(
		/([?&](?:X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token)=)[^&]*/gi,
		'$1***',
	);
}
