import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../../../src/db/database.ts';
import { parseImportProfile } from '../../../src/domain/import/profile.ts';
import { runImport } from '../../../src/intake/files/import.service.ts';
import { ENGINES, openTestDatabase, type TestDatabase } from '../../support/engines.ts';

const actor = { auth: null, ip: null, userAgent: 'test' };
const FAMILY = ['佐藤', '鈴木', '高橋', '田中', '伊藤', '渡辺', '山本', '中村', '小林', '加藤', '吉田', '山田', '佐々木', '山口', '松本'];
const GIVEN = ['太郎', '花子', '一郎', '美咲', '健太', '陽子', '大輔', '真由美', '翔太', '由美子', '誠', '恵', '拓也', '直子', '亮'];
const name = (i: number) => `${FAMILY[i % 15]} ${GIVEN[Math.floor(i / 15) % 15]}`;
const email = (i: number) => `m${i}@x${i % 7}.co.jp`;

// 150 people with distinct names; then, in the second chunk (chunks of 100), a row that has only K3's name (a weak
// key: a whole name alone) and a row that restates K5 by e-mail with its name written without the space (strong).
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-neighbour-budget-'));
const file = path.join(dir, 'members.csv');
const lines = ['会員番号,氏名,メール,電話,生年月日'];
for (let i = 0; i < 150; i++) {
  lines.push(`K${i},${name(i)},${email(i)},090-${1000 + i}-${String((i * 7919) % 10000).padStart(4, '0')},19${50 + (i % 40)}-0${1 + (i % 9)}-1${i % 10}`);
}
lines.push(`K900,${name(3)},,,`, `K901,${name(5).replace(' ', '')},${email(5).toUpperCase()},,`);
fs.writeFileSync(file, `${lines.join('\n')}\n`);
const profile = parseImportProfile({ source: 'members', id_column: '会員番号', fields: { full_name: '氏名', email: 'メール', phone: '電話', birth_date: '生年月日' } });

async function customerOf(db: Db, externalId: string): Promise<string | null> {
  const row = await db.selectFrom('source_records').select('customer_id').where('external_id', '=', externalId).executeTakeFirstOrThrow();
  return row.customer_id;
}

async function reviewPairs(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('review_items')
    .innerJoin('source_records as a', 'a.id', 'review_items.record_a_id')
    .innerJoin('source_records as b', 'b.id', 'review_items.record_b_id')
    .select(['a.external_id as a', 'b.external_id as b'])
    .execute();
  return rows.map((r) => [r.a, r.b].sort().join('~')).sort();
}

for (const engine of ENGINES) {
  describe(`a chunk's neighbour budget [${engine}]`, () => {
    let open: TestDatabase;
    let tight: TestDatabase;
    before(async () => {
      open = await openTestDatabase(engine);
      tight = await openTestDatabase(engine);
    });
    after(async () => {
      await open.destroy();
      await tight.destroy();
    });

    test('weak keys find neighbours within the budget; past it only strong keys do, and they still find every restatement', { timeout: 300_000 }, async () => {
      const within = await runImport(open.db, { filePath: file, profile, actor, resolveChunk: 100 });
      // Within the budget the name-only row meets K3 through its whole name: the pair goes to review.
      assert.deepEqual(await reviewPairs(open.db), ['K3~K900']);
      assert.equal(within.customersCreated, 151);

      const past = await runImport(tight.db, { filePath: file, profile, actor, resolveChunk: 100, neighbourBudget: 0 });
      // No weak-key neighbour is loaded: K900 never meets K3 and stays a customer of its own, with no review item ...
      assert.deepEqual(await reviewPairs(tight.db), []);
      assert.notEqual(await customerOf(tight.db, 'K900'), await customerOf(tight.db, 'K3'));
      // ... while the e-mail (a strong key) still brings K5 into the chunk, and the restatement joins it.
      assert.equal(await customerOf(tight.db, 'K901'), await customerOf(tight.db, 'K5'));
      assert.equal(past.customersCreated, 151);
      assert.equal(past.merged, within.merged);
    });
  });
}
