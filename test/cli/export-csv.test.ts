import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import iconv from 'iconv-lite';
import { parseCsvText } from '../../src/domain/import/csv.ts';
import { problemLines } from '../../src/intake/orders/orders.import.ts';
import { formatCsv } from '../domain/import/arbitraries.ts';
import { FORMULA_PAYLOADS, FORMULA_START } from '../support/formula-payloads.ts';
import { ENGINES } from '../support/engines.ts';

const ROOT = path.join(import.meta.dirname, '../..');
const CLI = ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts')];

function cellsOf(text: string): string[][] {
  return parseCsvText(text, { delimiter: ',' }).map((r) => {
    assert.ok('fields' in r, `line ${r.line} parses`);
    return r.fields;
  });
}

function assertNoFormula(rows: string[][], what: string): void {
  for (const row of rows) for (const cell of row) assert.doesNotMatch(cell, FORMULA_START, `${what}: ${JSON.stringify(cell)}`);
}

// The CLI on the embedded engine (its data folder is the test's own); the API tests cover the exports on both engines.
test('the CLI writes planted formulas back as text: import --report, export customers (CP932), export links', { timeout: 120_000, skip: !ENGINES.includes('pglite') }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-cli-csv-'));
  try {
    const file = path.join(dir, 'planted.csv');
    const profile = path.join(dir, 'profile.json');
    fs.writeFileSync(file, iconv.encode(formatCsv([
      ['id', '氏名', '会社名', '部署', 'メールアドレス'],
      [FORMULA_PAYLOADS.minus, '山田 太郎', FORMULA_PAYLOADS.hyperlink, FORMULA_PAYLOADS.at, '=1+1@example.com'],
    ]), 'cp932'));
    fs.writeFileSync(profile, JSON.stringify({ source: 'planted', id_column: 'id', fields: { full_name: '氏名', company_name: '会社名', department: '部署', email: 'メールアドレス' } }));
    const env = { ...process.env, DAICHO_DATA_DIR: path.join(dir, 'data'), DATABASE_URL: '' };
    const cli = (...args: string[]) => spawnSync(process.execPath, [...CLI, ...args], { env, encoding: 'utf8' });

    const report = path.join(dir, 'report.csv');
    const imported = cli('import', file, '--mapping', profile, '--report', report);
    assert.equal(imported.status, 0, imported.stderr);
    const reportRows = cellsOf(fs.readFileSync(report, 'utf8'));
    assertNoFormula(reportRows, 'report');
    assert.ok(reportRows.some((r) => r[0] === '2' && r[4] === "'=1+1@example.com"), JSON.stringify(reportRows));

    const customers = path.join(dir, 'customers.csv');
    const exported = cli('export', 'customers', '--encoding', 'cp932', '--out', customers);
    assert.equal(exported.status, 0, exported.stderr);
    const customerRows = cellsOf(iconv.decode(fs.readFileSync(customers), 'cp932'));
    assertNoFormula(customerRows, 'customers');
    const header = customerRows[0]!;
    assert.equal(customerRows[1]![header.indexOf('会社名')], `'${FORMULA_PAYLOADS.hyperlink}`);
    assert.equal(customerRows[1]![header.indexOf('部署')], `'${FORMULA_PAYLOADS.at}`);

    const links = path.join(dir, 'links.csv');
    const linked = cli('export', 'links', '--out', links);
    assert.equal(linked.status, 0, linked.stderr);
    const linkRows = cellsOf(fs.readFileSync(links, 'utf8'));
    assertNoFormula(linkRows, 'links');
    assert.equal(linkRows[1]![1], `'${FORMULA_PAYLOADS.minus}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the order and attendance import report (CLI --report) escapes a planted value too', () => {
  const rows = cellsOf(problemLines([{ line: 7, field: 'email', reason: 'invalid', value: FORMULA_PAYLOADS.hyperlink }]).join('\n'));
  assertNoFormula(rows, 'order report');
  assert.deepEqual(rows[1], ['7', 'email', 'invalid', `'${FORMULA_PAYLOADS.hyperlink}`]);
});
