import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { computeGolden, diffValues, otherSourceValues, type SourceStatement } from '../../../src/domain/customers/golden.ts';

const at = (iso: string) => new Date(iso);
const meishi = (id: number, when: string, fields: Record<string, unknown>): SourceStatement => ({ sourceRecordId: id, source: 'meishi', sourcePriority: 100, receivedAt: at(when), fields });
const manual = (id: number, when: string, fields: Record<string, unknown>): SourceStatement => ({ sourceRecordId: id, source: 'manual', sourcePriority: 0, receivedAt: at(when), fields });
const web = (id: number, when: string, fields: Record<string, unknown>): SourceStatement => ({ sourceRecordId: id, source: 'web', sourcePriority: 100, receivedAt: at(when), fields });
const ADDRESS = ['postalCode', 'prefecture', 'address', 'building'] as const;
const only = (values: Record<string, unknown>, fields: readonly string[]) => Object.fromEntries(fields.filter((f) => f in values).map((f) => [f, values[f]]));
const recordsOf = (golden: ReturnType<typeof computeGolden>, fields: readonly string[]) => new Set(fields.filter((f) => f in golden.values).map((f) => golden.provenance[f]!.sourceRecordId));
const ishikawa = { postalCode: '9270053', prefecture: '石川県', address: '鳳珠郡能登町宇出津', building: '能登ハイツ101' };
const osaka = { prefecture: '大阪府', address: '大阪市北区天神橋3-5-6' };

test('a manual edit wins over a department export, whatever their order', () => {
  const golden = computeGolden([
    manual(2, '2026-01-01T00:00:00Z', { title: '部長' }),
    meishi(1, '2026-06-01T00:00:00Z', { title: '課長', familyName: '佐藤' }),
  ]);
  assert.deepEqual(golden.values, { title: '部長', familyName: '佐藤' });
  assert.deepEqual(golden.provenance.title, { sourceRecordId: 2, source: 'manual', at: '2026-01-01T00:00:00.000Z' });
  assert.equal(golden.provenance.familyName?.source, 'meishi');
});

test('within a source the most recent statement wins; absent keys say nothing; null clears', () => {
  const golden = computeGolden([
    meishi(1, '2026-01-01T00:00:00Z', { email: 'old@example.jp', phone: '+81312345678' }),
    meishi(2, '2026-02-01T00:00:00Z', { email: 'new@example.jp' }),
    manual(3, '2026-03-01T00:00:00Z', { phone: null }),
  ]);
  assert.equal(golden.values.email, 'new@example.jp');
  assert.equal('phone' in golden.values, false, 'cleared by the user');
  assert.equal(golden.provenance.phone?.sourceRecordId, 3, 'who cleared it is kept');
});

test('the result does not depend on the order statements arrive in', () => {
  const statement = fc.record({
    sourceRecordId: fc.integer({ min: 1, max: 1000 }),
    source: fc.constantFrom('manual', 'meishi', 'web'),
    sourcePriority: fc.constantFrom(0, 50, 100),
    receivedAt: fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }),
    fields: fc.dictionary(fc.constantFrom('familyName', 'email', 'title'), fc.option(fc.string(), { nil: null })),
  });
  fc.assert(fc.property(fc.uniqueArray(statement, { selector: (s) => s.sourceRecordId, maxLength: 8 }), (statements) => {
    const a = computeGolden(statements);
    const b = computeGolden([...statements].reverse());
    assert.deepEqual(a, b);
  }));
});

test('diffValues lists changed fields only', () => {
  assert.deepEqual(diffValues({ a: 1, b: 'x', c: null }, { a: 1, b: 'y', d: 2 }), [
    { field: 'b', from: 'x', to: 'y' },
    { field: 'd', from: null, to: 2 },
  ]);
});

test('most complete: a terse newer value does not erase the detail it agrees with; a conflict or a manual edit does', () => {
  const crm = (id: number, when: string, fields: Record<string, unknown>): SourceStatement => ({ sourceRecordId: id, source: 'crm', sourcePriority: 50, receivedAt: at(when), fields });
  const golden = computeGolden([
    meishi(1, '2026-01-01T00:00:00Z', { address: '東京都千代田区千代田１－２－３', companyName: '台帳商事 東京支店', title: '課長' }),
    crm(2, '2026-06-01T00:00:00Z', { address: '東京都千代田区', companyName: '台帳商事', title: '部長' }),
  ]);
  assert.equal(golden.values.address, '東京都千代田区千代田１－２－３', 'the detailed address extends the CRM one');
  assert.equal(golden.provenance.address?.sourceRecordId, 1);
  assert.equal(golden.values.title, '部長', 'a different value is a conflict: priority decides');
  assert.equal(golden.values.companyName, '台帳商事', 'company and title are one affiliation: the detailed company came with another title');
  const sameTitle = computeGolden([
    meishi(1, '2026-01-01T00:00:00Z', { companyName: '台帳商事 東京支店', department: '営業部', title: '部長' }),
    crm(2, '2026-06-01T00:00:00Z', { companyName: '台帳商事', title: '部長' }),
  ]);
  assert.deepEqual(sameTitle.values, { companyName: '台帳商事 東京支店', department: '営業部', title: '部長' }, 'the same affiliation in more detail');
  assert.equal(sameTitle.provenance.title?.sourceRecordId, 1);
  const moved = computeGolden([
    meishi(1, '2026-01-01T00:00:00Z', { address: '東京都千代田区千代田1-2-3' }),
    meishi(2, '2026-06-01T00:00:00Z', { address: '大阪府大阪市北区梅田1-1-1' }),
  ]);
  assert.equal(moved.values.address, '大阪府大阪市北区梅田1-1-1', 'a move is not a refinement');
  const typed = computeGolden([
    meishi(1, '2026-01-01T00:00:00Z', { address: '東京都千代田区千代田1-2-3' }),
    manual(2, '2026-06-01T00:00:00Z', { address: '東京都千代田区' }),
  ]);
  assert.equal(typed.values.address, '東京都千代田区', 'what a user typed stays as typed');
});

test('the address block comes whole from one record: no 〒 of Ishikawa beside 大阪府 from another', () => {
  const tahara = { familyName: '田原', givenName: '嘉彦' };
  const golden = computeGolden([web(1, '2026-01-01T00:00:00Z', { ...tahara, ...ishikawa }), web(2, '2026-03-01T00:00:00Z', { ...tahara, ...osaka })]);
  assert.deepEqual(only(golden.values, ADDRESS), osaka, 'the newer record has an address: its 〒 and 建物 are absent, not borrowed');
  assert.deepEqual(recordsOf(golden, ADDRESS), new Set([2]));
  const older = computeGolden([web(1, '2026-03-01T00:00:00Z', { ...tahara, ...ishikawa }), web(2, '2026-01-01T00:00:00Z', { ...tahara, ...osaka })]);
  assert.deepEqual(only(older.values, ADDRESS), ishikawa);
  // A 建物 alone is no address: it does not take the block away from a record that has one.
  const buildingOnly = computeGolden([web(1, '2026-01-01T00:00:00Z', ishikawa), web(2, '2026-03-01T00:00:00Z', { building: '梅田タワー5F' })]);
  assert.deepEqual(only(buildingOnly.values, ADDRESS), ishikawa);
  // The same address in more detail (one more member, a longer 番地) is taken whole.
  const detailed = computeGolden([
    web(1, '2026-01-01T00:00:00Z', { postalCode: '1000001', prefecture: '東京都', address: '千代田区千代田1-1', building: '台帳ビル3F' }),
    web(2, '2026-03-01T00:00:00Z', { prefecture: '東京都', address: '千代田区千代田' }),
  ]);
  assert.deepEqual(only(detailed.values, ADDRESS), { postalCode: '1000001', prefecture: '東京都', address: '千代田区千代田1-1', building: '台帳ビル3F' });
});

test('company, department and title come from one affiliation; a title alone does not replace a company', () => {
  const golden = computeGolden([
    meishi(1, '2026-01-01T00:00:00Z', { companyName: '台帳商事', department: '営業部', title: '課長' }),
    meishi(2, '2026-03-01T00:00:00Z', { companyName: '日本物産', title: '部長' }),
    meishi(3, '2026-05-01T00:00:00Z', { title: '取締役' }),
  ]);
  assert.deepEqual(golden.values, { companyName: '日本物産', title: '部長' }, 'no 営業部 of 台帳商事, no title without a company');
});

test('the reading is never assembled from two records (「タワラ ヨシヒコ ヨシヒコ」)', () => {
  // A record stored before statements split a whole reading typed into セイ, and another record's メイ.
  const golden = computeGolden([
    meishi(1, '2026-01-01T00:00:00Z', { familyName: '田原', givenName: '嘉彦', familyNameKana: 'タワラ ヨシヒコ' }),
    meishi(2, '2026-03-01T00:00:00Z', { familyName: '田原', givenName: '嘉彦', givenNameKana: 'ヨシヒコ' }),
  ]);
  const reading = [golden.values.familyNameKana, golden.values.givenNameKana].filter(Boolean).join(' ');
  assert.equal(reading, 'ヨシヒコ', 'the name\'s own record\'s reading, whole');
  assert.deepEqual(recordsOf(golden, ['familyNameKana', 'givenNameKana']), new Set([2]));
  // A whole reading a user typed into セイ is kept as typed, and not followed by another record's メイ.
  const typed = computeGolden([
    meishi(1, '2026-01-01T00:00:00Z', { familyName: '田原', givenName: '嘉彦', familyNameKana: 'タワラ', givenNameKana: 'ヨシヒコ' }),
    manual(2, '2026-03-01T00:00:00Z', { familyNameKana: 'タワラ ヨシヒコ' }),
  ]);
  assert.deepEqual(only(typed.values, ['familyNameKana', 'givenNameKana']), { familyNameKana: 'タワラ ヨシヒコ' });
  // A newer record without a reading keeps the reading of the same name from an older one.
  const kept = computeGolden([
    meishi(1, '2026-01-01T00:00:00Z', { familyName: '田原', givenName: '嘉彦', familyNameKana: 'タワラ', givenNameKana: 'ヨシヒコ' }),
    meishi(2, '2026-03-01T00:00:00Z', { familyName: '田原', givenName: '嘉彦', email: 'y.tahara@example.jp' }),
  ]);
  assert.deepEqual(only(kept.values, ['familyName', 'givenName', 'familyNameKana', 'givenNameKana']), { familyName: '田原', givenName: '嘉彦', familyNameKana: 'タワラ', givenNameKana: 'ヨシヒコ' });
  assert.equal(kept.provenance.familyName?.sourceRecordId, 2);
  assert.deepEqual(recordsOf(kept, ['familyNameKana', 'givenNameKana']), new Set([1]), 'the older record spells the name the same: its reading fits');
});

test('after a merge, a former surname\'s reading does not stand beside the current name (森下 想夏 ≠ ワタナベ)', () => {
  const maiden = meishi(1, '2025-01-01T00:00:00Z', { familyName: '渡辺', givenName: '想夏', familyNameKana: 'ワタナベ', givenNameKana: 'ソーカ' });
  const married = web(2, '2026-03-01T00:00:00Z', { familyName: '森下', givenName: '想夏', email: 'soka@example.jp' });
  const golden = computeGolden([maiden, married]);
  assert.equal(golden.values.familyName, '森下');
  assert.equal(golden.values.familyNameKana, undefined, 'ワタナベ is not a reading of 森下');
  assert.equal(golden.values.givenNameKana, 'ソーカ', 'the same 名 keeps its reading');
  // A reading that fits the whole name wins, from a record that spells the name the same, or one the lists confirm.
  const spelled = computeGolden([maiden, married, meishi(3, '2024-01-01T00:00:00Z', { familyName: '森下', givenName: '想夏', familyNameKana: 'モリシタ', givenNameKana: 'ソウカ' })]);
  assert.deepEqual(only(spelled.values, ['familyNameKana', 'givenNameKana']), { familyNameKana: 'モリシタ', givenNameKana: 'ソウカ' });
  const confirmed = computeGolden([maiden, married, meishi(3, '2024-01-01T00:00:00Z', { familyNameKana: 'モリシタ', givenNameKana: 'ソウカ' })]);
  assert.deepEqual(only(confirmed.values, ['familyNameKana', 'givenNameKana']), { familyNameKana: 'モリシタ', givenNameKana: 'ソウカ' });
  assert.equal(confirmed.provenance.familyNameKana?.sourceRecordId, 3);
});

test('a user\'s edit wins for the fields it sets; the rest of the group comes whole from one record that does not contradict it', () => {
  // Editing the 建物 only: the block the user saw (record 1) stays, a later move (record 3) does not slip in around it.
  const building = computeGolden([
    web(1, '2026-01-01T00:00:00Z', ishikawa),
    manual(2, '2026-02-01T00:00:00Z', { building: '能登ハイツ202' }),
    web(3, '2026-03-01T00:00:00Z', { postalCode: '5300041', ...osaka, building: '天神橋ビル' }),
  ]);
  assert.deepEqual(only(building.values, ADDRESS), { ...ishikawa, building: '能登ハイツ202' });
  assert.equal(building.provenance.building?.source, 'manual');
  // A customer created by hand with a Tokyo address: a later Osaka record contributes no 建物 to it.
  const typed = computeGolden([
    manual(1, '2026-01-01T00:00:00Z', { postalCode: '1000001', prefecture: '東京都', address: '千代田区千代田1-1' }),
    web(2, '2026-03-01T00:00:00Z', { postalCode: '5300041', ...osaka, building: '天神橋ビル' }),
  ]);
  assert.deepEqual(only(typed.values, ADDRESS), { postalCode: '1000001', prefecture: '東京都', address: '千代田区千代田1-1' });
  // A business card that agrees with the company typed by hand completes the affiliation.
  const card = computeGolden([
    manual(1, '2026-01-01T00:00:00Z', { companyName: '台帳商事' }),
    meishi(2, '2026-03-01T00:00:00Z', { companyName: '株式会社台帳商事', department: '営業部', title: '課長' }),
  ]);
  assert.deepEqual(card.values, { companyName: '台帳商事', department: '営業部', title: '課長' });
  assert.equal(card.provenance.companyName?.source, 'manual', 'what the user typed is kept as typed');
  // A new surname typed by hand: the old surname's reading goes, the 名's stays; a reading typed by hand always stays.
  const renamed = computeGolden([
    meishi(1, '2025-01-01T00:00:00Z', { familyName: '渡辺', givenName: '想夏', familyNameKana: 'ワタナベ', givenNameKana: 'ソーカ' }),
    manual(2, '2026-01-01T00:00:00Z', { familyName: '森下' }),
  ]);
  assert.deepEqual(only(renamed.values, ['familyName', 'givenName', 'familyNameKana', 'givenNameKana']), { familyName: '森下', givenName: '想夏', givenNameKana: 'ソーカ' });
  const reread = computeGolden([
    meishi(1, '2025-01-01T00:00:00Z', { familyName: '田原', givenName: '嘉彦', familyNameKana: 'タハラ', givenNameKana: 'ヨシヒコ' }),
    manual(2, '2026-01-01T00:00:00Z', { familyNameKana: 'タワラ' }),
  ]);
  assert.deepEqual(only(reread.values, ['familyNameKana', 'givenNameKana']), { familyNameKana: 'タワラ', givenNameKana: 'ヨシヒコ' });
});

test('otherSourceValues lists what the other records hold, by group and by field, once each, without the golden value', () => {
  const statements = [
    web(1, '2026-01-01T00:00:00Z', { familyName: '田原', givenName: '嘉彦', email: 'old@example.jp', ...ishikawa }),
    web(2, '2026-03-01T00:00:00Z', { familyName: '田原', givenName: '嘉彦', email: 'new@example.jp', ...osaka }),
    meishi(3, '2025-06-01T00:00:00Z', { postalCode: '９２７００５３', prefecture: '石川県', address: '鳳珠郡能登町宇出津', building: '能登ハイツ101' }),
    meishi(4, '2025-05-01T00:00:00Z', { prefecture: '大阪府', address: '大阪市北区' }),
    manual(5, '2025-04-01T00:00:00Z', { phone: null }),
  ];
  const others = otherSourceValues(statements);
  assert.deepEqual(others.address, [
    { values: ishikawa, source: 'web', sourceRecordId: 1, at: '2026-01-01T00:00:00.000Z' },
  ], 'record 3 holds the same block in other widths; record 4 is the golden address, less detailed');
  assert.deepEqual(others.email, [{ values: { email: 'old@example.jp' }, source: 'web', sourceRecordId: 1, at: '2026-01-01T00:00:00.000Z' }]);
  assert.equal(others.name, undefined, 'every record states the golden name');
  assert.equal(others.phone, undefined, 'a clear holds no value');
});

test('a name stated again with its 名 is the same name in more detail; 田 is not a terse 田原', () => {
  const completed = computeGolden([
    meishi(1, '2026-01-01T00:00:00Z', { familyName: '髙橋', givenName: '花子' }),
    meishi(2, '2026-03-01T00:00:00Z', { familyName: '高橋' }),
  ]);
  assert.deepEqual(completed.values, { familyName: '髙橋', givenName: '花子' });
  const other = computeGolden([
    meishi(1, '2026-01-01T00:00:00Z', { familyName: '田原', givenName: '嘉彦' }),
    meishi(2, '2026-03-01T00:00:00Z', { familyName: '田' }),
  ]);
  assert.deepEqual(other.values, { familyName: '田' }, 'another name: the newer record decides, and no 名 is borrowed');
});
