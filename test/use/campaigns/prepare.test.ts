import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { ingestRecords } from '../../../src/resolution/staging.ts';
import { createMailer, type Mailer } from '../../../src/use/campaigns/mailer.ts';
import { prepareCampaign } from '../../../src/use/campaigns/prepare.service.ts';
import { campaignPass, CampaignSender } from '../../../src/use/campaigns/send.service.ts';
import { jobHandlers } from '../../../src/app/jobs.ts';
import { JobWorker } from '../../../src/platform/jobs/worker.ts';
import { drainJobs } from '../../support/jobs.ts';
import { ENGINES } from '../../support/engines.ts';
import { startTestApp, type Client, type TestApp } from '../../support/app.ts';

const actor = { auth: null, ip: null, userAgent: 'test' };
const PEOPLE = 23;

/**
 * A started campaign's audience is stored in the background (prepare.service.ts): start returns at once, the
 * preparation is claimed by one process, stored in chunks with its progress, survives a death mid-way without storing
 * anyone twice; and the frequency cap holds across two campaigns sending to the same people at once.
 */
for (const engine of ENGINES) {
  describe(`campaign preparation and the cap across campaigns [${engine}]`, () => {
    let t: TestApp;
    let admin: Client;
    const db = () => t.database.db;
    const create = async (name: string) => {
      const res = await admin.json('POST', '/api/v1/campaigns', { name, channel: 'email', subject: '{{宛名}}へ', bodyText: '{{姓}} 様\nお知らせです。' });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.id as string;
    };
    const messageRows = async (id: string) => (await sql<{ customer_id: string; status: string; token: string | null }>`
      SELECT customer_id, status, token FROM campaign_messages WHERE campaign_id = ${id}::uuid`.execute(db())).rows;

    before(async () => {
      t = await startTestApp(engine);
      admin = await t.as('admin');
      await ingestRecords(db(), {
        source: { name: 'torihiki', label: '取引先', kind: 'file_import' },
        records: Array.from({ length: PEOPLE }, (_, i) => ({ externalId: `p${i}`, fields: { full_name: `試験 ${String(i).padStart(2, '0')}郎`, email: `p${i}@daicho-test.jp` } })),
        actor,
      });
      // One more person without an e-mail: considered, suppressed (no_address).
      await ingestRecords(db(), { source: { name: 'torihiki', label: '取引先', kind: 'file_import' }, records: [{ externalId: 'nomail', fields: { full_name: '無 メール' } }], actor });
      await sql`UPDATE sources SET email_basis = 'business_relationship' WHERE name = 'torihiki'`.execute(db());
      const settings = await admin.json('PUT', '/api/v1/messaging/settings', {
        senderName: '株式会社台帳', senderAddress: '東京都千代田区丸の内1-1-1', senderContact: '03-1234-5678', fromEmail: 'news@daicho-test.jp', capCount: 1, capDays: 7,
      });
      assert.equal(settings.status, 200, JSON.stringify(settings.body));
    });
    after(async () => { await t?.close(); });

    test('start returns at once (preparing); one process prepares it in chunks with progress; a death mid-way stores nobody twice', async () => {
      const id = await create('秋のお知らせ');
      const started = await admin.json('POST', `/api/v1/campaigns/${id}/start`, {});
      assert.equal(started.status, 200, JSON.stringify(started.body));
      assert.equal(started.body.status, 'preparing');
      assert.deepEqual(started.body.preparation, { total: null, prepared: 0 });
      assert.equal((await messageRows(id)).length, 0, 'nothing stored inside the request');
      // While preparing: the live audience, no pause, cancel allowed (tested below on another campaign).
      assert.equal((await admin.json('POST', `/api/v1/campaigns/${id}/pause`, {})).status, 409);
      const live = await admin.json('GET', `/api/v1/campaigns/${id}/audience`);
      assert.equal(live.body.considered, PEOPLE + 1);

      // The first process dies inside its second chunk's transaction.
      const crash = new Error('killed');
      let chunks = 0;
      await assert.rejects(prepareCampaign(db(), id, {
        worker: 'first', staleAfterMs: 60_000, chunkSize: 5,
        beforeChunkCommit: async () => { chunks += 1; if (chunks === 2) throw crash; },
      }), crash);
      const midway = await admin.json('GET', `/api/v1/campaigns/${id}`);
      assert.equal(midway.body.status, 'preparing');
      assert.deepEqual(midway.body.preparation, { total: PEOPLE + 1, prepared: 5 }, 'the resolved audience and the first chunk committed');
      // The first chunk's five: messages, but for the person without an e-mail if it was among them (an audience row).
      const through = (await db().selectFrom('campaigns').select('prepared_through').where('id', '=', id).executeTakeFirstOrThrow()).prepared_through;
      const leftOut = await sql<{ n: number | string }>`SELECT count(*) AS n FROM campaign_audience WHERE campaign_id = ${id}::uuid AND reason IS NOT NULL AND id <= ${through}`.execute(db());
      assert.equal((await messageRows(id)).length + Number(leftOut.rows[0]!.n), 5);

      // Its claim is fresh: nobody else takes it over yet; once stale another process goes on from where it stopped.
      assert.equal(await prepareCampaign(db(), id, { worker: 'second', staleAfterMs: 60_000, chunkSize: 5 }), 'busy');
      const progress: number[] = [];
      assert.equal(await prepareCampaign(db(), id, {
        worker: 'second', staleAfterMs: 0, chunkSize: 5,
        beforeChunkCommit: async (trx) => {
          const row = await trx.selectFrom('campaigns').select('audience_prepared').where('id', '=', id).executeTakeFirstOrThrow();
          progress.push(row.audience_prepared);
        },
      }), 'done');
      assert.deepEqual(progress, [10, 15, 20, 24], 'progress per chunk');
      const done = await admin.json('GET', `/api/v1/campaigns/${id}`);
      assert.equal(done.body.status, 'sending');
      assert.deepEqual(done.body.preparation, { total: PEOPLE + 1, prepared: PEOPLE + 1 });
      const rows = await messageRows(id);
      assert.equal(rows.length, PEOPLE);
      assert.equal(new Set(rows.map((r) => r.customer_id)).size, PEOPLE, 'each person once');
      assert.equal(rows.filter((r) => r.status === 'queued' && r.token).length, PEOPLE);
      // The suppressed person has no message: the campaign's audience row says why, and the report counts it.
      const audienceRows = (await sql<{ customer_id: string; reason: string | null }>`SELECT customer_id, reason FROM campaign_audience WHERE campaign_id = ${id}::uuid`.execute(db())).rows;
      assert.deepEqual(audienceRows.map((r) => r.reason), ['no_address']);
      assert.ok(!rows.some((r) => r.customer_id === audienceRows[0]!.customer_id));
      assert.deepEqual(done.body.counts.suppressed, 1);
      assert.deepEqual(done.body.counts.considered, PEOPLE + 1);
      const report = await admin.json('GET', `/api/v1/campaigns/${id}/report`);
      assert.deepEqual(report.body.suppressed, [{ reason: 'no_address', count: 1 }]);
      const listed = await admin.json('GET', `/api/v1/campaigns/${id}/messages?status=suppressed`);
      assert.equal(listed.status, 200, JSON.stringify(listed.body));
      assert.deepEqual(listed.body.items.map((m: { customerId: string; status: string; reason: string }) => [m.customerId, m.status, m.reason]), [[audienceRows[0]!.customer_id, 'suppressed', 'no_address']]);
      // Unfiltered, in id order over two pages: everybody considered, the suppressed person among the messages.
      const first = await admin.json('GET', `/api/v1/campaigns/${id}/messages?limit=20`);
      const second = await admin.json('GET', `/api/v1/campaigns/${id}/messages?limit=20&cursor=${encodeURIComponent(first.body.nextCursor as string)}`);
      const all = [...first.body.items, ...second.body.items] as Array<{ id: number; customerId: string; status: string }>;
      assert.equal(all.length, PEOPLE + 1);
      assert.equal(new Set(all.map((m) => m.customerId)).size, PEOPLE + 1);
      assert.deepEqual(all.map((m) => m.id), [...all.map((m) => m.id)].sort((x, y) => x - y));
      assert.equal(all.filter((m) => m.status === 'suppressed').length, 1);
      // Done is done: a late second claim changes nothing.
      assert.equal(await prepareCampaign(db(), id, { worker: 'third', staleAfterMs: 0 }), 'busy');
      await admin.json('POST', `/api/v1/campaigns/${id}/cancel`, {});
    });

    test('two processes at once: one prepares, the other finds it busy; cancelling while preparing drops the staged audience', async () => {
      const id = await create('同時準備');
      await admin.json('POST', `/api/v1/campaigns/${id}/start`, {});
      const outcomes = await Promise.all([
        prepareCampaign(db(), id, { worker: 'a', staleAfterMs: 60_000, chunkSize: 4 }),
        prepareCampaign(db(), id, { worker: 'b', staleAfterMs: 60_000, chunkSize: 4 }),
      ]);
      assert.deepEqual([...outcomes].sort(), ['busy', 'done']);
      assert.equal((await messageRows(id)).length, PEOPLE);
      await admin.json('POST', `/api/v1/campaigns/${id}/cancel`, {});

      const other = await create('準備中に中止');
      await admin.json('POST', `/api/v1/campaigns/${other}/start`, {});
      await assert.rejects(prepareCampaign(db(), other, { worker: 'a', staleAfterMs: 60_000, chunkSize: 4, beforeChunkCommit: async () => { throw new Error('killed'); } }));
      const cancelled = await admin.json('POST', `/api/v1/campaigns/${other}/cancel`, {});
      assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
      assert.equal(cancelled.body.status, 'cancelled');
      const staged = await sql<{ n: number | string }>`SELECT count(*) AS n FROM campaign_audience WHERE campaign_id = ${other}::uuid AND reason IS NULL`.execute(db());
      assert.equal(Number(staged.rows[0]!.n), 0, 'the people to send who were never stored are dropped; the suppressed stay its record');
      assert.equal(await prepareCampaign(db(), other, { worker: 'a', staleAfterMs: 0 }), 'busy', 'a cancelled campaign is not prepared');
    });

    test('cap 1, two campaigns to the same people sending at once (two senders, interleaved): nobody gets two', async () => {
      // The earlier tests' campaigns were cancelled before sending: nobody has been sent anything yet.
      const [a, b] = [await create('営業部の配信'), await create('販促部の配信')];
      for (const id of [a, b]) {
        await admin.json('POST', `/api/v1/campaigns/${id}/start`, {});
        assert.equal(await prepareCampaign(db(), id, { worker: 'prep', staleAfterMs: 60_000 }), 'done');
      }
      // Both audiences were resolved before either sent: everybody is queued twice.
      for (const id of [a, b]) assert.equal((await messageRows(id)).filter((r) => r.status === 'queued').length, PEOPLE);
      // An SMTP server stand-in that records each recipient and yields, so the two senders' steps interleave.
      const received = new Map<string, number>();
      const mailer: Mailer = {
        kind: 'smtp',
        async send(msg) {
          await new Promise((r) => setTimeout(r, 1));
          const to = String(msg.to);
          received.set(to, (received.get(to) ?? 0) + 1);
          return { messageId: `<${to}>`, response: '250 OK' };
        },
        close() {},
      };
      const senders = ['s1', 's2'].map((worker) => new CampaignSender(db(), mailer, { publicUrl: 'http://127.0.0.1:3000', rate: 10_000, batchSize: 3, concurrency: 1, worker }));
      await Promise.all([senders[0]!.runCampaign(a), senders[1]!.runCampaign(b)]);
      assert.equal(received.size, PEOPLE, 'everybody got one');
      assert.deepEqual([...received].filter(([, n]) => n > 1), [], 'nobody got two');
      const got = await sql<{ customer_id: string; n: number | string }>`
        SELECT customer_id, count(*) AS n FROM campaign_messages WHERE campaign_id IN (${a}::uuid, ${b}::uuid) AND status IN ('sent', 'sending', 'unknown')
        GROUP BY customer_id`.execute(db());
      assert.equal(got.rows.length, PEOPLE);
      assert.deepEqual(got.rows.filter((r) => Number(r.n) > 1), []);
      const skipped = await sql<{ reason: string; n: number | string }>`
        SELECT reason, count(*) AS n FROM campaign_messages WHERE campaign_id IN (${a}::uuid, ${b}::uuid) AND status = 'skipped' GROUP BY reason`.execute(db());
      assert.deepEqual(skipped.rows.map((r) => [r.reason, Number(r.n)]), [['frequency_cap', PEOPLE]]);
      // Both campaigns sent some: the sending really was interleaved.
      for (const id of [a, b]) assert.ok((await messageRows(id)).some((r) => r.status === 'sent'), `campaign ${id} sent to someone`);

      // The detail page's 「不達にする」: a message of the list marked bounced by its id (its address may be masked there).
      const sent = (await sql<{ id: number; address: string }>`SELECT id, address FROM campaign_messages WHERE campaign_id = ${a}::uuid AND status = 'sent' ORDER BY id LIMIT 1`.execute(db())).rows[0]!;
      const viewer = await t.as('viewer');
      assert.equal((await viewer.json('POST', '/api/v1/campaigns/bounces', { messageId: sent.id, kind: 'hard' })).status, 403);
      const bounced = await admin.json('POST', '/api/v1/campaigns/bounces', { messageId: sent.id, kind: 'hard' });
      assert.equal(bounced.status, 200, JSON.stringify(bounced.body));
      assert.deepEqual(bounced.body, { messages: 1, suppressed: true });
      const suppression = await sql<{ reason: string }>`SELECT reason FROM contact_suppressions WHERE channel = 'email' AND address_key = ${sent.address}`.execute(db());
      assert.deepEqual(suppression.rows.map((r) => r.reason), ['hard_bounce']);
      assert.equal((await admin.json('POST', '/api/v1/campaigns/bounces', { messageId: 999_999_999, kind: 'hard' })).status, 404);
      assert.equal((await admin.json('POST', '/api/v1/campaigns/bounces', { messageId: sent.id, token: 'abcdefghij', kind: 'hard' })).status, 400, 'one way to name the message');
    });

    test('start queues a campaign.prepare job; a worker stores the audience, which queues campaign.send, which sends it', async () => {
      await sql`UPDATE messaging_settings SET cap_count = 100`.execute(db());
      const id = await create('ジョブで準備');
      await admin.json('POST', `/api/v1/campaigns/${id}/start`, {});
      // On the ジョブ page's list: queued, its payload the campaign's id.
      const queued = await admin.json('GET', '/api/v1/jobs?status=queued&kind=campaign.prepare');
      assert.equal(queued.status, 200, JSON.stringify(queued.body));
      const of = (items: Array<{ payload: { campaignId?: string } }>) => items.filter((j) => j.payload.campaignId === id).map((j) => j.payload);
      assert.deepEqual(of(queued.body.items), [{ campaignId: id }]);
      // A process without a sender (no campaign.send handler) prepares it and leaves the sending to one that has.
      await drainJobs({ handle: t.database });
      assert.equal((await admin.json('GET', `/api/v1/campaigns/${id}`)).body.status, 'sending');
      const sendJobs = await admin.json('GET', '/api/v1/jobs?status=queued&kind=campaign.send');
      assert.deepEqual(of(sendJobs.body.items), [{ campaignId: id }]);
      const mailer = createMailer(db(), { smtpUrl: undefined });
      const sender = new CampaignSender(db(), mailer, { publicUrl: 'http://127.0.0.1:3000', rate: 10_000 });
      try {
        await drainJobs({ handle: t.database, campaignSender: sender });
      } finally {
        await sender.stop();
        mailer.close();
      }
      const row = await admin.json('GET', `/api/v1/campaigns/${id}`);
      assert.equal(row.body.status, 'done');
      assert.equal(row.body.counts.outbox, PEOPLE - 1, 'everyone but the address marked bounced above');
      const done = await admin.json('GET', '/api/v1/jobs?status=done');
      const kinds = done.body.items.filter((j: { payload: { campaignId?: string } }) => j.payload.campaignId === id).map((j: { kind: string }) => j.kind).sort();
      assert.deepEqual(kinds, ['campaign.prepare', 'campaign.send']);
    });

    test('the campaign pass queues a job for a campaign that has none; a send job stopped at shutdown is given back, not failed', async () => {
      const id = await create('ジョブなしの配信');
      await admin.json('POST', `/api/v1/campaigns/${id}/start`, {});
      await drainJobs({ handle: t.database });
      // As if the process had died before queueing it (or the campaign was stored before the queue): no live job.
      await sql`DELETE FROM jobs WHERE kind = 'campaign.send'`.execute(db());
      await campaignPass(db(), { staleAfterMs: 60_000, delivery: 'outbox' });
      const sendJobs = async () => ((await admin.json('GET', '/api/v1/jobs?status=queued&kind=campaign.send')).body.items as Array<{ id: string; payload: { campaignId: string } }>)
        .filter((j) => j.payload.campaignId === id);
      const [job] = await sendJobs();
      assert.ok(job, 'queued by the pass');
      await campaignPass(db(), { staleAfterMs: 60_000, delivery: 'outbox' });
      assert.equal((await sendJobs()).length, 1, 'one live job per campaign');

      // A mailer that holds each message until told: the worker stops while the job sends.
      let release!: () => void;
      const gate = new Promise<void>((resolve) => { release = resolve; });
      let sent = 0;
      const slow: Mailer = {
        kind: 'outbox',
        async send() { sent += 1; if (sent === 2) await gate; return { messageId: `<m${sent}>`, response: 'outbox' }; },
        close() {},
      };
      const sender = new CampaignSender(db(), slow, { publicUrl: 'http://127.0.0.1:3000', rate: 10_000, concurrency: 1 });
      const worker = new JobWorker(db(), jobHandlers({ handle: t.database, campaignSender: sender }), { id: 'stopping-worker' });
      assert.equal(await worker.pass(), 1);
      while (sent < 2) await new Promise((r) => setTimeout(r, 10));
      const stopping = worker.stop();
      release();
      await stopping;
      await sender.stop();
      const after = (await sql<{ status: string; attempts: number; locked_by: string | null }>`SELECT status, attempts, locked_by FROM jobs WHERE id = ${job!.id}::uuid`.execute(db())).rows[0]!;
      assert.deepEqual(after, { status: 'queued', attempts: 0, locked_by: null }, 'given back without counting the attempt');
      assert.equal(sent, 2, 'stopped after the message in flight');
      const counts = await messageRows(id);
      assert.equal(counts.filter((r) => r.status === 'outbox').length, 2);
      assert.equal(counts.filter((r) => r.status === 'claimed').length, 0, 'its unattempted claims given back');
      await admin.json('POST', `/api/v1/campaigns/${id}/cancel`, {});
    });

    test('storing the audience yields between chunks: a timer set in the first chunk runs, and a request is answered, before the last', async () => {
      const id = await create('譲りながら準備');
      await admin.json('POST', `/api/v1/campaigns/${id}/start`, {});
      let chunks = 0;
      let answeredAfter: number | null = null;
      assert.equal(await prepareCampaign(db(), id, {
        worker: 'yielding', staleAfterMs: 60_000, chunkSize: 3,
        beforeChunkCommit: async () => {
          chunks += 1;
          if (chunks === 1) {
            setTimeout(() => {
              void admin.json('GET', `/api/v1/campaigns/${id}`).then((r) => { assert.equal(r.status, 200); answeredAfter = chunks; });
            }, 0);
          }
        },
      }), 'done');
      assert.equal(chunks, Math.ceil((PEOPLE + 1) / 3));
      assert.ok(answeredAfter !== null && answeredAfter < chunks, `the request was answered after chunk ${answeredAfter} of ${chunks}`);
      await admin.json('POST', `/api/v1/campaigns/${id}/cancel`, {});
    });
  });
}
