/**
 * What both credentials do to every request that carries their API key — the nodes' own calls, the
 * credential's Test request and an HTTP Request node using the credential alike: the base URL must
 * pass the project's base-URL rule (contract/base-url.ts) before the key is attached, and redirects
 * are never followed (a redirect would take the key to another place or over plain http).
 */
import {
	UserError,
	type ICredentialDataDecryptedObject,
	type IHttpRequestOptions,
} from 'n8n-workflow';
import { checkApiBaseUrl } from '../../contract/base-url';

export interface KeyedService {
	/** "PostFast" */
	service: string;
	/** A correct base URL, for the message. */
	example: string;
	/** The header that carries the key, with its value. */
	header: (credentials: ICredentialDataDecryptedObject) => Record<string, string>;
}

export function keyedRequest(
	keyed: KeyedService,
	credentials: ICredentialDataDecryptedObject,
	requestOptions: IHttpRequestOptions,
): IHttpRequestOptions {
	const checked = checkApiBaseUrl(credentials.baseUrl, {
		service: keyed.service,
		example: keyed.example,
		where: `the ${keyed.service} credential`,
	});
	if ('error' in checked) throw new UserError(checked.error);
	return {
		...requestOptions,
		disableFollowRedirect: true,
		headers: { ...(requestOptions.headers ?? {}), ...keyed.header(credentials) },
	};
}
