import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { after, before, describe, test } from 'node:test';
import { MessageChannel } from 'node:worker_threads';
import { runsConcurrently, type Db } from '../../src/db/database.ts';
import { openDatabasePort, serveDatabasePort } from '../../src/db/database-port.ts';
import { openTestDatabase, type TestDatabase } from '../support/engines.ts';

/**
 * The database port a job thread uses to reach the embedded PGlite: statements, transactions and errors behave as on
 * the database itself, and whatever a thread that stops leaves open is rolled back. (Both ends run in this thread
 * here: a MessageChannel works the same within one thread.)
 */
describe('database port [pglite]', () => {
  let database: TestDatabase;
  let remote: Db;
  let stop: () => Promise<void>;

  before(async () => {
    database = await openTestDatabase('pglite');
    const channel = new MessageChannel();
    stop = serveDatabasePort(database.db, channel.port1);
    remote = openDatabasePort(channel.port2);
    await sql`CREATE TABLE port_test (id int PRIMARY KEY, name text, at timestamptz, big bigint)`.execute(database.db);
  });
  after(async () => {
    await stop();
    await database.destroy();
  });

  test('statements and their values cross the port as the database returns them', async () => {
    const at = new Date('2026-04-01T09:30:00.123Z');
    const inserted = await remote.insertInto('port_test' as never).values({ id: 1, name: '佐藤', at, big: 2 ** 40 } as never).executeTakeFirst();
    assert.equal(inserted.numInsertedOrUpdatedRows, 1n);
    const rows = await sql<{ id: number; name: string; at: Date; big: number }>`select * from port_test`.execute(remote);
    assert.deepEqual(rows.rows, [{ id: 1, name: '佐藤', at, big: 2 ** 40 }]);
    assert.equal(runsConcurrently(remote), false);
  });

  test('a transaction commits or rolls back as one, and its error keeps its SQLSTATE', async () => {
    await remote.transaction().execute(async (trx) => {
      await sql`insert into port_test (id, name) values (2, 'a'), (3, 'b')`.execute(trx);
    });
    await assert.rejects(remote.transaction().execute(async (trx) => {
      await sql`insert into port_test (id, name) values (4, 'c')`.execute(trx);
      await sql`insert into port_test (id, name) values (2, 'duplicate')`.execute(trx);
    }), (error: Error & { code?: string }) => error.code === '23505');
    const ids = await sql<{ id: number }>`select id from port_test order by id`.execute(database.db);
    assert.deepEqual(ids.rows.map((r) => r.id), [1, 2, 3]);
  });

  test('a transaction left open by a thread that stopped is rolled back when the port closes, and the database serves others', async () => {
    const channel = new MessageChannel();
    const stopOther = serveDatabasePort(database.db, channel.port1);
    const other = openDatabasePort(channel.port2);
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => { entered = resolve; });
    // Never finishes: as if the thread were terminated in the middle of it. (Rejects once the port closes under it,
    // which is what this test brings about.)
    void other.transaction().execute(async (trx) => {
      await sql`insert into port_test (id, name) values (99, 'left open')`.execute(trx);
      entered();
      await new Promise(() => {});
    }).catch(() => {});
    await inside;
    await stopOther();
    const left = await sql<{ n: number }>`select count(*)::int as n from port_test where id = 99`.execute(database.db);
    assert.equal(left.rows[0]!.n, 0);
  });
});
