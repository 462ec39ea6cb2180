import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import fc from 'fast-check';
import {
  bindProfile,
  contentHash,
  ImportProfileError,
  IMPORT_FIELDS,
  mapRow,
  parseImportProfile,
  profileToJson,
  type ImportProfile,
} from '../../../src/domain/import/profile.ts';

const DATA = '/work/shared/data';
const SHIPPED_PROFILES = [
  'ja-dedup-dev/meishi.mapping.json',
  'ja-dedup-dev/shiryo_seikyu.mapping.json',
  'ja-dedup-dev/ec_members.mapping.json',
  'ja-dedup-dev/seminar.mapping.json',
  'ja-dedup-dev/pos_members.mapping.json',
  'febrl/febrl1.mapping.json',
  'febrl/febrl2.mapping.json',
  'splink_fake_1000/fake1000.mapping.json',
];
const readJson = (p: string): unknown => JSON.parse(fs.readFileSync(`${DATA}/${p}`, 'utf8'));

function issuesOf(json: unknown): string[] {
  try {
    parseImportProfile(json);
  } catch (error) {
    assert.ok(error instanceof ImportProfileError);
    return error.issues;
  }
  assert.fail('expected an ImportProfileError');
}

describe('parseImportProfile', () => {
  test('every shipped profile parses (and the list of shipped profiles is complete)', () => {
    const onDisk = ['ja-dedup-dev', 'febrl', 'splink_fake_1000', 'dedupe_patent', 'ja']
      .flatMap((d) => fs.readdirSync(`${DATA}/${d}`).filter((f) => f.endsWith('.mapping.json')).map((f) => `${d}/${f}`))
      .sort();
    assert.deepEqual(onDisk, [...SHIPPED_PROFILES].sort());
    for (const p of SHIPPED_PROFILES) {
      const profile = parseImportProfile(readJson(p));
      assert.ok(profile.source.length > 0 && profile.idColumn, p);
      for (const cols of Object.values(profile.fields)) assert.ok(Array.isArray(cols) && cols.length > 0, p);
    }
  });

  test('canonical form of meishi and ec_members', () => {
    assert.deepEqual(parseImportProfile(readJson('ja-dedup-dev/meishi.mapping.json')), {
      source: 'meishi',
      idColumn: '名刺ID',
      encoding: 'cp932',
      delimiter: null,
      sheet: null,
      fields: {
        full_name: ['氏名'],
        company_name: ['会社名'],
        company_name_kana: ['会社名カナ'],
        department: ['部署名'],
        title: ['役職'],
        postal_code: ['郵便番号'],
        address: ['住所'],
        phone: ['電話番号'],
        email: ['メールアドレス'],
      },
    });
    assert.deepEqual(parseImportProfile(readJson('ja-dedup-dev/ec_members.mapping.json')).fields.address, ['住所1', '住所2']);
  });

  test('encoding aliases, auto, delimiter and sheet', () => {
    const p = parseImportProfile({ source: 'x', encoding: 'Shift_JIS', delimiter: 'tab', sheet: 2, fields: { email: ' mail ' } });
    assert.equal(p.encoding, 'cp932');
    assert.equal(p.delimiter, '\t');
    assert.equal(p.sheet, 2);
    assert.deepEqual(p.fields.email, ['mail']); // column names trimmed
    assert.equal(parseImportProfile({ source: 'x', encoding: 'auto', fields: { email: 'm' } }).encoding, null);
    assert.equal(parseImportProfile({ source: 'x', fields: { email: 'm' } }).encoding, null);
    assert.equal(parseImportProfile({ source: 'x', id_column: null, fields: { email: 'm' } }).idColumn, null);
  });

  test('clear errors', () => {
    assert.deepEqual(issuesOf({ fields: { email: 'm' } }), ['source: source is required']);
    assert.match(issuesOf({ source: 'Meishi CSV', fields: { email: 'm' } })[0]!, /^source: source must be lower-case/u);
    const unknown = issuesOf({ source: 'x', fields: { fulname: '氏名', email: 'm' } });
    assert.equal(unknown.length, 1);
    assert.match(unknown[0]!, /fields\.fulname: unknown field "fulname" \(did you mean "full_name"\?\)/u);
    assert.match(issuesOf({ source: 'x', fields: { 'Full Name': 'a' } })[0]!, /did you mean "full_name"/u);
    assert.match(issuesOf({ source: 'x', fields: { nickname: 'a' } })[0]!, /unknown field "nickname"; known fields: full_name, /u);
    assert.match(issuesOf({ source: 'x', encoding: 'euc-jp', fields: { email: 'm' } })[0]!, /^encoding: unknown encoding "euc-jp" \(use utf-8, cp932/u);
    assert.match(issuesOf({ source: 'x', delimiter: '|', fields: { email: 'm' } })[0]!, /^delimiter: unknown delimiter/u);
    assert.deepEqual(issuesOf({ source: 'x', id_colum: 'ID', fields: { email: 'm' } }), [
      'unknown key "id_colum" (a profile has source, id_column, encoding, delimiter, sheet, header_row, fields, email_basis, consent)',
    ]);
    assert.match(issuesOf({ source: 'x', fields: { email: '  ' } })[0]!, /^fields\.email: column name must not be empty/u);
    assert.match(issuesOf({ source: 'x', fields: { address: [] } })[0]!, /^fields\.address: give at least one column/u);
    assert.match(issuesOf({ source: 'x', fields: { email: 3 } })[0]!, /^fields\.email: must be a column name or a list/u);
    assert.match(issuesOf({ source: 'x', fields: {} })[0]!, /map at least one field/u);
    assert.deepEqual(issuesOf([]), ['a profile must be a JSON object']);
    assert.deepEqual(issuesOf(null), ['a profile must be a JSON object']);
    // Several problems are reported together.
    assert.equal(issuesOf({ encoding: 'x', fields: { foo: 'a' } }).length, 3);
  });

  test('header_row: the 1-based line of the header, kept through profileToJson; absent changes nothing', () => {
    const eight = parseImportProfile({ source: 'eight', header_row: 8, fields: { full_name: '氏名' } });
    assert.equal(eight.headerRow, 8);
    assert.deepEqual(profileToJson(eight), { source: 'eight', id_column: null, header_row: 8, fields: { full_name: '氏名' } });
    assert.deepEqual(parseImportProfile(profileToJson(eight)), eight);
    // Absent or null: no headerRow key at all, so stored profiles and their JSON stay byte-for-byte what they were.
    for (const absent of [{}, { header_row: null }]) {
      const p = parseImportProfile({ source: 'x', ...absent, fields: { email: 'm' } });
      assert.equal('headerRow' in p, false);
      assert.equal('header_row' in profileToJson(p), false);
    }
  });

  test('header_row errors', () => {
    const issue = (header_row: unknown) => issuesOf({ source: 'x', header_row, fields: { email: 'm' } });
    assert.deepEqual(issue(0), ['header_row: header_row is 1-based: 1 is the first line']);
    assert.deepEqual(issue(-3), ['header_row: header_row is 1-based: 1 is the first line']);
    assert.deepEqual(issue(2.5), ['header_row: header_row must be a whole line number']);
    assert.deepEqual(issue('8'), ['header_row: header_row must be a line number (1 = the first line)']);
    assert.match(issue(100000)[0]!, /^header_row: header_row must be at most 1000/u);
  });

  test('profileToJson round-trips', () => {
    for (const p of SHIPPED_PROFILES) {
      const profile = parseImportProfile(readJson(p));
      assert.deepEqual(parseImportProfile(profileToJson(profile)), profile, p);
    }
    assert.deepEqual(profileToJson(parseImportProfile(readJson('ja-dedup-dev/ec_members.mapping.json'))).fields.address, ['住所1', '住所2']);
  });
});

const ec = (): ImportProfile => parseImportProfile(readJson('ja-dedup-dev/ec_members.mapping.json'));

describe('mapRow', () => {
  test('id, fields, address columns joined, the rest as attributes', () => {
    const values = {
      会員番号: '100001',
      お名前: '宮原 菜月',
      フリガナ: 'ミヤハラ ナヅキ',
      生年月日: '1960/10/10',
      性別: '',
      '〒': '555-0032',
      住所1: '大阪府大阪市西淀川区大和田7丁目20-18',
      住所2: 'サンプルビル101',
      電話: '0630199690',
      メールアドレス: 'miyahara@example.jp',
      登録日: '2019-01-03',
      メルマガ: '希望する',
    };
    assert.deepEqual(mapRow(values, ec(), 2), {
      externalId: '100001',
      fields: {
        full_name: '宮原 菜月',
        full_name_kana: 'ミヤハラ ナヅキ',
        birth_date: '1960/10/10',
        postal_code: '555-0032',
        address: '大阪府大阪市西淀川区大和田7丁目20-18 サンプルビル101',
        phone: '0630199690',
        email: 'miyahara@example.jp',
      },
      attributes: { 登録日: '2019-01-03', メルマガ: '希望する' },
    });
  });

  test('header names and values are trimmed; blank array parts are skipped; blank attributes are not kept', () => {
    const r = mapRow({ ' 会員番号 ': ' 7 ', 住所1: '  ', 住所2: '東京都', ' メモ ': ' x ', 空: ' 　' }, ec(), 5);
    assert.equal(r.externalId, '7');
    assert.equal(r.fields.address, '東京都');
    assert.deepEqual(r.attributes, { メモ: 'x' });
    assert.equal(r.warnings, undefined);
  });

  test('profile column names are trimmed too', () => {
    const p = parseImportProfile({ source: 'x', id_column: ' ID ', fields: { email: ' mail ' } });
    assert.deepEqual(mapRow({ ID: '1', mail: 'a@b.jp' }, p, 2), { externalId: '1', fields: { email: 'a@b.jp' }, attributes: {} });
  });

  test('no id column: externalId null and the caller hashes the content', () => {
    const p = parseImportProfile({ source: 'x', fields: { full_name: 'name' } });
    const a = mapRow({ name: '山田', note: 'vip' }, p, 2);
    assert.equal(a.externalId, null);
    assert.equal(a.warnings, undefined);
    const b = mapRow({ note: 'vip', name: ' 山田 ' }, p, 9);
    assert.equal(contentHash(a.fields, a.attributes), contentHash(b.fields, b.attributes));
    assert.match(contentHash(a.fields, a.attributes), /^[0-9a-f]{64}$/u);
  });

  test('a blank id: externalId null with a warning naming the line', () => {
    const r = mapRow({ 会員番号: ' ', お名前: '山田' }, ec(), 12);
    assert.equal(r.externalId, null);
    assert.equal(r.warnings?.length, 1);
    assert.match(r.warnings![0]!, /^12行目: ID列「会員番号」が空です/u);
  });

  test('a column named __proto__ is kept as an own attribute', () => {
    const values: Record<string, string> = {};
    Object.defineProperty(values, '__proto__', { value: 'x', enumerable: true });
    const r = mapRow(values, ec(), 2);
    assert.deepEqual(Object.keys(r.attributes), ['__proto__']);
    assert.equal(Object.getPrototypeOf(r.attributes), Object.prototype);
  });

  test('property: nothing a source sent is dropped', () => {
    const key = fc.string({ minLength: 1, maxLength: 5 }).filter((k) => k.trim() !== '' && k !== '__proto__');
    fc.assert(
      fc.property(fc.dictionary(key, fc.string({ maxLength: 6 }), { minKeys: 3, maxKeys: 8 }), (values) => {
        const keys = Object.keys(values);
        if (new Set(keys.map((k) => k.trim())).size !== keys.length) return; // headers are unique after trimming
        const [idKey, a1, a2] = [keys[0]!, keys[1]!, keys[2]!];
        const profile = parseImportProfile({ source: 'x', id_column: idKey, fields: { address: [a1, a2] } });
        const r = mapRow(values, profile, 1);
        assert.equal(r.externalId, values[idKey]!.trim() || null);
        assert.equal(r.fields.address, [values[a1]!.trim(), values[a2]!.trim()].filter(Boolean).join(' ') || undefined);
        const expected: Record<string, string> = {};
        for (const k of keys.slice(3)) if (values[k]!.trim()) expected[k.trim()] = values[k]!.trim();
        assert.deepEqual(r.attributes, expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe('contentHash', () => {
  test('order-independent, content-sensitive, blanks ignored, fields and attributes distinct', () => {
    const h = contentHash({ full_name: '山田', email: 'a@b.jp' }, { x: '1', y: '2' });
    assert.equal(h, contentHash({ email: 'a@b.jp', full_name: '山田' }, { y: '2', x: '1' }));
    assert.equal(h, contentHash({ email: 'a@b.jp', full_name: '山田', phone: '' }, { y: '2', x: '1', z: '' }));
    assert.notEqual(h, contentHash({ full_name: '山田', email: 'a@b.jp' }, { x: '1', y: '3' }));
    assert.notEqual(contentHash({ email: 'a' }, {}), contentHash({}, { email: 'a' }));
  });

  test('pinned value: the canonical form must not change, or re-imports would create duplicates', () => {
    assert.equal(
      contentHash({ full_name: '山田 太郎', email: 'taro@example.jp' }, { メモ: 'VIP' }),
      '307df931ceecc33c3ef7f510a02e4a662dfa745ec6a51dca452f92e3819d204a',
    );
  });
});

describe('bindProfile', () => {
  test('exact, folded (ﾌﾘｶﾞﾅ ↔ フリガナ) and missing columns; unmapped headers', () => {
    const b = bindProfile(ec(), ['会員番号', 'お名前', 'ﾌﾘｶﾞﾅ', '生年月日', '性別', '〒', '住所1', '住所2', '電話', 'メールアドレス', '登録日']);
    assert.deepEqual(b.missing, []);
    assert.deepEqual(b.renamed, [{ from: 'フリガナ', to: 'ﾌﾘｶﾞﾅ' }]);
    assert.deepEqual(b.profile.fields.full_name_kana, ['ﾌﾘｶﾞﾅ']);
    assert.deepEqual(b.unmapped, ['登録日']);
    const missing = bindProfile(ec(), ['会員番号', 'お名前']);
    assert.deepEqual(missing.missing.sort(), ['〒', 'フリガナ', 'メールアドレス', '住所1', '住所2', '性別', '生年月日', '電話'].sort());
  });

  test('an ambiguous fold is not guessed', () => {
    const p = parseImportProfile({ source: 'x', fields: { email: 'E-Mail' } });
    assert.deepEqual(bindProfile(p, ['e-mail', 'E-MAIL']).missing, ['E-Mail']);
    assert.deepEqual(bindProfile(p, ['e-mail', 'tel']).renamed, [{ from: 'E-Mail', to: 'e-mail' }]);
  });

  test('IMPORT_FIELDS is the issue list', () => {
    assert.deepEqual([...IMPORT_FIELDS].sort(), [
      'address', 'birth_date', 'company_address', 'company_capital', 'company_corporate_number', 'company_employees', 'company_industry',
      'company_name', 'company_name_kana', 'company_phone', 'company_revenue', 'company_website', 'department', 'email', 'family_name',
      'family_name_kana', 'full_name', 'full_name_kana', 'gender', 'given_name', 'given_name_kana', 'phone', 'postal_code', 'prefecture', 'title',
    ]);
  });
});

describe('consent in a profile: email_basis and consent columns', () => {
  const base = { source: 'tenjikai', id_column: 'ID', fields: { full_name: '氏名', email: 'メール' } };
  test('parsed, kept through profileToJson, the column matched like any other and left an attribute', () => {
    const profile = parseImportProfile({ ...base, email_basis: 'business_card', consent: { email_marketing: 'メルマガ' } });
    assert.equal(profile.emailBasis, 'business_card');
    assert.deepEqual(profile.consent, { email_marketing: 'メルマガ' });
    assert.deepEqual(parseImportProfile(profileToJson(profile)), profile);
    const bound = bindProfile(profile, ['ID', '氏名', 'メール', 'ﾒﾙﾏｶﾞ']);
    assert.deepEqual(bound.missing, []);
    assert.deepEqual(bound.profile.consent, { email_marketing: 'ﾒﾙﾏｶﾞ' });
    assert.deepEqual(bound.unmapped, []);
    assert.deepEqual(mapRow({ ID: '1', 氏名: '山田', メール: 'a@daicho-test.jp', ﾒﾙﾏｶﾞ: '希望する' }, bound.profile, 2).attributes, { ﾒﾙﾏｶﾞ: '希望する' });
    assert.deepEqual(bindProfile(profile, ['ID', '氏名', 'メール']).missing, ['メルマガ']);
  });
  test('without them the profile is as before', () => {
    const profile = parseImportProfile(base);
    assert.equal('emailBasis' in profile, false);
    assert.equal('consent' in profile, false);
  });
  test('an unknown basis or purpose is an issue with its path', () => {
    assert.throws(() => parseImportProfile({ ...base, email_basis: 'meishi' }), (e: ImportProfileError) => e.issues.some((i) => i.startsWith('email_basis: ')));
    assert.throws(() => parseImportProfile({ ...base, consent: { newsletter: 'メルマガ', dm: 'DM' } }), (e: ImportProfileError) =>
      e.issues.length === 1 && e.issues[0]!.startsWith('consent.newsletter: 同意の目的「newsletter」はありません'));
    assert.throws(() => parseImportProfile({ ...base, consent: { email_marketing: '' } }), (e: ImportProfileError) => e.issues.some((i) => i.startsWith('consent.email_marketing: ')));
  });
});
