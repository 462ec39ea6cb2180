import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { Db } from '../../../src/db/database.ts';
import { parseImportProfile } from '../../../src/domain/import/profile.ts';
import { recomputeCustomersOfSource } from '../../../src/features/customers/customers.service.ts';
import { runImport } from '../../../src/features/import/import.service.ts';
import { ENGINES } from '../../support/engines.ts';
import { startTestApp, type Client, type TestApp } from '../../support/app.ts';

// The same two people on a business card (課長, older) and at a seminar (部長, newer); a third only on a card.
const actor = { auth: null, ip: null, userAgent: 'test' };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-priority-'));
fs.writeFileSync(path.join(dir, 'meishi.csv'), [
  '名刺ID,氏名,会社名,役職,メールアドレス',
  'M1,髙橋 一郎,㈱台帳商事,課長,ichiro@daicho-shoji.co.jp',
  'M2,佐藤 花子,㈱台帳商事,主任,hanako@daicho-shoji.co.jp',
  'M3,鈴木 次郎,台帳物産株式会社,係長,jiro@daicho-bussan.co.jp',
].join('\n') + '\n');
fs.writeFileSync(path.join(dir, 'seminar.csv'), [
  '受付ID,参加者名,会社名,役職,メール',
  'S1,高橋 一郎,株式会社台帳商事,部長,ichiro@daicho-shoji.co.jp',
  'S2,佐藤 花子,株式会社台帳商事,課長,hanako@daicho-shoji.co.jp',
].join('\n') + '\n');
const profiles = {
  meishi: parseImportProfile({ source: 'meishi', id_column: '名刺ID', fields: { full_name: '氏名', company_name: '会社名', title: '役職', email: 'メールアドレス' } }),
  seminar: parseImportProfile({ source: 'seminar', id_column: '受付ID', fields: { full_name: '参加者名', company_name: '会社名', title: '役職', email: 'メール' } }),
};

/** Each customer's title and the source it came from, by e-mail. */
async function titles(db: Db): Promise<Record<string, string>> {
  const rows = await db.selectFrom('customers').select(['email', 'title', 'provenance']).where('deleted_at', 'is', null).execute();
  return Object.fromEntries(rows.map((r) => [r.email!, `${r.title} (${(r.provenance as Record<string, { source: string }>).title!.source})`]));
}

for (const engine of ENGINES) {
  describe(`source priority and survivorship [${engine}]`, () => {
    let t: TestApp;
    let admin: Client;
    let db: Db;
    const sourceId = async (name: string) => (await db.selectFrom('sources').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
    before(async () => {
      t = await startTestApp(engine);
      db = t.database.db;
      admin = await t.as('admin');
      // Seminar imported last: with equal priorities (100) the most recent statement wins.
      await runImport(db, { filePath: path.join(dir, 'meishi.csv'), profile: profiles.meishi, actor });
      await new Promise((r) => setTimeout(r, 5));
      await runImport(db, { filePath: path.join(dir, 'seminar.csv'), profile: profiles.seminar, actor });
    });
    after(async () => t.close());

    test('a new priority recomputes the golden records of the source\'s customers at once, and is audited', async () => {
      const equal = {
        'ichiro@daicho-shoji.co.jp': '部長 (seminar)', 'hanako@daicho-shoji.co.jp': '課長 (seminar)', 'jiro@daicho-bussan.co.jp': '係長 (meishi)',
      };
      assert.deepEqual(await titles(db), equal);
      const meishi = await sourceId('meishi');
      const res = await admin.json('PATCH', `/api/v1/sources/${meishi}`, { priority: 10 });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.priority, 10);
      assert.equal(res.body.recomputedCustomers, 3);
      assert.deepEqual(await titles(db), {
        'ichiro@daicho-shoji.co.jp': '課長 (meishi)', 'hanako@daicho-shoji.co.jp': '主任 (meishi)', 'jiro@daicho-bussan.co.jp': '係長 (meishi)',
      });
      const entry = await db.selectFrom('audit_log').select(['action', 'details']).where('action', '=', 'source.update').orderBy('id', 'desc').executeTakeFirstOrThrow();
      assert.deepEqual((entry.details as Record<string, unknown>).priority, { from: 100, to: 10 });
      assert.equal((entry.details as Record<string, unknown>).recomputedCustomers, 3);

      // Other edits, or the same priority again, recompute nothing; back to 100, the newest statements win again.
      assert.equal((await admin.json('PATCH', `/api/v1/sources/${meishi}`, { label: '名刺管理', priority: 10 })).body.recomputedCustomers, 0);
      assert.equal((await admin.json('PATCH', `/api/v1/sources/${meishi}`, { priority: 100 })).body.recomputedCustomers, 3);
      assert.deepEqual(await titles(db), equal);
    });

    test('a recompute that fails puts the old priority back, so the same edit again recomputes every customer', async () => {
      const meishi = await sourceId('meishi');
      const before = await titles(db);
      // Golden-record updates refused for the length of this test: the recompute fails on its first page.
      await sql`create function refuse_update() returns trigger language plpgsql as $$ begin raise exception 'refused'; end $$`.execute(db);
      await sql`create trigger refuse_update before update on customers for each row execute function refuse_update()`.execute(db);
      try {
        const failed = await admin.json('PATCH', `/api/v1/sources/${meishi}`, { priority: 10 });
        assert.equal(failed.status, 500, JSON.stringify(failed.body));
      } finally {
        await sql`drop trigger refuse_update on customers`.execute(db);
        await sql`drop function refuse_update()`.execute(db);
      }
      assert.equal((await db.selectFrom('sources').select('priority').where('id', '=', meishi).executeTakeFirstOrThrow()).priority, 100);
      assert.deepEqual(await titles(db), before);
      const retried = await admin.json('PATCH', `/api/v1/sources/${meishi}`, { priority: 10 });
      assert.equal(retried.body.recomputedCustomers, 3);
      assert.equal((await titles(db))['ichiro@daicho-shoji.co.jp'], '課長 (meishi)');
      assert.equal((await admin.json('PATCH', `/api/v1/sources/${meishi}`, { priority: 100 })).body.recomputedCustomers, 3);
    });

    test('the recompute walks the source\'s customers page by page, each once; viewers may not change priorities', async () => {
      const seminar = await sourceId('seminar');
      await db.updateTable('sources').set({ priority: 5 }).where('id', '=', seminar).execute();
      // Pages of one customer: the seminar's two customers, one page each.
      assert.equal(await recomputeCustomersOfSource(db, seminar, 1), 2);
      assert.equal((await titles(db))['ichiro@daicho-shoji.co.jp'], '部長 (seminar)');
      const viewer = await t.as('viewer');
      assert.equal((await viewer.json('PATCH', `/api/v1/sources/${seminar}`, { priority: 1 })).status, 403);
    });
  });
}
