import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

/**
 * PostSider API key. PostSider wants the raw key in `Authorization` (a `Bearer ` prefix is a 401,
 * postsider-api.md §2.2). The base URL is an origin: `https://api.postsider.com` for the cloud, or
 * a self-hosted `https://host/api`; `/public/v1` is appended. The node itself refuses plain http
 * (except loopback) and redirects before any request carries the key (nodes/PostSider/v1/transport).
 */
export class PostSiderApi implements ICredentialType {
	name = 'postSiderApi';

	displayName = 'PostSider API';

	icon: Icon = {
		light: 'file:../nodes/PostSider/postsider.svg',
		dark: 'file:../nodes/PostSider/postsider.dark.svg',
	};

	documentationUrl =
		'https://github.com/postspool/postspool/blob/main/README.md#postsider-node';

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

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: { Authorization: '={{$credentials.apiKey}}' },
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{$credentials.baseUrl.trim().replace(/\\/+$/, "").replace(/\\/public\\/v1$/, "") + "/public/v1"}}',
			url: '/is-connected',
			disableFollowRedirect: true,
		},
	};
}
