import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { AppError } from '../../src/core/errors.ts';
import { panel } from '../../src/use/dashboards/dashboards.service.ts';
import { ENGINES, openTestDatabase, type TestDatabase } from '../support/engines.ts';

/**
 * A panel's reads run under a statement_timeout local to their transaction: one that cannot answer in time is
 * cancelled and answers a 503 `timeout` problem instead of holding its connection. (PGlite runs statements in the
 * process and has no statement_timeout: there the setting is accepted and the panel answers as usual.)
 */
for (const engine of ENGINES) {
  describe(`dashboards' time limit [${engine}]`, () => {
    let database: TestDatabase;
    before(async () => { database = await openTestDatabase(engine); });
    after(async () => database.close());

    test('a panel answers within its limit as usual', async () => {
      const p = await panel(database.db, 'quality', {}, new Date(), 10_000);
      assert.equal(p.rows.length, 7, 'four field shares, two review queues, the customers to update');
      assert.equal(p.rows[0]!.count, 0);
    });

    test('a panel held up past its limit: 503 timeout, and the next call answers', { skip: engine === 'pglite' ? 'PGlite has no statement_timeout' : false }, async () => {
      // Another transaction holds the customer facts locked, so the panel's read waits until its limit.
      let release!: () => void;
      let locked!: () => void;
      const held = new Promise<void>((resolve) => { release = resolve; });
      const isLocked = new Promise<void>((resolve) => { locked = resolve; });
      const holder = database.db.transaction().execute(async (trx) => {
        await sql`LOCK TABLE customer_facts IN ACCESS EXCLUSIVE MODE`.execute(trx);
        locked();
        await held;
      });
      await isLocked;
      const started = Date.now();
      try {
        await assert.rejects(panel(database.db, 'quality', {}, new Date(), 300), (error: unknown) => {
          assert.ok(error instanceof AppError, String(error));
          assert.equal(error.code, 'timeout');
          assert.equal(error.status, 503);
          assert.match(error.message, /^集計が/u);
          return true;
        });
        assert.ok(Date.now() - started < 5_000, 'cancelled at its limit, not when the lock went');
      } finally {
        release();
        await holder;
      }
      assert.equal((await panel(database.db, 'quality', {}, new Date(), 300)).rows.length, 7);
    });
  });
}
