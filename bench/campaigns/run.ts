/**
 * Campaigns benchmark (issue 23).
 *
 * 1. Audience resolution at N customers (default 1M): every live customer classified for an e-mail campaign (lawful
 *    basis from the consent ledger and the sources' exceptions, opt-outs, bounces, the frequency cap across campaigns,
 *    one message per address) and for a DM campaign (households): the count per reason (the editor's live figure) and
 *    the start (the same statement inserted as the campaign's messages). Target: ≤ 10 s on PostgreSQL at 1M.
 *    Baseline: a count of the live customers with an e-mail address (the least any audience query must read).
 * 2. Sending M messages (default 2,000) through the send loop to an SMTP server on loopback (smtp-server), against a
 *    bare nodemailer loop sending the same number of messages to the same server. Target: ≥ 200 messages/s on PostgreSQL.
 *
 * The ledger: each customer has an e-mail (2% share a family address with the next customer), an address (3% of
 * households have two people), a CRM record; 30% also a 名刺 record (business_card basis) stating their address;
 * 40% an e-mail consent event (85% granted, 15% withdrawn), 10% a DM opt-out; 1% of addresses hard-bounced; 5% were
 * sent two campaign e-mails this week (the cap).
 *
 *   npx tsx bench/campaigns/run.ts [--customers 1000000] [--messages 2000] [--engine pglite|postgres|both]
 *                                  [--keep-pglite DIR] [--keep-postgres SCHEMA] [--repeat 3]
 */
import { sql } from 'kysely';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import type { DatabaseHandle, Engine } from '../../src/db/database.ts';
import { createCampaign, previewAudience, startCampaign } from '../../src/use/campaigns/campaigns.service.ts';
import { prepareCampaign } from '../../src/use/campaigns/prepare.service.ts';
import { createMailer } from '../../src/use/campaigns/mailer.ts';
import { CampaignSender } from '../../src/use/campaigns/send.service.ts';
import { argValue, engineArg, log, openBenchDb, secs, timed } from '../support/harness.ts';
import { sourceId, uid } from '../support/ledger.ts';

interface Args { customers: number; messages: number; engines: Engine[]; repeat: number; keepPglite: string | null; keepPostgres: string | null }
const actor = { auth: null, ip: null, userAgent: 'bench' };

function parseArgs(argv: string[]): Args {
  return {
    customers: Number(argValue(argv, 'customers') ?? 1_000_000),
    messages: Number(argValue(argv, 'messages') ?? 2000),
    engines: engineArg(argv),
    repeat: Number(argValue(argv, 'repeat') ?? 3),
    keepPglite: argValue(argv, 'keep-pglite') ?? null,
    keepPostgres: argValue(argv, 'keep-postgres') ?? null,
  };
}

const CHUNK = 250_000;
/** An independent draw in [0, 100) per (salt, value): md5 of both, so no two draws correlate as affine hashes of one id do. */
const pct = (x: string, salt: number) => sql.raw(`(('x' || substr(md5('${salt}:' || (${x})::text), 1, 6))::bit(24)::int % 100)`);

async function load(handle: DatabaseHandle, customers: number): Promise<void> {
  const db = handle.db;
  const crm = await sourceId(db, 'bench-crm', '基幹CRM', 'file_import');
  const meishi = await sourceId(db, 'bench-meishi', '展示会名刺', 'file_import');
  await sql`UPDATE sources SET email_basis = 'business_card' WHERE id = ${meishi}::uuid`.execute(db);
  for (let from = 0; from < customers; from += CHUNK) {
    const to = Math.min(customers, from + CHUNK) - 1;
    // Customer i's e-mail is the previous customer's for 2% (a family address); households of two for 3%.
    await sql`INSERT INTO customers (id, display_name, family_name, given_name, email, postal_code, prefecture, address, sort_key, created_at)
      SELECT ${uid('c', 'i')}, '顧客 ' || i, '顧客', i::text, 'c' || fam || '@bench.daicho-test.jp',
             lpad((1000000 + ${pct('hh', 3)} * 89989 + hh % 9973)::text, 7, '0'), '東京都', '千代田区丸の内' || hh || '-1',
             'c' || lpad(i::text, 8, '0'), now() - (${pct('i', 4)} * 10) * interval '1 day'
      FROM (SELECT i, CASE WHEN ${pct('i', 1)} < 2 AND i > 0 THEN i - 1 ELSE i END AS fam,
                   CASE WHEN ${pct('i', 2)} < 3 AND i > 0 THEN i - 1 ELSE i END AS hh
            FROM generate_series(${from}::int, ${to}::int) AS i) g`.execute(db);
    await sql`INSERT INTO source_records (source_id, external_id, customer_id, raw, normalized, content_hash)
      SELECT ${crm}::uuid, 'C' || i, ${uid('c', 'i')}, '{}'::jsonb, '{}'::jsonb, md5('C' || i) FROM generate_series(${from}::int, ${to}::int) AS i`.execute(db);
    await sql`INSERT INTO source_records (source_id, external_id, customer_id, raw, normalized, content_hash)
      SELECT ${meishi}::uuid, 'M' || i, ${uid('c', 'i')}, '{}'::jsonb,
             jsonb_build_object('email', 'c' || CASE WHEN ${pct('i', 1)} < 2 AND i > 0 THEN i - 1 ELSE i END || '@bench.daicho-test.jp'), md5('M' || i)
      FROM generate_series(${from}::int, ${to}::int) AS i WHERE ${pct('i', 5)} < 30`.execute(db);
    log(`  ${(to + 1).toLocaleString()} customers and records`);
  }
  await sql`INSERT INTO consents (customer_id, purpose, purpose_code, granted, state, method, source_id, source_record_id, recorded_at)
    SELECT sr.customer_id, 'email_marketing', 'email_marketing', s.state = 'granted', s.state, 'import', ${crm}::uuid, sr.id,
           now() - (${pct('sr.id', 6)} * 7) * interval '1 day'
    FROM source_records sr CROSS JOIN LATERAL (SELECT CASE WHEN ${pct('sr.id', 7)} < 85 THEN 'granted' ELSE 'withdrawn' END AS state) s
    WHERE sr.source_id = ${crm}::uuid AND ${pct('sr.id', 8)} < 40`.execute(db);
  await sql`INSERT INTO consents (customer_id, purpose, purpose_code, granted, state, method, recorded_at)
    SELECT c.id, 'dm', 'dm', false, 'withdrawn', 'staff', now() - interval '30 days'
    FROM customers c WHERE ${pct('c.id', 9)} < 10`.execute(db);
  await sql`INSERT INTO contact_suppressions (channel, address_key, reason)
    SELECT 'email', lower(c.email), 'hard_bounce' FROM customers c WHERE ${pct('c.id', 10)} < 1`.execute(db);
  // Two e-mails this week from two earlier campaigns to 5% (the cap of 2 a week).
  for (const n of [1, 2]) {
    const c = await createCampaign(db, { name: `過去の配信 ${n}`, channel: 'email', segmentIds: [], subject: 's', bodyText: 'b', blocks: [] }, actor, 'outbox');
    await sql`UPDATE campaigns SET status = 'done' WHERE id = ${c.id}::uuid`.execute(db);
    await sql`INSERT INTO campaign_messages (campaign_id, customer_id, channel, address, status, token, sent_at)
      SELECT ${c.id}::uuid, c.id, 'email', c.email, 'sent', md5(${String(n)} || c.id::text), now() - interval '2 days'
      FROM customers c WHERE ${pct('c.id', 11)} < 5`.execute(db);
  }
  await sql`ANALYZE`.execute(db);
}

async function audienceBench(handle: DatabaseHandle, engine: Engine, args: Args): Promise<void> {
  const db = handle.db;
  // A start refuses content a message could not carry (the law's sender footer).
  await sql`UPDATE messaging_settings SET sender_name = '株式会社台帳', sender_address = '東京都千代田区丸の内1-1-1', sender_contact = '03-1234-5678',
    from_email = 'news@daicho-test.jp'`.execute(db);
  const [baseMs] = await timed(() => sql`SELECT count(*) FROM customers c WHERE c.deleted_at IS NULL AND c.email IS NOT NULL`.execute(db));
  for (const channel of ['email', 'dm'] as const) {
    const times: number[] = [];
    let summary!: Awaited<ReturnType<typeof previewAudience>>;
    for (let r = 0; r < args.repeat; r += 1) {
      const [ms, s] = await timed(() => previewAudience(db, { channel, segmentIds: [] }));
      times.push(ms);
      summary = s;
    }
    const best = Math.min(...times);
    log(`[${engine}] ${channel} audience of ${summary.considered.toLocaleString()}: ${summary.send.toLocaleString()} to send; ${summary.suppressed.map((x) => `${x.reason} ${x.count.toLocaleString()}`).join(', ')}`);
    log(`[${engine}] ${channel} audience counts: best ${secs(best)} of ${args.repeat} (${times.map((t) => secs(t)).join(', ')}); baseline count ${secs(baseMs)} → ${(best / Math.max(1, baseMs)).toFixed(1)}×`);
    // The start: the request only moves the campaign to preparing; its campaign.prepare job then resolves the
    // audience into campaign_audience and moves the people to send into messages in chunks (each its own transaction).
    const campaign = await createCampaign(db, { name: `準備ベンチ ${channel}`, channel, segmentIds: [], subject: 's', bodyText: 'b', blocks: [] }, actor, 'smtp');
    const [startMs] = await timed(() => startCampaign(db, campaign.id, {}, actor, 'smtp'));
    let resolvedAt = 0;
    let chunks = 0;
    const began = performance.now();
    const [prepareMs, outcome] = await timed(() => prepareCampaign(db, campaign.id, {
      worker: 'bench', staleAfterMs: 600_000, onResolved: () => { resolvedAt = performance.now(); }, beforeChunkCommit: async () => { chunks += 1; },
    }));
    const stored = await sql<{ n: number | string }>`SELECT count(*) AS n FROM campaign_messages WHERE campaign_id = ${campaign.id}::uuid`.execute(db);
    const left = await sql<{ n: number | string }>`SELECT count(*) AS n FROM campaign_audience WHERE campaign_id = ${campaign.id}::uuid`.execute(db);
    log(`[${engine}] ${channel} start request: ${secs(startMs)}; preparation in the background (${outcome}): ${secs(prepareMs)} = audience resolved and staged ${secs(resolvedAt - began)} + ${chunks} chunks ${secs(prepareMs - (resolvedAt - began))} storing ${Number(stored.rows[0]!.n).toLocaleString()} messages (${Number(left.rows[0]!.n).toLocaleString()} suppressed stay audience rows)`);
    // Not part of the ledger the next measures see.
    await sql`DELETE FROM campaign_messages WHERE campaign_id = ${campaign.id}::uuid`.execute(db);
    await sql`DELETE FROM campaign_audience WHERE campaign_id = ${campaign.id}::uuid`.execute(db);
    await sql`DELETE FROM campaigns WHERE id = ${campaign.id}::uuid`.execute(db);
  }
}

async function sendingBench(handle: DatabaseHandle, engine: Engine, args: Args): Promise<void> {
  const db = handle.db;
  let received = 0;
  const server = new SMTPServer({
    disabledCommands: ['AUTH', 'STARTTLS'], logger: false,
    onData(stream, _s, cb) { stream.on('data', () => {}); stream.on('end', () => { received += 1; cb(); }); },
  });
  server.on('error', () => {});
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.server.address() as { port: number }).port)));
  const url = `smtp://127.0.0.1:${port}`;
  try {
    // Baseline: nodemailer alone, one message after the other, the same transport options as the mailer's.
    const transport = nodemailer.createTransport({ url, pool: true, maxConnections: 4 });
    const [bareMs] = await timed(async () => {
      for (let i = 0; i < args.messages; i += 1) {
        await transport.sendMail({ from: 'news@daicho-test.jp', to: `c${i}@bench.daicho-test.jp`, subject: 'お知らせ', text: '本文'.repeat(100) });
      }
    });
    // And with as many in flight as the send loop keeps (4, over 4 pooled connections).
    const [bare4Ms] = await timed(async () => {
      for (let i = 0; i < args.messages; i += 4) {
        await Promise.all([0, 1, 2, 3].filter((k) => i + k < args.messages).map((k) =>
          transport.sendMail({ from: 'news@daicho-test.jp', to: `c${i + k}@bench.daicho-test.jp`, subject: 'お知らせ', text: '本文'.repeat(100) })));
      }
    });
    transport.close();
    // Daicho: a campaign to the first M people with a basis, through the send loop (claims, marks, activities).
    await sql`UPDATE messaging_settings SET sender_name = '株式会社台帳', sender_address = '東京都千代田区丸の内1-1-1', sender_contact = '03-1234-5678',
      from_email = 'news@daicho-test.jp', send_rate = 1000`.execute(db);
    const segment = await sql<{ id: string }>`INSERT INTO segments (name, definition, mode) VALUES ('bench-send', ${JSON.stringify({ type: 'source', source: 'bench-meishi', op: 'has_record' })}::jsonb, 'dynamic') RETURNING id`.execute(db);
    const campaign = await createCampaign(db, { name: '送信ベンチ', channel: 'email', segmentIds: [segment.rows[0]!.id], subject: '{{宛名}}へのお知らせ', bodyText: `{{姓}} 様\n${'本文'.repeat(100)}\nhttps://www.daicho-test.jp/campaign`, blocks: [] }, actor, 'smtp');
    await startCampaign(db, campaign.id, {}, actor, 'smtp');
    await prepareCampaign(db, campaign.id, { worker: 'bench', staleAfterMs: 600_000 });
    // Keep the first M queued messages; the rest are set aside as skipped (not part of the measure).
    await sql`UPDATE campaign_messages SET status = 'skipped', reason = 'bench' WHERE campaign_id = ${campaign.id}::uuid AND status = 'queued'
      AND id > (SELECT id FROM campaign_messages WHERE campaign_id = ${campaign.id}::uuid AND status = 'queued' ORDER BY id OFFSET ${args.messages - 1} LIMIT 1)`.execute(db);
    received = 0;
    const mailer = createMailer(db, { smtpUrl: url });
    const sender = new CampaignSender(db, mailer, { publicUrl: 'https://daicho.daicho-test.jp', rate: 100_000, batchSize: 100 });
    const [ms, tally] = await timed(() => sender.runCampaign(campaign.id));
    mailer.close();
    const rate = (tally.sent / ms) * 1000;
    const bareRate = (args.messages / bareMs) * 1000;
    log(`[${engine}] sending: ${tally.sent.toLocaleString()} messages (${tally.skipped} skipped, ${tally.failed} failed; server received ${received}) in ${secs(ms)} = ${rate.toFixed(0)} messages/s`);
    const bare4Rate = (args.messages / bare4Ms) * 1000;
    log(`[${engine}] bare nodemailer loop, one at a time: ${args.messages.toLocaleString()} in ${secs(bareMs)} = ${bareRate.toFixed(0)} messages/s → Daicho ${(rate / bareRate).toFixed(2)}× its rate`);
    log(`[${engine}] bare nodemailer loop, 4 in flight: ${args.messages.toLocaleString()} in ${secs(bare4Ms)} = ${bare4Rate.toFixed(0)} messages/s → Daicho ${(rate / bare4Rate).toFixed(2)}× its rate`);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  for (const engine of args.engines) {
    const bench = await openBenchDb(engine, { keepPglite: args.keepPglite, keepPostgres: args.keepPostgres });
    try {
      if (!bench.loaded) {
        log(`[${engine}] loading ${args.customers.toLocaleString()} customers`);
        const [ms] = await timed(() => load(bench.handle, args.customers));
        log(`[${engine}] loaded in ${secs(ms)}`);
      }
      await audienceBench(bench.handle, engine, args);
      await sendingBench(bench.handle, engine, args);
    } finally {
      await bench.cleanup();
    }
  }
}

await main();
