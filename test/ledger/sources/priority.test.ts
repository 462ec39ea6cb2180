import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { Db } from '../../../src/db/database.ts';
import { parseImportProfile } from '../../../src/domain/import/profile.ts';
import { recomputeSourceCustomersPage } from '../../../src/ledger/customers/golden.service.ts';
import {
  enqueueSourceRecomputes, recomputeOf, requestSourceRecompute, runSourceRecomputeJob, walkSourceRecompute, type SourceRecompute,
} from '../../../src/ledger/sources/recompute.service.ts';
import { advanceRecomputeRow, findRecomputeRow } from '../../../src/ledger/sources/sources.repository.ts';
import { listSources, updateSource } from '../../../src/ledger/sources/sources.service.ts';
import { runImport } from '../../../src/intake/files/import.service.ts';
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

/** A recompute without its times. */
function pick(r: SourceRecompute) {
  const { startedAt, finishedAt, ...rest } = r;
  assert.ok(startedAt && (rest.status === 'running') === (finishedAt === null));
  return rest;
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

    const recomputeAudit = async () => (await db.selectFrom('audit_log').select(['details']).where('action', '=', 'source.recompute').orderBy('id', 'desc').executeTakeFirstOrThrow()).details as Record<string, unknown>;

    test('a new priority recomputes the golden records of the source\'s customers before a small source\'s answer, and is audited', async () => {
      const equal = {
        'ichiro@daicho-shoji.co.jp': '部長 (seminar)', 'hanako@daicho-shoji.co.jp': '課長 (seminar)', 'jiro@daicho-bussan.co.jp': '係長 (meishi)',
      };
      assert.deepEqual(await titles(db), equal);
      const meishi = await sourceId('meishi');
      const res = await admin.json('PATCH', `/api/v1/sources/${meishi}`, { priority: 10 });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.priority, 10);
      assert.deepEqual(pick(res.body.recompute), { status: 'completed', priorityFrom: 100, priorityTo: 10, done: 3, total: 3, error: null });
      assert.deepEqual(await titles(db), {
        'ichiro@daicho-shoji.co.jp': '課長 (meishi)', 'hanako@daicho-shoji.co.jp': '主任 (meishi)', 'jiro@daicho-bussan.co.jp': '係長 (meishi)',
      });
      const entry = await db.selectFrom('audit_log').select(['action', 'details']).where('action', '=', 'source.update').orderBy('id', 'desc').executeTakeFirstOrThrow();
      assert.deepEqual((entry.details as Record<string, unknown>).priority, { from: 100, to: 10 });
      assert.deepEqual(await recomputeAudit(), { status: 'completed', priority: { from: 100, to: 10 }, recomputedCustomers: 3, total: 3, error: null });
      // The source list shows the latest recompute of each source.
      const listed = (await admin.json('GET', '/api/v1/sources')).body.items.find((x: { id: string }) => x.id === meishi);
      assert.deepEqual(listed.recompute, res.body.recompute);

      // Other edits, or the same priority again, start none; back to 100, the newest statements win again.
      const same = await admin.json('PATCH', `/api/v1/sources/${meishi}`, { label: '名刺管理', priority: 10 });
      assert.equal(same.body.recompute.startedAt, res.body.recompute.startedAt);
      const back = await admin.json('PATCH', `/api/v1/sources/${meishi}`, { priority: 100 });
      assert.deepEqual(pick(back.body.recompute), { status: 'completed', priorityFrom: 10, priorityTo: 100, done: 3, total: 3, error: null });
      assert.deepEqual(await titles(db), equal);
    });

    test('a recompute that fails keeps the new priority, says why, and a retry goes on from where it stopped', async () => {
      const meishi = await sourceId('meishi');
      const before = await titles(db);
      // Golden-record updates refused for a while: the recompute fails on its first page.
      await sql`create function refuse_update() returns trigger language plpgsql as $$ begin raise exception 'refused'; end $$`.execute(db);
      await sql`create trigger refuse_update before update on customers for each row execute function refuse_update()`.execute(db);
      try {
        const failed = await admin.json('PATCH', `/api/v1/sources/${meishi}`, { priority: 10 });
        assert.equal(failed.status, 200, JSON.stringify(failed.body));
        assert.equal(failed.body.priority, 10);
        assert.equal(failed.body.recompute.status, 'failed');
        assert.equal(failed.body.recompute.done, 0);
        assert.match(failed.body.recompute.error, /refused/u);
        assert.equal((await recomputeAudit()).status, 'failed');
      } finally {
        await sql`drop trigger refuse_update on customers`.execute(db);
        await sql`drop function refuse_update()`.execute(db);
      }
      assert.deepEqual(await titles(db), before);
      const viewer = await t.as('viewer');
      assert.equal((await viewer.json('POST', `/api/v1/sources/${meishi}/recompute`)).status, 403);
      const retried = await admin.json('POST', `/api/v1/sources/${meishi}/recompute`);
      assert.equal(retried.status, 200, JSON.stringify(retried.body));
      assert.deepEqual(pick(retried.body), { status: 'completed', priorityFrom: 100, priorityTo: 10, done: 3, total: 3, error: null });
      assert.equal((await titles(db))['ichiro@daicho-shoji.co.jp'], '課長 (meishi)');
      const retryEntry = await db.selectFrom('audit_log').select('details').where('action', '=', 'source.recompute_retry').executeTakeFirstOrThrow();
      assert.deepEqual(retryEntry.details, { done: 0, total: 3 });
      assert.equal((await admin.json('POST', `/api/v1/sources/${await sourceId('seminar')}/recompute`)).status, 404);
      assert.equal((await admin.json('PATCH', `/api/v1/sources/${meishi}`, { priority: 100 })).body.recompute.status, 'completed');
    });

    test('a walk a stopped process left goes on from its cursor when the server starts; a newer change starts it again', async () => {
      const seminar = await sourceId('seminar');
      // The seminar's two customers, one page each; the answer does not wait (on PGlite, whose engine runs in this
      // thread, the two pages may be done by then all the same): the walk goes on in the background.
      const started = await updateSource(db, seminar, { priority: 200 }, actor, { pageSize: 1, waitMs: 0 });
      assert.ok(started.recompute && ['running', 'completed'].includes(started.recompute.status), started.recompute?.status);
      await walkSourceRecompute(db, seminar);
      const walked = (await listSources(db)).find((s) => s.id === seminar)!.recompute!;
      assert.deepEqual(pick(walked), { status: 'completed', priorityFrom: 100, priorityTo: 200, done: 2, total: 2, error: null });
      assert.equal((await titles(db))['ichiro@daicho-shoji.co.jp'], '課長 (meishi)');

      // Back to 5, and the process "stops" after the first page: a walker commits each page with its cursor.
      const onePage = () => db.transaction().execute(async (trx) => {
        const page = await recomputeSourceCustomersPage(trx, seminar, null, 1);
        await advanceRecomputeRow(trx, seminar, page[0]!, 1);
      });
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('sources').set({ priority: 5 }).where('id', '=', seminar).execute();
        await requestSourceRecompute(trx, seminar, 200, 5, null);
      });
      await onePage();
      // The minute pass queues one job for the walk left running (a second pass queues none), and the job goes on.
      assert.equal(await enqueueSourceRecomputes(db), 1);
      assert.equal(await enqueueSourceRecomputes(db), 0);
      const pages: number[] = [];
      assert.deepEqual(await runSourceRecomputeJob(db, seminar, (p) => pages.push(p.done)), { sourceId: seminar, status: 'completed', done: 2, total: 2 });
      assert.deepEqual(pages, [2]);
      // One page more (from the cursor), not the whole walk again: done would be 3.
      assert.deepEqual(pick((await listSources(db)).find((s) => s.id === seminar)!.recompute!), { status: 'completed', priorityFrom: 200, priorityTo: 5, done: 2, total: 2, error: null });
      assert.deepEqual(await titles(db), {
        'ichiro@daicho-shoji.co.jp': '部長 (seminar)', 'hanako@daicho-shoji.co.jp': '課長 (seminar)', 'jiro@daicho-bussan.co.jp': '係長 (meishi)',
      });
      assert.deepEqual((await listSources(db)).filter((s) => s.recompute?.status === 'running'), []);

      // A newer change while a walk is under way starts it again from the first customer.
      await db.transaction().execute((trx) => requestSourceRecompute(trx, seminar, 5, 6, null));
      await onePage();
      await db.transaction().execute((trx) => requestSourceRecompute(trx, seminar, 6, 5, null));
      assert.deepEqual(pick(recomputeOf((await findRecomputeRow(db, seminar))!)), { status: 'running', priorityFrom: 6, priorityTo: 5, done: 0, total: 2, error: null });
      await walkSourceRecompute(db, seminar);
      assert.equal((await findRecomputeRow(db, seminar))!.done, 2);
      const viewer = await t.as('viewer');
      assert.equal((await viewer.json('PATCH', `/api/v1/sources/${seminar}`, { priority: 1 })).status, 403);
    });
  });
}
