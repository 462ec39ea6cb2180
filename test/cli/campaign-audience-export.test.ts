import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { auditEntriesOf } from '../../src/ledger/privacy/subject.repository.ts';
import { ingestRecords } from '../../src/resolution/staging.ts';
import { ENGINES, newPgliteFolder, openTestDatabase } from '../support/engines.ts';

const ROOT = path.join(import.meta.dirname, '../..');
const CLI = ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts')];
const actor = { auth: null, ip: null, userAgent: 'test' };

/** Three people: two with an e-mail address, one without (a row all the same: 「アドレスなし」). */
async function seed(handle: DatabaseHandle): Promise<Record<string, string>> {
  const linked = await ingestRecords(handle.db, {
    source: { name: 'crm', label: 'CRM', kind: 'file_import' },
    records: [
      { externalId: 'hanako', fields: { full_name: '佐藤 花子', email: 'hanako@daicho-test.jp' } },
      { externalId: 'taro', fields: { full_name: '山田 太郎', email: 'taro@daicho-test.jp' } },
      { externalId: 'jiro', fields: { full_name: '鈴木 次郎', phone: '090-3456-7812' } },
    ],
    actor,
  });
  return Object.fromEntries(linked.map((l) => [l.externalId, l.customerId]));
}

/**
 * `daicho campaign audience --out FILE.csv` takes personal data away: like the DM list and the recommendations export
 * it records whom it carried (export_customers under the export id its audit entry names), so each person's
 * disclosure report lists it. The real CLI, on each engine.
 */
for (const engine of ENGINES) {
  test(`campaign audience --out records the customers it exported [${engine}]`, { timeout: 180_000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ops-cli-audience-'));
    let pglite: string | null = null;
    let database: Awaited<ReturnType<typeof openTestDatabase>> | null = null;
    try {
      let env: NodeJS.ProcessEnv;
      let ids: Record<string, string>;
      if (engine === 'pglite') {
        // The CLI opens the folder itself: the test's handle is closed while it runs (one process per folder).
        pglite = await newPgliteFolder();
        const handle = await openDatabase({ databaseUrl: undefined, dataDir: pglite, pgliteFsync: false });
        ids = await seed(handle);
        await handle.close();
        env = { ...process.env, DAICHO_DATA_DIR: pglite, DATABASE_URL: '' };
      } else {
        database = await openTestDatabase('postgres');
        ids = await seed(database);
        env = { ...process.env, DATABASE_URL: database.url!, DAICHO_DATA_DIR: path.join(dir, 'unused') };
      }
      const out = path.join(dir, 'audience.csv');
      const run = spawnSync(process.execPath, [...CLI, 'campaign', 'audience', '--channel', 'email', '--out', out], { env, encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      const rows = fs.readFileSync(out, 'utf8').trim().split('\n').map((line) => line.split(','));
      assert.deepEqual(rows[0], ['customer_id', 'address', 'status', 'reason']);
      const exported = new Set(rows.slice(1).map((r) => r[0]!));
      assert.deepEqual(exported, new Set(Object.values(ids)), 'every person considered is a row');

      const handle = engine === 'pglite' ? await openDatabase({ databaseUrl: undefined, dataDir: pglite!, pgliteFsync: false }) : database!;
      try {
        const entry = await handle.db.selectFrom('audit_log').select(['details', 'actor_label']).where('action', '=', 'export.campaign_audience').executeTakeFirstOrThrow();
        const details = (typeof entry.details === 'string' ? JSON.parse(entry.details) : entry.details) as Record<string, unknown>;
        assert.equal(details.channel, 'email');
        assert.equal(details.rows, 3);
        assert.equal(details.customers, 3);
        assert.equal(typeof details.exportId, 'string');
        const listed = await handle.db.selectFrom('export_customers').select('customer_id').where('export_id', '=', details.exportId as string).execute();
        assert.deepEqual(new Set(listed.map((r) => r.customer_id)), exported, 'the export lists exactly whom it carried, each once');
        assert.equal(listed.length, 3);
        for (const id of Object.values(ids)) {
          assert.ok((await auditEntriesOf(handle.db, [id])).some((e) => e.action === 'export.campaign_audience'), 'each person\'s disclosure lists the export');
        }
      } finally {
        if (engine === 'pglite') await handle.close();
      }
    } finally {
      await database?.destroy();
      if (pglite) fs.rmSync(pglite, { recursive: true, force: true });
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
