/**
 * Differential: post length as our contract counts it vs the server's own pipeline rebuilt on its
 * libraries (./oracle-length). Hand-written cases run for all ten providers; fast-check generates
 * the rest from fragments that matter (entities, no-break spaces, emoji, CJK, links, bare domains,
 * allowed tags).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	PROVIDER_RULES,
	SUPPORTED_PROVIDERS,
	checkLength,
} from '../../../../contract/postsider/providers';
import {
	hasVisibleContent,
	measurePostLength,
	sanitizePostContent,
} from '../../../../contract/postsider/length';
import { oracleHasContent, oracleLength } from './oracle-length';

export const LENGTH_CASES: Array<[string, string]> = [
	['plain ascii', 'Hello world'],
	['ampersand counts 5', 'Tom & Jerry '.repeat(20)],
	['28 bare domains', 'example.com '.repeat(28)],
	['no-break space counts 6', 'a\u00a0b\u00a0c'],
	['< and > escaped', '5 > 3 & a < b'],
	['paragraphs decode entities', '<p>Hello <strong>World</strong> &amp; co</p><p>two</p>'],
	['strong without p keeps its tags', '<strong>hi</strong> there'],
	['url discount', 'see https://example.com/a/very/long/path/indeed and foo.de'],
	['emoji and CJK', '😀👨‍👩‍👧 中文 𝗮 🇫🇷'],
	['entities inside p', '<p>a &amp; b&nbsp;c &lt;tag&gt;</p>'],
	['lists', '<ul><li>one</li><li>two</li></ul><p>after</p>'],
	['link shows its href', '<p><a href="https://example.org/very/long/link">link</a> text</p>'],
	['CRLF', 'line one\r\nline two\rthree'],
	['named and numeric entities', '&copy; &amp;amp; &#128512; &#x4e2d; &ampx'],
	['script dropped', '<script>alert(1)</script>visible'],
	['div closes p', '<p>a</p><div>b</div>'],
	['email is not a link', 'mail me@example.com now'],
	['hashtag and cashtag domains', '#tag.com $cash.com'],
	['www with query', 'www.google.com/path?q=1. end'],
	['br only', '<br>'],
	['blank paragraph', '<p> </p>'],
	['underline', '<p><u>under</u> line</p>'],
	['javascript href dropped', '<a href="javascript:alert(1)">x</a>'],
	['bold letters count 2', '<p><strong>Bold 123</strong></p>'],
	['t.co', 'https://t.co/abcdef and t.co/xyz'],
	['long URL', 'https://example.com/' + 'x'.repeat(300)],
	['mathematical bold typed', '𝗛𝗲𝗹𝗹𝗼'],
	['Bluesky 300+', 'b'.repeat(290) + ' 😀😀😀😀😀😀'],
	['mention span', '<p><span data-mention-id="1" data-mention-label="Ann">@Ann</span> hi</p>'],
	['quotes', `He said "hi" & 'bye'`],
	['unicode spaces and marks', 'e\u0301 vs é \u2003 \u200b'],
	['only nbsp entity', '&nbsp;'],
	['empty', ''],
	['CJK long', '中'.repeat(150)],
	['mixed tags no p', 'a<br>b<u>c</u><h1>d</h1>'],
	['nested lists in p', '<p>x</p><ul><li><strong>b</strong> one</li><li>two &amp; three</li></ul>'],
	[
		'list nested in an item',
		'<p>x</p><ul><li>a<ul><li>b</li></ul></li></ul><p>' + 'y'.repeat(296) + '</p>',
	],
	['strong left open across </p>', '<p><strong>a</p>b ' + 'a'.repeat(200)],
	['u left open across </p>', '<p><u>a</p>b c<p>d</p>'],
	['strong and u left open', '<p><strong><u>a</p>b</strong>c'],
	// Misnested formatting end tags: the parser's adoption agency moves the paragraph out and clones
	// the formatting element into it (each was counted short before, i.e. accepted too much).
	['adoption agency: u around p', '<u><p>9</u>x'],
	[
		'adoption agency: underline carried into the paragraph',
		'<u><p>' + 'a'.repeat(100) + '</u>' + 'b'.repeat(100) + '</p>',
	],
	[
		'adoption agency: strong closed inside p',
		'<strong><p>Big news</strong> today ' + 'x'.repeat(120),
	],
	['adoption agency: two levels', '<u><strong><p>9</u>x</strong>yz'],
	['adoption agency: a inside a', '<a href="https://example.com/a"><p>1<a href="/y">2</a>'],
	['adoption agency: em closed inside svg', '<a><em><svg></em>x</svg>'],
	['round trip re-nests a heading in p', '<p>x<u><h1>heading</h1></u></p>'],
	['round trip closes an item in an item', '<li><a><li><u>x</u></li></a></li>'],
	['textarea text is kept', '<textarea>\nabc &amp; <p>x</textarea>d'],
	['select text is kept', '<select><option>a</option><p>q</select>b'],
	['object content is kept', '<object>x<p>y</object>z'],
	['head inside the body is ignored', 'a<head>b</head>c'],
	['p breaks out of svg', '<svg><p>s</svg>t'],
];

describe('differential: text length (all ten providers)', () => {
	for (const [name, content] of LENGTH_CASES) {
		for (const provider of SUPPORTED_PROVIDERS) {
			it(`${name} — ${provider}`, () => {
				const oracle = oracleLength(content, provider === 'x');
				const ours = checkLength(provider, content);
				const max = PROVIDER_RULES[provider].maxLength;
				expect(ours.length).toBe(oracle.length);
				expect(ours.ok).toBe(oracle.length <= max);
				expect(measurePostLength(content, provider === 'x').first === 0).toBe(oracle.empty);
			});
		}
	}

	it('explains an over-long X post with what was counted', () => {
		const check = checkLength('x', 'Tom & Jerry '.repeat(20));
		expect(check.ok).toBe(false);
		expect(check.explanation).toMatch(/^320 of 280 for X: /);
		expect(check.explanation).toContain('& counts 5 (&amp;) ×20');
		const links = checkLength('x', 'example.com '.repeat(28));
		expect(links.explanation).toMatch(/^672 of 280 for X: .*28 links count 23 each/);
	});
});

/** Text pieces: entities, spaces, emoji, CJK, links and bare domains, and stray < > & characters. */
const TEXT_PIECES = [
	'a',
	'Z',
	'9',
	' ',
	'  ',
	'&',
	'\u00a0',
	'<',
	'>',
	'"',
	"'",
	'.',
	',',
	'#',
	'@',
	'$',
	'-',
	'/',
	'\n',
	'😀',
	'👍🏽',
	'👨‍👩‍👧',
	'🇯🇵',
	'❤️',
	'©',
	'中',
	'文',
	'é',
	'ß',
	'Ж',
	'𝗮',
	'\u2014',
	'\u200b',
	'example.com',
	'foo.de',
	'www.test.org/path',
	'https://example.com/a?b=1',
	'http://x.io',
	't.co/x',
	'a.b',
	'foo.example',
	'me@example.com',
	'&amp;',
	'&nbsp;',
	'&lt;',
	'&copy;',
	'&#128512;',
	'word ',
];

const plain = (maxLength: number) =>
	fc.array(fc.constantFrom(...TEXT_PIECES), { maxLength }).map((parts) => parts.join(''));
/** Text without the characters that would open a tag. */
const inline = plain(8).map((t) => t.replace(/</g, '&lt;'));

/** Well-formed HTML as an editor writes it: paragraphs, bold, underline, links, lists, breaks. */
const html: fc.Arbitrary<string> = fc.letrec((tie) => ({
	node: fc.oneof(
		{ depthSize: 'small', withCrossShrink: true },
		inline,
		fc.constant('<br>'),
		tie('inner').map((t) => `<strong>${t}</strong>`),
		tie('inner').map((t) => `<u>${t}</u>`),
		inline.map(
			(t) => `<a href="https://example.com/${encodeURIComponent(t).slice(0, 12)}">${t}</a>`,
		),
		inline.map((t) => `<span class="mention">${t}</span>`),
		inline.map((t) => `<b>${t}</b>`),
	),
	inner: fc.array(tie('node'), { maxLength: 3 }).map((parts) => (parts as string[]).join('')),
	block: fc.oneof(
		tie('inner').map((t) => `<p>${t}</p>`),
		fc
			.array(tie('inner'), { minLength: 1, maxLength: 3 })
			.map((items) => `<ul>${(items as string[]).map((i) => `<li>${i}</li>`).join('')}</ul>`),
		tie('inner').map((t) => `<h2>${t}</h2>`),
		tie('inner'),
	),
	doc: fc.array(tie('block'), { maxLength: 4 }).map((parts) => (parts as string[]).join('')),
})).doc as fc.Arbitrary<string>;

/** Random tag soup: formatting, blocks, lists and headings opened and closed in any order. */
const misnested = (pieces: string[]): fc.Arbitrary<string> =>
	fc.array(fc.constantFrom(...pieces), { maxLength: 20 }).map((parts) => parts.join(''));
const EDITOR_TAGS = [
	'<p>',
	'</p>',
	'<strong>',
	'</strong>',
	'<u>',
	'</u>',
	'<a href="https://example.com/a">',
	'</a>',
	'<ul>',
	'</ul>',
	'<li>',
	'</li>',
	'<h2>',
	'</h2>',
	'<span>',
	'</span>',
	'<b>',
	'</b>',
	'<br>',
	'<div>',
	'</div>',
	'ab',
	'c ',
	'9',
	'&amp;',
	' ',
];
/** Also elements the sanitiser removes but whose parsing moves text (no tables: see emulators/README.md). */
const OTHER_TAGS = [
	'<em>',
	'</em>',
	'<i>',
	'</i>',
	'<a>',
	'<ol>',
	'<h1>',
	'</h3>',
	'</br>',
	'<blockquote>',
	'</blockquote>',
	'<textarea>',
	'</textarea>',
	'<select>',
	'</select>',
	'<object>',
	'</object>',
	'<svg>',
	'</svg>',
	'<pre>',
	'\n',
	'<button>',
	'</button>',
	'<dd>',
	'<nobr>',
	'<img>',
	'<hr>',
	'<strong class="k">',
	'&lt;',
	'&nbsp;',
];

describe('differential: text length (property-based)', () => {
	// Found 34 in 3,000 before the adoption agency was rebuilt (counted short: accepted too much).
	it('counts misnested editor markup exactly as the server (adoption agency, re-opened formatting)', () => {
		fc.assert(
			fc.property(misnested(EDITOR_TAGS), fc.boolean(), (content, x) => {
				expect(measurePostLength(content, x).length).toBe(oracleLength(content, x).length);
			}),
			{ numRuns: 2000 },
		);
	});

	it('counts tag soup with removed elements exactly as the server (textarea, select, svg, object)', () => {
		fc.assert(
			fc.property(misnested([...EDITOR_TAGS, ...OTHER_TAGS]), fc.boolean(), (content, x) => {
				expect(measurePostLength(content, x).length).toBe(oracleLength(content, x).length);
			}),
			{ numRuns: 1000 },
		);
	});

	it('counts like the server for generated texts, X and the others', () => {
		fc.assert(
			fc.property(fc.oneof(plain(40), html), fc.boolean(), (content, x) => {
				const oracle = oracleLength(content, x);
				const ours = measurePostLength(content, x);
				expect(ours.counted).toBe(oracle.counted);
				expect(ours.length).toBe(oracle.length);
			}),
			{ numRuns: 400 },
		);
	});

	it('weights long texts around the X limit the same way (links, domains, emoji)', () => {
		fc.assert(
			fc.property(
				fc.array(
					fc.constantFrom(
						'example.com ',
						'Tom & Jerry ',
						'😀 ',
						'https://a.io/x ',
						'中文 ',
						'word ',
					),
					{ minLength: 10, maxLength: 60 },
				),
				(parts) => {
					const content = parts.join('');
					expect(checkLength('x', content).length).toBe(oracleLength(content, true).length);
				},
			),
			{ numRuns: 150 },
		);
	});

	it('stores content like the server sanitiser and agrees on the non-empty rule', () => {
		fc.assert(
			fc.property(fc.oneof(plain(20), html), (content) => {
				expect(hasVisibleContent(sanitizePostContent(content))).toBe(oracleHasContent(content));
			}),
			{ numRuns: 300 },
		);
	});
});
