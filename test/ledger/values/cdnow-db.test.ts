import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { ingestRecords } from '../../../src/resolution/staging.ts';
import { recomputeValues } from '../../../src/ledger/values/values.service.ts';
import { ENGINES, openTestDatabase, type TestDatabase } from '../../support/engines.ts';

const CDNOW = path.join(import.meta.dirname, '../../../../shared/data/transactions/cdnow/cdnow_sample.csv');
const actor = { auth: null, ip: null, userAgent: 'test' };

/**
 * The values path on real data: CDNOW's purchases stored as orders (one per purchase), then
 * the value recompute as of the end of the published 39-week calibration. Its fitted BG/NBD and Gamma-Gamma must be
 * the published ones (Fader, Hardie & Lee 2005; lifetimes), so the SQL that summarises purchase days agrees with the
 * definition the domain tests check.
 */
for (const engine of ENGINES) {
  describe(`CDNOW through the database [${engine}]`, { skip: !fs.existsSync(CDNOW) }, () => {
    let database: TestDatabase;
    before(async () => {
      database = await openTestDatabase(engine);
      const rows = fs.readFileSync(CDNOW, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
      const people = [...new Set(rows.map((r) => r[0]!))];
      const linked = await ingestRecords(database.db, {
        source: { name: 'cdnow', label: 'CDNOW', kind: 'file_import' },
        records: people.map((id) => ({ externalId: id, fields: { full_name: `顧客 ${id}`, email: `c${id}@cdnow.example` } })),
        actor,
      });
      const recordOf = new Map(linked.map((l) => [l.externalId, l.recordId]));
      // One order a purchase, in bulk (the import path has its own tests; here the values path is under test).
      const n = rows.length;
      await sql`INSERT INTO orders (source, external_id, source_record_id, ordered_at, status, total_amount, currency, content_hash)
        SELECT 'cdnow', t.id, t.record, t.at, 'completed', t.amount, 'USD', 'h'
        FROM unnest(${rows.map((_, i) => `o${i}`)}::text[], ${rows.map((r) => recordOf.get(r[0]!)!)}::bigint[],
                    ${rows.map((r) => `${r[2]}T12:00:00+09:00`)}::timestamptz[], ${rows.map((r) => r[4]!)}::numeric[]) AS t(id, record, at, amount)`.execute(database.db);
      await sql`INSERT INTO order_lines (order_id, line_no, product_name, quantity, amount)
        SELECT o.id, 1, 'CD', t.qty, t.amount FROM unnest(${rows.map((_, i) => `o${i}`)}::text[], ${rows.map((r) => r[3]!)}::numeric[], ${rows.map((r) => r[4]!)}::numeric[]) AS t(id, qty, amount)
        JOIN orders o ON o.source = 'cdnow' AND o.external_id = t.id`.execute(database.db);
      assert.equal(n, 6919);
    });
    after(async () => database.destroy());

    test('the fitted models are the published ones', async () => {
      const run = await recomputeValues(database.db, { asOf: '1997-09-30', currency: 'USD' });
      assert.equal(run.customers, 2357);
      const stored = await sql<{ model: { bgnbd: { r: number; alpha: number; a: number; b: number }; gammaGamma: { p: number; q: number; v: number } } }>`
        SELECT model FROM value_runs ORDER BY id DESC LIMIT 1`.execute(database.db);
      const { bgnbd, gammaGamma } = stored.rows[0]!.model;
      const near = (got: number, want: number, what: string) => assert.ok(Math.abs(got - want) / want < 0.01, `${what}: ${got} vs ${want}`);
      near(bgnbd.r, 0.243, 'r');
      near(bgnbd.alpha, 4.414, 'alpha');
      near(bgnbd.a, 0.793, 'a');
      near(bgnbd.b, 2.426, 'b');
      near(gammaGamma.p, 6.25, 'p');
      near(gammaGamma.q, 3.74, 'q');
      near(gammaGamma.v, 15.45, 'v');
    });
  });
}
