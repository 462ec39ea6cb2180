/**
 * The retention panel of the データソース page in a real browser (issue 25): a member list whose records are past its
 * retention period (aged in the database: nothing in the API backdates a record, so this test needs the server on
 * PostgreSQL — DATABASE_URL — and is skipped on PGlite, whose one data folder the server holds). The dry run counts
 * the records and the customers removed or recomputed; typing the source's name deletes them through the
 * retention.delete job, the panel follows it to its totals, and the audit log has one entry with them.
 * Screenshot: test-artifacts/retention-deleted.png.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import pg from 'pg';
import { ARTIFACTS, watchedPage } from './support/browser.ts';
import { importCsv, withBrowserServer } from './support/session.ts';

const ADMIN = { displayName: '管理 三郎', email: 'admin@retention-e2e.daicho-test.jp', password: 'retention-admin-2026' };
const FIELDS = { full_name: '氏名', email: 'メール' };
const MEMBERS = ['会員ID,氏名,メール', 'R1,山田 太郎,taro.yamada@daicho-test.jp', 'R2,鈴木 花子,hanako.suzuki@daicho-test.jp', 'R3,佐藤 次郎,jiro.sato@daicho-test.jp'].join('\n') + '\n';
const CRM = ['顧客番号,氏名,メール', 'C1,鈴木 花子,hanako.suzuki@daicho-test.jp'].join('\n') + '\n';

test('retention: the dry run counts, the confirmed delete runs as a job and is audited once', { timeout: 240_000, skip: process.env.DATABASE_URL ? false : 'needs DATABASE_URL: records are aged in the database' }, async (t) => {
  await withBrowserServer(t, { admin: ADMIN, context: { viewport: { width: 1366, height: 900 } } }, async (session) => {
    const { base, problems, api, server } = session;
    const members = await api<{ id: string }>('POST', '/sources', { name: 'members', label: '会員名簿', kind: 'file_import', party: 'first', retentionDays: 365 });
    await importCsv(session, { name: 'members.csv', csv: MEMBERS }, { source: 'members', id_column: '会員ID', fields: FIELDS });
    await importCsv(session, { name: 'crm.csv', csv: CRM }, { source: 'crm', id_column: '顧客番号', fields: FIELDS });
    // 山田's and 鈴木's member records were received 400 days ago (鈴木 keeps the CRM record); 佐藤's today.
    const db = new pg.Client({ connectionString: server.databaseUrl! });
    await db.connect();
    try {
      const aged = await db.query(`UPDATE source_records SET received_at = now() - interval '400 days' WHERE source_id = $1 AND external_id IN ('R1', 'R2')`, [members.id]);
      assert.equal(aged.rowCount, 2);
    } finally {
      await db.end();
    }

    const page = await watchedPage(session.context, problems);
    await page.goto(`${base}/sources`);
    await page.locator('[data-testid="source-row"][data-name="members"]').getByTestId('source-quality').click();
    await page.getByTestId('source-retention-overdue').waitFor();
    assert.equal(await page.getByTestId('source-retention-overdue').getAttribute('data-count'), '2');
    const panel = page.getByTestId('retention-delete');
    await panel.waitFor();
    await panel.getByTestId('retention-dry-run').click();
    await panel.getByTestId('retention-plan').waitFor();
    assert.equal(await panel.getByTestId('retention-plan-records').innerText(), '2');
    assert.equal(await panel.getByTestId('retention-plan-removed').innerText(), '1');
    assert.equal(await panel.getByTestId('retention-plan-recomputed').innerText(), '1');
    assert.ok(await panel.getByTestId('retention-delete-button').isDisabled(), 'not before the name is typed');
    await panel.getByTestId('retention-confirm').fill('members');
    await panel.getByTestId('retention-delete-button').click();
    await page.getByTestId('retention-deleted').waitFor({ timeout: 60_000 });
    assert.match(await page.getByTestId('retention-deleted').innerText(), /元データ 2 件を削除しました \(顧客の削除 1 人、統合レコードの再計算 1 人\)/u);
    await page.screenshot({ path: path.join(ARTIFACTS, 'retention-deleted.png'), fullPage: true });

    const audit = await api<{ items: Array<{ entityId: string | null; details: Record<string, unknown> }> }>('GET', '/audit-log?action=source.retention_delete');
    assert.equal(audit.items.length, 1, 'audited once');
    assert.deepEqual([audit.items[0]!.entityId, audit.items[0]!.details.records, audit.items[0]!.details.customersRemoved], [members.id, 2, 1]);
    const plan = await api<{ records: number }>('GET', `/sources/${members.id}/retention`);
    assert.equal(plan.records, 0, 'nothing past retention is left');
    assert.deepEqual(problems, []);
  });
});
