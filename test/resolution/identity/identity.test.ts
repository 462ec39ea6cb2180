import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../../../src/db/database.ts';
import { parseImportProfile } from '../../../src/domain/import/profile.ts';
import { runImport } from '../../../src/intake/files/import.service.ts';
import { ENGINES, openTestDatabase } from '../../support/engines.ts';
import { recordRollupsDrift } from '../../support/record-rollups.ts';
import { startTestApp, type Client, type TestApp } from '../../support/app.ts';

const actor = { auth: null, ip: null, userAgent: 'test' };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-identity-'));
const MEISHI = [
  '名刺ID,氏名,フリガナ,会社名,部署名,役職,メールアドレス,電話番号,郵便番号,住所',
  'M1,髙橋　一郎,ﾀｶﾊｼ ｲﾁﾛｳ,㈱台帳商事,営業部,課長,ichiro@daicho-shoji.co.jp,03-1234-9876,100-0001,東京都千代田区千代田１丁目２番３号',
].join('\n') + '\n';
const SEMINAR = [
  '受付ID,参加者名,会社名,役職,メール,生年月日',
  'S1,高橋 一郎,株式会社台帳商事,部長,ichiro@daicho-shoji.co.jp,1980-04-03',
].join('\n') + '\n';
fs.writeFileSync(path.join(dir, 'meishi.csv'), MEISHI);
fs.writeFileSync(path.join(dir, 'seminar.csv'), SEMINAR);
const meishiProfile = parseImportProfile({
  source: 'meishi', id_column: '名刺ID',
  fields: { full_name: '氏名', full_name_kana: 'フリガナ', company_name: '会社名', department: '部署名', title: '役職', email: 'メールアドレス', phone: '電話番号', postal_code: '郵便番号', address: '住所' },
});
const seminarProfile = parseImportProfile({ source: 'seminar', id_column: '受付ID', fields: { full_name: '参加者名', company_name: '会社名', title: '役職', email: 'メール', birth_date: '生年月日' } });
const importFile = (db: Db, name: 'meishi' | 'seminar') =>
  runImport(db, { filePath: path.join(dir, `${name}.csv`), profile: name === 'meishi' ? meishiProfile : seminarProfile, actor });

/** A golden record without ids and times, provenance named by source and external id: comparable across databases. */
async function golden(db: Db, customerId: string) {
  const row = await db.selectFrom('customers').selectAll().where('id', '=', customerId).executeTakeFirstOrThrow();
  const company = row.company_id ? await db.selectFrom('companies').select('name').where('id', '=', row.company_id).executeTakeFirst() : null;
  const records = await db.selectFrom('source_records').select(['id', 'external_id']).where('customer_id', '=', customerId).execute();
  const ext = new Map(records.map((r) => [r.id, r.external_id]));
  const { id: _id, created_at: _c, updated_at: _u, company_id: _co, provenance, deleted_at: _d, deleted_by_user_id: _db, ...rest } = row;
  return {
    ...rest,
    company: company?.name ?? null,
    records: records.map((r) => r.external_id).sort(),
    provenance: Object.fromEntries(Object.entries(provenance).map(([f, p]) => [f, { source: p.source, record: ext.get(p.sourceRecordId) }])),
  };
}

for (const engine of ENGINES) {
  describe(`identity API [${engine}]`, () => {
    let t: TestApp;
    let admin: Client;
    let manager: Client;
    let viewer: Client;
    let db: Db;
    before(async () => {
      t = await startTestApp(engine);
      db = t.database.db;
      admin = await t.as('admin');
      manager = await t.as('manager');
      viewer = await t.as('viewer');
    });
    after(async () => t.close());

    let n = 0;
    async function customer(extra: Record<string, unknown> = {}) {
      n++;
      const res = await admin.json('POST', '/api/v1/customers', { familyName: '佐藤', givenName: '花子', familyNameKana: 'サトウ', email: `hanako${n}@example.co.jp`, phone: '090-1111-2222', ...extra });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const records = await admin.json('GET', `/api/v1/customers/${res.body.id}/source-records`);
      return { id: res.body.id as string, recordId: records.body.items[0].id as number };
    }
    async function reviewPair() {
      const a = await customer();
      const b = await customer({ givenName: 'はなこ' });
      const row = await db.insertInto('review_items').values({
        record_a_id: Math.min(a.recordId, b.recordId), record_b_id: Math.max(a.recordId, b.recordId), score: 4.5 + n / 100, probability: 0.8,
        rules: JSON.stringify(['given_name_conflict']),
        evidence: JSON.stringify([
          { field: 'family', level: 'exact', weight: 3.1, detail: 'さとう = さとう' },
          { field: 'given', level: 'close', weight: 1.2, detail: '花子 ≈ はなこ' },
          { field: 'email', level: 'disagree', weight: -2.5, detail: `hanako${n - 1}@example.co.jp ≠ hanako${n}@example.co.jp` },
          { field: 'phone', level: 'exact_mobile', weight: 6, detail: '+819011112222' },
        ]),
      }).returning('id').executeTakeFirstOrThrow();
      return { a, b, itemId: row.id };
    }
    const auditOf = (action: string, entityId: string) =>
      db.selectFrom('audit_log').select(['action', 'actor_label', 'details']).where('action', '=', action).where('entity_id', '=', entityId).execute();

    test('the queue shows both records side by side with evidence; a viewer sees personal data masked', async () => {
      const { a, b, itemId } = await reviewPair();
      const list = await admin.json('GET', '/api/v1/review-items?status=open');
      assert.equal(list.status, 200, JSON.stringify(list.body));
      const item = list.body.items.find((i: { id: number }) => i.id === itemId);
      assert.ok(item);
      const sides = [item.a, item.b];
      assert.deepEqual(sides.map((s: { customerId: string }) => s.customerId).sort(), [a.id, b.id].sort());
      assert.equal(item.a.source, 'manual');
      assert.ok(item.a.externalId.startsWith('ui:'));
      assert.equal(item.a.customerName, '佐藤 花子');
      assert.match(item.a.fields.email, /@example\.co\.jp$/);
      assert.equal(item.evidence.find((e: { field: string }) => e.field === 'email').level, 'disagree');
      assert.equal(item.evidence.find((e: { field: string }) => e.field === 'phone').weight, 6);
      assert.equal(item.score > 4, true);
      const seen = await viewer.json('GET', '/api/v1/review-items');
      assert.equal(seen.status, 200);
      const text = JSON.stringify(seen.body);
      assert.ok(!/hanako|1111|2222/.test(text), text);
      assert.ok(text.includes('佐藤'), 'names are not masked');
      const page = await admin.json('GET', '/api/v1/review-items?limit=1');
      assert.equal(page.body.items.length, 1);
      if (page.body.hasMore) {
        const next = await admin.json('GET', `/api/v1/review-items?limit=1&cursor=${encodeURIComponent(page.body.nextCursor)}`);
        assert.equal(next.status, 200);
        assert.notEqual(next.body.items[0]?.id, page.body.items[0].id);
      }
      assert.equal((await admin.json('GET', '/api/v1/review-items?cursor=nonsense')).status, 400);
    });

    test('a pair that only the name links is marked nameOnly (for a viewer too); a phone that agrees is more than the name', async () => {
      const { itemId } = await reviewPair();
      const a = await customer();
      const b = await customer();
      const nameOnly = await db.insertInto('review_items').values({
        record_a_id: Math.min(a.recordId, b.recordId), record_b_id: Math.max(a.recordId, b.recordId), score: 3, probability: 0.99,
        rules: JSON.stringify([]),
        evidence: JSON.stringify([
          { field: 'family', level: 'exact', weight: 3.1, detail: 'さとう = さとう' },
          { field: 'given', level: 'exact', weight: 2.4, detail: '花子 = 花子' },
          { field: 'birth', level: 'near', weight: 0, detail: '1990-01-01 ~ 1990-01-02' },
          { field: 'email', level: 'disagree', weight: -2.5, detail: 'a@example.co.jp ≠ b@example.co.jp' },
        ]),
      }).returning('id').executeTakeFirstOrThrow();
      for (const who of [admin, viewer]) {
        const items = (await who.json('GET', '/api/v1/review-items?status=open&limit=200')).body.items as Array<{ id: number; nameOnly: boolean }>;
        assert.equal(items.find((i) => i.id === nameOnly.id)?.nameOnly, true);
        assert.equal(items.find((i) => i.id === itemId)?.nameOnly, false);
      }
    });

    test('accept merges the two customers, moves activities, records the decision and audits it', async () => {
      const { a, b, itemId } = await reviewPair();
      const res = await manager.json('POST', `/api/v1/review-items/${itemId}/decision`, { decision: 'accept' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.item.status, 'accepted');
      const kept = res.body.customerId;
      assert.equal(kept, a.id, 'on a tie the older customer survives');
      assert.equal((await admin.json('GET', `/api/v1/customers/${b.id}`)).status, 404, 'the emptied customer is soft-deleted');
      const records = await admin.json('GET', `/api/v1/customers/${kept}/source-records`);
      assert.deepEqual(records.body.items.map((r: { id: number }) => r.id).sort(), [a.recordId, b.recordId].sort());
      const timeline = await admin.json('GET', `/api/v1/customers/${kept}/activities`);
      assert.equal(timeline.body.items.filter((x: { type: string }) => x.type === 'customer_created').length, 2, 'activities follow their customer');
      // The merge itself is on the kept customer's timeline, naming the customer it absorbed and by whom.
      const merges = timeline.body.items.filter((x: { type: string }) => x.type === 'merge');
      assert.equal(merges.length, 1, JSON.stringify(timeline.body.items));
      assert.equal(merges[0].properties.mergedCustomerId, b.id);
      assert.equal(merges[0].properties.decision, 'review');
      assert.equal(merges[0].properties.records, 1);
      assert.match(merges[0].title, /を統合$/);
      assert.equal(merges[0].actor, 'manager user');
      const decisions = await db.selectFrom('match_decisions').selectAll().where('kind', '=', 'accept').where('source_record_id', '=', b.recordId).execute();
      assert.equal(decisions.length, 1);
      assert.equal(decisions[0]!.decided_by_user_id, manager.userId);
      assert.equal(decisions[0]!.customer_id, kept);
      assert.equal(decisions[0]!.other_customer_id, b.id);
      assert.equal((decisions[0]!.evidence as { fields: unknown[] }).fields.length, 4);
      assert.equal(decisions[0]!.joined_existing, true, 'the record joined a customer that existed before (the dashboards\' merges by source)');
      const record = await db.selectFrom('source_records').select(['joined_existing', 'customer_id']).where('id', '=', b.recordId).executeTakeFirstOrThrow();
      assert.deepEqual([record.joined_existing, record.customer_id], [true, kept], 'the record carries the answer too (migration 0043)');
      assert.deepEqual(await recordRollupsDrift(db), [], 'first touches, sources and joined flags after the accept');
      assert.equal((await auditOf('identity.review.accept', String(itemId))).length, 1);
      const deleted = await auditOf('customer.delete', b.id);
      assert.equal(deleted.length, 1);
      assert.match(String(deleted[0]!.details.note), /統合/);
      const again = await manager.json('POST', `/api/v1/review-items/${itemId}/decision`, { decision: 'reject' });
      assert.equal(again.status, 409);
      const identity = await admin.json('GET', `/api/v1/customers/${kept}/identity`);
      assert.equal(identity.status, 200, JSON.stringify(identity.body));
      const moved = identity.body.records.find((r: { id: number }) => r.id === b.recordId);
      assert.equal(moved.decisions[0].kind, 'accept');
      assert.equal(moved.decisions[0].decidedBy, 'manager user');
    });

    test('accept keeps the customer with more source records', async () => {
      const { a, b, itemId } = await reviewPair();
      assert.equal((await admin.json('PATCH', `/api/v1/customers/${b.id}`, { title: '係長' })).status, 200);
      const res = await manager.json('POST', `/api/v1/review-items/${itemId}/decision`, { decision: 'accept' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.customerId, b.id, 'the newer customer has two records and survives');
      assert.equal((await admin.json('GET', `/api/v1/customers/${a.id}`)).status, 404);
      assert.equal((await admin.json('GET', `/api/v1/customers/${b.id}`)).body.title, '係長');
    });

    test('reject and never close the item without merging; never is recorded for both records', async () => {
      const r = await reviewPair();
      const v = await reviewPair();
      assert.equal((await manager.json('POST', `/api/v1/review-items/${r.itemId}/decision`, { decision: 'reject' })).body.item.status, 'rejected');
      const nv = await manager.json('POST', `/api/v1/review-items/${v.itemId}/decision`, { decision: 'never' });
      assert.equal(nv.status, 200, JSON.stringify(nv.body));
      assert.equal(nv.body.item.status, 'never');
      assert.equal(nv.body.customerId, null);
      for (const c of [r.a, r.b, v.a, v.b]) assert.equal((await admin.json('GET', `/api/v1/customers/${c.id}`)).status, 200, 'nothing merged');
      const open = await admin.json('GET', '/api/v1/review-items?status=open&limit=200');
      assert.ok(!open.body.items.some((i: { id: number }) => i.id === r.itemId || i.id === v.itemId));
      const never = await admin.json('GET', '/api/v1/review-items?status=never');
      assert.deepEqual(never.body.items.map((i: { id: number }) => i.id), [v.itemId]);
      const decisions = await db.selectFrom('match_decisions').select(['kind', 'source_record_id', 'decided_by_user_id']).where('kind', 'in', ['reject', 'never']).execute();
      assert.deepEqual(decisions.filter((d) => d.kind === 'never').map((d) => d.source_record_id).sort(), [v.a.recordId, v.b.recordId].sort());
      assert.ok(decisions.every((d) => d.decided_by_user_id === manager.userId));
      assert.equal((await auditOf('identity.review.reject', String(r.itemId))).length, 1);
      assert.equal((await auditOf('identity.review.never', String(v.itemId))).length, 1);
      const refused = await manager.json('POST', '/api/v1/customers/merge', { customerIds: [v.a.id, v.b.id] });
      assert.equal(refused.status, 409, 'a pair marked never is not merged by hand either');
      assert.equal((await manager.json('POST', '/api/v1/customers/merge', { customerIds: [r.a.id, r.b.id] })).status, 200, 'a rejected pair may still be merged by hand');
    });

    test('a viewer may read the queue but gets 403 on every decision', async () => {
      const { a, b, itemId } = await reviewPair();
      assert.equal((await viewer.json('POST', `/api/v1/review-items/${itemId}/decision`, { decision: 'accept' })).status, 403);
      assert.equal((await viewer.json('POST', '/api/v1/customers/merge', { customerIds: [a.id, b.id] })).status, 403);
      assert.equal((await viewer.json('POST', `/api/v1/customers/${a.id}/unmerge`, { sourceRecordIds: [a.recordId] })).status, 403);
      assert.equal((await viewer.json('GET', `/api/v1/customers/${a.id}/identity`)).status, 200);
      const sales = await t.as('sales');
      assert.equal((await sales.json('POST', `/api/v1/review-items/${itemId}/decision`, { decision: 'never' })).status, 403);
      const item = await db.selectFrom('review_items').select('status').where('id', '=', itemId).executeTakeFirstOrThrow();
      assert.equal(item.status, 'open');
      assert.equal((await manager.json('POST', '/api/v1/review-items/999999/decision', { decision: 'accept' })).status, 404);
    });

    test('manual merge of three customers into the first recomputes its golden record', async () => {
      const a = await customer();
      const b = await customer({ title: '部長', birthDate: '1985-01-02' });
      const c = await customer({ companyName: '株式会社ヤマト精工' });
      const res = await manager.json('POST', '/api/v1/customers/merge', { customerIds: [a.id, b.id, c.id] });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body, { customerId: a.id, merged: [b.id, c.id] });
      for (const gone of [b.id, c.id]) assert.equal((await admin.json('GET', `/api/v1/customers/${gone}`)).status, 404);
      const merged = await admin.json('GET', `/api/v1/customers/${a.id}`);
      assert.equal(merged.body.title, '部長');
      assert.equal(merged.body.birthDate, '1985-01-02');
      assert.equal(merged.body.company.name, '株式会社ヤマト精工');
      assert.equal((await admin.json('GET', `/api/v1/customers/${a.id}/source-records`)).body.items.length, 3);
      const decisions = await db.selectFrom('match_decisions').select(['kind', 'decided_by_user_id']).where('customer_id', '=', a.id).where('kind', '=', 'manual_merge').execute();
      assert.equal(decisions.length, 2);
      assert.equal((await auditOf('identity.merge', a.id)).length, 1);
      const moot = await reviewPair();
      await manager.json('POST', '/api/v1/customers/merge', { customerIds: [moot.a.id, moot.b.id] });
      const open = await admin.json('GET', '/api/v1/review-items?limit=200');
      assert.ok(!open.body.items.some((i: { id: number }) => i.id === moot.itemId), 'a pair merged since is no longer proposed');
      assert.equal((await manager.json('POST', '/api/v1/customers/merge', { customerIds: [a.id, a.id] })).status, 400);
      assert.equal((await manager.json('POST', '/api/v1/customers/merge', { customerIds: [a.id, b.id] })).status, 404, 'a merged-away customer cannot be merged again');
    });

    test('unmerge after an import merge gives exactly the golden records and provenance of separate imports', async () => {
      await importFile(db, 'meishi');
      await importFile(db, 'seminar');
      const recs = await db.selectFrom('source_records').select(['id', 'external_id', 'customer_id']).where('external_id', 'in', ['M1', 'S1']).execute();
      const m1 = recs.find((r) => r.external_id === 'M1')!;
      const s1 = recs.find((r) => r.external_id === 'S1')!;
      assert.equal(m1.customer_id, s1.customer_id, 'the import merged them');
      const original = m1.customer_id!;
      const res = await manager.json('POST', `/api/v1/customers/${original}/unmerge`, { sourceRecordIds: [s1.id] });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const split = res.body.newCustomerId as string;

      const freshM = await openTestDatabase(engine);
      const freshS = await openTestDatabase(engine);
      try {
        await importFile(freshM.db, 'meishi');
        await importFile(freshS.db, 'seminar');
        const idOf = async (d: Db, ext: string) => (await d.selectFrom('source_records').select('customer_id').where('external_id', '=', ext).executeTakeFirstOrThrow()).customer_id!;
        assert.deepEqual(await golden(db, original), await golden(freshM.db, await idOf(freshM.db, 'M1')));
        assert.deepEqual(await golden(db, split), await golden(freshS.db, await idOf(freshS.db, 'S1')));
      } finally {
        await freshM.destroy();
        await freshS.destroy();
      }
      const identity = await admin.json('GET', `/api/v1/customers/${split}/identity`);
      assert.equal(identity.body.records.length, 1);
      assert.deepEqual(identity.body.records[0].decisions.map((d: { kind: string }) => d.kind), ['unmerge', 'merge'], 'newest first');
      assert.equal(identity.body.records[0].decisions[0].decidedBy, 'manager user');
      const masked = await viewer.json('GET', `/api/v1/customers/${original}/identity`);
      assert.equal(masked.status, 200);
      assert.ok(!/ichiro@|1234|9876/.test(JSON.stringify(masked.body)), 'personal data masked for a viewer');
      const audited = await auditOf('identity.unmerge', original);
      assert.equal(audited.length, 1);
      assert.equal(audited[0]!.details.newCustomerId, split);
    });

    test('unmerge moves the activities of the split records and refuses to empty the customer', async () => {
      const a = await customer();
      const b = await customer({ givenName: '華子' });
      await manager.json('POST', '/api/v1/customers/merge', { customerIds: [a.id, b.id] });
      const all = await manager.json('POST', `/api/v1/customers/${a.id}/unmerge`, { sourceRecordIds: [a.recordId, b.recordId] });
      assert.equal(all.status, 400);
      const foreign = await customer();
      assert.equal((await manager.json('POST', `/api/v1/customers/${a.id}/unmerge`, { sourceRecordIds: [foreign.recordId] })).status, 400);
      const res = await manager.json('POST', `/api/v1/customers/${a.id}/unmerge`, { sourceRecordIds: [b.recordId] });
      assert.equal(res.status, 201);
      const split = res.body.newCustomerId;
      const created = await admin.json('GET', `/api/v1/customers/${split}`);
      assert.equal(created.body.givenName, '華子');
      assert.equal((await admin.json('GET', `/api/v1/customers/${a.id}`)).body.givenName, '花子');
      const moved = await db.selectFrom('activities').select(['customer_id']).where('source_record_id', '=', b.recordId).execute();
      assert.ok(moved.length >= 1 && moved.every((x) => x.customer_id === split));
      const stayed = await db.selectFrom('activities').select(['customer_id']).where('source_record_id', '=', a.recordId).execute();
      assert.ok(stayed.every((x) => x.customer_id === a.id));
      // Both timelines say so, each pointing at the other customer; the manual merge before is on a's.
      const types = async (id: string) => (await admin.json('GET', `/api/v1/customers/${id}/activities`)).body.items as Array<{ type: string; title: string; properties: Record<string, unknown> }>;
      const left = await types(a.id);
      assert.equal(left.filter((x) => x.type === 'merge' && x.properties.decision === 'manual').length, 1);
      const out = left.find((x) => x.type === 'unmerge')!;
      assert.deepEqual([out.properties.newCustomerId, out.properties.records], [split, 1]);
      assert.match(out.title, /1 件のレコードを新しい顧客に分割/);
      const into = (await types(split)).find((x) => x.type === 'unmerge')!;
      assert.equal(into.properties.fromCustomerId, a.id);
      assert.match(into.title, /から分割$/);
    });
  });
}
