import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { foldValue, termGrams } from '../../../src/domain/search/grams.ts';
import { ingestRecords } from '../../../src/resolution/staging.ts';
import * as repo from '../../../src/use/voice/voice.repository.ts';
import { ENGINES } from '../../support/engines.ts';
import { startTestApp, type Client, type TestApp } from '../../support/app.ts';

const actor = { auth: null, ip: null, userAgent: 'test' };

/**
 * The inbox search of a several-gram term probes the newest items before the GIN lookup (voice.repository listItems).
 * Whichever step answers, every page must be the one the lookup alone gives: windows small enough here to take each
 * path — the first window fills the page, a second window sized by the first one's density does, neither does and the
 * lookup finishes, no match in the first window (a rare term) — with and without other filters, through the keyset.
 */
for (const engine of ENGINES) {
  describe(`voice inbox search probe [${engine}]`, () => {
    let t: TestApp;
    let api: Client;
    let customerId: string;

    before(async () => {
      t = await startTestApp(engine);
      api = await t.as('sales');
      const [c] = await ingestRecords(t.database.db, { source: { name: 'crm', label: 'CRM', kind: 'file_import' }, records: [{ externalId: 'p1', fields: { full_name: '検索 太郎', email: 'kensaku@daicho-test.jp' } }], actor });
      customerId = c!.customerId;
      // 60 items a minute apart (oldest first): every 5th says 「吸引力が落ち」, the oldest alone 「返金保証書」.
      for (let i = 0; i < 60; i += 1) {
        const phrase = i === 0 ? '返金保証書が見当たりません。' : i % 5 === 0 ? '掃除機の吸引力が落ちてきました。' : '問い合わせへの回答をお待ちしています。';
        const receivedAt = new Date(Date.UTC(2026, 10, 1, 9, i)).toISOString();
        const res = await api.json('POST', '/api/v1/voice/items', { customerId, text: phrase, receivedAt, externalId: `probe-${i}` });
        assert.equal(res.status, 201, JSON.stringify(res.body));
      }
    });
    after(async () => t.close());

    const filterOf = (q: string, extra: Partial<repo.ItemFilter> = {}): repo.ItemFilter => ({ ...extra, search: { folded: foldValue(q), grams: termGrams(foldValue(q)) } });

    /** Every page, following the keyset, of `limit` rows. */
    async function pages(f: repo.ItemFilter, limit: number, probe: { first: number; max: number }): Promise<string[][]> {
      const out: string[][] = [];
      let cursor: { time: string; id: string } | null = null;
      for (;;) {
        const rows = await repo.listItems(t.database.db, f, cursor, limit + 1, null, probe);
        out.push(rows.slice(0, limit).map((r) => r.id));
        if (rows.length <= limit) return out;
        const last = rows[limit - 1]!;
        cursor = { time: last.received_cursor, id: last.id };
      }
    }

    test('every probe path gives the pages the index lookup gives, through the keyset', async () => {
      const cases: Array<[string, repo.ItemFilter, number]> = [
        ['吸引力が落ち', filterOf('吸引力が落ち'), 3],
        ['吸引力が落ち, since 09:30', filterOf('吸引力が落ち', { fromTime: '2026-11-01T09:30:00Z' }), 2],
        ['返金保証書 (the oldest only)', filterOf('返金保証書'), 3],
        ['返金保証書は (no match)', filterOf('返金保証書は'), 3],
      ];
      const probes = [
        { first: 0, max: 0 }, // the lookup alone
        { first: 20, max: 30 }, // the first window fills a page of 3 (4 matches in 20 rows)
        { first: 5, max: 25 }, // one match in 5: the second window (≈ 5 × 1.5 × 4 = 30 → 25) fills it
        { first: 5, max: 6 }, // the second window is too small: the lookup finishes
        { first: 3, max: 1000 }, // often no match in the first window: straight to the lookup
        { first: 1000, max: 30_000 }, // the defaults: the window holds every item
      ];
      for (const [name, f, limit] of cases) {
        const expected = await pages(f, limit, probes[0]!);
        for (const probe of probes.slice(1)) assert.deepEqual(await pages(f, limit, probe), expected, `${name} with ${JSON.stringify(probe)}`);
        const count = expected.flat().length;
        if (name.startsWith('吸引力が落ち,')) assert.equal(count, 6, name); // 30, 35 … 55
        else if (name.startsWith('吸引力が落ち')) assert.equal(count, 11, name);
        else if (name.startsWith('返金保証書 ')) assert.equal(count, 1, name);
        else assert.equal(count, 0, name);
      }
    });

    test('the API answers a several-gram search newest first, paged by its cursor', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: { status: number; body: { items: Array<{ id: string; receivedAt: string; text: string }>; nextCursor: string | null } } = await api.json('GET', `/api/v1/voice/items?q=${encodeURIComponent('吸引力が落ち')}&limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        for (const item of res.body.items) {
          assert.match(item.text, /吸引力が落ち/);
          seen.push(item.receivedAt);
        }
        cursor = res.body.nextCursor;
      } while (cursor);
      assert.equal(seen.length, 11);
      assert.deepEqual(seen, [...seen].sort().reverse());
    });
  });
}
