// Child process for test/db/folder-lock.test.ts: opens a PGlite data folder, says so on stdout, and closes it when
// its stdin ends.
import { openDatabase } from '../../src/db/database.ts';

const dataDir = process.argv[2]!;
const handle = await openDatabase({ databaseUrl: undefined, dataDir, pgliteFsync: false });
process.stdout.write('open\n');
process.stdin.resume();
process.stdin.on('end', () => {
  void handle.close().then(() => process.stdout.write('closed\n'));
});
