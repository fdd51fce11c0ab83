import { describe, expect, it } from 'vitest';
import { checkApiBaseUrl, isLoopbackHost } from '../../contract/base-url';

const where = { service: 'PostFast', example: 'https://api.postfa.st', where: 'keys.fast.baseUrl' };

describe('the one base-URL rule (contract/base-url.ts)', () => {
	it.each([
		'https://api.postfa.st',
		'https://social.example.com/api',
		'http://localhost:3000',
		'http://127.0.0.1:8080/api',
		'http://[::1]:9000',
	])('accepts %s', (raw) => {
		expect('url' in checkApiBaseUrl(raw, where)).toBe(true);
	});

	it.each([
		['', /has no PostFast base URL/],
		['api.postfa.st', /is not a URL/],
		['file:///etc/passwd', /must start with https/],
		['ftp://example.com', /must start with https/],
		['http://api.postfa.st', /plain http/],
		['http://10.0.0.5', /plain http/],
		['http://localhost.evil.example', /plain http/],
		['https://user:secret@api.postfa.st', /user name or password/],
		['http://user@localhost', /user name or password/],
		['https://api.postfa.st/?x=1', /query or fragment/],
		['https://api.postfa.st/#x', /query or fragment/],
	])('refuses %s', (raw, message) => {
		const checked = checkApiBaseUrl(raw, where);
		expect('error' in checked && checked.error).toMatch(message);
		if ('error' in checked) {
			expect(checked.error).toContain('keys.fast.baseUrl');
			expect(checked.error).not.toContain('secret');
		}
	});

	it('knows the loopback hosts', () => {
		expect(['localhost', '127.0.0.1', '127.1.2.3', '[::1]'].every(isLoopbackHost)).toBe(true);
		expect(['localhost.example', '128.0.0.1', '::1', '0.0.0.0'].some(isLoopbackHost)).toBe(false);
	});
});
