import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { simpleParser, type ParsedMail } from 'mailparser';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { flushRejectionCounts } from '../../src/intake/tracker/collect.service.ts';
import { ingestRecords } from '../../src/resolution/staging.ts';
import { startBounceListener, type BounceOutcome } from '../../src/use/campaigns/bounce-listener.ts';
import type { CampaignContent } from '../../src/domain/campaigns/content.ts';
import { composeMessages } from '../../src/use/campaigns/compose.service.ts';
import { createMailer, SendError } from '../../src/use/campaigns/mailer.ts';
import { getSettings } from '../../src/use/campaigns/settings.service.ts';
import { recordSent } from '../../src/use/campaigns/tracking.service.ts';
import { ENGINES } from '../support/engines.ts';
import { startTestApp, type Client, type TestApp } from '../support/app.ts';

const actor = { auth: null, ip: null, userAgent: 'test' };
const PUBLIC = 'https://crm.daicho-test.jp';
const SITE_ORIGIN = 'https://www.daicho-test.jp';
const UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';

interface Received { from: string; to: string[]; mail: ParsedMail; raw: string }

/** A real SMTP server on loopback: counts and parses what it receives; rejects some recipients 5xx or 4xx. */
async function startSmtp() {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['AUTH', 'STARTTLS'], logger: false,
    onRcptTo(address, _s, cb) {
      if (address.address.startsWith('perm@')) return cb(Object.assign(new Error('5.1.1 User unknown'), { responseCode: 550 }));
      if (address.address.startsWith('temp@')) return cb(Object.assign(new Error('4.2.2 Mailbox full, try later'), { responseCode: 452 }));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        void simpleParser(raw).then((mail) => {
          received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), mail, raw });
          cb();
        });
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return { port, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A header as written (mailparser turns List-* headers into objects). */
const header = (m: ParsedMail, name: string) => {
  const line = m.headerLines.find((l) => l.key === name)?.line;
  return line === undefined ? undefined : line.slice(line.indexOf(':') + 1).trim();
};

for (const engine of ENGINES) {
  describe(`campaign e-mail: compose, deliver, track [${engine}]`, () => {
    let t: TestApp;
    let admin: Client;
    let smtp: Awaited<ReturnType<typeof startSmtp>>;
    const ids: Record<string, string> = {};
    let campaignId: string;
    const tokens: Record<string, string> = {};
    const messageIds: Record<string, number> = {};
    let site: { id: string; writeKey: string };

    const content: CampaignContent = {
      subject: '{{宛名}}へ 秋の新製品のご案内',
      bodyText: '{{宛名}}\n\nいつもお世話になっております。担当の{{担当者|営業部}}です。\n新製品: https://www.daicho-test.jp/products/new\n{{block:pricing}}\n{{block:coffee}}',
      bodyHtml: '<html><body><p>{{宛名}}</p><p><a href="https://www.daicho-test.jp/products/new">新製品</a></p>{{block:pricing}}{{block:coffee}}</body></html>',
      blocks: [
        { key: 'pricing', when: { type: 'viewed_url', pattern: '/pricing*', days: 30 }, text: '料金ページをご覧いただいた方へ: 導入相談 https://www.daicho-test.jp/contact', html: '<p>料金ページをご覧いただいた方へ: <a href="https://www.daicho-test.jp/contact">導入相談</a></p>' },
        { key: 'coffee', when: { type: 'bought_category', category: '食品', days: 365 }, text: 'コーヒー豆をお買い上げの方へ', html: '<p>コーヒー豆をお買い上げの方へ</p>' },
      ],
    };

    const db = () => t.database.db;
    const activities = (customerId: string, type: string) =>
      db().selectFrom('activities').selectAll().where('customer_id', '=', customerId).where('type', '=', type).execute();
    const message = (key: string) => db().selectFrom('campaign_messages').selectAll().where('id', '=', messageIds[key]!).executeTakeFirstOrThrow();

    before(async () => {
      smtp = await startSmtp();
      t = await startTestApp(engine, { smtpUrl: `smtp://127.0.0.1:${smtp.port}`, publicUrl: PUBLIC });
      admin = await t.as('admin');
      const linked = await ingestRecords(db(), {
        source: { name: 'crm', label: 'CRM', kind: 'file_import' },
        records: [
          { externalId: 'hanako', fields: { family_name: '山田', given_name: '花子', email: 'hanako@sakura-test.jp', company_name: '株式会社さくら', department: '営業部' } },
          { externalId: 'taro', fields: { family_name: '佐藤', given_name: '太郎', email: 'taro@daicho-test.jp' } },
          { externalId: 'perm', fields: { family_name: '不達', given_name: '一郎', email: 'perm@daicho-test.jp' } },
          { externalId: 'temp', fields: { family_name: '満杯', given_name: '二郎', email: 'temp@daicho-test.jp' } },
        ],
        actor,
      });
      for (const l of linked) ids[l.externalId] = l.customerId;
      const settings = await admin.json('PUT', '/api/v1/messaging/settings', {
        senderName: '株式会社台帳テスト', senderAddress: '東京都千代田区丸の内1-1-1', senderContact: '03-1234-5678 / info@daicho-test.jp', fromEmail: 'news@daicho-test.jp',
      });
      assert.equal(settings.status, 200, JSON.stringify(settings.body));
      // Hanako read the pricing page last week; Taro bought coffee beans (食品) this year.
      const hanakoRecord = await db().selectFrom('source_records').select(['id', 'source_id']).where('customer_id', '=', ids.hanako!).executeTakeFirstOrThrow();
      await db().insertInto('activities').values({
        customer_id: ids.hanako!, type: 'page_view', occurred_at: new Date(Date.now() - 7 * 86_400_000), title: '料金',
        properties: JSON.stringify({ url: 'https://www.daicho-test.jp/pricing/enterprise', path: '/pricing/enterprise' }), source_id: hanakoRecord.source_id, source_record_id: hanakoRecord.id,
      }).execute();
      assert.equal((await admin.json('POST', '/api/v1/products', { sku: 'CF-1', name: 'コーヒー豆', category: '食品', price: 3200 })).status, 201);
      const order = await admin.json('POST', '/api/v1/orders', {
        source: 'ec', orderId: 'o-1', orderedAt: new Date(Date.now() - 20 * 86_400_000).toISOString(), customer: { email: 'taro@daicho-test.jp' }, lines: [{ sku: 'CF-1', quantity: 1, unitPrice: 3200 }],
      });
      assert.ok([200, 201].includes(order.status), JSON.stringify(order.body));
      const [campaign] = await db().insertInto('campaigns').values({ name: '秋の新製品', channel: 'email', subject: content.subject, body_text: content.bodyText, body_html: content.bodyHtml, blocks: JSON.stringify(content.blocks) as never }).returning('id').execute();
      campaignId = campaign!.id;
      for (const key of ['hanako', 'taro', 'perm', 'temp']) {
        tokens[key] = randomBytes(18).toString('base64url');
        const email = (await db().selectFrom('customers').select('email').where('id', '=', ids[key]!).executeTakeFirstOrThrow()).email!;
        const [row] = await db().insertInto('campaign_messages').values({ campaign_id: campaignId, customer_id: ids[key]!, channel: 'email', address: email, status: 'queued', token: tokens[key]! }).returning('id').execute();
        messageIds[key] = row!.id;
      }
      const created = await admin.json('POST', '/api/v1/sites', { name: 'コーポレートサイト', allowedOrigins: [SITE_ORIGIN] });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      site = created.body;
    });
    after(async () => {
      await flushRejectionCounts(db());
      await t.close();
      await smtp.close();
    });

    const recipients = async (keys: string[]) => Promise.all(keys.map(async (k) => ({ messageId: messageIds[k]!, customerId: ids[k]!, token: tokens[k]!, address: (await message(k)).address! })));

    test('delivered over SMTP: merge fields, blocks by behaviour, law footer, List-Unsubscribe (RFC 8058), VERP envelope', async () => {
      const mails = await composeMessages(db(), content, await recipients(['hanako', 'taro']), await getSettings(db()), { publicUrl: PUBLIC });
      const mailer = createMailer(db(), t.config);
      assert.equal(mailer.kind, 'smtp');
      try {
        for (const key of ['hanako', 'taro']) {
          const sent = await mailer.send(mails.get(messageIds[key]!)!, { messageId: messageIds[key]!, campaignId });
          assert.match(sent.response, /^250/u);
          await recordSent(db(), tokens[key]!);
        }
      } finally {
        mailer.close();
      }
      assert.equal(smtp.received.length, 2);
      const [h, tr] = smtp.received as [Received, Received];
      assert.equal(h.from, `bounce+${tokens.hanako}@daicho-test.jp`);
      assert.deepEqual(h.to, ['hanako@sakura-test.jp']);
      assert.equal(h.mail.subject, '株式会社さくら 営業部 山田 花子 様へ 秋の新製品のご案内');
      assert.equal(header(h.mail, 'list-unsubscribe'), `<${PUBLIC}/u/${tokens.hanako}>`);
      assert.equal(header(h.mail, 'list-unsubscribe-post'), 'List-Unsubscribe=One-Click');
      assert.equal(h.mail.messageId, `<${tokens.hanako}@daicho-test.jp>`);
      assert.match(h.mail.from!.text, /株式会社台帳テスト.*news@daicho-test\.jp/u);
      for (const part of [h.mail.text!, h.mail.html as string]) {
        assert.ok(part.includes('東京都千代田区丸の内1-1-1'), 'sender address in the footer');
        assert.ok(part.includes('03-1234-5678'), 'contact in the footer');
        assert.ok(part.includes(`${PUBLIC}/u/${tokens.hanako}`), 'unsubscribe link in the footer');
        assert.ok(part.includes(`${PUBLIC}/c/${tokens.hanako}/0`), 'tracked link');
        assert.ok(!part.includes('https://www.daicho-test.jp/products/new'), 'no untracked link');
      }
      assert.ok(h.mail.text!.includes('担当の営業部です'), 'fallback of an empty owner');
      assert.ok(h.mail.text!.includes('料金ページをご覧いただいた方へ'), 'Hanako viewed /pricing*');
      assert.ok(!h.mail.text!.includes('コーヒー豆をお買い上げ'));
      assert.match(h.mail.html as string, new RegExp(`<img src="${PUBLIC}/o/${tokens.hanako}\\.gif"`, 'u'));
      assert.equal(tr.mail.subject, '佐藤 太郎 様へ 秋の新製品のご案内');
      assert.ok(tr.mail.text!.includes('コーヒー豆をお買い上げの方へ'), 'Taro bought 食品');
      assert.ok(!tr.mail.text!.includes('料金ページ'));
      assert.equal((await activities(ids.hanako!, 'email_sent')).length, 1);
    });

    test('a 5xx rejection is permanent, a 4xx one and a refused connection are transient', async () => {
      const mails = await composeMessages(db(), content, await recipients(['perm', 'temp']), await getSettings(db()), { publicUrl: PUBLIC });
      const mailer = createMailer(db(), t.config);
      try {
        await assert.rejects(mailer.send(mails.get(messageIds.perm!)!, {}), (e: unknown) => e instanceof SendError && e.permanent && e.responseCode === 550);
        await assert.rejects(mailer.send(mails.get(messageIds.temp!)!, {}), (e: unknown) => e instanceof SendError && !e.permanent && e.responseCode === 452);
      } finally {
        mailer.close();
      }
      const closed = createMailer(db(), { smtpUrl: 'smtp://127.0.0.1:1' });
      try {
        await assert.rejects(closed.send(mails.get(messageIds.temp!)!, {}), (e: unknown) => e instanceof SendError && !e.permanent);
      } finally {
        closed.close();
      }
    });

    test('without SMTP the message goes to the outbox, listed newest first; raw and address only with customers:read_personal', async () => {
      const mails = await composeMessages(db(), content, await recipients(['taro']), await getSettings(db()), { publicUrl: PUBLIC });
      const outbox = createMailer(db(), { smtpUrl: undefined });
      assert.equal(outbox.kind, 'outbox');
      const before = smtp.received.length;
      const res = await outbox.send(mails.get(messageIds.taro!)!, { messageId: messageIds.taro!, campaignId });
      assert.match(res.response, /^outbox \d+ \(not sent/u);
      assert.equal(smtp.received.length, before, 'nothing went to the SMTP server');
      const page = await admin.json('GET', '/api/v1/outbox');
      assert.equal(page.status, 200);
      const item = page.body.items[0];
      assert.equal(item.to, 'taro@daicho-test.jp');
      assert.equal(item.messageId, messageIds.taro);
      const parsed = await simpleParser(item.raw as string);
      assert.equal(parsed.subject, '佐藤 太郎 様へ 秋の新製品のご案内');
      assert.equal(header(parsed, 'list-unsubscribe-post'), 'List-Unsubscribe=One-Click');
      const viewer = await (await t.as('viewer')).json('GET', '/api/v1/outbox?limit=1');
      assert.match(item.text, /^佐藤 太郎 様$/mu, 'the decoded text part');
      assert.equal(viewer.body.items[0].raw, null);
      assert.equal(viewer.body.items[0].text, null);
      assert.equal(viewer.body.items[0].to, 't***@***');
    });

    test('the open pixel records the first open once', async () => {
      for (let i = 0; i < 2; i++) {
        const res = await t.app.request(`/o/${tokens.hanako}.gif`);
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('content-type'), 'image/gif');
        assert.equal(Buffer.from(await res.arrayBuffer()).subarray(0, 6).toString('latin1'), 'GIF89a');
      }
      assert.ok((await message('hanako')).opened_at);
      assert.equal((await activities(ids.hanako!, 'email_opened')).length, 1);
      assert.equal((await t.app.request('/o/unknown-token-000.gif')).status, 200, 'an unknown pixel still answers a GIF');
    });

    test('a tracked link redirects to the stored link only (no open redirect) and records the click with its URL', async () => {
      const res = await t.app.request(`/c/${tokens.taro}/0?url=https://evil.daicho-test.jp/`);
      assert.equal(res.status, 302);
      const location = new URL(res.headers.get('location')!);
      assert.equal(`${location.origin}${location.pathname}`, 'https://www.daicho-test.jp/products/new');
      assert.equal(location.searchParams.get('daicho_ct'), tokens.taro, 'a tracked site\'s page gets the visitor-join parameter');
      assert.equal(location.searchParams.get('url'), null);
      assert.equal((await t.app.request(`/c/${tokens.taro}/99`)).status, 404);
      assert.equal((await t.app.request('/c/nosuchtoken0000/0')).status, 404);
      assert.equal((await t.app.request(`/c/${tokens.taro}/-1`)).status, 404);
      const m = await message('taro');
      assert.ok(m.clicked_at && m.opened_at, 'a click is an open too');
      const clicks = await activities(ids.taro!, 'email_clicked');
      assert.equal(clicks.length, 1);
      assert.equal((clicks[0]!.properties as { url: string }).url, 'https://www.daicho-test.jp/products/new');
    });

    test('a click joins the visitor: their earlier anonymous page views appear on the customer\'s timeline', async () => {
      const collect = (events: unknown[]) => t.app.request('/api/v1/collect', {
        method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8', origin: SITE_ORIGIN, 'user-agent': UA },
        body: JSON.stringify({ k: site.writeKey, v: 'visitor-taro-0001', s: 'visit-taro-0001', n: Date.now(), e: events }),
      });
      const anon = await collect([{ t: 'pv', i: 'pv-taro-00000001', u: `${SITE_ORIGIN}/pricing`, ti: '料金', at: Date.now() - 60_000 }]);
      assert.equal(anon.status, 200);
      assert.equal((await activities(ids.taro!, 'page_view')).length, 0, 'anonymous so far');
      const click = await t.app.request(`/c/${tokens.taro}/0`);
      const ct = new URL(click.headers.get('location')!).searchParams.get('daicho_ct');
      // What the snippet sends on the landing page: the page view (without daicho_ct) and identify({campaignToken}).
      const landed = await collect([{ t: 'pv', i: 'pv-taro-00000002', u: `${SITE_ORIGIN}/products/new`, ti: '新製品', at: Date.now() }, { t: 'id', tr: { campaignToken: ct }, at: Date.now() }]);
      assert.equal(landed.status, 200);
      assert.equal((await landed.json() as { identified: boolean }).identified, true);
      const timeline = await admin.json('GET', `/api/v1/customers/${ids.taro}/activities?limit=100`);
      const paths = (timeline.body.items as Array<{ type: string; properties: { path?: string } }>).filter((a) => a.type === 'page_view').map((a) => a.properties.path).sort();
      assert.deepEqual(paths, ['/pricing', '/products/new']);
      const forged = await collect([{ t: 'id', tr: { campaignToken: 'not-a-real-token-00' }, at: Date.now() }]);
      assert.equal((await forged.json() as { identified: boolean }).identified, false);
    });

    test('the unsubscribe page (no JavaScript), its form and RFC 8058 one-click: one withdrawal, idempotent', async () => {
      const page = await t.app.request(`/u/${tokens.hanako}`);
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.match(html, /<html lang="ja">/u);
      assert.match(html, new RegExp(`<form method="post" action="/u/${tokens.hanako}">`, 'u'));
      assert.match(html, /配信を停止する/u);
      assert.doesNotMatch(html, /<script/u);
      assert.equal((await t.app.request('/u/nosuchtoken0000')).status, 404);
      const form = await t.app.request(`/u/${tokens.hanako}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
      assert.equal(form.status, 200);
      assert.match(await form.text(), /配信を停止しました/u);
      const oneClick = await t.app.request(`/u/${tokens.hanako}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
      assert.equal(oneClick.status, 200);
      const consents = await db().selectFrom('consents').selectAll().where('customer_id', '=', ids.hanako!).where('purpose_code', '=', 'email_marketing').execute();
      assert.equal(consents.length, 1);
      assert.equal(consents[0]!.state, 'withdrawn');
      assert.equal(consents[0]!.method, 'unsubscribe');
      assert.equal(consents[0]!.campaign_id, campaignId);
      assert.equal(consents[0]!.source_record_id, null, 'customer-level');
      assert.ok((await message('hanako')).unsubscribed_at);
      assert.equal((await activities(ids.hanako!, 'email_unsubscribed')).length, 1);
      assert.match(await (await t.app.request(`/u/${tokens.hanako}`)).text(), /配信を停止しました/u);
      // One-click on another message of hers (straight from the mail client) works without the page.
      const direct = await t.app.request(`/u/${tokens.taro}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
      assert.equal(direct.status, 200);
      assert.equal((await activities(ids.taro!, 'email_unsubscribed'))[0]!.properties.how, 'one_click');
    });

    test('bounces through the API: by token (hard) and by address (soft); validation', async () => {
      const sender = await t.as('marketing');
      const byToken = await sender.json('POST', '/api/v1/campaigns/bounces', { token: tokens.perm, kind: 'hard', detail: '550 5.1.1 User unknown' });
      assert.equal(byToken.status, 200, JSON.stringify(byToken.body));
      assert.deepEqual(byToken.body, { messages: 1, suppressed: true });
      const m = await message('perm');
      assert.equal(m.bounce_kind, 'hard');
      assert.ok(m.bounced_at);
      const rows = await db().selectFrom('contact_suppressions').selectAll().where('address_key', '=', 'perm@daicho-test.jp').execute();
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.reason, 'hard_bounce');
      assert.equal((await activities(ids.perm!, 'email_bounced')).length, 1);
      // Taro's message was sent: a bounce reported by his address marks it.
      await db().updateTable('campaign_messages').set({ status: 'sent', sent_at: new Date() }).where('id', '=', messageIds.taro!).execute();
      const byAddress = await sender.json('POST', '/api/v1/campaigns/bounces', { address: 'TARO@daicho-test.jp', kind: 'soft' });
      assert.deepEqual(byAddress.body, { messages: 1, suppressed: true });
      assert.equal((await message('taro')).bounce_kind, 'soft');
      const bad = await sender.json('POST', '/api/v1/campaigns/bounces', { kind: 'medium' });
      assert.equal(bad.status, 400);
      assert.ok((bad.body.errors as Array<{ field: string }>).some((e) => e.field === 'kind'));
      assert.equal((await sender.json('POST', '/api/v1/campaigns/bounces', { token: 'nosuchtoken0000', kind: 'hard' })).status, 404);
      assert.equal((await (await t.as('viewer')).json('POST', '/api/v1/campaigns/bounces', { token: tokens.perm, kind: 'hard' })).status, 403);
    });

    test('the built-in listener reads a DSN sent to the VERP return path; other recipients are refused', async () => {
      const outcomes: BounceOutcome[] = [];
      const listener = await startBounceListener(db(), { port: 0, host: '127.0.0.1', onBounce: (o) => outcomes.push(o) });
      const mta = nodemailer.createTransport({ host: '127.0.0.1', port: listener.port, secure: false, ignoreTLS: true });
      try {
        const dsn = [
          'From: MAILER-DAEMON@mx.daicho-test.jp', `To: bounce+${tokens.temp}@daicho-test.jp`, 'Subject: Undelivered Mail Returned to Sender',
          'MIME-Version: 1.0', 'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"', '',
          '--b1', 'Content-Type: text/plain', '', 'This is the mail system. Your message could not be delivered.', '',
          '--b1', 'Content-Type: message/delivery-status', '', 'Reporting-MTA: dns; mx.daicho-test.jp', '',
          'Final-Recipient: rfc822; temp@daicho-test.jp', 'Action: failed', 'Status: 5.2.1', 'Diagnostic-Code: smtp; 550 5.2.1 Mailbox disabled', '',
          '--b1--', '',
        ].join('\r\n');
        await mta.sendMail({ envelope: { from: '', to: `bounce+${tokens.temp}@daicho-test.jp` }, raw: dsn });
        assert.deepEqual(outcomes, [[{ token: tokens.temp, kind: 'hard' }]]);
        const m = await message('temp');
        assert.equal(m.bounce_kind, 'hard');
        const rows = await db().selectFrom('contact_suppressions').selectAll().where('address_key', '=', 'temp@daicho-test.jp').execute();
        assert.equal(rows.length, 1);
        assert.match(rows[0]!.detail ?? '', /5\.2\.1/u);
        await assert.rejects(mta.sendMail({ envelope: { from: 'x@daicho-test.jp', to: 'postmaster@daicho-test.jp' }, raw: 'Subject: hi\r\n\r\nhi' }), (e: { responseCode?: number }) => e.responseCode === 550);
      } finally {
        mta.close();
        await listener.close();
      }
    });

    test('preview as a customer (masked without customers:read_personal), errors listed; test send to oneself', async () => {
      const preview = await admin.json('POST', '/api/v1/campaigns/preview', { ...content, bodyText: `${content.bodyText}\n{{会社}}`, customerId: ids.hanako });
      assert.equal(preview.status, 200, JSON.stringify(preview.body));
      assert.equal(preview.body.subject, '株式会社さくら 営業部 山田 花子 様へ 秋の新製品のご案内');
      assert.equal(preview.body.to, 'hanako@sakura-test.jp');
      assert.deepEqual(preview.body.shownBlocks, ['pricing']);
      assert.equal(preview.body.errors.length, 1);
      assert.equal(preview.body.errors[0].field, 'bodyText');
      assert.match(preview.body.errors[0].message, /\{\{会社\}\}/u);
      const masked = await (await t.as('viewer')).json('POST', '/api/v1/campaigns/preview', { ...content, customerId: ids.hanako });
      assert.equal(masked.body.to, 'h***@***');
      const marketing = await t.as('marketing');
      const before = smtp.received.length;
      const sent = await marketing.json('POST', '/api/v1/campaigns/test-send', { ...content, customerId: ids.taro, campaignId });
      assert.equal(sent.status, 200, JSON.stringify(sent.body));
      assert.deepEqual({ to: sent.body.to, delivery: sent.body.delivery }, { to: marketing.email, delivery: 'smtp' });
      assert.equal(smtp.received.length, before + 1);
      const got = smtp.received.at(-1)!;
      assert.deepEqual(got.to, [marketing.email]);
      assert.equal(got.mail.subject, '【テスト】佐藤 太郎 様へ 秋の新製品のご案内');
      const audit = await db().selectFrom('audit_log').selectAll().where('action', '=', 'campaign.test_send').execute();
      assert.equal(audit.length, 1);
      const broken = await marketing.json('POST', '/api/v1/campaigns/test-send', { ...content, subject: '{{姓名}}' });
      assert.equal(broken.status, 400);
      assert.equal(broken.body.errors[0].field, 'subject');
      assert.equal((await (await t.as('viewer')).json('POST', '/api/v1/campaigns/test-send', content)).status, 403);
    });

    test('{{おすすめ商品}}: the customer\'s cross-sell candidates with their reason', async () => {
      assert.equal((await admin.json('POST', '/api/v1/products', { sku: 'DR-1', name: 'ドリッパー', category: '器具', price: 2500 })).status, 201);
      for (const [orderId, email] of [['o-2', 'perm@daicho-test.jp'], ['o-3', 'temp@daicho-test.jp']] as const) {
        const order = await admin.json('POST', '/api/v1/orders', {
          source: 'ec', orderId, orderedAt: new Date(Date.now() - 10 * 86_400_000).toISOString(), customer: { email },
          lines: [{ sku: 'CF-1', quantity: 1, unitPrice: 3200 }, { sku: 'DR-1', quantity: 1, unitPrice: 2500 }],
        });
        assert.ok([200, 201].includes(order.status), JSON.stringify(order.body));
      }
      assert.equal((await admin.json('POST', '/api/v1/recommendations/runs', {})).status, 202);
      for (let i = 0; i < 200; i++) {
        const runs = await admin.json('GET', '/api/v1/recommendations/runs');
        if (runs.body.items[0]?.status === 'done') break;
        assert.notEqual(runs.body.items[0]?.status, 'failed');
        await new Promise((r) => setTimeout(r, 100));
      }
      const preview = await admin.json('POST', '/api/v1/campaigns/preview', { subject: 'おすすめ', bodyText: 'あなたへのおすすめ:\n{{おすすめ商品}}', bodyHtml: '<p>{{おすすめ商品}}</p>', customerId: ids.taro });
      assert.equal(preview.status, 200, JSON.stringify(preview.body));
      assert.match(preview.body.text, /^・ドリッパー（.+）$/mu, preview.body.text);
      assert.match(preview.body.html, /<li><strong>ドリッパー<\/strong> — .+<\/li>/u);
    });

    test('settings: validation with field messages, audited, what the footer lacks', async () => {
      const bad = await admin.json('PUT', '/api/v1/messaging/settings', { fromEmail: 'not-an-address', capCount: 0, senderName: ' ' });
      assert.equal(bad.status, 400);
      assert.deepEqual((bad.body.errors as Array<{ field: string }>).map((e) => e.field).sort(), ['capCount', 'fromEmail', 'senderName']);
      const ok = await admin.json('PUT', '/api/v1/messaging/settings', { capCount: 3, replyTo: 'support@daicho-test.jp' });
      assert.equal(ok.status, 200);
      assert.equal(ok.body.capCount, 3);
      assert.deepEqual(ok.body.missing, []);
      assert.equal(ok.body.delivery, 'smtp');
      const read = await (await t.as('viewer')).json('GET', '/api/v1/messaging/settings');
      assert.equal(read.body.replyTo, 'support@daicho-test.jp');
      assert.equal((await (await t.as('marketing')).json('PUT', '/api/v1/messaging/settings', { capCount: 4 })).status, 403);
      const audit = await db().selectFrom('audit_log').select('details').where('action', '=', 'messaging.settings').orderBy('id', 'desc').executeTakeFirstOrThrow();
      assert.deepEqual((audit.details as { changed: string[] }).changed.sort(), ['capCount', 'replyTo']);
    });
  });
}
