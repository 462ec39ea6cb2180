import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { openDatabase, type DatabaseHandle, type Engine } from '../../../src/db/database.ts';
import { migrate } from '../../../src/db/migrate.ts';
import { ingestRecords } from '../../../src/resolution/staging.ts';
import { createCampaign, startCampaign } from '../../../src/use/campaigns/campaigns.service.ts';
import { prepareCampaign } from '../../../src/use/campaigns/prepare.service.ts';
import { ENGINES, newPgliteFolder, withSearchPath } from '../../support/engines.ts';
import { exited, waitForOutput } from '../../support/process.ts';

const ROOT = path.join(import.meta.dirname, '../../..');
const CLI = ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts')];
const actor = { auth: null, ip: null, userAgent: 'test' };
const PEOPLE = 240;

/** A loopback SMTP server that counts what it received per message (the token in the Message-ID), a little slowly. */
async function startSmtp() {
  const received = new Map<string, number>();
  /** Runs when a message has arrived, before the server answers 250 (the kill goes here: the client never hears back). */
  const hooks: { beforeReply: (count: number) => Promise<void> } = { beforeReply: async () => {} };
  let count = 0;
  const server = new SMTPServer({
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      let raw = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => { raw += chunk; });
      stream.on('end', () => {
        const token = /^Message-ID:\s*<([0-9a-f]+)@/imu.exec(raw)?.[1] ?? 'none';
        received.set(token, (received.get(token) ?? 0) + 1);
        count += 1;
        void hooks.beforeReply(count).then(() => setTimeout(callback, 5));
      });
    },
  });
  // A client killed mid-transaction resets its connection: expected here.
  server.on('error', () => {});
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.server.address() as { port: number }).port)));
  return { received, port, hooks, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A database of the test's own that a server process can open too: a PGlite folder, or a PostgreSQL schema. */
async function newDatabase(engine: Engine): Promise<{ open: () => Promise<DatabaseHandle>; env: Record<string, string>; destroy: () => Promise<void> }> {
  if (engine === 'pglite') {
    const dataDir = await newPgliteFolder();
    return {
      open: async () => openDatabase({ databaseUrl: undefined, dataDir, pgliteFsync: false }),
      env: { DAICHO_DATA_DIR: dataDir, DATABASE_URL: '' },
      destroy: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const base = process.env.DATABASE_URL!;
  const schema = `t_kill_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const url = withSearchPath(base, schema);
  const h = await openDatabase({ databaseUrl: url, dataDir: '', pgliteFsync: false });
  await migrate(h);
  await h.close();
  return {
    open: async () => openDatabase({ databaseUrl: url, dataDir: '', pgliteFsync: false }),
    env: { DATABASE_URL: url },
    destroy: async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    },
  };
}

async function statuses(handle: DatabaseHandle, campaignId: string) {
  const rows = await sql<{ token: string; status: string }>`SELECT token, status FROM campaign_messages WHERE campaign_id = ${campaignId}::uuid`.execute(handle.db);
  return rows.rows;
}

const until = async (check: () => boolean, what: string, ms = 120_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

for (const engine of ENGINES) {
  describe(`campaign sending survives SIGKILL [${engine}]`, () => {
    test(`${PEOPLE} messages, killed mid-send and restarted: each sent once, those in flight left to a person`, { timeout: 300_000 }, async () => {
      const smtp = await startSmtp();
      const database = await newDatabase(engine);
      const children: ChildProcess[] = [];
      try {
        // The ledger: PEOPLE customers of a source whose e-mail basis is an existing business relationship.
        let handle = await database.open();
        await migrate(handle);
        await ingestRecords(handle.db, {
          source: { name: 'torihiki', label: '取引先', kind: 'file_import' },
          records: Array.from({ length: PEOPLE }, (_, i) => ({ externalId: `p${i}`, fields: { full_name: `試験 ${String(i).padStart(3, '0')}郎`, email: `p${i}@daicho-test.jp` } })),
          actor,
        });
        await sql`UPDATE sources SET email_basis = 'business_relationship' WHERE name = 'torihiki'`.execute(handle.db);
        await sql`UPDATE messaging_settings SET sender_name = '株式会社台帳', sender_address = '東京都千代田区丸の内1-1-1', sender_contact = '03-1234-5678',
          from_email = 'news@daicho-test.jp', send_rate = 60, cap_count = 5`.execute(handle.db);
        const campaign = await createCampaign(handle.db, { name: '取引先へのお知らせ', channel: 'email', segmentIds: [], subject: '{{宛名}} へのお知らせ', bodyText: '{{姓}} 様\nいつもありがとうございます。', blocks: [] }, actor, 'smtp');
        await startCampaign(handle.db, campaign.id, {}, actor, 'smtp');
        assert.equal(await prepareCampaign(handle.db, campaign.id, { worker: 'setup', staleAfterMs: 60_000 }), 'done');
        assert.equal((await statuses(handle, campaign.id)).filter((r) => r.status === 'queued').length, PEOPLE);
        await handle.close();

        const env = { ...process.env, ...database.env, DAICHO_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, PORT: '0', HOST: '127.0.0.1', DAICHO_SEND_STALE_SECONDS: '2', DAICHO_JOB_LEASE_SECONDS: '3' };
        const startServer = async () => {
          const child = spawn(process.execPath, [...CLI, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
          children.push(child);
          await waitForOutput(child, /running at/u);
          return child;
        };
        const total = () => [...smtp.received.values()].reduce((a, n) => a + n, 0);
        // The kill lands inside an SMTP transaction: the server has the 80th message, the sender has no reply yet.
        let killed!: Promise<unknown>;
        let first: ChildProcess | null = null;
        smtp.hooks.beforeReply = async (n) => {
          if (n !== PEOPLE / 3 || !first) return;
          process.kill(-first.pid!, 'SIGKILL');
          killed = exited(first);
          await killed;
        };
        first = await startServer();
        await until(() => total() >= PEOPLE / 3 && killed !== undefined, 'a third of the messages');
        await killed;
        smtp.hooks.beforeReply = async () => {};
        const receivedAtKill = new Map(smtp.received);

        handle = await database.open();
        const atKill = await statuses(handle, campaign.id);
        await handle.close();
        const sentAtKill = atKill.filter((r) => r.status === 'sent');
        const inFlight = atKill.filter((r) => r.status === 'sending');
        for (const r of sentAtKill) assert.equal(receivedAtKill.get(r.token), 1, 'a message marked sent was received once');
        // The window of messages sent side by side (4) was in its SMTP transactions; the server had the 80th.
        assert.ok(inFlight.length >= 1 && inFlight.length <= 4, `the messages in SMTP transactions at the kill: ${inFlight.length}`);
        assert.ok(inFlight.some((r) => receivedAtKill.get(r.token) === 1), 'one of them the SMTP server did receive');

        // Restarted, it sends the rest; the message in flight is not sent again by itself.
        const second = await startServer();
        const unknownTokens = new Set(inFlight.map((r) => r.token));
        const expected = atKill.filter((r) => !unknownTokens.has(r.token)).length;
        await until(() => [...smtp.received.keys()].filter((t) => !unknownTokens.has(t)).length >= expected, 'the remaining messages');
        await new Promise((r) => setTimeout(r, 1500));
        process.kill(-second.pid!, 'SIGTERM');
        await exited(second);

        handle = await database.open();
        const end = await statuses(handle, campaign.id);
        const campaignRow = await sql<{ status: string }>`SELECT status FROM campaigns WHERE id = ${campaign.id}::uuid`.execute(handle.db);
        await handle.close();
        for (const r of end) {
          if (unknownTokens.has(r.token)) {
            assert.equal(r.status, 'unknown', 'the message in flight at the kill is left for a person to decide');
            assert.ok((smtp.received.get(r.token) ?? 0) <= 1);
          } else {
            assert.equal(r.status, 'sent');
            assert.equal(smtp.received.get(r.token), 1, 'every other message received exactly once');
          }
        }
        assert.equal(smtp.received.get('none'), undefined);
        assert.equal(campaignRow.rows[0]!.status, 'done');
        console.log(`# [${engine}] ${PEOPLE} messages: ${sentAtKill.length} sent before SIGKILL, ${inFlight.length} in SMTP transactions (→ unknown; received by the server: ${inFlight.map((r) => receivedAtKill.get(r.token) ?? 0).join(',') || '-'}), ${expected - sentAtKill.length} sent after the restart; server received ${total()} messages, ${smtp.received.size} distinct, none twice`);
      } finally {
        for (const c of children) { try { process.kill(-c.pid!, 'SIGKILL'); } catch { /* gone */ } }
        await smtp.close();
        await database.destroy();
      }
    });
  });
}
