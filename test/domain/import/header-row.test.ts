import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { detectHeaderRow } from '../../../src/domain/import/header-row.ts';
import { csvRecords, fileRecords, fixtureText } from './read-fixture.ts';

const DATA = '/work/shared/data';

describe('detectHeaderRow: Eight\'s 名刺 export (7 title lines above the header)', () => {
  const text = fixtureText('eight-meishi.csv');

  test('the header is line 8; the title, export date, count and note are skipped (blank lines are no records)', () => {
    const records = csvRecords(text);
    const d = detectHeaderRow(records.map((r) => r.fields));
    assert.equal(records[d.index]!.line, 8);
    assert.equal(records[d.index]!.fields[0], '会社名');
    assert.equal(d.skipped, 4);
    assert.ok(d.confidence >= 0.8, String(d.confidence));
    assert.match(d.reason, /それより上の行は表題などとして読み飛ばします/u);
    assert.doesNotMatch(d.reason, /4 行/u); // 7 lines in the file, 3 of them blank: no count that would not match the file
  });

  test('the same with the title lines padded to the full width (Excel saves them so) and blank rows kept as rows', () => {
    const width = csvRecords(text).at(-1)!.fields.length;
    const lines = text.split('\r\n');
    const padded = lines.map((l, i) => (i < 7 ? l + ','.repeat(width - 1 - (l.match(/,/gu)?.length ?? 0)) : l)).join('\r\n');
    const records = csvRecords(padded);
    assert.equal(records.length, csvRecords(text).length + 3); // ",,,," lines are records
    const d = detectHeaderRow(records.map((r) => r.fields));
    assert.equal(d.index, 7);
    assert.equal(records[d.index]!.line, 8);
    assert.equal(d.skipped, 4); // blank rows are not counted as skipped title lines
  });

  test('as an xlsx sheet gives it: ragged rows, blank rows as empty arrays', () => {
    const rows = text.split('\r\n').slice(0, -1).map((l) => (l === '' ? [] : csvRecords(l)[0]!.fields));
    assert.equal(detectHeaderRow(rows).index, 7);
  });
});

describe('detectHeaderRow on the files in /work/shared/data', () => {
  const files = fs
    .readdirSync(DATA, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.csv'))
    .map((f) => path.join(DATA, f))
    .sort();
  const cache = new Map<string, string[][]>();
  const rowsOf = (f: string) => {
    if (!cache.has(f)) cache.set(f, fileRecords(f, 64 * 1024).slice(0, 100).map((r) => r.fields));
    return cache.get(f)!;
  };
  // Lists without a header row: nothing in them may be taken for one further down.
  const headerless = (f: string) => /jpnames|groceries\/groceries\.csv$/u.test(f);

  test('there are files to look at', () => assert.ok(files.length >= 25, String(files.length)));

  test('every file keeps its first row as the header (nothing skipped)', () => {
    for (const f of files) {
      const d = detectHeaderRow(rowsOf(f).slice(0, 60));
      assert.deepEqual([d.index, d.skipped], [0, 0], f);
    }
  });

  test('a window of data rows from the middle of a file has no header below its first row', () => {
    for (const f of files) {
      const rows = rowsOf(f).slice(40, 100);
      if (rows.length < 10) continue;
      assert.equal(detectHeaderRow(rows).skipped, 0, f);
    }
  });

  const preambles: Record<string, (width: number) => string[][]> = {
    'a title': () => [['顧客一覧']],
    'Eight-like': () => [['Eight 名刺データ（氏名）'], ['出力日時', '2024/05/01 10:15'], ['出力件数', '6件'], [], ['※このファイルには名刺の情報が含まれます。'], [], []],
    'padded to the width': (w) => [pad(['顧客一覧'], w), pad(['出力日', '2024/01/01'], w), pad([], w)],
    'key, value lines': () => [['Report', 'Contacts export'], ['Generated', '2024-05-01 10:00:00'], ['Rows', '1000'], ['Filter', 'All contacts']],
    'English report lines': (w) => [pad(['Contacts report'], w), pad(['Exported by: Owner One'], w), pad(['Date: 2024-05-01'], w), pad([], w)],
    'a long note': (w) => [pad(['この一覧は 2024年5月1日 時点の会員情報です。個人情報を含むため社外秘として扱ってください。'], w)],
  };
  for (const [name, make] of Object.entries(preambles)) {
    test(`${name} above each file's header: the header is found`, () => {
      for (const f of files.filter((x) => !headerless(x))) {
        const rows = rowsOf(f).slice(0, 60);
        const pre = make(rows[0]!.length);
        assert.equal(detectHeaderRow([...pre, ...rows]).index, pre.length, f);
      }
    });
  }
});

describe('detectHeaderRow: small cases', () => {
  test('a one-column list with a title', () => {
    const rows = [['顧客一覧'], ['メールアドレス'], ...Array.from({ length: 5 }, (_, i) => [`user${i}@example.jp`])];
    assert.equal(detectHeaderRow(rows).index, 1);
  });

  test('a header over plain words (no numbers, no known names) is still the first row', () => {
    const rows = [['品名', '産地'], ['りんご', '青森'], ['みかん', '愛媛'], ['ぶどう', '山梨']];
    assert.deepEqual([detectHeaderRow(rows).index, detectHeaderRow(rows).skipped], [0, 0]);
  });

  test('a headerless table stays as it was read (first row), with lower confidence than a real header', () => {
    const data = Array.from({ length: 8 }, (_, i) => [`見本 ${i}郎`, `user${i}@example.jp`, `03-5555-01${i}0`]);
    const headerless = detectHeaderRow(data);
    assert.deepEqual([headerless.index, headerless.skipped], [0, 0]);
    const withHeader = detectHeaderRow([['氏名', 'メール', '電話'], ...data]);
    assert.equal(withHeader.index, 0);
    assert.ok(withHeader.confidence > headerless.confidence + 0.3, `${withHeader.confidence} vs ${headerless.confidence}`);
  });

  test('title lines with more than two cells are not skipped (a profile\'s header_row says where the header is)', () => {
    const rows = [['出力条件', '全件', '並び順', '登録日'], ['ID', '氏名', 'メール', '電話', '会社名', '部署名', '役職', '郵便番号', '住所'],
      ...Array.from({ length: 5 }, (_, i) => [`${i + 1}`, `見本 ${i}郎`, `u${i}@example.jp`, `03-5555-010${i}`, 'サンプル商事', '営業部', '', '100-0001', '東京都千代田区'])];
    assert.equal(detectHeaderRow(rows).index, 0);
  });

  test('empty input, and only blank rows', () => {
    assert.deepEqual(detectHeaderRow([]), { index: 0, confidence: 0, skipped: 0, reason: '空の表です (the table is empty)' });
    assert.equal(detectHeaderRow([[], ['', ' ']]).confidence, 0);
  });

  test('blank rows before the header are passed over without counting as title lines', () => {
    const d = detectHeaderRow([[], ['', ''], ['氏名', 'メール'], ['見本 太郎', 'taro@example.jp']]);
    assert.deepEqual([d.index, d.skipped], [2, 0]);
  });
});

function pad(row: string[], width: number): string[] {
  return [...row, ...Array<string>(Math.max(0, width - row.length)).fill('')];
}
