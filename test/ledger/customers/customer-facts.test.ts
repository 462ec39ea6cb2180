import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { rebuildCustomerFacts } from '../../../src/ledger/customers/customers.service.ts';
import { ingestRecords } from '../../../src/resolution/staging.ts';
import { ENGINES } from '../../support/engines.ts';
import { startTestApp, type Client, type TestApp } from '../../support/app.ts';

const actor = { auth: null, ip: null, userAgent: 'test' };

interface Fact {
  created_at: Date; deleted_at: Date | null; prefecture: string | null; acquisition_channel: string | null; lifecycle_stage: string | null;
  owner_user_id: string | null; company_id: string | null; has_email: boolean; has_phone: boolean; has_address: boolean;
}

/**
 * customer_facts (migration 0025), the dashboards' narrow copy of each customer: written by the golden record's own
 * statements (manual create and edit, import, merge, split, soft delete), and rebuilt whole by the daily pass.
 */
for (const engine of ENGINES) {
  describe(`customer facts [${engine}]`, () => {
    let t: TestApp;
    let admin: Client;
    const fact = async (id: string) => (await sql<Fact>`SELECT created_at, deleted_at, prefecture, acquisition_channel, lifecycle_stage, owner_user_id,
        company_id, has_email, has_phone, has_address FROM customer_facts WHERE customer_id = ${id}::uuid`.execute(t.database.db)).rows[0];
    /** Customers whose facts differ from their row (or have none), and facts without a customer. */
    const drifted = async () => (await sql<{ id: string }>`
      SELECT COALESCE(c.id, f.customer_id) AS id FROM customers c FULL JOIN customer_facts f ON f.customer_id = c.id
      WHERE (c.created_at, c.deleted_at, c.prefecture, c.acquisition_channel, c.lifecycle_stage, c.owner_user_id, c.company_id,
             c.email IS NOT NULL, c.phone IS NOT NULL, c.address IS NOT NULL OR c.postal_code IS NOT NULL)
        IS DISTINCT FROM (f.created_at, f.deleted_at, f.prefecture, f.acquisition_channel, f.lifecycle_stage, f.owner_user_id, f.company_id,
             f.has_email, f.has_phone, f.has_address)`.execute(t.database.db)).rows.map((r) => r.id);
    const composition = async (by: string) => {
      const res = await admin.json('GET', `/api/v1/dashboards/panels/composition?by=${by}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return Object.fromEntries((res.body.rows as Array<{ key: string | null; customers: number }>).map((r) => [r.key ?? '(null)', r.customers]));
    };

    before(async () => {
      t = await startTestApp(engine);
      admin = await t.as('admin');
    });
    after(async () => t.close());

    test('a manual customer and its edits: stage, prefecture, company, owner, channel, contact columns', async () => {
      const created = await admin.json('POST', '/api/v1/customers', { familyName: '佐藤', givenName: '花子', email: 'hanako@daicho-test.jp', prefecture: '東京都' });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const id = created.body.id as string;
      const first = await fact(id);
      assert.ok(first, 'a new customer has its facts');
      assert.equal(first.prefecture, '東京都');
      assert.equal(first.lifecycle_stage, 'prospect');
      assert.deepEqual([first.has_email, first.has_phone, first.has_address], [true, false, false]);
      assert.equal(first.deleted_at, null);

      const company = await admin.json('POST', '/api/v1/companies', { name: '株式会社ファクト工業', industry: '製造業', employees: '50名' });
      assert.equal(company.status, 201, JSON.stringify(company.body));
      const edited = await admin.json('PATCH', `/api/v1/customers/${id}`, {
        lifecycleStage: 'customer', prefecture: '大阪府', companyId: company.body.id, ownerUserId: admin.userId, acquisitionChannel: 'web',
        phone: '090-1234-5678', postalCode: '530-0001',
      });
      assert.equal(edited.status, 200, JSON.stringify(edited.body));
      const now = await fact(id);
      assert.equal(now!.lifecycle_stage, 'customer');
      assert.equal(now!.prefecture, '大阪府');
      assert.equal(now!.company_id, company.body.id);
      assert.equal(now!.owner_user_id, admin.userId);
      assert.equal(now!.acquisition_channel, 'web');
      assert.deepEqual([now!.has_email, now!.has_phone, now!.has_address], [true, true, true]);
      assert.equal(now!.created_at.getTime(), first.created_at.getTime(), 'created_at is the customer\'s');
      // The dashboards read the facts: the panel sees the edit.
      assert.equal((await composition('prefecture'))['大阪府'], 1);
      assert.equal((await composition('industry'))['E'], 1, '製造業 is JSIC E');
      assert.equal((await composition('stage'))['customer'], 1);
      assert.deepEqual(await drifted(), []);
    });

    test('an import, a merge (the merged-away customer keeps its facts as deleted), a split, a soft delete', async () => {
      const linked = await ingestRecords(t.database.db, {
        source: { name: 'crm', label: 'CRM', kind: 'file_import' },
        records: [
          { externalId: 'a', fields: { full_name: '山田 太郎', email: 'taro@daicho-test.jp', prefecture: '北海道' } },
          { externalId: 'b', fields: { full_name: '山田 太郎', phone: '080-2222-3333', prefecture: '北海道' } },
          { externalId: 'c', fields: { full_name: '鈴木 次郎', email: 'jiro@daicho-test.jp', prefecture: '福岡県' } },
        ],
        actor,
      });
      const ids = Object.fromEntries(linked.map((l) => [l.externalId, l.customerId]));
      assert.notEqual(ids.a, ids.b, 'different contact data: two customers before the merge');
      assert.equal((await fact(ids.a!))!.prefecture, '北海道');
      assert.equal((await fact(ids.b!))!.has_phone, true);
      assert.equal((await fact(ids.a!))!.has_phone, false);
      assert.deepEqual(await drifted(), []);

      const merged = await admin.json('POST', '/api/v1/customers/merge', { customerIds: [ids.a, ids.b] });
      assert.equal(merged.status, 200, JSON.stringify(merged.body));
      assert.equal((await fact(ids.a!))!.has_phone, true, 'the survivor gained the other\'s phone');
      assert.ok((await fact(ids.b!))!.deleted_at, 'the merged-away customer is deleted in the facts too');
      assert.equal((await composition('prefecture'))['北海道'], 1, 'nobody counted twice');

      const records = await t.database.db.selectFrom('source_records').select('id').where('customer_id', '=', ids.a!).where('external_id', '=', 'b').execute();
      const split = await admin.json('POST', `/api/v1/customers/${ids.a!}/unmerge`, { sourceRecordIds: records.map((r) => Number(r.id)) });
      assert.equal(split.status, 201, JSON.stringify(split.body));
      const born = await fact(split.body.newCustomerId as string);
      assert.ok(born, 'the split-off customer has its facts');
      assert.equal(born.prefecture, '北海道');
      assert.equal(born.has_phone, true);
      assert.equal((await fact(ids.a!))!.has_phone, false, 'the phone left with its record');
      assert.equal((await composition('prefecture'))['北海道'], 2);

      assert.equal((await admin.request('DELETE', `/api/v1/customers/${ids.c!}`)).status, 204);
      assert.ok((await fact(ids.c!))!.deleted_at, 'a soft delete is reflected');
      assert.equal((await composition('prefecture'))['福岡県'], undefined, 'a deleted customer leaves the panels');
      assert.deepEqual(await drifted(), []);
    });

    test('the rebuild puts right facts that drifted or are missing, and leaves the rest', async () => {
      const [one, two] = (await t.database.db.selectFrom('customers').select('id').where('deleted_at', 'is', null).orderBy('id').limit(2).execute()).map((r) => r.id);
      await sql`UPDATE customer_facts SET prefecture = '沖縄県', has_email = NOT has_email WHERE customer_id = ${one!}::uuid`.execute(t.database.db);
      await sql`DELETE FROM customer_facts WHERE customer_id = ${two!}::uuid`.execute(t.database.db);
      assert.deepEqual((await drifted()).sort(), [one!, two!].sort());
      await rebuildCustomerFacts(t.database.db);
      assert.deepEqual(await drifted(), []);
      assert.ok(await fact(two!));
      // A second rebuild finds nothing to do and changes nothing.
      const before = (await sql<{ n: string }>`SELECT count(*) AS n FROM customer_facts`.execute(t.database.db)).rows[0]!.n;
      await rebuildCustomerFacts(t.database.db);
      assert.equal((await sql<{ n: string }>`SELECT count(*) AS n FROM customer_facts`.execute(t.database.db)).rows[0]!.n, before);
      assert.deepEqual(await drifted(), []);
    });
  });
}
