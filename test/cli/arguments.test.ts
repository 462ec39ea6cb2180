import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ENGINES, newPgliteFolder } from '../support/engines.ts';
import { exited, waitForOutput } from '../support/process.ts';

const ROOT = path.join(import.meta.dirname, '../..');
const CLI = ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts')];

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// `daicho serve --port 23456` started on 3000: an option a command does not know was ignored, not refused.
test('the CLI refuses an unknown command, an unknown option or an argument it does not take, with exit code 2, before it opens the database', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-cli-args-'));
  try {
    const customers = path.join(dir, 'customers.json');
    const orders = path.join(dir, 'orders.json');
    fs.writeFileSync(customers, JSON.stringify({ source: 'crm', id_column: 'ID', fields: { full_name: '氏名' } }));
    fs.writeFileSync(orders, JSON.stringify({ kind: 'orders', source: 'shop' }));
    const csv = path.join(dir, 'rows.csv');
    fs.writeFileSync(csv, 'ID,氏名\n1,山田 太郎\n');
    // A database nobody listens on: a command that got as far as opening it would fail with another code.
    const env = { ...process.env, DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none', DAICHO_DATA_DIR: path.join(dir, 'data') };
    const cases: [string[], RegExp][] = [
      [['frobnicate'], /Unknown command: frobnicate/u],
      [['--port', '8080'], /Unknown command: --port/u],
      [['serve', '--prot', '8080'], /Unknown option '--prot'/u],
      [['serve', '--port', 'http'], /--port .*"http"/u],
      [['serve', '--port', '70000'], /--port .*"70000"/u],
      [['serve', 'now'], /Unexpected argument 'now'/u],
      [['migrate', '--dry-run'], /Unknown option '--dry-run'/u],
      [['user', 'create', '--email', 'a@example.co.jp', '--password', 'correct horse battery', '--admin'], /Unknown option '--admin'/u],
      [['user', 'create', '--email'], /--email/u],
      [['user', 'delete', '--email', 'a@example.co.jp'], /Unknown command: user delete/u],
      [['export', 'links', '--format', 'jsonl'], /Unknown option '--format'/u],
      [['export', 'links', 'links.csv'], /Unexpected argument 'links\.csv'/u],
      [['export', 'everything'], /Unknown command: export everything/u],
      [['import', csv, csv, '--mapping', customers], /one FILE/u],
      [['import', csv, '--mapping', orders, '--validate'], /--validate/u],
      [['import', csv, '--mapping', customers, '--event', 'seminar'], /--event/u],
      [['backup'], /needs --out FILE/u],
      [['backup', '--out', path.join(dir, 'b'), '--format', 'tar'], /--format is auto, rows or pg_dump/u],
      [['restore'], /give one backup FILE/u],
      [['restore', csv, csv], /give one backup FILE/u],
      [['restore', path.join(dir, 'missing.daicho-backup')], /no such file/u],
      [['restore', csv, '--yes'], /Unknown option '--yes'/u],
    ];
    for (const [args, message] of cases) {
      const run = spawnSync(process.execPath, [...CLI, ...args], { env, encoding: 'utf8' });
      assert.equal(run.status, 2, `daicho ${args.join(' ')}: exit ${run.status}\n${run.stderr}`);
      assert.match(run.stderr, message, `daicho ${args.join(' ')}`);
      assert.match(run.stderr, /Usage: (npm run )?daicho /u, `daicho ${args.join(' ')} shows how the command is used`);
      assert.equal(run.stdout, '');
    }
    const help = spawnSync(process.execPath, [...CLI, 'serve', '--help'], { env, encoding: 'utf8' });
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /serve \[--port N\] \[--host ADDRESS\]/u);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('daicho serve --port and --host override PORT and HOST', { skip: !ENGINES.includes('pglite') }, async () => {
  const dataDir = await newPgliteFolder();
  const [port, envPort] = [await freePort(), await freePort()];
  const env = { ...process.env, DAICHO_DATA_DIR: dataDir, DATABASE_URL: '', PORT: String(envPort), HOST: '0.0.0.0' };
  const server = spawn(process.execPath, [...CLI, 'serve', '--port', String(port), '--host', '127.0.0.1'], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  try {
    const [, url] = await waitForOutput(server, /running at (\S+)/u);
    assert.equal(url, `http://127.0.0.1:${port}/`);
    const response = await fetch(`${url}api/v1/auth/me`);
    assert.equal(response.status, 401, 'the server answers on the port it was given');
    server.kill('SIGTERM');
    assert.deepEqual(await exited(server), { code: 0, signal: null });
  } finally {
    try { process.kill(-server.pid!, 'SIGKILL'); } catch { /* all gone */ }
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
