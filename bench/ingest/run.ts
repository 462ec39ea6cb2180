/**
 * Tracker ingestion benchmark: the real server on loopback, N concurrent keep-alive clients posting batches of
 * tracker events (page views, page-leave dwell updates, custom events) to POST /api/v1/collect for a fixed time.
 * Prints events/s and request latency p50/p95/p99, against the baseline of the same clients calling GET /api/health
 * (the server's floor: HTTP + middleware, no database).
 *
 *   npx tsx bench/ingest/run.ts [--engine pglite|postgres|both] [--seconds 20] [--clients 32] [--batch 25]
 *                               [--visitors 10000] [--identified 0.01]
 *
 * Target (issue 4): ≥ 20,000 events/s on PostgreSQL with p99 ≤ 100 ms. The load generator runs on the same
 * machine as the server and the database (a worker thread, not the server's event loop): figures are a lower bound.
 */
import { Worker } from 'node:worker_threads';
import { sql } from 'kysely';
import type { DatabaseHandle, Engine } from '../../src/db/database.ts';
import { createSite } from '../../src/intake/tracker/tracker.service.ts';
import { identifyVisitor } from '../../src/intake/tracker/identify.service.ts';
import { argValue, engineArg, log, openBenchDb, percentile, startServer } from '../support/harness.ts';

interface Args { engines: Engine[]; seconds: number; clients: number; batch: number; visitors: number; identified: number }

function parseArgs(argv: string[]): Args {
  return {
    engines: engineArg(argv),
    seconds: Number(argValue(argv, 'seconds') ?? 20),
    clients: Number(argValue(argv, 'clients') ?? 32),
    batch: Number(argValue(argv, 'batch') ?? 25),
    visitors: Number(argValue(argv, 'visitors') ?? 10_000),
    identified: Number(argValue(argv, 'identified') ?? 0.01),
  };
}

const ORIGIN = 'https://www.bench-shoji.co.jp';
const UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';

interface Phase { requests: number; events: number; errors: number; latencies: number[]; seconds: number; statuses: Map<number, number> }

/**
 * Runs the clients in a worker thread (bench/ingest/load-worker.mjs), so the load generator does not share the
 * server's event loop; it still shares the machine's cores with the server and the database.
 */
function drive(baseUrl: string, clients: number, seconds: number, kind: 'health' | 'collect', args: Args, writeKey = ''): Promise<Phase> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./load-worker.mjs', import.meta.url), {
      workerData: { baseUrl, clients, seconds, kind, writeKey, batch: args.batch, visitors: args.visitors, origin: ORIGIN, userAgent: UA },
    });
    worker.once('message', (m: { requests: number; events: number; errors: number; latencies: Float64Array; statuses: Array<[number, number]> }) => {
      resolve({ requests: m.requests, events: m.events, errors: m.errors, latencies: [...m.latencies].sort((a, b) => a - b), seconds, statuses: new Map(m.statuses) });
    });
    worker.once('error', reject);
  });
}

function report(name: string, p: Phase): string {
  const codes = [...p.statuses.entries()].map(([s, n]) => `${s}×${n}`).join(' ');
  return `${name.padEnd(10)} ${(p.requests / p.seconds).toFixed(0).padStart(7)} req/s ${(p.events / p.seconds).toFixed(0).padStart(8)} events/s  ` +
    `p50 ${percentile(p.latencies, 50).toFixed(1)} ms  p95 ${percentile(p.latencies, 95).toFixed(1)} ms  p99 ${percentile(p.latencies, 99).toFixed(1)} ms  ` +
    `max ${(p.latencies.at(-1) ?? NaN).toFixed(1)} ms  errors ${p.errors}  [${codes}]`;
}

async function runEngine(engine: Engine, args: Args): Promise<string[]> {
  log(`${engine}: opening`);
  const bench = await openBenchDb(engine, { loadedTable: 'page_views' });
  const handle: DatabaseHandle = bench.handle;
  const out: string[] = [];
  const server = await startServer(handle);
  try {
    const actor = { auth: null, ip: '127.0.0.1', userAgent: 'bench' };
    const site = await createSite(handle.db, { name: 'ベンチ商事', allowedOrigins: [ORIGIN], ratePerMinute: 100_000_000, ipRatePerMinute: 100_000_000 }, actor);
    const known = Math.round(args.visitors * args.identified);
    log(`${engine}: identifying ${known} of ${args.visitors} visitors (their page views go to customer timelines)`);
    for (let v = 0; v < known; v++) {
      const visitor = Math.floor((v * args.visitors) / Math.max(1, known));
      await identifyVisitor(handle.db, { siteId: site.id, visitorId: `visitor-${visitor.toString().padStart(6, '0')}`, fields: { email: `user${visitor}@bench-kaisha.co.jp`, full_name: `利用者 ${visitor}` }, actor });
    }
    log(`${engine}: baseline GET /api/health, ${args.clients} clients, ${Math.min(5, args.seconds)} s`);
    const baseline = await drive(server.baseUrl, args.clients, Math.min(5, args.seconds), 'health', args);
    log(`${engine}: warm-up 2 s`);
    await drive(server.baseUrl, args.clients, 2, 'collect', args, site.writeKey);
    log(`${engine}: collect, ${args.clients} clients × ${args.batch} events per request, ${args.seconds} s`);
    const load = await drive(server.baseUrl, args.clients, args.seconds, 'collect', args, site.writeKey);
    const counts = (await sql<{ views: number; acts: number; visitors: number }>`
      SELECT (SELECT count(*) FROM page_views)::int AS views, (SELECT count(*) FROM activities WHERE type = 'page_view')::int AS acts,
             (SELECT count(*) FROM web_visitors)::int AS visitors`.execute(handle.db)).rows[0]!;
    out.push(`── ${engine} (${args.clients} clients, ${args.batch} events/request, ${args.seconds} s; stored: ${counts.views} page views, ${counts.acts} page_view activities, ${counts.visitors} visitors)`);
    out.push(report('health', baseline));
    out.push(report('collect', load));
    out.push(`ratio      collect p99 / health p99 = ${(percentile(load.latencies, 99) / percentile(baseline.latencies, 99)).toFixed(1)}×; collect req/s / health req/s = ${((load.requests / load.seconds) / (baseline.requests / baseline.seconds)).toFixed(2)}`);
    const events = load.events / load.seconds;
    const p99 = percentile(load.latencies, 99);
    if (engine === 'postgres') out.push(`target     ≥ 20000 events/s with p99 ≤ 100 ms: ${events >= 20_000 && p99 <= 100 ? 'MET' : 'NOT MET'} (${events.toFixed(0)} events/s, p99 ${p99.toFixed(1)} ms)`);
  } finally {
    await server.close();
    await bench.cleanup();
  }
  return out;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const lines: string[] = [];
  for (const engine of args.engines) lines.push(...(await runEngine(engine, args)));
  console.log('');
  for (const line of lines) console.log(line);
}

await main();
