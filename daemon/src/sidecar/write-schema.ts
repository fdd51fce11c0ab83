/** Writes daemon/schema/sidecar.schema.json from the zod schema (run by `npm run schema -w daemon`). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sidecarJsonSchema } from './schema';

const out = join(__dirname, '..', '..', '..', '..', 'schema', 'sidecar.schema.json');
const generated = sidecarJsonSchema() as { required?: string[] };
// version, text, targets and when may come from a _defaults.json: an editor must not flag a
// sidecar that relies on them. The daemon still requires them after the merge.
delete generated.required;
const schema = {
	...generated,
	$id: 'https://postspool.invalid/schema/sidecar.schema.json',
	title: 'postspool sidecar v1',
};
writeFileSync(out, `${JSON.stringify(schema, null, '\t')}\n`);
console.log(`wrote ${out}`);
