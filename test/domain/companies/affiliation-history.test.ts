import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  affiliationChangeOf, affiliationHistory, companyStints, describeAffiliationChange, type AffiliationObservation,
} from '../../../src/domain/companies/affiliation-history.ts';

let nextId = 1;
const obs = (at: string | null, companyName: string | null, department: string | null = null, title: string | null = null, more: Partial<AffiliationObservation> = {}): AffiliationObservation => ({
  sourceRecordId: nextId++, source: 'meishi', observedAt: at === null ? null : new Date(at), companyName, department, title, ...more,
});
const view = (ps: ReturnType<typeof affiliationHistory>) => ps.map((p) => `${p.companyName}|${p.department ?? ''}|${p.title ?? ''}|${p.status}|${p.change ?? '-'}`);

describe('affiliation history (所属履歴)', () => {
  test('a job change: A社 then B社, newest first, the golden company is 現職', () => {
    const h = affiliationHistory([
      obs('2025-04-01T00:00:00Z', '株式会社エーシャ', '営業部', '課長'),
      obs('2026-10-01T00:00:00Z', 'ビーシャ(株)', 'マーケティング部', '部長'),
    ], { companyId: null, companyName: 'ビーシャ株式会社' });
    assert.deepEqual(view(h), ['ビーシャ(株)|マーケティング部|部長|current|job_change', '株式会社エーシャ|営業部|課長|former|-']);
    assert.equal(h[1]!.firstSeen, '2025-04-01T00:00:00.000Z');
  });

  test('the same company twice with a title change is 異動・昇進 inside the company, not a job change', () => {
    const h = affiliationHistory([
      obs('2024-01-10T00:00:00Z', '台帳商事株式会社', '営業部', '主任'),
      obs('2025-06-10T00:00:00Z', '台帳商事株式会社', '営業部', '課長'),
    ], { companyId: null, companyName: '台帳商事株式会社', department: '営業部', title: '課長' });
    assert.deepEqual(view(h), ['台帳商事株式会社|営業部|課長|current|internal', '台帳商事株式会社|営業部|主任|former|-']);
    assert.deepEqual(companyStints(h).map((s) => [s.firstSeen?.slice(0, 10), s.lastSeen?.slice(0, 10), s.current]), [['2024-01-10', '2025-06-10', true]]);
  });

  test('A → B → A is three periods: she came back, and the last A is 現職', () => {
    const h = affiliationHistory([
      obs('2022-01-01T00:00:00Z', 'エー株式会社'),
      obs('2023-01-01T00:00:00Z', 'ビー株式会社'),
      obs('2024-01-01T00:00:00Z', 'エー株式会社'),
    ], { companyId: null, companyName: 'エー株式会社' });
    assert.deepEqual(view(h), ['エー株式会社|||current|job_change', 'ビー株式会社|||former|job_change', 'エー株式会社|||former|-']);
    const stints = companyStints(h);
    assert.equal(stints.length, 2);
    assert.deepEqual([stints[0]!.firstSeen?.slice(0, 4), stints[0]!.lastSeen?.slice(0, 4), stints[0]!.current], ['2022', '2024', true]);
  });

  test('company name variants 株式会社X / (株)X / X are one company, and the records extend one period', () => {
    const h = affiliationHistory([
      obs('2024-01-01T00:00:00Z', '株式会社さくら情報', '開発部'),
      obs('2024-05-01T00:00:00Z', '(株)さくら情報', '開発部'),
      obs('2024-09-01T00:00:00Z', 'さくら情報', '開発部 '),
    ], { companyId: null, companyName: 'さくら情報株式会社' });
    assert.equal(h.length, 1);
    assert.equal(h[0]!.status, 'current');
    assert.equal(h[0]!.sourceRecordIds.length, 3);
    assert.equal(h[0]!.firstSeen?.slice(0, 10), '2024-01-01');
    assert.equal(h[0]!.lastSeen?.slice(0, 10), '2024-09-01');
  });

  test('a linked company id joins another spelling of the same name; placeholders are no company', () => {
    const h = affiliationHistory([
      obs('2024-01-01T00:00:00Z', '(株)エー', null, null, { companyId: 'c-a' }),
      obs('2024-02-01T00:00:00Z', 'エー株式会社'),
      obs('2024-03-01T00:00:00Z', 'なし'),
    ], { companyId: 'c-a', companyName: '株式会社エー' });
    assert.equal(h.length, 1);
    assert.equal(h[0]!.companyId, 'c-a');
    assert.equal(h[0]!.status, 'current');
  });

  test('records without dates join the period that says the same, else stand apart at the end (時期不明)', () => {
    const h = affiliationHistory([
      obs(null, 'ビー株式会社', '総務部'),
      obs('2024-01-01T00:00:00Z', 'エー株式会社', '営業部'),
      obs(null, 'エー株式会社', '営業部'),
    ], { companyId: null, companyName: 'エー株式会社' });
    assert.deepEqual(view(h), ['エー株式会社|営業部||current|-', 'ビー株式会社|総務部||former|-']);
    assert.equal(h[0]!.sourceRecordIds.length, 2);
    assert.equal(h[1]!.firstSeen, null);
  });

  test('no golden company: every period is 前職', () => {
    const h = affiliationHistory([obs('2024-01-01T00:00:00Z', 'エー株式会社')], null);
    assert.equal(h[0]!.status, 'former');
  });
});

describe('the change the timeline records', () => {
  const a = { companyId: 'A', companyName: 'A社', department: '営業部', title: '課長' };
  test('another company is 人事異動 with 旧 and 新', () => {
    const b = { companyId: 'B', companyName: 'B社', department: 'マーケティング部', title: '部長' };
    assert.equal(affiliationChangeOf(a, b), 'job_change');
    assert.equal(describeAffiliationChange('job_change', a, b), '人事異動: 旧 A社 営業部 課長 → 新 B社 マーケティング部 部長');
  });
  test('the same company with another title is 異動・昇進; the same role is no change; no company before is none', () => {
    const promoted = { ...a, title: '部長' };
    assert.equal(affiliationChangeOf(a, promoted), 'internal');
    assert.equal(describeAffiliationChange('internal', a, promoted), '異動・昇進: A社 営業部 課長 → A社 営業部 部長');
    assert.equal(affiliationChangeOf(a, { ...a, department: '営業部 ' }), null);
    assert.equal(affiliationChangeOf(null, a), null);
    assert.equal(affiliationChangeOf({ companyId: null, companyName: null, department: null, title: null }, a), null);
  });
});
