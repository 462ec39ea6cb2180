#!/usr/bin/env node
// The `daicho` command (also behind `npm start` and `npm run daicho`): runs the TypeScript CLI through tsx (a runtime
// dependency), with the node flags of node-flags.mjs.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { nodeFlags } from './node-flags.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsx = createRequire(import.meta.url).resolve('tsx');
const result = spawnSync(process.execPath, [...nodeFlags(), '--import', tsx, path.join(root, 'src/cli/main.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
