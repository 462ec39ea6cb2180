// Initialises a new PGlite data folder, in a process of its own (see initPgliteDataDir in database.ts):
//   node src/db/pglite-init.mjs DATA_DIR
// Plain JavaScript, so it starts without the TypeScript loader.
import { PGlite } from '@electric-sql/pglite';

const dataDir = process.argv[2];
if (!dataDir) {
  console.error('usage: node pglite-init.mjs DATA_DIR');
  process.exit(2);
}
const pglite = await PGlite.create({ dataDir });
await pglite.close();
