// n8n's community-node lint, with its cloud rules, over the package n8n loads (nodes/,
// credentials/, contract/). The daemon, the emulators, tests and scripts are separate programs
// that legitimately use process, timers and the filesystem, so they are outside its scope; that
// one ignore line is why package.json has "strict": false.
import { globalIgnores } from 'eslint/config';
import { config } from '@n8n/node-cli/eslint';

export default [globalIgnores(['daemon/', 'emulators/', 'test/', 'bench/', 'scripts/', '.e2e/', '.artifacts/']), ...config];
