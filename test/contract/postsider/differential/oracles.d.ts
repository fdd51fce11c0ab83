// Minimal types for the oracle libraries that ship none (test-only).
declare module 'parse5-6' {
	export function parseFragment(html: string): unknown;
	export function serialize(node: unknown): string;
}
declare module 'twitter-text' {
	const twitter: { parseTweet(text: string): { weightedLength: number; valid: boolean } };
	export default twitter;
}
declare module 'file-type-16' {
	export function fromBuffer(data: Uint8Array): Promise<{ ext: string; mime: string } | undefined>;
}
