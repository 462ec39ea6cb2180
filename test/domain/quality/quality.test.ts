import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { computeGolden, fieldConfirmations, otherSourceValues, type SourceStatement } from '../../../src/domain/customers/golden.ts';
import { COMPANY_EMAIL_MAX_AGE_DAYS, customerQuality, staleFields } from '../../../src/domain/quality/quality.ts';

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
let nextId = 1;
const st = (source: string, at: string, fields: Record<string, unknown>, priority = 100): SourceStatement =>
  ({ sourceRecordId: nextId++, source, sourcePriority: priority, receivedAt: day(at), fields });

const ASOF = day('2026-12-01');
const noCards = new Set<string>();

function stale(statements: SourceStatement[], extra: { cards?: Set<string>; bounced?: Date; returned?: Date; asOf?: Date } = {}) {
  const golden = computeGolden(statements);
  return staleFields({
    values: golden.values, confirmations: fieldConfirmations(statements, golden), statements,
    businessCardSources: extra.cards ?? noCards, emailBouncedAt: extra.bounced ?? null, mailReturnedAt: extra.returned ?? null, asOf: extra.asOf ?? ASOF,
  });
}

describe('fieldConfirmations', () => {
  test('the newest record that says the same value again, not the record survivorship chose', () => {
    const crm = st('crm', '2020-01-10', { familyName: '田中', email: 'tanaka@sakura-is.co.jp', phone: '0312345678' }, 10);
    const web = st('web', '2025-06-01', { familyName: '田中', email: 'TANAKA@sakura-is.co.jp ', phone: '09011112222' }, 100);
    const golden = computeGolden([crm, web]);
    assert.equal(golden.provenance.email!.source, 'crm', 'the higher-priority source gives the value');
    const c = fieldConfirmations([crm, web], golden);
    assert.equal(c.familyName!.source, 'web');
    assert.equal(c.email!.at, day('2025-06-01').toISOString(), 'the same address in other width/case confirms it');
    assert.equal(c.phone!.source, 'crm', 'another number does not confirm the chosen one');
  });

  test('a shorter address that the golden one says in more detail confirms it; a name never "extends"', () => {
    const full = st('crm', '2021-01-01', { prefecture: '東京都', address: '千代田区千代田1-2-3', familyName: '田原' }, 10);
    const terse = st('web', '2024-01-01', { prefecture: '東京都', address: '千代田区', familyName: '田' }, 100);
    const c = fieldConfirmations([full, terse]);
    assert.equal(c.address!.source, 'web');
    assert.equal(c.familyName!.source, 'crm');
  });
});

describe('staleFields', () => {
  test('a company e-mail nobody repeated for two years is stale; a free-mail one of the same age is not', () => {
    const old = day('2024-11-30');
    assert.ok((ASOF.getTime() - old.getTime()) / 86_400_000 > COMPANY_EMAIL_MAX_AGE_DAYS);
    const company = stale([st('crm', '2024-11-30', { familyName: '田中', email: 'tanaka@sakura-is.co.jp' })]);
    assert.deepEqual(company.map((s) => [s.field, s.reason]), [['email', 'company_email_unconfirmed']]);
    assert.deepEqual(stale([st('crm', '2024-11-30', { familyName: '田中', email: 'tanaka@gmail.com' })]), []);
    assert.deepEqual(stale([st('crm', '2025-01-15', { familyName: '田中', email: 'tanaka@sakura-is.co.jp' })]), [], 'confirmed within two years');
    const confirmedLater = stale([
      st('crm', '2020-01-01', { familyName: '田中', email: 'tanaka@sakura-is.co.jp' }, 10),
      st('seminar', '2026-10-01', { familyName: '田中', email: 'tanaka@sakura-is.co.jp' }, 100),
    ]);
    assert.deepEqual(confirmedLater, [], 'a seminar registration this year confirmed the old CRM address');
  });

  test('a hard bounce after the last confirmation makes the e-mail stale; an older bounce does not', () => {
    const s = [st('web', '2026-05-01', { familyName: '田中', email: 'tanaka@gmail.com' })];
    assert.deepEqual(stale(s, { bounced: day('2026-06-01') }).map((x) => x.reason), ['email_bounced']);
    assert.deepEqual(stale(s, { bounced: day('2026-04-01') }), [], 'the address was given again after the bounce');
  });

  test('a newer record with another address: moved; returned DM: dm_returned; the same address said again: nothing', () => {
    const home = st('crm', '2023-01-01', { familyName: '田中', postalCode: '1000001', prefecture: '東京都', address: '千代田区千代田1-1' }, 10);
    const moved = st('web', '2026-03-01', { familyName: '田中', postalCode: '5300001', prefecture: '大阪府', address: '大阪市北区梅田1-1' }, 100);
    const [m] = stale([home, moved]);
    assert.equal(m!.reason, 'moved');
    assert.equal(m!.field, 'postalCode');
    assert.equal(m!.sourceRecordId, moved.sourceRecordId);
    const again = st('web', '2026-03-01', { familyName: '田中', prefecture: '東京都', address: '千代田区千代田1-1' }, 100);
    assert.deepEqual(stale([home, again]), []);
    assert.deepEqual(stale([home], { returned: day('2024-02-01') }).map((x) => x.reason), ['dm_returned']);
    assert.deepEqual(stale([home], { returned: day('2022-02-01') }), [], 'returned before the address was last given');
  });

  test('a newer 名刺 with another title or company supersedes the title; another source does not', () => {
    const crm = st('crm', '2022-04-01', { familyName: '田中', companyName: '台帳商事', title: '課長' }, 10);
    const card = st('meishi', '2026-04-01', { familyName: '田中', companyName: '台帳商事', title: '部長' }, 100);
    const cards = new Set(['meishi']);
    const [t] = stale([crm, card], { cards });
    assert.deepEqual([t!.field, t!.reason, t!.sourceRecordId], ['title', 'title_superseded', card.sourceRecordId]);
    assert.deepEqual(stale([crm, card]), [], 'the same record from a non-card source is not a 名刺');
    const sameCard = st('meishi', '2026-04-01', { familyName: '田中', companyName: '台帳商事', title: '課長' }, 100);
    assert.deepEqual(stale([crm, sameCard], { cards }), [], 'the new card repeats the title');
    const jobChange = st('meishi', '2026-04-01', { familyName: '田中', companyName: '別会社', title: '' }, 100);
    assert.deepEqual(stale([crm, jobChange], { cards }).map((x) => x.reason), ['title_superseded']);
  });
});

describe('customerQuality', () => {
  const score = (statements: SourceStatement[], staleList = stale(statements)) => {
    const golden = computeGolden(statements);
    return customerQuality({ values: golden.values, otherValues: otherSourceValues(statements, golden), stale: staleList });
  };

  test('a complete, valid, fresh, consistent customer scores 100', () => {
    const q = score([st('crm', '2026-11-01', {
      familyName: '田中', givenName: '花子', familyNameKana: 'タナカ', givenNameKana: 'ハナコ', email: 'hanako@gmail.com', phone: '090-3456-7812',
      postalCode: '1000001', prefecture: '東京都', address: '千代田区千代田1-1', companyName: '台帳商事',
    })]);
    assert.equal(q.score, 100);
    assert.deepEqual(q.issues, []);
  });

  test('each part says what is wrong: missing fields, invalid values, a 〒 of another prefecture, conflicting sources', () => {
    const q = score([
      st('crm', '2026-11-01', { familyName: '田中', givenName: '花子', email: 'hanako@@gmail', phone: '12', postalCode: '5300001', prefecture: '東京都', address: '千代田区' }, 10),
      st('web', '2026-11-02', { familyName: '佐藤', givenName: '花子', email: 'hanako@gmail.com' }, 100),
    ]);
    assert.ok(q.issues.includes('missing_reading'));
    assert.ok(q.issues.includes('missing_company'));
    assert.ok(q.issues.includes('invalid_email'));
    assert.ok(q.issues.includes('invalid_phone'));
    assert.ok(q.issues.includes('postal_prefecture_mismatch'));
    assert.ok(q.issues.includes('conflicting_sources'));
    assert.equal(q.parts.completeness, 4 / 6);
    assert.equal(q.parts.validity, 0);
    assert.ok(q.score < 60, `score ${q.score}`);
  });

  test('a placeholder e-mail counts as missing and invalid; stale values lower freshness', () => {
    const statements = [st('crm', '2026-11-01', { familyName: '田中', phone: '090-3456-7812' })];
    const golden = computeGolden(statements);
    const q = customerQuality({ values: golden.values, otherValues: {}, stale: [], emailPlaceholder: 'dummy@example.com' });
    assert.ok(q.issues.includes('missing_email') && q.issues.includes('placeholder_email'));
    const fresh = customerQuality({ values: golden.values, otherValues: {}, stale: [] });
    const staled = customerQuality({ values: golden.values, otherValues: {}, stale: [{ field: 'phone', reason: 'email_bounced', since: '2026-01-01' }] });
    assert.ok(staled.parts.freshness < fresh.parts.freshness);
  });

  test('an empty customer has a low score and no division by zero', () => {
    const q = customerQuality({ values: {}, otherValues: {}, stale: [] });
    assert.equal(q.parts.completeness, 0);
    assert.ok(Number.isFinite(q.score));
  });
});
