import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import iconv from 'iconv-lite';
import { ingestRecords } from '../../../src/resolution/staging.ts';
import { writeAudience } from '../../../src/use/campaigns/campaigns.service.ts';
import { prepareCampaign } from '../../../src/use/campaigns/prepare.service.ts';
import { auditEntriesOf } from '../../../src/ledger/privacy/subject.repository.ts';
import { ENGINES } from '../../support/engines.ts';
import { startTestApp, type Client, type TestApp } from '../../support/app.ts';

const actor = { auth: null, ip: null, userAgent: 'test' };

/**
 * Audience resolution on a small ledger where each person stands for one rule:
 *  meishi (business_card): 名刺 A (send), 名刺 D (opted out later), 名刺 H (hard bounce), 名刺 J (card says j1@, golden e-mail j2@: no basis)
 *  web (none): B (no basis), C (opt-in), G (opt-in, same address as C: duplicate), I (opt-in, capped), E (no e-mail), F (bad e-mail)
 *  DM: P1/P2 one household, P3 no address, P4 DM opt-out, P5 post returned
 */
for (const engine of ENGINES) {
  describe(`campaign audience [${engine}]`, () => {
    let t: TestApp;
    let admin: Client;
    let viewer: Client;
    const ids: Record<string, string> = {};
    const consent = async (who: string, purpose: string, state: string, at = '2026-01-01T00:00:00Z') => {
      await sql`INSERT INTO consents (customer_id, purpose, granted, purpose_code, state, method, recorded_at)
        VALUES (${ids[who]!}::uuid, ${purpose}, ${state === 'granted'}, ${purpose}, ${state}, 'staff', ${at}::timestamptz)`.execute(t.database.db);
    };

    before(async () => {
      t = await startTestApp(engine);
      admin = await t.as('admin');
      viewer = await t.as('viewer');
      const db = t.database.db;
      const meishi = await ingestRecords(db, {
        source: { name: 'meishi', label: '名刺', kind: 'file_import' },
        records: [
          { externalId: 'A', fields: { full_name: '青木 亜美', email: 'aoki@daicho-test.jp' } },
          { externalId: 'D', fields: { full_name: '土屋 大輔', email: 'tsuchiya@daicho-test.jp' } },
          { externalId: 'H', fields: { full_name: '浜田 弘', email: 'hamada@daicho-test.jp' } },
          { externalId: 'J', fields: { full_name: '上野 純', email: 'ueno1@daicho-test.jp' } },
        ],
        actor,
      });
      const web = await ingestRecords(db, {
        source: { name: 'web', label: 'ウェブ', kind: 'file_import' },
        records: [
          { externalId: 'B', fields: { full_name: '馬場 文', email: 'baba@daicho-test.jp' } },
          { externalId: 'C', fields: { full_name: '千葉 千尋', email: 'family@daicho-test.jp' } },
          { externalId: 'G', fields: { full_name: '後藤 剛', email: 'goto@daicho-test.jp', birth_date: '1980-01-01' } },
          { externalId: 'I', fields: { full_name: '井上 一郎', email: 'inoue@daicho-test.jp' } },
          { externalId: 'E', fields: { full_name: '江藤 恵', phone: '090-1234-5678' } },
          { externalId: 'F', fields: { full_name: '福田 文子', email: 'fukuda@daicho-test.jp' } },
          { externalId: 'P1', fields: { full_name: '山田 太郎', postal_code: '100-0005', prefecture: '東京都', address: '千代田区丸の内1-1-1' } },
          { externalId: 'P2', fields: { full_name: '山田 花子', postal_code: '1000005', prefecture: '東京都', address: '千代田区丸の内１－１－１' } },
          { externalId: 'P3', fields: { full_name: '佐藤 三郎', prefecture: '大阪府' } },
          { externalId: 'P4', fields: { full_name: '鈴木 四郎', postal_code: '530-0001', prefecture: '大阪府', address: '大阪市北区梅田1-1' } },
          { externalId: 'P5', fields: { full_name: '高橋 五郎', postal_code: '460-0008', prefecture: '愛知県', address: '名古屋市中区栄1-1' } },
        ],
        actor,
      });
      for (const l of [...meishi, ...web]) ids[l.externalId] = l.customerId;
      assert.equal(new Set(Object.values(ids)).size, 15, 'fifteen different people');
      await sql`UPDATE sources SET email_basis = 'business_card' WHERE name = 'meishi'`.execute(db);
      // G shares C's family address (a manual edit); J's golden e-mail is not the one on the card; F's is malformed.
      for (const [who, email] of [['G', 'family@daicho-test.jp'], ['J', 'ueno2@daicho-test.jp']] as const) {
        const res = await admin.json('PATCH', `/api/v1/customers/${ids[who]!}`, { email });
        assert.equal(res.status, 200, JSON.stringify(res.body));
      }
      await sql`UPDATE customers SET email = 'fukuda@' WHERE id = ${ids.F!}::uuid`.execute(db);
      for (const who of ['C', 'G', 'I']) await consent(who, 'email_marketing', 'granted');
      await consent('D', 'email_marketing', 'withdrawn', '2026-03-01T00:00:00Z');
      await consent('P4', 'dm', 'withdrawn');
      await sql`INSERT INTO contact_suppressions (channel, address_key, reason) VALUES ('email', 'hamada@daicho-test.jp', 'hard_bounce')`.execute(db);
      // I got two marketing e-mails this week from another department's campaign: the cap (2 a week) is reached.
      for (const n of [1, 2]) {
        const other = await admin.json('POST', '/api/v1/campaigns', { name: `他部署の配信 ${n}`, channel: 'email', subject: 's', bodyText: 'b' });
        assert.equal(other.status, 201, JSON.stringify(other.body));
        await sql`INSERT INTO campaign_messages (campaign_id, customer_id, channel, address, status, token, sent_at)
          VALUES (${other.body.id}::uuid, ${ids.I!}::uuid, 'email', 'inoue@daicho-test.jp', 'sent', ${`tok-${n}`}, now() - interval '1 day')`.execute(db);
      }
    });
    after(async () => { await t?.close(); });

    test('each person of the e-mail audience gets the reason that applies, one message per address', async () => {
      const rows: string[][] = [];
      const summary = await writeAudience(t.database.db, { channel: 'email' }, async (cells) => { rows.push(cells); });
      const by = new Map(rows.map((r) => [r[0], r]));
      const reasonOf = (who: string) => by.get(ids[who]!)?.[3];
      assert.equal(reasonOf('A'), '', 'business card covers the address on the card');
      assert.equal(by.get(ids.A!)?.[2], 'send');
      assert.equal(reasonOf('B'), 'no_basis');
      assert.deepEqual([reasonOf('C'), reasonOf('G')].sort(), ['', 'duplicate_address'], 'one message for the shared address');
      assert.equal(reasonOf('D'), 'opted_out');
      assert.equal(reasonOf('E'), 'no_address');
      assert.equal(reasonOf('F'), 'invalid_address');
      assert.equal(reasonOf('H'), 'bounced');
      assert.equal(reasonOf('I'), 'frequency_cap');
      assert.equal(reasonOf('J'), 'no_basis', 'a card covers only its own address');
      assert.equal(reasonOf('P1'), 'no_address');
      assert.equal(summary.considered, 15);
      assert.equal(summary.send, 2);
      assert.equal(rows.length, 15);
    });

    test('DM: one piece per household, opt-out and returned post suppress', async () => {
      const db = t.database.db;
      // P5's post came back: reported through the API, it suppresses the household.
      const returned = await admin.json('POST', '/api/v1/campaigns/returned-mail', { customerId: ids.P5!, detail: '転居先不明' });
      assert.equal(returned.status, 204, JSON.stringify(returned.body));
      assert.equal((await admin.json('POST', '/api/v1/campaigns/returned-mail', { customerId: ids.P3! })).status, 409, 'no address to suppress');
      assert.equal((await viewer.json('POST', '/api/v1/campaigns/returned-mail', { customerId: ids.P5! })).status, 403);
      const timeline = await admin.json('GET', `/api/v1/customers/${ids.P5!}/activities`);
      assert.ok((timeline.body.items as Array<{ type: string }>).some((a) => a.type === 'dm_returned'));
      const rows: string[][] = [];
      const summary = await writeAudience(db, { channel: 'dm' }, async (cells) => { rows.push(cells); });
      const reasonOf = (who: string) => rows.find((r) => r[0] === ids[who])?.[3];
      assert.deepEqual([reasonOf('P1'), reasonOf('P2')].sort(), ['', 'duplicate_household'], 'one piece for the household written two ways');
      assert.equal(reasonOf('P3'), 'no_address');
      assert.equal(reasonOf('P4'), 'opted_out');
      assert.equal(reasonOf('P5'), 'bounced');
      assert.equal(summary.send, 1);
      assert.match(rows.find((r) => r[0] === ids.P1)![1]!, /〒100-?0005 東京都千代田区丸の内/u);
      assert.match(rows.find((r) => r[0] === ids.P2)![1]!, /〒100-?0005 東京都千代田区丸の内/u);
    });

    test('a segment narrows the audience; a bad definition is a 400-style error with its path', async () => {
      const rows: string[][] = [];
      const summary = await writeAudience(t.database.db, { channel: 'email', definition: { type: 'and', conditions: [{ type: 'source', source: 'meishi', op: 'has_record' }] } }, async (cells) => { rows.push(cells); });
      assert.equal(summary.considered, 4);
      await assert.rejects(writeAudience(t.database.db, { channel: 'email', definition: { type: 'and', conditions: [{ type: 'source', source: 'nope', op: 'has_record' }] } }, async () => {}),
        (e: { fieldErrors?: Array<{ field: string }> }) => { assert.match(e.fieldErrors?.[0]?.field ?? '', /conditions\[0\]\.source$/u); return true; });
    });

    test('API: preview counts per reason, start stores the audience once, DM list in CP932 marks pieces mailed', async () => {
      const db = t.database.db;
      const preview = await admin.json('POST', '/api/v1/campaigns/audience', { channel: 'email', segmentIds: [] });
      assert.equal(preview.status, 200, JSON.stringify(preview.body));
      assert.equal(preview.body.send, 2, JSON.stringify(preview.body));
      const reasons = Object.fromEntries((preview.body.suppressed as Array<{ reason: string; count: number }>).map((s) => [s.reason, s.count]));
      assert.equal(reasons.no_basis, 2);
      assert.equal(reasons.duplicate_address, 1);

      const bad = await admin.json('POST', '/api/v1/campaigns', { name: '', channel: 'email' });
      assert.equal(bad.status, 400);
      const unknownSegment = await admin.json('POST', '/api/v1/campaigns', { name: 'x', channel: 'email', segmentIds: ['00000000-0000-4000-8000-000000000000'] });
      assert.equal(unknownSegment.status, 400);
      assert.equal(unknownSegment.body.errors?.[0]?.field ?? unknownSegment.body.fieldErrors?.[0]?.field, 'segmentIds[0]');

      const created = await admin.json('POST', '/api/v1/campaigns', { name: '春の DM', channel: 'dm' });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const id = created.body.id as string;
      assert.equal((await viewer.json('POST', `/api/v1/campaigns/${id}/start`, {})).status, 403);
      const early = await admin.request('GET', `/api/v1/campaigns/${id}/dm-list`);
      assert.equal(early.status, 409);
      const started = await admin.json('POST', `/api/v1/campaigns/${id}/start`, {});
      assert.equal(started.status, 200, JSON.stringify(started.body));
      assert.equal(started.body.status, 'preparing', 'the start returns at once; the audience is stored in the background');
      assert.deepEqual(started.body.preparation, { total: null, prepared: 0 });
      assert.equal(started.body.counts.considered, 0);
      assert.equal((await admin.json('POST', `/api/v1/campaigns/${id}/start`, {})).status, 409, 'started once');
      assert.equal(await prepareCampaign(db, id, { worker: 'test', staleAfterMs: 60_000 }), 'done');
      const prepared = await admin.json('GET', `/api/v1/campaigns/${id}`);
      assert.equal(prepared.body.status, 'sending');
      assert.deepEqual(prepared.body.preparation, { total: 15, prepared: 15 });
      assert.equal(prepared.body.counts.queued, 1);
      assert.equal(prepared.body.counts.considered, 15);
      const list = await viewer.json('GET', `/api/v1/campaigns/${id}/audience/list?status=suppressed&reason=duplicate_household`);
      assert.equal(list.status, 200);
      assert.equal(list.body.items.length, 1);
      assert.notEqual(list.body.items[0].address, null);
      assert.doesNotMatch(list.body.items[0].address, /丸の内/u, 'masked for a viewer');

      const csv = await admin.request('GET', `/api/v1/campaigns/${id}/dm-list?encoding=cp932`);
      assert.equal(csv.status, 200);
      const text = iconv.decode(Buffer.from(await csv.arrayBuffer()), 'cp932');
      const lines = text.trim().split(/\r\n/u);
      assert.equal(lines[0], '郵便番号,住所1,住所2,会社名,部署,役職,氏名,敬称,顧客ID');
      assert.equal(lines.length, 2);
      assert.match(lines[1]!, /^100-0005,東京都千代田区丸の内1-1-1,,,,,山田 (太郎|花子),様,/u);
      const after = await admin.json('GET', `/api/v1/campaigns/${id}`);
      assert.equal(after.body.status, 'done');
      assert.equal(after.body.counts.sent, 1);
      const addressed = lines[1]!.split(',')[8]!;
      const timeline = await admin.json('GET', `/api/v1/customers/${addressed}/activities`);
      assert.ok((timeline.body.items as Array<{ type: string }>).some((a) => a.type === 'dm_mailed'), 'the mailing is on the timeline');
      const labels = await admin.request('GET', `/api/v1/campaigns/${id}/labels?layout=24`);
      assert.equal(labels.status, 200);
      assert.match(await labels.text(), /山田 (太郎|花子) 様/u);
      // Both outputs record whom they carried: the addressed person's disclosure lists them.
      const carried = (await auditEntriesOf(db, [addressed])).map((e) => e.action);
      assert.ok(carried.includes('export.dm_list') && carried.includes('export.dm_labels'), JSON.stringify(carried));
    });
  });
}
