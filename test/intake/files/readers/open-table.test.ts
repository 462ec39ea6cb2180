import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { openTable, previewTable, type OpenedTable, type TableRow } from '../../../../src/intake/files/readers/index.ts';
import { countLineBreaks } from '../../../../src/domain/import/csv.ts';
import { bindProfile, mapRow, parseImportProfile } from '../../../../src/domain/import/profile.ts';
import { CP932_CHARS, UTF8_CHARS, formatCsv, tableFrom } from '../../../domain/import/arbitraries.ts';

const DEV = '/work/shared/data/ja-dedup-dev';
const EIGHT = path.join(import.meta.dirname, '../../../domain/import/fixtures/eight-meishi.csv');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-readers-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
let counter = 0;
function write(name: string, content: string | Buffer | Uint8Array): string {
  const file = path.join(tmp, `${++counter}-${name}`);
  fs.writeFileSync(file, content);
  return file;
}
const cp932 = (s: string) => iconv.encode(s, 'cp932');

async function readAll(table: OpenedTable): Promise<TableRow[]> {
  const rows: TableRow[] = [];
  for await (const row of table.rows) rows.push(row);
  return rows;
}
const good = (rows: TableRow[]) => rows.filter((r): r is Extract<TableRow, { values: unknown }> => 'values' in r);
const bad = (rows: TableRow[]) => rows.filter((r): r is Extract<TableRow, { error: string }> => 'error' in r);

describe('ja-dedup-dev exports', () => {
  const files: Record<string, { encoding: string; bom: boolean; headers: number }> = {
    meishi: { encoding: 'cp932', bom: false, headers: 13 },
    shiryo_seikyu: { encoding: 'utf-8', bom: true, headers: 14 },
    ec_members: { encoding: 'cp932', bom: false, headers: 12 },
    seminar: { encoding: 'utf-8', bom: false, headers: 6 },
    pos_members: { encoding: 'cp932', bom: false, headers: 11 },
  };

  test('every file: encoding detected, every record read, ids = truth.csv', async () => {
    const truth = await openTable(`${DEV}/truth.csv`);
    const idsBySource = new Map<string, string[]>();
    for (const row of good(await readAll(truth))) {
      const list = idsBySource.get(row.values.source!) ?? [];
      list.push(row.values.external_id!);
      idsBySource.set(row.values.source!, list);
    }
    assert.deepEqual([...idsBySource.keys()].sort(), Object.keys(files).sort());
    for (const [source, want] of Object.entries(files)) {
      const table = await openTable(`${DEV}/${source}.csv`);
      assert.equal(table.format, 'csv', source);
      assert.equal(table.encoding, want.encoding, source);
      assert.equal(table.encodingDetection?.bom, want.bom, source);
      assert.equal(table.delimiter, ',', source);
      assert.equal(table.headers.length, want.headers, source);
      assert.ok(!table.headers.some((h) => h.startsWith('\ufeff')), `${source}: BOM stripped`);
      const rows = await readAll(table);
      assert.deepEqual(bad(rows), [], source);
      const expectedIds = idsBySource.get(source)!;
      assert.equal(rows.length, expectedIds.length, `${source}: row count = truth.csv count`);
      // Map with the shipped profile: every truth id comes out as an externalId, in file order.
      const profile = parseImportProfile(JSON.parse(fs.readFileSync(`${DEV}/${source}.mapping.json`, 'utf8')));
      const binding = bindProfile(profile, table.headers);
      assert.deepEqual(binding.missing, [], source);
      const ids = good(rows).map((r) => mapRow(r.values, binding.profile, r.line).externalId);
      assert.deepEqual(ids, expectedIds, source);
      // No multi-line records in these files: the data starts on line 2 and has no gaps.
      assert.deepEqual(rows.map((r) => r.line), expectedIds.map((_, i) => i + 2), source);
      assert.deepEqual(table.progress(), { bytesRead: fs.statSync(`${DEV}/${source}.csv`).size, totalBytes: fs.statSync(`${DEV}/${source}.csv`).size });
    }
  });

  test('values survive decoding: meishi (CP932), shiryo_seikyu (UTF-8 BOM), pos_members (half-width kana, leading zeros)', async () => {
    const meishi = good(await readAll(await openTable(`${DEV}/meishi.csv`)));
    assert.deepEqual(meishi[0]!.values, {
      名刺ID: '1000001', 会社名: '同和工営株式会社', 会社名カナ: '', 部署名: '情報システム部', 役職: '課長', 氏名: '細見　慶一郎', 郵便番号: '',
      住所: '〒702-8609 岡山県岡山市南区築港栄町３１－１０', 電話番号: '0862775651', FAX: '', メールアドレス: 'hosomi.keiichiro@gmail.com',
      名刺交換日: '2019/01/02', 所有者: 'マーケ 井上',
    });
    const shiryo = await openTable(`${DEV}/shiryo_seikyu.csv`);
    assert.equal(shiryo.headers[0], '受付番号');
    const first = good(await readAll(shiryo))[0]!;
    assert.equal(first.values['受付番号'], 'Q000001');
    assert.equal(first.values['姓'], '内藤');
    const pos = good(await readAll(await openTable(`${DEV}/pos_members.csv`)));
    assert.equal(pos[1]!.values['ﾌﾘｶﾞﾅ'], 'ｻｻｵｶ ｺｳｼﾞ');
    assert.equal(pos[0]!.values['電話番号'], '07018760975');
    assert.equal(pos[0]!.values['顧客コード'], '2400000000001');
  });

  test('the English data sets read as UTF-8 (ASCII) with their shipped profiles', async () => {
    for (const [file, rows] of [['/work/shared/data/febrl/febrl1.csv', 1000], ['/work/shared/data/febrl/febrl2.csv', 5000], ['/work/shared/data/splink_fake_1000/fake_1000.csv', 1000]] as const) {
      const table = await openTable(file);
      const all = await readAll(table);
      assert.equal(good(all).length, rows, file);
      assert.equal(table.encoding, 'utf-8', file);
    }
  });
});

describe('CSV structure', () => {
  test('quoted fields with line breaks: the row reports the line it starts on', async () => {
    const file = write('multi.csv', cp932('id,memo,name\r\n1,"一行目\r\n二行目\r\n三行目",山田\r\n2,"a ""quoted"" word, and a comma",田中\r\n3,"x\ny",佐藤\r\n4,plain,鈴木\r\n'));
    const rows = await readAll(await openTable(file));
    assert.deepEqual(rows, [
      { line: 2, values: { id: '1', memo: '一行目\r\n二行目\r\n三行目', name: '山田' } },
      { line: 5, values: { id: '2', memo: 'a "quoted" word, and a comma', name: '田中' } },
      { line: 6, values: { id: '3', memo: 'x\ny', name: '佐藤' } },
      { line: 8, values: { id: '4', memo: 'plain', name: '鈴木' } },
    ]);
  });

  test('malformed lines in the middle are reported with their line and reason; the rows after them are read', async () => {
    const lines = ['id,name,email'];
    for (let i = 1; i <= 30; i++) lines.push(`${i},名前${i},u${i}@example.jp`);
    lines[10] = '10,名前10'; // line 11: a column short
    lines[15] = '15,名前15,u15@example.jp,extra'; // line 16: a column too many
    lines[20] = '20,"名前"20,x'; // line 21: text after a closing quote
    lines[25] = '25,"名前25,u25@example.jp'; // line 26: a quote never closed
    const file = write('broken.csv', cp932(lines.join('\r\n') + '\r\n'));
    const rows = await readAll(await openTable(file));
    assert.deepEqual(
      bad(rows).map((r) => [r.line, r.code]),
      [[11, 'column_count'], [16, 'column_count'], [21, 'bad_quote'], [26, 'unterminated_quote']],
    );
    assert.match(bad(rows)[0]!.error, /expected 3 fields, got 2/u);
    assert.match(bad(rows)[1]!.error, /expected 3 fields, got 4/u);
    const ok = good(rows);
    assert.equal(ok.length, 26);
    assert.deepEqual(ok.map((r) => r.values.id), Array.from({ length: 30 }, (_, i) => String(i + 1)).filter((id) => !['10', '15', '20', '25'].includes(id)));
    for (const r of ok) assert.equal(r.line, Number(r.values.id) + 1);
  });

  test('a record spanning lines with the wrong column count names both lines', async () => {
    const rows = await readAll(await openTable(write('span.csv', 'a,b,c\n1,"x\ny"\n2,3,4\n')));
    assert.equal(rows.length, 2);
    const [err] = bad(rows);
    assert.equal(err!.line, 2);
    assert.match(err!.error, /lines 2-3/u);
    assert.deepEqual(good(rows), [{ line: 4, values: { a: '2', b: '3', c: '4' } }]);
  });

  test('empty lines and blank rows are skipped; a trailing delimiter is not a column', async () => {
    const file = write('blank.csv', '\r\n名前,メール\r\n\r\n山田,a@b.jp\r\n,\r\n , \r\n田中,c@d.jp,\r\n\r\n');
    const table = await openTable(file);
    assert.deepEqual(table.headers, ['名前', 'メール']);
    assert.deepEqual(await readAll(table), [
      { line: 4, values: { 名前: '山田', メール: 'a@b.jp' } },
      { line: 7, values: { 名前: '田中', メール: 'c@d.jp' } },
    ]);
  });

  test('header names trimmed, duplicates numbered, empty ones named', async () => {
    const table = await openTable(write('dup.csv', ' 住所 ,住所,,氏名\n東京,千代田,メモ,山田\n'));
    assert.deepEqual(table.headers, ['住所', '住所 (2)', '列3', '氏名']);
    assert.equal(table.warnings.length, 2);
    assert.deepEqual(await readAll(table), [{ line: 2, values: { 住所: '東京', '住所 (2)': '千代田', 列3: 'メモ', 氏名: '山田' } }]);
  });

  test('CP932-specific characters survive: ①, ㈱, 髙, 﨑, ｶﾀｶﾅ, ～ (0x8160), №, Ⅳ, 纊', async () => {
    const text = '会社,氏名,カナ,備考\r\n㈱髙橋商事,山﨑 太郎,ｶﾀｶﾅ ﾃｽﾄ,①～⑩ №Ⅳ 纊\r\n';
    const bytes = cp932(text);
    assert.ok(bytes.includes(Buffer.from([0x81, 0x60])), 'the wave dash is CP932 0x8160');
    const table = await openTable(write('special.csv', bytes));
    assert.equal(table.encoding, 'cp932');
    assert.deepEqual(good(await readAll(table))[0]!.values, { 会社: '㈱髙橋商事', 氏名: '山﨑 太郎', カナ: 'ｶﾀｶﾅ ﾃｽﾄ', 備考: '①～⑩ №Ⅳ 纊' });
    // 〜 (U+301C) does not exist in CP932; what Windows writes as 〜 is 0x8160, which is U+FF5E ～.
    assert.equal(iconv.decode(Buffer.from([0x81, 0x60]), 'cp932'), '\uff5e');
  });

  test('UTF-8 keeps what CP932 cannot: 〜 (U+301C), 𠮷, emoji', async () => {
    const table = await openTable(write('utf8.csv', '名前,メモ\n𠮷野 家,9時〜17時 😀\n'));
    assert.equal(table.encoding, 'utf-8');
    assert.deepEqual(good(await readAll(table))[0]!.values, { 名前: '𠮷野 家', メモ: '9時〜17時 😀' });
  });

  test('ASCII for the first 64 KiB, Japanese later: the encoding is decided where the Japanese starts', async () => {
    const head = 'id,name,note\r\n' + Array.from({ length: 3000 }, (_, i) => `${i + 1},name${i + 1},ascii only here`).join('\r\n') + '\r\n';
    assert.ok(head.length > 70_000);
    for (const enc of ['cp932', 'utf-8'] as const) {
      const tail = '3001,山田 髙子,ｶﾀｶﾅ①～\r\n3002,田中,メモ\r\n';
      const bytes = Buffer.concat([Buffer.from(head), enc === 'cp932' ? cp932(tail) : Buffer.from(tail)]);
      const table = await openTable(write(`late-${enc}.csv`, bytes));
      assert.equal(table.encodingDetection?.confidence, 0.5); // only ASCII seen when opening
      const rows = good(await readAll(table));
      assert.equal(rows.length, 3002);
      assert.deepEqual(rows[3000]!.values, { id: '3001', name: '山田 髙子', note: 'ｶﾀｶﾅ①～' });
      assert.equal(table.encoding, enc);
      assert.equal(table.encodingDetection?.encoding, enc);
      assert.deepEqual(table.warnings, []);
    }
  });

  test('forcing the wrong encoding is visible: undecodable bytes are counted in a warning, or the file refused', async () => {
    const text = 'name,memo\r\nyamada,テスト\r\ntanaka,テスト\r\nsato,ok\r\nsuzuki,ok\r\nkato,ok\r\nito,ok\r\n';
    const table = await openTable(write('wrong.csv', cp932(text)), { encoding: 'utf-8' });
    const rows = good(await readAll(table));
    assert.equal(rows.length, 6);
    assert.equal(table.warnings.length, 1);
    assert.match(table.warnings[0]!, /2 rows contain U\+FFFD.*first at line 2/u);
    // Mostly undecodable: not read as a table of U+FFFD, refused with the encoding named.
    await assert.rejects(openTable(write('wrong.csv', cp932('名前,メモ\r\n山田,テスト\r\n田中,テスト\r\n')), { encoding: 'utf-8' }), /utf-8 として読めない/u);
    await assert.rejects(openTable(write('x.csv', 'a\n'), { encoding: 'ebcdic' }), /Unknown encoding "ebcdic"/u);
  });

  test('TSV: by extension, by detection, and Excel "Unicode text" (UTF-16LE with BOM)', async () => {
    const tsv = '氏名\t住所\tメモ\r\n山田\t東京都千代田区1-2-3, 4F\t"タブ\tを含む"\r\n';
    const byExt = await openTable(write('a.tsv', cp932(tsv)));
    assert.equal(byExt.format, 'tsv');
    assert.equal(byExt.delimiter, '\t');
    const expected = [{ line: 2, values: { 氏名: '山田', 住所: '東京都千代田区1-2-3, 4F', メモ: 'タブ\tを含む' } }];
    assert.deepEqual(await readAll(byExt), expected);
    const detected = await openTable(write('a.txt', Buffer.from(tsv)));
    assert.equal(detected.format, 'tsv');
    assert.deepEqual(await readAll(detected), expected);
    const utf16 = await openTable(write('unicode.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(tsv, 'utf16le')])));
    assert.equal(utf16.encoding, 'utf-16le');
    assert.equal(utf16.format, 'tsv');
    assert.deepEqual(await readAll(utf16), expected);
  });

  test('semicolon CSV and a forced delimiter', async () => {
    const file = write('semi.csv', 'a;b\n1,5;2\n');
    const detected = await openTable(file);
    assert.equal(detected.delimiter, ';');
    assert.deepEqual(await readAll(detected), [{ line: 2, values: { a: '1,5', b: '2' } }]);
    const forced = await openTable(file, { delimiter: ',' });
    assert.deepEqual(forced.headers, ['a;b']);
    assert.deepEqual(
      (await readAll(forced)).map((r) => ('error' in r ? [r.line, r.code] : r)),
      [[2, 'column_count']],
    );
  });

  test('empty file and header-only file', async () => {
    const empty = await openTable(write('empty.csv', ''));
    assert.deepEqual(empty.headers, []);
    assert.deepEqual(await readAll(empty), []);
    const headerOnly = await openTable(write('header.csv', '\ufeffa,b\r\n'));
    assert.deepEqual(headerOnly.headers, ['a', 'b']);
    assert.deepEqual(await readAll(headerOnly), []);
  });

  test('title lines above the header: detected, or named by headerRow', async () => {
    const file = write('title.csv', cp932('顧客一覧\r\n出力日\r\n\r\nID,氏名,メール\r\n1,山田,yamada@example.jp\r\n'));
    const detected = await openTable(file);
    assert.deepEqual([detected.headers, detected.headerLine], [['ID', '氏名', 'メール'], 4]);
    assert.match(detected.warnings[0]!, /^4行目を見出しとしました/u);
    assert.deepEqual(await readAll(detected), [{ line: 5, values: { ID: '1', 氏名: '山田', メール: 'yamada@example.jp' } }]);
    const named = await openTable(file, { headerRow: 1 });
    assert.deepEqual([named.headers, named.headerLine, named.headerReason], [['顧客一覧'], 1, null]);
    assert.equal(bad(await readAll(named)).length, 2); // every later line is the wrong width: visible, not silent
    const table = await openTable(file, { headerRow: 4 });
    assert.deepEqual(table.headers, ['ID', '氏名', 'メール']);
    assert.deepEqual(await readAll(table), [{ line: 5, values: { ID: '1', 氏名: '山田', メール: 'yamada@example.jp' } }]);
  });

  test('Eight 名刺 export: 7 title lines skipped, the 名刺 rows read from line 9 on, nothing reported', async () => {
    const file = write('eight.csv', cp932(fs.readFileSync(EIGHT, 'utf8').replace(/\r?\n/gu, '\r\n')));
    const table = await openTable(file);
    assert.equal(table.headerLine, 8);
    assert.deepEqual(table.headers.slice(0, 4), ['会社名', '部署名', '役職', '氏名']);
    const rows = await readAll(table);
    assert.deepEqual(bad(rows), []);
    assert.equal(good(rows)[0]!.line, 9);
    assert.equal(good(rows)[0]!.values['e-mail'], 'taro.mihon@example.jp');
    assert.equal(good(rows).length, 6);
    const preview = await previewTable(file);
    assert.equal(preview.headerLine, 8);
    assert.equal(preview.suggestion.fields.email, 'e-mail');
  });

  test('a bad record among the title lines is still reported; the rows after the header in the probe are replayed in order', async () => {
    const lines = ['レポート', 'メモ,"閉じない引用', '', 'ID,氏名,電話', ...Array.from({ length: 80 }, (_, i) => `${i},見本 ${i}郎,03-5555-${String(i).padStart(4, '0')}`)];
    const table = await openTable(write('probe.csv', lines.join('\n') + '\n'), { maxRecordChars: 40 });
    const rows = await readAll(table);
    assert.equal(good(rows).length + bad(rows).length, rows.length);
    assert.deepEqual(rows.map((r) => r.line), [...rows.map((r) => r.line)].sort((a, b) => a - b));
  });

  test('a plain file keeps line 1 and no note', async () => {
    const table = await openTable(write('plain.csv', 'email,name\na@example.jp,A\n'));
    assert.deepEqual([table.headerLine, table.warnings], [1, []]);
  });

  test('a column named __proto__ is an ordinary value', async () => {
    const rows = good(await readAll(await openTable(write('proto.csv', '__proto__,b\nx,y\n'))));
    assert.deepEqual(Object.keys(rows[0]!.values), ['__proto__', 'b']);
    assert.equal(Object.getPrototypeOf(rows[0]!.values), Object.prototype);
  });

  test('.xls is refused with a clear message', async () => {
    await assert.rejects(openTable(write('old.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))), /\.xls is not supported/u);
  });
});

describe('streaming', () => {
  test('50,000 rows with multi-line records and bad rows: counts, line numbers and progress', async () => {
    const parts: string[] = ['顧客コード,氏名,備考\r\n'];
    let line = 2;
    const expectLines: number[] = [];
    for (let i = 1; i <= 50_000; i++) {
      if (i % 10_000 === 0) {
        parts.push(`${i},"壊れ"た\r\n`);
      } else if (i % 1000 === 0) {
        parts.push(`${String(i).padStart(8, '0')},髙橋 ${i},"複数\r\n行"\r\n`);
        expectLines.push(line);
        line += 2;
        continue;
      } else {
        parts.push(`${String(i).padStart(8, '0')},山田 ${i},①\r\n`);
        expectLines.push(line);
      }
      line += 1;
    }
    const file = write('big.csv', cp932(parts.join('')));
    const table = await openTable(file);
    assert.equal(table.encoding, 'cp932');
    const lines: number[] = [];
    let errors = 0;
    let mid = -1;
    for await (const row of table.rows) {
      if ('error' in row) errors++;
      else lines.push(row.line);
      if (lines.length === 25_000) mid = table.progress().bytesRead;
    }
    assert.equal(errors, 5);
    assert.deepEqual(lines, expectLines);
    const size = fs.statSync(file).size;
    assert.ok(mid > 0 && mid < size, `streamed: ${mid} of ${size} bytes read half way`);
    assert.deepEqual(table.progress(), { bytesRead: size, totalBytes: size });
  });

  test('close() without reading releases the file; breaking out of the loop too', async () => {
    const file = write('close.csv', 'a\n1\n2\n3\n');
    const t1 = await openTable(file);
    await t1.close();
    const t2 = await openTable(file);
    for await (const row of t2.rows) {
      assert.deepEqual(row, { line: 2, values: { a: '1' } });
      break;
    }
    await t2.close();
  });
});

describe('previewTable', () => {
  test('the wizard step: detection, first rows, more flag, suggested mapping', async () => {
    const p = await previewTable(`${DEV}/ec_members.csv`, 5);
    assert.equal(p.format, 'csv');
    assert.equal(p.encoding, 'cp932');
    assert.equal(p.delimiter, ',');
    assert.equal(p.rows.length, 5);
    assert.equal(p.more, true);
    assert.deepEqual(p.rows.map((r) => r.line), [2, 3, 4, 5, 6]);
    assert.equal(p.suggestion.idColumn, '会員番号');
    assert.deepEqual(p.suggestion.fields.address, ['住所1', '住所2']);
    const all = await previewTable(write('small.csv', 'ID,名前\n1,a\n2,b\n'));
    assert.equal(all.more, false);
    assert.equal(all.rows.length, 2);
    assert.equal(all.suggestion.idColumn, 'ID');
  });
});

function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

describe('property: a table written as CSV reads back the same', () => {
  async function roundTrip(chars: readonly string[], encoding: 'cp932' | 'utf-8', runs: number) {
    await fc.assert(
      fc.asyncProperty(tableFrom(chars), fc.constantFrom(',', '\t'), fc.constantFrom('\r\n', '\n'), fc.boolean(), async ({ headers, rows }, delimiter, nl, bom) => {
        const text = formatCsv([headers, ...rows], delimiter, nl);
        const bytes = encoding === 'cp932' ? cp932(text) : Buffer.concat([bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(text)]);
        if (encoding === 'cp932') assert.equal(iconv.decode(bytes, 'cp932'), text, 'the generator only uses CP932 characters');
        // Genuinely ambiguous files are opened the way a profile would open them, naming what detection cannot know:
        // CP932 bytes that happen to be valid UTF-8 (half-width katakana pairs: ﾅ① = C5 87 40 = "Ň@"), and a
        // comma file whose cells contain unquoted ; or tabs in a consistent pattern, and a one-column table, whose
        // header row widths cannot tell from a title line (a known name such as № under it is taken as the header).
        const options = {
          ...(headers.length === 1 ? { headerRow: 1 } : {}),
          ...(encoding === 'cp932' && isValidUtf8(bytes) ? { encoding } : {}),
          ...(delimiter === ',' && /[;\t]/u.test(text) ? { delimiter } : {}),
        };
        const table = await openTable(write(delimiter === '\t' ? 'p.tsv' : 'p.csv', bytes), options);
        const got = await readAll(table);
        assert.deepEqual(table.headers, headers);
        if (/[^\x00-\x7f]/u.test(text)) assert.equal(table.encoding, encoding);
        let line = 2 + headers.reduce((n, h) => n + countLineBreaks(h), 0);
        const expected: TableRow[] = [];
        for (const row of rows) {
          const values: Record<string, string> = {};
          headers.forEach((h, i) => (values[h] = row[i]!));
          if (row.some((v) => v.trim() !== '')) expected.push({ line, values });
          line += 1 + row.reduce((n, v) => n + countLineBreaks(v), 0);
        }
        assert.deepEqual(got, expected);
      }),
      { numRuns: runs },
    );
  }
  test('CP932 (CP932-encodable characters only)', async () => roundTrip(CP932_CHARS, 'cp932', 150));
  test('UTF-8, with or without BOM', async () => roundTrip(UTF8_CHARS, 'utf-8', 150));
});
