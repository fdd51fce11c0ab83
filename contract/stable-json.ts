/**
 * Deterministic JSON (object keys sorted) for every hash that must not depend on property order:
 * the n8n node's derived Idempotency-Key, the daemon's content identity and its PostFast request
 * groups. An object member whose value is `undefined` is left out, as `JSON.stringify` leaves it out
 * of the body that is sent, so a hash never differs between a body and its copy on the wire.
 */
export function stableJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
	if (value && typeof value === 'object') {
		const entries = Object.entries(value as Record<string, unknown>)
			.filter(([, v]) => v !== undefined)
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
	}
	return JSON.stringify(value) ?? 'null';
}
