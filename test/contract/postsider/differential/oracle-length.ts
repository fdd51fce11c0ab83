/**
 * The server's length check rebuilt on the very libraries it runs (versions from its lockfile):
 * DOMPurify (isomorphic-dompurify) with the post allow-list, parse5 6 for the round trip,
 * striptags 3 and twitter-text 3.1. The glue between them restates the server's
 * `sanitizePostContent`, `stripHtmlValidation('normal', text, true)` and `validatePosts` length
 * rule; the libraries decide every detail of parsing, escaping and weighting.
 */
import DOMPurify from 'isomorphic-dompurify';
import { parseFragment, serialize } from 'parse5-6';
import striptags from 'striptags';
import twitter from 'twitter-text';

export function oracleSanitize(value: unknown): string {
	if (typeof value !== 'string' || !value) return '';
	return DOMPurify.sanitize(value, {
		ALLOWED_TAGS: ['p', 'br', 'strong', 'u', 'a', 'ul', 'li', 'h1', 'h2', 'h3', 'span'],
		ALLOWED_ATTR: ['href', 'target', 'rel', 'class', 'data-mention-id', 'data-mention-label'],
		ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|\/|#)/i,
	}) as string;
}

const BOLD: Record<string, string> = {};
const UNDERLINE: Record<string, string> = {};
for (let i = 0; i < 26; i++) {
	BOLD[String.fromCharCode(97 + i)] = String.fromCodePoint(0x1d5ee + i);
	BOLD[String.fromCharCode(65 + i)] = String.fromCodePoint(0x1d5d4 + i);
	UNDERLINE[String.fromCharCode(97 + i)] = String.fromCharCode(97 + i) + '\u0332';
	UNDERLINE[String.fromCharCode(65 + i)] = String.fromCharCode(65 + i) + '\u0332';
}
for (let i = 0; i < 10; i++) {
	BOLD[String(i)] = String.fromCodePoint(0x1d7ec + i);
	UNDERLINE[String(i)] = String(i) + '\u0332';
}

function toAscii(value: string): string {
	return value
		.replace(/<strong>(.+?)<\/strong>/gi, (match, inner: string) =>
			match.replace(
				inner,
				inner
					.split('')
					.map((c) => BOLD[c] || c)
					.join(''),
			),
		)
		.replace(/<u>(.+?)<\/u>/gi, (match, inner: string) =>
			match.replace(
				inner,
				inner
					.split('')
					.map((c) => UNDERLINE[c] || c)
					.join(''),
			),
		);
}

/** The server's `stripHtmlValidation('normal', val, true)`. */
export function oracleStrip(val: string): string {
	const value = serialize(parseFragment(val));
	if (value.indexOf('<p>') === -1) return value;
	const html = value
		.replace(/&amp;/gi, '&')
		.replace(/&nbsp;/gi, ' ')
		.replace(/&quot;/gi, '"')
		.replace(/&#39;/gi, "'")
		.replace(/^<p[^>]*>/i, '')
		.replace(/<p[^>]*>/gi, '\n')
		.replace(/<\/p>/gi, '');
	const processed = toAscii(
		html
			.replace(
				/<a.*?href="([.\s\S]*?)".*?>([.\s\S]*?)<\/a>/g,
				(_m: string, p1: string) => `<a href="${p1}">${p1}</a>`,
			)
			.replace(/<ul>/, '\n<ul>')
			.replace(/<\/ul>\n/, '</ul>')
			.replace(
				/<li.*?>([.\s\S]*?)<\/li.*?>/gm,
				(_m: string, p1: string) => `<li><p>- ${p1.replace(/\n/gm, '')}\n</p></li>`,
			),
	);
	return striptags(processed)
		.replace(/&gt;/gi, '>')
		.replace(/&lt;/gi, '<')
		.replace(/&𝗹𝘁;/gi, '<')
		.replace(/&𝗴𝘁;/gi, '>')
		.replace(/&g̲t̲;/gi, '>')
		.replace(/&l̲t̲;/gi, '<');
}

export interface OracleLength {
	length: number;
	empty: boolean;
	counted: string;
	weighted?: number;
}

/** What `validatePosts` computes for one thread item: the compared length and the empty flag. */
export function oracleLength(content: unknown, x: boolean): OracleLength {
	const strip = oracleStrip(oracleSanitize(content));
	const weighted = x ? twitter.parseTweet(strip).weightedLength : undefined;
	const raw = strip.length;
	const first = x ? weighted! : raw;
	return {
		length: first > raw ? first : raw,
		empty: first === 0,
		counted: strip,
		...(x ? { weighted } : {}),
	};
}

/** The DTO's `ValidContent` rule on sanitised content (no images). */
export function oracleHasContent(content: unknown): boolean {
	const text = striptags(oracleSanitize(content) || '');
	return !(!text || text.trim() === '');
}
