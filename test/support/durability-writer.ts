// Child process for test/db/durability.test.ts: commits rows one by one on PGlite and reports each id
// on stdout only after its COMMIT returned, until it is killed.
import { openDatabase } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrate.ts';

const dataDir = process.argv[2]!;
const handle = await openDatabase({ databaseUrl: undefined, dataDir, pgliteFsync: false });
await migrate(handle);
process.stdout.write('ready\n');
for (let i = 0; ; i++) {
  const row = await handle.db.transaction().execute(async (trx) => {
    return trx.insertInto('audit_log').values({ action: 'durability.write', actor_label: `row ${i}`, details: JSON.stringify({ i, pad: 'x'.repeat(200) }) }).returning('id').executeTakeFirstOrThrow();
  });
  process.stdout.write(`committed ${row.id}\n`);
}
