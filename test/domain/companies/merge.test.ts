import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planCompanyMerge, planCompanyUnmerge, type CompanyFactColumns } from '../../../src/domain/companies/merge.ts';

function company(values: Partial<CompanyFactColumns>): CompanyFactColumns {
  return {
    name_kana: null, legal_form: null, corporate_number: null, industry: null, industry_code: null, employees_text: null, employee_count: null,
    size_band: null, capital_yen: null, capital_text: null, revenue_band: null, website: null, domain: null, phone: null, postal_code: null,
    prefecture: null, address: null, custom_fields: {}, field_sources: {}, ...values,
  };
}

const AT = '2026-12-06T10:00:00.000Z';

test('the survivor keeps its facts, fills the empty ones a group at a time, and stamps the kept ones it disagreed on', () => {
  const survivor = company({
    prefecture: '東京都', address: '千代田区丸の内1-1-1', phone: '+81335814321', legal_form: '株式会社',
    field_sources: { address: { source: 'seminar', at: '2026-01-01T00:00:00.000Z' }, phone: { source: 'seminar', at: '2026-01-01T00:00:00.000Z' } },
  });
  const merged = company({
    prefecture: '大阪府', address: '大阪市北区梅田2-4-9', postal_code: '5300001', website: 'https://www.sakura-is.co.jp/', domain: 'sakura-is.co.jp',
    legal_form: '株式会社', corporate_number: '7000012050002', custom_fields: { 顧客ランク: 'A' },
    field_sources: { address: { source: 'meishi', at: '2026-02-01T00:00:00.000Z' }, website: { source: 'meishi', at: '2026-02-01T00:00:00.000Z' } },
  });
  const plan = planCompanyMerge(survivor, merged, AT);
  assert.equal(plan.set.website, 'https://www.sakura-is.co.jp/');
  assert.equal(plan.set.domain, 'sakura-is.co.jp');
  assert.equal(plan.set.corporate_number, '7000012050002');
  assert.equal(plan.set.postal_code, undefined, 'the 〒 of another address is not mixed into the survivor\'s');
  assert.equal(plan.set.prefecture, undefined);
  assert.deepEqual(plan.set.custom_fields, { 顧客ランク: 'A' });
  assert.deepEqual(plan.set.field_sources?.website, { source: 'meishi', at: '2026-02-01T00:00:00.000Z' }, 'a filled fact keeps its provenance');
  assert.deepEqual(plan.set.field_sources?.address, { source: 'merge', at: AT }, 'the kept address outranks older statements');
  assert.deepEqual(plan.set.field_sources?.phone, { source: 'seminar', at: '2026-01-01T00:00:00.000Z' }, 'no disagreement, no stamp');
  assert.deepEqual(plan.filled.sort(), ['corporateNumber', 'website']);
  assert.deepEqual(plan.kept, ['address']);
  assert.equal(plan.before.website, null);
});

test('a manual value is kept without a stamp (a manual edit always wins anyway)', () => {
  const survivor = company({ industry: '製造業', field_sources: { industry: { source: 'manual', at: '2026-01-01T00:00:00.000Z' } } });
  const merged = company({ industry: '卸売業', industry_code: 'I' });
  const plan = planCompanyMerge(survivor, merged, AT);
  assert.deepEqual(plan.set, {});
  assert.deepEqual(plan.kept, ['industry']);
});

test('unmerge clears what the merge filled, unless it changed since', () => {
  const survivor = company({ phone: '+81335814321' });
  const merged = company({ website: 'https://a.example.jp/', domain: 'a.example.jp', phone: '+81664412087', field_sources: { website: { source: 'm', at: '2026-02-01T00:00:00.000Z' } } });
  const plan = planCompanyMerge(survivor, merged, AT);
  const after = { ...plan.set };
  const current = company({ ...survivor, ...(plan.set as Partial<CompanyFactColumns>) });
  const revert = planCompanyUnmerge(current, plan.before, after);
  assert.equal(revert.website, null);
  assert.equal(revert.domain, null);
  assert.deepEqual(revert.field_sources, {});

  const edited = company({ ...current, website: 'https://b.example.jp/', field_sources: { website: { source: 'manual', at: '2026-03-01T00:00:00.000Z' } } });
  const kept = planCompanyUnmerge(edited, plan.before, after);
  assert.equal(kept.website, undefined, 'a later edit stays');
  assert.equal(kept.domain, null);
  assert.equal(kept.field_sources, undefined);
});
