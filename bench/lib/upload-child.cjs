// Child process for the upload benchmark: uploads one file through the daemon's own API client
// (daemon/dist), the way the worker does, and reports time and its RSS before and at peak.
// argv[2]: JSON {service, baseUrl, apiKey, file, signedUrl?, contentType}
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const spec = JSON.parse(process.argv[2]);
const dist = join(__dirname, '../../daemon/dist/daemon/src/api');
const mem = () => {
	const s = readFileSync('/proc/self/status', 'utf8');
	const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(s)[1]);
	return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
};
(async () => {
	const client =
		spec.service === 'postsider'
			? new (require(join(dist, 'postsider.js')).PostSiderClient)({
					baseUrl: spec.baseUrl,
					apiKey: spec.apiKey,
					userAgent: 'postspool-bench',
				})
			: new (require(join(dist, 'postfast.js')).PostFastClient)({
					baseUrl: spec.baseUrl,
					apiKey: spec.apiKey,
					userAgent: 'postspool-bench',
				});
	global.gc?.();
	const before = mem();
	const t0 = process.hrtime.bigint();
	const res =
		spec.service === 'postsider'
			? await client.uploadFile(spec.file)
			: await client.putToS3(spec.signedUrl, spec.file, spec.contentType);
	const ms = Number(process.hrtime.bigint() - t0) / 1e6;
	const after = mem();
	process.stdout.write(
		JSON.stringify({
			ok: res.ok,
			status: res.ok ? res.status : res.error.status,
			message: res.ok ? undefined : res.error.message,
			ms,
			rssBeforeMiB: before.rss,
			peakMiB: after.peak,
		}),
	);
})().catch((err) => {
	process.stdout.write(JSON.stringify({ ok: false, message: String(err && err.message) }));
});
