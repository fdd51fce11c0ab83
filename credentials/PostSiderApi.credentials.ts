import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';
import { keyedRequest, type KeyedService } from '../nodes/shared/keyedRequest';

const POSTSIDER_KEY: KeyedService = {
	service: 'PostSider',
	example: 'https://api.postsider.com or https://<your-domain>/api',
	header: (credentials) => ({ Authorization: String(credentials.apiKey ?? '') }),
};

/**
 * PostSider API key. PostSider wants the raw key in `Authorization` (a `Bearer ` prefix is a 401,
 * docs/postsider-api.md, Authentication). The base URL is an origin: `https://api.postsider.com` for the cloud, or
 * a self-hosted `https://host/api`; `/public/v1` is appended. Every request with the key (the Test
 * request too) checks the base URL first — https, or plain http only to localhost — and never
 * follows a redirect.
 */
export class PostSiderApi implements ICredentialType {
	name = 'postSiderApi';

	displayName = 'PostSider API';

	icon: Icon = {
		light: 'file:../nodes/PostSider/postsider.svg',
		dark: 'file:../nodes/PostSider/postsider.dark.svg',
	};

	documentationUrl = 'https://github.com/postspool/postspool/blob/main/README.md#postsider-node';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The key from PostSider Settings → API (sent as is, without "Bearer")',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.postsider.com',
			required: true,
			placeholder: 'https://api.postsider.com',
			description:
				'PostSider cloud: https://api.postsider.com. Self-hosted: your domain with /api, e.g. https://social.example.com/api. "/public/v1" is added for you. Plain http is only accepted for localhost.',
		},
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return keyedRequest(POSTSIDER_KEY, credentials, requestOptions);
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{$credentials.baseUrl.trim().replace(/\\/+$/, "").replace(/\\/public\\/v1$/, "") + "/public/v1"}}',
			url: '/is-connected',
			disableFollowRedirect: true,
		},
	};
}
