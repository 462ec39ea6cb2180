import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { Db } from '../../src/db/database.ts';
import { createApiKey } from '../../src/platform/accounts/auth.service.ts';
import { startRun as startRecommendRun } from '../../src/use/recommend/recommend.service.ts';
import type { TestApp } from './app.ts';

/** Personal values the populated ledger holds: a test that scans output for leaks looks for these. */
export const LEDGER_PERSONAL = {
  email: 'sayaka.kujo@daicho-test.jp',
  phone: '090-7731-4582',
  familyName: '九条',
  givenName: '清香',
  address: '港区白金台7-7-7',
  building: 'バックアップ荘303',
} as const;

const IMPORT_CSV = [
  '受付番号,氏名,フリガナ,メール,電話,郵便番号,住所,会社名',
  `B-1,${LEDGER_PERSONAL.familyName} ${LEDGER_PERSONAL.givenName},クジョウ サヤカ,${LEDGER_PERSONAL.email},${LEDGER_PERSONAL.phone},108-0071,東京都${LEDGER_PERSONAL.address},株式会社復元商事`,
  'B-2,三条 晴人,サンジョウ ハルト,haruto.sanjo@daicho-test.jp,03-5521-0198,100-0005,東京都千代田区丸の内2-2-2,株式会社復元商事',
  'B-3,一条 陸,イチジョウ リク,riku.ichijo@daicho-test.jp,,,,',
].join('\n') + '\n';

/**
 * Fills a test app's ledger through its API the way people do: customers typed in and edited, a file import, a
 * consent change, orders and products, an event with registrations, a saved segment, values, cross-sell candidates,
 * a started campaign and a fired trigger. Returns the first customer's id.
 */
export async function populateLedger(t: TestApp): Promise<string> {
  const admin = await t.as('admin');
  const ok = (res: { status: number; body: unknown }, what: string) => assert.ok(res.status < 300, `${what}: ${res.status} ${JSON.stringify(res.body)}`);
  ok(await admin.json('POST', '/api/v1/custom-fields', { entity: 'customer', key: 'memo', labelJa: 'メモ', type: 'text' }), 'custom field');
  const created = await admin.json('POST', '/api/v1/customers', {
    familyName: LEDGER_PERSONAL.familyName, givenName: LEDGER_PERSONAL.givenName, email: LEDGER_PERSONAL.email, phone: LEDGER_PERSONAL.phone,
    postalCode: '108-0071', prefecture: '東京都', address: LEDGER_PERSONAL.address, building: LEDGER_PERSONAL.building,
    birthDate: '1985-02-14', customFields: { memo: '復元確認メモ' },
  });
  ok(created, 'customer');
  const customerId = (created.body as { id: string }).id;
  ok(await admin.json('PATCH', `/api/v1/customers/${customerId}`, { building: 'バックアップ荘304' }), 'edit');
  ok(await admin.json('POST', `/api/v1/customers/${customerId}/consents`, { purposeCode: 'email_marketing', state: 'granted', note: '窓口で同意' }), 'consent');

  const key = (await createApiKey(t.database.db, admin.userId, 'upload')).key;
  const form = new FormData();
  form.append('file', new Blob([IMPORT_CSV], { type: 'text/csv' }), 'list.csv');
  const uploaded = await (await t.app.request('/api/v1/imports/uploads', { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: form })).json() as { uploadId: string };
  ok(await admin.json('POST', '/api/v1/imports', {
    uploadId: uploaded.uploadId,
    profile: { source: 'backup-list', id_column: '受付番号', fields: { full_name: '氏名', full_name_kana: 'フリガナ', email: 'メール', phone: '電話', postal_code: '郵便番号', address: '住所', company_name: '会社名' } },
  }), 'import');

  ok(await admin.json('POST', '/api/v1/products', { sku: 'R-1', name: '復元セット', price: '3300' }), 'product');
  ok(await admin.json('POST', '/api/v1/products', { sku: 'R-2', name: '予備部品', price: '880' }), 'second product');
  ok(await admin.json('POST', '/api/v1/orders', { source: 'ec', orderId: 'BK-1', orderedAt: '2026-04-03T10:00:00+09:00', customer: { email: LEDGER_PERSONAL.email }, lines: [{ sku: 'R-1', quantity: 2, unitPrice: 3300 }, { sku: 'R-2', quantity: 1, unitPrice: 880 }] }), 'order');
  ok(await admin.json('POST', '/api/v1/orders', { source: 'ec', orderId: 'BK-2', orderedAt: '2026-04-05T10:00:00+09:00', customer: { email: 'haruto.sanjo@daicho-test.jp' }, lines: [{ sku: 'R-1', quantity: 1, unitPrice: 3300 }] }), 'second order');
  const event = await admin.json('POST', '/api/v1/events', { name: '復元説明会', startsAt: '2026-05-20T14:00:00+09:00' });
  ok(event, 'event');
  ok(await admin.json('POST', `/api/v1/events/${(event.body as { id: string }).id}/registrations`, { name: '一条 陸', email: 'riku.ichijo@daicho-test.jp' }), 'registration');

  ok(await admin.json('POST', '/api/v1/segments', { name: 'メールあり', definition: { type: 'has', field: 'email' } }), 'segment');
  ok(await admin.json('POST', '/api/v1/rfm/recompute', {}), 'rfm');
  const run = await startRecommendRun(t.database.db);
  assert.ok(run);
  await run.done;

  ok(await admin.json('PUT', '/api/v1/messaging/settings', { senderName: '株式会社台帳', senderAddress: '東京都千代田区丸の内1-1-1', senderContact: '03-1234-5678', fromEmail: 'news@daicho-test.jp' }), 'messaging settings');
  await t.database.db.updateTable('sources').set({ email_basis: 'business_relationship' }).execute();
  const campaign = await admin.json('POST', '/api/v1/campaigns', { name: '復元確認配信', channel: 'email', subject: '{{宛名}}へ', bodyText: '{{姓}} 様' });
  ok(campaign, 'campaign');
  ok(await admin.json('POST', `/api/v1/campaigns/${(campaign.body as { id: string }).id}/start`, {}), 'campaign started');
  const trigger = await admin.json('POST', '/api/v1/triggers', { name: '復元確認ルール', action: 'email', cooldownDays: 7, definition: { type: 'has', field: 'email' }, subject: '{{宛名}}へ', bodyText: '{{姓}} 様' });
  ok(trigger, 'trigger');
  ok(await admin.json('POST', `/api/v1/triggers/${(trigger.body as { id: string }).id}/run`), 'trigger run');
  return customerId;
}

/**
 * Every table of the schema (from the catalogue, so new tables are covered), each as its rows' JSON sorted, and
 * every sequence's position: two databases with equal snapshots hold the same data.
 */
export async function snapshotTables(db: Db, skip: string[] = []): Promise<Map<string, string[]>> {
  const tables = (await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1`.execute(db)).rows;
  const snapshot = new Map<string, string[]>();
  for (const { name } of tables) {
    if (skip.includes(name)) continue;
    const rows = await sql.raw<{ r: string }>(`SELECT row_to_json(t)::text AS r FROM "${name}" t ORDER BY 1`).execute(db);
    snapshot.set(name, rows.rows.map((x) => x.r));
  }
  const sequences = (await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind = 'S' ORDER BY 1`.execute(db)).rows;
  for (const { name } of sequences) {
    const state = await sql.raw<{ r: string }>(`SELECT last_value::text || ' ' || is_called::text AS r FROM "${name}"`).execute(db);
    snapshot.set(`sequence ${name}`, state.rows.map((x) => x.r));
  }
  return snapshot;
}
