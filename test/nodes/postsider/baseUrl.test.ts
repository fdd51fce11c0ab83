// The credential's base URL rules (docs/postsider-api.md, Base URL and routing) and output redaction, as tables.
import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../../nodes/shared/redact';
import { resolveBaseUrl } from '../../../nodes/PostSider/v1/transport';
import { settingsFor } from '../../../nodes/PostSider/v1/helpers/providerSettings';
import { providerSettingsProperties } from '../../../nodes/PostSider/v1/actions/post/providerSettings.description';

describe('PostSider base URL', () => {
	it.each([
		['https://api.postsider.com', 'https://api.postsider.com/public/v1'],
		['https://api.postsider.com/', 'https://api.postsider.com/public/v1'],
		['  https://social.example.com/api  ', 'https://social.example.com/api/public/v1'],
		['https://social.example.com/api/public/v1/', 'https://social.example.com/api/public/v1'],
		['http://localhost:3000/api', 'http://localhost:3000/api/public/v1'],
		['http://127.0.0.1:4000', 'http://127.0.0.1:4000/public/v1'],
		['http://[::1]:4000', 'http://[::1]:4000/public/v1'],
	])('%s → %s', (input, expected) => {
		expect(resolveBaseUrl(input)).toEqual({ url: expected });
	});

	it.each([
		['', /has no PostSider base URL/],
		['api.postsider.com', /is not a URL/],
		['ftp://api.postsider.com', /must start with https/],
		['http://social.example.com/api', /plain http/],
		['http://10.0.0.5/api', /plain http/],
		['https://user:pw@social.example.com/api', /user name or password/],
		['https://social.example.com/api?x=1', /query or fragment/],
	])('refuses %s', (input, message) => {
		const result = resolveBaseUrl(input);
		expect('error' in result && result.error).toMatch(message);
	});
});

describe('secret redaction', () => {
	it('drops OAuth tokens at any depth and keeps everything else', () => {
		const input = {
			id: 'p1',
			posts: [
				{
					integration: {
						id: 'c1',
						token: 'tok-1',
						refreshToken: 'ref-1',
						access_token: 'a',
						name: 'Acme',
					},
				},
			],
			tokenExpiration: '2026-12-01',
		};
		expect(redactSecrets(input)).toEqual({
			id: 'p1',
			posts: [{ integration: { id: 'c1', name: 'Acme' } }],
		});
		expect(input.posts[0].integration.token).toBe('tok-1');
	});

	it('drops custom-instance details and any secret or password field', () => {
		const row = {
			id: 'c1',
			name: 'Own Mastodon',
			customInstanceDetails: '{"client_id":"id","client_secret":"s3cr3t"}',
			settings: { clientSecret: 'x', appPassword: 'y', tokenSecret: 'z', shareToken: 'public' },
		};
		expect(redactSecrets(row)).toEqual({
			id: 'c1',
			name: 'Own Mastodon',
			settings: { shareToken: 'public' },
		});
	});
});

describe('provider settings from the contract table', () => {
	it('fills the values PostSider requires and maps UI fields to the API shapes', () => {
		expect(settingsFor({ id: 'c', identifier: 'x' }, {}, {})).toEqual({
			who_can_reply_post: 'everyone',
		});
		expect(
			settingsFor({ id: 'c', identifier: 'tiktok' }, { tiktok_comment: false }, {}),
		).toMatchObject({
			privacy_level: 'PUBLIC_TO_EVERYONE',
			comment: false,
			content_posting_method: 'DIRECT_POST',
		});
		expect(
			settingsFor(
				{ id: 'c', identifier: 'instagram-standalone' },
				{ instagram_collaborators: 'a, b' },
				{},
			),
		).toEqual({
			post_type: 'post',
			collaborators: [{ label: 'a' }, { label: 'b' }],
		});
		expect(
			settingsFor(
				{ id: 'c', identifier: 'linkedin-page' },
				{ linkedin_post_as_images_carousel: true },
				{},
			),
		).toMatchObject({
			post_as_images_carousel: true,
		});
		expect(
			settingsFor({ id: 'c', identifier: 'youtube' }, { youtube_tags: 'one, two' }, {}),
		).toMatchObject({
			type: 'public',
			tags: [
				{ value: 'one', label: 'one' },
				{ value: 'two', label: 'two' },
			],
		});
	});

	it('the JSON escape hatch wins, channel id over provider', () => {
		const json = {
			x: { who_can_reply_post: 'following', community: 'c1' },
			ch1: { community: 'c2' },
		};
		expect(settingsFor({ id: 'ch1', identifier: 'x' }, {}, json)).toEqual({
			who_can_reply_post: 'following',
			community: 'c2',
		});
	});

	it('offers a form field for every non-media setting of the ten providers (version 1)', () => {
		const flat = providerSettingsProperties.find((p) => p.name === 'providerSettings')!;
		const names = (flat.options ?? []).map((o) => (o as { name: string }).name);
		expect(names).toEqual(
			expect.arrayContaining([
				'x_who_can_reply_post',
				'instagram_post_type',
				'tiktok_privacy_level',
				'youtube_title',
				'pinterest_board',
				'facebook_url',
			]),
		);
		expect(names).not.toContain('linkedinpage_carousel_name');
		expect(new Set(names).size).toBe(names.length);
	});
});
