#!/usr/bin/env node
// The `daicho` command (also behind `npm start` and `npm run daicho`): runs the TypeScript CLI through tsx (a runtime
// dependency), with the node flags of node-flags.mjs. Signals sent to this launcher go to the CLI (a process manager's
// SIGTERM must stop the server, not leave it running without its parent), and its exit code is the CLI's.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { nodeFlags } from './node-flags.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsx = createRequire(import.meta.url).resolve('tsx');
const child = spawn(process.execPath, [...nodeFlags(), '--import', tsx, path.join(root, 'src/cli/main.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
