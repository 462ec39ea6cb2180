import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseDate, parseBirthDate, toWareki } from '../../../src/domain/normalize/date.ts';
import { kanjiToNumber, replaceKanjiNumeralsBefore } from '../../../src/domain/normalize/numerals.ts';
import { japaneseishString } from './arbitraries.ts';

const iso = (s: string): string | null => parseDate(s).value;
const partialOf = (s: string): { year: number; month: number | null } | null | 'valid' => {
  const r = parseDate(s);
  return r.valid ? 'valid' : r.partial;
};

describe('kanji numerals', () => {
  test('kanjiToNumber', () => {
    assert.equal(kanjiToNumber('六十'), 60);
    assert.equal(kanjiToNumber('十'), 10);
    assert.equal(kanjiToNumber('十五'), 15);
    assert.equal(kanjiToNumber('二〇二三'), 2023);
    assert.equal(kanjiToNumber('千九百八十五'), 1985);
    assert.equal(kanjiToNumber('三千二百万'), 32000000);
    assert.equal(kanjiToNumber('弐拾'), 20);
    assert.equal(kanjiToNumber('十百'), null);
    assert.equal(kanjiToNumber('山'), null);
    assert.equal(kanjiToNumber(''), null);
  });
  test('replaceKanjiNumeralsBefore only touches numerals before a suffix', () => {
    assert.equal(replaceKanjiNumeralsBefore('昭和六十年四月三日', ['年', '月', '日']), '昭和60年4月3日');
    assert.equal(replaceKanjiNumeralsBefore('一般社団法人', ['年']), '一般社団法人');
    assert.equal(replaceKanjiNumeralsBefore('九段南三丁目', ['丁目']), '九段南3丁目');
  });
});

describe('parseDate: same day in every common form', () => {
  const forms = [
    '昭和60年4月3日',
    '昭和６０年４月３日',
    '昭和 60年 4月 3日',
    '昭和六十年四月三日',
    '昭60.4.3',
    'S60.4.3',
    'S60/4/3',
    's60-04-03',
    'Ｓ６０．４．３',
    'S600403',
    '1985/4/3',
    '1985/04/03',
    '1985-04-03',
    '1985.4.3',
    '1985年4月3日',
    '１９８５年４月３日',
    '19850403',
    '西暦1985年4月3日',
    '1985/04/03 0:00:00',
    '1985-04-03T00:00:00Z',
    '1985年4月3日(水)',
    '昭和60年4月3日生',
  ];
  for (const f of forms) {
    test(f, () => assert.equal(iso(f), '1985-04-03'));
  }
});

describe('parseDate: eras', () => {
  test('era boundaries', () => {
    assert.equal(iso('H1.1.8'), '1989-01-08');
    assert.equal(iso('平成元年1月8日'), '1989-01-08');
    assert.equal(iso('昭和64年1月7日'), '1989-01-07');
    assert.equal(iso('令和元年5月1日'), '2019-05-01');
    assert.equal(iso('平成31年4月30日'), '2019-04-30');
    assert.equal(iso('昭和元年12月25日'), '1926-12-25');
    assert.equal(iso('大正元年7月30日'), '1912-07-30');
    assert.equal(iso('明治元年1月25日'), '1868-01-25');
    assert.equal(iso('M45.7.29'), '1912-07-29');
    assert.equal(iso('T15.12.24'), '1926-12-24');
    assert.equal(iso('R5.10.1'), '2023-10-01');
  });
  test('before the era started is rejected', () => {
    assert.equal(parseDate('平成元年1月7日').reason, 'before_era_start');
    assert.equal(parseDate('昭和元年1月1日').reason, 'before_era_start');
    assert.equal(parseDate('令和元年4月30日').reason, 'before_era_start');
    assert.equal(parseDate('明治元年1月1日').reason, 'before_era_start');
  });
  test('era overflow is accepted and flagged', () => {
    const r = parseDate('平成32年1月1日');
    assert.equal(r.valid, true);
    assert.equal(r.value, '2020-01-01');
    assert.equal(r.valid && r.eraOverflow, true);
    assert.deepEqual(r.valid && r.era, { name: '平成', year: 32 });
    const may = parseDate('平成31年5月1日');
    assert.equal(may.valid && may.eraOverflow, true);
    const ok = parseDate('平成31年4月30日');
    assert.equal(ok.valid && ok.eraOverflow, false);
    assert.equal(parseDate('昭和65年1月1日').value, '1990-01-01');
  });
  test('year 0 is invalid', () => {
    assert.equal(parseDate('昭和0年1月1日').reason, 'invalid_date');
  });
  test('year-only / year-month is incomplete with partial', () => {
    assert.deepEqual(parseDate('令和5年'), { valid: false, value: null, reason: 'incomplete', partial: { year: 2023, month: null } });
    assert.deepEqual(partialOf('R5'), { year: 2023, month: null });
    assert.deepEqual(partialOf('平成元年'), { year: 1989, month: null });
    assert.deepEqual(partialOf('大正10年3月'), { year: 1921, month: 3 });
    assert.deepEqual(partialOf('明治45年'), { year: 1912, month: null });
    assert.deepEqual(partialOf('1985年4月'), { year: 1985, month: 4 });
    assert.deepEqual(partialOf('1985'), { year: 1985, month: null });
  });
});

describe('parseDate: invalid', () => {
  test('impossible calendar dates', () => {
    assert.equal(parseDate('2023年2月30日').reason, 'invalid_date');
    assert.equal(parseDate('2023-02-29').reason, 'invalid_date');
    assert.equal(parseDate('1900-02-29').reason, 'invalid_date');
    assert.equal(parseDate('2000-02-29').value, '2000-02-29');
    assert.equal(parseDate('昭和60年13月1日').reason, 'invalid_date');
    assert.equal(parseDate('1985/4/31').reason, 'invalid_date');
    assert.equal(parseDate('19851301').reason, 'invalid_date');
  });
  test('other reasons', () => {
    assert.equal(parseDate('').reason, 'empty');
    assert.equal(parseDate('不明').reason, 'unrecognized');
    assert.equal(parseDate('4/3/1985').reason, 'unrecognized');
    assert.equal(parseDate('85/4/3').reason, 'unrecognized');
    assert.equal(parseDate('1800-01-01').reason, 'out_of_range');
    assert.equal(parseDate('1800-01-01', { minYear: 1700 }).value, '1800-01-01');
    assert.equal(parseBirthDate('2030-01-01', { today: '2024-06-01' }).reason, 'future');
    assert.equal(parseBirthDate('S60/4/3', { today: '2024-06-01' }).value, '1985-04-03');
  });
});

describe('toWareki', () => {
  test('examples', () => {
    assert.equal(toWareki('1985-04-03'), '昭和60年4月3日');
    assert.equal(toWareki('1989-01-07'), '昭和64年1月7日');
    assert.equal(toWareki('1989-01-08'), '平成元年1月8日');
    assert.equal(toWareki('2019-05-01'), '令和元年5月1日');
    assert.equal(toWareki('1800-01-01'), null);
    assert.equal(toWareki('2023-02-30'), null);
  });
});

describe('properties', () => {
  const isoDate = fc
    .date({ min: new Date('1868-01-25T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10));

  test('never throws on arbitrary strings; valid ⇒ ISO value', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), japaneseishString), (s) => {
        const r = parseDate(s);
        if (r.valid) assert.match(r.value, /^\d{4}-\d{2}-\d{2}$/u);
        else assert.equal(r.value, null);
      }),
      { numRuns: 1000 },
    );
  });
  test('ISO round-trip and idempotence: parseDate(parseDate(x).value) = same', () => {
    fc.assert(
      fc.property(isoDate, (d) => {
        assert.equal(parseDate(d).value, d);
        assert.equal(parseDate(d.replace(/-/gu, '/')).value, d);
        assert.equal(parseDate(d.replace(/-/gu, '')).value, d);
      }),
    );
  });
  test('和暦 round-trip: parseDate(toWareki(d)) = d', () => {
    fc.assert(
      fc.property(isoDate, (d) => {
        const w = toWareki(d);
        assert.notEqual(w, null);
        const r = parseDate(w!);
        assert.equal(r.value, d, w!);
        assert.equal(r.valid && r.eraOverflow, false);
      }),
    );
  });
  test('full-width digits give the same result', () => {
    const toFull = (s: string): string => s.replace(/[0-9/]/gu, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    fc.assert(
      fc.property(isoDate, (d) => {
        const w = toWareki(d)!;
        assert.deepEqual(parseDate(toFull(w)), parseDate(w));
        assert.deepEqual(parseDate(toFull(d.replace(/-/gu, '/'))), parseDate(d));
      }),
    );
  });
});
