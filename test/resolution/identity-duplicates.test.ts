import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decideReviewItem, listReviewQueue } from '../../src/resolution/identity/identity.service.ts';
import { ingestRecords } from '../../src/resolution/staging.ts';
import { ENGINES, openTestDatabase, type TestDatabase } from '../support/engines.ts';

const actor = { auth: null, ip: null, userAgent: 'test' };
const crm = { name: 'crm', label: 'CRM', kind: 'api' as const };

/** Issue 20: paths through which a known person became a second customer. */
for (const engine of ENGINES) {
  describe(`identity duplicates [${engine}]`, () => {
    let t: TestDatabase;
    before(async () => { t = await openTestDatabase(engine); });
    after(async () => t.destroy());

    const customers = async () => t.db.selectFrom('customers').select(['id', 'display_name', 'family_name']).execute();

    test('a form with the exact name and personal e-mail of a customer lands on that customer, no review item', async () => {
      const [known] = await ingestRecords(t.db, { source: crm, actor,
        records: [{ externalId: 'C-1', fields: { family_name: '山田', given_name: '太郎', email: 'taro.yamada@gmail.com', company_name: '株式会社山田商事' } }] });
      const [form] = await ingestRecords(t.db, { source: { name: 'form-contact', label: 'お問い合わせ', kind: 'form' }, actor,
        records: [{ externalId: 's-1', fields: { full_name: '山田 太郎', email: 'Taro.Yamada@gmail.com' } }] });
      assert.equal(form?.customerId, known?.customerId);
      const decision = await t.db.selectFrom('match_decisions').select(['kind', 'rule']).where('source_record_id', '=', form!.recordId).executeTakeFirstOrThrow();
      assert.equal(decision.kind, 'merge');
      assert.equal((await t.db.selectFrom('review_items').select('id').execute()).length, 0);
    });

    test('an event registration with a known e-mail and no name links on the e-mail; the company never becomes a name', async () => {
      const before = await customers();
      const [ev] = await ingestRecords(t.db, { source: { name: 'events-peatix', label: 'イベント (peatix)', kind: 'api' }, actor,
        records: [{ externalId: 'taro.yamada@gmail.com', fields: { email: 'taro.yamada@gmail.com', company_name: '株式会社山田商事' } }] });
      const after = await customers();
      assert.equal(after.length, before.length);
      assert.equal(after.find((c) => c.id === ev?.customerId)?.display_name, '山田 太郎');
      // A stranger known by e-mail and company only has no display name: screens show the (masked) e-mail instead.
      const [stranger] = await ingestRecords(t.db, { source: { name: 'events-peatix', label: 'イベント (peatix)', kind: 'api' }, actor,
        records: [{ externalId: 'k.suzuki@outlook.jp', fields: { email: 'k.suzuki@outlook.jp', company_name: '鈴木工業株式会社' } }] });
      const row = (await customers()).find((c) => c.id === stranger?.customerId);
      assert.equal(row?.display_name, '');
    });

    test('a shared role address (info@) links no one, and a family address does not merge two given names', async () => {
      const [a] = await ingestRecords(t.db, { source: crm, actor,
        records: [{ externalId: 'C-2', fields: { full_name: '佐藤 花子', email: 'info@sato-koumuten.co.jp' } }] });
      const [b] = await ingestRecords(t.db, { source: { name: 'events-peatix', label: 'イベント (peatix)', kind: 'api' }, actor,
        records: [{ externalId: 'info@sato-koumuten.co.jp', fields: { email: 'info@sato-koumuten.co.jp', company_name: '佐藤工務店' } }] });
      assert.notEqual(b?.customerId, a?.customerId);
      const [kenta] = await ingestRecords(t.db, { source: crm, actor,
        records: [{ externalId: 'C-3', fields: { full_name: '高橋 健太', email: 'takahashi-family@yahoo.co.jp' } }] });
      const [kenji] = await ingestRecords(t.db, { source: { name: 'form-contact', label: 'お問い合わせ', kind: 'form' }, actor,
        records: [{ externalId: 's-9', fields: { full_name: '高橋 健二', email: 'takahashi-family@yahoo.co.jp' } }] });
      assert.notEqual(kenji?.customerId, kenta?.customerId);
    });

    test('two people sharing a family e-mail and mobile are a review item whose probability is not ~100%; one item per customer pair', async () => {
      const form = { name: 'form-contact', label: 'お問い合わせ', kind: 'form' as const };
      const [mother] = await ingestRecords(t.db, { source: crm, actor,
        records: [{ externalId: 'C-4', fields: { full_name: '伊藤 由美', email: 'ito.family@gmail.com', phone: '090-2718-2818', address: '大阪府大阪市北区梅田1-2-3' } }] });
      const [daughter] = await ingestRecords(t.db, { source: form, actor,
        records: [{ externalId: 's-20', fields: { full_name: '伊藤 真由', email: 'ito.family@gmail.com', phone: '090-2718-2818', address: '大阪府大阪市北区梅田1-2-3' } }] });
      assert.notEqual(daughter?.customerId, mother?.customerId);
      // The daughter writes again (a second submission, a second record of her customer): the pair is raised again.
      await ingestRecords(t.db, { source: form, actor,
        records: [{ externalId: 's-21', fields: { full_name: '伊藤 真由', email: 'ito.family@gmail.com', phone: '090-2718-2818' } }] });
      const queue = await listReviewQueue(t.db, { status: 'open' }, null);
      const between = queue.items.filter((i) => new Set([i.a.customerId, i.b.customerId]).size === 2
        && [i.a.customerId, i.b.customerId].every((c) => c === mother?.customerId || c === daughter?.customerId));
      assert.equal(between.length, 1);
      assert.ok(between[0]!.probability < 0.9, `different people shown at ${between[0]!.probability}`);
      const raised = await t.db.selectFrom('review_items').select('id').where('status', '=', 'open').execute();
      assert.ok(raised.length >= 2, 'the second submission raised a second record pair');
      await decideReviewItem(t.db, between[0]!.id, 'reject', actor);
      const after = await listReviewQueue(t.db, { status: 'open' }, null);
      assert.equal(after.items.filter((i) => [i.a.customerId, i.b.customerId].includes(mother!.customerId)).length, 0);
    });
  });
}
