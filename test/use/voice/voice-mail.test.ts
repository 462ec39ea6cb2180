import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { simpleParser, type ParsedMail } from 'mailparser';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { ingestRecords } from '../../../src/resolution/staging.ts';
import { startVoiceListener, type VoiceListener } from '../../../src/use/voice/voice-listener.ts';
import { storeWeeklyDigests } from '../../../src/use/voice/voice-reports.service.ts';
import { reply } from '../../../src/use/voice/voice.service.ts';
import { AppError } from '../../../src/core/errors.ts';
import { ENGINES } from '../../support/engines.ts';
import { startTestApp, type Client, type TestApp } from '../../support/app.ts';

/**
 * The voice inbox's two SMTP paths, over real sockets on loopback: the built-in listener for the feedback address
 * (mail in → an inbox item of the resolved sender) and the weekly digest mailed to each team (mail out).
 */

const actor = { auth: null, ip: null, userAgent: 'test' };
const FEEDBACK = 'voice@daicho-test.jp';
const PUBLIC = 'https://crm.daicho-test.jp';

interface Received { to: string[]; mail: ParsedMail }

/** A loopback SMTP server keeping what it receives, parsed; it refuses recipients starting with `refused@`. */
async function startSmtp() {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['AUTH', 'STARTTLS'], logger: false,
    onRcptTo(address, _s, cb) {
      if (address.address.startsWith('refused@')) return cb(Object.assign(new Error('5.1.1 User unknown'), { responseCode: 550 }));
      cb();
    },
    onData(stream, session, cb) {
      simpleParser(stream).then((mail) => { received.push({ to: session.envelope.rcptTo.map((r) => r.address), mail }); cb(); }, cb);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { port: (server.server.address() as AddressInfo).port, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

for (const engine of ENGINES) {
  describe(`voice of customer by e-mail [${engine}]`, () => {
    let t: TestApp;
    let admin: Client;
    let marketing: Client;
    let known: string;
    let listener: VoiceListener;
    const created: string[] = [];
    const db = () => t.database.db;
    const send = (mail: Parameters<ReturnType<typeof nodemailer.createTransport>['sendMail']>[0]) => {
      const transport = nodemailer.createTransport({ host: '127.0.0.1', port: listener.port, secure: false, ignoreTLS: true });
      return transport.sendMail(mail).finally(() => transport.close());
    };

    before(async () => {
      t = await startTestApp(engine);
      admin = await t.as('admin');
      marketing = await t.as('marketing');
      const [k] = await ingestRecords(db(), { source: { name: 'crm', label: 'CRM', kind: 'file_import' }, records: [{ externalId: 'k1', fields: { full_name: '既存 太郎', email: 'taro.kizon@daicho-test.jp' } }], actor });
      known = k!.customerId;
      await sql`UPDATE messaging_settings SET sender_name = '株式会社台帳', from_email = 'support@daicho-test.jp'`.execute(db());
      listener = await startVoiceListener(db(), { port: 0, host: '127.0.0.1', address: FEEDBACK, onItem: (id) => created.push(id) });
    });
    after(async () => {
      await listener?.close();
      await t.close();
    });

    test('mail to the listener lands as an e-mail item of the known sender; an unknown sender becomes a prospect; Message-ID once', async () => {
      await send({
        from: '既存 太郎 <Taro.Kizon@daicho-test.jp>', to: FEEDBACK, subject: '注文した商品が届きません',
        text: '注文から10日経ちますが、まだ商品が届いていません。とても困っています。', messageId: '<m1@daicho-test.jp>',
        attachments: [{ filename: '注文確認.pdf', content: Buffer.from('%PDF-1.4 test') }],
      });
      assert.equal(created.length, 1);
      const item = (await admin.json('GET', `/api/v1/voice/items/${created[0]}`)).body;
      assert.equal(item.channel, 'email');
      assert.equal(item.customerId, known, 'resolved by the address, whatever its case');
      assert.equal(item.subject, '注文した商品が届きません');
      assert.match(item.text, /まだ商品が届いていません/);
      assert.equal(item.sentiment, 'negative');
      assert.ok(item.tags.some((g: { tag: string }) => g.tag === '配送'), JSON.stringify(item.tags));
      assert.deepEqual(item.attachmentNames, ['注文確認.pdf']);
      assert.equal(item.replyTo, 'taro.kizon@daicho-test.jp');

      await send({ from: '新井 さくら <sakura.arai@daicho-test.jp>', to: FEEDBACK, subject: 'ご提案', text: 'いつも便利に使っています。CSV 出力に機能を追加してほしいです。', messageId: '<m2@daicho-test.jp>' });
      assert.equal(created.length, 2);
      const second = (await admin.json('GET', `/api/v1/voice/items/${created[1]}`)).body;
      assert.notEqual(second.customerId, known);
      const person = await db().selectFrom('customers').select(['email', 'lifecycle_stage', 'display_name']).where('id', '=', second.customerId).executeTakeFirstOrThrow();
      assert.deepEqual(person, { email: 'sakura.arai@daicho-test.jp', lifecycle_stage: 'prospect', display_name: '新井 さくら' });
      const timeline = await db().selectFrom('activities').select('type').where('customer_id', '=', second.customerId).where('type', '=', 'voice_received').execute();
      assert.equal(timeline.length, 1, 'on the new prospect\'s timeline');

      // The same message delivered twice (a retrying relay) is one item.
      await send({ from: 'sakura.arai@daicho-test.jp', to: FEEDBACK, subject: 'ご提案', text: 'いつも便利に使っています。CSV 出力に機能を追加してほしいです。', messageId: '<m2@daicho-test.jp>' });
      const items = await db().selectFrom('voice_items').select('id').where('channel', '=', 'email').execute();
      assert.equal(items.length, 2);
    });

    test('the listener refuses other recipients at RCPT TO and takes nothing from them', async () => {
      const before = (await db().selectFrom('voice_items').select('id').execute()).length;
      await assert.rejects(send({ from: 'spam@daicho-test.jp', to: 'someone-else@daicho-test.jp', subject: 'x', text: '宛先違いのメールです。' }), (e: { responseCode?: number }) => e.responseCode === 550);
      assert.equal((await db().selectFrom('voice_items').select('id').execute()).length, before);
    });

    test('the weekly digest is mailed to each team\'s members and address: counts by tag and sentiment, new themes, the most negative items', async () => {
      const smtp = await startSmtp();
      try {
        const team = await admin.json('POST', '/api/v1/voice/teams', { name: '配送品質チーム', email: 'haisou-team@daicho-test.jp', memberUserIds: [marketing.userId] });
        assert.equal(team.status, 201, JSON.stringify(team.body));
        const empty = await admin.json('POST', '/api/v1/voice/teams', { name: '誰もいないチーム' });
        assert.equal(empty.status, 201);
        assert.equal((await admin.json('POST', '/api/v1/voice/routing-rules', { name: '配送は配送品質チームへ', tag: '配送', teamId: team.body.id })).status, 201);
        // The week of Monday 2026-11-09 (Japan): three delivery complaints (two near-identical: a theme), one thanks.
        const week = [
          { email: 'taro.kizon@daicho-test.jp', text: '注文した商品が一週間たっても届きません。配送状況も分からず本当に困っています。', receivedAt: '2026-11-10T10:00:00+09:00' },
          { email: 'hanako.haisou@daicho-test.jp', name: '配送 花子', text: '注文した商品が一週間たっても届きません。配送状況も分からず本当に困っています！', receivedAt: '2026-11-11T11:00:00+09:00' },
          { email: 'jiro.konpou@daicho-test.jp', name: '梱包 次郎', text: '梱包が雑で箱が潰れて届きました。最悪です。', receivedAt: '2026-11-12T09:30:00+09:00' },
          { email: 'yumi.orei@daicho-test.jp', name: '御礼 由美', text: '配送がとても早くて助かりました。ありがとうございます。', receivedAt: '2026-11-13T15:00:00+09:00' },
          // The week before: not in this digest.
          { email: 'taro.kizon@daicho-test.jp', text: '先週の配送遅延について、まだ返事がありません。困っています。', receivedAt: '2026-11-06T10:00:00+09:00' },
        ];
        for (const [i, w] of week.entries()) {
          const res = await admin.json('POST', '/api/v1/voice/items', { ...w, externalId: `digest-${i}` });
          assert.equal(res.status, 201, JSON.stringify(res.body));
          assert.equal(res.body.item.teamId, team.body.id, `routed: ${w.text}`);
        }

        const now = new Date('2026-11-16T01:00:00Z'); // Monday 10:00 in Japan: last week is over
        const stored = await storeWeeklyDigests(db(), { smtpUrl: `smtp://127.0.0.1:${smtp.port}`, publicUrl: PUBLIC }, now);
        assert.equal(stored, 3, 'everyone\'s and each team\'s');
        assert.equal(smtp.received.length, 1, 'only the team with someone to mail');
        const { to, mail } = smtp.received[0]!;
        assert.deepEqual(to.sort(), [marketing.email, 'haisou-team@daicho-test.jp'].sort());
        assert.equal(mail.subject, '【顧客の声】配送品質チーム 週次ダイジェスト 2026-11-09');
        assert.equal(mail.from?.value[0]?.address, 'support@daicho-test.jp');
        const text = mail.text ?? '';
        assert.match(text, /2026-11-09〜2026-11-15/);
        assert.match(text, /件数: 4 \(肯定的 1 \/ 中立 0 \/ 否定的 3\)/, text);
        assert.match(text, /配送: 4 件 \(否定的 3\)/, text);
        assert.match(text, /類似: ＊＊＊ \(2 件\)/, 'the new theme, its quoting label masked');
        assert.match(text, /最も否定的な声 \(3 件/);
        const ids = (await db().selectFrom('voice_items').select(['id', 'text']).execute());
        for (const needle of ['一週間たっても届きません。配送状況も分からず本当に困っています。', '箱が潰れて']) {
          const id = ids.find((r) => r.text.includes(needle))!.id;
          assert.ok(text.includes(`${PUBLIC}/voice/${id}`), `links to ${needle}`);
        }
        assert.match(text, /2026-11-12 09:30 梱包 次郎 感情スコア -/);
        assert.doesNotMatch(text, /箱が潰れて|本当に困っています|先週の配送遅延/, 'no item text in the mail');
        assert.ok(!text.includes('御礼'), 'a positive item is not among the most negative');

        const digests = await admin.json('GET', `/api/v1/voice/digests?teamId=${team.body.id}`);
        assert.equal(digests.body.items.length, 1);
        assert.ok(digests.body.items[0].emailedAt, 'marked as mailed');
        assert.equal(digests.body.items[0].content.total, 4);

        // Idempotent for the week: no second digest, no second mail.
        assert.equal(await storeWeeklyDigests(db(), { smtpUrl: `smtp://127.0.0.1:${smtp.port}`, publicUrl: PUBLIC }, new Date('2026-11-16T05:00:00Z')), 0);
        assert.equal(smtp.received.length, 1);
      } finally {
        await smtp.close();
      }
    });

    test('a reply through SMTP reaches the customer; a refusal and a missing sender name what failed (field), and nothing is recorded', async () => {
      const smtp = await startSmtp();
      const auth = { userId: marketing.userId, email: marketing.email, displayName: 'marketing', role: 'marketing' as const, via: 'api_key' as const, apiKeyId: null, csrfToken: null };
      const config = { smtpUrl: `smtp://127.0.0.1:${smtp.port}` };
      try {
        const id = created[0]!;
        const sent = await reply(db(), config, id, { subject: 'Re: 注文した商品が届きません', body: 'ご不便をおかけしております。本日発送いたしました。', markDone: false }, auth, { auth, ip: null, userAgent: 'test' });
        assert.equal(sent.replies.length, 1);
        assert.equal(sent.replies[0]!.transport, 'smtp');
        assert.equal(smtp.received.length, 1);
        assert.deepEqual(smtp.received[0]!.to, ['taro.kizon@daicho-test.jp']);
        assert.match(smtp.received[0]!.mail.text ?? '', /本日発送いたしました/);

        // An item from an address the server refuses: a conflict naming the SMTP answer; no reply stored.
        const refused = await admin.json('POST', '/api/v1/voice/items', { email: 'refused@daicho-test.jp', name: '拒否 一郎', text: '返信が届かない宛先です。' });
        assert.equal(refused.status, 201);
        await assert.rejects(
          reply(db(), config, refused.body.item.id, { subject: 'Re', body: '返信', markDone: false }, auth, { auth, ip: null, userAgent: 'test' }),
          (e: unknown) => e instanceof AppError && e.code === 'conflict' && e.fieldErrors[0]?.field === 'smtp' && /5\.1\.1|550/.test(e.fieldErrors[0].message),
        );
        assert.equal((await admin.json('GET', `/api/v1/voice/items/${refused.body.item.id}`)).body.replies.length, 0);

        await sql`UPDATE messaging_settings SET from_email = ''`.execute(db());
        const missing = await marketing.json('POST', `/api/v1/voice/items/${id}/reply`, { subject: 'Re', body: '返信' });
        assert.equal(missing.status, 409);
        assert.equal(missing.body.errors?.[0]?.field, 'fromEmail', JSON.stringify(missing.body));
      } finally {
        await sql`UPDATE messaging_settings SET from_email = 'support@daicho-test.jp'`.execute(db());
        await smtp.close();
      }
    });
  });
}
