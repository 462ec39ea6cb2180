import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createCustomer } from '../../src/intake/manual/manual.service.ts';
import { ingestRecords } from '../../src/resolution/staging.ts';
import { ENGINES, openTestDatabase, type TestDatabase } from '../support/engines.ts';

const actor = { auth: null, ip: null, userAgent: 'test' };

for (const engine of ENGINES) {
  describe(`ingestRecords [${engine}]`, () => {
    let t: TestDatabase;
    before(async () => { t = await openTestDatabase(engine); });
    after(async () => t.destroy());

    test('a record from a form lands on the customer another source already knows, idempotently', async () => {
      const [crm] = await ingestRecords(t.db, {
        source: { name: 'crm', label: 'CRM', kind: 'api' },
        records: [{ externalId: 'C-1', fields: { full_name: '髙橋 一郎', full_name_kana: 'タカハシ イチロウ', email: 'ichiro@daicho-shoji.co.jp', phone: '03-1234-9876' } }],
        actor,
      });
      assert.ok(crm);
      const form = { source: { name: 'form-brochure', label: '資料請求フォーム', kind: 'form' as const }, actor,
        records: [{ externalId: 'sub-1', fields: { full_name: '高橋 一郎', full_name_kana: 'たかはし いちろう', email: 'Ichiro@Daicho-Shoji.co.jp' } }] };
      const [first] = await ingestRecords(t.db, form);
      assert.equal(first?.customerId, crm.customerId);
      assert.equal(first?.externalId, 'sub-1');
      const [again] = await ingestRecords(t.db, form);
      assert.deepEqual(again, first);
      const count = await t.db.selectFrom('source_records').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(count.n), 2);
      const source = await t.db.selectFrom('sources').select(['kind', 'label']).where('name', '=', 'form-brochure').executeTakeFirstOrThrow();
      assert.deepEqual(source, { kind: 'form', label: '資料請求フォーム' });
      const customer = await t.db.selectFrom('customers').select(['email']).where('id', '=', crm.customerId).executeTakeFirstOrThrow();
      assert.equal(customer.email, 'ichiro@daicho-shoji.co.jp');
    });

    test('a stranger becomes a new customer; no import activity is written for non-file sources', async () => {
      const [rec] = await ingestRecords(t.db, {
        source: { name: 'form-brochure', label: '資料請求フォーム', kind: 'form' },
        records: [{ externalId: 'sub-2', fields: { full_name: '佐藤 花子', email: 'hanako@kaisha.co.jp' } }],
        actor,
      });
      assert.ok(rec);
      const others = await t.db.selectFrom('source_records').select('customer_id').where('customer_id', '=', rec.customerId).execute();
      assert.equal(others.length, 1);
      const acts = await t.db.selectFrom('activities').select('type').where('customer_id', '=', rec.customerId).where('type', '=', 'import').execute();
      assert.equal(acts.length, 0);
    });

    test('a customer typed into the UI is found by a later form submission with her e-mail', async () => {
      const typed = await createCustomer(t.db, { familyName: '中村', givenName: '美咲', email: 'misaki.nakamura@nakamura-sekkei.co.jp', phone: '090-3141-5926' }, actor);
      const [form] = await ingestRecords(t.db, {
        source: { name: 'form-contact', label: 'お問い合わせ', kind: 'form' },
        records: [{ externalId: 'sub-77', fields: { full_name: '中村 美咲', email: 'Misaki.Nakamura@nakamura-sekkei.co.jp' } }],
        actor,
      });
      assert.equal(form?.customerId, typed.id);
    });

    test('the same record sent twice at the same moment is staged once', async () => {
      const input = { source: { name: 'form-brochure', label: '資料請求フォーム', kind: 'form' as const }, actor,
        records: [{ externalId: 'sub-race', fields: { full_name: '小林 健', email: 'ken.kobayashi@kobayashi-denki.co.jp' } }] };
      const [a, b] = await Promise.all([ingestRecords(t.db, input), ingestRecords(t.db, input)]);
      assert.deepEqual(a, b);
      const rows = await t.db.selectFrom('source_records').select('id').where('external_id', '=', 'sub-race').execute();
      assert.equal(rows.length, 1);
    });
  });
}
