import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { sql } from 'kysely';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../../../src/db/database.ts';
import { parseImportProfile } from '../../../src/domain/import/profile.ts';
import { runImport } from '../../../src/intake/files/import.service.ts';
import { findUpload, storeUpload, uploadRoot } from '../../../src/intake/files/uploads.ts';
import { privacyParts } from '../../../src/app/privacy-parts.ts';
import { startDisclosure } from '../../../src/ledger/privacy/disclosure.service.ts';
import { audienceSql, EVERYONE } from '../../../src/use/campaigns/audience.repository.ts';
import { ENGINES } from '../../support/engines.ts';
import { drainJobs } from '../../support/jobs.ts';
import { startTestApp, type Client, type TestApp } from '../../support/app.ts';

const operator = { auth: null, ip: null, userAgent: 'test' };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-privacy-'));
// The import wizard's uploads go to a folder of this test's own (read by uploadRoot() at each call).
process.env.DAICHO_UPLOAD_DIR = path.join(dir, 'uploads');
const HEADER = '会員ID,氏名,メール,電話,郵便番号,住所,生年月日';
const YAMADA = 'M1,山田 太郎,taro.yamada@daicho-test.jp,03-1111-2222,150-0001,東京都渋谷区神宮前九丁目八番七号,1980-04-01';
const SUZUKI = 'M2,鈴木 花子,hanako.suzuki@daicho-test.jp,06-3333-4444,530-0001,大阪府大阪市北区梅田一丁目二番三号,1985-05-05';
const FILE = path.join(dir, 'members.csv');
fs.writeFileSync(FILE, [HEADER, YAMADA, SUZUKI].join('\n') + '\n');
// The same person again, from another export with other ids: after the erasure it must be flagged.
const AGAIN = path.join(dir, 'again.csv');
fs.writeFileSync(AGAIN, [HEADER, YAMADA.replace('M1,', 'X9,')].join('\n') + '\n');
const PROFILE = parseImportProfile({
  source: 'members', id_column: '会員ID',
  fields: { full_name: '氏名', email: 'メール', phone: '電話', postal_code: '郵便番号', address: '住所', birth_date: '生年月日' },
});
/** What must be gone after the erasure, in every form Daicho stores it. */
const HANAKO = { name: '鈴木 花子', contact: '06-3333-4444' };
const ERASED_VALUES = ['山田', 'taro.yamada', '1111-2222', '+81311112222', '神宮前九丁目', '1980-04-01'];

for (const engine of ENGINES) {
  describe(`APPI requests [${engine}]`, () => {
    let t: TestApp;
    let db: Db;
    let admin: Client;
    let sales: Client;
    const customerOf = async (externalId: string) =>
      (await db.selectFrom('source_records').select('customer_id').where('external_id', '=', externalId).executeTakeFirstOrThrow()).customer_id!;
    const request = async (kind: string, customerIds: string[], requester = { name: '山田 太郎', contact: 'taro.yamada@daicho-test.jp' }) => {
      const r = await admin.json('POST', '/api/v1/privacy/requests', {
        kind, receivedOn: '2026-12-01', requesterName: requester.name, requesterContact: requester.contact,
        identityVerifiedBy: admin.userId, identityVerifiedAt: '2026-12-01T10:00:00+09:00', identityMethod: '運転免許証の写し', customerIds,
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body as { id: string; dueOn: string; customers: Array<{ customerId: string }> };
    };

    before(async () => {
      t = await startTestApp(engine);
      db = t.database.db;
      admin = await t.as('admin');
      sales = await t.as('sales');
      const summary = await runImport(db, { filePath: FILE, profile: PROFILE, actor: operator });
      assert.equal(summary.new, 2);
    });
    after(async () => t.close());

    test('the inbox: due date defaults to received + 14 days, bad input is a 400 with its path, sales may not enter', async () => {
      const yamada = await customerOf('M1');
      const r = await request('disclosure', [yamada]);
      assert.equal(r.dueOn, '2026-12-15');
      const bad = await admin.json('POST', '/api/v1/privacy/requests', { kind: 'erasure', receivedOn: '2026-02-30', requesterName: '', customerIds: ['00000000-0000-4000-8000-000000000000'] });
      assert.equal(bad.status, 400);
      const fields = (bad.body.errors as Array<{ field: string }>).map((e) => e.field).sort();
      assert.ok(fields.includes('receivedOn') && fields.includes('requesterName'), JSON.stringify(bad.body));
      const unknown = await admin.json('POST', '/api/v1/privacy/requests', { kind: 'erasure', receivedOn: '2026-12-01', requesterName: 'x', customerIds: ['00000000-0000-4000-8000-000000000000'] });
      assert.equal(unknown.status, 400);
      assert.equal(unknown.body.errors[0].field, 'customerIds[0]');
      assert.equal((await sales.json('GET', '/api/v1/privacy/requests')).status, 403);
      const list = await admin.json('GET', '/api/v1/privacy/requests');
      assert.equal(list.body.items[0].id, r.id);
      const audited = await db.selectFrom('audit_log').select('action').where('entity_id', '=', r.id).execute();
      assert.deepEqual(audited.map((a) => a.action), ['privacy.request.create']);
    });

    test('disclosure: the bundle holds the golden record, the records as received, consents, segments; downloads are audited', async () => {
      const yamada = await customerOf('M1');
      const seg = await admin.json('POST', '/api/v1/segments', { name: '東京都', definition: { type: 'attribute', field: 'prefecture', op: 'eq', value: '東京都' } });
      assert.equal(seg.status, 201, JSON.stringify(seg.body));
      assert.equal((await admin.json('POST', `/api/v1/customers/${yamada}/consents`, { purposeCode: 'email_marketing', state: 'granted' })).status, 201);
      const r = await request('disclosure', [yamada]);
      const { report, jobId } = await startDisclosure(db, r.id, { auth: null, ip: null, userAgent: 'test' }, privacyParts());
      assert.equal((await admin.json('GET', `/api/v1/privacy/disclosures/${report.id}`)).body.status, 'running', 'queued: a worker writes it');
      await drainJobs({ handle: t.database });
      assert.equal((await db.selectFrom('jobs').select('status').where('id', '=', jobId).executeTakeFirstOrThrow()).status, 'done');
      const status = await admin.json('GET', `/api/v1/privacy/disclosures/${report.id}`);
      assert.equal(status.body.status, 'ready', JSON.stringify(status.body));
      assert.equal(status.body.sectionsDone, status.body.sectionsTotal);
      const json = await admin.request('GET', `/api/v1/privacy/disclosures/${report.id}/report.json`);
      assert.equal(json.status, 200);
      const bundle = await json.json() as { customerIds: string[]; sections: Array<{ key: string; rows: Array<Record<string, unknown>> }> };
      const section = (key: string) => bundle.sections.find((s) => s.key === key)!.rows;
      assert.deepEqual(bundle.customerIds, [yamada]);
      assert.equal(section('golden')[0]!.email, 'taro.yamada@daicho-test.jp');
      assert.ok(section('golden')[0]!.provenance, 'provenance is disclosed');
      assert.equal((section('source_records')[0]!.raw as Record<string, string>)['住所'], '東京都渋谷区神宮前九丁目八番七号');
      assert.deepEqual(section('consents').map((c) => [c.purpose_code, c.state]), [['email_marketing', 'granted']]);
      assert.deepEqual(section('segments').map((s) => s.segment), ['東京都']);
      assert.ok(section('activities').length >= 1);
      const html = await admin.request('GET', `/api/v1/privacy/disclosures/${report.id}/report.html`);
      const page = await html.text();
      assert.match(page, /保有個人データの開示/u);
      assert.match(page, /taro\.yamada@daicho-test\.jp/u);
      assert.doesNotMatch(page, /<script/u);
      const downloads = await db.selectFrom('audit_log').select('details').where('action', '=', 'privacy.disclosure.download').execute();
      assert.deepEqual(downloads.map((d) => (d.details as { format: string }).format).sort(), ['html', 'json']);
    });

    test('stop use: left out of segments and exports, in audiences as use_stopped, visible on the customer; resume lifts it', async () => {
      const suzuki = await customerOf('M2');
      const r = await request('stop_use', [suzuki], HANAKO);
      const count = async () => (await admin.json('POST', '/api/v1/segments/count', { definition: { type: 'has', field: 'email' } })).body.count as number;
      assert.equal(await count(), 2);
      assert.equal((await admin.json('POST', `/api/v1/privacy/requests/${r.id}/stop-use`)).body.customers, 1);
      assert.equal(await count(), 1, 'segment counts leave the stopped person out');
      const audience = await audienceSql('email', EVERYONE, { capCount: 100, capDays: 30, now: new Date() }).execute(db);
      assert.equal(audience.rows.find((a) => a.customer_id === suzuki)?.reason, 'use_stopped');
      const csv = await (await admin.request('GET', '/api/v1/exports/customers.csv')).text();
      assert.doesNotMatch(csv, /hanako\.suzuki/u);
      assert.match(csv, /taro\.yamada/u);
      const banner = await sales.json('GET', `/api/v1/customers/${suzuki}/use-stop`);
      assert.equal(banner.body.requestId, r.id);
      await admin.json('POST', `/api/v1/privacy/requests/${r.id}/resume-use`);
      assert.equal(await count(), 2);
      assert.equal((await sales.json('GET', `/api/v1/customers/${suzuki}/use-stop`)).body.requestId, null);
    });

    test('exports record the customers they carried; the disclosure report lists the exports of the person', async () => {
      const yamada = await customerOf('M1');
      const csv = await (await admin.request('GET', '/api/v1/exports/customers.csv')).text();
      assert.match(csv, /taro\.yamada/u);
      const entry = await db.selectFrom('audit_log').select(['details', 'occurred_at']).where('action', '=', 'export.customers')
        .orderBy('id', 'desc').executeTakeFirstOrThrow();
      const details = entry.details as { exportId: string; customers: number; rows: number };
      assert.equal(details.customers, details.rows);
      const carried = await db.selectFrom('export_customers').select('customer_id').where('export_id', '=', details.exportId).execute();
      assert.equal(carried.length, details.rows);
      assert.ok(carried.some((c) => c.customer_id === yamada));
      const r = await request('disclosure', [yamada]);
      const { report } = await startDisclosure(db, r.id, operator, privacyParts());
      await drainJobs({ handle: t.database });
      const bundle = await (await admin.request('GET', `/api/v1/privacy/disclosures/${report.id}/report.json`)).json() as { sections: Array<{ key: string; rows: Array<Record<string, unknown>> }> };
      const exports = bundle.sections.find((s) => s.key === 'audit')!.rows.filter((e) => String(e.action).startsWith('export.'));
      assert.ok(exports.length >= 1, JSON.stringify(bundle.sections.find((s) => s.key === 'audit')));
      assert.equal(exports[exports.length - 1]!.actor_label, admin.email);
      const html = await (await admin.request('GET', `/api/v1/privacy/disclosures/${report.id}/report.html`)).text();
      assert.match(html, /顧客のエクスポート/u);
    });

    test('third-party provision: only customers who granted third_party go out, the record lists recipient, items and counts', async () => {
      const suzuki = await customerOf('M2');
      const none = await (await admin.request('GET', '/api/v1/exports/customers.csv?provisionTo=%E6%A0%AA%E5%BC%8F%E4%BC%9A%E7%A4%BE%E6%8F%90%E6%90%BA')).text();
      assert.equal(none.trim().split('\n').length, 1, 'nobody granted it: the header only');
      assert.equal((await admin.json('POST', `/api/v1/customers/${suzuki}/consents`, { purposeCode: 'third_party', state: 'granted' })).status, 201);
      const one = await (await admin.request('GET', '/api/v1/exports/customers.csv?provisionTo=%E6%A0%AA%E5%BC%8F%E4%BC%9A%E7%A4%BE%E6%8F%90%E6%90%BA&provisionPurpose=DM')).text();
      assert.equal(one.trim().split('\n').length, 2);
      assert.match(one, /hanako\.suzuki/u);
      const records = await admin.json('GET', '/api/v1/privacy/provisions');
      assert.deepEqual(records.body.items.map((p: { recipient: string; customerCount: number; refusedCount: number }) => [p.recipient, p.customerCount, p.refusedCount]),
        [['株式会社提携', 1, 1], ['株式会社提携', 0, 2]]);
      assert.ok(records.body.items[0].items.includes('メールアドレス'));
      const ofSuzuki = await admin.json('GET', `/api/v1/privacy/provisions?customerId=${suzuki}`);
      assert.equal(ofSuzuki.body.items.length, 1);
    });

    test('correction: a manual source record with the request as its reason', async () => {
      const suzuki = await customerOf('M2');
      const r = await request('correction', [suzuki], HANAKO);
      const fixed = await admin.json('POST', `/api/v1/privacy/requests/${r.id}/customers/${suzuki}/correction`, { title: '部長' });
      assert.equal(fixed.status, 200, JSON.stringify(fixed.body));
      assert.equal(fixed.body.title, '部長');
      const record = await db.selectFrom('source_records as sr').innerJoin('sources as s', 's.id', 'sr.source_id').select(['sr.raw'])
        .where('s.name', '=', 'manual').where('sr.customer_id', '=', suzuki).executeTakeFirstOrThrow();
      assert.deepEqual((record.raw as { _reason: unknown })._reason, { privacyRequestId: r.id });
      const wrongKind = await request('disclosure', [suzuki], HANAKO);
      assert.equal((await admin.json('POST', `/api/v1/privacy/requests/${wrongKind.id}/customers/${suzuki}/correction`, { title: 'x' })).status, 409);
    });

    test('erasure: typed confirmation; afterwards no table holds the person\'s values except as tombstone hashes; a re-import is flagged', async () => {
      const yamada = await customerOf('M1');
      // Files waiting in the import wizard: one with 山田's row (Shift_JIS, as a department's export often is), one without.
      const withYamada = await storeUpload(new Response(new Uint8Array(iconv.encode([HEADER, YAMADA].join('\r\n'), 'cp932'))).body!, 'members-2026.csv', admin.userId);
      const withoutYamada = await storeUpload(new Response([HEADER, SUZUKI].join('\n')).body!, 'suzuki.csv', admin.userId);
      const r = await request('erasure', [yamada]);
      const wrong = await admin.json('POST', `/api/v1/privacy/requests/${r.id}/erase`, { confirm: 'はい' });
      assert.equal(wrong.status, 400);
      const done = await admin.json('POST', `/api/v1/privacy/requests/${r.id}/erase`, { confirm: '消去する' });
      assert.equal(done.status, 200, JSON.stringify(done.body));
      assert.equal(done.body.customers, 1);
      assert.ok(done.body.deleted['source_records, match_keys, name_part_counts, match_decisions, review_items'] >= 1);

      // Every table and column of the schema, each row as text.
      const tables = await sql<{ table_name: string }>`SELECT table_name FROM information_schema.tables
        WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`.execute(db);
      assert.ok(tables.rows.length > 50, `${tables.rows.length} tables`);
      const hits: string[] = [];
      for (const { table_name: table } of tables.rows) {
        for (const value of ERASED_VALUES) {
          const found = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)} x WHERE x::text LIKE ${`%${value}%`}`.execute(db);
          if (found.rows[0]!.n > 0) hits.push(`${table}: ${value}`);
        }
      }
      assert.deepEqual(hits, []);
      // …and no uploaded file on disk: the upload quoting 山田 is gone, the other one stays.
      assert.equal(findUpload(withYamada.id), null);
      assert.ok(findUpload(withoutYamada.id));
      assert.equal(done.body.deleted['uploaded files'], 1);
      const fileHits: string[] = [];
      for (const entry of fs.readdirSync(uploadRoot(), { recursive: true, withFileTypes: true })) {
        if (!entry.isFile()) continue;
        const bytes = fs.readFileSync(path.join(entry.parentPath, entry.name));
        const text = bytes.toString('utf8') + iconv.decode(bytes, 'cp932');
        for (const value of ERASED_VALUES) if (text.includes(value)) fileHits.push(`${entry.name}: ${value}`);
      }
      assert.deepEqual(fileHits, []);
      const hashes = await db.selectFrom('tombstone_hashes').select(['kind']).execute();
      assert.deepEqual([...new Set(hashes.map((h) => h.kind))].sort(), ['email', 'name_birth', 'phone']);
      const page = await admin.json('GET', `/api/v1/privacy/requests/${r.id}`);
      assert.equal(page.body.requesterName, '（消去済み）');
      assert.equal(page.body.customers[0].erased, true);
      // The backup register is read (src/platform/operations): no backup was taken before this erasure.
      assert.equal(page.body.backupsHoldingData.known, true);
      assert.deepEqual(page.body.backupsHoldingData.items, []);
      assert.equal(page.body.tombstone.customerCount, 1);
      // Suzuki is untouched.
      assert.ok(await db.selectFrom('customers').select('id').where('id', '=', await customerOf('M2')).executeTakeFirst());

      const again = await runImport(db, { filePath: AGAIN, profile: PROFILE, actor: operator });
      const issues = await db.selectFrom('import_issues').selectAll().where('run_id', '=', again.runId).execute();
      assert.deepEqual(issues.map((i) => [i.line, i.reason, i.value]), [[2, 'erased_person', null]]);
      const matches = await admin.json('GET', '/api/v1/privacy/tombstone-matches');
      assert.equal(matches.body.items.length, 1);
      assert.equal(matches.body.items[0].requestId, r.id);
      assert.deepEqual(matches.body.items[0].kinds, ['email', 'name_birth', 'phone']);
      assert.equal((await admin.json('POST', `/api/v1/privacy/tombstone-matches/${matches.body.items[0].id}/dismiss`)).status, 204);
      assert.equal((await admin.json('GET', '/api/v1/privacy/tombstone-matches')).body.items.length, 0);
      assert.equal((await admin.json('POST', `/api/v1/privacy/requests/${r.id}/erase`, { confirm: '消去する' })).status, 409, 'once');
    });
  });
}
