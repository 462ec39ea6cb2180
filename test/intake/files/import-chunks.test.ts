import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { Db } from '../../../src/db/database.ts';
import { parseImportProfile } from '../../../src/domain/import/profile.ts';
import { blockingKeys, type MatchRecord } from '../../../src/domain/match/index.ts';
import { runImport } from '../../../src/intake/files/import.service.ts';
import { keyHash } from '../../../src/resolution/key-hash.ts';
import { searchCustomerIds } from '../../../src/ledger/search/search.repository.ts';
import { ENGINES, openTestDatabase, type TestDatabase } from '../../support/engines.ts';

const actor = { auth: null, ip: null, userAgent: 'test' };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-import-chunks-'));
const FAMILY = ['佐藤', '鈴木', '高橋', '田中', '伊藤', '渡辺', '山本', '中村', '小林', '加藤', '吉田', '山田', '佐々木', '山口', '松本'];
const FAMILY_KANA = ['サトウ', 'スズキ', 'タカハシ', 'タナカ', 'イトウ', 'ワタナベ', 'ヤマモト', 'ナカムラ', 'コバヤシ', 'カトウ', 'ヨシダ', 'ヤマダ', 'ササキ', 'ヤマグチ', 'マツモト'];
const GIVEN = ['太郎', '花子', '一郎', '美咲', '健太', '陽子', '大輔', '真由美', '翔太', '由美子', '誠', '恵', '拓也', '直子', '亮'];
const GIVEN_KANA = ['タロウ', 'ハナコ', 'イチロウ', 'ミサキ', 'ケンタ', 'ヨウコ', 'ダイスケ', 'マユミ', 'ショウタ', 'ユミコ', 'マコト', 'メグミ', 'タクヤ', 'ナオコ', 'リョウ'];

/**
 * 450 people, then 150 rows that restate one of them another way (full-width phone, hiragana reading, upper-case
 * e-mail, no space in the name), spread through the file so that most restate a person of an earlier chunk.
 */
function writeFile(file: string): void {
  const person = (i: number) => ({
    name: `${FAMILY[i % 15]} ${GIVEN[Math.floor(i / 15) % 15]}`,
    kana: `${FAMILY_KANA[i % 15]} ${GIVEN_KANA[Math.floor(i / 15) % 15]}`,
    email: `member${i}.${['kaisha', 'shoji', 'daicho'][i % 3]}@mail-${i % 7}.co.jp`,
    phone: `090-${String(1000 + i).padStart(4, '0')}-${String((i * 7919) % 10000).padStart(4, '0')}`,
  });
  const lines = ['会員番号,氏名,フリガナ,メール,電話'];
  let id = 0;
  for (let i = 0; i < 450; i++) {
    const p = person(i);
    lines.push(`K${++id},${p.name},${p.kana},${p.email},${p.phone}`);
    if (i % 3 === 2) {
      const q = person((i * 37) % (i + 1));
      const wide = q.phone.replace(/[0-9-]/gu, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
      const hira = q.kana.replace(/[ァ-ヶ]/gu, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60));
      lines.push(`K${++id},${q.name.replace(' ', '')},${hira},${q.email.toUpperCase()},${wide}`);
    }
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

const file = path.join(dir, 'members.csv');
writeFile(file);
const profile = parseImportProfile({ source: 'members', id_column: '会員番号', fields: { full_name: '氏名', full_name_kana: 'フリガナ', email: 'メール', phone: '電話' } });

/** Which records form each customer (by external id), plus each customer's golden name and e-mail. */
async function ledger(db: Db) {
  const rows = await db
    .selectFrom('source_records')
    .innerJoin('customers', 'customers.id', 'source_records.customer_id')
    .select(['source_records.external_id', 'source_records.customer_id', 'customers.display_name', 'customers.email'])
    .execute();
  const groups = new Map<string, { ids: string[]; golden: string }>();
  for (const r of rows) {
    const g = groups.get(r.customer_id!) ?? { ids: [], golden: `${r.display_name} <${r.email}>` };
    g.ids.push(r.external_id);
    groups.set(r.customer_id!, g);
  }
  return [...groups.values()].map((g) => `${g.ids.sort().join(' ')} = ${g.golden}`).sort();
}

for (const engine of ENGINES) {
  describe(`chunked resolution [${engine}]`, () => {
    let whole: TestDatabase;
    let chunked: TestDatabase;
    let resumed: TestDatabase;
    before(async () => {
      whole = await openTestDatabase(engine);
      chunked = await openTestDatabase(engine);
      resumed = await openTestDatabase(engine);
    });
    after(async () => {
      await whole.destroy();
      await chunked.destroy();
      await resumed.destroy();
    });

    test('resolving in chunks of 100 gives the ledger of one batch: restatements in later chunks find their customer', { timeout: 300_000 }, async () => {
      const one = await runImport(whole.db, { filePath: file, profile, actor });
      assert.equal(one.new, 600);
      assert.equal(one.customersCreated, 450, 'each person once');
      const progress: number[] = [];
      const many = await runImport(chunked.db, { filePath: file, profile, actor, resolveChunk: 100, onProgress: (p) => { if (p.resolved !== undefined) progress.push(p.resolved); } });
      assert.deepEqual(progress, [100, 200, 300, 400, 500, 600]);
      assert.equal(many.customersCreated, 450);
      assert.equal(many.merged, one.merged);
      assert.deepEqual(await ledger(chunked.db), await ledger(whole.db));
      const stored = await chunked.db.selectFrom('match_weights').select(['first_record_id', 'last_record_id']).execute();
      assert.equal(stored.length, 1, 'weights trained once for all chunks');
      // One 「取り込み」 entry per customer and run, whatever the number of chunks that touched it.
      const activities = await chunked.db.selectFrom('activities').select((eb) => eb.fn.countAll<number>().as('n')).where('type', '=', 'import').executeTakeFirstOrThrow();
      assert.equal(Number(activities.n), 450);
      // The ledger's size as resolution counts it (it weighs name-only pairs): every linked record, once.
      const stats = await chunked.db.selectFrom('resolution_stats').select('linked_records').executeTakeFirstOrThrow();
      assert.equal(Number(stats.linked_records), 600);
      // The chunks' search entries went through the index's pending list and its merges (deferSearchIndexMerge):
      // search finds the same customers as in the one-batch ledger.
      const found = async (db: Db, query: string) => {
        const { hits } = await searchCustomerIds(db, query, { limit: 500, personal: true });
        const emails = await db.selectFrom('customers').select('email').where('id', 'in', hits.length ? hits.map((h) => h.id) : ['00000000-0000-0000-0000-000000000000']).execute();
        return emails.map((e) => e.email).sort();
      };
      for (const query of ['佐藤', 'たろう', '鈴木 花子', 'member12', 'mail-3.co.jp']) {
        const expected = await found(whole.db, query);
        assert.ok(expected.length > 0, query);
        assert.deepEqual(await found(chunked.db, query), expected, query);
      }
    });

    test('an import that stops after two chunks, re-run, ends with the ledger of an uninterrupted one', { timeout: 300_000 }, async () => {
      await assert.rejects(runImport(resumed.db, {
        filePath: file, profile, actor, resolveChunk: 100,
        onProgress: (p) => { if ((p.resolved ?? 0) >= 200) throw new Error('killed'); },
      }), /killed/);
      const left = await resumed.db.selectFrom('source_records').select((eb) => eb.fn.countAll<number>().as('n')).where('customer_id', 'is', null).executeTakeFirstOrThrow();
      assert.equal(Number(left.n), 400, 'two chunks committed, four left');
      const rerun = await runImport(resumed.db, { filePath: file, profile, actor, resolveChunk: 100 });
      assert.equal(rerun.unchanged, 600);
      assert.deepEqual(await ledger(resumed.db), await ledger(chunked.db));
      const weights = await resumed.db.selectFrom('match_weights').select('id').execute();
      assert.equal(weights.length, 1, 'the re-run used the weights the first run stored');
    });

    test('a file of many batches has its chunks resolved as it is read, with the same ledger; killed then, a re-run ends the same', { timeout: 300_000 }, async () => {
      // Batches of 40 rows, chunks of 100: a chunk is resolved after each batch that brings more than 100 waiting.
      const reading: number[] = [];
      const phases: string[] = [];
      const interleaved = await openTestDatabase(engine);
      const killed = await openTestDatabase(engine);
      try {
        const summary = await runImport(interleaved.db, {
          filePath: file, profile, actor, resolveChunk: 100, batchRows: 40,
          onProgress: (p) => {
            phases.push(p.phase);
            if (p.resolved !== undefined && p.phase === 'reading') reading.push(p.resolved);
          },
        });
        assert.deepEqual(reading, [100, 200, 300, 400, 500], 'five chunks resolved while the file was still being read');
        assert.equal(phases.at(-1), 'resolving', 'the last chunk once every row is staged');
        assert.equal(summary.customersCreated, 450);
        assert.ok(summary.resolutionSeconds > 0 && summary.stagingSeconds >= 0);
        assert.deepEqual(await ledger(interleaved.db), await ledger(chunked.db));
        // Killed after the third chunk, with rows still unread: the re-run stages the rest and ends the same.
        await assert.rejects(runImport(killed.db, {
          filePath: file, profile, actor, resolveChunk: 100, batchRows: 40,
          onProgress: (p) => { if ((p.resolved ?? 0) >= 300) throw new Error('killed'); },
        }), /killed/);
        const staged = await killed.db.selectFrom('source_records').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        assert.ok(Number(staged.n) < 600, `killed while reading (${staged.n} of 600 rows staged)`);
        const open = await killed.db.selectFrom('match_weights').select('last_record_id').executeTakeFirstOrThrow();
        assert.equal(open.last_record_id, null, 'the weights still cover what is left');
        await runImport(killed.db, { filePath: file, profile, actor, resolveChunk: 100, batchRows: 40 });
        assert.deepEqual(await ledger(killed.db), await ledger(chunked.db));
        const weights = await killed.db.selectFrom('match_weights').select(['first_record_id', 'last_record_id']).execute();
        assert.equal(weights.length, 1, 'the re-run used the weights the first run stored');
        assert.ok(weights[0]!.last_record_id !== null, 'and closed their range when nothing was left');
      } finally {
        await interleaved.destroy();
        await killed.destroy();
      }
    });

    test('resolving beside staging gives the ledger of resolving in turn, also when later rows change records staged before', { timeout: 300_000 }, async () => {
      // The file with 30 of its rows restated further on (same id, another e-mail), one every 13 rows: each such
      // batch changes records that earlier batches staged.
      const restated = path.join(dir, 'restated.csv');
      const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
      const out = [...lines];
      for (let k = 0; k < 30; k++) {
        // A row some 70 rows before its restatement: staged a batch or two earlier, often in the chunk being resolved.
        const cells = lines[1 + 50 + k * 13]!.split(',');
        out.splice(120 + k * 13, 0, [cells[0], cells[1], cells[2], `moved${k}@mail-new.co.jp`, cells[4]].join(','));
      }
      fs.writeFileSync(restated, out.join('\n') + '\n');
      const beside = await openTestDatabase(engine);
      const inTurn = await openTestDatabase(engine);
      try {
        const options = { filePath: restated, profile, actor, resolveChunk: 100, batchRows: 40 };
        const a = await runImport(beside.db, { ...options, resolveBeside: true });
        const b = await runImport(inTurn.db, { ...options, resolveBeside: false });
        assert.equal(a.updated, 30);
        assert.deepEqual({ ...a, runId: '', seconds: 0, stagingSeconds: 0, resolutionSeconds: 0 }, { ...b, runId: '', seconds: 0, stagingSeconds: 0, resolutionSeconds: 0 });
        assert.deepEqual(await ledger(beside.db), await ledger(inTurn.db));
        const emails = async (db: Db) => (await db.selectFrom('customers').select('email').where('email', 'like', 'moved%').orderBy('email').execute()).map((r) => r.email);
        // Survivorship keeps one e-mail per customer: the restated one where it wins (a customer with a single record).
        assert.ok((await emails(beside.db)).length >= 10, 'restated e-mails reached golden records');
        assert.deepEqual(await emails(beside.db), await emails(inTurn.db));
        const records = await beside.db.selectFrom('source_records').select('id').where(sql`normalized->>'email'`, 'like', 'moved%').execute();
        assert.equal(records.length, 30, 'every restated record holds its new e-mail');
      } finally {
        await beside.destroy();
        await inTurn.destroy();
      }
    });

    test('a changed row updates its record, its golden record and its blocking keys (old keys go)', { timeout: 120_000 }, async () => {
      const changed = path.join(dir, 'changed.csv');
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      const before = lines[1]!.split(',');
      lines[1] = [before[0], before[1], before[2], 'new.address@mail-new.co.jp', before[4]].join(',');
      fs.writeFileSync(changed, lines.join('\n'));
      const summary = await runImport(whole.db, { filePath: changed, profile, actor });
      assert.equal(summary.updated, 1);
      assert.equal(summary.unchanged, 599);
      const record = await whole.db.selectFrom('source_records').select(['id', 'customer_id']).where('external_id', '=', before[0]!).executeTakeFirstOrThrow();
      const customer = await whole.db.selectFrom('customers').select('email').where('id', '=', record.customer_id!).executeTakeFirstOrThrow();
      assert.equal(customer.email, 'new.address@mail-new.co.jp');
      // Keys are stored hashed (key-hash.ts); bigint read back as text to keep every digit.
      const keys = (await sql<{ k: string }>`SELECT key_hash::text AS k FROM match_keys WHERE source_record_id = ${record.id}`.execute(whole.db)).rows.map((r) => r.k);
      assert.ok(keys.includes(keyHash('e:new.address@mail-new.co.jp')));
      // Exactly the keys of the record's current form: none of the old version's are left.
      const { match_record } = await whole.db.selectFrom('source_records').select('match_record').where('id', '=', record.id).executeTakeFirstOrThrow();
      assert.deepEqual(keys.sort(), blockingKeys(match_record as unknown as MatchRecord).map(keyHash).sort());
      assert.ok(!keys.includes(keyHash(`e:${before[3]!.toLowerCase()}`)), `old e-mail key left for ${before[3]}`);
    });
  });
}
