import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { openTable, previewTable, type OpenedTable, type TableRow } from '../../../../src/intake/files/readers/index.ts';
import { cellText } from '../../../../src/intake/files/readers/xlsx-reader.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-xlsx-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function readAll(table: OpenedTable): Promise<TableRow[]> {
  const rows: TableRow[] = [];
  for await (const row of table.rows) rows.push(row);
  return rows;
}

/** A typical department workbook: a customer sheet with awkward cells, and a second sheet. */
async function customersWorkbook(file: string): Promise<void> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('顧客一覧');
  ws.addRow(['会員番号', '氏名', '生年月日', '登録日時', '電話番号', '店舗コード', 'メモ', '合計', '有効', 'サイト', '氏名']);
  const r2 = ws.addRow([
    '00123', // a zero-padded code typed as text
    '髙橋 﨑子',
    new Date(Date.UTC(1985, 3, 7)), // a date cell
    new Date(Date.UTC(2024, 0, 15, 9, 30, 5)), // date and time
    9012345678, // a phone number Excel turned into a number (leading 0 lost: the data's problem, not ours)
    42, // a number shown as 00042 by its format
    { richText: [{ text: '太字', font: { bold: true } }, { text: 'と普通' }] },
    { formula: 'SUM(1,2)', result: 3 },
    true,
    { text: '会社サイト', hyperlink: 'https://example.jp' },
    '山田',
  ]);
  r2.getCell(3).numFmt = 'yyyy/mm/dd';
  r2.getCell(4).numFmt = 'yyyy/mm/dd hh:mm:ss';
  r2.getCell(6).numFmt = '00000';
  ws.addRow([]); // an empty row: skipped
  ws.addRow(['00456', '①㈱ ｶﾀｶﾅ', null, null, '03-1234-5678', 7]).getCell(6).numFmt = '00000';
  const r5 = ws.addRow(['789', '値が右にはみ出す']);
  r5.getCell(13).value = 'stray'; // beyond the 11 headed columns
  ws.addRow(['790', '改行\nを含む']);
  const other = wb.addWorksheet('別シート');
  other.addRow(['code', 'name']);
  other.addRow(['A1', 'other sheet']);
  await wb.xlsx.writeFile(file);
}

describe('xlsx', () => {
  const file = path.join(tmp, 'customers.xlsx');

  test('cells read as text: text codes keep their zeros, dates become ISO, formats, rich text, formulas, booleans, links', async () => {
    await customersWorkbook(file);
    const table = await openTable(file);
    assert.equal(table.format, 'xlsx');
    assert.equal(table.encoding, null);
    assert.equal(table.delimiter, null);
    assert.deepEqual(table.headers, ['会員番号', '氏名', '生年月日', '登録日時', '電話番号', '店舗コード', 'メモ', '合計', '有効', 'サイト', '氏名 (2)']);
    const rows = await readAll(table);
    assert.deepEqual(rows[0], {
      line: 2,
      values: {
        会員番号: '00123',
        氏名: '髙橋 﨑子',
        生年月日: '1985-04-07',
        登録日時: '2024-01-15T09:30:05',
        電話番号: '9012345678',
        店舗コード: '00042',
        メモ: '太字と普通',
        合計: '3',
        有効: 'TRUE',
        サイト: '会社サイト',
        '氏名 (2)': '山田',
      },
    });
    // Row 3 is empty and skipped; line numbers are sheet row numbers.
    assert.deepEqual(rows[1], {
      line: 4,
      values: { 会員番号: '00456', 氏名: '①㈱ ｶﾀｶﾅ', 生年月日: '', 登録日時: '', 電話番号: '03-1234-5678', 店舗コード: '00007', メモ: '', 合計: '', 有効: '', サイト: '', '氏名 (2)': '' },
    });
    assert.equal(rows[2]!.line, 5);
    assert.ok('error' in rows[2]! && rows[2].code === 'extra_cells' && /column 13/u.test(rows[2].error), JSON.stringify(rows[2]));
    assert.ok('values' in rows[3]! && rows[3].values['氏名'] === '改行\nを含む' && rows[3].line === 6);
    assert.equal(rows.length, 4);
    assert.equal(table.progress().bytesRead, fs.statSync(file).size);
  });

  test('sheet by name or 1-based position; a missing sheet names the ones there are', async () => {
    for (const sheet of ['別シート', 2]) {
      const table = await openTable(file, { sheet });
      assert.deepEqual(table.headers, ['code', 'name']);
      assert.deepEqual(await readAll(table), [{ line: 2, values: { code: 'A1', name: 'other sheet' } }]);
    }
    await assert.rejects(openTable(file, { sheet: 'なし' }), /no sheet "なし"; sheets: 顧客一覧, 別シート/u);
  });

  test('headerRow skips title rows', async () => {
    const titled = path.join(tmp, 'titled.xlsx');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('s');
    ws.addRow(['顧客一覧 2024年1月']);
    ws.addRow([]);
    ws.addRow(['ID', '氏名']);
    ws.addRow(['1', '山田']);
    await wb.xlsx.writeFile(titled);
    const table = await openTable(titled, { headerRow: 3 });
    assert.deepEqual(table.headers, ['ID', '氏名']);
    assert.deepEqual(await readAll(table), [{ line: 4, values: { ID: '1', 氏名: '山田' } }]);
  });

  test('title rows above the header are detected without headerRow; the rows under it are all read', async () => {
    const titled = path.join(tmp, 'eight.xlsx');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('s');
    ws.addRow(['Eight 名刺データ（氏名）']);
    ws.addRow(['出力日時', '2024/05/01 10:15']);
    ws.addRow([]);
    ws.addRow(['会社名', '氏名', 'e-mail', '携帯電話']);
    for (let i = 0; i < 70; i++) ws.addRow([`株式会社見本${i}`, `見本 ${i}郎`, `user${i}@example.jp`, `090-0000-${String(i).padStart(4, '0')}`]);
    await wb.xlsx.writeFile(titled);
    const table = await openTable(titled);
    assert.deepEqual([table.headers, table.headerLine], [['会社名', '氏名', 'e-mail', '携帯電話'], 4]);
    assert.match(table.warnings[0]!, /^4行目を見出しとしました/u);
    const rows = await readAll(table);
    assert.equal(rows.length, 70);
    assert.deepEqual(rows.map((r) => r.line), Array.from({ length: 70 }, (_, i) => i + 5));
    assert.ok(rows.every((r) => 'values' in r));
  });

  test('the format comes from the bytes, not the name', async () => {
    const renamed = path.join(tmp, 'upload.bin');
    fs.copyFileSync(file, renamed);
    assert.equal((await openTable(renamed)).format, 'xlsx');
  });

  test('preview and suggestion from an xlsx', async () => {
    const p = await previewTable(file, 2);
    assert.equal(p.format, 'xlsx');
    assert.equal(p.rows.length, 2);
    assert.equal(p.more, true);
    assert.equal(p.suggestion.idColumn, '会員番号');
    assert.equal(p.suggestion.fields.birth_date, '生年月日');
    assert.equal(p.suggestion.fields.phone, '電話番号');
  });

  test('a large sheet written by the streaming writer (shared strings) is read row by row', async () => {
    const big = path.join(tmp, 'big.xlsx');
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: big, useSharedStrings: true, useStyles: true });
    const ws = writer.addWorksheet('data');
    ws.addRow(['id', 'name', 'date']).commit();
    const n = 20_000;
    for (let i = 1; i <= n; i++) {
      const row = ws.addRow([String(i).padStart(6, '0'), `山田 ${i % 100}`, new Date(Date.UTC(2000, 0, 1 + (i % 365)))]);
      row.getCell(3).numFmt = 'yyyy-mm-dd';
      row.commit();
    }
    ws.commit();
    await writer.commit();
    const table = await openTable(big);
    let count = 0;
    let last: TableRow | null = null;
    for await (const row of table.rows) {
      count++;
      last = row;
    }
    assert.equal(count, n);
    const lastDate = new Date(Date.UTC(2000, 0, 1 + (n % 365))).toISOString().slice(0, 10);
    assert.equal(lastDate, '2000-10-17');
    assert.deepEqual(last, { line: n + 1, values: { id: String(n).padStart(6, '0'), name: `山田 ${n % 100}`, date: lastDate } });
  });

  test('breaking out early closes the workbook', async () => {
    const table = await openTable(file);
    for await (const row of table.rows) {
      assert.equal(row.line, 2);
      break;
    }
    await table.close();
  });

  test('regression (exceljs #3064): workbook.xml stored last is always read, 30 times in a row', async () => {
    const twoSheets = path.join(tmp, 'two-sheets.xlsx');
    const wb = new ExcelJS.Workbook();
    const first = wb.addWorksheet('一枚目');
    first.addRow(['id', 'name']);
    for (let i = 1; i <= 50; i++) first.addRow([String(i).padStart(4, '0'), `一 ${i}`]);
    const second = wb.addWorksheet('二枚目');
    second.addRow(['code', 'memo']);
    second.addRow(['B', '二枚目の行']);
    await wb.xlsx.writeFile(twoSheets);
    for (let round = 0; round < 30; round++) {
      const wanted = [undefined, 1, '一枚目', 2, '二枚目'][round % 5];
      const table = await openTable(twoSheets, { sheet: wanted });
      const rows = await readAll(table);
      if (wanted === 2 || wanted === '二枚目') {
        assert.deepEqual(table.headers, ['code', 'memo'], `round ${round}`);
        assert.deepEqual(rows, [{ line: 2, values: { code: 'B', memo: '二枚目の行' } }], `round ${round}`);
      } else {
        assert.deepEqual(table.headers, ['id', 'name'], `round ${round}`);
        assert.equal(rows.length, 50, `round ${round}`);
        assert.deepEqual(rows[49], { line: 51, values: { id: '0050', name: '一 50' } }, `round ${round}`);
      }
      assert.equal(table.progress().bytesRead, fs.statSync(twoSheets).size);
    }
  });

  test('positions follow the tabs of workbook.xml, not the part numbers; names find their part', async () => {
    const reordered = path.join(tmp, 'reordered.xlsx');
    const wb = new ExcelJS.Workbook();
    const a = wb.addWorksheet('A'); // xl/worksheets/sheet1.xml, second tab
    a.addRow(['a']);
    a.addRow(['from A']);
    const b = wb.addWorksheet('B'); // xl/worksheets/sheet2.xml, first tab
    b.addRow(['b']);
    b.addRow(['from B']);
    Object.assign(a, { orderNo: 2 }); // tab position (exceljs's untyped orderNo)
    Object.assign(b, { orderNo: 1 });
    await wb.xlsx.writeFile(reordered);
    const cases = [[undefined, 'b', 'from B'], [1, 'b', 'from B'], [2, 'a', 'from A'], ['A', 'a', 'from A'], [' B ', 'b', 'from B']] as const;
    for (const [sheet, header, value] of cases) {
      const table = await openTable(reordered, { sheet });
      assert.deepEqual(table.headers, [header], String(sheet));
      assert.deepEqual(await readAll(table), [{ line: 2, values: { [header]: value } }], String(sheet));
    }
    await assert.rejects(openTable(reordered, { sheet: 3 }), /no sheet 3; sheets: B, A/u);
  });

  test('a workbook without sharedStrings.xml (inline strings) reads', async () => {
    const inline = path.join(tmp, 'inline.xlsx');
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: inline, useSharedStrings: false });
    const ws = writer.addWorksheet('s');
    ws.addRow(['id', 'name']).commit();
    ws.addRow(['007', '山田']).commit();
    ws.commit();
    await writer.commit();
    const table = await openTable(inline);
    assert.deepEqual(table.headers, ['id', 'name']);
    assert.deepEqual(await readAll(table), [{ line: 2, values: { id: '007', name: '山田' } }]);
  });

  test('a broken zip is an error, not a crash', async () => {
    const broken = path.join(tmp, 'broken.xlsx');
    fs.writeFileSync(broken, Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(64, 7)]));
    await assert.rejects(openTable(broken), /xlsx|sheet/u);
  });
});

describe('cellText', () => {
  test('value kinds', () => {
    assert.equal(cellText(null), '');
    assert.equal(cellText('00123'), '00123');
    assert.equal(cellText(0.1), '0.1');
    assert.equal(cellText(123, '000000'), '000123');
    assert.equal(cellText(1234567, '000'), '1234567');
    assert.equal(cellText(45292, 'yyyy/m/d'), '2024-01-01'); // a formula result with a date format
    assert.equal(cellText(0.5, 'h:mm'), '12:00:00');
    assert.equal(cellText(45292, '[Red]0.00'), '45292');
    assert.equal(cellText(45292, '"Date" 0'), '45292');
    assert.equal(cellText(false), 'FALSE');
    assert.equal(cellText({ error: '#N/A' }), '#N/A');
    assert.equal(cellText({ sharedFormula: 'A1', result: 'x' }), 'x');
    assert.equal(cellText({ text: { richText: [{ text: 'a' }, { text: 'b' }] }, hyperlink: 'mailto:x' }), 'ab');
  });
});
