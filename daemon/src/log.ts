/**
 * Logging: JSON lines on stdout for service managers, a readable line on a TTY. Values that look
 * like secrets are never passed in; `redact` is a last line of defence for free text.
 */
export type Level = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
	log(level: Level, msg: string, fields?: Record<string, unknown>): void;
	/**
	 * One live line under the log (upload progress), rewritten in place; '' removes it. Only on a
	 * terminal: elsewhere it is ignored, so log files and service journals never see it.
	 */
	status?(line: string): void;
}

/** Carriage return and erase-line: the status line is rewritten in place, never scrolled. */
const CLEAR_LINE = '\r\x1b[2K';

const COLORS: Record<Level, string> = {
	debug: '\x1b[90m',
	info: '\x1b[36m',
	warn: '\x1b[33m',
	error: '\x1b[31m',
};

/** Removes anything that looks like a credential from free text (headers, query signatures). */
export function redact(text: string): string {
	return text
		.replace(
			/(authorization|pf-api-key|x-amz-signature|x-amz-credential|api[_-]?key)(["'\s:=]+)[^\s"'&,]+/gi,
			'$1$2[redacted]',
		)
		.replace(/Bearer\s+[A-Za-z0-9._-]+/g, 'Bearer [redacted]');
}

export function createLogger(
	opts: { pretty?: boolean; stream?: NodeJS.WritableStream; minLevel?: Level } = {},
): Logger {
	const stream = opts.stream ?? process.stdout;
	const pretty = opts.pretty ?? Boolean((stream as NodeJS.WriteStream).isTTY);
	const order: Level[] = ['debug', 'info', 'warn', 'error'];
	const min = order.indexOf(opts.minLevel ?? 'info');
	const tty = Boolean((stream as NodeJS.WriteStream).isTTY);
	let status = '';
	// A log line clears the status line first and draws it again below, in one write, so the two
	// never interleave.
	const write = (line: string) =>
		stream.write(status ? `${CLEAR_LINE}${line}${status}` : line);
	return {
		status(line) {
			if (!tty) return;
			const fitted = fitColumns(line, (stream as NodeJS.WriteStream).columns);
			if (fitted === status) return;
			status = fitted;
			stream.write(`${CLEAR_LINE}${status}`);
		},
		log(level, msg, fields = {}) {
			if (order.indexOf(level) < min) return;
			const text = redact(msg);
			if (pretty) {
				// A file name can hold control characters (ESC, CR, LF): shown escaped, they cannot
				// recolour the terminal or forge a log line.
				const extra = Object.entries(fields)
					.map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
					.join(' ');
				write(
					`${COLORS[level]}${new Date().toISOString().slice(11, 19)} ${level.padEnd(5)}\x1b[0m ${escapeControl(text)}${extra ? ` \x1b[90m${escapeControl(redact(extra))}\x1b[0m` : ''}\n`,
				);
			} else {
				write(
					`${redact(JSON.stringify({ time: new Date().toISOString(), level, msg: text, ...fields }))}\n`,
				);
			}
		},
	};
}

export const silentLogger: Logger = { log() {} };

/** `line` cut to fit a terminal of `columns` (a wrapped line could not be rewritten in place). */
function fitColumns(line: string, columns: number | undefined): string {
	const max = Math.max((columns || 80) - 1, 1);
	const chars = [...line];
	return chars.length <= max ? line : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * Control characters (C0, DEL, C1) and bidirectional overrides as visible escapes (`\x1b`,
 * `\u202e`), for text people read on a terminal; `keep` lists characters left as they are.
 */
export function escapeControl(text: string, keep = ''): string {
	return text.replace(/[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) =>
		keep.includes(c)
			? c
			: c.charCodeAt(0) < 0x100
				? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`
				: `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
	);
}
