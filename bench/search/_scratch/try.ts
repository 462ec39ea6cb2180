import { sql } from 'kysely';
import { openTestDatabase } from '../../../test/support/engines.ts';
import { generateCustomers } from '../data.ts';
import { loadBench } from '../load.ts';
import { searchCustomerIds } from '../../../src/features/search/search.repository.ts';
const engine = (process.argv[2] ?? 'postgres') as 'postgres' | 'pglite';
const n = Number(process.argv[3] ?? 100000);
let t = performance.now();
const data = generateCustomers(n);
console.log('gen', ((performance.now() - t) / 1000).toFixed(1), 's');
const h = await openTestDatabase(engine);
try {
  const timings = await loadBench(h.db, data, { log: console.log });
  console.log(timings);
  const sz = await sql<any>`select pg_size_pretty(pg_table_size('customers')) t, pg_size_pretty(pg_relation_size('customers_search_grams_idx')) g`.execute(h.db);
  console.log(sz.rows);
  for (const q of ['林', '佐藤', '佐藤花子', 'さ', 'サトウ', 'ｻﾄｳ', 'たなか', 'tanaka', '090-12', '1234', '会社', 'ぬゑ', '高橋 美']) {
    const t1 = performance.now();
    const r = await searchCustomerIds(h.db, q, { limit: 20 });
    console.log(q, (performance.now() - t1).toFixed(1), 'ms', r.hits.length, r.hasMore, r.hits.map((x) => x.tier[0]).join(''));
  }
} finally { await h.destroy(); }
