import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { parseImportProfile } from '../../../src/domain/import/profile.ts';
import { blockCap, blockingKeys, defaultWeights, prepareMatchRecord, resolveBatch, type MatchRecord } from '../../../src/domain/match/index.ts';
import { keyHash, storedKey, storedKeyHash, storedKeysOf, type StoredMatchRecord } from '../../../src/resolution/key-hash.ts';
import { inlinePool, openWorkerPool } from '../../../src/intake/files/prepare-pool.ts';
import { prepareFileRows } from '../../../src/resolution/stage-prepare.ts';
import { ENGINES, openTestDatabase, type TestDatabase } from '../../support/engines.ts';

const profile = parseImportProfile({ source: 'meishi', id_column: '名刺ID', fields: { full_name: '氏名', email: 'メール', phone: '電話', address: ['住所1', '住所2'] } });

function rows(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    line: i + 2,
    values: {
      名刺ID: `M${i}`,
      氏名: i % 2 ? `髙橋　花子${i % 7}` : `ﾀｶﾊｼ ﾊﾅｺ`,
      メール: i % 5 ? `hanako${i}@daicho-kaisha.co.jp` : 'メールなし',
      電話: `０３-${String(1000 + (i % 9000)).padStart(4, '0')}-５６７８`,
      住所1: '東京都千代田区丸の内一丁目', 住所2: `${i % 9 + 1}番${i % 3 + 1}号`,
      備考: `メモ${i}`,
    },
  }));
}

describe('staging preparation', () => {
  test('a worker pool prepares exactly what in-thread preparation does, batches back in submission order', { timeout: 60_000 }, async () => {
    const pool = await openWorkerPool(profile, 'meishi', 2);
    try {
      const batches = [rows(300), rows(5), rows(120).map((r) => ({ ...r, line: r.line + 1000 }))];
      const fromWorkers = await Promise.all(batches.map((b) => pool.prepare(b)));
      const inline = inlinePool(profile, 'meishi');
      const fromThread = await Promise.all(batches.map((b) => inline.prepare(b)));
      assert.deepEqual(fromWorkers, fromThread);
      assert.deepEqual(fromWorkers.map((b) => b.length), [300, 5, 120]);
      assert.equal(fromWorkers[2]![0]!.line, 1002);
    } finally {
      await pool.close();
    }
  });

  test('a worker that runs out of memory hands its batches to the calling thread: same rows, the import goes on', { timeout: 60_000 }, async () => {
    // Rows of ~40 KB each: a batch the worker cannot hold within a 16 MB heap, while the next, small one fits anywhere.
    const wide = rows(600).map((r) => ({ ...r, values: { ...r.values, 備考: `${r.values.備考}${'長'.repeat(20_000)}` } }));
    const pool = await openWorkerPool(profile, 'meishi', 1, { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 });
    try {
      const [big, small] = await Promise.all([pool.prepare(wide), pool.prepare(rows(7))]);
      const inline = inlinePool(profile, 'meishi');
      assert.deepEqual(big, await inline.prepare(wide));
      assert.deepEqual(small, await inline.prepare(rows(7)));
    } finally {
      await pool.close();
    }
  });

  test('a prepared row carries its id, hashed keys, the unmapped column and the flagged value', () => {
    const [first, second] = prepareFileRows(rows(2), profile, 'meishi');
    assert.equal(first!.externalId, 'M0');
    assert.ok(first!.keyHashes.length >= 4, `${first!.keyHashes.length} keys`); // reading, romaji (whole, sorted parts), phone, address
    assert.ok(first!.keyHashes.every((h) => /^-?\d+$/u.test(h)));
    assert.deepEqual(JSON.parse(first!.rawJson).備考, 'メモ0');
    assert.deepEqual(JSON.parse(first!.statementJson)['custom.備考'], 'メモ0');
    assert.deepEqual(first!.flagged.map((f) => f.field), ['email']);
    assert.equal(JSON.parse(second!.statementJson).email, 'hanako1@daicho-kaisha.co.jp');
  });

  test('the matcher form travels with its stored keys: kind and hash of each blocking key, the same keys match_keys gets', () => {
    const [first] = prepareFileRows(rows(1), profile, 'meishi');
    const stored = JSON.parse(first!.matchRecordJson) as StoredMatchRecord;
    const keys = blockingKeys(stored);
    assert.deepEqual(stored.blockKeys, keys.map(storedKey));
    assert.deepEqual(stored.blockKeys!.map(storedKeyHash), keys.map(keyHash));
    assert.deepEqual(first!.keyHashes, keys.map(keyHash));
    // The kind stays readable, so each key keeps its cap (a birth date alone has a lower one than an e-mail).
    assert.deepEqual(stored.blockKeys!.map((k) => blockCap(k)), keys.map((k) => blockCap(k)));
    // A record staged before the keys were stored gets the same ones derived.
    const { blockKeys: _dropped, ...older } = stored;
    assert.deepEqual(storedKeysOf(older), stored.blockKeys);
  });

  test('resolving on stored keys gives what resolving on the keys themselves gives', () => {
    const people = [
      { full_name: '髙橋 花子', email: 'hanako.takahashi@daicho-kaisha.co.jp', birth_date: '1985/4/3' },
      { full_name: '高橋 花子', email: 'hanako.takahashi@daicho-kaisha.co.jp', phone: '03-1234-5678' },
      { full_name: 'タカハシ ハナコ', phone: '0312345678', birth_date: 'S60.4.3' },
      { full_name: '高橋 花子', birth_date: '1990/1/1', email: 'h.takahashi@mail-other.ne.jp' },
      { full_name: '佐藤 一郎', birth_date: '1985/4/3' },
    ];
    const records = (): MatchRecord[] => people.map((fields, i) => prepareMatchRecord({ id: String(i), source: 's', fields }));
    const plain = resolveBatch(records(), { weights: defaultWeights() });
    const hashed = resolveBatch(records(), { weights: defaultWeights(), keysOf: storedKeysOf });
    assert.deepEqual(hashed.clusters, plain.clusters);
    assert.deepEqual(hashed.reviews, plain.reviews);
    assert.ok(plain.clusters.some((c) => c.length >= 2), 'the fixture merges someone');
  });
});

for (const engine of ENGINES) {
  describe(`blocking key hashes [${engine}]`, () => {
    let t: TestDatabase;
    before(async () => { t = await openTestDatabase(engine); });
    after(async () => { await t.close(); });

    test('JavaScript and SQL hash a key alike (migration 0008 converts stored keys with the SQL form)', async () => {
      const keys = ['e:a.b@x.co.jp', 'ft:たかはしはなこ', 'fb:高橋|1985-04-03', 'a:東京都|千代田区丸の内1-2-3', 'p:+81312345678', ''];
      const { rows: found } = await sql<{ key: string; h: string }>`
        SELECT k AS key, (('x' || substr(md5(k), 1, 16))::bit(64)::bigint)::text AS h FROM unnest(${keys}::text[]) AS k`.execute(t.db);
      assert.deepEqual(found.map((r) => r.h), keys.map(keyHash));
      assert.ok(found.some((r) => r.h.startsWith('-')), 'signed: some hashes are negative');
    });
  });
}
