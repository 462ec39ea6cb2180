/**
 * The review queue as the model's teacher (issue 26): items carry their pattern and what reviewers decided on it, the
 * queue is read most-worth-deciding first, one-by-one decisions are labels (bulk ones are not), and an import decides
 * a new pair of a settled pattern as the reviewers did — saying so in its decision.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../../../src/db/database.ts';
import { parseImportProfile } from '../../../src/domain/import/profile.ts';
import { runImport } from '../../../src/intake/files/import.service.ts';
import { refreshPriorities } from '../../../src/resolution/review-learning.ts';
import { ENGINES } from '../../support/engines.ts';
import { startTestApp, type Client, type TestApp } from '../../support/app.ts';

const actor = { auth: null, ip: null, userAgent: 'test' };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-review-learning-'));
const HEAD = '顧客ID,氏名,生年月日,住所';
const files: Record<string, string> = {
  crm1: `${HEAD}\nC1,佐藤 花子,1985-06-12,東京都港区芝公園4丁目2-8\n`,
  web1: `${HEAD}\nW1,鈴木 花子,1985-06-12,大阪府大阪市北区梅田3丁目1-1\n`,
  crm2: `${HEAD}\nC2,佐藤 美咲,1979-02-03,東京都港区芝公園4丁目2-8\n`,
  web2: `${HEAD}\nW2,田中 美咲,1979-02-03,福岡県福岡市中央区天神1丁目1-1\n`,
};
for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, `${name}.csv`), text);
const profile = (source: string) => parseImportProfile({ source, id_column: '顧客ID', fields: { full_name: '氏名', birth_date: '生年月日', address: '住所' } });
const importFile = (db: Db, name: string) => runImport(db, { filePath: path.join(dir, `${name}.csv`), profile: profile(name.replace(/\d$/u, '')), actor });

for (const engine of ENGINES) {
  describe(`review learning [${engine}]`, () => {
    let t: TestApp;
    let admin: Client;
    let viewer: Client;
    let db: Db;
    before(async () => {
      t = await startTestApp(engine);
      db = t.database.db;
      admin = await t.as('admin');
      viewer = await t.as('viewer');
    });
    after(async () => t.close());

    let n = 0;
    /** Customers entered by hand: their records are what the hand-made review items below pair up. */
    async function records(count: number): Promise<number[]> {
      const ids: number[] = [];
      for (let i = 0; i < count; i++) {
        n++;
        const res = await admin.json('POST', '/api/v1/customers', { familyName: '山本', givenName: `テスト${n}`, email: `learn${n}@daicho-test.jp` });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        const recs = await admin.json('GET', `/api/v1/customers/${res.body.id}/source-records`);
        ids.push(recs.body.items[0].id as number);
      }
      return ids;
    }
    async function items(pattern: string, pairs: Array<[number, number]>, status: 'open' | 'accepted' | 'rejected' = 'open', teaches = false) {
      for (const [a, b] of pairs) {
        await db.insertInto('review_items').values({
          record_a_id: Math.min(a, b), record_b_id: Math.max(a, b), score: 2, probability: 0.9, pattern, status, teaches,
          rules: JSON.stringify(['family_name_change']), evidence: JSON.stringify([{ field: 'family', level: 'disagree', weight: -3, detail: '' }]),
        }).execute();
      }
      await refreshPriorities(db, [pattern]);
    }

    test('the queue is read most-worth-deciding first; a one-by-one decision teaches its pattern, a bulk one does not', async () => {
      const r = await records(6);
      await items('big', [[r[0]!, r[1]!], [r[2]!, r[3]!], [r[4]!, r[5]!]]);
      await items('small', [[r[0]!, r[2]!]]);
      const list = await admin.json('GET', '/api/v1/review-items?status=open');
      assert.equal(list.status, 200, JSON.stringify(list.body));
      const ours = list.body.items.filter((i: { learning: { open: number } | null }) => i.learning !== null);
      assert.equal(ours[0].learning.open, 3, 'the pattern with three open pairs first');
      assert.ok(ours[0].learning.priority > ours.at(-1).learning.priority);
      assert.deepEqual({ ...ours[0].learning, priority: 0 }, { accepted: 0, rejected: 0, open: 3, verdict: null, priority: 0 });

      const first = ours[0].id as number;
      const decided = await admin.json('POST', `/api/v1/review-items/${first}/decision`, { decision: 'reject' });
      assert.equal(decided.status, 200, JSON.stringify(decided.body));
      assert.equal(decided.body.item.learning.rejected, 1);
      assert.equal(decided.body.item.learning.open, 2);

      assert.equal((await viewer.json('POST', `/api/v1/review-items/${first}/pattern-decision`, { decision: 'reject' })).status, 403);
      const bulk = await admin.json('POST', `/api/v1/review-items/${first}/pattern-decision`, { decision: 'reject' });
      assert.equal(bulk.status, 200, JSON.stringify(bulk.body));
      assert.deepEqual(bulk.body, { decided: 2, skipped: 0 });
      const after = await admin.json('GET', `/api/v1/review-items?status=rejected`);
      const big = after.body.items.filter((i: { learning: { rejected: number; open: number } | null }) => i.learning && i.learning.open === 0 && i.learning.rejected === 1);
      assert.equal(big.length, 3, 'three rejected, one label: the bulk decisions are not counted');
      const audits = await db.selectFrom('audit_log').select('details').where('action', '=', 'identity.review.reject').execute();
      assert.equal(audits.filter((a) => (a.details as { byPattern?: boolean }).byPattern === true).length, 2);
    });

    test('an import decides a new pair of a settled pattern as the reviewers did, and says so', async () => {
      await importFile(db, 'crm1');
      await importFile(db, 'web1');
      const open = await db.selectFrom('review_items').select(['id', 'pattern']).where('status', '=', 'open').where('pattern', 'like', 'family=disagree given=exact birth=exact%').execute();
      assert.equal(open.length, 1, 'a married name with only the birth date to go on is a review item');
      const pattern = open[0]!.pattern!;
      // Sixty pairs of this pattern accepted one by one (Wilson lower bound 0.96 ≥ 0.95).
      const r = await records(12);
      const pairs: Array<[number, number]> = [];
      for (let i = 0; i < r.length && pairs.length < 60; i++) for (let j = i + 1; j < r.length && pairs.length < 60; j++) pairs.push([r[i]!, r[j]!]);
      await items(pattern, pairs, 'accepted', true);
      const queue = await admin.json('GET', '/api/v1/review-items?status=open&limit=200');
      const item = queue.body.items.find((i: { id: number }) => i.id === Number(open[0]!.id));
      assert.equal(item.learning.verdict, 'merge', 'the queue says what the reviewers settled');
      assert.equal(item.learning.accepted, 60);

      await importFile(db, 'crm2');
      await importFile(db, 'web2');
      const recs = await db.selectFrom('source_records').innerJoin('sources', 'sources.id', 'source_records.source_id')
        .select(['source_records.customer_id', 'source_records.id']).where('source_records.external_id', 'in', ['C2', 'W2']).execute();
      assert.equal(recs.length, 2);
      assert.equal(recs[0]!.customer_id, recs[1]!.customer_id, 'merged as the reviewers decided such pairs');
      const decisions = await db.selectFrom('match_decisions').select(['rule']).where('source_record_id', 'in', recs.map((x) => x.id)).where('kind', '=', 'merge').execute();
      assert.ok(decisions.some((d) => d.rule === 'learned_pattern'), JSON.stringify(decisions));
    });
  });
}
