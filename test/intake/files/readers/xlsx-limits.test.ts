import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { openTable, type OpenedTable, type TableRow } from '../../../../src/intake/files/readers/index.ts';
import { writeLongCellXlsx, writeWideRowXlsx } from '../../../support/xlsx-writer.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-xlsx-limits-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
const MiB = 2 ** 20;

async function readAll(table: OpenedTable): Promise<TableRow[]> {
  const rows: TableRow[] = [];
  for await (const row of table.rows) rows.push(row);
  return rows;
}

/** Reads the file in a child process with Daicho's heap bound; how it ended and its memory. */
function readInChild(file: string): { error: string | null; rows: number; beforeMiB: number; peakMiB: number; afterMiB: number } {
  const child = spawnSync(process.execPath, ['--max-old-space-size=768', '--import', 'tsx', path.join(import.meta.dirname, '../../../support/xlsx-read-memory.ts'), file], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout.trim().split('\n').pop()!);
}

describe('xlsx: an over-long value is refused while the entry streams, with bounded memory', () => {
  for (const where of ['inline', 'shared'] as const) {
    test(`a 1 GiB cell (${where === 'inline' ? 'inline string in the sheet' : 'shared string'}) is refused; the reading process grows by less than 200 MB`, { timeout: 120_000 }, () => {
      const file = path.join(tmp, `gib-${where}.xlsx`);
      writeLongCellXlsx(file, where, 1024 * MiB);
      assert.ok(fs.statSync(file).size < 4 * MiB, 'small on disk');
      const result = readInChild(file);
      assert.match(result.error ?? '', /長すぎ.*longer than/su, JSON.stringify(result));
      assert.ok(result.peakMiB - result.beforeMiB < 200, `RSS ${result.beforeMiB.toFixed(0)} → peak ${result.peakMiB.toFixed(0)} MiB`);
    });
  }

  test('a row of 8 MiB of cells is refused', async () => {
    const file = path.join(tmp, 'wide-row.xlsx');
    writeWideRowXlsx(file, 8 * MiB);
    // Refused when it is read: at open now (the header is looked for among the first rows), or while the rows stream.
    await assert.rejects(async () => readAll(await openTable(file)), /行が長すぎ.*row longer than/su);
  });

  test('a long value under the bound is read whole (512 KiB in a cell, inline and shared)', async () => {
    for (const where of ['inline', 'shared'] as const) {
      const file = path.join(tmp, `long-${where}.xlsx`);
      writeLongCellXlsx(file, where, MiB / 2, 'あ');
      const rows = await readAll(await openTable(file));
      assert.equal(rows.length, 1);
      const value = (rows[0] as { values: Record<string, string> }).values['氏名']!;
      assert.equal(value.length, Math.floor(MiB / 2 / 3), where); // あ is 3 bytes in UTF-8
      assert.ok(/^あ+$/u.test(value), where);
    }
  });
});

describe('xlsx: text is decoded across the chunks the archive is inflated in', () => {
  test('20,000 rows of Japanese read back exactly (no U+FFFD where a character straddles two chunks)', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('顧客');
    ws.addRow(['ID', '氏名', '住所']);
    const expected: Array<Record<string, string>> = [];
    for (let i = 0; i < 20_000; i++) {
      const row = { ID: `K${i}`, 氏名: `山田 太郎${i}`, 住所: `東京都千代田区千代田${i}丁目` };
      expected.push(row);
      ws.addRow([row.ID, row.氏名, row.住所]);
    }
    const file = path.join(tmp, 'japanese.xlsx');
    await wb.xlsx.writeFile(file);
    const rows = await readAll(await openTable(file));
    assert.deepEqual(rows.map((r) => ('values' in r ? r.values : r)), expected);
  });
});
