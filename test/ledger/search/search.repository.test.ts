import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { SearchFields } from '../../../src/domain/search/document.ts';
import {
  forgetSearchStatistics, searchCustomerIds, searchDocumentColumns, searchTiers,
} from '../../../src/ledger/search/search.repository.ts';
import { ENGINES, openTestDatabase, type TestDatabase } from '../../support/engines.ts';

/** Hand-made customers: key → fields. The key is stored in display_name, so assertions read as names. */
const PEOPLE: Record<string, SearchFields> = {
  林: { familyName: '林', givenName: '健', familyNameKana: 'ハヤシ', givenNameKana: 'ケン' },
  小林: { familyName: '小林', givenName: '一郎', familyNameKana: 'コバヤシ', givenNameKana: 'イチロウ' },
  林田: { familyName: '林田', givenName: '花', familyNameKana: 'ハヤシダ', givenNameKana: 'ハナ' },
  佐藤: { familyName: '佐藤', givenName: '花子', familyNameKana: 'サトウ', givenNameKana: 'ハナコ', email: 'hanako.sato@example.co.jp', phone: '+819012345678' },
  佐藤2: { familyName: '佐藤', givenName: '太郎', familyNameKana: 'サトウ', givenNameKana: 'タロウ', email: 'taro@example.com', phone: '+81312345678' },
  佐藤木: { familyName: '佐藤木', givenName: '誠', familyNameKana: 'サトウギ', givenNameKana: 'マコト' },
  伊佐藤: { familyName: '伊佐藤', givenName: '学', familyNameKana: 'イサトウ', givenNameKana: 'マナブ' },
  加藤: { familyName: '加藤', givenName: '恵', familyNameKana: 'カトウ', givenNameKana: 'メグミ' },
  高橋: { familyName: '髙橋', givenName: '健太', familyNameKana: 'ﾀｶﾊｼ', givenNameKana: 'ｹﾝﾀ', email: 'k.takahashi@example.jp' },
  高橋2: { familyName: '高橋', givenName: '美咲', familyNameKana: 'タカハシ', givenNameKana: 'ミサキ' },
  鈴木: { familyName: '鈴木', givenName: '一郎', familyNameKana: 'スズキ', givenNameKana: 'イチロウ', companyName: '株式会社山田商事', email: 'ichiro.suzuki@yamada-shoji.co.jp', phone: '03-5555-1234' },
  田中: { familyName: '田中', givenName: '実', familyNameKana: 'タナカ', givenNameKana: 'ミノル', phone: '０９０－９９９９－８８８８' },
  渡辺: { familyName: '渡邉', givenName: '健二', familyNameKana: 'ワタナベ', givenNameKana: 'ケンジ' },
  山田: { familyName: '山田', givenName: '花子', familyNameKana: 'ヤマダ', givenNameKana: 'ハナコ', companyName: 'サンライズ工業株式会社' },
  削除済: { familyName: '佐藤', givenName: '削除', familyNameKana: 'サトウ', givenNameKana: 'サクジョ', email: 'deleted.sato@example.jp' },
  サトウ商会: { displayName: 'サトウ商会', companyName: 'サトウ商会' },
  パーセント: { familyName: '百%', givenName: '_下線', email: 'percent_100%@example.jp' },
};
// Filler: 20 people with unrelated names, so "everything matches" would be noticed.
const FILLER = ['森', '池田', '石川', '前田', '小川', '藤田', '岡田', '後藤', '長谷川', '村上', '近藤', '坂本', '遠藤', '青木', '西村', '福田', '太田', '三浦', '藤井', '岡本'];

for (const engine of ENGINES) {
  describe(`searchCustomerIds (${engine})`, () => {
    let t: TestDatabase;
    const nameOf = new Map<string, string>();
    const search = async (q: string, limit = 50, offset = 0) => {
      const r = await searchCustomerIds(t.db, q, { limit, offset, personal: true });
      return { ...r, names: r.hits.map((h) => nameOf.get(h.id)!), tiers: r.hits.map((h) => `${nameOf.get(h.id)}:${h.tier}`) };
    };

    before(async () => {
      t = await openTestDatabase(engine);
      const rows = [
        ...Object.entries(PEOPLE),
        ...FILLER.map((f, i): [string, SearchFields] => [`filler${i}`, { familyName: f, givenName: '次郎', familyNameKana: 'ジロウ', email: `filler${i}@example.net` }]),
      ];
      for (const [key, f] of rows) {
        const row = await t.db
          .insertInto('customers')
          .values({
            family_name: f.familyName ?? null,
            given_name: f.givenName ?? null,
            family_name_kana: f.familyNameKana ?? null,
            given_name_kana: f.givenNameKana ?? null,
            display_name: key,
            email: f.email ?? null,
            phone: f.phone ?? null,
            custom_fields: '{}',
            provenance: '{}',
            ...searchDocumentColumns({ ...f, displayName: f.displayName ?? `${f.familyName ?? ''} ${f.givenName ?? ''}` }),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        nameOf.set(row.id, key);
      }
      await t.db.updateTable('customers').set({ deleted_at: new Date() }).where('display_name', '=', '削除済').execute();
    });
    after(async () => { await t?.destroy(); });

    test('1 kanji 林: exact 林, then prefix 林田, then contains 小林', async () => {
      const r = await search('林');
      assert.deepEqual(r.tiers, ['林:exact', '林田:prefix', '小林:contains']);
      assert.equal(r.hasMore, false);
    });

    test('2 kanji 佐藤: exact family names before 佐藤木 (prefix) and 伊佐藤 (contains)', async () => {
      const r = await search('佐藤');
      assert.deepEqual(r.tiers.slice(0, 2).sort(), ['佐藤2:exact', '佐藤:exact']);
      assert.deepEqual(r.tiers.slice(2), ['佐藤木:prefix', '伊佐藤:contains']);
    });

    test('ｻﾄｳ, サトウ and さとう find the same, best first', async () => {
      const half = await search('ｻﾄｳ');
      assert.deepEqual(await search('サトウ'), half);
      assert.deepEqual(await search('さとう'), half);
      assert.deepEqual(half.tiers.slice(0, 2).sort(), ['佐藤2:exact', '佐藤:exact']);
      assert.deepEqual(half.tiers.slice(2).sort(), ['サトウ商会:prefix', '伊佐藤:contains', '佐藤木:prefix'].sort());
      assert.equal(half.tiers.at(-1), '伊佐藤:contains');
    });

    test('variant kanji: 髙橋 finds 高橋 and the reverse', async () => {
      assert.deepEqual((await search('髙橋')).names.sort(), ['高橋', '高橋2']);
      assert.deepEqual((await search('高橋')).names.sort(), ['高橋', '高橋2']);
      assert.deepEqual((await search('渡辺')).names, ['渡辺']);
    });

    test('full name, given name, multi-term', async () => {
      assert.deepEqual((await search('佐藤花子')).tiers, ['佐藤:exact']);
      assert.deepEqual((await search('佐藤　花子')).tiers, ['佐藤:exact']);
      assert.deepEqual((await search('花子')).names.sort(), ['佐藤', '山田']);
      assert.deepEqual((await search('ハナコ ヤマダ')).tiers, ['山田:exact']);
      assert.deepEqual((await search('はな')).tiers.sort(), ['佐藤:prefix', '山田:prefix', '林田:exact']);
    });

    test('e-mail: whole address, fragment, domain', async () => {
      assert.deepEqual((await search('Hanako.Sato@Example.co.jp')).tiers, ['佐藤:exact']);
      assert.deepEqual((await search('sato@exa')).tiers, ['佐藤:contains']);
      assert.deepEqual((await search('yamada-shoji')).tiers, ['鈴木:contains']);
      assert.deepEqual((await search('ｔａｒｏ')).tiers, ['佐藤2:exact']); // the local part of taro@example.com
      assert.deepEqual((await search('ｔａｒ')).tiers, ['佐藤2:prefix']);
    });

    test('phone fragments with hyphens, full-width digits, +81', async () => {
      assert.deepEqual((await search('090-1234-5678')).tiers, ['佐藤:exact']);
      assert.deepEqual((await search('+81 90 1234 5678')).tiers, ['佐藤:exact']);
      assert.deepEqual((await search('１２３４－５６７８')).tiers.sort(), ['佐藤2:contains', '佐藤:contains']);
      assert.deepEqual((await search('0-1234-5678')).tiers, ['佐藤:contains']);
      assert.deepEqual((await search('5555-1234')).tiers, ['鈴木:contains']);
      assert.deepEqual((await search('03(5555)')).tiers, ['鈴木:contains']); // phones have no prefix keys
      assert.deepEqual((await search('9999ー8888')).tiers, ['田中:contains']);
      assert.deepEqual((await search('1234')).names.sort(), ['佐藤', '佐藤2', '鈴木']);
    });

    test('company name', async () => {
      assert.deepEqual((await search('山田商事')).tiers, ['鈴木:contains']);
      assert.deepEqual((await search('サンライズ')).tiers, ['山田:prefix']);
      assert.deepEqual((await search('株式会社')).names.sort(), ['山田', '鈴木']);
    });

    test('LIKE wildcards in the query are literal', async () => {
      assert.deepEqual((await search('百%')).tiers, ['パーセント:exact']);
      assert.deepEqual((await search('_100%@')).tiers, ['パーセント:contains']);
      assert.deepEqual((await search('t_100')).tiers, ['パーセント:contains']);
      assert.deepEqual((await search('佐%')).names, []);
      assert.deepEqual((await search('%')).names, []);
    });

    test('no match, empty query', async () => {
      assert.deepEqual(await searchCustomerIds(t.db, 'ぬゑ', { limit: 20, personal: true }), { hits: [], hasMore: false });
      assert.deepEqual(await searchCustomerIds(t.db, 'zzqx', { limit: 20, personal: true }), { hits: [], hasMore: false });
      assert.deepEqual(await searchCustomerIds(t.db, '   ', { limit: 20, personal: true }), { hits: [], hasMore: false });
    });

    test('soft-deleted customers are excluded', async () => {
      assert.ok(!(await search('佐藤')).names.includes('削除済'));
      assert.deepEqual((await search('deleted.sato')).names, []);
      assert.deepEqual((await search('さくじょ')).names, []);
    });

    test('limit, hasMore and offset page through the ranked list without gaps or repeats', async () => {
      const all = await search('じろう', 100);
      assert.equal(all.hits.length, 20);
      assert.equal(all.hasMore, false);
      const pages: string[] = [];
      for (let offset = 0; offset < 20; offset += 7) {
        const page = await search('じろう', 7, offset);
        assert.equal(page.hasMore, offset + 7 < 20, `offset ${offset}`);
        pages.push(...page.hits.map((h) => h.id));
      }
      assert.deepEqual(pages, all.hits.map((h) => h.id));
      assert.deepEqual(await search('じろう', 5, 20), { hits: [], hasMore: false, names: [], tiers: [] });
      const exactly = await search('林', 3);
      assert.equal(exactly.hasMore, false);
      const fewer = await search('林', 2);
      assert.equal(fewer.hasMore, true);
      assert.deepEqual(fewer.tiers, ['林:exact', '林田:prefix']);
    });

    test('ranked pages across tiers: offset skips earlier tiers', async () => {
      const r = await search('佐藤', 2, 2);
      assert.deepEqual(r.tiers, ['佐藤木:prefix', '伊佐藤:contains']);
      assert.equal(r.hasMore, false);
    });

    test('without personal data: e-mails and phones match only as a whole, names and companies as before', async () => {
      const masked = async (q: string, maskedLookupRows?: number) => {
        const r = await searchCustomerIds(t.db, q, { limit: 50, personal: false, ...(maskedLookupRows ? { maskedLookupRows } : {}) });
        return r.hits.map((h) => `${nameOf.get(h.id)}:${h.tier}`);
      };
      assert.deepEqual(await masked('Hanako.Sato@Example.co.jp'), ['佐藤:exact']);
      assert.deepEqual(await masked('090-1234-5678'), ['佐藤:exact']);
      assert.deepEqual(await masked('+81 3-5555-1234'), ['鈴木:exact']);
      for (const q of ['hanako.sato', 'sato@exa', 'yamada-shoji', 'taro', 'ｔａｒ', '１２３４－５６７８', '5555-1234', '03(5555)', '1234', 'example']) {
        assert.deepEqual(await masked(q), [], q);
      }
      // Rebuilding an address one character at a time finds nothing until the whole of it.
      const address = 'ichiro.suzuki@yamada-shoji.co.jp';
      for (let n = 1; n < address.length; n++) assert.deepEqual(await masked(address.slice(0, n)), [], address.slice(0, n));
      assert.deepEqual(await masked(address), ['鈴木:exact']);
      for (const q of ['林', '佐藤', 'さとう', '髙橋', '佐藤 はな', '山田商事', 'サンライズ', '株式会社']) {
        assert.deepEqual(await masked(q), (await search(q)).tiers, q);
      }
    });

    test('a masked search rechecks a bounded number of the rows its grams find', async () => {
      // A company whose name shares a fragment with 20 e-mail domains (filler…@example.net), stored after them.
      const row = await t.db.insertInto('customers').values({
        display_name: 'Example社', custom_fields: '{}', provenance: '{}', ...searchDocumentColumns({ displayName: 'Example Trading', companyName: 'Example Trading' }),
      }).returning('id').executeTakeFirstOrThrow();
      nameOf.set(row.id, 'Example社');
      const masked = async (maskedLookupRows?: number) =>
        (await searchCustomerIds(t.db, 'xample', { limit: 10, personal: false, ...(maskedLookupRows ? { maskedLookupRows } : {}) })).hits.map((h) => nameOf.get(h.id));
      assert.deepEqual(await masked(), ['Example社']);
      // Bounded to the first 5 rows the grams find (e-mails): the company beyond them is missed, never a wrong row found.
      assert.deepEqual(await masked(5), []);
      assert.ok((await search('xample')).names.length > 20, 'with personal data the e-mails match too');
    });

    test('with table statistics (after ANALYZE) dense tiers are probed sequentially: same results, same order', async () => {
      const queries = ['林', '佐藤', 'さとう', 'じろう', 'example', 'filler1', '佐藤 はな', 'ｻﾄｳ ﾊﾅｺ', '1234', 'yamada-shoji', '株式会社'];
      const before = await Promise.all(queries.map((q) => search(q)));
      const pages = async () => { const out: string[][] = []; for (let o = 0; o < 20; o += 6) out.push((await search('じろう', 6, o)).names); return out; };
      const pagesBefore = await pages();
      const masked = () => Promise.all([...queries, 'xample', 'trading'].map(async (q) => (await searchCustomerIds(t.db, q, { limit: 50, personal: false })).hits));
      const maskedBefore = await masked();
      await sql`ANALYZE customers`.execute(t.db);
      forgetSearchStatistics(t.db);
      // 20 of 37 rows have じろう and example.net: known to the statistics as dense, so probed.
      const tiers = await searchTiers(t.db, 'じろう', { personal: true });
      assert.ok(tiers.every((x) => x.density === 0 || x.density > 0.3), JSON.stringify(tiers));
      assert.ok(tiers.some((x) => x.density > 0.3), JSON.stringify(tiers));
      assert.deepEqual(await Promise.all(queries.map((q) => search(q))), before);
      assert.deepEqual(await pages(), pagesBefore);
      assert.deepEqual(await masked(), maskedBefore, 'a masked search probes too, and looks beyond what the probe found');
      // Probed now (dense e-mail grams), the company is found among the first rows; a bounded lookup that stops short
      // of it must not lose it.
      const xample = await searchTiers(t.db, 'xample', { personal: false });
      assert.ok(xample.find((x) => x.tier === 'contains')!.density > 0.3, JSON.stringify(xample));
      const bounded = await searchCustomerIds(t.db, 'xample', { limit: 10, personal: false, maskedLookupRows: 5 });
      assert.deepEqual(bounded.hits.map((h) => nameOf.get(h.id)), ['Example社']);
    });

    test('search columns are what the table stores (text[] round trip)', async () => {
      const row = await t.db.selectFrom('customers').select(['search_grams', 'search_text', 'sort_key']).where('display_name', '=', 'パーセント').executeTakeFirstOrThrow();
      const doc = searchDocumentColumns({ familyName: '百%', givenName: '_下線', email: 'percent_100%@example.jp', displayName: '百% _下線' });
      assert.deepEqual(row, doc);
      const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM customers WHERE search_grams @> ${['=百%']}::text[]`.execute(t.db);
      assert.equal(n.rows[0]!.n, 1);
    });
  });
}
