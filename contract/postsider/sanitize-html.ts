/**
 * The PostSider server's content sanitiser, restated without dependencies (server
 * `sanitize.post.content.ts`: isomorphic-dompurify 3.15 on jsdom, with the post allow-list; see
 * docs/postsider-api.md, "Per-provider settings"). The length check counts its output, so every
 * node the browser-grade parser moves or re-opens changes the count.
 *
 * Three steps, as DOMPurify does them:
 * 1. Parse like the HTML standard's tree builder in "in body" mode (no doctype, so quirks mode),
 *    including the list of active formatting elements, their reconstruction before text, and the
 *    "adoption agency" algorithm for misnested formatting end tags (`<u><p>9</u>x` becomes
 *    `<u></u><p><u>9</u>x</p>`).
 * 2. Unwrap every element outside the allow-list (its content stays) and drop the content of the
 *    elements DOMPurify forbids together with their content (script, style, svg, …).
 * 3. Serialise: `&`, no-break space, `<`, `>` escaped in text; `&`, no-break space, `"` in attributes.
 *
 * Simplified: the table modes (no foster parenting), select (text kept, tags ignored) and foreign
 * content (svg/math elements tracked only to know where they end); emulators/README.md says where
 * that can differ.
 */

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

export function decodeEntities(text: string, inAttribute = false): string {
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
export function escapeText(text: string): string {
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
// The element sets of the HTML standard and of the server's allow-list

const ALLOWED_TAGS = new Set(['p', 'br', 'strong', 'u', 'a', 'ul', 'li', 'h1', 'h2', 'h3', 'span']);
const ALLOWED_ATTRS = new Set([
	'href',
	'target',
	'rel',
	'class',
	'data-mention-id',
	'data-mention-label',
]);
const set = (words: string) => new Set(words.split(' '));
const VOID_TAGS = set(
	'area base basefont bgsound br col embed hr img input keygen link meta param source track wbr',
);
/**
 * Elements dropped together with their content: raw-text elements and DOMPurify's FORBID_CONTENTS.
 */
const DROP_CONTENT = set('script style template title xmp iframe noembed noframes plaintext');
/** Foreign-content roots: kept open on the stack (an HTML end tag can close them), content dropped. */
const FOREIGN = set('svg math');
/** Start tags that end foreign (svg/math) content and go back to the HTML rules (so do </br> </p>). */
const BREAKS_FOREIGN = set(
	'b big blockquote body br center code dd div dl dt em embed h1 h2 h3 h4 h5 h6 head hr i img li listing menu meta nobr ol p pre ruby s small span strong strike sub sup table tt u ul var',
);
/** Start tags that end a <select> (everything else but text is ignored inside it). */
const ENDS_SELECT = set('select input keygen textarea');
/** Elements the parser puts in <head> when they come before any body content. */
const HEAD_TAGS = set(
	'script style title meta link base basefont bgsound noscript noframes template',
);
const FORMATTING = set('a b big code em font i nobr s small strike strong tt u');
const SPECIAL = set(
	'address applet area article aside base basefont bgsound blockquote body br button caption center col colgroup dd details dir div dl dt embed fieldset figcaption figure footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html iframe img input keygen li link listing main marquee menu meta nav noembed noframes noscript object ol p param plaintext pre script search section select source style summary table tbody td template textarea tfoot th thead title tr track ul wbr xmp',
);
/** Start tags that close an open paragraph first (quirks mode: `<table>` does not). */
const BLOCK_STARTS = set(
	'address article aside blockquote center details dialog dir div dl fieldset figcaption figure footer header hgroup main menu nav ol p search section summary ul pre listing form',
);
/** End tags that close their element when it is in scope, with anything left open inside. */
const BLOCK_ENDS = set(
	'address article aside blockquote button center details dialog dir div dl fieldset figcaption figure footer form header hgroup listing main menu nav ol pre search section summary ul applet marquee object',
);
const HEADINGS = set('h1 h2 h3 h4 h5 h6');
const SCOPE_BOUNDARY = set('applet caption html table td th marquee object template');
const IMPLIED_END = set('dd dt li optgroup option p rb rp rt rtc');
/** Start tags the parser ignores inside the body. */
const IGNORED_IN_BODY = set(
	'caption col colgroup frame frameset head html body tbody td tfoot th thead tr',
);

// ---------------------------------------------------------------------------------------------
// Step 1: the tree builder

type Attribute = [name: string, value: string];
interface Element {
	name: string;
	attrs: Attribute[];
	children: Node[];
	parent?: Element;
	/** An svg/math element or one inside it (dropped with its content). */
	foreign?: boolean;
}
interface Text {
	text: string;
	parent?: Element;
}
type Node = Element | Text;

const isElement = (node: Node): node is Element => 'name' in node;

function detach(node: Node): void {
	if (!node.parent) return;
	const siblings = node.parent.children;
	siblings.splice(siblings.indexOf(node), 1);
	node.parent = undefined;
}

function append(parent: Element, node: Node): void {
	detach(node);
	node.parent = parent;
	parent.children.push(node);
}

function parseAttributes(source: string): Attribute[] {
	const attrs: Attribute[] = [];
	for (const a of source.matchAll(/([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
		const name = a[1].toLowerCase();
		if (attrs.some(([seen]) => seen === name)) continue;
		attrs.push([name, decodeEntities(a[2] ?? a[3] ?? a[4] ?? '', true)]);
	}
	return attrs;
}

const sameAttributes = (a: Attribute[], b: Attribute[]) =>
	a.length === b.length && a.every(([n, v]) => b.some(([m, w]) => m === n && w === v));

/** The scope marker applet/object/marquee put on the list of active formatting elements. */
const MARKER: Element = { name: '#marker', attrs: [], children: [] };
const MARKS = set('applet marquee object');

/** The "in body" insertion mode over a stack whose bottom is <body>. */
class TreeBuilder {
	readonly body: Element = { name: 'body', attrs: [], children: [] };
	private readonly stack: Element[] = [this.body];
	private readonly active: Element[] = [];

	private get current(): Element {
		return this.stack[this.stack.length - 1];
	}

	/** True inside <svg>/<math>, whose content the sanitiser drops. */
	get inForeign(): boolean {
		return this.current.foreign === true;
	}

	/** A tag that breaks out of foreign content closes it first. */
	leaveForeign(): void {
		while (this.inForeign) this.stack.pop();
	}

	/** A start tag inside svg/math: one more foreign element (its content is dropped anyway). */
	foreignStart(name: string, selfClosing: boolean): void {
		if (selfClosing) return;
		const element: Element = { name: `foreign:${name}`, attrs: [], children: [], foreign: true };
		append(this.current, element);
		this.stack.push(element);
	}

	/** An end tag inside svg/math closes the foreign element of that name, or goes to the HTML rules. */
	foreignEnd(name: string): void {
		for (let i = this.stack.length - 1; this.stack[i].foreign; i--) {
			if (this.stack[i].name === name || this.stack[i].name === `foreign:${name}`) {
				this.stack.length = i;
				return;
			}
		}
		this.endTag(name);
	}

	/** The last formatting element of this name after the last marker. */
	private lastFormatting(name: string): Element | undefined {
		for (let i = this.active.length - 1; i >= 0 && this.active[i] !== MARKER; i--)
			if (this.active[i].name === name) return this.active[i];
		return undefined;
	}

	private insert(name: string, attrs: Attribute[]): Element {
		const element: Element = { name, attrs, children: [] };
		append(this.current, element);
		if (!VOID_TAGS.has(name)) this.stack.push(element);
		return element;
	}

	private inScope(names: Set<string>, extra?: Set<string>): boolean {
		for (let i = this.stack.length - 1; i > 0; i--) {
			const name = this.stack[i].name;
			if (names.has(name)) return true;
			if (SCOPE_BOUNDARY.has(name) || extra?.has(name)) return false;
		}
		return false;
	}

	private popUntil(names: Set<string>): void {
		while (this.stack.length > 1) if (names.has(this.stack.pop()!.name)) return;
	}

	private generateImpliedEndTags(except?: string): void {
		while (IMPLIED_END.has(this.current.name) && this.current.name !== except) this.stack.pop();
	}

	private closeParagraph(): void {
		if (!this.inScope(set('p'), set('button'))) return;
		this.generateImpliedEndTags('p');
		this.popUntil(set('p'));
	}

	/** "Reconstruct the active formatting elements": re-open those a block closed. */
	private reconstruct(): void {
		const list = this.active;
		const last = list[list.length - 1];
		if (list.length === 0 || last === MARKER || this.stack.includes(last)) return;
		let i = list.length - 1;
		while (i > 0 && list[i - 1] !== MARKER && !this.stack.includes(list[i - 1])) i--;
		for (; i < list.length; i++) list[i] = this.insert(list[i].name, list[i].attrs);
	}

	private pushFormatting(element: Element): void {
		const afterMarker = this.active.slice(this.active.lastIndexOf(MARKER) + 1);
		const same = afterMarker.filter(
			(e) => e.name === element.name && sameAttributes(e.attrs, element.attrs),
		);
		// "Noah's Ark": at most three identical entries.
		if (same.length >= 3) this.active.splice(this.active.indexOf(same[0]), 1);
		this.active.push(element);
	}

	text(text: string, reconstruct = true): void {
		if (text === '') return;
		if (reconstruct) this.reconstruct();
		const last = this.current.children[this.current.children.length - 1];
		if (last && !isElement(last)) last.text += text;
		else append(this.current, { text });
	}

	startTag(name: string, attrs: Attribute[]): void {
		if (IGNORED_IN_BODY.has(name)) return;
		if (BLOCK_STARTS.has(name) || name === 'hr') {
			this.closeParagraph();
			this.insert(name, attrs);
			return;
		}
		if (HEADINGS.has(name)) {
			this.closeParagraph();
			if (HEADINGS.has(this.current.name)) this.stack.pop();
			this.insert(name, attrs);
			return;
		}
		if (name === 'li' || name === 'dd' || name === 'dt') {
			const siblings = name === 'li' ? set('li') : set('dd dt');
			for (let i = this.stack.length - 1; i > 0; i--) {
				const node = this.stack[i];
				if (siblings.has(node.name)) {
					this.generateImpliedEndTags(node.name);
					this.popUntil(set(node.name));
					break;
				}
				if (SPECIAL.has(node.name) && !set('address div p').has(node.name)) break;
			}
			this.closeParagraph();
			this.insert(name, attrs);
			return;
		}
		if (name === 'button' && this.inScope(set('button'))) {
			this.generateImpliedEndTags();
			this.popUntil(set('button'));
		}
		if (name === 'a') {
			const open = this.lastFormatting('a');
			if (open) {
				this.adoptionAgency('a');
				if (this.active.includes(open)) this.active.splice(this.active.indexOf(open), 1);
				if (this.stack.includes(open)) this.stack.splice(this.stack.indexOf(open), 1);
			}
		}
		if (name === 'nobr') {
			this.reconstruct();
			if (this.inScope(set('nobr'))) this.adoptionAgency('nobr');
		}
		if (!set('param source track textarea').has(name)) this.reconstruct();
		const element = this.insert(name === 'image' ? 'img' : name, attrs);
		if (FOREIGN.has(name)) element.foreign = true;
		if (FORMATTING.has(name)) this.pushFormatting(element);
		if (MARKS.has(name)) this.active.push(MARKER);
	}

	endTag(name: string): void {
		if (name === 'body' || name === 'html') return;
		if (BLOCK_ENDS.has(name)) {
			if (!this.inScope(set(name))) return;
			this.generateImpliedEndTags();
			this.popUntil(set(name));
			// applet/object/marquee: forget the formatting elements opened inside.
			if (MARKS.has(name)) while (this.active.length > 0 && this.active.pop() !== MARKER);
			return;
		}
		if (name === 'p') {
			if (!this.inScope(set('p'), set('button'))) this.insert('p', []);
			this.closeParagraph();
			return;
		}
		if (name === 'li' || name === 'dd' || name === 'dt') {
			if (!this.inScope(set(name), name === 'li' ? set('ol ul') : undefined)) return;
			this.generateImpliedEndTags(name);
			this.popUntil(set(name));
			return;
		}
		if (HEADINGS.has(name)) {
			if (!this.inScope(HEADINGS)) return;
			this.generateImpliedEndTags();
			this.popUntil(HEADINGS);
			return;
		}
		if (name === 'br') {
			this.startTag('br', []);
			return;
		}
		if (FORMATTING.has(name)) this.adoptionAgency(name);
		else this.anyOtherEndTag(name);
	}

	private anyOtherEndTag(name: string): void {
		for (let i = this.stack.length - 1; i > 0; i--) {
			const node = this.stack[i];
			if (node.name === name) {
				this.generateImpliedEndTags(name);
				this.stack.length = i;
				return;
			}
			if (SPECIAL.has(node.name)) return;
		}
	}

	/** The HTML standard's adoption agency algorithm for a formatting end tag. */
	private adoptionAgency(subject: string): void {
		const { stack, active } = this;
		if (this.current.name === subject && !active.includes(this.current)) {
			stack.pop();
			return;
		}
		for (let outer = 0; outer < 8; outer++) {
			const formatting = this.lastFormatting(subject);
			if (!formatting) return this.anyOtherEndTag(subject);
			const at = stack.indexOf(formatting);
			if (at < 0) {
				active.splice(active.indexOf(formatting), 1);
				return;
			}
			if (!this.inScope(set(subject))) return;
			const furthest = stack.slice(at + 1).find((e) => SPECIAL.has(e.name));
			if (!furthest) {
				stack.length = at;
				active.splice(active.indexOf(formatting), 1);
				return;
			}
			const common = stack[at - 1];
			let bookmark = active.indexOf(formatting);
			let node = furthest;
			let lastNode = furthest;
			let index = stack.indexOf(furthest);
			for (let inner = 1; ; inner++) {
				node = stack[--index];
				if (node === formatting) break;
				if (inner > 3 && active.includes(node)) {
					const removed = active.indexOf(node);
					active.splice(removed, 1);
					if (removed < bookmark) bookmark--;
				}
				if (!active.includes(node)) {
					stack.splice(index, 1);
					continue;
				}
				const clone: Element = { name: node.name, attrs: node.attrs, children: [] };
				active[active.indexOf(node)] = clone;
				stack[index] = clone;
				node = clone;
				if (lastNode === furthest) bookmark = active.indexOf(clone) + 1;
				append(node, lastNode);
				lastNode = node;
			}
			append(common, lastNode);
			const clone: Element = { name: formatting.name, attrs: formatting.attrs, children: [] };
			for (const child of [...furthest.children]) append(clone, child);
			append(furthest, clone);
			const formattingAt = active.indexOf(formatting);
			active.splice(formattingAt, 1);
			if (formattingAt < bookmark) bookmark--;
			active.splice(bookmark, 0, clone);
			stack.splice(stack.indexOf(formatting), 1);
			stack.splice(stack.indexOf(furthest) + 1, 0, clone);
		}
	}
}

/**
 * Parses a string as DOMPurify's DOMParser does and returns its <body>; as a fragment (parse5's
 * `parseFragment`) when `fragment` is set.
 */
function parseBody(input: string, fragment = false): Element {
	const builder = new TreeBuilder();
	// DOMPurify parses a whole document: whitespace before the body starts is dropped, except the
	// input's own leading whitespace, which it puts back.
	const leading = fragment ? '' : (/^[\r\n\t ]+/.exec(input)?.[0] ?? '');
	input = input.slice(leading.length);
	let inBody = fragment;
	let dropUntil: string | undefined;
	let inSelect = false;
	let skipNewline = false;
	const text = (value: string) => {
		if (!inBody) {
			value = value.replace(/^[\t\n\f\r ]+/, '');
			if (value === '') return;
			inBody = true;
		}
		value = decodeEntities(value).replace(/\0/g, '');
		if (skipNewline) value = value.replace(/^\n/, '');
		skipNewline = false;
		builder.text(value, !inSelect);
	};
	// Comments, bogus comments (`<!x>`, `<?x>`, `</ x>`), start tags, end tags.
	const token =
		/<!--[\s\S]*?(?:-->|$)|<[!?][^>]*>|<\/(?![a-zA-Z])[^>]*>|<([a-zA-Z][^\s/>]*)((?:[^>"']|"[^"]*"|'[^']*')*)>|<\/([a-zA-Z][^\s/>]*)[^>]*>/g;
	let last = 0;
	for (let m = token.exec(input); m; m = token.exec(input)) {
		const before = input.slice(last, m.index);
		last = m.index + m[0].length;
		const start = m[1]?.toLowerCase();
		const end = m[3]?.toLowerCase();
		if (dropUntil) {
			if (end === dropUntil) dropUntil = undefined;
			continue;
		}
		if (builder.inForeign) {
			// Foreign content: text and foreign tags are dropped; an HTML end tag goes to the HTML rules
			// (which may close the svg with an ancestor); a few tags break out.
			if ((start && BREAKS_FOREIGN.has(start)) || end === 'br' || end === 'p')
				builder.leaveForeign();
			else {
				if (end) builder.foreignEnd(end);
				else if (start) builder.foreignStart(start, /\/\s*$/.test(m[2]));
				continue;
			}
		} else text(before);
		if (inSelect) {
			if (end === 'select' || (start && ENDS_SELECT.has(start))) inSelect = false;
			else continue;
			if (start) builder.endTag('select');
			if (start === 'select') continue;
		}
		if (start !== undefined) {
			if (!(HEAD_TAGS.has(start) && !inBody)) inBody = true;
			skipNewline = start === 'pre' || start === 'listing' || start === 'textarea';
			if (DROP_CONTENT.has(start)) {
				if (start === 'plaintext') dropUntil = '\0';
				else if (!/\/\s*$/.test(m[2])) dropUntil = start;
				continue;
			}
			builder.startTag(start, parseAttributes(m[2]));
			if (FOREIGN.has(start) && /\/\s*$/.test(m[2])) builder.leaveForeign();
			if (start === 'select') inSelect = true;
			if (start === 'textarea') {
				// RCDATA: everything up to `</textarea` is text, kept when the element is unwrapped.
				const close = input.slice(last).search(/<\/textarea[\s/>]/i);
				const upTo = close < 0 ? input.length : last + close;
				inSelect = true; // (its text re-opens no formatting either)
				text(input.slice(last, upTo));
				inSelect = false;
				builder.endTag('textarea');
				token.lastIndex = last = close < 0 ? upTo : input.indexOf('>', upTo) + 1;
			}
		} else if (end !== undefined) {
			// Before the body starts the parser ignores end tags, but `</br>` `</body>` `</html>` start it.
			if (!inBody && end !== 'br' && end !== 'body' && end !== 'html') continue;
			inBody = true;
			builder.endTag(end);
		}
	}
	// A tag or comment still open at the end of the input is dropped with the rest.
	const rest = input.slice(last);
	const cut = rest.search(/<(?:[a-zA-Z!?]|\/[^>])/);
	if (!dropUntil && !builder.inForeign) text(cut < 0 ? rest : rest.slice(0, cut));
	if (leading) builder.body.children.unshift({ text: leading, parent: builder.body });
	return builder.body;
}

// ---------------------------------------------------------------------------------------------
// Steps 2 and 3: the allow-list, then serialisation

/** The value with control characters and Unicode spaces removed (how the URI check reads it). */
function withoutSpaces(value: string): string {
	return [...value]
		.filter(
			(c) => c.charCodeAt(0) > 0x20 && !/[\u00a0\u1680\u180e\u2000-\u2029\u205f\u3000]/.test(c),
		)
		.join('');
}

function serializeAttributes(attrs: Attribute[]): string {
	let out = '';
	for (const [name, value] of attrs) {
		if (!ALLOWED_ATTRS.has(name) && !/^data-[-\w.\u00b7-\uffff]+$/.test(name)) continue;
		// URI attributes must match the allow-list once whitespace is ignored.
		if (name === 'href' && !/^(?:https?:|mailto:|\/|#)/i.test(withoutSpaces(value))) continue;
		out += ` ${name}="${escapeAttribute(value)}"`;
	}
	return out;
}

/** Serialises the allowed part of the children: other elements are unwrapped (content kept). */
function serializeAllowed(children: Node[]): string {
	let out = '';
	for (const node of children) {
		if (!isElement(node)) out += escapeText(node.text);
		else if (node.foreign) continue;
		else if (!ALLOWED_TAGS.has(node.name)) out += serializeAllowed(node.children);
		else if (VOID_TAGS.has(node.name)) out += `<${node.name}${serializeAttributes(node.attrs)}>`;
		else
			out += `<${node.name}${serializeAttributes(node.attrs)}>${serializeAllowed(node.children)}</${node.name}>`;
	}
	return out;
}

/** DOMPurify's output for a string containing `<`, with the post allow-list. */
export function sanitizeHtml(input: string): string {
	return serializeAllowed(parseBody(input).children);
}

/**
 * The length check's parse5 round trip of sanitised HTML. Not always the identity: the parser
 * re-nests what DOMPurify's unwrapping left behind (`<p><u><h1>` closes the paragraph now).
 */
export function reserializeFragment(html: string): string {
	return serializeAllowed(parseBody(html, true).children);
}
