/**
 * Social Account and File operations, the account pickers, and the upload leg to the emulator's S3.
 */
import { describe, expect, it } from 'vitest';

import {
	accountOn,
	accounts,
	byId,
	listSearch,
	loadOptions,
	MP4,
	output,
	pf,
	PNG,
	requestsTo,
	runPostFast,
	useEmulator,
} from './setup';
import { keyFingerprint } from '../../../emulators/src/index';

useEmulator();

describe('Social Account', () => {
	it('gets the accounts, filtered by platform and connection status, with the key in pf-api-key', async () => {
		const all = await runPostFast(pf, {
			resource: 'socialAccount',
			operation: 'getMany',
			filters: {},
		});
		expect(
			output(all)
				.map((a) => a.id)
				.sort(),
		).toEqual(accounts.map((a) => a.id).sort());
		const [request] = requestsTo(pf, 'GET', '/social-media/my-social-accounts');
		expect(request.headers['pf-api-key']).toBe(keyFingerprint(pf.apiKey));
		expect(request.headers.authorization).toBeUndefined();

		const disabled = await runPostFast(pf, {
			resource: 'socialAccount',
			operation: 'getMany',
			filters: { connectionStatus: 'DISABLED' },
		});
		expect(output(disabled).length).toBeGreaterThan(0);
		expect(output(disabled).every((a) => a.connectionStatus === 'DISABLED')).toBe(true);

		const youtube = await runPostFast(pf, {
			resource: 'socialAccount',
			operation: 'getMany',
			filters: { platforms: ['YOUTUBE'] },
		});
		expect(output(youtube).every((a) => a.platform === 'YOUTUBE')).toBe(true);
	});

	it.each([
		['getPinterestBoards', 'PINTEREST', 'pinterest-boards', 'boardId'],
		['getYoutubePlaylists', 'YOUTUBE', 'youtube-playlists', 'playlistId'],
		['getGbpLocations', 'GOOGLE_BUSINESS_PROFILE', 'gbp-locations', 'locationId'],
	])('%s lists the account’s entries', async (operation, platform, endpoint, idField) => {
		const account = accountOn(accounts, platform);
		const result = await runPostFast(pf, {
			resource: 'socialAccount',
			operation,
			account: byId(account.id),
		});
		expect(result.status, result.error?.message).toBe('success');
		expect(requestsTo(pf, 'GET', `/social-media/${account.id}/${endpoint}`)).toHaveLength(1);
		for (const entry of output(result)) expect(entry).toHaveProperty(idField);
	});

	it('gets follower history with the range as UTC', async () => {
		const account = accountOn(accounts, 'INSTAGRAM');
		const result = await runPostFast(pf, {
			resource: 'socialAccount',
			operation: 'getFollowerHistory',
			account: byId(account.id),
			filters: { from: '2026-01-01T00:00:00+01:00', to: '2026-02-01T00:00:00Z' },
		});
		expect(result.status, result.error?.message).toBe('success');
		const [request] = requestsTo(pf, 'GET', `/social-media/${account.id}/follower-history`);
		expect(request.query).toMatchObject({
			from: '2025-12-31T23:00:00.000Z',
			to: '2026-02-01T00:00:00.000Z',
		});
		expect(output(result)[0]).toHaveProperty('series');
	});

	it("searches places (IDs for location controls) and gets TikTok sounds, with PostFast's codes on bad filters", async () => {
		const places = await runPostFast(pf, {
			resource: 'socialAccount',
			operation: 'searchPlaces',
			query: 'berlin',
		});
		expect(places.status, places.error?.message).toBe('success');
		expect(output(places).length).toBeGreaterThan(0);
		expect(output(places).every((p) => /^\d+$/.test(String(p.id)))).toBe(true);
		expect(requestsTo(pf, 'GET', '/social-media/search-places')[0].query).toEqual({ q: 'berlin' });
		const short = await runPostFast(pf, {
			resource: 'socialAccount',
			operation: 'searchPlaces',
			query: 'b',
		});
		expect(short.error?.message).toMatch(/too short/);
		expect(requestsTo(pf, 'GET', '/social-media/search-places')).toHaveLength(1);

		const tiktok = accountOn(accounts, 'TIKTOK');
		const sounds = await runPostFast(pf, {
			resource: 'socialAccount',
			operation: 'getTiktokSounds',
			account: byId(tiktok.id),
			filters: { genre: 'POP', countryCode: 'GB', dateRange: '30DAY' },
		});
		expect(sounds.status, sounds.error?.message).toBe('success');
		expect(output(sounds).length).toBeGreaterThan(0);
		expect(output(sounds)[0]).toHaveProperty('musicSoundId');
		expect(requestsTo(pf, 'GET', `/social-media/${tiktok.id}/tiktok-sounds`)[0].query).toEqual({
			genre: 'POP',
			countryCode: 'GB',
			dateRange: '30DAY',
		});

		const bad = await runPostFast(pf, {
			resource: 'socialAccount',
			operation: 'getTiktokSounds',
			account: byId(tiktok.id),
			filters: { genre: 'polka' },
		});
		expect(bad.status).toBe('error');
		expect(bad.errors.PostFast?.description).toMatch(/PostFast code tiktokSounds\.invalidGenre/);

		const picker = await listSearch(pf, 'searchTiktokAccounts');
		expect(picker.results.map((r) => r.value)).toEqual([tiktok.id]);
	});

	it('creates a connect link, and refuses Send Email without an email before calling', async () => {
		const result = await runPostFast(pf, {
			resource: 'socialAccount',
			operation: 'createConnectLink',
			additionalFields: {
				expiryDays: 3,
				platforms: ['INSTAGRAM', 'TIKTOK'],
				externalId: 'client-42',
			},
		});
		expect(result.status, result.error?.message).toBe('success');
		expect(String(output(result)[0].connectUrl)).toMatch(/^https:\/\//);
		expect(requestsTo(pf, 'POST', '/social-media/connect-link')[0].body).toEqual({
			expiryDays: 3,
			platforms: ['INSTAGRAM', 'TIKTOK'],
			externalId: 'client-42',
		});

		const bad = await runPostFast(pf, {
			resource: 'socialAccount',
			operation: 'createConnectLink',
			additionalFields: { sendEmail: true },
		});
		expect(bad.status).toBe('error');
		expect(bad.error?.message).toMatch(/no Email/);
		expect(requestsTo(pf, 'POST', '/social-media/connect-link')).toHaveLength(1);
	});

	it('account picker: searchable, disabled accounts marked, platform pickers filtered', async () => {
		const all = await listSearch(pf, 'searchAccounts');
		expect(all.results).toHaveLength(accounts.length);
		const disabled = accounts.find((a) => a.connectionStatus === 'DISABLED')!;
		expect(all.results.find((r) => r.value === disabled.id)?.name).toMatch(/DISABLED/);
		const connected = accounts.find((a) => a.connectionStatus !== 'DISABLED')!;
		expect(all.results.find((r) => r.value === connected.id)?.name).not.toMatch(/DISABLED/);

		const pinterest = await listSearch(pf, 'searchPinterestAccounts');
		expect(pinterest.results.length).toBeGreaterThan(0);
		expect(pinterest.results.every((r) => /PINTEREST/.test(r.name))).toBe(true);

		const label = all.results[0].name.split(' ')[0];
		const filtered = await listSearch(pf, 'searchAccounts', label.toLowerCase());
		expect(filtered.results.length).toBeGreaterThan(0);
		expect(filtered.results.length).toBeLessThanOrEqual(all.results.length);

		const boards = await loadOptions(pf, 'getPinterestBoards', {
			account: byId(accountOn(accounts, 'PINTEREST').id),
		});
		expect(boards.length).toBeGreaterThan(0);
	});
});

describe('File', () => {
	it('gets upload links and refuses a count PostFast would reject', async () => {
		const result = await runPostFast(pf, {
			resource: 'file',
			operation: 'getUploadUrls',
			contentType: 'image/png',
			count: 3,
		});
		expect(result.status, result.error?.message).toBe('success');
		expect(output(result)).toHaveLength(3);
		for (const url of output(result)) {
			expect(String(url.key)).toMatch(/^image\//);
			expect(String(url.signedUrl)).toContain('X-Amz-Signature=');
		}
		const video = await runPostFast(pf, {
			resource: 'file',
			operation: 'getUploadUrls',
			contentType: 'video/mp4',
			count: 2,
		});
		expect(video.status).toBe('error');
		expect(video.error?.message).toMatch(/out of range/);
		expect(requestsTo(pf, 'POST', '/file/get-signed-upload-urls')).toHaveLength(1);
	});

	it('uploads binaries from many items in batched URL requests, PUT with exact type and length, no key', async () => {
		const items = Array.from({ length: 5 }, (_, n) => ({
			json: { n },
			binary: { data: { data: PNG, fileName: `p${n}.png`, mimeType: 'image/png' } },
		}));
		items.push({
			json: { n: 5 },
			binary: { data: { data: MP4, fileName: 'clip.mp4', mimeType: 'video/mp4' } },
		});
		const result = await runPostFast(
			pf,
			{ resource: 'file', operation: 'upload', binaryProperties: 'data' },
			{ items },
		);
		expect(result.status, result.error?.message).toBe('success');
		expect(requestsTo(pf, 'POST', '/file/get-signed-upload-urls').map((r) => r.body)).toEqual([
			{ contentType: 'image/png', count: 4 },
			{ contentType: 'image/png', count: 1 },
			{ contentType: 'video/mp4', count: 1 },
		]);
		const puts = pf.requests.filter((r) => r.method === 'PUT');
		expect(puts).toHaveLength(6);
		for (const put of puts) {
			expect(put.status).toBe(200);
			expect(put.headers['pf-api-key']).toBeUndefined();
			expect(put.headers['transfer-encoding']).toBeUndefined();
		}
		expect(puts.map((p) => p.headers['content-length'])).toEqual([
			...Array(5).fill(String(PNG.length)),
			String(MP4.length),
		]);
		const out = output(result);
		expect(out).toHaveLength(6);
		expect((out[5].media as Array<{ type: string; key: string }>)[0]).toMatchObject({
			type: 'VIDEO',
			contentType: 'video/mp4',
		});
		expect(out[0].mediaItems).toEqual([
			{ key: (out[0].keys as string[])[0], type: 'IMAGE', sortOrder: 0 },
		]);
		// The keys are usable: a post with them is accepted.
		const instagram = accountOn(accounts, 'INSTAGRAM');
		const post = await runPostFast(pf, {
			resource: 'socialPost',
			operation: 'create',
			account: byId(instagram.id),
			content: 'from keys',
			status: 'DRAFT',
			binaryProperties: '',
			additionalFields: { mediaItemsJson: JSON.stringify(out[0].mediaItems) },
		});
		expect(post.status, post.error?.message).toBe('success');
	});

	it('takes the type from the file name when the binary has none, and sends video alone', async () => {
		const result = await runPostFast(
			pf,
			{ resource: 'file', operation: 'upload', binaryProperties: 'data' },
			{
				items: [
					{
						json: {},
						binary: {
							data: { data: MP4, fileName: 'clip.MOV', mimeType: 'application/octet-stream' },
						},
					},
				],
			},
		);
		expect(result.status, result.error?.message).toBe('success');
		expect(requestsTo(pf, 'POST', '/file/get-signed-upload-urls').map((r) => r.body)).toEqual([
			{ contentType: 'video/quicktime', count: 1 },
		]);
		const [put] = pf.requests.filter((r) => r.method === 'PUT');
		expect(put.headers['content-type']).toBe('video/quicktime');
		expect((output(result)[0].media as Array<{ type: string }>)[0].type).toBe('VIDEO');
	});

	it('refuses empty files and types PostFast does not accept, naming the property', async () => {
		const result = await runPostFast(
			pf,
			{ resource: 'file', operation: 'upload', binaryProperties: 'data, missing' },
			{
				items: [
					{
						json: {},
						binary: {
							data: { data: Buffer.alloc(0), fileName: 'empty.png', mimeType: 'image/png' },
						},
					},
					{
						json: {},
						binary: {
							data: { data: Buffer.from('x'), fileName: 'notes.txt', mimeType: 'text/plain' },
						},
					},
					{ json: {}, binary: { data: { data: PNG, fileName: 'ok.png', mimeType: 'image/png' } } },
				],
				node: { onError: 'continueRegularOutput' },
			},
		);
		expect(result.status).toBe('success');
		const [empty, text, missing] = output(result);
		expect(String(empty.error)).toMatch(/empty \(0 bytes\)/);
		expect(String(text.error)).toMatch(/does not accept the file type.*text\/plain/);
		expect(String(missing.error)).toMatch(/no binary property "missing"/);
		expect(requestsTo(pf, 'POST', '/file/get-signed-upload-urls')).toHaveLength(0);
	});
});
