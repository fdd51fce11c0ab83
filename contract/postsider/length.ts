/**
 * Post length exactly as the PostSider server measures it (docs/postsider-api.md, "Per-provider
 * settings"; server `validatePosts`, `stripHtmlValidation('normal', …, replaceBold)`,
 * `weightedLength`): our own re-statement of what its libraries do, with no runtime dependency.
 *
 * The pipeline, step by step:
 * 1. The DTO sanitises `content` (DOMPurify with the post allow-list). A string without `<` passes
 *    unchanged; anything else is parsed and re-serialised, so text comes back HTML-escaped.
 * 2. The length check parses and re-serialises again (parse5): `&` becomes `&amp;`, a no-break space
 *    `&nbsp;`, `<` and `>` `&lt;`/`&gt;`. Without a `<p>` the escaped text (and any kept tag such as
 *    `<strong>`) is what gets counted.
 * 3. With a `<p>`, entities are decoded, paragraphs become line breaks, `<strong>`/`<u>` letters
 *    become mathematical-bold / underlined letters (2 UTF-16 units each), links show their href,
 *    list items get "- ", and the remaining tags are stripped.
 * 4. The count is UTF-16 code units; X takes the larger of that and the twitter-text weighted length
 *    (links 23, emoji 2, characters outside the light ranges 2; bare domains are links too).
 *
 * Steps 1 and 2 (the HTML parser and allow-list) are in ./sanitize-html; this file keeps the
 * server's own transforms and the count, tested as one against the server's counts.
 */

import { decodeEntities, escapeText, reserializeFragment, sanitizeHtml } from './sanitize-html';
import { TWITTER_CCTLDS, TWITTER_GTLDS } from './twitter-tlds';

function normaliseNewlines(text: string): string {
	return text.replace(/\r\n?/g, '\n');
}

/**
 * The content as the server stores and measures it, before the length step's own transforms:
 * DOMPurify's output (or the untouched string when it has no `<`) after a parse/serialise round trip.
 */
export function serverSerializedContent(content: unknown): string {
	if (typeof content !== 'string' || content === '') return '';
	if (!content.includes('<')) return escapeText(decodeEntities(normaliseNewlines(content)));
	return reserializeFragment(sanitizeHtml(normaliseNewlines(content)));
}

/**
 * The content the server stores (its DTO sanitiser): non-strings and '' become '', a string
 * without `<` is kept as it is, anything else is parsed and re-serialised with the allow-list.
 */
export function sanitizePostContent(content: unknown): string {
	if (typeof content !== 'string' || content === '') return '';
	if (!content.includes('<')) return content;
	return sanitizeHtml(normaliseNewlines(content));
}

// ---------------------------------------------------------------------------------------------
// Step 3: the length step's own transforms

/** Removes tags like the `striptags` package: quote-aware, a `<` followed by a space stays text. */
export function stripTags(html: string): string {
	let out = '';
	let inTag = false;
	let inComment = false;
	let buffer = '';
	let depth = 0;
	let quote = '';
	for (const char of html) {
		if (inComment) {
			if (char === '>' && buffer.endsWith('--')) inComment = false;
			buffer = char === '>' ? '' : buffer + char;
			continue;
		}
		if (!inTag) {
			if (char === '<') {
				inTag = true;
				buffer = '<';
			} else out += char;
			continue;
		}
		if (char === '<') {
			if (!quote) depth++;
		} else if (char === '>') {
			if (quote) continue;
			if (depth) {
				depth--;
				continue;
			}
			inTag = false;
			buffer = '';
		} else if (char === '"' || char === "'") {
			quote = char === quote ? '' : quote || char;
			buffer += char;
		} else if (char === '-') {
			if (buffer === '<!-') inComment = true;
			buffer += char;
		} else if ((char === ' ' || char === '\n') && buffer === '<') {
			inTag = false;
			out += '< ';
			buffer = '';
		} else buffer += char;
	}
	return out;
}

function mapLetters(text: string, map: (char: string) => string): string {
	return text
		.split('')
		.map((c) => (/^[a-zA-Z0-9]$/.test(c) ? map(c) : c))
		.join('');
}

/** Mathematical sans-serif bold: what `<strong>` letters become (each 2 UTF-16 units). */
function bold(c: string): string {
	const code = c.charCodeAt(0);
	if (c >= 'a' && c <= 'z') return String.fromCodePoint(0x1d5ee + code - 97);
	if (c >= 'A' && c <= 'Z') return String.fromCodePoint(0x1d5d4 + code - 65);
	return String.fromCodePoint(0x1d7ec + code - 48);
}

function styleRuns(html: string): string {
	const restyle = (map: (c: string) => string) => (match: string, inner: string) =>
		match.replace(inner, mapLetters(inner, map));
	return html.replace(/<strong>(.+?)<\/strong>/gi, restyle(bold)).replace(
		/<u>(.+?)<\/u>/gi,
		restyle((c) => c + '\u0332'),
	);
}

/** The text the server counts, from the serialised content (its `stripHtmlValidation`). */
export function textForLength(serialized: string): string {
	if (!serialized.includes('<p>')) return serialized;
	const html = serialized
		.replace(/&amp;/gi, '&')
		.replace(/&nbsp;/gi, ' ')
		.replace(/&quot;/gi, '"')
		.replace(/&#39;/gi, "'")
		.replace(/^<p[^>]*>/i, '')
		.replace(/<p[^>]*>/gi, '\n')
		.replace(/<\/p>/gi, '');
	const shaped = styleRuns(
		html
			.replace(
				/<a.*?href="([.\s\S]*?)".*?>([.\s\S]*?)<\/a>/g,
				(_m, href: string) => `<a href="${href}">${href}</a>`,
			)
			.replace(/<ul>/, '\n<ul>')
			.replace(/<\/ul>\n/, '</ul>')
			.replace(
				/<li.*?>([.\s\S]*?)<\/li.*?>/gm,
				(_m, item: string) => `<li><p>- ${item.replace(/\n/gm, '')}\n</p></li>`,
			),
	);
	return stripTags(shaped)
		.replace(/&gt;/gi, '>')
		.replace(/&lt;/gi, '<')
		.replace(/&\u{1d5f9}\u{1d601};/giu, '<')
		.replace(/&\u{1d5f4}\u{1d601};/giu, '>')
		.replace(/&g\u0332t\u0332;/gi, '>')
		.replace(/&l\u0332t\u0332;/gi, '<');
}

/** What the DTO's "content must be a non-empty string" rule looks at: tags stripped, trimmed. */
export function hasVisibleContent(serialized: string): boolean {
	return stripTags(serialized).trim() !== '';
}

// ---------------------------------------------------------------------------------------------
// Step 4: twitter-text weighted length (v3 defaults), written from its documented rules

const PUNCT = "!'#%&()*+,\\\\\\-./:;<=>?@\\[\\]^_{|}~$";
const SPACES =
	'\\x09-\\x0D\\x20\\x85\\xA0\\u1680\\u180E\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000';
const INVALID = '\\uFFFE\\uFEFF\\uFFFF';
const DIRECTIONAL = '\\u202A-\\u202E\\u061C\\u200E\\u200F\\u2066\\u2067\\u2068\\u2069';
const LATIN_ACCENTS =
	'\\xC0-\\xD6\\xD8-\\xF6\\xF8-\\xFF\\u0100-\\u024F\\u0253\\u0254\\u0256\\u0257\\u0259\\u025B\\u0263\\u0268\\u026F\\u0272\\u0289\\u028B\\u02BB\\u0300-\\u036F\\u1E00-\\u1EFF';
const CYRILLIC = '\\u0400-\\u04FF';
const DOMAIN_CHAR = `[^${PUNCT}${SPACES}${INVALID}${DIRECTIONAL}]`;
const TLD_END = '(?=[^0-9a-zA-Z@+-]|$)';
const TLDS = `(?:(?:${TWITTER_GTLDS.join('|')})${TLD_END}|(?:${TWITTER_CCTLDS.join('|')})${TLD_END}|xn--[\\-0-9a-z]+)`;
const SUBDOMAIN = `(?:(?:${DOMAIN_CHAR}(?:[_-]|${DOMAIN_CHAR})*)?${DOMAIN_CHAR}\\.)`;
const DOMAIN_NAME = `(?:(?:${DOMAIN_CHAR}(?:-|${DOMAIN_CHAR})*)?${DOMAIN_CHAR}\\.)`;
const PATH_CHAR = `[a-z${CYRILLIC}0-9!*';:=+,.$/%#\\[\\]\\-\\u2013_~@|&${LATIN_ACCENTS}]`;
const PARENS = `\\((?:${PATH_CHAR}+|(?:${PATH_CHAR}*\\(${PATH_CHAR}+\\)${PATH_CHAR}*))\\)`;
const PATH_END = `(?:[+\\-a-z${CYRILLIC}0-9=_#/${LATIN_ACCENTS}]|(?:${PARENS}))`;
const PATH = `(?:(?:${PATH_CHAR}*(?:${PARENS}${PATH_CHAR}*)*${PATH_END})|(?:@${PATH_CHAR}+/))`;
const QUERY_CHAR = "[a-z0-9!?*'@();:&=+$/%#\\[\\]\\-_.,~|]";
const QUERY_END = '[a-z0-9\\-_&=#/]';
const PRECEDING = `(?:[^A-Za-z0-9@\uFF20$#\uFF03${INVALID}]|[${DIRECTIONAL}]|^)`;
const URL_SOURCE = `(${PRECEDING})((https?:\\/\\/)?(${SUBDOMAIN}*${DOMAIN_NAME}${TLDS})(?::([0-9]+))?(\\/${PATH}*)?(\\?${QUERY_CHAR}*${QUERY_END})?)`;
const ASCII_DOMAIN_SOURCE = `(?:(?:[\\-a-z0-9${LATIN_ACCENTS}]+)\\.)+${TLDS}`;
const TCO = new RegExp(`^https?:\\/\\/t\\.co\\/([a-z0-9]+)(?:\\?${QUERY_CHAR}*${QUERY_END})?`, 'i');

let urlPattern: RegExp | undefined;
let asciiDomainPattern: RegExp | undefined;
let emojiPattern: RegExp | undefined;

/** Start and end (UTF-16 indices) of every link twitter-text finds, bare domains included. */
export function xLinkRanges(text: string): Array<[number, number]> {
	if (!text.includes('.')) return [];
	urlPattern ??= new RegExp(URL_SOURCE, 'gi');
	asciiDomainPattern ??= new RegExp(ASCII_DOMAIN_SOURCE, 'gi');
	const ranges: Array<[number, number]> = [];
	urlPattern.lastIndex = 0;
	for (let m = urlPattern.exec(text); m; m = urlPattern.exec(text)) {
		const [, before, url, protocol, domain, , path] = m;
		const end = urlPattern.lastIndex;
		const start = end - url.length;
		if ((protocol ?? 'https://').length + url.length > 4096) continue;
		if (!protocol) {
			if (/[-_./]$/.test(before)) continue;
			let lastRange: [number, number] | undefined;
			let searchFrom = 0;
			asciiDomainPattern.lastIndex = 0;
			for (let d = asciiDomainPattern.exec(domain); d; d = asciiDomainPattern.exec(domain)) {
				const at = domain.indexOf(d[0], searchFrom);
				searchFrom = at + d[0].length;
				lastRange = [start + at, start + searchFrom];
				ranges.push(lastRange);
			}
			if (!lastRange) continue;
			if (path) lastRange[1] = end;
			continue;
		}
		const tco = TCO.exec(url);
		if (tco) {
			if (tco[1].length > 40) continue;
			ranges.push([start, start + tco[0].length]);
			continue;
		}
		ranges.push([start, end]);
	}
	return ranges;
}

function isLight(cp: number): boolean {
	return (
		cp <= 4351 ||
		(cp >= 8192 && cp <= 8205) ||
		(cp >= 8208 && cp <= 8223) ||
		(cp >= 8242 && cp <= 8247)
	);
}

/** twitter-text's `parseTweet(text).weightedLength` with its default (v3) configuration. */
export function xWeightedLength(input: string): number {
	const text = input.normalize('NFC');
	const links = new Map(xLinkRanges(text).map(([s, e]) => [s, e]));
	// The emoji parser: every RGI emoji sequence weighs 2, however many code points it has.
	emojiPattern ??= new RegExp('\\p{RGI_Emoji}', 'gv');
	const emoji = new Map<number, number>();
	emojiPattern.lastIndex = 0;
	for (let m = emojiPattern.exec(text); m; m = emojiPattern.exec(text))
		emoji.set(m.index, m.index + m[0].length);
	let weight = 0;
	for (let i = 0; i < text.length; i++) {
		const link = links.get(i);
		if (link !== undefined) {
			weight += 23;
			i = link - 1;
			continue;
		}
		const e = emoji.get(i);
		if (e !== undefined) {
			weight += 2;
			i = e - 1;
			continue;
		}
		const cp = text.codePointAt(i)!;
		if (cp > 0xffff) {
			i++;
			weight += 2;
			continue;
		}
		weight += isLight(cp) ? 1 : 2;
	}
	return weight;
}

// ---------------------------------------------------------------------------------------------
// The measure, with its explanation

export interface MeasuredLength {
	/** What the server compares with the limit. */
	length: number;
	/** The server's first figure (X: the weighted length, others: units); 0 means an empty item. */
	first: number;
	/** UTF-16 code units of the counted text. */
	units: number;
	/** X only: twitter-text's weighted length. */
	weighted?: number;
	/** The exact text that was counted. */
	counted: string;
	/** Short notes on why the count differs from what a user sees, for error messages. */
	notes: string[];
}

/**
 * Measures a post item's content the way the server does. `x` switches on the twitter-text
 * weighting (the larger of weighted and raw length counts).
 */
export function measurePostLength(content: unknown, x: boolean): MeasuredLength {
	const serialized = serverSerializedContent(content);
	const counted = textForLength(serialized);
	const units = counted.length;
	const weighted = x ? xWeightedLength(counted) : undefined;
	const length = weighted !== undefined && weighted > units ? weighted : units;
	const first = weighted ?? units;
	return { length, first, units, weighted, counted, notes: explain(counted, weighted, units) };
}

function count(text: string, pattern: RegExp): number {
	return (text.match(pattern) ?? []).length;
}

function explain(counted: string, weighted: number | undefined, units: number): string[] {
	const notes: string[] = [];
	if (weighted !== undefined) {
		const links = xLinkRanges(counted.normalize('NFC')).length;
		notes.push(
			weighted >= units
				? `twitter-text weighted length ${weighted} (raw ${units})`
				: `raw length ${units} is larger than the twitter-text weight ${weighted}`,
		);
		if (links > 0)
			notes.push(`${links} link${links === 1 ? '' : 's'} count 23 each (bare domains too)`);
	}
	const escaped: Array<[RegExp, string]> = [
		[/&amp;/g, '& counts 5 (&amp;)'],
		[/&nbsp;/g, 'a no-break space counts 6 (&nbsp;)'],
		[/&lt;|&gt;/g, '< and > count 4 (&lt; &gt;)'],
	];
	for (const [pattern, note] of escaped) {
		const n = count(counted, pattern);
		if (n > 0) notes.push(`${note} ×${n}`);
	}
	const tags = count(counted, /<\/?[a-z][^>]*>/gi);
	if (tags > 0) notes.push(`${tags} HTML tag${tags === 1 ? '' : 's'} counted as text (no <p>)`);
	const astral = count(counted, /[\u{10000}-\u{10ffff}]/gu);
	if (astral > 0)
		notes.push(
			`${astral} emoji/symbol character${astral === 1 ? '' : 's'} outside the BMP count 2 each`,
		);
	return notes;
}
