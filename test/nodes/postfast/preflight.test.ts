/**
 * Social Post → Create refuses, before it spends anything, what PostFast would refuse anyway
 * (file sizes over the documented caps; times are in errors.test.ts), and names the n8n item in
 * the field errors PostFast itself returns for a batch.
 */
import type { IDataObject, NodeApiError } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';

import {
	accountOn,
	accounts,
	createParameters,
	inFuture,
	MP4,
	output,
	pf,
	PNG,
	requestsTo,
	runPostFast,
	useEmulator,
} from './setup';

useEmulator();

const MB = 1024 * 1024;

/** A valid file head padded to `bytes` (the emulator sniffs only the head). */
const padded = (head: Buffer, bytes: number) =>
	Buffer.concat([head, Buffer.alloc(bytes - head.length)]);

describe('file sizes are checked before any upload', () => {
	it('an image over 10 MB and a Telegram video over 50 MB fail alone, nothing of them uploaded', async () => {
		const x = accountOn(accounts, 'X');
		const telegram = accountOn(accounts, 'TELEGRAM');
		const at = inFuture(pf);
		const result = await runPostFast(pf, createParameters({ binaryProperties: 'data' }), {
			items: [
				{
					json: { account: x.id, text: 'big image', at },
					binary: {
						data: { data: padded(PNG, 10 * MB + 1), fileName: 'big.png', mimeType: 'image/png' },
					},
				},
				{
					json: { account: telegram.id, text: 'long video', at },
					binary: {
						data: { data: padded(MP4, 50 * MB + 1), fileName: 'long.mp4', mimeType: 'video/mp4' },
					},
				},
				{
					json: { account: x.id, text: 'small image', at },
					binary: { data: { data: PNG, fileName: 'small.png', mimeType: 'image/png' } },
				},
			],
			node: { onError: 'continueRegularOutput' },
		});
		expect(result.status).toBe('success');
		const [image, video, small] = output(result);
		expect(image.error).toBe(
			'PostFast would refuse the X post of item 0: binary property "data" (big.png) is 10 MB; PostFast takes at most 10 MB for image/png on X',
		);
		expect(video.error).toMatch(
			/TELEGRAM post of item 1: .*\(long\.mp4\) is 50 MB; PostFast takes at most 50 MB for video\/mp4 on TELEGRAM/,
		);
		for (const refused of [image, video]) {
			expect(String((refused.details as IDataObject).description)).toMatch(
				/Compress or shorten the file/,
			);
			expect(String((refused.details as IDataObject).description)).not.toMatch(
				/upload the file again/i,
			);
		}
		expect(small.postId).toBeTruthy();
		// Only the small image asked for an upload URL and was PUT.
		expect(requestsTo(pf, 'POST', '/file/get-signed-upload-urls').map((r) => r.body)).toEqual([
			{ contentType: 'image/png', count: 1 },
		]);
		expect(pf.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
	});

	it("PostFast's own size refusal says to compress the file, not to upload it again", async () => {
		const x = accountOn(accounts, 'X');
		pf.faults.add({
			method: 'POST',
			path: '/social-posts',
			kind: 'status',
			status: 400,
			times: 1,
			body: {
				statusCode: 400,
				message: 'media.invalidMedia',
				error: 'BAD_REQUEST',
				description:
					'posts.0.mediaItems.0: the file is 11534336 bytes, over the 10485760-byte cap for image/png on X',
			},
		});
		const result = await runPostFast(pf, createParameters(), {
			items: [{ json: { account: x.id, text: 'refused for size', at: inFuture(pf) } }],
		});
		expect(result.status).toBe('error');
		const error = result.errors.PostFast as NodeApiError;
		expect(error.description).toMatch(/larger than PostFast takes.*Compress or shorten it/);
		expect(error.description).not.toMatch(/upload the file again/i);
	});
});

describe('field errors name the n8n item', () => {
	it('a refusal of posts.1 in a batch whose first item was refused locally names item 2', async () => {
		const x = accountOn(accounts, 'X');
		const at = inFuture(pf);
		const result = await runPostFast(
			pf,
			createParameters({ additionalFields: { mediaItemsJson: '={{ $json.media ?? [] }}' } }),
			{
				items: [
					{
						json: {
							account: x.id,
							text: 'refused here',
							at: new Date(Date.now() - 60_000).toISOString(),
						},
					},
					{ json: { account: x.id, text: 'fine', at } },
					{
						json: {
							account: x.id,
							text: 'refused by PostFast',
							at,
							media: [{ key: 'image/never-uploaded.png', type: 'IMAGE' }],
						},
					},
				],
				node: { onError: 'continueRegularOutput' },
			},
		);
		expect(result.status).toBe('success');
		const [local, fine, remote] = output(result);
		expect(local.error).toMatch(/item 0: scheduledAt must be in the future/);
		expect(fine.postId).toBeTruthy();
		// PostFast saw the third item as posts.1 of a two-post request.
		const [refused] = requestsTo(pf, 'POST', '/social-posts');
		expect(refused.status).toBe(400);
		expect((refused.body as { posts: Array<{ content: string }> }).posts[1].content).toBe(
			'refused by PostFast',
		);
		expect(remote.error).toMatch(
			/"Binary Properties \/ Media From Earlier Uploads" \(mediaItems\.0\) of item 2: the file "image\/never-uploaded\.png" was never uploaded/,
		);
		// The message and the advice speak of the item; the API's own reason stays in details.
		const advice = String((remote.details as IDataObject).description);
		expect(`${String(remote.error)} ${advice}`).not.toMatch(/posts\.\d/);
		expect((remote.details as IDataObject).code).toBe('media.invalidMedia');
	});
});

describe('field errors name the n8n item in details too', () => {
	it('item 1 refused here and item 2 refused by PostFast for its time: both say their item, never posts.N', async () => {
		const x = accountOn(accounts, 'X');
		const before = pf.clock.now();
		// PostFast's clock runs 2 h ahead of this machine: a time 1 h ahead passes the node's own
		// check and is then refused by PostFast.
		pf.clock.set(Date.now() + 2 * 3_600_000);
		try {
			const result = await runPostFast(pf, createParameters(), {
				items: [
					{ json: { account: x.id, text: 'fine', at: inFuture(pf) } },
					{
						json: {
							account: x.id,
							text: 'refused here',
							at: new Date(Date.now() - 60_000).toISOString(),
						},
					},
					{
						json: {
							account: x.id,
							text: 'refused by PostFast',
							at: new Date(Date.now() + 3_600_000).toISOString(),
						},
					},
				],
				node: { onError: 'continueRegularOutput' },
			});
			expect(result.status).toBe('success');
			const [fine, local, remote] = output(result);
			expect(fine.postId).toBeTruthy();
			expect(local.error).toMatch(/item 1: scheduledAt must be in the future/);
			// PostFast saw item 2 as posts.1 of a two-post request and refused its scheduledAt.
			const [refused] = requestsTo(pf, 'POST', '/social-posts');
			expect(refused.status).toBe(400);
			expect((refused.body as { posts: Array<{ content: string }> }).posts[1].content).toBe(
				'refused by PostFast',
			);
			const details = remote.details as IDataObject;
			const messages = details.messages as string[];
			expect(messages.length).toBeGreaterThan(0);
			for (const text of [String(remote.error), ...messages]) {
				expect(text).toMatch(/item 2\b.*scheduledAt|scheduledAt.*item 2\b/);
				expect(text).not.toMatch(/posts\.\d/);
			}
			expect(JSON.stringify(details)).not.toMatch(/posts\.\d/);
		} finally {
			pf.clock.set(before);
		}
	});
});
