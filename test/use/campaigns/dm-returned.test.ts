import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import iconv from 'iconv-lite';
import { ingestRecords } from '../../../src/resolution/staging.ts';
import { prepareCampaign } from '../../../src/use/campaigns/prepare.service.ts';
import { ENGINES } from '../../support/engines.ts';
import { startTestApp, type Client, type TestApp } from '../../support/app.ts';

const actor = { auth: null, ip: null, userAgent: 'test' };

/**
 * Returned DM (宛先不明) uploaded as a CSV on the campaign's DM page: rows found by 顧客ID or by 〒 + address (+ name)
 * as the exported list prints them, each marked returned like the per-customer button; every row reported.
 */
for (const engine of ENGINES) {
  describe(`returned DM as a CSV [${engine}]`, () => {
    let t: TestApp;
    let admin: Client;
    let viewer: Client;
    const ids: Record<string, string> = {};
    let campaignId: string;
    const db = () => t.database.db;
    const upload = (id: string, text: string, who: Client = admin, encoding: 'utf-8' | 'cp932' = 'utf-8') =>
      who.request('POST', `/api/v1/campaigns/${id}/returned-mail`, new Uint8Array(encoding === 'cp932' ? iconv.encode(text, 'cp932') : Buffer.from(text, 'utf8')), { 'content-type': 'text/csv' })
        .then(async (r) => ({ status: r.status, body: await r.json() as any }));

    before(async () => {
      t = await startTestApp(engine);
      admin = await t.as('admin');
      viewer = await t.as('viewer');
      const linked = await ingestRecords(db(), {
        source: { name: 'crm', label: 'CRM', kind: 'file_import' },
        records: [
          { externalId: 'R1', fields: { full_name: '山田 太郎', postal_code: '100-0005', prefecture: '東京都', address: '千代田区丸の内1-1-1' } },
          { externalId: 'R2', fields: { full_name: '佐藤 花子', postal_code: '530-0001', prefecture: '大阪府', address: '大阪市北区梅田2-2' } },
          { externalId: 'R3', fields: { full_name: '鈴木 一郎', postal_code: '460-0008', prefecture: '愛知県', address: '名古屋市中区栄3-3' } },
          { externalId: 'R4', fields: { full_name: '田中 次郎', postal_code: '812-0011', prefecture: '福岡県', address: '福岡市博多区博多駅前4-4' } },
          { externalId: 'OUT', fields: { full_name: '小林 三郎', postal_code: '060-0001', prefecture: '北海道', address: '札幌市中央区北一条西5-5' } },
        ],
        actor,
      });
      for (const l of linked) ids[l.externalId] = l.customerId;
      // OUT opted out of DM: not in the list.
      await sql`INSERT INTO consents (customer_id, purpose, granted, purpose_code, state, method, recorded_at)
        VALUES (${ids.OUT!}::uuid, 'dm', false, 'dm', 'withdrawn', 'staff', now() - interval '1 day')`.execute(db());
      const created = await admin.json('POST', '/api/v1/campaigns', { name: '年末の DM', channel: 'dm' });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      campaignId = created.body.id;
      assert.equal((await admin.json('POST', `/api/v1/campaigns/${campaignId}/start`, {})).status, 200);
      assert.equal(await prepareCampaign(db(), campaignId, { worker: 'test', staleAfterMs: 60_000 }), 'done');
    });
    after(async () => { await t.close(); });

    test('before the list is downloaded nothing was mailed: rows are reported, nothing is marked; the button is refused too', async () => {
      const early = await upload(campaignId, `顧客ID\n${ids.R1}\n`);
      assert.equal(early.status, 200, JSON.stringify(early.body));
      assert.deepEqual(early.body.lines.map((l: any) => [l.line, l.status, l.reason]), [[2, 'not_found', 'not_mailed']]);
      const button = await admin.json('POST', '/api/v1/campaigns/returned-mail', { customerId: ids.R1, campaignId });
      assert.equal(button.status, 409, 'no DM of this campaign was mailed yet');
    });

    test('rows by 顧客ID, by 〒 + 住所 + 氏名 as printed, by 〒 + 住所 alone; unknown ones reported with line and reason', async () => {
      const list = await admin.request('GET', `/api/v1/campaigns/${campaignId}/dm-list?encoding=cp932`);
      assert.equal(list.status, 200);
      const lines = iconv.decode(Buffer.from(await list.arrayBuffer()), 'cp932').trim().split(/\r\n/u);
      assert.equal(lines.length, 5, 'four pieces and the header');
      const r1 = lines.find((l) => l.endsWith(ids.R1!))!;
      // The returned pieces as a user has them: one line of the exported list as it is, one typed from the envelope
      // (full-width digits, the honorific, no 顧客ID), one with the address only; then lines that match nothing.
      const csv = [
        '郵便番号,住所1,住所2,会社名,部署,役職,氏名,敬称,顧客ID',
        r1,
        '５３０－０００１,大阪府大阪市北区梅田２－２,,,,,佐藤　花子 様,,',
        '460-0008,愛知県名古屋市中区栄3-3,,,,,,,',
        ',,,,,,,,00000000-0000-4000-8000-000000000000',
        '999-9999,沖縄県那覇市泉崎1-1,,,,,比嘉 四郎,様,',
        '812-0011,福岡県福岡市博多区博多駅前4-4,,,,,田中 花子,様,',
        ',,,,,,山田 太郎,様,',
        '',
        r1,
      ].join('\r\n');
      const res = await upload(campaignId, csv, admin, 'cp932');
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual({ rows: res.body.rows, matched: res.body.matched, already: res.body.alreadyReturned, notFound: res.body.notFound }, { rows: 8, matched: 3, already: 1, notFound: 4 });
      assert.deepEqual(res.body.lines.map((l: any) => [l.line, l.status, l.reason, l.customerId]), [
        [2, 'matched', null, ids.R1],
        [3, 'matched', null, ids.R2],
        [4, 'matched', null, ids.R3],
        [5, 'not_found', 'not_in_list', null],
        [6, 'not_found', 'not_in_list', null],
        [7, 'not_found', 'not_in_list', null],
        [8, 'not_found', 'no_key', null],
        [10, 'already_returned', null, ids.R1],
      ]);
      assert.match(res.body.lines[3].message, /DM の送付リストにありません/u);
      // Marked exactly as the button does: the household suppressed for later DMs, on the timeline, audited.
      const suppressed = await db().selectFrom('contact_suppressions').select(['customer_id', 'reason', 'campaign_id']).where('channel', '=', 'dm').orderBy('id').execute();
      assert.deepEqual(suppressed.map((s) => [s.customer_id, s.reason, s.campaign_id]), [ids.R1, ids.R2, ids.R3].map((c) => [c, 'returned_mail', campaignId]));
      const timeline = await admin.json('GET', `/api/v1/customers/${ids.R2!}/activities`);
      assert.ok((timeline.body.items as Array<{ type: string }>).some((a) => a.type === 'dm_returned'));
      const audit = await db().selectFrom('audit_log').select('action').where('action', 'in', ['campaign.returned_mail', 'campaign.returned_mail_import']).execute();
      assert.equal(audit.filter((a) => a.action === 'campaign.returned_mail').length, 3);
      assert.equal(audit.filter((a) => a.action === 'campaign.returned_mail_import').length, 2);
      // The campaign's pieces say which came back (the UI hides 「返送」 on them).
      const msgs = await admin.json('GET', `/api/v1/campaigns/${campaignId}/messages`);
      const returned = (msgs.body.items as Array<{ customerId: string; returnedAt: string | null }>).filter((m) => m.returnedAt !== null).map((m) => m.customerId).sort();
      assert.deepEqual(returned, [ids.R1, ids.R2, ids.R3].sort());
      // The same file again marks nothing twice.
      const again = await upload(campaignId, csv, admin, 'cp932');
      assert.equal(again.body.matched, 0);
      assert.equal(again.body.alreadyReturned, 4);
      assert.equal((await db().selectFrom('contact_suppressions').select('id').where('channel', '=', 'dm').execute()).length, 3);
    });

    test('a file without a usable header is a 400; viewers may not; an e-mail campaign is a 409; the button refuses a customer not mailed', async () => {
      const bad = await upload(campaignId, '名前,電話\n山田,090-3456-7812\n');
      assert.equal(bad.status, 400, JSON.stringify(bad.body));
      assert.match(bad.body.title, /顧客ID/u);
      assert.equal((await upload(campaignId, '')).status, 400);
      assert.equal((await upload(campaignId, `顧客ID\n${ids.R4}\n`, viewer)).status, 403);
      const email = await admin.json('POST', '/api/v1/campaigns', { name: 'メール', channel: 'email', subject: 's', bodyText: 'b' });
      assert.equal((await upload(email.body.id, `顧客ID\n${ids.R4}\n`)).status, 409);
      const notInCampaign = await admin.json('POST', '/api/v1/campaigns/returned-mail', { customerId: ids.OUT, campaignId });
      assert.equal(notInCampaign.status, 409);
    });
  });
}
