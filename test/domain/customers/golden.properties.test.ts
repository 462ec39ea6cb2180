import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { FIELD_GROUPS } from '../../../src/domain/customers/fields.ts';
import { computeGolden, otherSourceValues, type SourceStatement } from '../../../src/domain/customers/golden.ts';
import { isReadingOf, sameWrittenName } from '../../../src/domain/customers/reading.ts';
import { prefectureFromPostal } from '../../../src/domain/normalize/postal.ts';

// Small pools, so that records agree, extend and contradict each other often.
const ADDRESSES = [
  { postalCode: '9270053', prefecture: '石川県', address: '鳳珠郡能登町宇出津' },
  { postalCode: '5300041', prefecture: '大阪府', address: '大阪市北区天神橋' },
  { postalCode: '1000001', prefecture: '東京都', address: '千代田区千代田' },
] as const;
const NAMES = [
  { familyName: '田原', givenName: '嘉彦', familyNameKana: 'タワラ', givenNameKana: 'ヨシヒコ' },
  { familyName: '森下', givenName: '想夏', familyNameKana: 'モリシタ', givenNameKana: 'ソーカ' },
  { familyName: '渡辺', givenName: '想夏', familyNameKana: 'ワタナベ', givenNameKana: 'ソウカ' },
  { familyName: '髙橋', givenName: '花子', familyNameKana: 'タカハシ', givenNameKana: 'ハナコ' },
  // Stored before statements split a whole reading typed into セイ.
  { familyName: '田原', givenName: '嘉彦', familyNameKana: 'タワラ ヨシヒコ' },
] as const;

/** A subset of an object's keys (each kept or left out). */
const someOf = <T extends Record<string, unknown>>(whole: T) =>
  fc.subarray(Object.keys(whole)).map((keys) => Object.fromEntries(keys.map((k) => [k, whole[k]])) as Partial<T>);

/** One source record's fields: each group coherent on its own (a real 〒 with its prefecture, a name with its reading). */
const recordFields = fc
  .record(
    {
      name: fc.constantFrom(...NAMES).chain(someOf),
      address: fc
        .record({ base: fc.constantFrom(...ADDRESSES), number: fc.constantFrom('', '1-2-3', '3-5-6'), building: fc.option(fc.constantFrom('台帳ビル3F', 'ハイツ101'), { nil: undefined }) })
        .chain(({ base, number, building }) => someOf({ ...base, address: base.address + number, ...(building ? { building } : {}) })),
      affiliation: fc
        .record({ companyName: fc.constantFrom('台帳商事', '台帳商事 東京支店', '株式会社台帳商事', '日本物産'), department: fc.constantFrom('営業部', '総務部'), title: fc.constantFrom('課長', '部長') })
        .chain(someOf),
      email: fc.option(fc.constantFrom('a@example.jp', 'b@example.jp'), { nil: undefined }),
    },
    { requiredKeys: [] },
  )
  .map(({ name, address, affiliation, email }) => ({ ...name, ...address, ...affiliation, ...(email ? { email } : {}) }) as Record<string, unknown>);

/** A user's edit: a few fields, any of them possibly cleared (null). */
const editFields = fc.dictionary(
  fc.constantFrom(...FIELD_GROUPS.name, ...FIELD_GROUPS.reading, ...FIELD_GROUPS.address, ...FIELD_GROUPS.affiliation, 'email'),
  fc.option(fc.constantFrom('森下', 'タワラ', 'タワラ ヨシヒコ', 'ヨシヒコ', '東京都', '千代田区千代田1-1', '台帳商事', '課長', 'c@example.jp'), { nil: null }),
  { maxKeys: 3 },
);

const statement = fc.oneof(
  fc.record({
    source: fc.constantFrom('meishi', 'web'),
    sourcePriority: fc.constantFrom(50, 100),
    receivedAt: fc.integer({ min: 0, max: 20 }).map((d) => new Date(Date.UTC(2026, 0, 1 + d))),
    fields: recordFields,
  }),
  fc.record({
    source: fc.constant('manual'),
    sourcePriority: fc.constant(0),
    receivedAt: fc.integer({ min: 0, max: 20 }).map((d) => new Date(Date.UTC(2026, 0, 1 + d))),
    fields: editFields,
  }),
);
const statements = (maxLength: number) =>
  fc.array(statement, { minLength: 1, maxLength }).map((list) => list.map((s, i): SourceStatement => ({ ...s, sourceRecordId: i + 1 })));

const GROUPS = Object.entries(FIELD_GROUPS) as Array<[string, readonly string[]]>;

test('no golden record mixes two records\' groups: the fields of a group that no user set share one source record', () => {
  fc.assert(
    fc.property(statements(6), (list) => {
      const golden = computeGolden(list);
      for (const [group, fields] of GROUPS) {
        const records = new Set(fields.filter((f) => f in golden.values && golden.provenance[f]!.source !== 'manual').map((f) => golden.provenance[f]!.sourceRecordId));
        assert.ok(records.size <= 1, `${group} from records ${[...records].join(', ')}`);
      }
    }),
    { numRuns: 2000 },
  );
});

test('a user\'s edit wins for every field it is the best-ranked statement of', () => {
  fc.assert(
    fc.property(statements(6), (list) => {
      const golden = computeGolden(list);
      const ranked = [...list].sort((a, b) => b.receivedAt.getTime() - a.receivedAt.getTime() || b.sourceRecordId - a.sourceRecordId);
      for (const field of new Set(list.flatMap((s) => Object.keys(s.fields)))) {
        const edit = ranked.find((s) => s.source === 'manual' && s.fields[field] !== undefined);
        if (edit === undefined) continue;
        assert.equal(golden.provenance[field]?.sourceRecordId, edit.sourceRecordId, field);
        assert.equal(golden.values[field], edit.fields[field] ?? undefined, field);
      }
    }),
    { numRuns: 1000 },
  );
});

test('a single statement\'s golden record is its own values', () => {
  fc.assert(
    fc.property(statement, (s) => {
      const golden = computeGolden([{ ...s, sourceRecordId: 7 }]);
      const own = Object.fromEntries(Object.entries(s.fields).filter(([, v]) => v !== undefined && v !== null));
      assert.deepEqual(golden.values, own);
      for (const field of Object.keys(own)) assert.equal(golden.provenance[field]?.sourceRecordId, 7);
    }),
  );
});

test('the golden 〒 and 都道府県 never contradict each other when every record is coherent and no user typed them', () => {
  fc.assert(
    fc.property(statements(6), (list) => {
      const golden = computeGolden(list);
      const { postalCode, prefecture } = golden.values;
      if (typeof postalCode !== 'string' || typeof prefecture !== 'string') return;
      if (golden.provenance.postalCode!.source === 'manual' || golden.provenance.prefecture!.source === 'manual') return;
      assert.equal(prefectureFromPostal(postalCode), prefecture);
    }),
    { numRuns: 2000 },
  );
});

test('a reading taken from another record than its name part fits that name part', () => {
  fc.assert(
    fc.property(statements(6), (list) => {
      const golden = computeGolden(list);
      for (const [kana, written, part] of [['familyNameKana', 'familyName', 'family'], ['givenNameKana', 'givenName', 'given']] as const) {
        const reading = golden.values[kana];
        const name = golden.values[written];
        if (typeof reading !== 'string' || golden.provenance[kana]!.source === 'manual') continue;
        if (typeof name !== 'string') continue;
        const from = list.find((s) => s.sourceRecordId === golden.provenance[kana]!.sourceRecordId)!;
        if (golden.provenance[written]!.sourceRecordId === from.sourceRecordId) continue;
        const own = from.fields[written];
        assert.ok((typeof own === 'string' && sameWrittenName(own, name)) || isReadingOf(name, reading, part), `${reading} for ${name}`);
      }
    }),
    { numRuns: 2000 },
  );
});

test('the golden record and the other values do not depend on the order statements arrive in', () => {
  fc.assert(
    fc.property(statements(6), (list) => {
      assert.deepEqual(computeGolden(list), computeGolden([...list].reverse()));
      assert.deepEqual(otherSourceValues(list), otherSourceValues([...list].reverse()));
    }),
    { numRuns: 500 },
  );
});

test('otherSourceValues never lists the golden value, nor one value twice', () => {
  fc.assert(
    fc.property(statements(6), (list) => {
      const golden = computeGolden(list);
      for (const [key, others] of Object.entries(otherSourceValues(list, golden))) {
        const seen = new Set<string>();
        for (const other of others) {
          assert.ok(Object.keys(other.values).length > 0);
          assert.ok(!Object.entries(other.values).every(([f, v]) => golden.values[f] === v), `${key}: the golden value`);
          const id = JSON.stringify(Object.entries(other.values).sort());
          assert.ok(!seen.has(id), `${key}: twice`);
          seen.add(id);
          const from = list.find((s) => s.sourceRecordId === other.sourceRecordId)!;
          for (const [f, v] of Object.entries(other.values)) assert.equal(from.fields[f], v, 'a value the record holds');
        }
      }
    }),
    { numRuns: 500 },
  );
});
