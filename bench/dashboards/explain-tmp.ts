import pg from 'pg';
import { Kysely, PostgresDialect, CompiledQuery } from 'kysely';
import type { Database } from '../../src/db/schema.ts';
import type { Db } from '../../src/db/database.ts';
import { withSearchPath } from '../../test/support/engines.ts';
import { panel } from '../../src/use/dashboards/dashboards.service.ts';
import type { PanelId, PanelQuery } from '../../src/use/dashboards/dashboards.schemas.ts';

const schema = process.argv[2]!;
const which = process.argv[3]!;
const query = JSON.parse(process.argv[4] ?? '{}') as PanelQuery;
const pool = new pg.Pool({ connectionString: withSearchPath('postgres://postgres@127.0.0.1:5432/test', schema), max: 2 });
const captured: Array<{ sql: string; parameters: readonly unknown[] }> = [];
const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: (e) => { if (e.level === 'query') captured.push({ sql: e.query.sql, parameters: e.query.parameters }); } }) as unknown as Db;
if (query.segment === 'SEG') query.segment = (await pool.query(`SELECT id FROM segments WHERE name = 'bench 1都3県'`)).rows[0].id;
const t = performance.now();
await panel(db, which as PanelId, query);
console.log(`panel ${which} ${JSON.stringify(query)}: ${(performance.now() - t).toFixed(0)} ms`);
const plain = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
for (const q of captured) {
  if (!/customer_facts|customer_stage|source_records|customer_order_days|customer_category/u.test(q.sql)) continue;
  const plan = await plain.executeQuery(CompiledQuery.raw(`EXPLAIN (ANALYZE, BUFFERS) ${q.sql}`, [...q.parameters]));
  console.log(`\n${(plan.rows as Array<Record<string, string>>).map((r) => Object.values(r)[0]).join('\n')}`);
}
await pool.end();
