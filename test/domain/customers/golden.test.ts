import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { computeGolden, diffValues, type SourceStatement } from '../../../src/domain/customers/golden.ts';

const at = (iso: string) => new Date(iso);
const meishi = (id: number, when: string, fields: Record<string, unknown>): SourceStatement => ({ sourceRecordId: id, source: 'meishi', sourcePriority: 100, receivedAt: at(when), fields });
const manual = (id: number, when: string, fields: Record<string, unknown>): SourceStatement => ({ sourceRecordId: id, source: 'manual', sourcePriority: 0, receivedAt: at(when), fields });

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
  assert.equal(golden.values.companyName, '台帳商事 東京支店');
  assert.equal(golden.values.title, '部長', 'a different value is a conflict: priority decides');
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
