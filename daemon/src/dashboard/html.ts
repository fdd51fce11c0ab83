/**
 * HTML built by one tagged template that escapes every interpolated value: names from the drop
 * folder are untrusted, and a file called `<script>…` must show as text. Only `Html` values (other
 * templates) pass through unescaped.
 */
export class Html {
	constructor(readonly text: string) {}
	toString(): string {
		return this.text;
	}
}

type Value = Html | string | number | boolean | null | undefined | Value[];

const ESCAPES: Record<string, string> = {
	'&': '&amp;',
	'<': '&lt;',
	'>': '&gt;',
	'"': '&quot;',
	"'": '&#39;',
	'`': '&#96;',
};

/**
 * Control characters other than HTML's whitespace (tab, LF, FF, CR): a NUL or an ESC from a query
 * string or a file name must not reach the page raw. They show as U+FFFD, as a parser shows a NUL.
 */
const CONTROL = /[\0-\x08\x0b\x0e-\x1f\x7f-\x9f]/g;

export function escapeHtml(text: string): string {
	return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c]).replace(CONTROL, '\ufffd');
}

function render(v: Value): string {
	if (v instanceof Html) return v.text;
	if (Array.isArray(v)) return v.map(render).join('');
	if (v === null || v === undefined || v === false) return '';
	return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
	let out = strings[0];
	for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
	return new Html(out);
}

/** A time as the user reads it: UTC, minutes (the machine may not share the browser's zone). */
export function time(ms: number | null | undefined): string {
	if (ms == null) return '—';
	if (!Number.isFinite(ms)) return 'never';
	return new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

/** A `<time>` element: machine-readable datetime, readable text. */
export function timeEl(ms: number | null | undefined): Html {
	if (ms == null || !Number.isFinite(ms)) return html`${time(ms)}`;
	return html`<time datetime="${new Date(ms).toISOString()}">${time(ms)}</time>`;
}

/** Only http(s) links reach an href (a stored URL from a service is still untrusted). */
export function safeHref(url: string | null | undefined): string | undefined {
	if (!url) return undefined;
	try {
		const u = new URL(url);
		return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined;
	} catch {
		return undefined;
	}
}
