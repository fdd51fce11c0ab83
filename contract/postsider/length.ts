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
 * One file on purpose: the four steps are one algorithm, tested as one against the server's counts.
 */

import { TWITTER_CCTLDS, TWITTER_GTLDS } from './twitter-tlds';

// ---------------------------------------------------------------------------------------------
// Entities and escaping (the subset of HTML's named references a post realistically holds)

const NAMED: Record<string, string> = {
	amp: '&',
	lt: '<',
	gt: '>',
	quot: '"',
	apos: "'",
	nbsp: '\u00a0',
	copy: '\u00a9',
	reg: '\u00ae',
	hellip: '\u2026',
	mdash: '\u2014',
	ndash: '\u2013',
	euro: '\u20ac',
	trade: '\u2122',
};
/** Names HTML also decodes without the trailing semicolon (legacy references). */
const LEGACY = new Set(['amp', 'lt', 'gt', 'quot', 'nbsp', 'copy', 'reg']);

function decodeEntities(text: string, inAttribute = false): string {
	return text.replace(
		/&(?:#(\d+)|#[xX]([0-9a-fA-F]+)|([a-zA-Z][a-zA-Z0-9]*))(;?)/g,
		(whole, dec: string, hex: string, name: string, semi: string) => {
			if (dec !== undefined || hex !== undefined) {
				const cp = dec !== undefined ? Number(dec) : parseInt(hex, 16);
				if (cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return '\ufffd';
				return String.fromCodePoint(cp);
			}
			if (semi && NAMED[name] !== undefined) return NAMED[name];
			// Legacy names also match without `;`, as a prefix ("&ampx" is "&x" in text, kept in attributes).
			for (const legacy of LEGACY) {
				if (!name.startsWith(legacy)) continue;
				const rest = name.slice(legacy.length);
				if (inAttribute && rest !== '') return whole;
				return NAMED[legacy] + rest + semi;
			}
			return whole;
		},
	);
}

/** How HTML serialisers write text: `& nbsp < >` escaped, quotes kept. */
function escapeText(text: string): string {
	return text
		.replace(/&/g, '&amp;')
		.replace(/\u00a0/g, '&nbsp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;');
}

function escapeAttribute(text: string): string {
	return text
		.replace(/&/g, '&amp;')
		.replace(/\u00a0/g, '&nbsp;')
		.replace(/"/g, '&quot;');
}

// ---------------------------------------------------------------------------------------------
// Step 1+2: sanitise and re-serialise

const ALLOWED_TAGS = new Set(['p', 'br', 'strong', 'u', 'a', 'ul', 'li', 'h1', 'h2', 'h3', 'span']);
const ALLOWED_ATTRS = new Set([
	'href',
	'target',
	'rel',
	'class',
	'data-mention-id',
	'data-mention-label',
]);
const VOID_TAGS = new Set([
	'br',
	'img',
	'hr',
	'input',
	'meta',
	'link',
	'area',
	'base',
	'col',
	'embed',
	'source',
	'track',
	'wbr',
]);
/** Elements whose content the sanitiser drops together with the element. */
const DROP_CONTENT = new Set([
	'script',
	'style',
	'template',
	'title',
	'textarea',
	'noscript',
	'xmp',
	'iframe',
	'noembed',
	'noframes',
	'select',
	'svg',
	'math',
	'object',
	'head',
]);
/** Start tags that close an open paragraph (HTML tree building). */
const CLOSES_P = new Set([
	'p',
	'div',
	'ul',
	'ol',
	'h1',
	'h2',
	'h3',
	'h4',
	'h5',
	'h6',
	'blockquote',
	'pre',
	'table',
	'section',
	'article',
	'aside',
	'header',
	'footer',
	'nav',
	'hr',
	'dl',
	'form',
	'fieldset',
	'main',
	'address',
]);

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
	return sanitizeHtml(normaliseNewlines(content));
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

/** Allowed formatting elements (HTML's list of active formatting elements keeps them). */
const FORMATTING = new Set(['strong', 'u', 'a']);
/** Start tags that do not re-open formatting elements first (block and list starts). */
const BLOCKS_NO_REOPEN = new Set([...CLOSES_P, 'li']);

/** Elements the HTML parser puts in <head> when they come before any body content. */
const HEAD_TAGS = new Set([
	'script',
	'style',
	'title',
	'meta',
	'link',
	'base',
	'noscript',
	'template',
]);

function sanitizeHtml(input: string): string {
	const open: string[] = [];
	// The sanitiser parses a whole document: whitespace before the body starts is dropped, except
	// the input's own leading whitespace, which it puts back.
	const leading = /^[\r\n\t ]+/.exec(input)?.[0] ?? '';
	let out = leading;
	let inBody = false;
	const bodyText = (text: string) => {
		if (!inBody) {
			text = text.replace(/^[\t\n\f\r ]+/, '');
			if (text !== '') inBody = true;
		}
		return escapeText(decodeEntities(text));
	};
	input = input.slice(leading.length);
	let dropUntil: string | undefined;
	// Formatting elements the parser re-opens after a block closed them implicitly
	// (`<p><strong>a</p>b` makes `b` bold too): name + serialised attributes, in opening order.
	const active: Array<{ name: string; attrs: string; open: boolean }> = [];
	const lastActive = (name: string) => {
		for (let i = active.length - 1; i >= 0; i--) if (active[i].name === name) return i;
		return -1;
	};
	const forget = (name: string) => {
		const at = lastActive(name);
		if (at >= 0) active.splice(at, 1);
	};
	const closeTo = (name: string) => {
		const at = open.lastIndexOf(name);
		if (at < 0) return false;
		while (open.length > at) {
			const closing = open.pop()!;
			if (ALLOWED_TAGS.has(closing)) out += `</${closing}>`;
			for (let i = active.length - 1; i >= 0; i--)
				if (active[i].name === closing && active[i].open) {
					active[i].open = false;
					break;
				}
		}
		return true;
	};
	/** The HTML parser's "reconstruct the active formatting elements" step. */
	const reopenFormatting = () => {
		for (const entry of active) {
			if (entry.open) continue;
			out += `<${entry.name}${entry.attrs}>`;
			open.push(entry.name);
			entry.open = true;
		}
	};
	// Comments, bogus comments (`<!x>`, `<?x>`, `</ x>`), start tags, end tags.
	const token =
		/<!--[\s\S]*?(?:-->|$)|<[!?][^>]*>|<\/(?![a-zA-Z])[^>]*>|<([a-zA-Z][^\s/>]*)((?:[^>"']|"[^"]*"|'[^']*')*)>|<\/([a-zA-Z][^\s/>]*)[^>]*>/g;
	let last = 0;
	for (let m = token.exec(input); m; m = token.exec(input)) {
		const text = input.slice(last, m.index);
		last = m.index + m[0].length;
		if (dropUntil) {
			if (m[3]?.toLowerCase() === dropUntil) dropUntil = undefined;
			continue;
		}
		const shown = bodyText(text);
		if (shown !== '') reopenFormatting();
		out += shown;
		if (m[1] === undefined && m[3] === undefined) continue;
		if (m[1] !== undefined) {
			const name = m[1].toLowerCase();
			if (!(HEAD_TAGS.has(name) && !inBody)) inBody = true;
			if (DROP_CONTENT.has(name)) {
				if (!/\/\s*$/.test(m[2])) dropUntil = name;
				continue;
			}
			if (CLOSES_P.has(name) && open.includes('p')) closeTo('p');
			// A new item closes the open one only within the current list (a nested list stops it).
			if (name === 'li')
				for (let i = open.length - 1; i >= 0; i--) {
					if (open[i] === 'li') closeTo('li');
					if (open[i] === 'li' || (CLOSES_P.has(open[i]) && open[i] !== 'p' && open[i] !== 'div'))
						break;
				}
			if (name === 'a' && open.includes('a')) closeTo('a');
			if (name === 'a') forget('a');
			if (/^h[1-6]$/.test(name) && /^h[1-6]$/.test(open[open.length - 1] ?? ''))
				closeTo(open[open.length - 1]);
			if (!ALLOWED_TAGS.has(name)) {
				if (!VOID_TAGS.has(name)) open.push(name);
				continue;
			}
			if (!BLOCKS_NO_REOPEN.has(name)) reopenFormatting();
			const attrs = serializeAttributes(m[2]);
			out += `<${name}${attrs}>`;
			if (!VOID_TAGS.has(name)) open.push(name);
			if (FORMATTING.has(name)) active.push({ name, attrs, open: true });
			continue;
		}
		const name = m[3].toLowerCase();
		// Before the body starts the parser ignores a stray `</p>` (but `</br>` still starts it).
		if (name === 'p' && !inBody) continue;
		if (name === 'br') inBody = true;
		if (name === 'br') {
			out += '<br>';
			continue;
		}
		const entry = FORMATTING.has(name) ? lastActive(name) : -1;
		if (entry >= 0) {
			// A formatting element closed earlier by a block is only forgotten, not closed again.
			if (active[entry].open) closeTo(name);
			active.splice(entry, 1);
			continue;
		}
		if (!closeTo(name) && name === 'p') out += '<p></p>';
	}
	// A tag or comment still open at the end of the input is dropped with the rest.
	const rest = input.slice(last);
	const cut = rest.search(/<(?:[a-zA-Z!?]|\/[^>])/);
	if (!dropUntil) {
		const shown = bodyText(cut < 0 ? rest : rest.slice(0, cut));
		if (shown !== '') reopenFormatting();
		out += shown;
	}
	while (open.length > 0) {
		const closing = open.pop()!;
		if (ALLOWED_TAGS.has(closing)) out += `</${closing}>`;
	}
	return out;
}

/** The value with control characters and Unicode spaces removed (how the URI check reads it). */
function withoutSpaces(value: string): string {
	return [...value]
		.filter(
			(c) => c.charCodeAt(0) > 0x20 && !/[\u00a0\u1680\u180e\u2000-\u2029\u205f\u3000]/.test(c),
		)
		.join('');
}

function serializeAttributes(source: string): string {
	const seen = new Set<string>();
	let out = '';
	for (const a of source.matchAll(/([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
		const name = a[1].toLowerCase();
		if (seen.has(name)) continue;
		seen.add(name);
		if (!ALLOWED_ATTRS.has(name) && !/^data-[-\w.\u00b7-\uffff]+$/.test(name)) continue;
		const value = decodeEntities(a[2] ?? a[3] ?? a[4] ?? '', true);
		// URI attributes must match the allow-list once whitespace is ignored.
		if (name === 'href' && !/^(?:https?:|mailto:|\/|#)/i.test(withoutSpaces(value))) continue;
		out += ` ${name}="${escapeAttribute(value)}"`;
	}
	return out;
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
