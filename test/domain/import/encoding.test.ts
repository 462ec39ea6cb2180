import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { canonicalEncoding, detectDelimiter, detectEncoding } from '../../../src/domain/import/encoding.ts';

const DEV = '/work/shared/data/ja-dedup-dev';
const sjis = (s: string) => new Uint8Array(iconv.encode(s, 'cp932'));
const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

describe('detectEncoding', () => {
  test('byte-order marks win', () => {
    assert.deepEqual(detectEncoding(new Uint8Array([0xef, 0xbb, 0xbf, 0x61])), { encoding: 'utf-8', bom: true, confidence: 1 });
    assert.deepEqual(detectEncoding(new Uint8Array([0xff, 0xfe, 0x61, 0])), { encoding: 'utf-16le', bom: true, confidence: 1 });
    assert.deepEqual(detectEncoding(new Uint8Array([0xfe, 0xff, 0, 0x61])), { encoding: 'utf-16be', bom: true, confidence: 1 });
  });

  test('ASCII only: utf-8 with confidence 0.5 (CP932 reads it the same)', () => {
    assert.deepEqual(detectEncoding(utf8('id,name\n1,taro\n')), { encoding: 'utf-8', bom: false, confidence: 0.5 });
    assert.deepEqual(detectEncoding(new Uint8Array()), { encoding: 'utf-8', bom: false, confidence: 0.5 });
  });

  test('Japanese in UTF-8 and in CP932', () => {
    const text = '氏名,フリガナ,住所\n山田 太郎,ﾔﾏﾀﾞ ﾀﾛｳ,東京都千代田区１－２\n髙橋 﨑子,タカハシ,㈱テスト①\n';
    assert.deepEqual(detectEncoding(utf8(text)), { encoding: 'utf-8', bom: false, confidence: 0.99 });
    assert.deepEqual(detectEncoding(sjis(text)), { encoding: 'cp932', bom: false, confidence: 0.99 });
  });

  test('half-width katakana alone is CP932 (single bytes A1–DF are not UTF-8)', () => {
    assert.equal(detectEncoding(sjis('id,kana\n1,ｻｻｵｶ ｺｳｼﾞ\n')).encoding, 'cp932');
  });

  test('a sample cut in the middle of a character is not held against the encoding', () => {
    const u = utf8('名前,山田\n');
    assert.deepEqual(detectEncoding(u.subarray(0, u.length - 2)).encoding, 'utf-8');
    assert.equal(detectEncoding(u.subarray(0, 4)).confidence >= 0.9, true); // 名 + first byte of 前
    const s = sjis('名前,山田');
    assert.deepEqual(detectEncoding(s.subarray(0, s.length - 1)), { encoding: 'cp932', bom: false, confidence: 0.99 });
  });

  test('bytes valid in neither: the lesser evil with low confidence', () => {
    const mixed = new Uint8Array([...sjis('山田太郎さん'), 0x80, 0xfd, 0xa0, 0x61]);
    const d = detectEncoding(mixed);
    assert.equal(d.encoding, 'cp932');
    assert.ok(d.confidence < 0.9 && d.confidence >= 0.1, String(d.confidence));
  });

  test('the ja-dedup-dev exports', () => {
    const expected: Record<string, { encoding: string; bom: boolean }> = {
      'meishi.csv': { encoding: 'cp932', bom: false },
      'shiryo_seikyu.csv': { encoding: 'utf-8', bom: true },
      'ec_members.csv': { encoding: 'cp932', bom: false },
      'seminar.csv': { encoding: 'utf-8', bom: false },
      'pos_members.csv': { encoding: 'cp932', bom: false },
    };
    for (const [file, want] of Object.entries(expected)) {
      const sample = fs.readFileSync(`${DEV}/${file}`).subarray(0, 65536);
      const got = detectEncoding(sample);
      assert.equal(got.encoding, want.encoding, file);
      assert.equal(got.bom, want.bom, file);
      assert.ok(got.confidence >= 0.99, file);
    }
  });

  test('property: Japanese text is detected in the encoding it was written in, from any sample', () => {
    // Full-width characters: in CP932 their first byte (81–9F, FA–FC) can never start or continue a UTF-8 sequence
    // here, so any of them settles it. (Half-width katakana alone can happen to form UTF-8 pairs, e.g. ﾅ① = C5 87 40:
    // that is covered by the unit tests and the real files above.)
    const ja = fc.constantFrom(...'あいうアイウ山田髙﨑㈱①～－〒'.split(''));
    const text = fc
      .tuple(fc.array(fc.oneof(ja, fc.constantFrom('a', '1', ',', '\n', ' ')), { maxLength: 80 }), ja)
      .map(([a, j]) => [...a, j].join(''));
    fc.assert(
      fc.property(text, fc.nat(), (t, cut) => {
        const s = sjis(t);
        const u = utf8(t);
        assert.equal(detectEncoding(s).encoding, 'cp932');
        assert.equal(detectEncoding(u).encoding, 'utf-8');
        // A sample cut anywhere: CP932 as soon as it has a non-ASCII byte; UTF-8 once it has a whole character.
        const sp = s.subarray(0, cut % (s.length + 1));
        const up = u.subarray(0, cut % (u.length + 1));
        if (sp.some((b) => b >= 0x80)) assert.equal(detectEncoding(sp).encoding, 'cp932');
        if (/[^\x00-\x7f\ufffd]/u.test(Buffer.from(up).toString('utf8'))) assert.equal(detectEncoding(up).encoding, 'utf-8');
      }),
      { numRuns: 2000 },
    );
  });

  test('only a cut-off sequence at the end: no evidence either way', () => {
    assert.equal(detectEncoding(new Uint8Array([0x61, 0xe3, 0x81])).encoding, 'cp932'); // E3 81 is a whole CP932 character
    assert.deepEqual(detectEncoding(new Uint8Array([0x61, 0xe3])), { encoding: 'utf-8', bom: false, confidence: 0.5 });
    assert.equal(detectEncoding(new Uint8Array([0xc5])).encoding, 'cp932'); // ﾅ
  });
});

describe('canonicalEncoding', () => {
  test('common names', () => {
    for (const n of ['utf8', 'UTF-8', 'utf-8-bom', 'utf_8']) assert.equal(canonicalEncoding(n), 'utf-8', n);
    for (const n of ['cp932', 'CP932', 'Shift_JIS', 'shift-jis', 'SJIS', 'MS932', 'Windows-31J', 'x-sjis']) assert.equal(canonicalEncoding(n), 'cp932', n);
    assert.equal(canonicalEncoding('UTF-16'), 'utf-16le');
    assert.equal(canonicalEncoding('unicode'), 'utf-16le');
    assert.equal(canonicalEncoding('utf-16be'), 'utf-16be');
    for (const n of ['euc-jp', 'latin1', '', 'auto']) assert.equal(canonicalEncoding(n), null, n);
  });
});

describe('detectDelimiter', () => {
  test('comma, tab, semicolon', () => {
    assert.equal(detectDelimiter('a,b,c\n1,2,3\n'), ',');
    assert.equal(detectDelimiter('a\tb\tc\n1\t2\t3\n'), '\t');
    assert.equal(detectDelimiter('a;b;c\n1;2;3\n'), ';');
  });
  test('delimiters inside quotes do not count', () => {
    assert.equal(detectDelimiter('name;note\n"Yamada, Taro";"a,b,c"\n"X, Y";"d,e"\n'), ';');
    assert.equal(detectDelimiter('氏名\t住所\n山田\t東京都,千代田区\n田中\t大阪府,大阪市,北区\n'), '\t');
  });
  test('consistency beats count; ties go to more columns', () => {
    // Commas vary per line (3, 2, 4 fields), tabs are always 2 fields.
    assert.equal(detectDelimiter('a,b\tc,d\ne\tf,g\nh,i,j\tk,l\n'), '\t');
  });
  test('one column, or a truncated last line', () => {
    assert.equal(detectDelimiter('name\ntaro\n'), ',');
    assert.equal(detectDelimiter('a\tb\n1\t2\n3,4,5,6,7'), '\t'); // the cut-off last line is ignored
    assert.equal(detectDelimiter('\ufeffa;b\n1;2\n'), ';');
  });
});
