import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../../../src/db/database.ts';
import type { ConsentPurpose } from '../../../src/db/schema.ts';
import { parseImportProfile } from '../../../src/domain/import/profile.ts';
import { runImport } from '../../../src/intake/files/import.service.ts';
import { validateImport } from '../../../src/intake/files/validate.service.ts';
import { currentConsentStatesSql } from '../../../src/ledger/consents/consents.repository.ts';
import { consentHistory, currentConsents, emailEligibility, recordConsent } from '../../../src/ledger/consents/consents.service.ts';
import { ENGINES } from '../../support/engines.ts';
import { startTestApp, type Client, type TestApp } from '../../support/app.ts';

const operator = { auth: null, ip: null, userAgent: 'test' };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-consents-'));
const HEADER = '名刺ID,氏名,メール,電話,メルマガ';
const ROWS = [
  'C1,山田 太郎,taro.yamada@daicho-test.jp,03-1111-2222,希望する',
  'C2,鈴木 花子,hanako.suzuki@daicho-test.jp,03-3333-4444,しない',
  'C3,佐藤 次郎,jiro.sato@daicho-test.jp,03-5555-6666,',
  'C4,田中 三郎,saburo.tanaka@daicho-test.jp,03-7777-8888,たぶん',
  'C5,伊藤 四郎,shiro.ito@daicho-test.jp,03-9999-0000,ＹＥＳ',
];
const write = (name: string, rows: string[]) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, [HEADER, ...rows].join('\n') + '\n');
  return file;
};
const FIRST = write('first.csv', ROWS);
// C1 changes her mind; everything else is as before.
const CHANGED = write('changed.csv', ROWS.map((r) => (r.startsWith('C1,') ? r.replace(/希望する$/u, '希望しない') : r)));
const PROFILE = {
  source: 'tenjikai-meishi', id_column: '名刺ID', email_basis: 'business_card',
  fields: { full_name: '氏名', email: 'メール', phone: '電話' }, consent: { email_marketing: 'メルマガ' },
};
const FORM_CONSENT = 'メールマガジン (新製品・セミナーのご案内) の配信に同意します。';

for (const engine of ENGINES) {
  describe(`consent ledger [${engine}]`, () => {
    let t: TestApp;
    let db: Db;
    let admin: Client;
    let viewer: Client;
    let sales: Client;
    const customerOf = async (externalId: string) =>
      (await db.selectFrom('source_records').select(['id', 'customer_id']).where('external_id', '=', externalId).executeTakeFirstOrThrow());
    /** The audience fragment, as a campaign would join it. */
    const audience = async (purpose: ConsentPurpose) => {
      const rows = await sql<{ id: string; state: string | null }>`SELECT c.id, cs.state FROM customers c
        LEFT JOIN (${currentConsentStatesSql(purpose)}) cs ON cs.customer_id = c.id WHERE c.deleted_at IS NULL`.execute(db);
      return new Map(rows.rows.map((r) => [r.id, r.state]));
    };

    before(async () => {
      t = await startTestApp(engine);
      db = t.database.db;
      admin = await t.as('admin');
      viewer = await t.as('viewer');
      sales = await t.as('sales');
      const source = await admin.json('POST', '/api/v1/sources', { name: 'tenjikai-meishi', label: '展示会名刺', kind: 'file_import', party: 'first' });
      assert.equal(source.status, 201, JSON.stringify(source.body));
      assert.equal(source.body.emailBasis, 'none');
    });
    after(async () => t.close());

    test('an import profile sets the source’s e-mail basis and its consent column becomes events; a bad value is an issue, the row lands', async () => {
      const dry = await validateImport(db, { filePath: FIRST, profile: parseImportProfile(PROFILE) });
      assert.deepEqual(dry.issues.map((i) => [i.line, i.field, i.value]), [[5, 'consent.email_marketing', 'たぶん']], 'the dry run names the unreadable value too');
      assert.equal(dry.flaggedByField['consent.email_marketing'], 1);
      const summary = await runImport(db, { filePath: FIRST, profile: parseImportProfile(PROFILE), actor: operator });
      assert.equal(summary.new, 5, 'every row lands, C4 too');
      assert.equal(summary.consentEvents, 3, 'C1 希望する, C2 しない, C5 ＹＥＳ; C3 blank, C4 unreadable');
      const sources = await admin.json('GET', '/api/v1/sources');
      assert.equal(sources.body.items.find((s: { name: string }) => s.name === 'tenjikai-meishi').emailBasis, 'business_card');
      const issues = await db.selectFrom('import_issues').selectAll().where('run_id', '=', summary.runId).execute();
      assert.equal(issues.length, 1);
      assert.deepEqual([issues[0]!.line, issues[0]!.field, issues[0]!.value], [5, 'consent.email_marketing', 'たぶん']);
      assert.match(issues[0]!.reason, /5行目: 同意の列「メルマガ」.*「たぶん」を読めません/u);

      const c1 = await customerOf('C1');
      const events = await db.selectFrom('consents').selectAll().where('source_record_id', '=', c1.id).execute();
      assert.equal(events.length, 1);
      assert.deepEqual([events[0]!.purpose_code, events[0]!.state, events[0]!.method, events[0]!.text_shown, events[0]!.granted], ['email_marketing', 'granted', 'import', 'メルマガ', true]);

      const status = async (id: string) => (await emailEligibility(db, (await customerOf(id)).customer_id!)).status;
      assert.equal(await status('C1'), 'opted_in');
      assert.equal(await status('C2'), 'opted_out');
      assert.equal(await status('C3'), 'business_card', 'no consent recorded: the source’s exception');
      assert.equal(await status('C4'), 'business_card');
      const c3 = await emailEligibility(db, (await customerOf('C3')).customer_id!);
      assert.deepEqual(c3.basisSources, ['展示会名刺']);
      assert.equal(c3.mayEmail, true);
    });

    test('re-importing the same file writes nothing; a changed value writes one event', async () => {
      const count = async () => Number((await db.selectFrom('consents').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      const before = await count();
      const again = await runImport(db, { filePath: FIRST, profile: parseImportProfile(PROFILE), actor: operator });
      assert.equal(again.consentEvents, 0);
      assert.equal(await count(), before);
      const changed = await runImport(db, { filePath: CHANGED, profile: parseImportProfile(PROFILE), actor: operator });
      assert.equal(changed.consentEvents, 1);
      assert.equal(await count(), before + 1);
      const c1 = (await customerOf('C1')).customer_id!;
      assert.deepEqual((await currentConsents(db, c1)).find((c) => c.purposeCode === 'email_marketing')!.state, 'denied');
      assert.equal((await emailEligibility(db, c1)).status, 'opted_out');
      assert.deepEqual((await consentHistory(db, c1)).map((e) => e.state), ['denied', 'granted'], 'newest first');
    });

    test('a profile that changes the basis needs sources:write; a bad basis or purpose is refused with its path', async () => {
      const salesUser = await db.selectFrom('users').select(['id', 'email', 'display_name']).where('id', '=', sales.userId).executeTakeFirstOrThrow();
      const actor = { auth: { userId: salesUser.id, email: salesUser.email, displayName: salesUser.display_name, role: 'sales' as const, via: 'api_key' as const, apiKeyId: null, csrfToken: null }, ip: null, userAgent: 'test' };
      await assert.rejects(runImport(db, { filePath: FIRST, profile: parseImportProfile({ ...PROFILE, email_basis: 'business_relationship' }), actor }), /sources:write/u);
      // The same basis again is no change: the import runs.
      const same = await runImport(db, { filePath: CHANGED, profile: parseImportProfile(PROFILE), actor });
      assert.equal(same.unchanged, 5);
      assert.equal(same.consentEvents, 0);
      assert.throws(() => parseImportProfile({ ...PROFILE, email_basis: 'meishi' }), /email_basis/u);
      assert.throws(() => parseImportProfile({ ...PROFILE, consent: { newsletter: 'メルマガ' } }), /consent\.newsletter: 同意の目的「newsletter」はありません/u);
    });

    test('staff entry: customers:write, validated, audited; the page’s ledger shows current states, the basis and the history', async () => {
      const c3 = (await customerOf('C3')).customer_id!;
      assert.equal((await viewer.json('POST', `/api/v1/customers/${c3}/consents`, { purposeCode: 'dm', state: 'denied' })).status, 403);
      const bad = await admin.json('POST', `/api/v1/customers/${c3}/consents`, { purposeCode: 'newsletter', state: 'maybe' });
      assert.equal(bad.status, 400);
      assert.deepEqual(bad.body.errors.map((e: { field: string }) => e.field).sort(), ['purposeCode', 'state']);
      assert.equal((await admin.json('POST', `/api/v1/customers/${randomUUID()}/consents`, { purposeCode: 'dm', state: 'denied' })).status, 404);

      const made = await sales.json('POST', `/api/v1/customers/${c3}/consents`, { purposeCode: 'dm', state: 'denied', note: '電話で「DMは不要」と申し出あり' });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      const dm = made.body.current.find((c: { purposeCode: string }) => c.purposeCode === 'dm');
      assert.equal(dm.state, 'denied');
      assert.deepEqual([dm.event.method, dm.event.textShown, dm.event.actorName, dm.event.sourceRecordId], ['staff', '電話で「DMは不要」と申し出あり', 'sales user', null]);
      assert.equal(made.body.email.status, 'business_card');
      const audit = await db.selectFrom('audit_log').selectAll().where('action', '=', 'consent.record').execute();
      assert.equal(audit.length, 1);
      assert.equal(audit[0]!.entity_id, c3);

      const asViewer = await viewer.json('GET', `/api/v1/customers/${c3}/consents`);
      assert.equal(asViewer.status, 200);
      assert.equal(asViewer.body.items[0].textShown, '＊＊＊', 'a staff note is free text: masked without customers:read_personal');
      assert.deepEqual(asViewer.body.current.map((c: { purposeCode: string; state: string }) => `${c.purposeCode}:${c.state}`),
        ['email_marketing:none', 'dm:denied', 'phone_marketing:none', 'profiling:none', 'third_party:none']);
      const c1 = (await customerOf('C1')).customer_id!;
      const ledger = await admin.json('GET', `/api/v1/customers/${c1}/consents`);
      assert.deepEqual(ledger.body.items.map((e: { purposeCode: string; state: string; method: string; source: string; sourceRecordId: number }) => [e.purposeCode, e.state, e.method, e.source, e.sourceRecordId]),
        [['email_marketing', 'denied', 'import', '展示会名刺', (await customerOf('C1')).id], ['email_marketing', 'granted', 'import', '展示会名刺', (await customerOf('C1')).id]]);
    });

    test('merge: customer-level events move, the most restrictive state wins per purpose; a later opt-in still counts; unmerge gives each side its record events', async () => {
      const keep = await customerOf('C5'); // email granted (its record)
      const gone = await customerOf('C2'); // email denied (its record)
      await recordConsent(db, { customerId: gone.customer_id!, purposeCode: 'phone_marketing', state: 'withdrawn', method: 'staff', textShown: '電話不要' });
      await recordConsent(db, { customerId: keep.customer_id!, purposeCode: 'profiling', state: 'granted', method: 'api' });
      const before = await audience('email_marketing');
      assert.equal(before.get(keep.customer_id!), 'granted');
      assert.equal(before.get(gone.customer_id!), 'denied');

      const merged = await admin.json('POST', '/api/v1/customers/merge', { customerIds: [keep.customer_id, gone.customer_id] });
      assert.equal(merged.status, 200, JSON.stringify(merged.body));
      const survivor = keep.customer_id!;
      const moved = await db.selectFrom('consents').select(['customer_id']).where('text_shown', '=', '電話不要').executeTakeFirstOrThrow();
      assert.equal(moved.customer_id, survivor, 'the merged-away customer’s customer-level event moved to the survivor');
      const mergeEvents = await db.selectFrom('consents').select(['purpose_code', 'state', 'source_record_id']).where('method', '=', 'merge').where('customer_id', '=', survivor).orderBy('purpose_code').execute();
      assert.deepEqual(mergeEvents, [
        { purpose_code: 'email_marketing', state: 'denied', source_record_id: null },
        { purpose_code: 'phone_marketing', state: 'withdrawn', source_record_id: null },
      ], 'granted vs denied → denied; none vs withdrawn → withdrawn; profiling granted vs none writes nothing');
      const states = Object.fromEntries((await currentConsents(db, survivor)).map((c) => [c.purposeCode, c.state]));
      assert.deepEqual(states, { email_marketing: 'denied', dm: 'none', phone_marketing: 'withdrawn', profiling: 'granted', third_party: 'none' });
      const after = await audience('email_marketing');
      assert.equal(after.get(survivor), 'denied');
      assert.equal(after.has(gone.customer_id!), false, 'the merged-away customer is no longer live');

      // A later opt-in (a form, a staff entry) still counts.
      await recordConsent(db, { customerId: survivor, purposeCode: 'email_marketing', state: 'granted', method: 'staff', recordedAt: new Date(Date.now() + 1000) });
      assert.equal((await audience('email_marketing')).get(survivor), 'granted');

      // Unmerge C2's record: its import event goes with it, and so does C2's own customer-level event (every record
      // C2 brought leaves); the survivor keeps its own and the merge's.
      const split = await admin.json('POST', `/api/v1/customers/${survivor}/unmerge`, { sourceRecordIds: [gone.id] });
      assert.equal(split.status, 201, JSON.stringify(split.body));
      const created = split.body.newCustomerId as string;
      assert.deepEqual((await consentHistory(db, created)).map((e) => [e.purposeCode, e.state, e.method, e.sourceRecordId]).sort(),
        [['email_marketing', 'denied', 'import', gone.id], ['phone_marketing', 'withdrawn', 'staff', null]]);
      assert.equal((await currentConsents(db, created)).find((c) => c.purposeCode === 'phone_marketing')!.state, 'withdrawn', 'the person split off keeps their own opt-out');
      assert.ok(!(await consentHistory(db, survivor)).some((e) => e.textShown === '電話不要'));
      assert.equal((await currentConsents(db, survivor)).find((c) => c.purposeCode === 'phone_marketing')!.state, 'withdrawn', 'the merge’s event stays: most restrictive, on the safe side');
      assert.equal((await audience('email_marketing')).get(created), 'denied');
      assert.ok(!(await consentHistory(db, survivor)).some((e) => e.sourceRecordId === gone.id), 'the record’s events left with it');
      assert.equal((await audience('email_marketing')).get(survivor), 'granted');
    });

    test('unmerge: a merged-away customer’s events go back only once every record it brought leaves', async () => {
      const make = async (familyName: string, email: string) => (await admin.json('POST', '/api/v1/customers', { familyName, givenName: '検証', email })).body.id as string;
      const a = await make('青木', 'aoki.kensho@daicho-test.jp');
      const b = await make('井上', 'inoue.kensho@daicho-test.jp');
      const c = await make('上田', 'ueda.kensho@daicho-test.jp');
      const recordOf = async (id: string) => (await db.selectFrom('source_records').select('id').where('customer_id', '=', id).executeTakeFirstOrThrow()).id;
      const [recB, recC] = [await recordOf(b), await recordOf(c)];
      assert.equal((await admin.json('POST', `/api/v1/customers/${b}/consents`, { purposeCode: 'third_party', state: 'denied', note: '第三者提供不可' })).status, 201);
      assert.equal((await admin.json('POST', '/api/v1/customers/merge', { customerIds: [b, c] })).status, 200);
      assert.equal((await admin.json('POST', '/api/v1/customers/merge', { customerIds: [a, b] })).status, 200);
      assert.equal((await currentConsents(db, a)).find((x) => x.purposeCode === 'third_party')!.state, 'denied');
      // B brought two records (its own and C's): splitting one of them leaves B's event with A.
      const first = await admin.json('POST', `/api/v1/customers/${a}/unmerge`, { sourceRecordIds: [recB] });
      assert.equal(first.status, 201);
      assert.equal((await consentHistory(db, first.body.newCustomerId)).length, 0);
      assert.ok((await consentHistory(db, a)).some((e) => e.textShown === '第三者提供不可'));
      // The last record B brought leaves: its event goes with it.
      const second = await admin.json('POST', `/api/v1/customers/${a}/unmerge`, { sourceRecordIds: [recC] });
      assert.equal(second.status, 201);
      // B's history: its staff entry and the event of its own merge with C (B had absorbed it), not A's merge event.
      assert.deepEqual((await consentHistory(db, second.body.newCustomerId)).map((e) => [e.purposeCode, e.state, e.method]), [['third_party', 'denied', 'merge'], ['third_party', 'denied', 'staff']]);
      assert.equal((await currentConsents(db, second.body.newCustomerId)).find((x) => x.purposeCode === 'third_party')!.state, 'denied');
      assert.ok(!(await consentHistory(db, a)).some((e) => e.textShown === '第三者提供不可'));
    });

    test('forms: consentPurposes in the API; a ticked box grants each purpose once, an unticked one writes no purpose event', async () => {
      const noText = await admin.json('POST', '/api/v1/forms', { slug: 'mailmag-bad', kind: 'other', title: 'x', consentPurposes: ['email_marketing'] });
      assert.equal(noText.status, 400);
      assert.ok(noText.body.errors.some((e: { field: string }) => e.field === 'consentPurposes'));
      const form = await admin.json('POST', '/api/v1/forms', {
        slug: 'mailmag', kind: 'other', title: 'メルマガ登録', status: 'published', consentText: FORM_CONSENT, consentPurpose: 'newsletter',
        consentPurposes: ['email_marketing', 'email_marketing', 'dm'],
        fields: [
          { key: 'name', target: 'full_name', labelJa: 'お名前', type: 'text', required: true },
          { key: 'email', target: 'email', labelJa: 'メール', type: 'email', required: true },
        ],
      });
      assert.equal(form.status, 201, JSON.stringify(form.body));
      assert.deepEqual(form.body.consentPurposes, ['email_marketing', 'dm']);
      const source = await db.selectFrom('sources').select('email_basis').where('id', '=', form.body.sourceId).executeTakeFirstOrThrow();
      assert.equal(source.email_basis, 'opt_in_per_record');
      const submit = (body: Record<string, unknown>) => Promise.resolve(t.app.request('/api/v1/public/forms/mailmag/submissions', {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
      }));
      const key = `sub-${randomUUID()}`;
      const ticked = { submission_key: key, name: '高田 美咲', email: 'misaki.takada@daicho-test.jp', consent: true };
      assert.equal((await submit(ticked)).status, 201);
      assert.equal((await submit(ticked)).status, 200, 'a replay');
      const record = await db.selectFrom('source_records').select(['id', 'customer_id']).where('external_id', '=', key).executeTakeFirstOrThrow();
      const events = await db.selectFrom('consents').selectAll().where('source_record_id', '=', record.id).orderBy('id').execute();
      assert.deepEqual(events.map((e) => [e.purpose, e.purpose_code, e.state, e.method, e.text_version]), [
        ['newsletter', null, 'granted', 'form', 1], ['email_marketing', 'email_marketing', 'granted', 'form', 1], ['dm', 'dm', 'granted', 'form', 1],
      ]);
      assert.equal(events[1]!.text_shown, FORM_CONSENT);
      assert.equal((await emailEligibility(db, record.customer_id!)).status, 'opted_in');

      const unticked = `sub-${randomUUID()}`;
      assert.equal((await submit({ submission_key: unticked, name: '大野 健', email: 'ken.ono@daicho-test.jp', consent: false })).status, 201);
      const other = await db.selectFrom('source_records').select(['id', 'customer_id']).where('external_id', '=', unticked).executeTakeFirstOrThrow();
      const otherEvents = await db.selectFrom('consents').select(['purpose_code', 'state']).where('source_record_id', '=', other.id).execute();
      assert.deepEqual(otherEvents, [{ purpose_code: null, state: 'denied' }], 'the form’s own log entry only');
      assert.equal((await emailEligibility(db, other.customer_id!)).status, 'no_basis', 'a form source gives no exception');
    });

    test('sources API: the e-mail basis is readable and editable with sources:write only', async () => {
      const list = await admin.json('GET', '/api/v1/sources');
      const src = list.body.items.find((s: { name: string }) => s.name === 'tenjikai-meishi');
      assert.equal((await sales.json('PATCH', `/api/v1/sources/${src.id}`, { emailBasis: 'none' })).status, 403);
      const bad = await admin.json('PATCH', `/api/v1/sources/${src.id}`, { emailBasis: 'meishi' });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.errors[0].field, 'emailBasis');
      const ok = await admin.json('PATCH', `/api/v1/sources/${src.id}`, { emailBasis: 'published_for_business' });
      assert.equal(ok.status, 200);
      assert.equal(ok.body.emailBasis, 'published_for_business');
      assert.equal((await emailEligibility(db, (await customerOf('C3')).customer_id!)).status, 'published_for_business');
    });
  });
}
