// Copies what tsc does not emit but n8n loads from dist/: icons and codex files.
import { cpSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join, extname } from 'node:path';

const ASSETS = new Set(['.svg', '.png', '.json']);
function copy(dir) {
  for (const name of readdirSync(dir)) {
    const from = join(dir, name);
    if (statSync(from).isDirectory()) copy(from);
    else if (ASSETS.has(extname(name))) cpSync(from, join('dist', from));
  }
}
for (const root of ['nodes', 'credentials']) if (existsSync(root)) copy(root);
