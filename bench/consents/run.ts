/**
 * Consent ledger benchmark: the audience query a campaign runs, every live customer LEFT JOINed to their current
 * email_marketing state (currentConsentStatesSql), at N customers (default 1M), against the baseline of the same
 * query without the join (a count of live customers). Each customer has one source record; 50% have a record-level
 * event (an import's or a form's; 20% of those a second, later one), 10% a customer-level one (an unsubscribe, a
 * staff entry), and 30% an event of another purpose.
 *
 *   npx tsx bench/consents/run.ts [--customers 1000000] [--engine pglite|postgres|both] [--repeat 5]
 *                                 [--keep-pglite DIR] [--keep-postgres SCHEMA]
 */
import { sql } from 'kysely';
import type { DatabaseHandle, Engine } from '../../src/db/database.ts';
import { currentConsentStatesSql } from '../../src/ledger/consents/consents.repository.ts';
import { argValue, engineArg, log, openBenchDb, secs, timed } from '../support/harness.ts';
import { h, sourceId, uid } from '../support/ledger.ts';

interface Args { customers: number; engines: Engine[]; repeat: number; keepPglite: string | null; keepPostgres: string | null }

function parseArgs(argv: string[]): Args {
  return {
    customers: Number(argValue(argv, 'customers') ?? 1_000_000),
    engines: engineArg(argv),
    repeat: Number(argValue(argv, 'repeat') ?? 5),
    keepPglite: argValue(argv, 'keep-pglite') ?? null,
    keepPostgres: argValue(argv, 'keep-postgres') ?? null,
  };
}

const CHUNK = 250_000;

async function load(handle: DatabaseHandle, customers: number): Promise<void> {
  const db = handle.db;
  const source = await sourceId(db, 'bench-meishi', '展示会名刺', 'file_import');
  for (let from = 0; from < customers; from += CHUNK) {
    const to = Math.min(customers, from + CHUNK) - 1;
    await sql`INSERT INTO customers (id, display_name, family_name, given_name, email, sort_key)
      SELECT ${uid('c', 'i')}, '顧客 ' || i, '顧客', i::text, 'c' || i || '@bench.daicho-test.jp', 'c' || lpad(i::text, 8, '0')
      FROM generate_series(${from}::int, ${to}::int) AS i`.execute(db);
    await sql`INSERT INTO source_records (source_id, external_id, customer_id, raw, content_hash)
      SELECT ${source}::uuid, 'M' || i, ${uid('c', 'i')}, '{}'::jsonb, md5('M' || i) FROM generate_series(${from}::int, ${to}::int) AS i`.execute(db);
    log(`  ${(to + 1).toLocaleString()} customers and records`);
  }
  // Record-level events (half the customers; a fifth of those a second, later one), customer-level (a tenth).
  await sql`INSERT INTO consents (customer_id, purpose, purpose_code, granted, state, method, source_id, source_record_id, recorded_at)
    SELECT sr.customer_id, 'email_marketing', 'email_marketing', s.state = 'granted', s.state, 'import', ${source}::uuid, sr.id,
           now() - (${sql.raw(h('sr.id', 2))} % 700) * interval '1 day'
    FROM source_records sr
    CROSS JOIN LATERAL (SELECT CASE WHEN ${sql.raw(h('sr.id', 3))} % 10 < 7 THEN 'granted' ELSE 'denied' END AS state) s
    WHERE ${sql.raw(h('sr.id', 1))} % 100 < 50`.execute(db);
  await sql`INSERT INTO consents (customer_id, purpose, purpose_code, granted, state, method, source_id, source_record_id, recorded_at)
    SELECT sr.customer_id, 'email_marketing', 'email_marketing', false, 'withdrawn', 'import', ${source}::uuid, sr.id, now()
    FROM source_records sr WHERE ${sql.raw(h('sr.id', 1))} % 100 < 10`.execute(db);
  await sql`INSERT INTO consents (customer_id, purpose, purpose_code, granted, state, method, recorded_at)
    SELECT c.id, 'email_marketing', 'email_marketing', false, 'withdrawn', 'unsubscribe', now() - interval '1 hour'
    FROM customers c WHERE ('x' || substr(md5(c.id::text), 1, 7))::bit(28)::int % 100 < 10`.execute(db);
  await sql`INSERT INTO consents (customer_id, purpose, purpose_code, granted, state, method, source_record_id, recorded_at)
    SELECT sr.customer_id, 'dm', 'dm', true, 'granted', 'import', sr.id, now()
    FROM source_records sr WHERE ${sql.raw(h('sr.id', 5))} % 100 < 30`.execute(db);
  await sql`ANALYZE customers`.execute(db);
  await sql`ANALYZE source_records`.execute(db);
  await sql`ANALYZE consents`.execute(db);
}

const audienceSql = () => sql<{ n: number; granted: number; out: number }>`SELECT count(*)::int AS n,
    count(*) FILTER (WHERE cs.state = 'granted')::int AS granted, count(*) FILTER (WHERE cs.state IN ('denied', 'withdrawn'))::int AS out
  FROM customers c LEFT JOIN (${currentConsentStatesSql('email_marketing')}) cs ON cs.customer_id = c.id
  WHERE c.deleted_at IS NULL`;
const baselineSql = () => sql<{ n: number }>`SELECT count(*)::int AS n FROM customers c WHERE c.deleted_at IS NULL`;

async function best(repeat: number, run: () => Promise<unknown>): Promise<number> {
  let min = Infinity;
  for (let i = 0; i < repeat; i++) min = Math.min(min, (await timed(run))[0]);
  return min;
}

async function runEngine(engine: Engine, args: Args) {
  const bench = await openBenchDb(engine, { keepPglite: args.keepPglite, keepPostgres: args.keepPostgres });
  try {
    const db = bench.handle.db;
    if (!bench.loaded) {
      const [ms] = await timed(() => load(bench.handle, args.customers));
      log(`${engine}: loaded ${args.customers.toLocaleString()} customers in ${secs(ms)}`);
    }
    const events = Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM consents`.execute(db)).rows[0]!.n);
    const counts = (await audienceSql().execute(db)).rows[0]!;
    log(`${engine}: ${events.toLocaleString()} events; audience ${counts.n.toLocaleString()}, granted ${counts.granted.toLocaleString()}, opted out ${counts.out.toLocaleString()}`);
    const plan = await sql<{ 'QUERY PLAN': string }>`EXPLAIN ANALYZE ${audienceSql()}`.execute(db);
    console.log(plan.rows.map((r) => r['QUERY PLAN']).join('\n'));
    const baseline = await best(args.repeat, () => baselineSql().execute(db));
    const audience = await best(args.repeat, () => audienceSql().execute(db));
    console.log(`| ${engine} | ${args.customers.toLocaleString()} | ${events.toLocaleString()} | ${audience.toFixed(0)} ms | ${baseline.toFixed(0)} ms | ${(audience / baseline).toFixed(1)}× |`);
  } finally {
    await bench.cleanup();
  }
}

const args = parseArgs(process.argv.slice(2));
for (const engine of args.engines) await runEngine(engine, args);
